"""Building disputes into any state of the table through the real services, for the tests.
Everything here calls `dispute_register` / `case_transition`; nothing writes a status."""
import datetime as dt
import itertools

from xinfang.core import clock
from xinfang.core.models import Case, Deadline, Event
from xinfang.core.services import case_transition
from xinfang.disputes.services import dispute_register
from xinfang.orgs.models import DataScope, User

# A Monday far from any holiday: paths built on it never touch a rest day.
BASE_DAY = dt.date(2026, 3, 2)
_serial = itertools.count(1)

SESSION = dict(place="一社区人民调解室", participants="双方当事人、调解员张调解", record="双方陈述事实，经调解员释法说理，同意协商解决。")
AGREEMENT = dict(form="written", facts="甲方装修致乙方屋顶渗水，双方对赔偿数额有争议。",
                 terms="甲方于十日内修复渗水部位并赔偿乙方损失二千元。", performance_method="现金一次性支付，修复后乙方验收",
                 all_signed=True)


def party(n: int | None = None, **overrides) -> dict:
    n = next(_serial) if n is None else n
    data = dict(name=f"当事人{n}", phone=f"138{n:08d}", address=f"示范区甲街道一社区{n}号")
    data.update(overrides)
    return data


def dispute_data(**overrides) -> dict:
    data = dict(title="楼上装修漏水纠纷", content="一社区居民反映楼上装修导致其屋顶渗水，双方协商未果。",
                dispute_type="neighbour", place_text="一社区3号楼", person_count=2,
                escalation_risk="双方曾发生口角，情绪较激动，需尽快调解。",
                parties=[party(side="applicant"), party(side="respondent")])
    data.update(overrides)
    return data


def mediators(tree) -> None:
    """The tree's mediation staff: a community mediator, a grid worker, a street-level
    registrar seeing the street's subtree, a street mediator."""
    if hasattr(tree, "mediator_c"):
        return
    tree.mediator_c = staff(tree, "mediator_c", tree.community, "mediator", scope=DataScope.SUBTREE)
    tree.mediator_g = staff(tree, "mediator_g", tree.grid, "mediator")
    tree.mediator_a = staff(tree, "mediator_a", tree.street_a, "mediator")
    tree.registrar_sub_a = staff(tree, "registrar_sub_a", tree.street_a, "registrar", scope=DataScope.SUBTREE)


def staff(tree, username: str, unit, *roles: str, scope: str = DataScope.OWN_UNIT) -> User:
    existing = User.objects.filter(username=username).first()
    return existing or tree.user(username, unit, *roles, scope=scope)


def register(tree, actor=None, **overrides) -> Case:
    mediators(tree)
    return dispute_register(actor=actor or tree.mediator_c, data=dispute_data(**overrides))


def act(case: Case, actor, action: str, **payload) -> Case:
    case.refresh_from_db()
    return case_transition(case=case, actor=actor, action=action, version=case.version, payload=payload)


def _today() -> str:
    return clock.today().isoformat()


_STEPS = {
    "mediating": ("registered", "mediator_c", "accept", lambda t: {"mediators": "张调解、李调解"}),
    "agreed": ("mediating", "mediator_c", "sign_agreement",
               lambda t: dict(AGREEMENT, signed_on=_today(),
                              performance_by=(clock.today() + dt.timedelta(days=10)).isoformat())),
    "confirmation_applied": ("agreed", "mediator_c", "apply_confirmation",
                             lambda t: {"court": "示范区人民法院", "joint": True}),
    "ended": ("mediating", "mediator_c", "end_mediation",
              lambda t: {"reason": "no_agreement", "other_routes": "已告知双方可以向人民法院提起诉讼。"}),
    "referred_police": ("mediating", "mediator_c", "refer_police",
                        lambda t: {"police_organ": "示范区公安分局甲街道派出所",
                                   "reason": "一方扬言报复，可能引发治安案件。"}),
    "to_petition": ("registered", "registrar_sub_a", "to_petition",
                    lambda t: {"reason": "当事人要求通过信访渠道解决。"}),
}


def build(tree, state: str, **overrides) -> Case:
    """A fresh dispute in `state`, reached through the services (call inside clock.frozen)."""
    mediators(tree)
    if state == "registered":
        return register(tree, **overrides)
    if state == "resolved":
        case = build(tree, "agreed", **overrides)
        act(case, tree.mediator_c, "record_followup", visited_on=_today(), performance="performed")
        act(case, tree.mediator_c, "close_resolved")
        case.refresh_from_db()
        return case
    source, who, action, payload = _STEPS[state]
    case = build(tree, source, **overrides)
    if action == "sign_agreement":
        act(case, tree.mediator_c, "record_session", held_on=_today(), **SESSION)
    act(case, getattr(tree, who), action, **payload(tree))
    case.refresh_from_db()
    assert case.status == state, (state, case.status)
    return case


def snapshot(case: Case) -> dict:
    """Everything a refused action must leave exactly as it was."""
    from xinfang.audit.models import AuditEntry
    from xinfang.disputes.models import (
        Dispute,
        DisputePetitionLink,
        FollowUp,
        Handover,
        JudicialConfirmation,
        MediationAgreement,
        MediationSession,
        Mediator,
    )

    row = Case.objects.values().get(pk=case.pk)
    return {
        "case": row,
        "dispute": Dispute.objects.values().get(case_id=case.pk),
        "events": list(Event.objects.filter(case=case).values_list("seq", "action", "from_status", "to_status")),
        "deadlines": list(Deadline.objects.filter(case=case).order_by("id").values()),
        "rows": [list(m.objects.filter(case=case).order_by("id").values()) for m in
                 (Mediator, MediationSession, MediationAgreement, FollowUp, JudicialConfirmation, Handover)],
        "links": list(DisputePetitionLink.objects.filter(dispute=case).values()),
        "units": sorted(case.unit_links.values_list("unit_id", flat=True)),
        "audit": AuditEntry.objects.count(),
        "cases": Case.objects.count(),
    }

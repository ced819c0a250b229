"""Building petitions into any state of the table through the real services, for the
engine's tests. Everything here calls `petition_register` / `case_transition`; nothing
writes a status directly."""
import datetime as dt
import itertools

from xinfang.core import clock
from xinfang.core.models import Case, Deadline, Event
from xinfang.core.services import case_transition
from xinfang.orgs.models import DataScope, User
from xinfang.petitions.services import petition_register

# A Monday far from any holiday: paths built on it never touch a rest day.
BASE_DAY = dt.date(2026, 3, 2)

ANSWER = dict(decision="support", facts="经调查，反映情况属实，已督促整改。", legal_basis="《城市道路照明管理规定》第十条")
REVIEW_ANSWER = dict(decision="uphold", facts="原处理意见认定事实清楚。", legal_basis="《信访工作条例》第三十五条")
REASON = dict(reason="不属本单位职责范围")

_serial = itertools.count(1)


def petitioner(n: int | None = None) -> dict:
    """A distinct person per call (name and phone unique), so merges never match by accident."""
    n = next(_serial) if n is None else n
    return dict(name=f"测试人{n}", phone=f"139{n:08d}", address=f"示范区甲街道{n}号")


def petition_data(**overrides) -> dict:
    data = dict(title="小区路灯损坏", content="某小区路灯长期损坏，夜间出行不便，请求维修。", channel="visit",
                petitioners=[petitioner()])
    data.update(overrides)
    return data


def register(tree, actor=None, **overrides) -> Case:
    return petition_register(actor=actor or tree.registrar, data=petition_data(**overrides))


def act(case: Case, actor, action: str, *, actor_kind: str | None = None, **payload) -> Case:
    """Take an action as `actor` ("public" / "system" for those kinds) at the case's current version."""
    case.refresh_from_db()
    if actor in ("public", "system"):
        actor_kind, actor = actor, None
    return case_transition(case=case, actor=actor, actor_kind=actor_kind or "staff", action=action,
                           version=case.version, payload=payload)


# Which fixture user takes each step on the main path (names of attributes of `tree`).
_STEPS = {
    "assigned": ("registered", "registrar", "assign", lambda t: {"unit_id": t.street_a.pk}),
    "transferred": ("registered", "registrar", "transfer", lambda t: {"unit_id": t.court.pk}),
    "accepted": ("assigned", "handler_a", "accept", lambda t: {}),
    "extension_requested": ("accepted", "handler_a", "request_extension",
                            lambda t: {"days": 15, "reason": "需要补充调查取证"}),
    "suspended": ("accepted", "reviewer_a", "suspend", lambda t: {"reason": "需要举行听证"}),
    "answer_pending": ("accepted", "handler_a", "submit_answer", lambda t: ANSWER),
    "answered": ("answer_pending", "reviewer_a", "approve_answer", lambda t: {}),
    "review_requested": ("answered", "registrar", "request_review", lambda t: {"reason": "对处理意见不服"}),
    "under_review": ("review_requested", "district_reviewer", "accept_review", lambda t: {}),
    "reviewed": ("under_review", "district_reviewer", "answer_review", lambda t: REVIEW_ANSWER),
    "rereview_requested": ("reviewed", "registrar", "request_rereview", lambda t: {"reason": "对复查意见不服"}),
    "under_rereview": ("rereview_requested", "city_reviewer", "accept_rereview", lambda t: {}),
    "rereview_suspended": ("under_rereview", "city_reviewer", "suspend_rereview", lambda t: {"reason": "举行听证"}),
    "concluded": ("under_rereview", "city_reviewer", "answer_rereview", lambda t: REVIEW_ANSWER),
    "declined": ("registered", "registrar", "decline",
                 lambda t: {"channel": "litigation", "reason": "属于民事纠纷，应通过诉讼解决"}),
}


def build(tree, state: str, **register_overrides) -> Case:
    """A fresh petition in `state`, reached through the services (call inside clock.frozen)."""
    if state == "registered":
        return register(tree, **register_overrides)
    if state == "closed":
        case = build(tree, "answered", **register_overrides)
        # closed by the scheduler once the 复查 window lapsed unused (rating is left free)
        with clock.frozen(clock.today() + dt.timedelta(days=40)):
            act(case, "system", "close")
        case.refresh_from_db()
        return case
    if state == "merged":
        person = petitioner()
        target = register(tree, petitioners=[person])
        case = register(tree, petitioners=[person], **register_overrides)
        act(case, tree.registrar, "merge_as_repeat", case_number=target.number)
        case.refresh_from_db()
        return case
    source, who, action, payload = _STEPS[state]
    case = build(tree, source, **register_overrides)
    act(case, getattr(tree, who), action, **payload(tree))
    case.refresh_from_db()
    assert case.status == state, (state, case.status)
    return case


def build_on(tree, state: str, day: dt.date = BASE_DAY, **overrides) -> Case:
    with clock.frozen(day):
        return build(tree, state, **overrides)


def staff_user(tree, username: str, unit, *roles: str, scope: str = DataScope.OWN_UNIT) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return tree.user(username, unit, *roles, scope=scope)


def snapshot(case: Case) -> dict:
    """Everything a refused action must leave exactly as it was."""
    from xinfang.audit.models import AuditEntry
    from xinfang.petitions.models import Answer, Petition

    row = Case.objects.values().get(pk=case.pk)
    return {
        "case": row,
        "petition": Petition.objects.values().get(case_id=case.pk),
        "events": list(Event.objects.filter(case=case).values_list("seq", "action", "from_status", "to_status")),
        "deadlines": list(Deadline.objects.filter(case=case).order_by("id").values()),
        "answers": list(Answer.objects.filter(case=case).order_by("id").values()),
        "units": sorted(case.unit_links.values_list("unit_id", flat=True)),
        "audit": AuditEntry.objects.count(),
    }

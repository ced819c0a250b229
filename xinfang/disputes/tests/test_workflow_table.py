"""Reads the dispute table itself and checks, for every transition and every source state:
a permitted actor standing where the table says can take it (the case built into that
state through the services), with the declared effect on status, event and clocks; staff
of the wrong role or the wrong unit are refused, changing nothing."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.errors import Forbidden, NotFound
from xinfang.core.models import Deadline
from xinfang.core.selectors import case_actions_for, case_visible
from xinfang.core.workflow import CREATE, workflow_for
from xinfang.orgs.models import DataScope

from .builders import (
    AGREEMENT,
    BASE_DAY,
    SESSION,
    act,
    build,
    mediators,
    snapshot,
    staff,
)

WF = workflow_for("dispute")
D1 = (BASE_DAY + dt.timedelta(days=1)).isoformat()
TODAY = BASE_DAY.isoformat()


def _prepare(tree, case, action):
    """Whatever must already be on record for the action's guards to pass."""
    if action == "close_resolved":
        act(case, tree.mediator_c, "record_followup", visited_on=TODAY, performance="performed")
    if action == "sign_agreement":
        act(case, tree.mediator_c, "record_session", held_on=TODAY, **SESSION)


def petition_at_community(tree) -> str:
    """A petition the community's staff can see: registered at the street, assigned to the community."""
    from xinfang.petitions.tests.builders import act as petition_act
    from xinfang.petitions.tests.builders import register as petition_register

    petition = petition_register(tree, actor=tree.registrar_sub_a)
    petition_act(petition, tree.registrar_sub_a, "assign", unit_id=tree.community.pk)
    return petition.number


PAYLOADS = {
    "accept": lambda t: {"mediators": "张调解"},
    "change_mediators": lambda t: {"refused": "张调解", "added": "王调解", "reason": "申请人认为张调解与对方是亲戚"},
    "record_session": lambda t: dict(SESSION, held_on=TODAY),
    "sign_agreement": lambda t: dict(AGREEMENT, signed_on=TODAY, performance_by=D1),
    "record_followup": lambda t: {"visited_on": TODAY, "performance": "partly"},
    "apply_confirmation": lambda t: {"court": "示范区人民法院", "joint": True},
    "record_confirmation": lambda t: {"result": "confirmed", "ruling_on": TODAY, "document_no": "（2026）示0202民特1号"},
    "close_resolved": lambda t: {},
    "resume_mediation": lambda t: {"note": "一方反悔，重新调解"},
    "end_mediation": lambda t: {"reason": "no_agreement", "other_routes": "已告知可向人民法院起诉"},
    "hand_over": lambda t: {"track": "judicial", "unit_id": t.court.pk, "reason": "涉及金额较大，移交法院诉前调解"},
    "refer_police": lambda t: {"police_organ": "甲街道派出所", "reason": "一方扬言报复，可能引发治安案件"},
    "to_petition": lambda t: {"reason": "当事人要求通过信访渠道反映", "petition_number": petition_at_community(t)},
}
# Payloads that depend on the source state.
BY_SOURCE = {("end_mediation", "agreed"): {"reason": "not_performed", "other_routes": "已告知可向人民法院起诉"}}

PAIRS = [(t.action, src) for t in WF.transitions.values() if CREATE not in t.sources
         for src in sorted(WF.sources_of(t))]


def payload(tree, action, source):
    return BY_SOURCE.get((action, source)) or PAYLOADS[action](tree)


def test_every_transition_has_a_payload_and_every_state_is_reached():
    assert set(PAYLOADS) == {a for a, _ in PAIRS}
    reached = {WF.creating().target} | {t.target for t in WF.transitions.values() if t.target}
    assert reached == set(WF.states)
    assert WF.number_prefix == "TJ"


def _roles(user) -> set[str]:
    return set(user.roles.values_list("code", flat=True))


def expected_permitted(whos, actor, case) -> bool:
    for who in whos:
        if who.role not in _roles(actor):
            continue
        if who.at == "scope" and case_visible(user=actor, case=case):
            return True
        if who.at == "owner" and actor.unit_id == case.owner_unit_id:
            return True
    return False


def _actor_for(tree, who, case):
    unit = case.owner_unit
    if who.at == "scope":
        return tree.registrar_sub_a if who.role == "registrar" else staff(tree, f"{who.role}_s", unit, who.role)
    return staff(tree, f"{who.role}_{unit.short_code}", unit, who.role)


@pytest.mark.parametrize("action, source", PAIRS, ids=[f"{a}-from-{s}" for a, s in PAIRS])
def test_transition_from_source(tree, action, source):
    transition = WF.transitions[action]
    with clock.frozen(BASE_DAY):
        case = build(tree, source)
        _prepare(tree, case, action)
        case.refresh_from_db()
        data = payload(tree, action, source)
        users = [tree.registrar, tree.handler_a, tree.reviewer_a, tree.handler_b, tree.leader, tree.court_registrar,
                 tree.mediator_g, tree.mediator_a, tree.mediator_c, tree.registrar_sub_a]
        for user in users:
            if expected_permitted(transition.who, user, case):
                continue
            before = snapshot(case)
            error = NotFound if not case_visible(user=user, case=case) else Forbidden
            with pytest.raises(error):
                act(case, user, action, **data)
            assert snapshot(case) == before, user.username
            assert action not in {t.action for t in case_actions_for(user=user, case=case)}
        # The right role in the wrong unit, seeing everything: refused.
        roles = {w.role for w in transition.who}
        wrong_unit = staff(tree, f"wu_{action[:10]}_{source[:10]}", tree.street_b, *roles, scope=DataScope.ALL)
        if all(w.at != "scope" for w in transition.who):
            before = snapshot(case)
            with pytest.raises(Forbidden):
                act(case, wrong_unit, action, **data)
            assert snapshot(case) == before

    for i, who in enumerate(transition.who):
        with clock.frozen(BASE_DAY):
            if i:
                case = build(tree, source)
                _prepare(tree, case, action)
            case.refresh_from_db()
            actor = _actor_for(tree, who, case)
            assert action in {t.action for t in case_actions_for(user=actor, case=case)}
            before_version = case.version
            act(case, actor, action, **payload(tree, action, source))
        case.refresh_from_db()
        target = transition.target or source
        assert case.status == target and case.is_open == WF.state(target).open
        assert case.version == before_version + 1 == case.events.count()
        event = case.events.order_by("-seq").first()
        assert (event.action, event.from_status, event.to_status, event.actor_id) == (action, source, target, actor.pk)
        running = set(Deadline.objects.filter(case=case, active=True).values_list("key", flat=True))
        assert set(transition.starts) <= running
        assert not (set(transition.stops) - set(transition.starts)) & running
        if not case.is_open:
            assert not Deadline.objects.filter(case=case, active=True, obligation="organ").exists()


def test_register_is_for_mediators_handlers_and_registrars(tree):
    from xinfang.core.errors import Forbidden as F
    from xinfang.disputes.services import dispute_register

    from .builders import dispute_data

    mediators(tree)
    with clock.frozen(BASE_DAY):
        for user in (tree.reviewer_a, tree.leader):
            with pytest.raises(F):
                dispute_register(actor=user, data=dispute_data())
        case = dispute_register(actor=tree.mediator_g, data=dispute_data())
    assert case.number.startswith("TJ2026-YWG-") and case.kind == "dispute"
    assert case.owner_unit == tree.grid and case.dispute.level_found == "grid"
    assert case.events.get().to_status == "registered"

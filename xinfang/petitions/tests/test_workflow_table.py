"""Reads the petition table itself and checks, for every transition and every source state:
a permitted actor standing where the table says can take it (the case built into that
state through the services), and it has the declared effect on status, event and clocks;
staff of the wrong role or the wrong unit are refused with Forbidden, changing nothing."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.errors import Forbidden, NotFound
from xinfang.core.models import Deadline
from xinfang.core.selectors import case_actions_for, case_visible
from xinfang.core.workflow import ANY_OPEN, CREATE, workflow_for
from xinfang.orgs.models import DataScope, User
from xinfang.petitions.services import petition_register

from .builders import ANSWER, BASE_DAY, REVIEW_ANSWER, act, build, petition_data, register, snapshot, staff_user

WF = workflow_for("petition")
STAFF = ("registrar", "bureau_reviewer", "handler_a", "reviewer_a", "registrar_a", "handler_b", "handler_h",
         "reviewer_h", "district_reviewer", "city_reviewer", "leader", "court_registrar")


def _handler_in_owner(tree, case):
    user = User.objects.filter(unit=case.owner_unit, roles__code="handler").first()
    return {"user_id": (user or staff_user(tree, f"handler_{case.owner_unit.short_code}", case.owner_unit,
                                           "handler")).pk}


def _merge_target(tree, case):
    person = case.petitioners.first()
    target = register(tree, petitioners=[dict(name=person.name, phone=person.phone)])
    return {"case_number": target.number}


PAYLOADS = {
    "decline": lambda t, c: {"channel": "litigation", "reason": "属于民事纠纷，应通过诉讼解决"},
    "merge_as_repeat": _merge_target,
    "resolve_on_spot": lambda t, c: {"occasion": "window", "outcome": "当场联系物业维修，信访人满意。",
                                     "acknowledgement": "signed"},
    "assign": lambda t, c: {"unit_id": t.street_a.pk},
    "transfer": lambda t, c: {"unit_id": t.court.pk},
    "object": lambda t, c: {"reason": "不属本单位职责范围"},
    "record_receipt": lambda t, c: {"note": "对方已签收"},
    "accept": lambda t, c: {},
    "designate_handler": _handler_in_owner,
    "request_extension": lambda t, c: {"days": 15, "reason": "需要补充调查"},
    "approve_extension": lambda t, c: {"days": 15},
    "refuse_extension": lambda t, c: {"reason": "理由不充分"},
    "suspend": lambda t, c: {"reason": "需要举行听证"},
    "resume": lambda t, c: {},
    "submit_answer": lambda t, c: ANSWER,
    "return_answer": lambda t, c: {"reason": "事实部分不完整"},
    "approve_answer": lambda t, c: {},
    "request_review": lambda t, c: {"reason": "对处理意见不服"},
    "accept_review": lambda t, c: {},
    "answer_review": lambda t, c: REVIEW_ANSWER,
    "request_rereview": lambda t, c: {"reason": "对复查意见不服"},
    "accept_rereview": lambda t, c: {},
    "suspend_rereview": lambda t, c: {"reason": "举行听证"},
    "resume_rereview": lambda t, c: {},
    "answer_rereview": lambda t, c: REVIEW_ANSWER,
    "close": lambda t, c: {},
    "rate": lambda t, c: {"level": "satisfied"},
    "own": lambda t, c: {},
}
# Actions whose guard needs time to pass: `close` only once the petitioner's window lapsed.
WHEN = {"close": BASE_DAY + dt.timedelta(days=60)}

PAIRS = [(t.action, src) for t in WF.transitions.values() if CREATE not in t.sources
         for src in sorted(WF.sources_of(t))]


def test_every_transition_has_a_payload_and_every_state_is_covered():
    assert set(PAYLOADS) == {a for a, _ in PAIRS}
    assert {s for _, s in PAIRS} | {WF.creating().target} | {t.target for t in WF.transitions.values() if t.target} \
        == set(WF.states)
    for t in WF.transitions.values():
        if ANY_OPEN in t.sources:
            assert WF.sources_of(t) == {c for c, s in WF.states.items() if s.open}


def _roles(user) -> set[str]:
    return set(user.roles.values_list("code", flat=True))


def expected_permitted(whos, actor, actor_kind, case) -> bool:
    """The table's `who`, read independently of the engine's own check."""
    for who in whos:
        if who.role in ("public", "system"):
            if actor_kind == who.role:
                return True
            continue
        if actor_kind != "staff" or who.role not in _roles(actor):
            continue
        if who.at == "scope" and case_visible(user=actor, case=case):
            return True
        if who.at == "owner" and actor.unit_id == case.owner_unit_id:
            return True
        if who.at == "registered" and actor.unit_id == case.registered_unit_id:
            return True
    return False


def _candidates(tree):
    return [(name, getattr(tree, name), "staff") for name in STAFF] + [("public", None, "public"),
                                                                        ("system", None, "system")]


def _actor_for(tree, who, case):
    """Someone standing exactly where `who` says: the fixture user if there is one, else a new one."""
    if who.role in ("public", "system"):
        return who.role, who.role
    unit = case.registered_unit if who.at == "registered" else case.owner_unit
    for name in STAFF:
        user = getattr(tree, name)
        if user.unit_id == unit.pk and who.role in _roles(user):
            return user, "staff"
    return staff_user(tree, f"{who.role}_{unit.short_code}", unit, who.role), "staff"


def _take_and_check(tree, case, transition, source, actor, kind, day):
    with clock.frozen(day):
        case.refresh_from_db()
        payload = PAYLOADS[transition.action](tree, case)
        case.refresh_from_db()
        if kind == "staff":
            assert transition.action in {t.action for t in case_actions_for(user=actor, case=case)}
        before_version = case.version
        act(case, actor, transition.action, **payload)
    case.refresh_from_db()
    target = transition.target or source
    assert case.status == target
    assert case.is_open == WF.state(target).open
    assert case.version == before_version + 1 == case.events.count()
    event = case.events.order_by("-seq").first()
    assert (event.action, event.from_status, event.to_status, event.actor_id, event.actor_kind) == (
        transition.action, source, target, actor.pk if kind == "staff" else None, kind)
    running = set(Deadline.objects.filter(case=case, active=True).values_list("key", flat=True))
    for key in transition.starts:
        assert key in running
    for key in set(transition.stops) - set(transition.starts):
        assert key not in running
    for key in transition.pauses:
        assert Deadline.objects.get(case=case, key=key, active=True).paused_since == day
    for key in transition.resumes:
        assert Deadline.objects.get(case=case, key=key, active=True).paused_since is None


@pytest.mark.parametrize("action, source", PAIRS, ids=[f"{a}-from-{s}" for a, s in PAIRS])
def test_transition_from_source(tree, action, source):
    transition = WF.transitions[action]
    day = WHEN.get(action, BASE_DAY)
    with clock.frozen(BASE_DAY):
        case = build(tree, source)
    with clock.frozen(day):
        case.refresh_from_db()
        payload = PAYLOADS[action](tree, case)
        case.refresh_from_db()
        for name, user, kind in _candidates(tree):
            if expected_permitted(transition.who, user, kind, case):
                continue
            before = snapshot(case)
            expected_error = NotFound if kind == "staff" and not case_visible(user=user, case=case) else Forbidden
            with pytest.raises(expected_error):
                act(case, user if kind == "staff" else kind, action, **payload)
            assert snapshot(case) == before, name
            if kind == "staff":
                assert action not in {t.action for t in case_actions_for(user=user, case=case)}

        # Staff who can see the case but hold the wrong role, or the right role in the wrong unit.
        staff_roles = {w.role for w in transition.who} - {"public", "system"}
        wrong_role = staff_user(tree, f"wr_{action[:12]}_{source[:12]}", case.owner_unit,
                                *({"registrar", "handler", "reviewer", "leader", "supervisor", "admin"}
                                  - staff_roles), scope=DataScope.ALL)
        wrong_unit = staff_user(tree, f"wu_{action[:12]}_{source[:12]}", tree.street_b, *staff_roles,
                                scope=DataScope.ALL)
        refused = [wrong_role] + ([wrong_unit] if all(w.at != "scope" for w in transition.who) else [])
        for user in refused:
            before = snapshot(case)
            with pytest.raises(Forbidden):
                act(case, user, action, **payload)
            assert snapshot(case) == before

    # Every way in that the table declares works, each on a case of its own.
    for i, who in enumerate(transition.who):
        if i:
            with clock.frozen(BASE_DAY):
                case = build(tree, source)
        actor, kind = _actor_for(tree, who, case)
        assert expected_permitted((who,), actor if kind == "staff" else None, kind, case)
        _take_and_check(tree, case, transition, source, actor, kind, day)


def test_register_is_for_registrars_and_the_public_only(tree):
    with clock.frozen(BASE_DAY):
        for user in (tree.handler_a, tree.reviewer_a, tree.leader):
            with pytest.raises(Forbidden):
                petition_register(actor=user, data=petition_data())
        staff = petition_register(actor=tree.registrar_a, data=petition_data())
        public = petition_register(actor=None, actor_kind="public", data=petition_data(channel="web"))
    assert staff.owner_unit == tree.street_a and staff.registered_unit == tree.street_a
    assert public.registered_unit == tree.bureau and public.events.get().actor_kind == "public"
    assert staff.events.get().from_status == "" and staff.events.get().to_status == "registered"


def test_effects_of_the_hand_overs(tree):
    """assign/transfer hand the case to the target; object sends it back; escalations go one level up."""
    with clock.frozen(BASE_DAY):
        case = build(tree, "assigned")
        case.refresh_from_db()
        assert case.owner_unit == tree.street_a
        act(case, tree.handler_a, "object", reason="不属本街道职责")
        case.refresh_from_db()
        assert (case.status, case.owner_unit) == ("registered", tree.bureau)
        transferred = build(tree, "transferred")
        transferred.refresh_from_db()
        assert transferred.owner_unit == tree.court
        reviewed = build(tree, "reviewed")
        reviewed.refresh_from_db()
        assert reviewed.owner_unit == tree.district and reviewed.petition.review_unit == tree.district
        concluded = build(tree, "concluded")
        concluded.refresh_from_db()
        assert concluded.owner_unit == tree.city and concluded.petition.rereview_unit == tree.city
        assert not concluded.is_open and concluded.closed_at is not None

"""Reads the hazard table itself and checks, for every transition and every source state:
a permitted actor takes it on a hazard built into that state through the services, with
the declared effect on status, event and clocks; staff of the wrong role or the wrong
unit are refused, changing nothing."""
import pytest

from xinfang.core import clock
from xinfang.core.errors import Forbidden, GuardFailed, NotFound
from xinfang.core.models import Deadline
from xinfang.core.selectors import case_actions_for
from xinfang.core.workflow import ANY_OPEN, CREATE, workflow_for

from .builders import BASE_DAY, FIX, PLAN, REPORT, act, build, later, snapshot

WF = workflow_for("hazard")

PAYLOADS = {
    "fix_on_spot": lambda t: FIX,
    "order_rectification": lambda t: dict(FIX, rectify_by=later(10).isoformat()),
    "report_rectified": lambda t: {"note": "已整改"},
    "verify": lambda t: {"checker": "何勇"},
    "verify_fail": lambda t: {"checker": "何勇", "reason": "整改不到位", "rectify_by": later(7).isoformat()},
    "close_off": lambda t: {},
    "upgrade_major": lambda t: {"reason": "需停产治理"},
    "record_plan": lambda t: PLAN(),
    "report_to_regulator": REPORT,
    "supervise": lambda t: {"supervision_ref": "示安督〔2026〕1号", "requirements": "限期治理"},
    "record_progress": lambda t: {"note": "设备已拆除"},
    "apply_resume": lambda t: {"evaluation": "专家评估合格"},
    "review_pass": lambda t: {"checker": "督查组", "notes": "合格"},
    "review_fail": lambda t: {"checker": "督查组", "reason": "措施未落实", "time_limit": later(30).isoformat()},
    "close_off_major": lambda t: {},
    "record_violation": lambda t: {"kind": "violating_operation", "description": "未按规程作业"},
}
# Who takes each action on the main path (attribute of the fixture).
ACTOR = {"verify": "reviewer_a", "close_off": "reviewer_a", "supervise": "supervisor", "review_pass": "supervisor",
         "review_fail": "district_inspector", "close_off_major": "supervisor", "record_progress": "supervisor",
         "record_violation": "inspector_a"}
MAJOR_ONLY = {"record_plan", "report_to_regulator", "supervise", "apply_resume", "close_off_major"}
ORDINARY_ONLY = {"fix_on_spot", "order_rectification", "verify", "verify_fail", "close_off", "upgrade_major"}
MAJOR_STATES = {"planned", "reported", "governing", "review_pending", "review_passed"}

PAIRS = [(t.action, src) for t in WF.transitions.values() if CREATE not in t.sources
         for src in sorted(WF.sources_of(t))]


def _grade_for(action: str, source: str) -> str:
    if action in MAJOR_ONLY or source in MAJOR_STATES:
        return "major"
    return "ordinary"


def test_the_table_is_whole():
    assert set(PAYLOADS) == {a for a, _ in PAIRS}
    reached = {WF.creating().target} | {t.target for t in WF.transitions.values() if t.target}
    assert reached == set(WF.states)
    assert WF.number_prefix == "YH" and [c for c, s in WF.states.items() if not s.open] == ["closed"]
    for t in WF.transitions.values():
        if ANY_OPEN in t.sources:
            assert WF.sources_of(t) == {c for c, s in WF.states.items() if s.open}


@pytest.mark.parametrize("action,source", PAIRS)
def test_every_transition_from_every_source(hz, action, source):
    grade = _grade_for(action, source)
    with clock.frozen(BASE_DAY):
        case = build(hz, source, grade=grade)
        actor = getattr(hz, ACTOR.get(action, "inspector_a"))
        assert action in [t.action for t in case_actions_for(user=actor, case=case)]
        version = case.version
        act(case, actor, action, **PAYLOADS[action](hz))
    case.refresh_from_db()
    t = WF.transitions[action]
    assert case.status == (t.target or source)
    assert case.version == version + 1
    event = case.events.order_by("-seq").first()
    assert (event.action, event.from_status, event.to_status) == (action, source, case.status)
    for key in t.stops:
        assert not Deadline.objects.filter(case=case, key=key, active=True).exists()
    for key in t.starts:
        assert Deadline.objects.filter(case=case, key=key, active=True).exists()


@pytest.mark.parametrize("action,source", PAIRS)
def test_wrong_role_or_unit_is_refused_and_changes_nothing(hz, action, source):
    grade = _grade_for(action, source)
    with clock.frozen(BASE_DAY):
        case = build(hz, source, grade=grade)
        before = snapshot(case)
        # A handler of the same street has no role here; the other street's inspector cannot
        # see the case at all; the leader sees everything but takes no hazard step.
        for outsider in (hz.handler_a, hz.inspector_b, hz.leader, hz.registrar):
            assert action not in [t.action for t in case_actions_for(user=outsider, case=case)]
            with pytest.raises((Forbidden, NotFound, GuardFailed)):
                act(case, outsider, action, **PAYLOADS[action](hz))
            assert snapshot(case) == before

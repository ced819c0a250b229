"""The guards the issue names and the refusals around them: a major hazard is never closed
off without a passed on-site review; the grades keep to their own paths; only the
regulator supervises, reviews and 核销; dates that cannot be. Every refusal says why in
Chinese and changes nothing."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.errors import (
    Forbidden,
    GuardFailed,
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
)
from xinfang.core.selectors import case_actions_for
from xinfang.core.workflow import workflow_for

from ..models import CheckKind, CheckResult, Hazard, HazardCheck
from ..workflow import major_closed_only_after_passed_review
from .builders import BASE_DAY, FIX, PLAN, REPORT, act, build, later, snapshot

WF = workflow_for("hazard")
CLOSERS = ("close_off", "close_off_major")


@pytest.mark.parametrize("state", ["registered", "planned", "reported", "governing", "review_pending"])
def test_a_major_hazard_cannot_be_closed_off_before_a_passed_review(hz, state):
    with clock.frozen(BASE_DAY):
        case = build(hz, state, grade="major")
        before = snapshot(case)
        for actor in (hz.inspector_a, hz.reviewer_a, hz.supervisor):
            assert not set(CLOSERS) & {t.action for t in case_actions_for(user=actor, case=case)}
            for action in CLOSERS:
                with pytest.raises((TransitionNotAllowed, GuardFailed, Forbidden)) as exc:
                    act(case, actor, action)
                assert exc.value.message
                assert snapshot(case) == before
    assert case.is_open


def test_a_failed_review_reopens_governance_and_closing_stays_refused(hz):
    with clock.frozen(BASE_DAY):
        case = build(hz, "review_pending", grade="major")
        act(case, hz.supervisor, "review_fail", checker="督查组", reason="应急预案未演练",
            time_limit=later(20).isoformat())
        case.refresh_from_db()
        assert case.status == "governing" and case.is_open
        assert case.deadlines.get(key="hazard_governance", active=True).due_date == dt.date(2026, 3, 23)
        with pytest.raises(TransitionNotAllowed):
            act(case, hz.supervisor, "close_off_major")
    # Apply again: until the new review passes, 核销 is not offered.
    with clock.frozen(BASE_DAY + dt.timedelta(days=15)):
        act(case, hz.inspector_a, "apply_resume", evaluation="已整改并演练")
        case.refresh_from_db()
        assert "close_off_major" not in {t.action for t in case_actions_for(user=hz.supervisor, case=case)}
        act(case, hz.supervisor, "review_pass", checker="督查组", notes="合格")
        act(case, hz.supervisor, "close_off_major")
    case.refresh_from_db()
    assert case.status == "closed" and case.hazard.closed_on == BASE_DAY + dt.timedelta(days=15)


def test_the_guard_itself_wants_a_passed_review_after_the_latest_application(hz):
    """Defence in depth: even a state reached some other way needs the passed review."""
    with clock.frozen(BASE_DAY):
        case = build(hz, "review_passed", grade="major")
    from xinfang.core.workflow import TransitionContext
    ctx = TransitionContext(case=case, actor=hz.supervisor, actor_kind="staff",
                            transition=WF.transitions["close_off_major"], payload=None, today=BASE_DAY,
                            now=clock.now())
    major_closed_only_after_passed_review(ctx)      # passes as built
    HazardCheck.objects.filter(case=case, kind=CheckKind.ONSITE).update(result=CheckResult.FAILED)
    with pytest.raises(GuardFailed, match="现场审查合格"):
        major_closed_only_after_passed_review(ctx)
    HazardCheck.objects.filter(case=case).delete()
    with pytest.raises(GuardFailed):
        major_closed_only_after_passed_review(ctx)


def test_an_upgraded_hazard_takes_the_major_path_and_cannot_be_verified(hz):
    with clock.frozen(BASE_DAY):
        case = build(hz, "rectifying")
        act(case, hz.inspector_a, "upgrade_major", reason="需停产治理")
        case.refresh_from_db()
        assert case.status == "registered" and case.hazard.grade == "major"
        assert not case.deadlines.filter(key="hazard_rectification", active=True).exists()
        actions = {t.action for t in case_actions_for(user=hz.inspector_a, case=case)}
        assert "record_plan" in actions and not actions & {"fix_on_spot", "order_rectification", "upgrade_major"}
        before = snapshot(case)
        with pytest.raises(GuardFailed, match="重大隐患"):
            act(case, hz.inspector_a, "fix_on_spot", **FIX)
        assert snapshot(case) == before


def test_an_ordinary_hazard_has_no_plan_path(hz):
    with clock.frozen(BASE_DAY):
        case = build(hz, "registered")
        before = snapshot(case)
        with pytest.raises(GuardFailed, match="一般隐患"):
            act(case, hz.inspector_a, "record_plan", **PLAN())
        assert snapshot(case) == before


def test_only_the_regulator_supervises_reviews_and_closes(hz):
    with clock.frozen(BASE_DAY):
        reported = build(hz, "reported", grade="major")
        pending = build(hz, "review_pending", grade="major")
        passed = build(hz, "review_passed", grade="major")
        # 住建局's supervisor sees nothing of the street's hazards; the street's own inspector
        # is not the regulator; a district inspector may review but not list or 核销.
        for case, action, payload in ((reported, "supervise", {"supervision_ref": "x", "requirements": "限期治理"}),
                                      (pending, "review_pass", {"checker": "x", "notes": "合格"}),
                                      (passed, "close_off_major", {})):
            before = snapshot(case)
            for actor in (hz.housing_supervisor, hz.inspector_a, hz.reviewer_a):
                with pytest.raises((Forbidden, GuardFailed, NotFound)):
                    act(case, actor, action, **payload)
            assert snapshot(case) == before
        with pytest.raises(Forbidden):
            act(reported, hz.district_inspector, "supervise", supervision_ref="x", requirements="限期治理")
        act(pending, hz.district_inspector, "review_pass", checker="区检查员", notes="合格")


def test_report_goes_to_a_unit_above_the_owner(hz):
    with clock.frozen(BASE_DAY):
        case = build(hz, "planned", grade="major")
        before = snapshot(case)
        for unit, field in ((hz.street_b, "unit_id"), (hz.community, "unit_id"), (hz.street_a, "unit_id")):
            with pytest.raises(GuardFailed) as exc:
                act(case, hz.inspector_a, "report_to_regulator", **dict(REPORT(hz), unit_id=unit.pk))
            assert exc.value.field == field and "监管部门" in exc.value.message
            assert snapshot(case) == before
        with pytest.raises(GuardFailed, match="不存在"):
            act(case, hz.inspector_a, "report_to_regulator", **dict(REPORT(hz), unit_id=999999))
        # A department of the district (e.g. 应急管理局) stands above the street.
        act(case, hz.inspector_a, "report_to_regulator", **dict(REPORT(hz), unit_id=hz.housing.pk))
    case.refresh_from_db()
    assert case.hazard.regulator_unit == hz.housing
    assert case.unit_links.filter(unit=hz.housing).exists()
    assert "supervise" in {t.action for t in case_actions_for(user=hz.housing_supervisor, case=case)}


@pytest.mark.parametrize("action,state,payload,field", [
    ("order_rectification", "registered", dict(FIX, rectify_by="2026-03-02"), "rectify_by"),
    ("order_rectification", "registered", dict(FIX, rectify_by="2026-02-30"), "rectify_by"),
    ("order_rectification", "registered", {"measures": "x"}, "measures"),
    ("order_rectification", "registered", dict(FIX, funds_yuan=-5), "funds_yuan"),
    ("fix_on_spot", "registered", {"responsible_person": "王"}, "measures"),
    ("report_rectified", "rectifying", {"completed_on": "2026-03-05"}, "completed_on"),
    ("report_rectified", "rectifying", {"completed_on": "2026-01-01"}, "completed_on"),
    ("verify", "rectified", {"checker": "  "}, "checker"),
    ("verify_fail", "rectified", {"checker": "何勇", "reason": "不到位", "rectify_by": "2026-03-01"}, "rectify_by"),
    ("record_plan", "registered", dict(PLAN(), time_limit="2026-03-01"), "time_limit"),
    ("record_plan", "registered", {k: v for k, v in PLAN().items() if k != "emergency_plan"}, "emergency_plan"),
    ("record_plan", "registered", dict(PLAN(), funds_yuan="很多"), "funds_yuan"),
    ("record_plan", "registered", dict(PLAN(), surprise=1), "surprise"),
    ("review_fail", "review_pending", {"checker": "x", "reason": "不合格", "time_limit": "2026-03-02"}, "time_limit"),
    ("record_violation", "registered", {"kind": "三违", "description": "未按规程作业"}, "kind"),
])
def test_bad_payloads_name_the_field_and_change_nothing(hz, action, state, payload, field):
    grade = "major" if action in ("record_plan", "review_fail") else "ordinary"
    actor = hz.supervisor if action == "review_fail" else hz.inspector_a
    with clock.frozen(BASE_DAY):
        case = build(hz, state, grade=grade)
        before = snapshot(case)
        with pytest.raises((ValidationFailed, GuardFailed)) as exc:
            act(case, actor, action, **payload)
    assert exc.value.field == field, exc.value.message
    assert exc.value.message and not exc.value.message.isascii()
    assert snapshot(case) == before


def test_a_stale_version_is_refused(hz):
    from xinfang.core.errors import Conflict
    from xinfang.core.services import case_transition
    with clock.frozen(BASE_DAY):
        case = build(hz, "registered")
        before = snapshot(case)
        with pytest.raises(Conflict):
            case_transition(case=case, actor=hz.inspector_a, action="fix_on_spot", version=case.version - 1,
                            payload=FIX)
        assert snapshot(case) == before


def test_closed_hazards_take_no_step(hz):
    with clock.frozen(BASE_DAY):
        case = build(hz, "closed")
        assert case_actions_for(user=hz.inspector_a, case=case) == []
        with pytest.raises(TransitionNotAllowed):
            act(case, hz.inspector_a, "record_violation", kind="violating_operation", description="未按规程作业")
    assert Hazard.objects.get(case=case).closed_on == BASE_DAY

"""The hazard clocks on the real holiday calendar: 限期整改 runs to the date set (a rest day
moves it to the next working day), or the rule's default; the plan's 治理时限; the 10-day
on-site review after an application to resume (16号令 Art 23)."""
import datetime as dt

from xinfang.core import clock
from xinfang.core.models import Deadline
from xinfang.core.selectors import cases_filter, cases_visible_to

from .builders import BASE_DAY, FIX, PLAN, act, build, build_on


def _active(case, key):
    return Deadline.objects.get(case=case, key=key, active=True)


def test_rectification_runs_to_the_date_set_moved_off_a_rest_day(hz):
    with clock.frozen(BASE_DAY):
        case = build(hz, "registered")
        act(case, hz.inspector_a, "order_rectification", **dict(FIX, rectify_by="2026-03-15"))  # a Sunday
    case.refresh_from_db()
    d = _active(case, "hazard_rectification")
    assert (d.start_date, d.length_days, d.due_date) == (BASE_DAY, 13, dt.date(2026, 3, 16))
    assert case.next_due_date == dt.date(2026, 3, 16) and case.hazard.rectify_by == dt.date(2026, 3, 15)


def test_rectification_without_a_date_takes_the_rules_default(hz):
    with clock.frozen(BASE_DAY):
        case = build(hz, "registered")
        act(case, hz.inspector_a, "order_rectification", **FIX)
    d = _active(case, "hazard_rectification")
    assert (d.length_days, d.due_date) == (30, dt.date(2026, 4, 1))


def test_an_unfinished_rectification_becomes_overdue_and_finishing_stops_the_clock(hz):
    case = build_on(hz, "rectifying")        # due 2026-03-17
    with clock.frozen(dt.date(2026, 3, 20)):
        overdue = cases_filter(cases_visible_to(user=hz.inspector_a), kind="hazard", deadline_state="overdue")
        assert case in overdue
        act(case, hz.inspector_a, "report_rectified")
    d = Deadline.objects.get(case=case, key="hazard_rectification")
    assert not d.active and d.stopped_on == dt.date(2026, 3, 20)
    case.refresh_from_db()
    assert case.next_due_date is None and case.hazard.rectified_on == dt.date(2026, 3, 20)


def test_a_failed_verification_restarts_the_clock(hz):
    case = build_on(hz, "rectified")
    with clock.frozen(BASE_DAY + dt.timedelta(days=3)):
        act(case, hz.inspector_a, "verify_fail", checker="何勇", reason="未接地", rectify_by="2026-03-12")
    rows = list(Deadline.objects.filter(case=case, key="hazard_rectification").order_by("id"))
    assert rows[-1].active and rows[-1].due_date == dt.date(2026, 3, 12)


def test_governance_runs_to_the_plans_time_limit(hz):
    with clock.frozen(BASE_DAY):
        case = build(hz, "registered", grade="major")
        act(case, hz.inspector_a, "record_plan", **dict(PLAN(), time_limit="2026-05-29"))
    assert _active(case, "hazard_governance").due_date == dt.date(2026, 5, 29)


def test_on_site_review_within_ten_days_across_the_spring_festival(hz):
    case = build_on(hz, "governing", day=dt.date(2026, 1, 20))
    with clock.frozen(dt.date(2026, 2, 6)):
        act(case, hz.inspector_a, "apply_resume", evaluation="治理完成")
    case.refresh_from_db()
    assert not Deadline.objects.filter(case=case, key="hazard_governance", active=True).exists()
    d = _active(case, "hazard_resume_review")
    # 2026-02-16 falls in the Spring Festival holiday: the period ends on the first working day after.
    assert (d.length_days, d.due_date, d.legal_source) == (10, dt.date(2026, 2, 24), "16号令第23条：收到申请后10日内现场审查")
    assert case.next_due_date == dt.date(2026, 2, 24)
    with clock.frozen(dt.date(2026, 2, 25)):
        act(case, hz.supervisor, "review_pass", checker="督查组", notes="合格")
    d.refresh_from_db()
    assert not d.active and d.stopped_on == dt.date(2026, 2, 25)     # late, and shown so


def test_closing_leaves_no_running_clock(hz):
    for grade in ("ordinary", "major"):
        case = build_on(hz, "closed", grade=grade)
        assert not Deadline.objects.filter(case=case, active=True).exists()
        assert case.next_due_date is None and not case.is_open and case.closed_at is not None

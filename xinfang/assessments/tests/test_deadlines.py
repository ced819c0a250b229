"""The 稳评 clocks: the report within 30 working days of the plan (local practice, on the
holiday calendar), restarted by a revised plan; the monitoring cadence of 90 days after
实施, restarted by each entry and stopped at the end."""
import datetime as dt

from xinfang.core import clock
from xinfang.core.models import Deadline, DeadlineRule
from xinfang.core.selectors import case_deadlines

from .builders import PLAN, act, build_on


def _running(case, key):
    return Deadline.objects.filter(case=case, key=key, active=True).get()


def test_rules_are_seeded_with_their_sources(db):
    rules = {r.key: r for r in DeadlineRule.objects.filter(key__startswith="assessment_")}
    assert (rules["assessment_report"].length_days, rules["assessment_report"].counting) == (30, "working")
    assert (rules["assessment_monitoring"].length_days, rules["assessment_monitoring"].counting) == (90, "calendar")
    assert all("2492号" in r.legal_source for r in rules.values())


def test_report_clock_counts_working_days_across_national_day(tree):
    # Plan on Fri 2026-09-25: 国庆/中秋 2026 (Oct 1–7) are rest days, and a clock of 30
    # working days lands in November, well after a naive count of weekdays would.
    case = build_on(tree, "consulting", day=dt.date(2026, 9, 25))
    deadline = _running(case, "assessment_report")
    assert deadline.start_date == dt.date(2026, 9, 25)
    day, n = dt.date(2026, 9, 25), 0
    while n < 30:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n += 1
    naive = day
    assert deadline.due_date > naive
    case.refresh_from_db()
    assert case.next_due_date == deadline.due_date


def test_report_clock_stops_at_the_report_and_restarts_with_a_revised_plan(tree):
    day = dt.date(2026, 3, 2)
    case = build_on(tree, "rated", day=day, level="high")
    first = Deadline.objects.get(case=case, key="assessment_report")
    assert not first.active and first.stopped_on == day
    later = day + dt.timedelta(days=20)
    with clock.frozen(later):
        act(case, tree.handler_h, "plan_revise", revision="缩小范围。", **PLAN)
    running = _running(case, "assessment_report")
    assert running.start_date == later
    states = {d["key"]: d["state"] for d in case_deadlines(case=case, today=later) if not d["active"]}
    assert states["assessment_report"] == "met"


def test_monitoring_clock_runs_after_implementation_and_is_overdue_when_no_entry_comes(tree):
    day = dt.date(2026, 3, 2)
    case = build_on(tree, "implementing", day=day)
    clock_ = _running(case, "assessment_monitoring")
    # 90 calendar days end on Sun 2026-05-31, a rest day: the period runs to Monday.
    assert clock_.due_date == dt.date(2026, 6, 1)
    with clock.frozen(dt.date(2026, 6, 10)):
        assert {d["key"]: d["state"] for d in case_deadlines(case=case)}["assessment_monitoring"] == "overdue"
        act(case, tree.handler_h, "monitoring_add", checked_on="2026-06-10", situation="stable", findings="平稳。")
    old = Deadline.objects.filter(case=case, key="assessment_monitoring", active=False).get()
    assert old.stopped_on == dt.date(2026, 6, 10) and not old.replaced
    assert _running(case, "assessment_monitoring").start_date == dt.date(2026, 6, 10)
    with clock.frozen(dt.date(2026, 6, 11)):
        act(case, tree.reviewer_h, "monitoring_close", note="完成。")
    assert not Deadline.objects.filter(case=case, active=True).exists()

"""Deadlines as a case lives them: started, extended, paused and stopped by the real
transitions, on the real calendar (expected dates worked out by hand; see test_calendar)."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.calendar import calendar_cache_clear
from xinfang.core.errors import GuardFailed, ValidationFailed
from xinfang.core.models import CalendarDay, CalendarYear, Case, Deadline, DeadlineRule
from xinfang.core.selectors import case_deadline_state, case_deadlines, cases_filter, cases_visible_to
from xinfang.petitions.tests.builders import act, build, register, snapshot

D = dt.date


def active(case, key) -> Deadline:
    return Deadline.objects.get(case=case, key=key, active=True)


def test_acceptance_notice_after_national_day(tree):
    with clock.frozen(D(2025, 9, 25)):
        case = register(tree, received_date=D(2025, 9, 23))
    d = active(case, "acceptance_notice")
    # 09-23 + 15 = 10-08, a holiday → 10-09
    assert (d.start_date, d.due_date, d.provisional) == (D(2025, 9, 23), D(2025, 10, 9), False)
    case.refresh_from_db()
    assert case.next_due_date == D(2025, 10, 9)


def test_acceptance_notice_may_end_on_an_adjusted_working_saturday(tree):
    with clock.frozen(D(2026, 2, 13)):
        case = register(tree)
    assert active(case, "acceptance_notice").due_date == D(2026, 2, 28)


def test_objection_window_counts_working_days_over_national_day(tree):
    with clock.frozen(D(2025, 9, 30)):
        case = register(tree)
        act(case, tree.registrar, "assign", unit_id=tree.street_a.pk)
    d = active(case, "objection_window")
    # 10-09, 10-10, 10-11 (调休), 10-13, 10-14
    assert (d.counting, d.start_date, d.due_date) == ("working", D(2025, 9, 30), D(2025, 10, 14))


def test_objection_window_over_spring_festival(tree):
    with clock.frozen(D(2026, 2, 12)):
        case = register(tree)
        act(case, tree.registrar, "assign", unit_id=tree.street_a.pk)
    assert active(case, "objection_window").due_date == D(2026, 2, 26)


def test_handling_limit_is_sixty_calendar_days_from_acceptance(tree):
    with clock.frozen(D(2025, 8, 9)):
        case = build(tree, "accepted")
    d = active(case, "handling")
    assert (d.start_date, d.length_days, d.due_date) == (D(2025, 8, 9), 60, D(2025, 10, 9))
    assert not Deadline.objects.filter(case=case, key__in=["acceptance_notice", "objection_window"],
                                       active=True).exists()


def test_extension_once_at_most_thirty_days_moves_the_handling_due_date(tree):
    with clock.frozen(D(2026, 1, 5)):
        case = build(tree, "accepted")
        assert active(case, "handling").due_date == D(2026, 3, 6)
        # more than 30 days: refused at the input, nothing changes
        before = snapshot(case)
        with pytest.raises(ValidationFailed) as exc:
            act(case, tree.handler_a, "request_extension", days=31, reason="调查需要更多时间")
        assert exc.value.field == "days"
        assert snapshot(case) == before
        act(case, tree.handler_a, "request_extension", days=30, reason="调查需要更多时间")
        act(case, tree.reviewer_a, "approve_extension", days=30, note="同意")
    d = active(case, "handling")
    # 01-05 + 90 = 04-05, Qingming (04-04 … 04-06) → 04-07
    assert (d.extension_days, d.due_date) == (30, D(2026, 4, 7))
    case.refresh_from_db()
    assert case.next_due_date == D(2026, 4, 7)
    assert case.petition.extension_days == 30
    # a second extension is refused and not even offered
    with clock.frozen(D(2026, 1, 6)):
        before = snapshot(case)
        with pytest.raises(GuardFailed):
            act(case, tree.handler_a, "request_extension", days=5, reason="再次延期的理由")
        assert snapshot(case) == before


def test_refused_extension_leaves_the_due_date_and_allows_a_later_request(tree):
    with clock.frozen(D(2026, 3, 2)):
        case = build(tree, "extension_requested")
        # 03-02 + 60 = 05-01, Labour Day (05-01 … 05-05) → 05-06
        assert active(case, "handling").due_date == D(2026, 5, 6)
        act(case, tree.reviewer_a, "refuse_extension", reason="理由不充分，不予延期")
        assert active(case, "handling").due_date == D(2026, 5, 6)
        act(case, tree.handler_a, "request_extension", days=10, reason="新的延期理由")
        act(case, tree.reviewer_a, "approve_extension", days=10)
    # 70 days from 03-02: Mon 05-11 (counted from the statutory day, not the shifted one)
    assert active(case, "handling").due_date == D(2026, 5, 11)


def test_suspended_days_are_added_to_the_handling_limit(tree):
    with clock.frozen(D(2026, 1, 5)):
        case = build(tree, "accepted")              # due 03-06
    with clock.frozen(D(2026, 1, 10)):
        act(case, tree.reviewer_a, "suspend", reason="需要举行听证")
    case.refresh_from_db()
    assert case.next_due_date is None               # a paused clock is not a running deadline
    assert case_deadlines(case=case, today=D(2026, 1, 12))[-1]["state"] == "paused"
    with clock.frozen(D(2026, 1, 20)):
        act(case, tree.handler_a, "resume")
    d = active(case, "handling")
    assert (d.paused_days, d.due_date) == (10, D(2026, 3, 16))


def test_suspension_counts_from_the_statutory_last_day_not_the_holiday_shifted_one(tree):
    with clock.frozen(D(2025, 8, 9)):
        case = build(tree, "accepted")              # 60 days → 10-08 (holiday) → 10-09
    with clock.frozen(D(2025, 8, 20)):
        act(case, tree.reviewer_a, "suspend", reason="需要举行听证")
    with clock.frozen(D(2025, 8, 25)):
        act(case, tree.handler_a, "resume")
    # 65 counted days from 08-09 end on Mon 10-13, a working day
    assert active(case, "handling").due_date == D(2025, 10, 13)


def test_rereview_hearing_time_is_not_counted(tree):
    with clock.frozen(D(2026, 3, 2)):
        case = build(tree, "under_rereview")
        assert active(case, "rereview_answer").due_date == D(2026, 4, 1)
    with clock.frozen(D(2026, 3, 10)):
        act(case, tree.city_reviewer, "suspend_rereview", reason="举行听证会")
    with clock.frozen(D(2026, 3, 17)):
        act(case, tree.city_reviewer, "resume_rereview")
    assert active(case, "rereview_answer").due_date == D(2026, 4, 8)


def test_province_rule_overrides_the_national_rule(tree, settings):
    DeadlineRule.objects.create(key="handling", province="浙江", label="办理期限", length_days=30,
                                counting="calendar", obligation="organ", max_extension_days=30,
                                legal_source="浙江省信访条例")
    with clock.frozen(D(2026, 3, 2)):
        national = build(tree, "accepted")
        settings.XINFANG_PROVINCE = "浙江"
        provincial = build(tree, "accepted")
        settings.XINFANG_PROVINCE = "江苏"        # a province without overrides: national rules
        other = build(tree, "accepted")
    assert active(national, "handling").due_date == D(2026, 5, 1) + dt.timedelta(days=5)  # 05-01 … 05-05 off
    assert active(provincial, "handling").due_date == D(2026, 4, 1)
    assert active(provincial, "handling").legal_source == "浙江省信访条例"
    assert active(other, "handling").due_date == active(national, "handling").due_date


def test_a_deadline_in_a_year_without_holiday_data_is_provisional_until_entered(tree):
    with clock.frozen(D(2026, 12, 20)):
        first = register(tree)
    d = active(first, "acceptance_notice")
    assert (d.due_date, d.provisional) == (D(2027, 1, 4), True)
    assert case_deadlines(case=first, today=D(2026, 12, 20))[0]["provisional"] is True

    CalendarYear.objects.create(year=2027, complete=True)
    CalendarDay.objects.create(date=D(2027, 1, 4), is_rest_day=True, name="元旦（测试）")
    calendar_cache_clear()
    with clock.frozen(D(2026, 12, 20)):
        second = register(tree)
    d = active(second, "acceptance_notice")
    assert (d.due_date, d.provisional) == (D(2027, 1, 5), False)


# --- states by date ----------------------------------------------------------------------

def test_deadline_state_by_date(tree, settings):
    settings.XINFANG_DUE_SOON_DAYS = 3
    with clock.frozen(D(2026, 3, 2)):
        case = register(tree)                       # due 03-17
    case.refresh_from_db()
    expected = {D(2026, 3, 13): "normal", D(2026, 3, 14): "due_soon", D(2026, 3, 17): "due_soon",
                D(2026, 3, 18): "overdue"}
    for today, state in expected.items():
        assert case_deadline_state(case=case, today=today) == state
        assert case_deadlines(case=case, today=today)[0]["state"] == state
    with clock.frozen(D(2026, 3, 20)):
        act(case, tree.registrar, "accept")
    [notice] = [d for d in case_deadlines(case=case, today=D(2026, 3, 20)) if d["key"] == "acceptance_notice"]
    assert notice["state"] == "late"
    with clock.frozen(D(2026, 3, 2)):
        on_time = register(tree)
        act(on_time, tree.registrar, "accept")
    [notice] = [d for d in case_deadlines(case=on_time) if d["key"] == "acceptance_notice"]
    assert notice["state"] == "met"


def test_overdue_filter_finds_exactly_the_overdue_cases(tree, settings):
    settings.XINFANG_DUE_SOON_DAYS = 3
    cases = []
    for received in (D(2026, 2, 24), D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 5), D(2026, 3, 10)):
        with clock.frozen(D(2026, 3, 10)):
            cases.append(register(tree, received_date=received))
    with clock.frozen(D(2026, 3, 10)):
        closed = register(tree, received_date=D(2026, 2, 1))
        act(closed, tree.registrar, "decline", channel="litigation", reason="应通过诉讼途径解决")
        answered = build(tree, "answered")        # only the petitioner's window runs: never overdue
    today = D(2026, 3, 18)
    with clock.frozen(today):
        qs = cases_visible_to(user=tree.registrar)
        by_state = {s: set(cases_filter(qs, deadline_state=s).values_list("number", flat=True))
                    for s in ("normal", "due_soon", "overdue")}
    due = {c.number: Case.objects.get(pk=c.pk).next_due_date for c in cases}
    # received 02-24 → 03-11; 03-02 → 03-17; 03-03 → 03-18; 03-05 → 03-20; 03-10 → 03-25
    assert sorted(due.values()) == [D(2026, 3, 11), D(2026, 3, 17), D(2026, 3, 18), D(2026, 3, 20), D(2026, 3, 25)]
    assert by_state["overdue"] == {n for n, d in due.items() if d < today}
    assert by_state["due_soon"] == {n for n, d in due.items() if today <= d <= D(2026, 3, 21)}
    assert by_state["normal"] == {n for n, d in due.items() if d > D(2026, 3, 21)} | {answered.number}
    assert closed.number not in set().union(*by_state.values())
    for case in Case.objects.filter(number__in=due):
        state = case_deadline_state(case=case, today=today)
        assert case.number in by_state[state]

"""The statutory calendar on the real 2025–2026 State Council holiday notices.

Expected dates are hard-coded from the notices (checked against chinese_calendar's
get_holiday_detail), not computed by the code under test:
- 2025 National Day / Mid-autumn: 10-01 … 10-08 off; Sun 09-28 and Sat 10-11 are 调休 working days.
- 2026 New Year: 01-01 … 01-03 off; Sun 01-04 is a 调休 working day.
- 2026 Spring Festival: 02-15 … 02-23 off; Sat 02-14 and Sat 02-28 are 调休 working days.
- 2026 Qingming: 04-04 … 04-06 off.
"""
import datetime as dt

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from xinfang.core import calendar
from xinfang.core.calendar import add_calendar_days, add_working_days, calendar_cache_clear, is_rest_day
from xinfang.core.models import CalendarDay, CalendarYear

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", [D(2025, 9, 28), D(2025, 10, 11), D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28)])
def test_adjusted_working_weekend_days_are_working_days(day):
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    assert day.weekday() >= 5 and not on_holiday and name is not None  # the fixture facts themselves
    assert not is_rest_day(day)


@pytest.mark.parametrize("day", [D(2025, 10, 1), D(2025, 10, 8), D(2026, 1, 2), D(2026, 2, 16), D(2026, 2, 23),
                                 D(2026, 4, 6), D(2026, 3, 7), D(2026, 3, 8)])
def test_holidays_and_plain_weekends_are_rest_days(day):
    assert is_rest_day(day)


@pytest.mark.parametrize("start, days, due", [
    # last day on a National Day holiday → the first working day after it
    (D(2025, 9, 23), 15, D(2025, 10, 9)),
    (D(2025, 9, 16), 15, D(2025, 10, 9)),
    # last day on the 调休 Saturday 10-11: a working day, it stays
    (D(2025, 9, 26), 15, D(2025, 10, 11)),
    # across the year: 01-02 and 01-03 are off, Sunday 01-04 is a working day
    (D(2025, 12, 18), 15, D(2026, 1, 4)),
    (D(2025, 12, 20), 15, D(2026, 1, 4)),
    # Spring Festival 2026
    (D(2026, 1, 31), 15, D(2026, 2, 24)),
    (D(2026, 2, 8), 15, D(2026, 2, 23) + dt.timedelta(days=1)),
    (D(2026, 2, 13), 15, D(2026, 2, 28)),      # 调休 Saturday is a valid last day
    (D(2026, 2, 14), 15, D(2026, 3, 2)),       # 03-01 is a plain Sunday
    # a plain weekend
    (D(2026, 3, 6), 15, D(2026, 3, 23)),
    # the start day is not counted: the 15th day after Monday 03-02 is Tuesday 03-17
    (D(2026, 3, 2), 15, D(2026, 3, 17)),
    # handling (60) ending on 2025-10-08
    (D(2025, 8, 9), 60, D(2025, 10, 9)),
    # 90 days (60 + a 30-day extension) ending on Qingming
    (D(2026, 1, 5), 90, D(2026, 4, 7)),
])
def test_calendar_day_periods(start, days, due):
    assert add_calendar_days(start, days) == (due, False)


@pytest.mark.parametrize("start, days, due", [
    # 5 working days from Tue 09-30: 10-09, 10-10, 10-11 (调休 Sat), 10-13, 10-14
    (D(2025, 9, 30), 5, D(2025, 10, 14)),
    # from Fri 09-26: 09-28 (调休 Sun), 09-29, 09-30, 10-09, 10-10
    (D(2025, 9, 26), 5, D(2025, 10, 10)),
    # from Thu 02-12: 02-13, 02-14 (调休 Sat), 02-24, 02-25, 02-26
    (D(2026, 2, 12), 5, D(2026, 2, 26)),
    # from Fri 02-13: 02-14, 02-24, 02-25, 02-26, 02-27
    (D(2026, 2, 13), 5, D(2026, 2, 27)),
    # from Wed 12-31: 01-04 (调休 Sun), 01-05 … 01-08
    (D(2025, 12, 31), 5, D(2026, 1, 8)),
    # ordinary week: the start day is not counted
    (D(2026, 3, 2), 5, D(2026, 3, 9)),
    (D(2026, 3, 2), 1, D(2026, 3, 3)),
])
def test_working_day_periods(start, days, due):
    assert add_working_days(start, days) == (due, False)


def test_a_year_the_package_lacks_is_provisional_and_counts_weekends_only():
    assert not calendar.package_knows(2027)
    # Mon 2027-01-04 is not a weekend; without data it is taken as a working day, provisionally.
    assert add_calendar_days(D(2026, 12, 20), 15) == (D(2027, 1, 4), True)
    assert add_working_days(D(2026, 12, 31), 1) == (D(2027, 1, 1), True)
    # 2027-01-02 is a Saturday: moved to Monday, still provisional
    assert add_calendar_days(D(2026, 12, 18), 15) == (D(2027, 1, 4), True)


def test_admin_entered_year_makes_deadlines_certain_and_overrides_are_honoured():
    CalendarYear.objects.create(year=2027, complete=True, source="国务院办公厅关于2027年部分节假日安排的通知（测试）")
    CalendarDay.objects.create(date=D(2027, 1, 1), is_rest_day=True, name="元旦")
    CalendarDay.objects.create(date=D(2027, 1, 4), is_rest_day=True, name="元旦（测试调休）")
    CalendarDay.objects.create(date=D(2027, 1, 9), is_rest_day=False, name="调休上班")
    calendar_cache_clear()
    assert add_calendar_days(D(2026, 12, 20), 15) == (D(2027, 1, 5), False)
    # the 调休 Saturday 01-09 is a working day and a valid last day
    assert add_calendar_days(D(2026, 12, 25), 15) == (D(2027, 1, 9), False)
    # working days from Thu 12-31: 01-05, 01-06, 01-07, 01-08, 01-09 (调休)
    assert add_working_days(D(2026, 12, 31), 5) == (D(2027, 1, 9), False)


def test_overrides_without_marking_the_year_complete_stay_provisional():
    CalendarDay.objects.create(date=D(2027, 1, 4), is_rest_day=True, name="元旦")
    calendar_cache_clear()
    assert add_calendar_days(D(2026, 12, 20), 15) == (D(2027, 1, 5), True)


def test_an_override_corrects_a_year_the_package_knows():
    CalendarDay.objects.create(date=D(2026, 3, 17), is_rest_day=True, name="临时调整（测试）")
    calendar_cache_clear()
    assert add_calendar_days(D(2026, 3, 2), 15) == (D(2026, 3, 18), False)


# --- properties -------------------------------------------------------------------------

starts = st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 9, 30))
lengths = st.integers(min_value=1, max_value=90)
PROPS = settings(max_examples=150, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPS
@given(start=starts, n=lengths)
def test_calendar_due_is_the_first_non_rest_day_on_or_after_start_plus_n(start, n):
    due, provisional = add_calendar_days(start, n)
    assert not provisional
    assert not chinese_calendar.is_holiday(due)   # never a rest day, by the package itself
    assert due >= start + dt.timedelta(days=n)
    day = start + dt.timedelta(days=n)
    while day < due:                               # everything skipped was a rest day
        assert chinese_calendar.is_holiday(day)
        day += dt.timedelta(days=1)


@PROPS
@given(start=starts, n=lengths)
def test_calendar_due_is_monotone_in_length(start, n):
    assert add_calendar_days(start, n)[0] <= add_calendar_days(start, n + 1)[0]


@PROPS
@given(start=starts, n=st.integers(min_value=1, max_value=30))
def test_working_day_count_between_start_and_due_is_n(start, n):
    due, provisional = add_working_days(start, n)
    assert not provisional and not chinese_calendar.is_holiday(due)
    worked = [d for d in (start + dt.timedelta(days=i) for i in range(1, (due - start).days + 1))
              if chinese_calendar.is_workday(d)]
    assert len(worked) == n and worked[-1] == due
    assert add_working_days(start, n + 1)[0] > due

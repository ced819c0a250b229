"""The statutory calendar: which days are rest days.

Source of truth, in order: the admin-edited override table (CalendarDay), then the
`chinesecalendar` package (official State Council 调休 notices, 2004–2026 at the time
of writing), then plain weekends for a year neither knows — a deadline that touches
such a year is marked provisional (DOMAIN.md, "Counting days").
"""
import datetime as dt
from functools import lru_cache

import chinese_calendar

from .models import CalendarDay, CalendarYear


@lru_cache(maxsize=64)
def _overrides(year: int) -> tuple[dict[dt.date, bool], bool]:
    days = {d.date: d.is_rest_day for d in CalendarDay.objects.filter(date__year=year)}
    complete = CalendarYear.objects.filter(year=year, complete=True).exists()
    return days, complete


def calendar_cache_clear() -> None:
    """Called when an admin edits holidays, and by tests."""
    _overrides.cache_clear()


def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_holiday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def year_is_certain(year: int) -> bool:
    """A year is certain when the package covers it or an admin marked it complete."""
    return package_knows(year) or _overrides(year)[1]


def is_rest_day(day: dt.date) -> bool:
    """A weekend or public holiday that is not a 调休 working day."""
    overrides, _ = _overrides(day.year)
    if day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_holiday(day)
    except NotImplementedError:
        return day.weekday() >= 5


def add_calendar_days(start: dt.date, days: int) -> tuple[dt.date, bool]:
    """The last day of a period of `days` calendar days from `start`.

    The start day is not counted; a last day that falls on a rest day moves to the first
    day after it that is not (民法典 Arts 201–203; 民事诉讼法 Art 85).
    Returns (due date, provisional).
    """
    due = start + dt.timedelta(days=days)
    certain = year_is_certain(start.year) and year_is_certain(due.year)
    while is_rest_day(due):
        due += dt.timedelta(days=1)
        certain = certain and year_is_certain(due.year)
    return due, not certain


def add_working_days(start: dt.date, days: int) -> tuple[dt.date, bool]:
    """The `days`-th working day after `start` (weekends and holidays skipped, 调休
    working days counted). Returns (due date, provisional)."""
    due, left = start, days
    certain = year_is_certain(start.year)
    while left > 0:
        due += dt.timedelta(days=1)
        certain = certain and year_is_certain(due.year)
        if not is_rest_day(due):
            left -= 1
    return due, not certain

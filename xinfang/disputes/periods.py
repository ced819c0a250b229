"""Screening periods: a week runs Monday to Sunday, a half-month 1st–15th and 16th–end, a
month the calendar month (the usual 排查 cadences: 村/居 weekly, 镇/单位 half-monthly, 县 monthly)."""
import datetime as dt
from collections.abc import Iterator

from .models import Cadence


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def period_of(cadence: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The (first, last) day of the period of `cadence` that contains `day`."""
    if cadence == Cadence.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if cadence == Cadence.HALF_MONTHLY:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), _month_end(day)
    if cadence == Cadence.MONTHLY:
        return day.replace(day=1), _month_end(day)
    raise ValueError(f"unknown cadence {cadence!r}")


def periods_between(cadence: str, first: dt.date, last: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    """Every period that contains a day from `first` to `last`, in order."""
    start, end = period_of(cadence, first)
    while start <= last:
        yield start, end
        start, end = period_of(cadence, end + dt.timedelta(days=1))


def period_label(cadence: str, start: dt.date, end: dt.date) -> str:
    if cadence == Cadence.WEEKLY:
        return f"{start:%Y年%m月%d日}—{end:%m月%d日}（第{start.isocalendar().week}周）"
    if cadence == Cadence.HALF_MONTHLY:
        return f"{start:%Y年%m月}{'上' if start.day == 1 else '下'}半月"
    return f"{start:%Y年%m月}"

"""Demo data for supervision: circulars (通报) issued in the demo history through the real
service, as a district supervisor issues them — one for the last quarter on the whole
district, one for the last month on 东山街道 (the street with most demo matters) — each a
working week after its period ended, so it lists what was late then.

`supervision_demo_plan` returns (when, step) pairs; the demo builder merges them into its
history queue and plays each under `clock.frozen(when)` in time order."""
import datetime as dt

from django.utils import timezone

from xinfang.core.calendar import add_working_days

from .circulars import circular_issue

ISSUE_AFTER_WORKING_DAYS = 5   # a circular follows its period by a working week (statutory calendar)


def _issue_day(end: dt.date) -> dt.date:
    return add_working_days(end, ISSUE_AFTER_WORKING_DAYS)[0]


def _last_quarter(today: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(start, end, issue day) of the last quarter whose circular could be issued by today."""
    first = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    while True:
        end = first - dt.timedelta(days=1)
        start = dt.date(end.year, (end.month - 1) // 3 * 3 + 1, 1)
        issue = _issue_day(end)
        if issue < today:
            return start, end, issue
        first = start


def _last_month(today: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    first = today.replace(day=1)
    while True:
        end = first - dt.timedelta(days=1)
        start = end.replace(day=1)
        issue = _issue_day(end)
        if issue < today:
            return start, end, issue
        first = start


def supervision_demo_plan(*, units, users, today, rng) -> list:
    """Two circulars by `supervisor` (示范区, scope all): the last quarter on 示范区 (SFQ) and
    the last month on 东山街道 (DSJD)."""
    supervisor = users.get("supervisor")
    if supervisor is None or "SFQ" not in units:
        return []
    plan = []
    for area_code, (start, end, issue) in (("SFQ", _last_quarter(today)), ("DSJD", _last_month(today))):
        area = units.get(area_code)
        if area is None:
            continue
        at = timezone.make_aware(dt.datetime.combine(issue, dt.time(10, 0)))
        plan.append((at, lambda area=area, start=start, end=end: circular_issue(
            actor=supervisor, area=area, start=start, end=end)))
    return sorted(plan, key=lambda p: p[0])

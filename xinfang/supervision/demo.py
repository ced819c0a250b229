"""Demo data for supervision, played through the real services:
- circulars (通报) as a district supervisor issues them — one for the last quarter on the
  whole district, one for the last month on 东山街道 (the street with most demo matters) —
  each a working week after its period ended, so it lists what was late then;
- 督办 of the matters most overdue at the time: a 挂牌督办 and two 督办 two weeks ago, a
  催办 and a progress report from the owning unit since, and one more 督办 yesterday.

`supervision_demo_plan` returns (when, step) pairs; the demo builder merges them into its
history queue and plays each under `clock.frozen(when)` in time order."""
import datetime as dt

from django.utils import timezone

from xinfang.core import clock
from xinfang.core.calendar import add_working_days, is_rest_day
from xinfang.core.models import Case
from xinfang.orgs.models import User

from .circulars import circular_issue
from .models import Supervision, SupervisionLevel
from .services import supervision_open, supervision_remind, supervision_report

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


SUPERVISION_DAYS = 10   # the 办结时限 a demo 督办 sets, in working days


def _most_overdue(n: int) -> list[Case]:
    """The open petitions most overdue at the moment the step plays (not yet under 督办)."""
    return list(Case.objects.filter(kind="petition", is_open=True, next_due_date__lt=clock.today())
                .exclude(pk__in=Supervision.objects.filter(lifted_at__isnull=True).values("case_id"))
                .select_related("owner_unit").order_by("next_due_date", "id")[:n])


def _supervise(supervisor: User, levels: list[str]) -> None:
    due = add_working_days(clock.today(), SUPERVISION_DAYS)[0]
    for case, level in zip(_most_overdue(len(levels)), levels):
        supervision_open(case=case, actor=supervisor, level=level, due_date=due,
                         demand="该事项已超过法定办理期限，请于督办时限内办结并书面报告办理结果。")


def _active(n: int) -> list[Case]:
    return [s.case for s in Supervision.objects.filter(lifted_at__isnull=True, case__is_open=True)
            .select_related("case").order_by("opened_at", "id")[:n]]


def _remind(supervisor: User) -> None:
    for case in _active(1):
        supervision_remind(case=case, actor=supervisor, text="督办时限过半，请加快办理并报告进展。")


def _report() -> None:
    for case in _active(2)[1:]:
        staff = (User.objects.filter(unit_id=case.owner_unit_id, roles__code="handler", is_active=True)
                 .order_by("id").first())
        if staff is not None:
            supervision_report(case=case, actor=staff, text="已约见信访人并组织现场核查，拟于督办时限前作出书面答复。")


def _at(day: dt.date, hour: int) -> dt.datetime:
    """`hour` o'clock of the working day on or before `day` (supervisors work office days)."""
    while is_rest_day(day):
        day -= dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def supervision_demo_plan(*, units, users, today, rng) -> list:
    """By `supervisor` (示范区, scope all): two circulars — the last quarter on 示范区 (SFQ)
    and the last month on 东山街道 (DSJD) — and the 督办 of the most overdue matters."""
    supervisor = users.get("supervisor")
    if supervisor is None or "SFQ" not in units:
        return []
    plan = [
        (_at(today - dt.timedelta(days=14), 9),
         lambda: _supervise(supervisor, [SupervisionLevel.LISTED, SupervisionLevel.SUPERVISE,
                                         SupervisionLevel.SUPERVISE])),
        (_at(today - dt.timedelta(days=7), 10), lambda: _remind(supervisor)),
        (_at(today - dt.timedelta(days=5), 15), _report),
        (_at(today - dt.timedelta(days=1), 9), lambda: _supervise(supervisor, [SupervisionLevel.SUPERVISE])),
    ]
    for area_code, (start, end, issue) in (("SFQ", _last_quarter(today)), ("DSJD", _last_month(today))):
        area = units.get(area_code)
        if area is None:
            continue
        at = timezone.make_aware(dt.datetime.combine(issue, dt.time(10, 0)))
        plan.append((at, lambda area=area, start=start, end=end: circular_issue(
            actor=supervisor, area=area, start=start, end=end)))
    return sorted(plan, key=lambda p: p[0])

"""Deadlines are data: a rule row says how long and how to count; a case's Deadline rows
are computed from its events and the holiday calendar, stored for indexing, and
recomputed when an extension or a suspension moves them. Being overdue is a query.

These functions are called by the workflow engine inside its transaction; nothing else
starts or stops a clock.
"""
import datetime as dt

from django.conf import settings

from . import calendar
from .errors import GuardFailed
from .models import Case, Counting, Deadline, DeadlineRule, Obligation


class DeadlineState:
    NORMAL = "normal"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"
    MET = "met"
    LATE = "late"

    LABELS = {
        NORMAL: "正常", DUE_SOON: "临期", OVERDUE: "超期",
        PAUSED: "中止计时", MET: "按期完成", LATE: "超期完成",
    }


def deadline_rule_get(*, key: str) -> DeadlineRule:
    """The province's override of a rule if there is one, else the national rule."""
    province = settings.XINFANG_PROVINCE
    rules = {r.province: r for r in DeadlineRule.objects.filter(key=key, province__in=["", province])}
    rule = rules.get(province) or rules.get("")
    if rule is None:
        raise LookupError(f"no deadline rule {key!r}")
    return rule


def due_date_compute(*, start: dt.date, days: int, counting: str) -> tuple[dt.date, bool]:
    if counting == Counting.WORKING:
        return calendar.add_working_days(start, days)
    return calendar.add_calendar_days(start, days)


def _recompute(deadline: Deadline) -> None:
    total = deadline.length_days + deadline.extension_days
    # Suspended time (e.g. a hearing) is not counted: the period runs on by the calendar
    # days the clock stood still. For a calendar-day rule they are added before the
    # rest-day adjustment, which applies once, to the real last day (a holiday that only
    # shifted the unsuspended end must not be counted on top).
    if deadline.counting == Counting.CALENDAR:
        total += deadline.paused_days
    due, provisional = due_date_compute(start=deadline.start_date, days=total, counting=deadline.counting)
    if deadline.paused_days and deadline.counting != Counting.CALENDAR:
        due, more_provisional = calendar.add_calendar_days(due, deadline.paused_days)
        provisional = provisional or more_provisional
    deadline.due_date, deadline.provisional = due, provisional


def deadline_start(*, case: Case, key: str, on: dt.date, replace: bool = True) -> Deadline:
    rule = deadline_rule_get(key=key)
    start = case.received_date if rule.start_event == "received" else on
    # A clock restarted (e.g. after an objection sends a case back) replaces the old one.
    if replace:
        Deadline.objects.filter(case=case, key=key, active=True).update(active=False, stopped_on=on,
                                                                        replaced=True)
    deadline = Deadline(
        case=case, key=rule.key, label=rule.label, obligation=rule.obligation,
        counting=rule.counting, length_days=rule.length_days, legal_source=rule.legal_source,
        start_date=start,
    )
    _recompute(deadline)
    deadline.save()
    return deadline


def deadline_stop(*, case: Case, key: str, on: dt.date) -> None:
    for deadline in Deadline.objects.filter(case=case, key=key, active=True):
        if deadline.paused_since:
            deadline.paused_days += (on - deadline.paused_since).days
            deadline.paused_since = None
            _recompute(deadline)
        deadline.active = False
        deadline.stopped_on = on
        deadline.save()


def deadline_pause(*, case: Case, key: str, on: dt.date) -> None:
    updated = Deadline.objects.filter(case=case, key=key, active=True, paused_since__isnull=True).update(
        paused_since=on)
    if not updated:
        raise GuardFailed("该期限未在计时，无法中止。")


def deadline_resume(*, case: Case, key: str, on: dt.date) -> Deadline:
    deadline = Deadline.objects.get(case=case, key=key, active=True, paused_since__isnull=False)
    deadline.paused_days += (on - deadline.paused_since).days
    deadline.paused_since = None
    _recompute(deadline)
    deadline.save()
    return deadline


def deadline_extend(*, case: Case, key: str, days: int) -> Deadline:
    """Extend an active clock once by at most the rule's maximum (条例 Art 34: 30 days)."""
    deadline = Deadline.objects.filter(case=case, key=key, active=True).first()
    if deadline is None:
        raise GuardFailed("该期限未在计时，无法延期。")
    rule = deadline_rule_get(key=key)
    if deadline.extension_days:
        raise GuardFailed("办理期限只能延长一次。", field="days")
    if not 1 <= days <= rule.max_extension_days:
        raise GuardFailed(f"延期天数须在 1 至 {rule.max_extension_days} 日之间。", field="days")
    deadline.extension_days = days
    _recompute(deadline)
    deadline.save()
    return deadline


def deadline_state(deadline: Deadline, *, today: dt.date) -> str:
    if not deadline.active:
        return DeadlineState.MET if deadline.stopped_on and deadline.stopped_on <= deadline.due_date \
            else DeadlineState.LATE
    if deadline.paused_since:
        return DeadlineState.PAUSED
    if today > deadline.due_date:
        return DeadlineState.OVERDUE
    if (deadline.due_date - today).days <= settings.XINFANG_DUE_SOON_DAYS:
        return DeadlineState.DUE_SOON
    return DeadlineState.NORMAL


def case_next_due_refresh(*, case: Case) -> None:
    """Store the nearest running organ deadline on the case, for indexed worklists."""
    due = (Deadline.objects.filter(case=case, active=True, obligation=Obligation.ORGAN,
                                   paused_since__isnull=True)
           .order_by("due_date").values_list("due_date", flat=True).first())
    case.next_due_date = due

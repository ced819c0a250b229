"""The daily jobs and who starts them. A job runs at most once per day: the first worker to
insert the (job, day) row runs it, a second worker or a restarted one finds the row and
does nothing. Each job is itself idempotent, so even a job re-run by hand changes nothing
twice."""
import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction

from django.utils import timezone

from xinfang.core import clock

from .models import ScheduledRun

log = logging.getLogger("xinfang.scheduler")


def _close_lapsed(day: dt.date) -> int:
    from xinfang.petitions.services import petitions_close_lapsed
    return len(petitions_close_lapsed(today=day))


def _deadline_reminders(day: dt.date) -> int:
    from xinfang.notifications.services import notifications_deadlines_send
    return notifications_deadlines_send(today=day)


def _supervision_reminders(day: dt.date) -> int:
    from .services import supervisions_remind_due
    return supervisions_remind_due(today=day)


def _outbound(day: dt.date) -> int:
    from xinfang.notifications.outbound import outbound_send_pending
    return outbound_send_pending()


# In this order: closing lapsed matters first, so nobody is reminded of a closed one.
DAILY_JOBS = [
    ("close_lapsed", "办结复查/复核申请期届满的事项", _close_lapsed),
    ("deadline_reminders", "临期、超期提醒", _deadline_reminders),
    ("supervision_reminders", "督办临期、超期提醒", _supervision_reminders),
    ("outbound", "短信发送", _outbound),
]


def daily_due(now: dt.datetime) -> bool:
    """Past the configured time of day (XINFANG_DAILY_AT, local time)."""
    hour, minute = (int(x) for x in settings.XINFANG_DAILY_AT.split(":"))
    return timezone.localtime(now).time() >= dt.time(hour, minute)


def daily_claim(*, day: dt.date) -> bool:
    """Claim today's run; False when someone already has."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job="daily", day=day, started_at=clock.now())
        return True
    except IntegrityError:
        return False


def daily_jobs_run(*, day: dt.date) -> dict:
    """Run every daily job for `day`, each in its own transaction; a failing job is logged
    and the others still run (and it runs again tomorrow, being idempotent)."""
    result = {}
    for name, label, job in DAILY_JOBS:
        try:
            with transaction.atomic():
                result[name] = job(day)
        except Exception as exc:  # noqa: BLE001 — one job's failure must not stop the rest
            log.exception("daily job %s failed", name)
            result[name] = f"error: {exc}"
    ScheduledRun.objects.filter(job="daily", day=day).update(finished_at=clock.now(), result=result)
    log.info("daily jobs for %s: %s", day, result)
    return result

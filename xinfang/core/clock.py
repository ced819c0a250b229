"""The one source of "now" for business rules.

Statutory dates are `date`s in Asia/Shanghai. The demo builder and tests set a
different now with `clock.frozen(...)` so that a whole history can be played
through the real services.
"""
import contextlib
import contextvars
import datetime as dt

from django.utils import timezone

_frozen: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("xinfang_now", default=None)


def now() -> dt.datetime:
    return _frozen.get() or timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def frozen(at: dt.datetime | dt.date):
    """Make `now()` return `at` inside the block (a date means 09:00 local time)."""
    if isinstance(at, dt.date) and not isinstance(at, dt.datetime):
        at = dt.datetime.combine(at, dt.time(9, 0))
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    token = _frozen.set(at)
    try:
        yield at
    finally:
        _frozen.reset(token)

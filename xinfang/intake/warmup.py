"""Loading what the registration page's suggestions need — the category model, jieba's
dictionary, cpca's division table, the unit-name index — before the first registrar types.
Done lazily, each costs a few seconds on the first suggestion of every server process."""
import logging

from django.db import close_old_connections, connections

log = logging.getLogger("xinfang.intake")


def intake_warm() -> bool:
    """One throwaway suggestion. True when it ran; never raises (a failed warm-up only
    means the first real suggestion is slow)."""
    from .selectors import intake_suggest

    try:
        close_old_connections()
        intake_suggest(title="小区路灯损坏", content="东山街道某小区路灯长期损坏，夜间出行不便。")
        return True
    except Exception:  # noqa: BLE001 — e.g. a database not migrated yet
        log.warning("intake warm-up failed", exc_info=True)
        return False
    finally:
        connections.close_all()

"""Reads of supervisions, within the reader's data scope."""
from django.db.models import QuerySet

from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.core.selectors import cases_visible_to
from xinfang.orgs.models import User

from .models import Supervision
from .services import SUPERVISOR_ROLES


def supervisions_active_for(*, user: User) -> QuerySet[Supervision]:
    """Active supervisions of cases the user may see, the most pressing first."""
    return (Supervision.objects.filter(lifted_at__isnull=True, case__in=cases_visible_to(user=user).values("pk"))
            .select_related("case", "case__owner_unit", "supervising_unit", "opened_by")
            .order_by("due_date", "id"))


def case_supervision_for(*, user: User, case: Case) -> dict:
    """What the case page shows of 督办: the active one and the history, and which forms this
    user may use (the services judge again)."""
    history = list(Supervision.objects.filter(case=case).select_related("supervising_unit", "opened_by",
                                                                        "lifted_by"))
    active = next((s for s in history if s.lifted_at is None), None)
    supervisor = user.has_role(*SUPERVISOR_ROLES)
    owner_side = user.unit_id == case.owner_unit_id and user.has_role("handler", "reviewer")
    return {
        "active": active, "history": history, "today": clock.today(),
        "may_open": supervisor and case.is_open and active is None,
        "may_remind": supervisor and active is not None,
        "may_lift": supervisor and active is not None,
        "may_report": owner_side and active is not None,
    }

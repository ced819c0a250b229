"""One line of a case list, shared by every list page (worklists, search results, the home
pages): what a row shows, and the related rows loaded so a page costs a fixed number of queries."""
import datetime as dt

from xinfang.core.deadlines import DeadlineState
from xinfang.core.models import Case
from xinfang.core.selectors import case_deadline_state
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import User
from xinfang.petitions.selectors import petitioner_summary_for


def status_label(case: Case) -> str:
    try:
        return workflow_for(case.kind).state(case.status).label
    except KeyError:
        return case.status


def case_row(user: User, case: Case, today: dt.date) -> dict:
    """One line of a case list; the related rows must already be loaded (no query here)."""
    state = case_deadline_state(case=case, today=today)
    days_left = (case.next_due_date - today).days if case.is_open and case.next_due_date else None
    return {
        "case": case,
        "status_label": status_label(case),
        "state": state,
        "state_label": DeadlineState.LABELS[state] if case.is_open and case.next_due_date else "",
        "days_left": days_left,
        "overdue_days": -days_left if days_left is not None and days_left < 0 else 0,
        "petitioner": petitioner_summary_for(user=user, case=case) if case.kind == "petition" else "",
    }


def cases_with_row_data(qs):
    # Everything a row shows, loaded in a fixed number of queries whatever the page size.
    return qs.select_related("owner_unit", "handler", "accused_unit", "category").prefetch_related("petitioners")

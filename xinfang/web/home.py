"""The home page (工作台) of each role."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from xinfang.core import clock
from xinfang.core.deadlines import DeadlineState
from xinfang.core.selectors import cases_filter, cases_worklist_for

from .rows import case_row, cases_with_row_data

PAGE_SIZE = 30


@login_required
def home(request):
    user = request.user
    today = clock.today()
    worklist = cases_worklist_for(user=user)
    counts = {
        "open": worklist.count(),
        "due_soon": cases_filter(worklist, deadline_state=DeadlineState.DUE_SOON).count(),
        "overdue": cases_filter(worklist, deadline_state=DeadlineState.OVERDUE).count(),
    }
    page = Paginator(cases_with_row_data(worklist), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [case_row(user, case, today) for case in page.object_list]
    return render(request, "web/home.html", {"counts": counts, "rows": rows, "page": page, "today": today,
                                             "nav": "home"})

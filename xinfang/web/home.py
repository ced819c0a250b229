"""The home page (工作台): one section per role the user holds — a user with several roles
sees each of theirs. Every section reads through the petitions selectors, which apply the
user's data scope and cost a fixed number of queries whatever the number of cases."""
import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from xinfang.core import clock
from xinfang.core.selectors import cases_worklist_for
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import User
from xinfang.petitions.selectors import (
    case_approval_states,
    home_approvals_waiting,
    home_area_glance,
    home_deadline_counts,
    home_intake_today,
    home_next_reception_day,
    home_overdue_by_unit,
    home_owned_by_leader,
    home_pending_acceptance,
    home_returned_answers,
)
from xinfang.stats.indicators import Scope, indicator_compute
from xinfang.stats.selectors import stats_area_for
from xinfang.supervision.selectors import supervisions_active_for

from .rows import case_row, cases_with_row_data

PAGE_SIZE = 30      # the handler's worklist pages
SECTION_ROWS = 20   # the other lists show the most urgent / oldest; the rest is one link away
ROLE_SECTIONS = ("registrar", "handler", "reviewer", "leader", "supervisor")
SUPERVISIONS_SHOWN = 8   # the most pressing 督办 on the supervisor's home; the rest on the 督办 page


def stats_cases_url(**params) -> str:
    return f"{reverse('stats:cases')}?{urlencode(params)}"


def cases_url(**params) -> str:
    """The case list (/cases/) with these GET filters (web.views.case_list's parameter names)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("web:cases") + (f"?{query}" if query else "")


def _rows(user: User, qs, today: dt.date) -> list[dict]:
    return [case_row(user, case, today) for case in cases_with_row_data(qs)]


def _deadline_counts(qs, *, unit_id) -> dict:
    counts = home_deadline_counts(qs=qs)
    return {
        "figures": [
            {"key": "open", "label": "在办", "num": counts["open"], "url": cases_url(open=1, unit=unit_id)},
            {"key": "normal", "label": "正常", "num": counts["normal"],
             "url": cases_url(deadline="normal", unit=unit_id)},
            {"key": "due_soon", "label": "临期", "num": counts["due_soon"],
             "url": cases_url(deadline="due_soon", unit=unit_id)},
            {"key": "overdue", "label": "超期", "num": counts["overdue"],
             "url": cases_url(deadline="overdue", unit=unit_id)},
        ],
        **counts,
    }


def registrar_section(user: User, today: dt.date) -> dict:
    pending = home_pending_acceptance(user=user)
    cases = list(cases_with_row_data(pending)[:SECTION_ROWS])
    rows = []
    for case in cases:
        row = case_row(user, case, today)
        row["acceptance_due"] = case.acceptance_due
        left = (case.acceptance_due - today).days if case.acceptance_due else None
        row["acceptance_left"] = left
        row["acceptance_state"] = ("" if left is None else "overdue" if left < 0
                                   else "due_soon" if left <= settings.XINFANG_DUE_SOON_DAYS else "normal")
        row["acceptance_overdue"] = -left if left is not None and left < 0 else 0
        rows.append(row)
    return {"intake": home_intake_today(user=user, today=today), "rows": rows, "total": pending.count(),
            "more_url": cases_url(status="registered", open=1, unit=user.unit_id)}


def handler_section(request, user: User, today: dt.date) -> dict:
    # Most urgent first: overdue, due soon, then later deadlines; cases with no running clock last.
    worklist = cases_worklist_for(user=user).order_by(F("next_due_date").asc(nulls_last=True), "id")
    page = Paginator(cases_with_row_data(worklist), PAGE_SIZE).get_page(request.GET.get("page"))
    returned = home_returned_answers(user=user)
    returned_rows = []
    for case in cases_with_row_data(returned)[:SECTION_ROWS]:
        row = case_row(user, case, today)
        row["return_reason"], row["returned_at"] = case.return_reason, case.returned_at
        returned_rows.append(row)
    return {"counts": _deadline_counts(worklist, unit_id=user.unit_id), "page": page,
            "rows": [case_row(user, case, today) for case in page.object_list], "returned": returned_rows}


def reviewer_section(user: User, today: dt.date) -> dict:
    waiting = home_approvals_waiting(user=user)
    cases = list(cases_with_row_data(waiting)[:SECTION_ROWS])
    askers = {u.pk: u for u in User.objects.filter(pk__in={c.asked_by_id for c in cases if c.asked_by_id})}
    workflow = workflow_for("petition")
    rows = []
    for case in cases:
        row = case_row(user, case, today)
        row["asked"] = " / ".join(t.label for t in workflow.transitions_from(case.status)
                                  if t.target is not None and any(w.role == "reviewer" for w in t.who))
        row["asked_by"] = askers.get(case.asked_by_id)
        row["waiting_days"] = (today - timezone.localdate(case.waiting_since)).days if case.waiting_since else None
        rows.append(row)
    return {"rows": rows, "total": waiting.count(),
            "states": sorted(case_approval_states(kind="petition"))}


def leader_section(user: User, today: dt.date) -> dict:
    owned = home_owned_by_leader(user=user)
    glance = home_area_glance(user=user, today=today)
    month = {"from": glance["month_first"].isoformat(), "to": glance["month_last"].isoformat()}
    # This month's figures, as the statistics define them (xinfang/stats/indicators.py).
    scope = Scope(start=glance["month_first"], end=glance["month_last"], unit=stats_area_for(user=user))
    stats_query = {"start": month["from"], "end": month["to"], **({"unit": scope.unit.pk} if scope.unit else {})}
    on_time = indicator_compute(key="on_time_rate", scope=scope, last_year=False)
    figures = [
        {"key": "open", "label": "在办", "num": glance["open"], "url": cases_url(open=1)},
        {"key": "due_soon", "label": "临期", "num": glance["due_soon"], "url": cases_url(deadline="due_soon")},
        {"key": "overdue", "label": "超期", "num": glance["overdue"], "url": cases_url(deadline="overdue")},
        {"key": "on_time", "label": f"本月到期按期办结（本月到期 {on_time.denominator}）", "num": on_time.numerator,
         "url": stats_cases_url(indicator="on_time_rate", part="numerator", **stats_query)},
    ]
    satisfaction = indicator_compute(key="satisfaction_rate", scope=scope, last_year=False)
    glance.update(rated=satisfaction.denominator, satisfied_rate=satisfaction.value)
    ratings = [
        {"key": level, "label": label, "num": next(b["count"] for b in satisfaction.breakdown if b["value"] == level),
         "url": stats_cases_url(indicator=key, part="numerator", **stats_query)}
        for key, level, label in (("satisfied_rate", "satisfied", "满意"), ("basic_rate", "basic", "基本满意"),
                                  ("unsatisfied_rate", "unsatisfied", "不满意"))
    ]
    return {"rows": _rows(user, owned[:SECTION_ROWS], today), "total": owned.count(),
            "reception": home_next_reception_day(user=user, today=today), "glance": glance,
            "figures": figures, "ratings": ratings}


def supervisor_section(user: User, today: dt.date) -> dict:
    units = home_overdue_by_unit(user=user, today=today)
    for row in units:
        row["url"] = cases_url(deadline="overdue", unit=row["unit_id"])
    supervised = supervisions_active_for(user=user)
    return {"units": units, "total": sum(r["overdue"] for r in units), "all_url": cases_url(deadline="overdue"),
            "supervisions": list(supervised[:SUPERVISIONS_SHOWN]), "supervisions_total": supervised.count()}


@login_required
def home(request):
    user = request.user
    today = clock.today()
    roles = user.role_codes()
    context = {"nav": "home", "today": today}
    if "registrar" in roles:
        context["registrar"] = registrar_section(user, today)
    if "handler" in roles:
        context["handler"] = handler_section(request, user, today)
    if "reviewer" in roles:
        context["reviewer"] = reviewer_section(user, today)
    if "leader" in roles:
        context["leader"] = leader_section(user, today)
    if "supervisor" in roles:
        context["supervisor"] = supervisor_section(user, today)
    context["section_count"] = sum(1 for role in ROLE_SECTIONS if role in context)
    if not roles & set(ROLE_SECTIONS):
        # Other roles (mediator, inspector, admin): the unit's open cases, nearest deadline first.
        context["general"] = handler_section(request, user, today)
    return render(request, "web/home.html", context)

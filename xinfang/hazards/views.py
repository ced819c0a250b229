"""The hazard pages: the ledger (台账) with filters and its xlsx export, registration with
photos, inspections, statistics, and the facts fragment the case page embeds. Views only
parse, call a service or selector, and render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.attachments import attachment_limits
from xinfang.core.errors import NotFound, XinfangError
from xinfang.core.ledger_xlsx import xlsx_response
from xinfang.core.selectors import case_deadline_state
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import User
from xinfang.orgs.selectors import units_active
from xinfang.web.forms import unit_options

from .export import hazards_ledger_xlsx
from .forms import (
    VIOLATION_ROWS,
    hazard_list_query_parse,
    hazard_registration_from_post,
)
from .models import Grade, HazardCategory, Industry, Source, ViolationType
from .selectors import (
    STATS_DIMENSIONS,
    hazard_case_get_for,
    hazard_facts_for,
    hazards_filter,
    hazards_ledger,
    hazards_open_by_age,
    hazards_stats,
    hazards_visible_to,
    inspection_get_for,
    inspection_state,
    inspection_summary,
    inspections_visible_to,
    stats_period_parse,
)
from .services import hazard_owner_default, hazard_register, inspection_create

PAGE_SIZE = 30
EXPORT_MAX_ROWS = 5000
REGISTERING_ROLES = ("inspector", "mediator", "supervisor")
ORGANISING_ROLES = ("inspector", "supervisor", "leader")






def _list_query(request):
    units = {str(u.pk): u for u in units_active()}
    inspections = {str(i.pk): i for i in inspections_visible_to(user=request.user)}
    return hazard_list_query_parse(request.GET, units=units, inspections=inspections), units, inspections


def _rows(user: User, hazards) -> list[dict]:
    today = clock.today()
    workflow = workflow_for("hazard")
    out = []
    for h in hazards:
        state = case_deadline_state(case=h.case, today=today)
        days_left = (h.case.next_due_date - today).days if h.case.is_open and h.case.next_due_date else None
        out.append({"hazard": h, "case": h.case, "status_label": workflow.state(h.case.status).label,
                    "state": state, "days_left": days_left, "overdue_days": -days_left if days_left else 0})
    return out


@login_required
def hazard_list(request):
    query, units, inspections = _list_query(request)
    qs = hazards_ledger(hazards_filter(hazards_visible_to(user=request.user), filters=query.filters))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hazards/list.html", {
        "rows": _rows(request.user, page.object_list), "page": page, "query": query, "v": query.values,
        "units": unit_options(units.values()), "inspections": list(inspections.values()),
        "grades": Grade.choices, "industries": Industry.choices, "categories": HazardCategory.choices,
        "statuses": [(c, s.label) for c, s in workflow_for("hazard").states.items()],
        "may_register": request.user.has_role(*REGISTERING_ROLES), "tab": "list", "nav": "hazards",
    })


@login_required
def hazard_export(request):
    """The ledger as filtered, up to EXPORT_MAX_ROWS rows. Bad conditions refuse the export:
    a ledger must be what it says it is."""
    query, _, _ = _list_query(request)
    if query.errors:
        return HttpResponse("查询条件有误，未导出：" + "；".join(query.errors), status=422,
                            content_type="text/plain; charset=utf-8")
    user, now = request.user, timezone.localtime(clock.now())
    qs = hazards_ledger(hazards_filter(hazards_visible_to(user=user), filters=query.filters))
    total = qs.count()
    content = hazards_ledger_xlsx(hazards=qs[:EXPORT_MAX_ROWS], description=query.description, exported_at=now,
                                  exported_by=f"{user}（{user.unit or '未设单位'}）",
                                  truncated_at=EXPORT_MAX_ROWS if total > EXPORT_MAX_ROWS else None)
    audit_record(actor=user, action="hazards.export", object_type="hazard_ledger", object_id="",
                 detail={"conditions": query.description, "rows": min(total, EXPORT_MAX_ROWS)})
    return xlsx_response(content, filename=f"隐患排查治理台账-{now:%Y%m%d-%H%M}.xlsx")


def _register_context(request, *, typed: dict, errors: dict, general: str = ""):
    user = request.user
    units = units_active()
    return {
        "v": typed, "errors": errors, "general_error": general, "units": unit_options(units),
        "grades": Grade.choices, "industries": Industry.choices, "categories": HazardCategory.choices,
        "sources": Source.choices, "violation_kinds": ViolationType.choices,
        "inspections": [i for i in inspections_visible_to(user=user)],
        "upload_max_mb": attachment_limits(public=False)[0] // (1024 * 1024), "tab": "new", "nav": "hazards",
    }


@login_required
def hazard_new(request):
    user = request.user
    if not user.has_role(*REGISTERING_ROLES):
        raise PermissionDenied("只有安全检查员、网格员或督查员可以登记隐患。")
    if request.method != "POST":
        owner = hazard_owner_default(actor=user) if user.unit_id else None
        typed = {"found_on": clock.today().isoformat(), "grade": Grade.ORDINARY, "finder": str(user),
                 "owner_unit_id": str(owner.pk) if owner else "", "inspection_id": request.GET.get("inspection", ""),
                 "violations": [{"kind": "", "description": ""} for _ in range(VIOLATION_ROWS)]}
        return render(request, "hazards/new.html", _register_context(request, typed=typed, errors={}))
    data, typed = hazard_registration_from_post(request.POST)
    max_bytes = attachment_limits(public=False)[0]
    photos = [(f.name, f.read(max_bytes + 1)) for f in request.FILES.getlist("photos")]
    try:
        case = hazard_register(actor=user, data=data, photos=photos)
    except XinfangError as exc:
        key = (exc.field or "").split(".")[0]
        status = 403 if exc.status == 403 else 422
        return render(request, "hazards/new.html", _register_context(
            request, typed=typed, errors={key: exc.message} if key else {}, general=exc.message), status=status)
    messages.success(request, f"隐患已登记：编号 {case.number}。")
    return redirect("web:case", number=case.number)


@login_required
def hazard_facts(request, number: str):
    """The hazard section of the case page: the fragment for htmx, a full page otherwise."""
    try:
        case = hazard_case_get_for(user=request.user, number=number)
    except NotFound:
        raise Http404("未找到该隐患，或无权查看。") from None
    context = {"case": case, "user": request.user, **hazard_facts_for(user=request.user, case=case),
               "status_label": workflow_for("hazard").state(case.status).label, "nav": "hazards"}
    if request.headers.get("HX-Request"):
        return render(request, "hazards/_case_facts.html", context)
    return render(request, "hazards/facts_page.html", context)


# --- inspections -----------------------------------------------------------------------

@login_required
def inspection_list(request):
    user = request.user
    may_create = user.has_role(*ORGANISING_ROLES)
    typed, error, status = {"scope_unit_ids": []}, None, 200
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied("只有安全检查员、督查员或领导可以组织安全检查。")
        typed = {k: request.POST.get(k, "").strip() for k in ("name", "inspecting_unit_id", "start_date",
                                                               "end_date", "description")}
        typed["scope_unit_ids"] = request.POST.getlist("scope_unit_ids")
        data = {k: v for k, v in typed.items() if v not in ("", [])}
        try:
            inspection = inspection_create(actor=user, data=data)
        except XinfangError as exc:
            error, status = exc, 403 if exc.status == 403 else 422
        else:
            messages.success(request, f"已创建安全检查「{inspection.name}」。")
            return redirect("hazards:inspection", pk=inspection.pk)
    today = clock.today()
    items = [{"inspection": i, "state": inspection_state(i, today=today), **inspection_summary(user=user, inspection=i)}
             for i in inspections_visible_to(user=user).select_related("inspecting_unit")[:100]]
    return render(request, "hazards/inspections.html", {
        "items": items, "may_create": may_create, "v": typed, "error": error,
        "units": unit_options(units_active()), "tab": "inspections", "nav": "hazards",
    }, status=status)


@login_required
def inspection_detail(request, pk: int):
    user = request.user
    try:
        inspection = inspection_get_for(user=user, inspection_id=pk)
    except NotFound:
        raise Http404("未找到该检查，或无权查看。") from None
    hazards = hazards_ledger(hazards_visible_to(user=user).filter(inspection=inspection))
    return render(request, "hazards/inspection.html", {
        "inspection": inspection, "state": inspection_state(inspection), "summary":
        inspection_summary(user=user, inspection=inspection), "scope": list(inspection.scope_units.order_by("path")),
        "rows": _rows(user, hazards), "may_register": user.has_role(*REGISTERING_ROLES),
        "tab": "inspections", "nav": "hazards",
    })


# --- statistics ------------------------------------------------------------------------

@login_required
def hazard_stats(request):
    user = request.user
    get = request.GET
    errors, status = [], 200
    try:
        period = stats_period_parse(year=get.get("year"), quarter=get.get("quarter"))
    except XinfangError as exc:
        errors.append(exc.message)
        period, status = stats_period_parse(year=None, quarter=None), 422
    by = get.get("by") or "grade"
    if by not in STATS_DIMENSIONS:
        errors.append("统计维度无效，已按隐患等级统计。")
        by, status = "grade", 422
    units = {str(u.pk): u for u in units_active()}
    unit = units.get(get.get("unit", ""))
    if get.get("unit") and unit is None:
        errors.append("单位不存在，已统计全部范围。")
        status = 422
    stats = hazards_stats(user=user, period=period, by=by, unit=unit)
    return render(request, "hazards/stats.html", {
        "stats": stats, "ages": hazards_open_by_age(user=user, unit=unit), "errors": errors,
        "dimensions": STATS_DIMENSIONS.items(), "by": by, "year": period.year, "quarter": period.quarter or "",
        "unit": get.get("unit", "") if unit else "", "units": unit_options(units.values()),
        "years": range(clock.today().year, clock.today().year - 6, -1), "tab": "stats", "nav": "hazards",
        "export_query": f"from={period.start.isoformat()}&to={period.end.isoformat()}"
                        + (f"&unit={unit.pk}" if unit else ""),
    }, status=status)



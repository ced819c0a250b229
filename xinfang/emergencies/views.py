"""The emergency pages: the list with its filters and xlsx export, registration (知悉),
the report form (首报、续报、应急处置、终报), 签收, the report history the case page embeds,
the overdue first reports supervision embeds, and the statistics. Views only parse, call a
service or selector, and render."""
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.errors import NotFound, XinfangError
from xinfang.core.ledger_xlsx import xlsx_response
from xinfang.core.workflow import workflow_for
from xinfang.orgs.selectors import units_active
from xinfang.web.forms import unit_options

from .export import emergencies_ledger_xlsx
from .forms import (
    emergency_list_query_parse,
    emergency_registration_from_post,
    emergency_report_from_post,
)
from .models import FIGURES, Category, EventType, Grade, ReportKind
from .selectors import (
    emergencies_filter,
    emergencies_first_report_overdue_for,
    emergencies_ledger,
    emergencies_stats,
    emergencies_visible_to,
    emergency_actions_for,
    emergency_case_get_for,
    emergency_facts_for,
    emergency_reports_for,
    emergency_row,
)
from .services import (
    PLACE_LEVELS,
    REPORT_ACTIONS,
    emergency_acknowledge,
    emergency_register,
    emergency_report_submit,
    reporter_area,
)
from .workflow import STAFF_ROLES

PAGE_SIZE = 30
EXPORT_MAX_ROWS = 5000


def _may_register(user) -> bool:
    return user.unit_id is not None and user.has_role(*STAFF_ROLES)






def _case(user, number: str):
    try:
        return emergency_case_get_for(user=user, number=number)
    except NotFound:
        raise Http404("未找到该事件，或无权查看。") from None


def _common(request, tab: str) -> dict:
    return {"tab": tab, "nav": "emergencies", "may_register": _may_register(request.user)}


@login_required
def emergency_list(request):
    units = {str(u.pk): u for u in units_active()}
    query = emergency_list_query_parse(request.GET, units=units)
    qs = emergencies_ledger(emergencies_filter(emergencies_visible_to(user=request.user), filters=query.filters))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = clock.now()
    return render(request, "emergencies/list.html", {
        "rows": [emergency_row(e, now=now) for e in page.object_list], "page": page, "query": query,
        "v": query.values, "units": unit_options(u for u in units.values() if u.level in PLACE_LEVELS),
        "types": EventType.choices, "categories": Category.choices, "grades": Grade.choices,
        "statuses": [(c, s.label) for c, s in workflow_for("emergency").states.items()],
        **_common(request, "list"),
    })


@login_required
def emergency_export(request):
    """The list as filtered, up to EXPORT_MAX_ROWS rows; bad conditions refuse the export."""
    query = emergency_list_query_parse(request.GET, units={str(u.pk): u for u in units_active()})
    if query.errors:
        return HttpResponse("查询条件有误，未导出：" + "；".join(query.errors), status=422,
                            content_type="text/plain; charset=utf-8")
    user, now = request.user, timezone.localtime(clock.now())
    qs = emergencies_ledger(emergencies_filter(emergencies_visible_to(user=user), filters=query.filters))
    total = qs.count()
    content = emergencies_ledger_xlsx(emergencies=qs[:EXPORT_MAX_ROWS], description=query.description,
                                      exported_at=now, exported_by=f"{user}（{user.unit or '未设单位'}）",
                                      truncated_at=EXPORT_MAX_ROWS if total > EXPORT_MAX_ROWS else None)
    audit_record(actor=user, action="emergencies.export", object_type="emergency_ledger", object_id="",
                 detail={"conditions": query.description, "rows": min(total, EXPORT_MAX_ROWS)})
    return xlsx_response(content, filename=f"突发事件信息报送台账-{now:%Y%m%d-%H%M}.xlsx")


def _register_context(request, *, typed: dict, errors: dict, general: str = "") -> dict:
    user = request.user
    area = reporter_area(actor=user)
    places = [u for u in units_active() if u.level in PLACE_LEVELS and u.is_within(area)]
    return {"v": typed, "errors": errors, "general_error": general, "places": unit_options(places),
            "types": EventType.choices, "grades": Grade.choices, **_common(request, "new")}


@login_required
def emergency_new(request):
    user = request.user
    if not _may_register(user):
        raise PermissionDenied("只有本单位工作人员可以登记突发事件。")
    if request.method != "POST":
        now = timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")
        typed = {"occurred_at": now, "learned_at": now, "grade": Grade.ORDINARY,
                 "place_unit_id": str(user.unit_id)}
        return render(request, "emergencies/new.html", _register_context(request, typed=typed, errors={}))
    data, typed = emergency_registration_from_post(request.POST)
    try:
        case = emergency_register(actor=user, data=data)
    except XinfangError as exc:
        key = (exc.field or "").split(".")[0]
        status = 403 if exc.status == 403 else 422
        return render(request, "emergencies/new.html", _register_context(
            request, typed=typed, errors={key: exc.message} if key else {}, general=exc.message), status=status)
    due = timezone.localtime(case.emergency.first_report_due)
    messages.success(request, f"已登记：编号 {case.number}。请于 {due:%m月%d日 %H:%M} 前首报。")
    return redirect("emergencies:report", number=case.number, kind=ReportKind.FIRST)


def _report_context(request, case, *, kind: str, typed: dict, error: XinfangError | None = None) -> dict:
    facts = emergency_facts_for(user=request.user, case=case)
    model = workflow_for("emergency").transitions[REPORT_ACTIONS[kind]].payload
    errors = {}
    if error is not None and error.field and error.field.split(".")[0] in (*model.model_fields, "version"):
        errors[error.field.split(".")[0]] = error.message
    return {"case": case, **facts, "kind": kind, "kind_label": ReportKind(kind).label, "v": typed,
            "errors": errors, "general_error": error.message if error is not None else "",
            "fields": set(model.model_fields), "grades": Grade.choices,
            "figure_inputs": [{"name": n, "label": label, "unit": u, "value": typed.get(n, ""),
                               "error": errors.get(n, "")} for n, label, u in FIGURES],
            "status_label": workflow_for("emergency").state(case.status).label, **_common(request, "")}


@login_required
def emergency_report(request, number: str, kind: str):
    """The form of one report, the figures filled in with the current ones (a report states
    the figures as of its time; what is not changed is carried over)."""
    if kind not in REPORT_ACTIONS:
        raise Http404("没有该报告类型。")
    case = _case(request.user, number)
    allowed = {a["kind"] for a in emergency_actions_for(user=request.user, case=case)["reports"]}
    if request.method != "POST":
        if kind not in allowed:
            messages.error(request, f"该事件当前不能报送「{ReportKind(kind).label}」，或您无权报送。")
            return redirect("web:case", number=number)
        e = case.emergency
        typed = {name: str(getattr(e, name)) for name, _, _ in FIGURES}
        typed.update(signer="", text="", grade="", version=str(case.version))
        return render(request, "emergencies/report.html", _report_context(request, case, kind=kind, typed=typed))
    model = workflow_for("emergency").transitions[REPORT_ACTIONS[kind]].payload
    data, typed = emergency_report_from_post(request.POST, model=model)
    raw_version = request.POST.get("version", "")
    typed["version"] = raw_version
    try:
        emergency_report_submit(case=case, actor=request.user, kind=kind,
                                version=int(raw_version) if raw_version.isdigit() else 0, data=data)
    except NotFound:
        raise Http404("未找到该事件，或无权查看。") from None
    except XinfangError as exc:
        case = _case(request.user, number)
        return render(request, "emergencies/report.html",
                      _report_context(request, case, kind=kind, typed=typed, error=exc), status=exc.status)
    messages.success(request, f"已报送{ReportKind(kind).label}。")
    return redirect("web:case", number=number)


@login_required
@require_POST
def emergency_ack(request, number: str):
    case = _case(request.user, number)
    raw = request.POST.get("version", "")
    try:
        emergency_acknowledge(case=case, actor=request.user, version=int(raw) if raw.isdigit() else 0)
    except XinfangError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已签收。")
    return redirect("web:case", number=number)


@login_required
def emergency_reports(request, number: str):
    """The report history section of the case page: the fragment for htmx, a full page
    otherwise."""
    case = _case(request.user, number)
    context = {"case": case, "reports": emergency_reports_for(case=case),
               "actions": emergency_actions_for(user=request.user, case=case),
               **emergency_facts_for(user=request.user, case=case),
               "status_label": workflow_for("emergency").state(case.status).label, "nav": "emergencies"}
    if request.headers.get("HX-Request") == "true":
        return render(request, "emergencies/_reports.html", context)
    return render(request, "emergencies/reports_page.html", context)


@login_required
def emergency_facts(request, number: str):
    """The event section of the case page (KIND_FACTS): a fragment or a full page."""
    case = _case(request.user, number)
    context = {"case": case, **emergency_facts_for(user=request.user, case=case), "nav": "emergencies",
               "status_label": workflow_for("emergency").state(case.status).label}
    if request.headers.get("HX-Request") == "true":
        return render(request, "emergencies/_case_facts.html", context)
    return render(request, "emergencies/facts_page.html", context)


@login_required
def emergency_overdue(request):
    """First reports overdue now, in the user's scope: a fragment for the supervision page
    (HX-Request), a full page otherwise."""
    now = clock.now()
    rows = [emergency_row(e, now=now) for e in emergencies_first_report_overdue_for(user=request.user)[:100]]
    context = {"rows": rows, **_common(request, "overdue")}
    if request.headers.get("HX-Request") == "true":
        return render(request, "emergencies/_overdue.html", context)
    return render(request, "emergencies/overdue.html", context)


def _period(get) -> tuple[dt.date, dt.date, list[str]]:
    """The statistics period from `from`/`to` (default: this year to today)."""
    today = clock.today()
    errors = []
    start, end = dt.date(today.year, 1, 1), today
    for key, label in (("from", "开始日期"), ("to", "结束日期")):
        raw = get.get(key, "").strip()
        if not raw:
            continue
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            errors.append(f"「{label}」不是有效日期，已按默认期间统计。")
            continue
        if key == "from":
            start = day
        else:
            end = day
    if end < start:
        errors.append("结束日期早于开始日期，已按默认期间统计。")
        start, end = dt.date(today.year, 1, 1), today
    return start, end, errors


@login_required
def emergency_stats(request):
    start, end, errors = _period(request.GET)
    units = {str(u.pk): u for u in units_active() if u.level in PLACE_LEVELS}
    unit = units.get(request.GET.get("unit", ""))
    if request.GET.get("unit") and unit is None:
        errors.append("单位不存在，已统计全部范围。")
    stats = emergencies_stats(user=request.user, start=start, end=end, unit=unit)
    return render(request, "emergencies/stats.html", {
        "stats": stats, "errors": errors, "units": unit_options(units.values()),
        "v": {"from": start.isoformat(), "to": end.isoformat(), "unit": str(unit.pk) if unit else ""},
        "total_figures": [{"label": label, "unit": u, "value": stats["totals"][n]} for n, label, u in FIGURES],
        **_common(request, "stats"),
    }, status=422 if errors else 200)

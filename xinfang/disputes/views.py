"""Dispute pages: the ledger (list, filters, xlsx), registration (directly or from a
petition), the facts fragment for the case page, the petition-side link fragment, screening
reports and the "小事不出村、大事不出镇" counts. Views only parse, call and render; the
workflow actions themselves are taken on the generic case page (web:case)."""
import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.core import clock
from xinfang.core.errors import NotFound, XinfangError
from xinfang.core.ledger_xlsx import xlsx_response
from xinfang.core.selectors import case_get_for
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import Unit, UnitLevel
from xinfang.orgs.selectors import units_active
from xinfang.web.forms import select_options, unit_options
from xinfang.web.rows import case_row

from .ledger import disputes_ledger_xlsx
from .models import DisputeType, PartyKind, PartySide, Track
from .selectors import (
    dispute_facts_for,
    dispute_get_for,
    dispute_petition_links_for,
    disputes_filter,
    disputes_resolution_by_level,
    parties_summary,
    screening_overview_for,
    screening_report_disputes_for,
    screening_report_get_for,
    screening_reports_for,
)
from .services import dispute_from_petition, dispute_register, screening_report_file

PARTY_ROWS = 6
PARTY_FIELDS = ("kind", "side", "name", "id_number", "phone", "address")
REGISTRATION_FIELDS = ("title", "content", "dispute_type", "received_date", "place_unit_id", "place_text",
                       "level_found", "person_count", "amount", "escalation_risk")
PAGE_SIZE = 30
LEDGER_MAX_ROWS = 5000


def _fragment(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _unit_options(selected="") -> str:
    return select_options(unit_options(units_active()), selected)


def _may_register(user) -> bool:
    return user.has_role("mediator", "handler", "registrar")


# --- 台账 -------------------------------------------------------------------------------

def _date(raw: str, field: str, label: str, errors: list) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label}不是有效日期（格式：YYYY-MM-DD）。")
        return None


def _list_query(request) -> tuple[dict, dict, list[str]]:
    """(filters for the selector, what was typed, errors)."""
    get = request.GET
    typed = {k: get.get(k, "").strip() for k in ("q", "type", "status", "track", "unit", "from", "to", "open")}
    errors: list[str] = []
    unit = None
    if typed["unit"]:
        unit = Unit.objects.filter(pk=typed["unit"]).first() if typed["unit"].isdigit() else None
        if unit is None:
            errors.append("单位不存在。")
    filters = {
        "text": typed["q"] or None,
        "dispute_type": typed["type"] if typed["type"] in DisputeType.values else None,
        "status": typed["status"] if typed["status"] in workflow_for("dispute").states else None,
        "track": typed["track"] if typed["track"] in Track.values else None,
        "unit": unit,
        "received_from": _date(typed["from"], "from", "发现日期（起）", errors),
        "received_to": _date(typed["to"], "to", "发现日期（止）", errors),
        "is_open": {"1": True, "0": False}.get(typed["open"]),
    }
    return filters, typed, errors


def _describe(typed: dict) -> str:
    parts = []
    if typed["type"] in DisputeType.values:
        parts.append(DisputeType(typed["type"]).label)
    states = workflow_for("dispute").states
    if typed["status"] in states:
        parts.append(states[typed["status"]].label)
    if typed["track"] in Track.values:
        parts.append(Track(typed["track"]).label)
    if typed["from"] or typed["to"]:
        parts.append(f"发现日期 {typed['from'] or '…'} 至 {typed['to'] or '…'}")
    if typed["q"]:
        parts.append(f"含“{typed['q']}”")
    return "，".join(parts)


@login_required
def dispute_list(request):
    filters, typed, errors = _list_query(request)
    qs = disputes_filter(user=request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    rows = [{**case_row(request.user, c, today), "parties": parties_summary(c)} for c in page.object_list]
    query = urlencode({k: v for k, v in typed.items() if v})
    return render(request, "disputes/list.html", {
        "nav": "disputes", "rows": rows, "page": page, "typed": typed, "errors": errors,
        "types": DisputeType.choices, "tracks": Track.choices,
        "states": [(c, s.label) for c, s in workflow_for("dispute").states.items()],
        "unit_options": _unit_options(typed["unit"]), "querystring": query, "description": _describe(typed),
        "may_register": _may_register(request.user),
    })


@login_required
def dispute_ledger_export(request):
    filters, typed, _ = _list_query(request)
    cases = list(disputes_filter(user=request.user, **filters)[:LEDGER_MAX_ROWS])
    now = clock.now()
    body = disputes_ledger_xlsx(cases=cases, description=_describe(typed), exported_at=now,
                                exported_by=str(request.user))
    return xlsx_response(body, filename=f"矛盾纠纷排查调处台账-{now:%Y%m%d}.xlsx")


# --- 登记 --------------------------------------------------------------------------------

def registration_from_post(post) -> tuple[dict, dict, list[int]]:
    """(data for DisputeIn, what was typed, the form row of each party given)."""
    typed = {name: post.get(name, "").strip() for name in REGISTRATION_FIELDS}
    data = {k: v for k, v in typed.items() if v != ""}
    parties, rows, typed_rows = [], [], []
    for i in range(PARTY_ROWS):
        row = {f: post.get(f"p{i}-{f}", "").strip() for f in PARTY_FIELDS}
        typed_rows.append(row)
        if row["name"] or row["phone"] or row["id_number"] or row["address"]:
            parties.append({k: v for k, v in row.items() if v != ""})
            rows.append(i)
    data["parties"] = parties
    typed["parties"] = typed_rows
    return data, typed, rows


def _errors_for(exc: XinfangError, rows: list[int]) -> tuple[dict, dict]:
    """(field → message, party row → message)."""
    field = (exc.field or "").split(".")
    if field[0] == "parties" and len(field) > 1 and field[1].isdigit() and int(field[1]) < len(rows):
        return {}, {rows[int(field[1])]: exc.message}
    return {field[0] or "general": exc.message}, {}


def _registration_context(request, typed: dict, errors: dict, row_errors: dict, petition=None) -> dict:
    parties = typed.get("parties") or [{f: "" for f in PARTY_FIELDS} for _ in range(PARTY_ROWS)]
    for i, p in enumerate(parties):
        p["error"] = row_errors.get(i, "")
    return {
        "nav": "disputes", "v": typed, "parties": parties, "errors": errors, "types": DisputeType.choices,
        "party_kinds": PartyKind.choices, "party_sides": PartySide.choices,
        "levels": [(c, label) for c, label in UnitLevel.choices
                   if c in ("grid", "community", "street", "department", "district")],
        "place_options": _unit_options(typed.get("place_unit_id", "")), "petition": petition,
    }


@login_required
def dispute_new(request):
    if not _may_register(request.user):
        raise Http404("无权登记矛盾纠纷。")
    if request.method != "POST":
        typed = {"person_count": "2", "received_date": clock.today().isoformat()}
        return render(request, "disputes/new.html", _registration_context(request, typed, {}, {}))
    data, typed, rows = registration_from_post(request.POST)
    try:
        case = dispute_register(actor=request.user, data=data)
    except XinfangError as exc:
        errors, row_errors = _errors_for(exc, rows)
        return render(request, "disputes/new.html", _registration_context(request, typed, errors, row_errors),
                      status=exc.status)
    messages.success(request, f"已登记矛盾纠纷 {case.number}。")
    return redirect("web:case", number=case.number)


@login_required
def dispute_from_petition_view(request, number: str):
    """信访事项转为矛盾纠纷调解: pick the type and place; parties come from the petition."""
    try:
        petition = case_get_for(user=request.user, number=number)
    except NotFound:
        raise Http404("未找到该信访事项，或无权查看。") from None
    if petition.kind != "petition" or not _may_register(request.user):
        raise Http404("不能由此转为矛盾纠纷。")
    typed = {k: request.POST.get(k, "").strip() for k in ("dispute_type", "place_text", "escalation_risk", "note")}
    if request.method != "POST":
        return render(request, "disputes/from_petition.html",
                      {"nav": "disputes", "petition": petition, "v": typed, "errors": {}, "types": DisputeType.choices})
    data = {k: v for k, v in typed.items() if v}
    try:
        case = dispute_from_petition(actor=request.user, petition_number=number, data=data)
    except XinfangError as exc:
        field = (exc.field or "general").split(".")[0]
        return render(request, "disputes/from_petition.html",
                      {"nav": "disputes", "petition": petition, "v": typed, "errors": {field: exc.message},
                       "types": DisputeType.choices}, status=exc.status)
    messages.success(request, f"已将信访事项 {number} 转为矛盾纠纷 {case.number}，两件互相关联。")
    return redirect("web:case", number=case.number)


# --- fragments for the case page ------------------------------------------------------------

@login_required
def dispute_facts(request, number: str):
    """The dispute's facts (parties, mediators, sessions, agreement, follow-ups, 司法确认,
    hand-overs, linked petitions): the fragment alone for htmx, else a full page. POST asks
    to see the parties' contacts unmasked (checked by role, audited)."""
    try:
        case = dispute_get_for(user=request.user, number=number)
    except NotFound:
        raise Http404("未找到该纠纷，或无权查看。") from None
    context = {"case": case, "user": request.user, "nav": "disputes",
               **dispute_facts_for(user=request.user, case=case, unmask=request.method == "POST")}
    if _fragment(request):
        return render(request, "disputes/_case_facts.html", context)
    return render(request, "disputes/facts_page.html", context)


@login_required
def petition_links(request, number: str):
    """For a petition's page: the disputes it is linked with, and the way to make it one."""
    try:
        case = case_get_for(user=request.user, number=number)
    except NotFound:
        raise Http404("未找到该案件，或无权查看。") from None
    context = {"case": case, "nav": "cases", "links": dispute_petition_links_for(user=request.user, case=case),
               "may_convert": case.kind == "petition" and case.is_open and _may_register(request.user)}
    if _fragment(request):
        return render(request, "disputes/_petition_links.html", context)
    return render(request, "disputes/petition_links_page.html", context)


# --- 排查 ---------------------------------------------------------------------------------

def _screening_context(request, *, errors: dict | None = None, typed: dict | None = None) -> dict:
    today = clock.today()
    overview = screening_overview_for(user=request.user, as_of=today)
    missing = [m for row in overview for m in row["missing"]]
    fileable = [row for row in overview if row["may_file"]]
    return {
        "nav": "disputes", "today": today, "overview": overview, "missing": missing,
        "overdue_units": sum(1 for row in overview if row["missing"]),
        "fileable": fileable, "reports": screening_reports_for(user=request.user, limit=30),
        "errors": errors or {}, "v": typed or {},
    }


@login_required
def screening(request):
    return render(request, "disputes/screening.html", _screening_context(request))


@login_required
@require_POST
def screening_file(request):
    numbers = [n for n in request.POST.get("dispute_numbers", "").replace("，", ",").replace("、", ",")
               .replace("\n", ",").split(",") if n.strip()]
    typed = {k: request.POST.get(k, "") for k in ("unit_id", "period_start", "dispute_numbers", "note")}
    typed["none_found"] = request.POST.get("none_found") == "on"
    data = {"unit_id": typed["unit_id"] or None, "period_start": typed["period_start"] or None,
            "none_found": typed["none_found"], "dispute_numbers": [n.strip() for n in numbers],
            "note": typed["note"]}
    try:
        report = screening_report_file(actor=request.user, data={k: v for k, v in data.items() if v is not None})
    except XinfangError as exc:
        field = (exc.field or "general").split(".")[0]
        return render(request, "disputes/screening.html",
                      _screening_context(request, errors={field: exc.message}, typed=typed), status=exc.status)
    messages.success(request, f"已报送{report.unit.name}{report.period_start:%m月%d日}—{report.period_end:%m月%d日}的排查报告。")
    return redirect("disputes:screening_report", pk=report.pk)


@login_required
def screening_report(request, pk: int):
    try:
        report = screening_report_get_for(user=request.user, pk=pk)
    except NotFound:
        raise Http404("未找到该排查报告。") from None
    return render(request, "disputes/screening_report.html", {
        "nav": "disputes", "report": report, "disputes": screening_report_disputes_for(user=request.user, report=report)})


# --- 小事不出村、大事不出镇 ------------------------------------------------------------------

@login_required
def resolution_levels(request):
    today = clock.today()
    errors: list[str] = []
    date_from = _date(request.GET.get("from", ""), "from", "起始日期", errors) or today.replace(month=1, day=1)
    date_to = _date(request.GET.get("to", ""), "to", "截止日期", errors) or today
    if date_from > date_to:
        errors.append("起始日期不能晚于截止日期。")
        date_from, date_to = date_to, date_from
    raw_unit = request.GET.get("unit", "")
    unit = Unit.objects.filter(pk=raw_unit).first() if raw_unit.isdigit() else None
    counts = disputes_resolution_by_level(user=request.user, date_from=date_from, date_to=date_to, unit=unit)
    return render(request, "disputes/levels.html", {
        "nav": "disputes", "counts": counts, "errors": errors, "unit_options": _unit_options(raw_unit),
        "date_from": date_from, "date_to": date_to})

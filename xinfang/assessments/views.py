"""稳评 pages: the ledger (台账) with filters and its xlsx export, the registration form, and
the facts fragment the case page embeds. Views only parse, call and render."""
import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from xinfang.core import clock
from xinfang.core.attachments import attachment_limits
from xinfang.core.errors import NotFound, XinfangError
from xinfang.core.ledger_xlsx import xlsx_response
from xinfang.core.selectors import case_get_for
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import Unit

from .ledger import assessments_ledger_xlsx
from .models import DecisionOutcome, DecisionType, RiskLevel
from .schemas import AssessmentIn
from .selectors import LedgerFilters, assessment_facts_for, assessments_for, ledger_rows
from .services import KIND, assessment_register

EXPORT_LIMIT = 5000
CREATE_ROLES = ("handler", "reviewer", "leader")


def may_register(user) -> bool:
    return any(user.has_role(r) for r in CREATE_ROLES)


def _unit_options() -> list[tuple[str, str]]:
    return [(str(u.pk), "\u3000" * u.depth + u.name)
            for u in Unit.objects.filter(is_active=True).only("pk", "name", "depth").order_by("path")]


def _date(raw: str, label: str, errors: list[str]) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label}不是有效日期（格式：YYYY-MM-DD）。")
        return None


def _filters(request) -> tuple[LedgerFilters, list[str], dict]:
    """The ledger filters from the query string; an invalid one is named and ignored."""
    g, errors = request.GET, []
    states = workflow_for(KIND).states
    f = LedgerFilters(text=g.get("q", "").strip()[:100])
    choices = {"status": set(states), "level": set(RiskLevel.values) | {"none"},
               "decision_type": set(DecisionType.values), "outcome": set(DecisionOutcome.values)}
    labels = {"status": "状态", "level": "风险等级", "decision_type": "决策类型", "outcome": "决策结果"}
    for name, allowed in choices.items():
        value = g.get(name, "")
        if value and value not in allowed:
            errors.append(f"{labels[name]}的取值无效，已忽略。")
        elif value:
            setattr(f, name, value)
    if g.get("unit"):
        f.unit = Unit.objects.filter(pk=g["unit"]).first() if g["unit"].isdigit() else None
        if f.unit is None:
            errors.append("承办单位不存在，已忽略。")
    f.received_from = _date(g.get("from", ""), "立项日期（起）", errors)
    f.received_to = _date(g.get("to", ""), "立项日期（止）", errors)
    raw = {k: v for k, v in g.items() if k in ("q", "status", "level", "decision_type", "outcome", "unit", "from", "to")
           and v}
    return f, errors, raw


def _description(f: LedgerFilters) -> str:
    parts = []
    if f.status:
        parts.append(workflow_for(KIND).state(f.status).label)
    if f.level:
        parts.append("未评定" if f.level == "none" else RiskLevel(f.level).label)
    if f.decision_type:
        parts.append(DecisionType(f.decision_type).label)
    if f.outcome:
        parts.append(f"决策结果：{DecisionOutcome(f.outcome).label}")
    if f.unit:
        parts.append(f.unit.name)
    if f.received_from or f.received_to:
        parts.append(f"立项 {f.received_from or '…'} 至 {f.received_to or '…'}")
    if f.text:
        parts.append(f"含“{f.text}”")
    return "，".join(parts)


@login_required
def assessment_list(request):
    f, errors, raw = _filters(request)
    qs = assessments_for(user=request.user, filters=f)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = ledger_rows(cases=list(page.object_list))
    selects = [
        (name, label, options, raw.get(name, "")) for name, label, options in (
            ("status", "状态", [(c, s.label) for c, s in workflow_for(KIND).states.items()]),
            ("level", "风险等级", [*[(lv.value, lv.label) for lv in reversed(RiskLevel)], ("none", "未评定")]),
            ("decision_type", "决策类型", list(DecisionType.choices)),
            ("outcome", "决策结果", list(DecisionOutcome.choices)),
            ("unit", "承办单位", _unit_options()),
        )]
    return render(request, "assessments/list.html", {
        "rows": rows, "page": page, "errors": errors, "filters": raw, "selects": selects,
        "querystring": urlencode(raw), "description": _description(f), "nav": "assessments",
        "may_register": may_register(request.user),
    })


@login_required
def assessment_ledger_export(request):
    f, _, _ = _filters(request)
    cases = list(assessments_for(user=request.user, filters=f)[:EXPORT_LIMIT])
    body = assessments_ledger_xlsx(rows=ledger_rows(cases=cases), description=_description(f),
                                   exported_at=clock.now(), exported_by=str(request.user))
    return xlsx_response(body, filename=f"稳评台账-{clock.today():%Y%m%d}.xlsx")


FORM_FIELDS = ("title", "content", "decision_type", "owner_unit_id", "sponsor", "place_unit_id", "location",
               "affected_people", "affected_households", "decision_body", "received_date")


def _form_values(post) -> dict:
    """The POSTed registration as strings for pydantic; an empty non-text input is left out."""
    data = {}
    for name in FORM_FIELDS:
        raw = post.get(name, "")
        if name in ("owner_unit_id", "place_unit_id", "affected_people", "affected_households", "received_date",
                    "decision_type") and not raw.strip():
            continue
        data[name] = raw
    return data


@login_required
def assessment_create(request):
    if not may_register(request.user):
        raise Http404("无权登记稳评事项。")
    values = {"owner_unit_id": str(request.user.unit_id or ""), "decision_body": "区人民政府"}
    error = None
    max_bytes = attachment_limits(public=False)[0]
    if request.method == "POST":
        values = _form_values(request.POST)
        files = [(f.name, f.read(max_bytes + 1)) for f in request.FILES.getlist("files")]
        try:
            case = assessment_register(actor=request.user, data=values, files=files)
        except XinfangError as exc:
            error = exc
        else:
            messages.success(request, f"稳评事项已立项：编号 {case.number}。下一步：制定评估方案。")
            return redirect("web:case", number=case.number)
    field = error.field.split(".")[0] if error is not None and error.field else ""
    return render(request, "assessments/new.html", {
        "v": values, "error": error, "error_field": field, "types": DecisionType.choices,
        "units": _unit_options(), "nav": "assessments", "fields": AssessmentIn.model_fields,
        "upload_max_mb": max_bytes // (1024 * 1024),
        "upload_types": "、".join(t.label for t in attachment_limits(public=False)[2]),
    }, status=error.status if error is not None else 200)


@login_required
def assessment_facts(request, number: str):
    """The 稳评 facts of one case: the fragment alone for htmx, else a full page."""
    try:
        case = case_get_for(user=request.user, number=number)
        facts = assessment_facts_for(user=request.user, case=case)
    except NotFound:
        raise Http404("未找到该稳评事项，或无权查看。") from None
    context = {"case": case, "user": request.user, "nav": "assessments", **facts}
    if request.headers.get("HX-Request"):
        return render(request, "assessments/_case_facts.html", context)
    return render(request, "assessments/facts_page.html", context)

"""专项行动 pages: the list, create and edit, the campaign page (targets with progress bars,
progress by unit, the ledger with filters, enrolment one by one or by a previewed rule),
the ledger and report downloads, and the case page's 专项行动 section. Views only parse, call a
service or selector, and render."""
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
from xinfang.core.errors import NotFound, ValidationFailed, XinfangError
from xinfang.core.models import Category
from xinfang.core.selectors import case_get_for
from xinfang.orgs.selectors import units_active
from xinfang.stats.indicators import KINDS
from xinfang.web.forms import unit_options

from . import services
from .forms import TARGET_ROWS, campaign_from_post, campaign_typed, ledger_query_parse
from .measures import MEASURES
from .models import CampaignType, EnrolRule
from .report import campaign_ledger_xlsx, campaign_report_file, file_response
from .schemas import BULK_RULES
from .selectors import (
    LEDGER_STATES,
    campaign_by_unit,
    campaign_get_for,
    campaign_ledger,
    campaign_may_create,
    campaign_may_manage,
    campaign_overview,
    campaign_progress,
    campaign_scope_describe,
    campaign_state,
    campaigns_visible_to,
    case_campaigns_for,
    enrol_candidates,
    ledger_row,
)

PAGE_SIZE = 30
PREVIEW_ROWS = 20






def _campaign(request, pk: int):
    try:
        return campaign_get_for(user=request.user, campaign_id=pk)
    except NotFound:
        raise Http404("未找到该专项行动，或无权查看。") from None


def _case(request, number: str):
    try:
        return case_get_for(user=request.user, number=number)
    except NotFound:
        raise Http404("未找到该案件，或无权查看。") from None


@login_required
def campaign_list(request):
    user, today = request.user, clock.today()
    items = []
    for campaign in campaigns_visible_to(user=user).prefetch_related("targets")[:200]:
        progress = campaign_progress(campaign)
        items.append({"campaign": campaign, "state": campaign_state(campaign, today=today),
                      "progress": progress, "type_label": CampaignType(campaign.type).label})
    return render(request, "campaigns/list.html", {
        "items": items, "may_create": campaign_may_create(user=user), "nav": "campaigns"})


def _form_context(*, typed: dict, errors: dict, general: str = "", campaign=None) -> dict:
    units = {str(u.pk): u for u in units_active()}
    categories = Category.objects.filter(is_active=True, level__lte=2).select_related("parent").order_by("level", "name")
    by_parent: dict = {}
    for c in categories:
        by_parent.setdefault(c.parent_id, []).append(c)
    ordered = []
    for top in by_parent.get(None, []):
        ordered.append((str(top.pk), top.name))
        ordered += [(str(c.pk), "\u3000" + c.name) for c in by_parent.get(top.pk, [])]
    rows = typed.get("targets") or [{"measure": "", "number": ""} for _ in range(TARGET_ROWS)]
    return {"v": typed, "errors": errors, "general_error": general, "campaign": campaign,
            "units": unit_options(units.values()), "types": CampaignType.choices, "kinds": list(KINDS.items()),
            "categories": ordered, "measures": list(MEASURES.values()), "target_rows": rows, "nav": "campaigns"}


def _form_errors(exc: XinfangError) -> dict:
    key = (exc.field or "").split(".")[0]
    return {key: exc.message} if key else {}


@login_required
def campaign_new(request):
    user = request.user
    if not campaign_may_create(user=user):
        raise PermissionDenied("只有督查人员或领导可以组织专项行动。")
    if request.method != "POST":
        today = clock.today()
        typed = {"organising_unit_id": str(user.unit_id), "start_date": today.isoformat(), "kinds": ["petition"],
                 "type": CampaignType.SPECIAL, "scope_unit_id": str(user.unit.jurisdiction().pk),
                 "targets": [{"measure": "closed", "number": ""}] + [{"measure": "", "number": ""}] * (TARGET_ROWS - 1)}
        return render(request, "campaigns/form.html", _form_context(typed=typed, errors={}))
    data, typed = campaign_from_post(request.POST)
    try:
        campaign = services.campaign_create(actor=user, data=data)
    except XinfangError as exc:
        return render(request, "campaigns/form.html", _form_context(typed=typed, errors=_form_errors(exc),
                                                                     general=exc.message),
                      status=403 if exc.status == 403 else 422)
    messages.success(request, f"已创建专项行动「{campaign.name}」。")
    return redirect("campaigns:detail", pk=campaign.pk)


@login_required
def campaign_edit(request, pk: int):
    campaign = _campaign(request, pk)
    if not campaign_may_manage(user=request.user, campaign=campaign):
        raise PermissionDenied("您不能修改该专项行动。")
    if request.method != "POST":
        return render(request, "campaigns/form.html", _form_context(typed=campaign_typed(campaign), errors={},
                                                                     campaign=campaign))
    data, typed = campaign_from_post(request.POST)
    try:
        services.campaign_update(actor=request.user, campaign=campaign, data=data)
    except XinfangError as exc:
        return render(request, "campaigns/form.html", _form_context(
            typed=typed, errors=_form_errors(exc), general=exc.message, campaign=campaign),
            status=403 if exc.status == 403 else 422)
    messages.success(request, "已保存修改。")
    return redirect("campaigns:detail", pk=campaign.pk)


@login_required
def campaign_detail(request, pk: int):
    user = request.user
    campaign = _campaign(request, pk)
    units = {str(u.pk): u for u in units_active()}
    query = ledger_query_parse(request.GET, units=units)
    today = clock.today()
    qs = campaign_ledger(user=user, campaign=campaign, filters=query.filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    overview = campaign_overview(campaign)
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "state": campaign_state(campaign, today=today),
        "type_label": CampaignType(campaign.type).label, "scope_text": campaign_scope_describe(campaign),
        "progress": campaign_progress(campaign), "overview": overview, "by_unit": campaign_by_unit(campaign),
        "rows": [ledger_row(e, campaign=campaign, today=today) for e in page.object_list], "page": page,
        "query": query, "v": query.values, "units": unit_options(u for u in units.values()
                                                                   if u.path.startswith(campaign.scope_unit.path)),
        "kinds": [(k, KINDS[k]) for k in campaign.kinds], "states": LEDGER_STATES.items(),
        "may_manage": campaign_may_manage(user=user, campaign=campaign) and campaign.end_date >= today,
        "may_edit": campaign_may_manage(user=user, campaign=campaign),
        "bulk_rules": [(r.value, r.label) for r in BULK_RULES], "nav": "campaigns",
    })


@login_required
@require_POST
def campaign_enrol(request, pk: int):
    campaign = _campaign(request, pk)
    number = request.POST.get("number", "").strip()
    try:
        if not number:
            raise ValidationFailed("请输入案件编号。", field="number")
        try:
            case = case_get_for(user=request.user, number=number)
        except NotFound:
            raise NotFound(f"未找到编号为 {number} 的案件，或无权查看。") from None
        services.campaign_case_enrol(actor=request.user, campaign=campaign, case=case)
    except XinfangError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将 {case.number} 列入专项行动。")
    return redirect("campaigns:detail", pk=campaign.pk)


@login_required
def campaign_bulk(request, pk: int):
    """GET: the preview (how many, the first few); POST: enrol them, as previewed."""
    user = request.user
    campaign = _campaign(request, pk)
    if not campaign_may_manage(user=user, campaign=campaign):
        raise PermissionDenied("您不能管理该专项行动的台账。")
    source = request.POST if request.method == "POST" else request.GET
    rule, kind = source.get("rule", ""), source.get("kind", "") or None
    if request.method == "POST":
        try:
            enrolled = services.campaign_cases_enrol_bulk(actor=user, campaign=campaign, data={
                "rule": rule, "kind": kind, "expected": source.get("expected") or None})
        except XinfangError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已按规则「{EnrolRule(rule).label}」列入 {len(enrolled)} 件。")
            return redirect("campaigns:detail", pk=campaign.pk)
    error, candidates, count = None, [], 0
    try:
        qs = enrol_candidates(user=user, campaign=campaign, rule=rule, kind=kind)
        count = qs.count()
        candidates = list(qs[:PREVIEW_ROWS])
    except XinfangError as exc:
        error = exc
    return render(request, "campaigns/bulk.html", {
        "campaign": campaign, "rule": rule, "rule_label": EnrolRule(rule).label if rule in EnrolRule.values else "",
        "kind": kind or "", "kind_label": KINDS.get(kind or "", "全部类别"), "count": count,
        "candidates": candidates, "error": error, "kinds": KINDS, "nav": "campaigns",
    }, status=422 if error else 200)


@login_required
@require_POST
def campaign_withdraw(request, pk: int, number: str):
    campaign = _campaign(request, pk)
    case = _case(request, number)
    try:
        services.campaign_case_withdraw(actor=request.user, campaign=campaign, case=case,
                                        reason=request.POST.get("reason", ""))
    except XinfangError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将 {case.number} 退出专项行动「{campaign.name}」。")
    if request.POST.get("next") == "case":
        return redirect("web:case", number=case.number)
    return redirect("campaigns:detail", pk=campaign.pk)


def _exporter(request) -> tuple:
    user = request.user
    return timezone.localtime(clock.now()), f"{user}（{user.unit or '未设单位'}）"


@login_required
def campaign_ledger_export(request, pk: int):
    campaign = _campaign(request, pk)
    query = ledger_query_parse(request.GET, units={str(u.pk): u for u in units_active()})
    if query.errors:
        return HttpResponse("查询条件有误，未导出：" + "；".join(query.errors), status=422,
                            content_type="text/plain; charset=utf-8")
    now, by = _exporter(request)
    today = clock.today()
    rows = [ledger_row(e, campaign=campaign, today=today)
            for e in campaign_ledger(user=request.user, campaign=campaign, filters=query.filters)]
    content = campaign_ledger_xlsx(campaign=campaign, rows=rows, description=query.description, exported_at=now,
                                   exported_by=by)
    audit_record(actor=request.user, action="campaign.export", object_type="campaign", object_id=campaign.pk,
                 detail={"conditions": query.description, "rows": len(rows)})
    return file_response(content, fmt="xlsx", filename=f"{campaign.name}台账-{now:%Y%m%d-%H%M}.xlsx")


@login_required
def campaign_report(request, pk: int, fmt: str):
    campaign = _campaign(request, pk)
    if fmt not in ("xlsx", "pdf"):
        raise Http404("没有该格式。")
    content = campaign_report_file(user=request.user, campaign=campaign, fmt=fmt)
    now = timezone.localtime(clock.now())
    return file_response(content, fmt=fmt, filename=f"{campaign.name}进展报告-{now:%Y%m%d}.{fmt}")


# --- the case page section ------------------------------------------------------------

@login_required
def case_campaigns(request, number: str):
    case = _case(request, number)
    fragment = request.headers.get("HX-Request") == "true"
    context = {"case": case, **case_campaigns_for(user=request.user, case=case), "fragment": fragment}
    return render(request, "campaigns/_case_section.html" if fragment else "campaigns/case_page.html", context)


@login_required
@require_POST
def case_campaign_enrol(request, number: str):
    case = _case(request, number)
    raw = request.POST.get("campaign", "")
    try:
        if not raw.isdigit():
            raise ValidationFailed("请选择专项行动。", field="campaign")
        campaign = campaign_get_for(user=request.user, campaign_id=int(raw))
        services.campaign_case_enrol(actor=request.user, campaign=campaign, case=case)
    except XinfangError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已列入专项行动「{campaign.name}」。")
    return redirect("web:case", number=case.number)

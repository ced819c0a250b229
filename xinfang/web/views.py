"""The staff pages. Views only parse, call a service or selector, and render: every rule
(who sees what, what may be done, what is valid) is decided in core/ and petitions/."""
import calendar
import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.attachments import (
    attachment_get_for,
    attachment_limits,
    attachment_type,
    attachments_add,
)
from xinfang.core.calendar import is_rest_day
from xinfang.core.deadlines import DeadlineState
from xinfang.core.errors import Conflict, NotFound, XinfangError
from xinfang.core.ledger_xlsx import xlsx_response
from xinfang.core.models import Case, Category
from xinfang.core.selectors import (
    CASE_ORDERS,
    case_actions_for,
    case_deadline_state,
    case_deadlines,
    case_get_for,
    case_timeline,
    cases_filter,
    cases_order,
    cases_visible_to,
)
from xinfang.core.services import case_transition
from xinfang.core.validation import payload_parse
from xinfang.core.workflow import workflow_for, workflows_all
from xinfang.disputes.models import ConfirmationResult, Performance, Track
from xinfang.orgs.models import Unit, User
from xinfang.petitions.models import (
    Acknowledgement,
    Channel,
    ClaimType,
    Decision,
    DeclineChannel,
    OnSpotOccasion,
    Petition,
    ReceptionDay,
    ReceptionLevel,
    ReviewDecision,
    Satisfaction,
)
from xinfang.petitions.schemas import PetitionIn
from xinfang.petitions.selectors import (
    case_query_code_for,
    identity_hidden_from,
    petition_answers,
    petition_parties_for,
    petitions_open_for_same_person,
    reception_days_for,
    user_may_unmask,
)
from xinfang.petitions.services import (
    petition_register,
    reception_case_link,
    reception_day_create,
)

from .case_sections import case_kind_facts, case_sections_for
from .export import cases_xlsx
from .forms import (
    LIST_SELECTS,
    ON_SPOT_FIELDS,
    PETITIONER_FIELDS,
    PETITIONER_ROWS,
    REGISTRATION_FIELDS,
    ListChoice,
    LoginForm,
    ReceptionDayForm,
    case_list_query_parse,
    payload_fields,
    payload_from_post,
    registration_from_post,
    select_options,
)
from .rows import case_row, cases_with_row_data, status_label
from .selectors import saved_filters_for
from .services import saved_filter_delete, saved_filter_save

# 信访工作条例第20条: five or more people with one matter choose representatives.
COLLECTIVE_FROM = 5
PAGE_SIZE = 30

login = auth_views.LoginView.as_view(template_name="web/login.html", authentication_form=LoginForm,
                                     redirect_authenticated_user=True)
logout = auth_views.LogoutView.as_view()


def _case_or_404(user: User, number: str) -> Case:
    try:
        return case_get_for(user=user, number=number)
    except NotFound:
        raise Http404("未找到该案件，或无权查看。") from None


# --- 案件查询 --------------------------------------------------------------------------

DEADLINE_FILTERS = [(DeadlineState.OVERDUE, "超期"), (DeadlineState.DUE_SOON, "临期"),
                    (DeadlineState.NORMAL, "正常")]
EXPORT_MAX_ROWS = getattr(settings, "XINFANG_EXPORT_MAX_ROWS", 5000)


def _case_list_choices() -> dict[str, ListChoice]:
    """The options of every select of the list's filter form (two queries: units, categories)."""
    units = list(Unit.objects.filter(is_active=True).only("pk", "name", "depth", "path").order_by("path"))
    kinds = [(w.kind, w.label) for w in workflows_all()]
    statuses = [(code, f"{w.label} · {s.label}" if len(kinds) > 1 else s.label)
                for w in workflows_all() for code, s in w.states.items()]
    return {
        "kind": ListChoice("kind", "类型", kinds),
        "status": ListChoice("status", "状态", statuses),
        "unit": ListChoice("unit", "责任单位", [(str(u.pk), "\u3000" * u.depth + u.name) for u in units],
                           make={str(u.pk): u for u in units}.get),
        "category": ListChoice("category", "分类", _category_choices(), make=lambda raw: Category(pk=int(raw))),
        "channel": ListChoice("channel", "来源渠道", list(Channel.choices)),
        "deadline": ListChoice("deadline", "期限", DEADLINE_FILTERS),
        "open": ListChoice("open", "办理", [("1", "在办"), ("0", "已结")]),
    }


def _case_list_cases(user: User, query):
    return cases_with_row_data(cases_order(cases_filter(cases_visible_to(user=user), **query.filters),
                                           order=query.order))


def _case_list_render(request, get, *, save_error: str = "", save_name: str = "", extra_errors=(),
                      status: int = 200):
    user = request.user
    today = clock.today()
    choices = _case_list_choices()
    query = case_list_query_parse(get, choices=choices, orders=CASE_ORDERS)
    page = Paginator(_case_list_cases(user, query), PAGE_SIZE).get_page(get.get("page"))
    rows = [case_row(user, case, today) for case in page.object_list]
    return render(request, "web/case_list.html", {
        "rows": rows, "page": page, "selects": [{"name": name, "label": choices[name].label,
                     "options_html": select_options(choices[name].options, query.values.get(name, ""))}
                    for name in LIST_SELECTS],
        "orders": [(key, label) for key, (label, _) in CASE_ORDERS.items()],
        "filters": query.values, "errors": [*query.errors, *extra_errors], "description": query.description,
        "querystring": query.querystring, "saved_filters": list(saved_filters_for(user=user)),
        "save_error": save_error, "save_name": save_name, "sort": query.order, "nav": "cases",
        "sort_headers": _sort_headers(query.values, query.order),
    }, status=status)


def _sort_headers(values: dict, current: str) -> dict:
    """For each sortable column: the link that sorts by it (again: the other way) and the
    arrow showing the current order."""
    base = {k: v for k, v in values.items() if k != "sort"}
    out = {}
    for column, first in (("number", "number"), ("received", "-received"), ("due", "due")):
        if current.lstrip("-") == column:
            target = column if current.startswith("-") else f"-{column}"
            mark = "↓" if current.startswith("-") else "↑"
        else:
            target, mark = first, ""
        out[column] = {"href": "?" + urlencode({**base, "sort": target}), "mark": mark,
                       "aria": {"↑": "ascending", "↓": "descending"}.get(mark, "none")}
    return out


@login_required
def case_list(request):
    return _case_list_render(request, request.GET)


@login_required
def case_list_export(request):
    """The current list (all its pages, up to EXPORT_MAX_ROWS) as an xlsx file. Conditions
    that do not parse are refused rather than ignored: an export must be what it says."""
    user = request.user
    query = case_list_query_parse(request.GET, choices=_case_list_choices(), orders=CASE_ORDERS)
    if query.errors:
        return _case_list_render(request, request.GET, extra_errors=["查询条件有误，未导出。"], status=422)
    today, now = clock.today(), clock.now()
    qs = _case_list_cases(user, query)
    total = qs.count()
    rows = (case_row(user, case, today) for case in qs[:EXPORT_MAX_ROWS].iterator(chunk_size=500))
    content = cases_xlsx(rows=rows, description=query.description, exported_at=timezone.localtime(now),
                         exported_by=f"{user}（{user.unit or '未设单位'}）",
                         truncated_at=EXPORT_MAX_ROWS if total > EXPORT_MAX_ROWS else None)
    # The rows name petitioners: who took which list out of the system is on record.
    audit_record(actor=user, action="cases.export", object_type="case_list", object_id="",
                 detail={"conditions": query.description, "rows": min(total, EXPORT_MAX_ROWS)})
    return xlsx_response(content, filename=f"案件列表-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx")


@login_required
@require_POST
def saved_filter_create(request):
    """保存常用查询: the conditions are parsed again, so only valid ones are kept."""
    raw = request.POST.get("query", "")
    get = QueryDict(raw)
    query = case_list_query_parse(get, choices=_case_list_choices(), orders=CASE_ORDERS)
    name = request.POST.get("name", "")
    try:
        saved = saved_filter_save(user=request.user, name=name, query=query.querystring)
    except XinfangError as exc:
        return _case_list_render(request, get, save_error=exc.message, save_name=name, status=exc.status)
    messages.success(request, f"已保存常用查询「{saved.name}」。")
    return redirect(f"{reverse('web:cases')}?{saved.query}" if saved.query else reverse("web:cases"))


@login_required
@require_POST
def saved_filter_remove(request, pk: int):
    try:
        saved_filter_delete(user=request.user, filter_id=pk)
    except NotFound:
        raise Http404("未找到该常用查询。") from None
    messages.success(request, "已删除常用查询。")
    return redirect("web:cases")


# --- 登记 ------------------------------------------------------------------------------

def _unit_choices() -> list[tuple[str, str]]:
    return [(str(u.pk), "\u3000" * u.depth + u.name)
            for u in Unit.objects.filter(is_active=True).only("pk", "name", "depth").order_by("path")]


def _category_choices() -> list[tuple[str, str]]:
    """Every active category as (id, "城乡建设 / 住房保障 / 公租房"), sorted by that path. Read
    as plain rows: the demo taxonomy alone has some 650, and model instances would cost
    more than the rest of the page."""
    rows = {pk: (name, parent) for pk, name, parent in
            Category.objects.filter(is_active=True).values_list("pk", "name", "parent_id")}
    names: dict[int, str] = {}

    def full(pk: int) -> str:
        if pk not in names:
            name, parent = rows[pk]
            names[pk] = f"{full(parent)} / {name}" if parent in rows else name
        return names[pk]

    return sorted(((str(pk), full(pk)) for pk in rows), key=lambda x: x[1])


def _registration_context(*, typed: dict, errors: dict, general: str = "", duplicates=None, dup_ack: str = "",
                          reception: ReceptionDay | None = None, focus: str = "title"):
    units = _unit_choices()
    return {
        "v": typed, "errors": errors, "general_error": general,
        "channels": Channel.choices, "claim_types": ClaimType.choices, "levels": ReceptionLevel.choices,
        "category_options": select_options(_category_choices(), typed.get("category_id", "")),
        "place_options": select_options(units, typed.get("place_unit_id", "")),
        "accused_options": select_options(units, typed.get("accused_unit_id", "")),
        "duplicates": duplicates or [], "dup_ack": dup_ack, "nav": "register",
        "petitioner_rows": range(PETITIONER_ROWS), "collective_from": COLLECTIVE_FROM,
        "reception": reception, "focus": focus,
        "on_spot_errors": {f: errors.get(f"on_spot-{f}", "") for f in ON_SPOT_FIELDS},
        "on_spot_occasions": OnSpotOccasion.choices, "acknowledgements": Acknowledgement.choices,
        "satisfactions": Satisfaction.choices,
    }


def _empty_registration() -> dict:
    typed = {"received_date": clock.today().isoformat(), "person_count": "1", "channel": "",
             "claim_type": ClaimType.REQUEST, "reception_level": ReceptionLevel.DISTRICT, "is_skip_level": False}
    typed["petitioners"] = [{"name": "", "id_number": "", "phone": "", "address": "", "is_representative": False}
                            for _ in range(PETITIONER_ROWS)]
    typed["on_spot"], typed["on_spot_values"] = False, {f: "" for f in ON_SPOT_FIELDS}
    return typed


def _reception_for(user: User, raw: str) -> ReceptionDay | None:
    """The reception day a registration is made at (领导接访日), if the user may see it."""
    if not raw or not raw.isdigit():
        return None
    return reception_days_for(user=user).filter(pk=int(raw)).first()


@login_required
def register(request):
    if not request.user.has_role("registrar"):
        raise PermissionDenied("只有登记员可以登记信访事项。")
    reception = _reception_for(request.user, request.POST.get("reception") or request.GET.get("reception", ""))
    if request.method != "POST":
        typed = _empty_registration()
        if reception is not None:
            typed["channel"] = Channel.VISIT
        return render(request, "web/register.html",
                      _registration_context(typed=typed, errors={}, reception=reception))
    data, typed, rows = registration_from_post(request.POST)
    try:
        # Parsed first so that bad input is reported before the duplicate warning.
        parsed = payload_parse(PetitionIn, data)
        duplicates = petitions_open_for_same_person(
            petitioners=[p.model_dump() for p in parsed.petitioners], user=request.user)
        numbers = sorted(c.number for c in duplicates)
        acknowledged = set(filter(None, request.POST.get("dup_ack", "").split(",")))
        if duplicates and not set(numbers) <= acknowledged:
            return render(request, "web/register.html", _registration_context(
                typed=typed, errors={}, duplicates=duplicates, dup_ack=",".join(numbers), reception=reception,
                focus="submit"))
        # At a reception day the matter is registered and counted as received there, or neither.
        with transaction.atomic():
            case = petition_register(actor=request.user, data=data)
            if reception is not None:
                reception_case_link(actor=request.user, day=reception, case=case)
    except XinfangError as exc:
        field = exc.field or ""
        key = field
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "petitioners" and parts[1].isdigit() and int(parts[1]) < len(rows):
            row = rows[int(parts[1])]
            key = f"p{row}-{parts[2]}"
            typed["petitioners"][row]["error"] = exc.message
        elif len(parts) == 2 and parts[0] == "on_spot":
            key = f"on_spot-{parts[1]}"
        errors = {key: exc.message} if key else {}
        status = 403 if exc.status == 403 else 422
        focus = key if key in (*REGISTRATION_FIELDS, *(f"p{r}-{f}" for r in rows for f in PETITIONER_FIELDS),
                               *(f"on_spot-{f}" for f in ON_SPOT_FIELDS)) \
            else "p0-name" if key == "petitioners" else "on_spot" if key == "on_spot" else "title"
        return render(request, "web/register.html",
                      _registration_context(typed=typed, errors=errors, general=exc.message, reception=reception,
                                            focus=focus), status=status)
    where = f"，已记入 {reception.date:%m月%d日} 领导接访" if reception is not None else ""
    done = "登记并现场办结" if case.status == "closed" else "登记成功"
    messages.success(request, f"{done}：编号 {case.number}，查询码 {case.query_code}{where}。请打印回执交给信访人。")
    # The case page puts the focus on 打印回执 for the case just registered (once).
    request.session["just_registered"] = case.number
    return redirect("web:case", number=case.number)


# --- 案件 ------------------------------------------------------------------------------

_PAYLOAD_LABELS = {
    "unit": "单位", "from_unit": "原单位", "note": "说明", "reason": "理由", "decision": "结论",
    "handler": "承办人", "days": "天数", "new_due_date": "新的期限", "repeat_of": "原事项", "level": "满意度",
    "comment": "评价意见", "leader": "包案领导", "channel": "告知去向", "concluded_case_number": "已终结事项编号",
    "case_number": "原事项编号",
    # supervision
    "demand": "督办要求", "due_date": "时限", "supervising_unit": "督办单位", "text": "内容",
    # disputes
    "mediators": "调解员", "refused": "被拒绝的调解员", "added": "新增调解员", "held_on": "调解日期", "place": "地点",
    "signed_on": "协议签订日期", "performance_by": "履行期限", "confirmation_due": "司法确认申请截止",
    "court": "人民法院", "applied_on": "申请日期", "result": "结果", "ruling_on": "裁定日期",
    "document_no": "文书编号", "visited_on": "回访日期", "performance": "履行情况", "track": "调解类型",
    "police_organ": "公安机关", "petition": "关联信访事项", "other_routes": "告知的其他途径",
    # assessments
    "risk_level": "风险等级", "computed_reason": "评定理由", "revision": "方案修改内容", "summary": "主要意见",
    # 现场办结
    "occasion": "办结场合", "outcome": "办理情况", "acknowledgement": "信访人确认方式", "satisfaction": "当场满意度评价",
}
_VALUE_LABELS = {**dict(Decision.choices), **dict(ReviewDecision.choices), **dict(Satisfaction.choices),
                 **dict(DeclineChannel.choices), **dict(Performance.choices), **dict(ConfirmationResult.choices),
                 **dict(Track.choices), **dict(OnSpotOccasion.choices), **dict(Acknowledgement.choices)}
_LABELLED_VALUES = ("decision", "level", "channel", "performance", "result", "track", "occasion",
                    "acknowledgement", "satisfaction")


def _event_details(payload: dict) -> list[tuple[str, str]]:
    out = []
    for key, label in _PAYLOAD_LABELS.items():
        value = payload.get(key)
        if value in (None, ""):
            continue
        if key in _LABELLED_VALUES:
            value = _VALUE_LABELS.get(value, value)
        out.append((label, str(value)))
    return out


def _action_forms(*, user: User, case: Case, error: XinfangError | None, error_action: str,
                  values: dict | None, posted_version: int | None) -> tuple[list[dict], str]:
    """Exactly the actions the workflow table allows this user now, each with its inputs.
    Returns the forms and an error message that belongs to no shown form."""
    transitions = case_actions_for(user=user, case=case)
    units = handlers = None
    forms, orphan_error = [], ""
    for t in transitions:
        model = t.payload
        fields = []
        if model is not None:
            names = model.model_fields
            if "unit_id" in names and units is None:
                units = _unit_choices()
            if "user_id" in names and handlers is None:
                handlers = [(str(u.pk), str(u)) for u in
                            User.objects.filter(unit_id=case.owner_unit_id, is_active=True, roles__code="handler")
                            .distinct().order_by("username")]
            mine = t.action == error_action
            fields = payload_fields(model, values=values if mine else None, error=error if mine else None,
                                    unit_choices=units or [], user_choices=handlers or [])
        mine = t.action == error_action and error is not None
        field_names = {f.name for f in fields}
        forms.append({
            "action": t.action, "label": t.label, "document": t.document, "fields": fields,
            "error": error.message if mine and (not error.field or error.field.split(".")[0] not in field_names)
            else "",
            "has_error": mine,
            # A stale form keeps the version it was read at: it must be refreshed, not resent.
            "version": posted_version if mine and isinstance(error, Conflict) else case.version,
        })
    if error is not None and error_action not in {t.action for t in transitions}:
        orphan_error = error.message
    return forms, orphan_error


def _attachment_rows(case: Case) -> list[dict]:
    out = []
    for a in case.attachments.select_related("uploaded_by").order_by("uploaded_at", "id"):
        kind = attachment_type(a)
        out.append({"attachment": a, "type_label": kind.label if kind else a.content_type or "未知类型",
                    "is_image": a.content_type.startswith("image/"), "is_pdf": a.content_type == "application/pdf",
                    "previewable": bool(kind and kind.previewable)})
    return out


def _case_context(request, case: Case, *, unmask: bool = False, error: XinfangError | None = None,
                  error_action: str = "", values: dict | None = None, posted_version: int | None = None,
                  attachment_error: str = "") -> dict:
    user = request.user
    today = clock.today()
    workflow = workflow_for(case.kind)
    petition = Petition.objects.filter(case=case).first() if case.kind == "petition" else None
    parties = petition_parties_for(user=user, case=case, unmask=unmask) if petition else []
    hidden = identity_hidden_from(user=user, case=case)
    actions, orphan_error = _action_forms(user=user, case=case, error=error, error_action=error_action,
                                          values=values, posted_version=posted_version)
    timeline = [{"event": e, "from_label": workflow.states[e.from_status].label if e.from_status in workflow.states
                 else "", "to_label": workflow.states[e.to_status].label if e.to_status in workflow.states else "",
                 "details": _event_details(e.payload or {})} for e in case_timeline(case=case)]
    return {
        "case": case, "petition": petition, "status_label": status_label(case),
        "state": case_deadline_state(case=case, today=today),
        "parties": parties, "identity_hidden": hidden, "unmasked": unmask and not hidden and user_may_unmask(user=user),
        "may_unmask": petition is not None and not hidden and user_may_unmask(user=user)
        and any(p.get("masked") for p in parties),
        "deadlines": case_deadlines(case=case, today=today), "timeline": timeline,
        "answers": petition_answers(case=case) if petition else [],
        "repeats": list(case.repeats.only("number", "title", "status")),
        "actions": actions, "orphan_error": orphan_error, "error": error, "today": today, "nav": "cases",
        "attachments": _attachment_rows(case), "attachment_error": attachment_error,
        "upload_max_mb": attachment_limits(public=False)[0] // (1024 * 1024),
        "upload_types": "、".join(t.label for t in attachment_limits(public=False)[2]),
        "just_registered": request.session.pop("just_registered", None) == case.number
        if request.method == "GET" else False,
        **case_kind_facts(user=user, case=case),
        "case_sections": case_sections_for(user=user, case=case),
    }


@login_required
def case_detail(request, number: str):
    case = _case_or_404(request.user, number)
    return render(request, "web/case_detail.html", _case_context(request, case))


@login_required
@require_POST
def case_parties(request, number: str):
    """显示完整信息: the selector checks the role and audits the view."""
    case = _case_or_404(request.user, number)
    return render(request, "web/case_detail.html", _case_context(request, case, unmask=True))


@login_required
@require_POST
def case_act(request, number: str, action: str):
    case = _case_or_404(request.user, number)
    transition = workflow_for(case.kind).transitions.get(action)
    model = transition.payload if transition is not None else None
    values = payload_from_post(model, request.POST) if model is not None else {}
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        case_transition(case=case, actor=request.user, action=action, version=version,
                        payload=values if model is not None else None)
    except NotFound:
        raise Http404("未找到该案件，或无权查看。") from None
    except XinfangError as exc:
        fresh = _case_or_404(request.user, number)
        context = _case_context(request, fresh, error=exc, error_action=action, values=values,
                                posted_version=version)
        return render(request, "web/case_detail.html", context, status=exc.status)
    messages.success(request, f"已完成「{transition.label}」。")
    try:
        case_get_for(user=request.user, number=number)
    except NotFound:
        # The step handed the case out of this user's sight: back to the worklist.
        return redirect("web:home")
    return redirect("web:case", number=number)


@login_required
@require_POST
def case_attachments_add(request, number: str):
    """上传附件: all the chosen files or, if one is refused, none (the service decides)."""
    case = _case_or_404(request.user, number)
    max_bytes = attachment_limits(public=False)[0]
    # One byte past the limit is enough for the service to refuse the file by its size.
    files = [(f.name, f.read(max_bytes + 1)) for f in request.FILES.getlist("files")]
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        added = attachments_add(case=case, actor=request.user, files=files, version=version)
    except NotFound:
        raise Http404("未找到该案件，或无权查看。") from None
    except XinfangError as exc:
        fresh = _case_or_404(request.user, number)
        return render(request, "web/case_detail.html",
                      _case_context(request, fresh, attachment_error=exc.message), status=exc.status)
    messages.success(request, f"已上传附件 {len(added)} 个：{'、'.join(a.name for a in added)}。")
    return redirect(f"{reverse('web:case', args=[number])}#attachments")


@login_required
@xframe_options_sameorigin
def case_attachment(request, number: str, attachment_id: int):
    """One attachment, streamed through the scoped and audited selector: images and PDF
    inline (the case page previews them in place), everything else as a download."""
    case = _case_or_404(request.user, number)
    try:
        attachment = attachment_get_for(user=request.user, case=case, attachment_id=attachment_id)
    except NotFound:
        raise Http404("未找到该附件。") from None
    kind = attachment_type(attachment)
    inline = kind is not None and kind.previewable and request.GET.get("download") != "1"
    response = FileResponse(attachment.file.open("rb"), as_attachment=not inline, filename=attachment.name,
                            content_type=attachment.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def case_receipt(request, number: str):
    case = _case_or_404(request.user, number)
    petition = get_object_or_404(Petition, case=case)
    deadlines = [d for d in case_deadlines(case=case) if d["key"] == "acceptance_notice"]
    return render(request, "web/receipt.html", {
        "case": case, "petition": petition, "parties": petition_parties_for(user=request.user, case=case),
        "acceptance": deadlines[0] if deadlines else None, "today": clock.today(),
        "query_code": case_query_code_for(user=request.user, case=case),
    })


# --- 接访日 ----------------------------------------------------------------------------

def _may_schedule(user: User) -> bool:
    return user.has_role("leader", "registrar")


def _leaders_for(user: User):
    if user.has_role("leader") and not user.has_role("registrar"):
        return [user]
    return list(User.objects.filter(roles__code="leader", is_active=True).select_related("unit")
                .distinct().order_by("username"))


@login_required
def reception_list(request):
    user = request.user
    today = clock.today()
    form = None
    if _may_schedule(user):
        leaders = _leaders_for(user)
        if request.method == "POST":
            form = ReceptionDayForm(request.POST, leaders=leaders)
            if form.is_valid():
                leader = next((u for u in leaders if u.pk == form.cleaned_data["leader"]), None)
                try:
                    day = reception_day_create(actor=user, leader=leader, date=form.cleaned_data["date"],
                                               place=form.cleaned_data["place"], topic=form.cleaned_data["topic"])
                except XinfangError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                else:
                    messages.success(request, f"已安排 {day.date:%Y年%m月%d日} 领导接访。")
                    return redirect("web:reception_day", pk=day.pk)
        else:
            form = ReceptionDayForm(leaders=leaders, initial={"leader": user.pk if user in leaders else None})
    elif request.method == "POST":
        raise PermissionDenied("只有领导或登记员可以安排接访日。")
    days = reception_days_for(user=user)
    month, month_error = _month_param(request.GET.get("month", ""), today)
    return render(request, "web/reception_list.html", {
        "upcoming": list(days.filter(date__gte=today).order_by("date")[:20]),
        "calendar": _reception_calendar(days, month, today), "month": month,
        "prev_month": (month - dt.timedelta(days=1)).replace(day=1),
        "next_month": (month + dt.timedelta(days=32)).replace(day=1),
        "this_month": today.replace(day=1), "month_error": month_error,
        "form": form, "nav": "reception",
    }, status=422 if form is not None and form.is_bound and form.errors else 200)


def _month_param(raw: str, today: dt.date) -> tuple[dt.date, str]:
    """The first day of the month asked for (?month=2026-03), or of this month."""
    raw = raw.strip()
    if raw:
        try:
            month = dt.datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            return today.replace(day=1), f"「月份」“{raw[:20]}”无效（格式：YYYY-MM），已显示本月。"
        if 2000 <= month.year <= 2100:
            return month, ""
        return today.replace(day=1), "「月份」超出范围，已显示本月。"
    return today.replace(day=1), ""


def _reception_calendar(days, month: dt.date, today: dt.date) -> list[list[dict]]:
    """The month as weeks (Monday first) of days, each with its reception days; a rest day
    (weekend or public holiday, per the statutory calendar) is marked."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    by_date: dict[dt.date, list] = {}
    for day in days.filter(date__gte=weeks[0][0], date__lte=weeks[-1][-1]).order_by("date", "id"):
        by_date.setdefault(day.date, []).append(day)
    return [[{"date": d, "in_month": d.month == month.month, "is_today": d == today, "rest": is_rest_day(d),
              "receptions": by_date.get(d, [])} for d in week] for week in weeks]


@login_required
def reception_day(request, pk: int):
    user = request.user
    day = get_object_or_404(ReceptionDay.objects.select_related("leader", "unit"), pk=pk)
    may_link = day.leader_id == user.pk or user.has_role("registrar")
    error, number, status = "", "", 200
    if request.method == "POST":
        if not may_link:
            raise PermissionDenied("只有接访领导或登记员可以登记接访事项。")
        number = request.POST.get("number", "").strip()
        try:
            case = case_get_for(user=user, number=number)
            reception_case_link(actor=user, day=day, case=case)
        except NotFound:
            error, status = f"未找到编号为「{number}」的案件，或您无权查看。", 422
        except XinfangError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, f"已将 {case.number} 登记为本次接访事项。")
            return redirect("web:reception_day", pk=day.pk)
    cases = (cases_visible_to(user=user).filter(reception_days=day)
             .select_related("owner_unit").order_by("number"))
    return render(request, "web/reception_day.html", {
        "day": day, "cases": [{"case": c, "status_label": status_label(c)} for c in cases],
        "may_link": may_link, "error": error, "number": number, "nav": "reception",
    }, status=status)

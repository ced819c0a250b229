"""The staff pages. Views only parse, call a service or selector, and render: every rule
(who sees what, what may be done, what is valid) is decided in core/ and petitions/."""
import datetime as dt

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from xinfang.core import clock
from xinfang.core.deadlines import DeadlineState
from xinfang.core.errors import Conflict, NotFound, XinfangError
from xinfang.core.models import Case, Category
from xinfang.core.selectors import (case_actions_for, case_deadline_state, case_deadlines, case_get_for,
                                    case_timeline, cases_filter, cases_visible_to)
from xinfang.core.services import case_transition
from xinfang.core.validation import payload_parse
from xinfang.core.workflow import workflow_for, workflows_all
from xinfang.orgs.models import Unit, User
from xinfang.petitions.models import (Channel, ClaimType, Decision, DeclineChannel, Petition, ReceptionDay,
                                      ReceptionLevel, ReviewDecision, Satisfaction)
from xinfang.petitions.schemas import PetitionIn
from xinfang.petitions.selectors import (identity_hidden_from, petition_answers, petition_parties_for,
                                         petitions_open_for_same_person,
                                         case_query_code_for, reception_days_for,
                                         user_may_unmask)
from xinfang.petitions.services import petition_register, reception_case_link, reception_day_create

from .rows import case_row, cases_with_row_data, status_label
from .forms import (PETITIONER_ROWS, LoginForm, ReceptionDayForm, payload_fields, payload_from_post,
                    registration_from_post)

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

def _date_param(request, name: str, errors: list[str], label: str) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label}不是有效日期（格式：YYYY-MM-DD），已忽略。")
        return None


DEADLINE_FILTERS = [(DeadlineState.OVERDUE, "超期"), (DeadlineState.DUE_SOON, "临期"),
                    (DeadlineState.NORMAL, "正常")]


@login_required
def case_list(request):
    user = request.user
    today = clock.today()
    kinds = [(w.kind, w.label) for w in workflows_all()]
    statuses = [(code, f"{w.label} · {s.label}") for w in workflows_all() for code, s in w.states.items()]
    errors: list[str] = []
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    deadline = request.GET.get("deadline", "")
    open_only = request.GET.get("open", "")
    received_from = _date_param(request, "from", errors, "收到日期（起）")
    received_to = _date_param(request, "to", errors, "收到日期（止）")
    qs = cases_filter(
        cases_visible_to(user=user),
        kind=kind if kind in dict(kinds) else None,
        status=status if status in dict(statuses) else None,
        deadline_state=deadline if deadline in dict(DEADLINE_FILTERS) else None,
        received_from=received_from, received_to=received_to,
        is_open={"1": True, "0": False}.get(open_only),
    ).order_by("-received_date", "-id")
    page = Paginator(cases_with_row_data(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [case_row(user, case, today) for case in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/case_list.html", {
        "rows": rows, "page": page, "kinds": kinds, "statuses": statuses, "deadline_filters": DEADLINE_FILTERS,
        "filters": {"kind": kind, "status": status, "deadline": deadline, "open": open_only,
                    "from": request.GET.get("from", ""), "to": request.GET.get("to", "")},
        "errors": errors, "querystring": query.urlencode(), "nav": "cases",
    })


# --- 登记 ------------------------------------------------------------------------------

def _unit_choices() -> list[tuple[str, str]]:
    return [(str(u.pk), "\u3000" * u.depth + u.name)
            for u in Unit.objects.filter(is_active=True).only("pk", "name", "depth").order_by("path")]


def _category_choices() -> list[tuple[str, str]]:
    cats = {c.pk: c for c in Category.objects.filter(is_active=True)}

    def full(c):
        parent = cats.get(c.parent_id)
        return f"{full(parent)} / {c.name}" if parent else c.name

    return sorted(((str(pk), full(c)) for pk, c in cats.items()), key=lambda x: x[1])


def _registration_context(*, typed: dict, errors: dict, general: str = "", duplicates=None, dup_ack: str = ""):
    return {
        "v": typed, "errors": errors, "general_error": general,
        "channels": Channel.choices, "claim_types": ClaimType.choices, "levels": ReceptionLevel.choices,
        "categories": _category_choices(), "units": _unit_choices(),
        "duplicates": duplicates or [], "dup_ack": dup_ack, "nav": "register",
        "petitioner_rows": range(PETITIONER_ROWS),
    }


def _empty_registration() -> dict:
    typed = {"received_date": clock.today().isoformat(), "person_count": "1", "channel": "",
             "claim_type": ClaimType.REQUEST, "reception_level": ReceptionLevel.DISTRICT, "is_skip_level": False}
    typed["petitioners"] = [{"name": "", "id_number": "", "phone": "", "address": "", "is_representative": False}
                            for _ in range(PETITIONER_ROWS)]
    return typed


@login_required
def register(request):
    if not request.user.has_role("registrar"):
        raise PermissionDenied("只有登记员可以登记信访事项。")
    if request.method != "POST":
        return render(request, "web/register.html", _registration_context(typed=_empty_registration(), errors={}))
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
                typed=typed, errors={}, duplicates=duplicates, dup_ack=",".join(numbers)))
        case = petition_register(actor=request.user, data=data)
    except XinfangError as exc:
        field = exc.field or ""
        key = field
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "petitioners" and parts[1].isdigit() and int(parts[1]) < len(rows):
            row = rows[int(parts[1])]
            key = f"p{row}-{parts[2]}"
            typed["petitioners"][row]["error"] = exc.message
        errors = {key: exc.message} if key else {}
        status = 403 if exc.status == 403 else 422
        return render(request, "web/register.html",
                      _registration_context(typed=typed, errors=errors, general=exc.message), status=status)
    messages.success(request, f"登记成功：编号 {case.number}，查询码 {case.query_code}。请打印回执交给信访人。")
    return redirect("web:case", number=case.number)


# --- 案件 ------------------------------------------------------------------------------

_PAYLOAD_LABELS = {
    "unit": "单位", "from_unit": "原单位", "note": "说明", "reason": "理由", "decision": "结论",
    "handler": "承办人", "days": "天数", "new_due_date": "新的期限", "repeat_of": "原事项", "level": "满意度",
    "comment": "评价意见", "leader": "包案领导", "channel": "告知去向", "concluded_case_number": "已终结事项编号",
    "case_number": "原事项编号",
}
_VALUE_LABELS = {**dict(Decision.choices), **dict(ReviewDecision.choices), **dict(Satisfaction.choices),
                 **dict(DeclineChannel.choices)}


def _event_details(payload: dict) -> list[tuple[str, str]]:
    out = []
    for key, label in _PAYLOAD_LABELS.items():
        value = payload.get(key)
        if value in (None, ""):
            continue
        if key in ("decision", "level", "channel"):
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


def _case_context(request, case: Case, *, unmask: bool = False, error: XinfangError | None = None,
                  error_action: str = "", values: dict | None = None, posted_version: int | None = None) -> dict:
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
    return render(request, "web/reception_list.html", {
        "upcoming": list(days.filter(date__gte=today).order_by("date")),
        "past": list(days.filter(date__lt=today).order_by("-date")[:50]),
        "form": form, "nav": "reception",
    }, status=422 if form is not None and form.is_bound and form.errors else 200)


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

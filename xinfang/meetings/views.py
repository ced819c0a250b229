"""联席会议 pages: the list, convening a meeting, the meeting page (agenda, decisions,
follow-ups, minutes), the 会议交办事项 page of a unit, and the case page's 联席会议 section.
Views only parse, call a service or selector, and render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xinfang.core import clock
from xinfang.core.errors import NotFound, XinfangError
from xinfang.core.selectors import case_get_for
from xinfang.documents.render import TYPE_BY_FORMAT
from xinfang.orgs.models import User
from xinfang.orgs.selectors import units_active
from xinfang.web.forms import unit_options

from . import services
from .models import AgendaItem, MeetingKind
from .selectors import (
    FOLLOWUP_STATES,
    case_meetings_for,
    followup_state,
    followups_for,
    meeting_agenda_for,
    meeting_get_for,
    meeting_may_convene,
    meeting_may_manage,
    meetings_visible_to,
)

MEETING_FIELDS = ("kind", "date", "convening_unit_id", "place", "chair_id", "chair_name", "topic")






def _staff_by_unit() -> list[tuple[str, list[tuple[str, str]]]]:
    """Active staff grouped by unit, for the chair and handler selects."""
    groups: dict = {}
    for u in (User.objects.filter(is_active=True, unit__isnull=False).select_related("unit")
              .order_by("unit__path", "username")):
        groups.setdefault(u.unit.name, []).append((str(u.pk), str(u)))
    return list(groups.items())


def _meeting(request, pk: int):
    try:
        return meeting_get_for(user=request.user, meeting_id=pk)
    except NotFound:
        raise Http404("未找到该会议，或无权查看。") from None


def _case(request, number: str):
    try:
        return case_get_for(user=request.user, number=number)
    except NotFound:
        raise Http404("未找到该案件，或无权查看。") from None


@login_required
def meeting_list(request):
    user = request.user
    today = clock.today()
    items = []
    for meeting in meetings_visible_to(user=user).prefetch_related("agenda")[:200]:
        agenda = list(meeting.agenda.all())
        states = [followup_state(i, today=today) for i in agenda]
        items.append({"meeting": meeting, "agenda": len(agenda), "undecided": sum(1 for i in agenda if not i.decided_at),
                      "overdue": states.count("overdue"), "pending": states.count("pending"),
                      "done": states.count("done") + states.count("done_late")})
    return render(request, "meetings/list.html", {"items": items, "may_convene": meeting_may_convene(user=user),
                                                  "nav": "meetings", "tab": "list"})


def _new_context(*, typed: dict, errors: dict, general: str = "") -> dict:
    units = units_active()
    return {"v": typed, "errors": errors, "general_error": general, "units": unit_options(units),
            "kinds": MeetingKind.choices, "staff": _staff_by_unit(), "nav": "meetings", "tab": "new"}


@login_required
def meeting_new(request):
    user = request.user
    if not meeting_may_convene(user=user):
        raise PermissionDenied("只有领导、督查人员或审核人员可以召集联席会议。")
    if request.method != "POST":
        typed = {"kind": MeetingKind.JOINT, "date": clock.today().isoformat(), "convening_unit_id": str(user.unit_id),
                 "chair_id": str(user.pk), "attending_unit_ids": []}
        return render(request, "meetings/new.html", _new_context(typed=typed, errors={}))
    typed = {k: request.POST.get(k, "").strip() for k in MEETING_FIELDS}
    typed["attending_unit_ids"] = request.POST.getlist("attending_unit_ids")
    data = {k: v for k, v in typed.items() if v not in ("", [])}
    try:
        meeting = services.meeting_create(actor=user, data=data)
    except XinfangError as exc:
        key = (exc.field or "").split(".")[0]
        return render(request, "meetings/new.html", _new_context(
            typed=typed, errors={key: exc.message} if key else {}, general=exc.message),
            status=403 if exc.status == 403 else 422)
    messages.success(request, f"已召集{meeting.get_kind_display()}，请列入议题。")
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
def meeting_detail(request, pk: int):
    user = request.user
    meeting = _meeting(request, pk)
    today = clock.today()
    may_manage = meeting_may_manage(user=user, meeting=meeting)
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "agenda": meeting_agenda_for(user=user, meeting=meeting),
        "attending": list(meeting.attending_units.order_by("path")), "may_manage": may_manage,
        "may_add": may_manage and today <= meeting.date, "may_decide": may_manage and today >= meeting.date,
        "units": unit_options(units_active()), "staff": _staff_by_unit(), "today": today,
        "minutes_stale": bool(meeting.minutes_at and meeting.updated_at > meeting.minutes_at),
        "may_convene": meeting_may_convene(user=user), "nav": "meetings", "tab": "list",
    })


def _act(request, action, success: str, target):
    try:
        action()
    except XinfangError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return target


@login_required
@require_POST
def agenda_add(request, pk: int):
    meeting = _meeting(request, pk)
    number = request.POST.get("number", "").strip()
    return _act(request, lambda: services.meeting_agenda_add(
        actor=request.user, meeting=meeting, data={"number": number, "note": request.POST.get("note", "")}),
        f"已将 {number} 列入议题。", redirect("meetings:detail", pk=meeting.pk))


@login_required
@require_POST
def agenda_remove(request, pk: int, number: str):
    meeting = _meeting(request, pk)
    case = _case(request, number)
    return _act(request, lambda: services.meeting_agenda_remove(
        actor=request.user, meeting=meeting, case=case, reason=request.POST.get("reason", "")),
        f"已将 {number} 移出议题。", redirect("meetings:detail", pk=meeting.pk))


@login_required
@require_POST
def agenda_decide(request, pk: int, number: str):
    meeting = _meeting(request, pk)
    case = _case(request, number)
    post = request.POST
    data = {k: post.get(k, "").strip() for k in ("decision", "followup_unit_id", "followup_handler_id", "followup_due")}
    data = {k: v for k, v in data.items() if v}
    return _act(request, lambda: services.meeting_decision_record(actor=request.user, meeting=meeting, case=case,
                                                                  data=data),
                f"已记录 {number} 的会议决定。", redirect(f"{meeting_url(meeting)}#item-{case.number}"))


def meeting_url(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


@login_required
@require_POST
def followup_done(request, item_id: int):
    user = request.user
    item = (AgendaItem.objects.select_related("meeting", "meeting__convening_unit", "case", "followup_unit")
            .filter(pk=item_id).first())
    if item is None:
        raise Http404("未找到该交办事项。")
    _case(request, item.case.number)           # the reader must be able to see the case
    targets = {"followups": redirect("meetings:followups"), "case": redirect("web:case", number=item.case.number)}
    target = targets.get(request.POST.get("next", ""), redirect("meetings:detail", pk=item.meeting_id))
    return _act(request, lambda: services.meeting_followup_done(actor=user, item=item,
                                                                data={"note": request.POST.get("note", "")}),
                f"已报告 {item.case.number} 的交办事项办结。", target)


@login_required
@require_POST
def minutes_generate(request, pk: int):
    meeting = _meeting(request, pk)
    return _act(request, lambda: services.meeting_minutes_generate(actor=request.user, meeting=meeting),
                "已生成会议纪要。", redirect(f"{meeting_url(meeting)}#minutes"))


@login_required
def minutes_download(request, pk: int, fmt: str):
    meeting = _meeting(request, pk)
    field = {"docx": meeting.minutes_docx, "pdf": meeting.minutes_pdf}.get(fmt)
    if field is None or not field:
        raise Http404("会议纪要尚未生成。")
    name = f"{meeting.topic}{meeting.get_kind_display()}纪要（{meeting.year}年第{meeting.seq}期）.{fmt}"
    return FileResponse(field.open("rb"), as_attachment=True,
                        filename=name, content_type=TYPE_BY_FORMAT[fmt])


@login_required
def followup_list(request):
    """会议交办事项: the follow-ups assigned to the user's unit (or its subtree, for a subtree
    scope) or to the user by name."""
    user = request.user
    state = request.GET.get("state", "")
    error = None
    try:
        qs = followups_for(user=user, state=state or None)
    except XinfangError as exc:
        error, state = exc.message, ""
        qs = followups_for(user=user)
    today = clock.today()
    rows = [{"item": i, "state": followup_state(i, today=today),
             "state_label": FOLLOWUP_STATES[followup_state(i, today=today)],
             "days_left": (i.followup_due - today).days} for i in qs[:300]]
    return render(request, "meetings/followups.html", {
        "rows": rows, "state": state, "states": FOLLOWUP_STATES.items(), "error": error,
        "may_convene": meeting_may_convene(user=user), "nav": "meetings", "tab": "followups"},
        status=422 if error else 200)


@login_required
def case_meetings(request, number: str):
    case = _case(request, number)
    fragment = request.headers.get("HX-Request") == "true"
    context = {"case": case, "rows": case_meetings_for(user=request.user, case=case), "fragment": fragment}
    return render(request, "meetings/_case_section.html" if fragment else "meetings/case_page.html", context)

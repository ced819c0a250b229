"""联席会议 endpoints (/api/v1/meetings…): convene a meeting, read it with its agenda and
follow-ups, keep the agenda, record a case's decision with its follow-up, report a follow-up
done, generate and download the minutes; the follow-ups of the caller's unit; a case's
meetings. Handlers are thin: parse, call a service or selector, render."""
import datetime as dt

from django.http import FileResponse, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.core.selectors import case_get_for
from xinfang.documents.render import TYPE_BY_FORMAT
from xinfang.meetings.models import AgendaItem, Meeting
from xinfang.meetings.schemas import AgendaIn, DecisionIn, DoneIn, MeetingIn
from xinfang.meetings.selectors import (
    FOLLOWUP_STATES,
    case_meetings_for,
    followup_state,
    followups_for,
    meeting_agenda_for,
    meeting_get_for,
    meeting_may_manage,
    meetings_visible_to,
)
from xinfang.meetings.services import (
    meeting_agenda_add,
    meeting_agenda_remove,
    meeting_create,
    meeting_decision_record,
    meeting_followup_done,
    meeting_minutes_generate,
)

from .auth import STAFF_AUTH
from .schemas import ErrorOut, UnitRef

router = Router(auth=STAFF_AUTH, tags=["联席会议"])
READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422, 429}): ErrorOut}


class FollowupOut(Schema):
    id: int = Field(description="议题 id（报告办结时使用）")
    meeting_id: int
    number: str
    title: str
    note: str
    decided: bool
    decision: str
    followup_unit: UnitRef | None
    followup_handler: str
    followup_due: dt.date | None
    state: str = Field(description="空：待决定；pending 办理中；overdue 已超期；done 已办结；done_late 超期办结")
    state_label: str
    done_at: dt.datetime | None
    done_note: str


class MeetingOut(Schema):
    id: int
    kind: str
    kind_label: str
    date: dt.date
    convening_unit: UnitRef
    attending_units: list[UnitRef]
    place: str
    chair_name: str
    topic: str
    number: str = Field(description="纪要期数，如“2026年第3期”")
    may_manage: bool
    agenda: list[FollowupOut] = Field(description="当前用户有权查看的案件的议题")
    hidden_items: int = Field(description="涉及当前用户无权查看的案件、未列出的议题数")
    minutes_at: dt.datetime | None
    minutes_docx: str | None
    minutes_pdf: str | None


class RemoveIn(Schema):
    reason: str = Field(title="移出理由", max_length=500)


class CaseMeetingOut(Schema):
    meeting_id: int
    date: dt.date
    kind_label: str
    topic: str
    item: FollowupOut


def _unit(unit) -> dict | None:
    return {"id": unit.pk, "name": unit.name} if unit is not None else None


def _item(item: AgendaItem, state: str | None = None) -> dict:
    state = followup_state(item) if state is None else state
    return {"id": item.pk, "meeting_id": item.meeting_id, "number": item.case.number, "title": item.case.title,
            "note": item.note, "decided": item.decided_at is not None, "decision": item.decision,
            "followup_unit": _unit(item.followup_unit) if item.followup_unit_id else None,
            "followup_handler": str(item.followup_handler) if item.followup_handler_id else "",
            "followup_due": item.followup_due, "state": state, "state_label": FOLLOWUP_STATES.get(state, "待决定"),
            "done_at": item.done_at, "done_note": item.done_note}


def _meeting(request, meeting: Meeting) -> dict:
    agenda = meeting_agenda_for(user=request.auth, meeting=meeting)
    base = f"/api/v1/meetings/{meeting.pk}/minutes"
    return {"id": meeting.pk, "kind": meeting.kind, "kind_label": meeting.get_kind_display(), "date": meeting.date,
            "convening_unit": _unit(meeting.convening_unit),
            "attending_units": [_unit(u) for u in meeting.attending_units.order_by("path")],
            "place": meeting.place, "chair_name": meeting.chair_name, "topic": meeting.topic,
            "number": f"{meeting.year}年第{meeting.seq}期",
            "may_manage": meeting_may_manage(user=request.auth, meeting=meeting),
            "agenda": [_item(r["item"], r["state"]) for r in agenda["rows"]], "hidden_items": agenda["hidden"],
            "minutes_at": meeting.minutes_at, "minutes_docx": f"{base}.docx" if meeting.minutes_docx else None,
            "minutes_pdf": f"{base}.pdf" if meeting.minutes_pdf else None}


def _fresh(request, meeting_id: int) -> dict:
    return _meeting(request, meeting_get_for(user=request.auth, meeting_id=meeting_id))


@router.get("/meetings", response={200: list[MeetingOut], **READ_ERRORS}, summary="联席会议列表",
            url_name="meeting_list")
def meeting_list(request: HttpRequest):
    """召集、参加或承担交办事项的会议，新的在前。"""
    return [_meeting(request, m) for m in meetings_visible_to(user=request.auth)[:200]]


@router.post("/meetings", response={201: MeetingOut, **WRITE_ERRORS}, summary="召集联席会议 / 会商 / 听证协调会",
             url_name="meeting_create")
def meeting_create_endpoint(request: HttpRequest, meeting: MeetingIn):
    created = meeting_create(actor=request.auth, data=meeting)
    return Status(201, _fresh(request, created.pk))


@router.get("/meetings/followups", response={200: list[FollowupOut], **READ_ERRORS}, summary="会议交办事项",
            url_name="meeting_followups")
def meeting_followups(request: HttpRequest, state: str | None = None):
    """交由当前用户所在单位（数据范围为本单位及下级的，含下级单位）落实或指定由其承办的事项；
    state：pending / overdue / done / done_late。"""
    return [_item(i) for i in followups_for(user=request.auth, state=state)[:500]]


@router.get("/meetings/by-case/{number}", response={200: list[CaseMeetingOut], **READ_ERRORS},
            summary="案件提交会议研究的情况", url_name="meeting_by_case")
def meeting_by_case(request: HttpRequest, number: str):
    case = case_get_for(user=request.auth, number=number)
    return [{"meeting_id": r["item"].meeting_id, "date": r["item"].meeting.date,
             "kind_label": r["item"].meeting.get_kind_display(), "topic": r["item"].meeting.topic,
             "item": _item(r["item"], r["state"])} for r in case_meetings_for(user=request.auth, case=case)]


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **READ_ERRORS}, summary="会议详情",
            url_name="meeting_detail")
def meeting_detail(request: HttpRequest, meeting_id: int):
    return _fresh(request, meeting_id)


@router.post("/meetings/{meeting_id}/agenda", response={201: MeetingOut, **WRITE_ERRORS}, summary="列入议题",
             url_name="meeting_agenda_add")
def meeting_agenda_add_endpoint(request: HttpRequest, meeting_id: int, item: AgendaIn):
    """会议当天及以前；只能列入召集单位辖区内办理过的案件。在案件上记录“列入…议题”。"""
    meeting = meeting_get_for(user=request.auth, meeting_id=meeting_id)
    meeting_agenda_add(actor=request.auth, meeting=meeting, data=item)
    return Status(201, _fresh(request, meeting_id))


@router.post("/meetings/{meeting_id}/agenda/{number}/remove", response={200: MeetingOut, **WRITE_ERRORS},
             summary="移出议题", url_name="meeting_agenda_remove")
def meeting_agenda_remove_endpoint(request: HttpRequest, meeting_id: int, number: str, body: RemoveIn):
    meeting = meeting_get_for(user=request.auth, meeting_id=meeting_id)
    case = case_get_for(user=request.auth, number=number)
    meeting_agenda_remove(actor=request.auth, meeting=meeting, case=case, reason=body.reason)
    return _fresh(request, meeting_id)


@router.post("/meetings/{meeting_id}/agenda/{number}/decision", response={200: FollowupOut, **WRITE_ERRORS},
             summary="记录会议决定与交办事项", url_name="meeting_decision")
def meeting_decision(request: HttpRequest, meeting_id: int, number: str, body: DecisionIn):
    """在该案件上记录“联席会议决定”（决定、落实单位、办结期限），落实单位由此可以查看该案件。"""
    meeting = meeting_get_for(user=request.auth, meeting_id=meeting_id)
    case = case_get_for(user=request.auth, number=number)
    return _item(meeting_decision_record(actor=request.auth, meeting=meeting, case=case, data=body))


@router.post("/meetings/followups/{item_id}/done", response={200: FollowupOut, **WRITE_ERRORS},
             summary="报告交办事项办结", url_name="meeting_followup_done")
def meeting_followup_done_endpoint(request: HttpRequest, item_id: int, body: DoneIn):
    item = AgendaItem.objects.select_related("meeting", "meeting__convening_unit", "case", "followup_unit").filter(
        pk=item_id).first()
    if item is None:
        raise NotFound("未找到该交办事项。")
    case_get_for(user=request.auth, number=item.case.number)
    return _item(meeting_followup_done(actor=request.auth, item=item, data=body))


@router.post("/meetings/{meeting_id}/minutes", response={200: MeetingOut, **WRITE_ERRORS}, summary="生成会议纪要",
             url_name="meeting_minutes_generate")
def meeting_minutes(request: HttpRequest, meeting_id: int):
    meeting = meeting_get_for(user=request.auth, meeting_id=meeting_id)
    meeting_minutes_generate(actor=request.auth, meeting=meeting)
    return _fresh(request, meeting_id)


@router.get("/meetings/{meeting_id}/minutes.{fmt}", response={200: None, **READ_ERRORS},
            summary="下载会议纪要（docx 或 pdf）", url_name="meeting_minutes_download")
def meeting_minutes_download(request: HttpRequest, meeting_id: int, fmt: str):
    if fmt not in ("docx", "pdf"):
        raise ValidationFailed("格式只能是 docx 或 pdf。", field="fmt")
    meeting = meeting_get_for(user=request.auth, meeting_id=meeting_id)
    field = meeting.minutes_docx if fmt == "docx" else meeting.minutes_pdf
    if not field:
        raise NotFound("会议纪要尚未生成。")
    return FileResponse(field.open("rb"), as_attachment=True, content_type=TYPE_BY_FORMAT[fmt],
                        filename=f"{meeting.topic}{meeting.get_kind_display()}纪要（{meeting.year}年第{meeting.seq}期）.{fmt}")

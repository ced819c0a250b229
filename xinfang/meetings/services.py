"""Meeting writes: convening a meeting, keeping its agenda, recording each case's decision
with its follow-up (交办事项), closing a follow-up, and generating the minutes (会议纪要).

Each step that concerns a case is an Event on that case (core.services.case_event_record):
列入会议议题, 移出会议议题, 联席会议决定 (the decision, the follow-up unit and deadline), 会议交办事项
办结. A follow-up unit is given sight of the case (a CaseUnit link), as a unit a case is
assigned to is, so it can act on it.

Sources: 信访工作条例（2022）第二章 sets up 信访工作联席会议 to coordinate matters that span
departments (the article numbers of the joint-meeting rules are left to the deployment's
province rules); a decision's follow-up is a 交办 in the sense of 第二十二条 — the receiving unit
handles it and reports the result. Hearings (听证协调会) are the hearings the petition
workflow pauses for (复核听证). Participants are units and their officials: no list of people
is kept. The minutes follow the 纪要 form of GB/T 9704-2012 as documents/render.py lays out
notices."""
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.errors import Forbidden, GuardFailed, NotFound, ValidationFailed
from xinfang.core.models import Case, CaseUnit
from xinfang.core.selectors import case_visible
from xinfang.core.services import case_event_record, case_number_next
from xinfang.core.validation import payload_parse
from xinfang.documents.render import docx_render, pdf_render
from xinfang.notifications.models import NotificationKind
from xinfang.notifications.services import notifications_send
from xinfang.orgs.models import Unit, User

from .minutes import minutes_content
from .models import AgendaItem, Meeting
from .schemas import AgendaIn, DecisionIn, DoneIn, MeetingIn
from .selectors import (
    followup_may_close,
    meeting_cases_reachable,
    meeting_may_convene,
    meeting_may_manage,
)


def _unit(pk: int | None, *, field: str, label: str) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk, is_active=True).first()
    if unit is None:
        raise ValidationFailed(f"{label}不存在或已停用。", field=field)
    return unit


def _check_manager(actor: User, meeting: Meeting) -> None:
    if not meeting_may_manage(user=actor, meeting=meeting):
        raise Forbidden(f"只有{meeting.convening_unit.name}或其上级单位的领导、督查或审核人员可以办理会议事项。")


def _touch(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=clock.now())


def _meeting_label(meeting: Meeting) -> str:
    return f"{meeting.date:%Y-%m-%d}{meeting.get_kind_display()}「{meeting.topic[:40]}」"


@transaction.atomic
def meeting_create(*, actor: User, data: dict | MeetingIn) -> Meeting:
    """Convene a meeting: kind, date, convening unit (the actor's or one below), attending
    units, place, chair, topic. Numbered per convening unit and year (the minutes' 期数)."""
    if not meeting_may_convene(user=actor):
        raise Forbidden("只有领导、督查人员或审核人员可以召集联席会议。")
    data = data if isinstance(data, MeetingIn) else payload_parse(MeetingIn, data)
    convening = _unit(data.convening_unit_id, field="convening_unit_id", label="召集单位") or actor.unit
    if not convening.is_within(actor.unit):
        raise ValidationFailed("召集单位只能是本单位或下级单位。", field="convening_unit_id")
    wanted = set(data.attending_unit_ids)
    attending = list(Unit.objects.filter(pk__in=wanted, is_active=True))
    if len(attending) != len(wanted):
        raise ValidationFailed("参会单位中有不存在或已停用的单位。", field="attending_unit_ids")
    chair_name = data.chair_name
    chair = None
    if data.chair_id is not None:
        chair = User.objects.filter(pk=data.chair_id, is_active=True, unit__isnull=False).first()
        if chair is None:
            raise ValidationFailed("主持人不存在。", field="chair_id")
        chair_name = str(chair)
    today = clock.today()
    if abs((data.date - today).days) > 366:
        raise ValidationFailed("会议日期须在一年以内。", field="date")
    _, seq = case_number_next(unit=convening, kind="meeting", prefix="", year=data.date.year)
    now = clock.now()
    meeting = Meeting.objects.create(
        kind=data.kind, date=data.date, convening_unit=convening, place=data.place, chair=chair,
        chair_name=chair_name, topic=data.topic, year=data.date.year, seq=seq, created_by=actor, created_at=now,
        updated_at=now)
    meeting.attending_units.set(attending)
    audit_record(actor=actor, action="meeting.create", object_type="meeting", object_id=meeting.pk,
                 detail={"kind": meeting.kind, "date": meeting.date.isoformat(), "convening_unit": convening.pk,
                         "attending": sorted(u.pk for u in attending), "topic": meeting.topic, "seq": seq})
    return meeting


def _case_for_agenda(*, actor: User, meeting: Meeting, number: str) -> Case:
    case = Case.objects.select_related("owner_unit").filter(number=number).first()
    if case is None or not case_visible(user=actor, case=case):
        raise NotFound(f"未找到编号为 {number} 的案件，或无权查看。")
    if not meeting_cases_reachable(meeting=meeting).filter(pk=case.pk).exists():
        raise ValidationFailed(f"案件 {number} 不在{meeting.convening_unit.name}的办理范围内，不能列入本次会议。",
                               field="number")
    return case


@transaction.atomic
def meeting_agenda_add(*, actor: User, meeting: Meeting, data: dict | AgendaIn) -> AgendaItem:
    """Put a case on the agenda (before or on the day of the meeting): only a case the
    convening unit's area has held, once. Records 列入会议议题 on the case."""
    _check_manager(actor, meeting)
    data = data if isinstance(data, AgendaIn) else payload_parse(AgendaIn, data)
    if clock.today() > meeting.date:
        raise GuardFailed("会议已经召开，不能再增加议题。")
    case = _case_for_agenda(actor=actor, meeting=meeting, number=data.number)
    holder: dict = {}

    def record(locked: Case) -> dict:
        if AgendaItem.objects.filter(meeting=meeting, case=locked).exists():
            raise GuardFailed(f"案件 {case.number} 已在本次会议议题中。")
        position = meeting.agenda.count() + 1
        try:
            with transaction.atomic():
                holder["i"] = AgendaItem.objects.create(meeting=meeting, case=locked, position=position,
                                                        note=data.note, added_by=actor, added_at=clock.now())
        except IntegrityError:
            raise GuardFailed(f"案件 {case.number} 已在本次会议议题中。") from None
        return {"meeting_id": meeting.pk}

    case_event_record(case=case, actor=actor, action="meeting_agenda", label=f"列入{meeting.get_kind_display()}议题",
                      payload={"note": _meeting_label(meeting) + (f"：{data.note}" if data.note else ""),
                               "place": meeting.place},
                      before_record=record)
    _touch(meeting)
    return holder["i"]


@transaction.atomic
def meeting_agenda_remove(*, actor: User, meeting: Meeting, case: Case, reason: str) -> None:
    """Take an undecided case off the agenda with a reason (移出会议议题 on the case)."""
    _check_manager(actor, meeting)
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 500:
        raise ValidationFailed("请填写移出理由（不超过 500 字）。", field="reason")

    def record(locked: Case) -> dict:
        item = AgendaItem.objects.select_for_update().filter(meeting=meeting, case=locked).first()
        if item is None:
            raise GuardFailed(f"案件 {case.number} 不在本次会议议题中。")
        if item.decided_at is not None:
            raise GuardFailed("该议题已形成会议决定，不能移出。")
        item.delete()
        return {"meeting_id": meeting.pk}

    case_event_record(case=case, actor=actor, action="meeting_agenda_remove", label="移出会议议题",
                      payload={"note": _meeting_label(meeting), "reason": reason}, before_record=record)
    _touch(meeting)


def _followup_recipients(item: AgendaItem) -> list[int]:
    if item.followup_handler_id:
        return [item.followup_handler_id]
    return list(User.objects.filter(unit_id=item.followup_unit_id, is_active=True,
                                    roles__code__in=("reviewer", "handler", "leader"))
                .values_list("pk", flat=True).distinct())


@transaction.atomic
def meeting_decision_record(*, actor: User, meeting: Meeting, case: Case, data: dict | DecisionIn) -> AgendaItem:
    """Record the meeting's decision on one agenda case with its follow-up: a unit (and
    optionally a handler of it) and the date by which it reports the result. Writes
    联席会议决定 on that case, gives the follow-up unit sight of it, and tells its staff."""
    _check_manager(actor, meeting)
    data = data if isinstance(data, DecisionIn) else payload_parse(DecisionIn, data)
    if clock.today() < meeting.date:
        raise GuardFailed(f"会议定于{meeting.date:%Y年%m月%d日}召开，尚不能记录会议决定。")
    unit = _unit(data.followup_unit_id, field="followup_unit_id", label="落实单位")
    handler = None
    if data.followup_handler_id is not None:
        handler = User.objects.filter(pk=data.followup_handler_id, is_active=True).first()
        if handler is None or handler.unit_id != unit.pk:
            raise ValidationFailed(f"承办人须是{unit.name}的工作人员。", field="followup_handler_id")
    if data.followup_due < meeting.date:
        raise ValidationFailed("办结期限不能早于会议日期。", field="followup_due")
    if not case_visible(user=actor, case=case):
        raise NotFound()
    holder: dict = {}

    def record(locked: Case) -> dict:
        item = AgendaItem.objects.select_for_update().filter(meeting=meeting, case=locked).first()
        if item is None:
            raise GuardFailed(f"案件 {case.number} 不在本次会议议题中。")
        if item.decided_at is not None:
            raise GuardFailed("该议题已记录会议决定。")
        item.decision, item.decided_by, item.decided_at = data.decision, actor, clock.now()
        item.followup_unit, item.followup_handler, item.followup_due = unit, handler, data.followup_due
        item.save(update_fields=["decision", "decided_by", "decided_at", "followup_unit", "followup_handler",
                                 "followup_due"])
        CaseUnit.objects.bulk_create([CaseUnit(case=locked, unit=unit)], ignore_conflicts=True)
        holder["i"] = item
        return {"meeting_id": meeting.pk}

    kind = meeting.get_kind_display()
    event = case_event_record(
        case=case, actor=actor, action="meeting_decision", label=f"{kind}决定",
        payload={"decision": data.decision, "unit": unit.name, "handler": str(handler) if handler else "",
                 "due_date": data.followup_due.isoformat(), "note": _meeting_label(meeting)},
        before_record=record)
    item = holder["i"]
    notifications_send(case=case, kind=NotificationKind.ASSIGNED, recipient_ids=_followup_recipients(item),
                       key=f"event:{event.pk}", at=event.at,
                       text=f"{kind}交办：{case.number}「{case.title[:40]}」，请于{data.followup_due:%Y年%m月%d日}前落实并报告。"
                            f"{data.decision[:120]}")
    _touch(meeting)
    return item


@transaction.atomic
def meeting_followup_done(*, actor: User, item: AgendaItem, data: dict | DoneIn) -> AgendaItem:
    """The follow-up unit reports its follow-up done, with what was done (会议交办事项办结 on
    the case). Late is allowed and shown as such: the record says when."""
    data = data if isinstance(data, DoneIn) else payload_parse(DoneIn, data)
    if item.decided_at is None:
        raise GuardFailed("该议题尚未形成会议决定。")
    if not followup_may_close(user=actor, item=item) and item.done_at is None:
        raise Forbidden(f"只有{item.followup_unit.name}的工作人员或会议召集单位可以报告办结。")
    case = item.case
    if not case_visible(user=actor, case=case):
        raise NotFound()

    def record(locked: Case) -> dict:
        current = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if current.done_at is not None:
            raise GuardFailed("该交办事项已报告办结。")
        current.done_at, current.done_by, current.done_note = clock.now(), actor, data.note
        current.save(update_fields=["done_at", "done_by", "done_note"])
        item.done_at, item.done_by, item.done_note = current.done_at, actor, data.note
        return {"meeting_id": item.meeting_id}

    late = clock.today() > item.followup_due
    case_event_record(case=case, actor=actor, action="meeting_followup_done", label="会议交办事项办结",
                      payload={"note": data.note, "unit": item.followup_unit.name,
                               "due_date": item.followup_due.isoformat() + ("（超期办结）" if late else "")},
                      before_record=record)
    # The minutes record decisions, not their execution: no _touch (they stay current).
    return item


@transaction.atomic
def meeting_minutes_generate(*, actor: User, meeting: Meeting) -> Meeting:
    """Write the minutes (会议纪要) as .docx and PDF from the meeting as it stands and keep
    them; generating again replaces them (the audit log keeps each generation)."""
    _check_manager(actor, meeting)
    locked = Meeting.objects.select_for_update().select_related("convening_unit").get(pk=meeting.pk)
    if clock.today() < locked.date:
        raise GuardFailed("会议尚未召开，不能生成会议纪要。")
    content = minutes_content(meeting=locked)
    stem = f"{locked.year}-{locked.seq:03d}"
    for field, data in ((locked.minutes_docx, docx_render(content)), (locked.minutes_pdf, pdf_render(content))):
        ext = "docx" if field.field.name == "minutes_docx" else "pdf"
        path = field.field.generate_filename(locked, f"minutes-{stem}.{ext}")
        if field.storage.exists(path):
            field.storage.delete(path)
        field.save(f"minutes-{stem}.{ext}", ContentFile(data), save=False)
    locked.minutes_at, locked.minutes_by = clock.now(), actor
    locked.save(update_fields=["minutes_docx", "minutes_pdf", "minutes_at", "minutes_by"])
    audit_record(actor=actor, action="meeting.minutes", object_type="meeting", object_id=locked.pk,
                 detail={"number": content.number, "items": locked.agenda.count()})
    return locked


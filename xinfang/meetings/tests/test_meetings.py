"""Joint meetings: convening (bad input refused, nothing changed), the agenda (only cases of
the convening unit's area, events on the case), decisions with follow-ups (an event on THAT
case, the follow-up unit told and given sight), follow-ups done / overdue, the minutes."""
import datetime as dt
import io

import pytest
from docx import Document as DocxDocument

from xinfang.audit.models import AuditEntry
from xinfang.core import clock
from xinfang.core.errors import Forbidden, GuardFailed, NotFound, ValidationFailed
from xinfang.core.models import Event
from xinfang.core.selectors import case_visible
from xinfang.notifications.models import Notification
from xinfang.petitions.tests.builders import register, snapshot

from ..models import AgendaItem, Meeting
from ..selectors import (
    case_meetings_for,
    followup_state,
    followups_for,
    meeting_agenda_for,
    meetings_visible_to,
)
from ..services import (
    meeting_agenda_remove,
    meeting_followup_done,
    meeting_minutes_generate,
)
from .builders import DAY, DUE, convene, decide, hard_case, on_agenda


def test_convene_numbers_per_unit_and_year(mt):
    first, second = convene(mt), convene(mt, kind="consult", topic="拖欠工资问题会商")
    assert (first.seq, second.seq) == (1, 2) and first.chair_name == "supervisor"
    assert set(first.attending_units.all()) == {mt.street_a, mt.housing}
    assert AuditEntry.objects.filter(action="meeting.create").count() == 2
    by_name = convene(mt, chair_id=None, chair_name="王副区长")
    assert by_name.chair is None and by_name.chair_name == "王副区长"


@pytest.mark.parametrize("overrides,field", [
    ({"kind": "party"}, "kind"),
    ({"date": "下周二"}, "date"),
    ({"date": "2028-01-01"}, "date"),
    ({"attending_unit_ids": []}, "attending_unit_ids"),
    ({"attending_unit_ids": [999999]}, "attending_unit_ids"),
    ({"place": ""}, "place"),
    ({"topic": "会"}, "topic"),
    ({"chair_id": None}, "chair_id"),
    ({"chair_id": 999999}, "chair_id"),
])
def test_bad_input_is_refused_naming_the_field(mt, overrides, field):
    with pytest.raises(ValidationFailed) as exc:
        convene(mt, **overrides)
    assert exc.value.field == field and not Meeting.objects.exists()


def test_who_may_convene(mt):
    with pytest.raises(Forbidden):
        convene(mt, actor=mt.handler_a)
    with pytest.raises(ValidationFailed) as exc:
        convene(mt, actor=mt.reviewer_a, convening_unit_id=mt.district.pk)
    assert exc.value.field == "convening_unit_id"
    assert convene(mt, actor=mt.reviewer_a).convening_unit == mt.street_a


def test_agenda_takes_cases_of_the_area_once_and_records_events(mt):
    meeting = convene(mt)
    case = hard_case(mt)
    on_agenda(mt, meeting, case)
    event = Event.objects.filter(case=case, action="meeting_agenda").get()
    assert event.label == "列入联席会议议题" and "幸福里小区" in event.payload["note"]
    with pytest.raises(GuardFailed, match="已在本次会议议题中"):
        on_agenda(mt, meeting, case)
    # The court's own case never passed through the district: not on a district meeting's agenda.
    with clock.frozen(dt.date(2026, 1, 5)):
        court_case = register(mt, actor=mt.court_registrar)
    with pytest.raises(NotFound):                                       # the supervisor cannot see it
        on_agenda(mt, meeting, court_case)
    city_meeting = convene(mt, actor=mt.leader, convening_unit_id=mt.street_b.pk, attending_unit_ids=[mt.street_b.pk])
    before = snapshot(case)
    with clock.frozen(DAY - dt.timedelta(days=1)), pytest.raises(ValidationFailed) as exc:
        from ..services import meeting_agenda_add
        meeting_agenda_add(actor=mt.leader, meeting=city_meeting, data={"number": case.number})
    assert exc.value.field == "number" and "不在乙街道的办理范围内" in exc.value.message
    assert snapshot(case) == before
    with pytest.raises(GuardFailed, match="会议已经召开"):
        on_agenda(mt, meeting, hard_case(mt), day=DAY + dt.timedelta(days=1))
    with clock.frozen(DAY - dt.timedelta(days=1)), pytest.raises(Forbidden):
        from ..services import meeting_agenda_add
        meeting_agenda_add(actor=mt.handler_a, meeting=meeting, data={"number": case.number})


def test_remove_an_undecided_item_with_a_reason(mt):
    meeting = convene(mt)
    case, other = hard_case(mt), hard_case(mt)
    on_agenda(mt, meeting, case)
    on_agenda(mt, meeting, other)
    with clock.frozen(DAY), pytest.raises(ValidationFailed):
        meeting_agenda_remove(actor=mt.supervisor, meeting=meeting, case=case, reason="")
    with clock.frozen(DAY):
        meeting_agenda_remove(actor=mt.supervisor, meeting=meeting, case=case, reason="已通过诉讼解决")
    assert list(meeting.agenda.values_list("case_id", flat=True)) == [other.pk]
    assert Event.objects.filter(case=case, action="meeting_agenda_remove", payload__reason="已通过诉讼解决").exists()
    decide(mt, meeting, other)
    with clock.frozen(DAY), pytest.raises(GuardFailed, match="已形成会议决定"):
        meeting_agenda_remove(actor=mt.supervisor, meeting=meeting, case=other, reason="误列")


def test_decision_is_an_event_on_that_case_and_the_followup_unit_can_act(mt):
    meeting = convene(mt)
    case, untouched = hard_case(mt), hard_case(mt)
    on_agenda(mt, meeting, case)
    on_agenda(mt, meeting, untouched)
    assert not case_visible(user=mt.handler_h, case=case)
    item = decide(mt, meeting, case, followup_handler_id=mt.handler_h.pk)
    event = Event.objects.filter(case=case, action="meeting_decision").get()
    assert event.label == "联席会议决定"
    assert event.payload["decision"].startswith("由住建局牵头") and event.payload["unit"] == "示范区住建局"
    assert event.payload["due_date"] == DUE.isoformat() and event.payload["handler"] == "handler_h"
    assert not Event.objects.filter(case=untouched, action="meeting_decision").exists()
    assert case_visible(user=mt.handler_h, case=case)                    # the follow-up unit now sees it
    assert Notification.objects.filter(recipient=mt.handler_h, case=case, kind="assigned").exists()
    assert item.followup_unit == mt.housing and followup_state(item, today=DAY) == "pending"
    with pytest.raises(GuardFailed, match="已记录会议决定"):
        decide(mt, meeting, case)


@pytest.mark.parametrize("overrides,error,field", [
    ({"decision": "好"}, ValidationFailed, "decision"),
    ({"followup_unit_id": 999999}, ValidationFailed, "followup_unit_id"),
    ({"followup_handler_id": "HANDLER_B"}, ValidationFailed, "followup_handler_id"),
    ({"followup_due": "2026-03-01"}, ValidationFailed, "followup_due"),
    ({"followup_due": "三月底"}, ValidationFailed, "followup_due"),
])
def test_bad_decisions_change_nothing(mt, overrides, error, field):
    meeting = convene(mt)
    case = hard_case(mt)
    on_agenda(mt, meeting, case)
    if overrides.get("followup_handler_id") == "HANDLER_B":
        overrides["followup_handler_id"] = mt.handler_b.pk         # not of the follow-up unit
    before = snapshot(case)
    with pytest.raises(error) as exc:
        decide(mt, meeting, case, **overrides)
    assert exc.value.field == field and snapshot(case) == before
    assert not AgendaItem.objects.filter(decided_at__isnull=False).exists()


def test_decisions_wait_for_the_meeting_and_its_managers(mt):
    meeting = convene(mt)
    case = hard_case(mt)
    on_agenda(mt, meeting, case)
    with pytest.raises(GuardFailed, match="尚不能记录会议决定"):
        decide(mt, meeting, case, day=DAY - dt.timedelta(days=1))
    with clock.frozen(DAY), pytest.raises(Forbidden):
        from ..services import meeting_decision_record
        meeting_decision_record(actor=mt.reviewer_a, meeting=meeting, case=case, data={
            "decision": "维持原处理意见", "followup_unit_id": mt.street_a.pk, "followup_due": DUE.isoformat()})


def test_followups_overdue_done_and_listed_for_the_unit(mt):
    meeting = convene(mt)
    on_time, late = hard_case(mt), hard_case(mt)
    for case in (on_time, late):
        on_agenda(mt, meeting, case)
    first = decide(mt, meeting, on_time)
    second = decide(mt, meeting, late, followup_unit_id=mt.street_a.pk)
    with clock.frozen(DUE - dt.timedelta(days=2)):
        assert [i.pk for i in followups_for(user=mt.handler_h)] == [first.pk]
        with pytest.raises(Forbidden):
            meeting_followup_done(actor=mt.handler_b, item=first, data={"note": "已办"})
        with pytest.raises(ValidationFailed) as exc:
            meeting_followup_done(actor=mt.handler_h, item=first, data={"note": ""})
        assert exc.value.field == "note"
        meeting_followup_done(actor=mt.handler_h, item=first, data={"note": "电梯已修复，业主已认可。"})
        with pytest.raises(GuardFailed, match="已报告办结"):
            meeting_followup_done(actor=mt.reviewer_h, item=first, data={"note": "再次报告"})
    done = Event.objects.filter(case=on_time, action="meeting_followup_done").get()
    assert done.label == "会议交办事项办结" and done.payload["note"] == "电梯已修复，业主已认可。"
    after = DUE + dt.timedelta(days=1)
    with clock.frozen(after):
        assert followup_state(AgendaItem.objects.get(pk=second.pk)) == "overdue"
        assert [i.pk for i in followups_for(user=mt.reviewer_a, state="overdue")] == [second.pk]
        assert [i.pk for i in followups_for(user=mt.handler_h, state="done")] == [first.pk]
        agenda = meeting_agenda_for(user=mt.supervisor, meeting=meeting)
        assert agenda["counts"] == {"pending": 0, "overdue": 1, "done": 1, "done_late": 0}
        meeting_followup_done(actor=mt.handler_a, item=AgendaItem.objects.get(pk=second.pk),
                              data={"note": "已与信访人达成和解。"})
        assert followup_state(AgendaItem.objects.get(pk=second.pk)) == "done_late"
        with pytest.raises(ValidationFailed):
            followups_for(user=mt.handler_a, state="lost")
    assert "超期办结" in Event.objects.filter(case=late, action="meeting_followup_done").get().payload["due_date"]


def test_who_sees_meetings_and_agenda_items(mt):
    meeting = convene(mt)                                  # 甲街道 and 住建局 attend
    mine, other = hard_case(mt), None
    with clock.frozen(dt.date(2026, 1, 5)):
        from xinfang.petitions.tests.builders import act
        other = register(mt)
        act(other, mt.registrar, "assign", unit_id=mt.street_b.pk)
    on_agenda(mt, meeting, mine)
    on_agenda(mt, meeting, other)
    assert list(meetings_visible_to(user=mt.handler_a)) == [meeting]
    assert not meetings_visible_to(user=mt.handler_b).exists()             # 乙街道 neither attends nor follows up
    assert not meetings_visible_to(user=mt.court_registrar).exists()
    agenda = meeting_agenda_for(user=mt.handler_a, meeting=meeting)
    assert [r["item"].case for r in agenda["rows"]] == [mine] and agenda["hidden"] == 1
    decide(mt, meeting, other, followup_unit_id=mt.street_b.pk)
    assert list(meetings_visible_to(user=mt.handler_b)) == [meeting]       # now it has a follow-up there
    assert [r["item"].case for r in case_meetings_for(user=mt.handler_b, case=other)] == [other]


def test_minutes_are_generated_stored_and_say_what_was_decided(mt, settings, tmp_path):
    meeting = convene(mt)
    case = hard_case(mt)
    on_agenda(mt, meeting, case)
    with clock.frozen(DAY - dt.timedelta(days=1)), pytest.raises(GuardFailed, match="尚未召开"):
        meeting_minutes_generate(actor=mt.supervisor, meeting=meeting)
    decide(mt, meeting, case)
    with clock.frozen(DAY):
        meeting = meeting_minutes_generate(actor=mt.supervisor, meeting=meeting)
    assert meeting.minutes_docx.name.endswith(".docx") and meeting.minutes_pdf.name.endswith(".pdf")
    with meeting.minutes_pdf.open("rb") as f:
        assert f.read(4) == b"%PDF"
    with meeting.minutes_docx.open("rb") as f:
        text = "\n".join(p.text for p in DocxDocument(io.BytesIO(f.read())).paragraphs)
    assert "幸福里小区物业纠纷等疑难信访事项联席会议纪要" in text and "2026年第1期" in text
    assert f"一、关于{case.number}" in text and "由示范区住建局负责落实，于2026年3月31日前办结" in text
    assert "测试人" not in text                                              # no petitioner in the minutes
    with clock.frozen(DAY), pytest.raises(Forbidden):
        meeting_minutes_generate(actor=mt.handler_a, meeting=meeting)

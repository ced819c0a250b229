"""The meeting pages: convene (errors beside the fields), the meeting page (agenda, decision,
removal, minutes and their downloads), the 会议交办事项 page, the case page's section."""
import datetime as dt

from xinfang.core import clock

from ..models import AgendaItem, Meeting
from .builders import DAY, DUE, convene, decide, hard_case, on_agenda


def test_convene_page_shows_errors_then_creates(client, mt):
    client.force_login(mt.supervisor)
    with clock.frozen(DAY - dt.timedelta(days=5)):
        assert "召集联席会议" in client.get("/meetings/new/").content.decode()
        bad = client.post("/meetings/new/", {"kind": "joint", "date": DAY.isoformat(), "place": "会议室",
                                             "topic": "疑难信访事项", "chair_id": mt.supervisor.pk})
        assert bad.status_code == 422 and "参会单位为必填项" in bad.content.decode() and not Meeting.objects.exists()
        ok = client.post("/meetings/new/", {"kind": "consult", "date": DAY.isoformat(), "place": "区信访局会商室",
                                            "topic": "疑难信访事项", "chair_id": mt.supervisor.pk,
                                            "attending_unit_ids": [mt.street_a.pk, mt.housing.pk]})
        meeting = Meeting.objects.get()
        assert ok.status_code == 302 and ok["Location"] == f"/meetings/{meeting.pk}/"
        client.force_login(mt.handler_a)
        assert client.get("/meetings/new/").status_code == 403


def test_meeting_page_agenda_decision_minutes(client, mt):
    meeting = convene(mt)
    cases = [hard_case(mt) for _ in range(2)]
    client.force_login(mt.supervisor)
    with clock.frozen(DAY - dt.timedelta(days=1)):
        r = client.post(f"/meetings/{meeting.pk}/agenda/", {"number": cases[0].number, "note": "电梯停运半年"}, follow=True)
        assert f"已将 {cases[0].number} 列入议题" in r.content.decode()
        client.post(f"/meetings/{meeting.pk}/agenda/", {"number": cases[1].number})
        r = client.post(f"/meetings/{meeting.pk}/agenda/", {"number": "XF-NONE"}, follow=True)
        assert "未找到编号为 XF-NONE 的案件" in r.content.decode()
        page = client.get(f"/meetings/{meeting.pk}/").content.decode()
        assert "电梯停运半年" in page and "记录会议决定" not in page and 'id="agenda-add"' in page
        client.post(f"/meetings/{meeting.pk}/agenda/{cases[1].number}/remove/", {"reason": "已通过诉讼解决"})
    with clock.frozen(DAY):
        r = client.post(f"/meetings/{meeting.pk}/agenda/{cases[0].number}/decision/", {
            "decision": "督促物业公司限期维修", "followup_unit_id": mt.housing.pk, "followup_due": "2026-03-01"},
            follow=True)
        assert "办结期限不能早于会议日期" in r.content.decode()
        r = client.post(f"/meetings/{meeting.pk}/agenda/{cases[0].number}/decision/", {
            "decision": "督促物业公司限期维修", "followup_unit_id": mt.housing.pk, "followup_due": DUE.isoformat()},
            follow=True)
        page = r.content.decode()
        assert "已记录" in page and "督促物业公司限期维修" in page and "办理中" in page
        assert cases[1].number not in page.split('id="agenda"')[1]
        r = client.post(f"/meetings/{meeting.pk}/minutes/", follow=True)
        assert "已生成会议纪要" in r.content.decode()
        docx = client.get(f"/meetings/{meeting.pk}/minutes.docx")
        assert docx.status_code == 200 and "attachment" in docx["Content-Disposition"]
        assert b"".join(client.get(f"/meetings/{meeting.pk}/minutes.pdf").streaming_content).startswith(b"%PDF")
        assert client.get(f"/meetings/{meeting.pk}/minutes.txt").status_code == 404
    client.force_login(mt.court_registrar)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404


def test_followups_page_and_case_section(client, mt):
    meeting = convene(mt)
    case = hard_case(mt)
    quiet = hard_case(mt)
    on_agenda(mt, meeting, case)
    item = decide(mt, meeting, case)
    client.force_login(mt.handler_h)
    with clock.frozen(DUE + dt.timedelta(days=2)):
        page = client.get("/meetings/followups/").content.decode()
        assert case.number in page and "已超期" in page
        assert client.get("/meetings/followups/", {"state": "x"}).status_code == 422
        fragment = client.get(f"/meetings/case/{case.number}/", HTTP_HX_REQUEST="true").content.decode()
        assert "<html" not in fragment and "联席会议" in fragment and "报告交办事项办结" in fragment
        r = client.post(f"/meetings/followups/{item.pk}/done/", {"note": "已完成维修", "next": "followups"})
        assert r.status_code == 302 and r["Location"] == "/meetings/followups/"
        assert AgendaItem.objects.get(pk=item.pk).done_note == "已完成维修"
        assert "超期办结" in client.get("/meetings/followups/", {"state": "done_late"}).content.decode()
        # The case page lists the section for a discussed case only.
        assert f"/meetings/case/{case.number}/" in client.get(f"/cases/{case.number}/").content.decode()
        client.force_login(mt.supervisor)
        assert f"/meetings/case/{quiet.number}/" not in client.get(f"/cases/{quiet.number}/").content.decode()
        client.force_login(mt.handler_b)
        assert client.get(f"/meetings/case/{case.number}/").status_code == 404
        assert client.post(f"/meetings/followups/{item.pk}/done/", {"note": "x"}).status_code == 404

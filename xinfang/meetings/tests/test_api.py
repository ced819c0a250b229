"""The meeting API: every response as the OpenAPI schema documents it; the walk from
convening to minutes; errors in the one shape; scope."""
import datetime as dt

import pytest

from xinfang.api.tests.conftest import assert_documented
from xinfang.core import clock

from .builders import DAY, DUE, hard_case, meeting_data


@pytest.fixture
def call(api_call):
    return api_call


def test_convene_agenda_decide_done_minutes(mt, call):
    case = hard_case(mt)
    with clock.frozen(DAY - dt.timedelta(days=2)):
        r = call(mt.supervisor, "post", "/api/v1/meetings", meeting_data(mt))
        meeting = assert_documented(r, "post", "/api/v1/meetings")
        assert r.status_code == 201 and meeting["number"] == "2026年第1期" and meeting["kind_label"] == "联席会议"
        base = f"/api/v1/meetings/{meeting['id']}"
        r = call(mt.supervisor, "post", f"{base}/agenda", {"number": case.number, "note": "电梯问题"})
        assert assert_documented(r, "post", "/api/v1/meetings/{meeting_id}/agenda")["agenda"][0]["state"] == ""
        again = call(mt.supervisor, "post", f"{base}/agenda", {"number": case.number})
        assert again.status_code == 422 and again.json()["code"] == "guard_failed"
        early = call(mt.supervisor, "post", f"{base}/agenda/{case.number}/decision", {
            "decision": "督促维修", "followup_unit_id": mt.housing.pk, "followup_due": DUE.isoformat()})
        assert early.status_code == 422 and "尚不能记录" in early.json()["message"]
    with clock.frozen(DAY):
        r = call(mt.supervisor, "post", f"{base}/agenda/{case.number}/decision", {
            "decision": "督促维修", "followup_unit_id": mt.housing.pk, "followup_due": DUE.isoformat()})
        item = assert_documented(r, "post", "/api/v1/meetings/{meeting_id}/agenda/{number}/decision")
        assert item["state"] == "pending" and item["followup_unit"]["name"] == "示范区住建局"
        r = call(mt.supervisor, "post", f"{base}/minutes")
        assert assert_documented(r, "post", "/api/v1/meetings/{meeting_id}/minutes")["minutes_pdf"].endswith(".pdf")
        assert call(mt.supervisor, "get", f"{base}/minutes.docx").status_code == 200
        assert call(mt.supervisor, "get", f"{base}/minutes.odt").status_code == 422
    with clock.frozen(DUE + dt.timedelta(days=1)):
        r = call(mt.handler_h, "get", "/api/v1/meetings/followups", state="overdue")
        assert [i["number"] for i in assert_documented(r, "get", "/api/v1/meetings/followups")] == [case.number]
        r = call(mt.handler_h, "post", f"/api/v1/meetings/followups/{item['id']}/done", {"note": "已修复"})
        assert assert_documented(r, "post", "/api/v1/meetings/followups/{item_id}/done")["state"] == "done_late"
        r = call(mt.handler_h, "get", f"/api/v1/meetings/by-case/{case.number}")
        assert assert_documented(r, "get", "/api/v1/meetings/by-case/{number}")[0]["item"]["done_note"] == "已修复"
        r = call(mt.handler_a, "get", base)
        assert assert_documented(r, "get", "/api/v1/meetings/{meeting_id}")["agenda"][0]["number"] == case.number
        r = call(mt.handler_a, "get", "/api/v1/meetings")
        assert len(assert_documented(r, "get", "/api/v1/meetings")) == 1


def test_errors_and_scope(mt, call):
    with clock.frozen(DAY - dt.timedelta(days=2)):
        r = call(mt.supervisor, "post", "/api/v1/meetings", meeting_data(mt, attending_unit_ids=[]))
        assert r.status_code == 422 and r.json()["field"] == "attending_unit_ids"
        assert call(mt.handler_a, "post", "/api/v1/meetings", meeting_data(mt)).status_code == 403
        meeting = call(mt.supervisor, "post", "/api/v1/meetings", meeting_data(mt)).json()
        assert call(mt.court_registrar, "get", f"/api/v1/meetings/{meeting['id']}").status_code == 404
        assert call(mt.supervisor, "get", "/api/v1/meetings/followups", state="x").status_code == 422
        assert call(mt.supervisor, "post", "/api/v1/meetings/followups/99999/done", {"note": "完成了"}).status_code == 404
        r = call(mt.supervisor, "post", f"/api/v1/meetings/{meeting['id']}/agenda", {"number": "XF-NONE"})
        assert r.status_code == 404 and r.json()["code"] == "not_found"

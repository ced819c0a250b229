"""The emergency pages: list with filters and its xlsx, registration and its errors, the
report form (prefilled with the current figures, errors beside the field), 签收, the report
history section of the case page, the overdue fragment, the statistics; scope everywhere."""
import io

import pytest
from openpyxl import load_workbook

from xinfang.core import clock
from xinfang.core.models import Case

from ..export import columns
from ..models import EmergencyReport
from .builders import BASE_AT, at, build_at


@pytest.fixture
def now_later():
    with clock.frozen(at(hours=3)):
        yield


def test_list_filters_and_keeps_to_scope(client, em, now_later):
    fire = build_at(em, "reported")
    traffic = build_at(em, "learned", title="西湖路交通事故", event_type="traffic")
    client.force_login(em.supervisor)
    page = client.get("/emergencies/").content.decode()
    assert fire.number in page and traffic.number in page and "导出台账（Excel）" in page
    assert "超时未报" in page
    only = client.get("/emergencies/", {"type": "traffic"}).content.decode()
    assert traffic.number in only and fire.number not in only
    overdue = client.get("/emergencies/", {"overdue": "1"}).content.decode()
    assert traffic.number in overdue and fire.number not in overdue
    bad = client.get("/emergencies/", {"grade": "huge", "from": "昨天"}).content.decode()
    assert "「事件等级」的取值无效" in bad and "不是有效日期" in bad
    client.force_login(em.handler_b)
    assert fire.number not in client.get("/emergencies/").content.decode()


def test_export_is_the_ledger_of_events_with_their_figures(client, em, now_later):
    closed = build_at(em, "closed")
    build_at(em, "learned", event_type="traffic")
    client.force_login(em.supervisor)
    r = client.get("/emergencies/export/", {"open": "0"})
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    headers = [c.value for c in ws[3]]
    assert headers == [c[0] for c in columns(clock.now())]
    row = {h: c.value for h, c in zip(headers, ws[4])}
    assert ws.max_row == 4 and row["事件编号"] == closed.number and row["状态"] == "已终报"
    assert row["首报情况"] == "按时" and row["报告次数"] == 3 and row["受伤（人）"] == 1
    assert row["紧急转移安置（人）"] == 40 and row["发生地"] == "一社区"
    overdue = load_workbook(io.BytesIO(client.get("/emergencies/export/", {"overdue": "1"}).content)).active
    assert overdue["P4"].value == "超时未报"
    assert client.get("/emergencies/export/", {"grade": "huge"}).status_code == 422


def test_register_page_creates_and_goes_to_the_first_report(client, em):
    client.force_login(em.handler_a)
    with clock.frozen(BASE_AT):
        form = client.get("/emergencies/new/").content.decode()
        assert "一社区" in form and "乙街道" not in form      # only places in the unit's area
        bad = client.post("/emergencies/new/", {"title": "厂房火灾", "description": "二楼起火，暂无伤亡。",
                                                "event_type": "fire", "grade": "ordinary",
                                                "occurred_at": "2026-03-02T08:40", "place_unit_id": str(em.community.pk),
                                                "site": ""})
        assert bad.status_code == 422 and "具体地点" in bad.content.decode() and not Case.objects.exists()
        assert "厂房火灾" in bad.content.decode()                        # what was typed stays
        ok = client.post("/emergencies/new/", {"title": "厂房火灾", "description": "二楼起火，暂无伤亡。",
                                               "event_type": "fire", "grade": "ordinary",
                                               "occurred_at": "2026-03-02T08:40", "learned_at": "2026-03-02T08:50",
                                               "place_unit_id": str(em.community.pk), "site": "工业园3号厂房"})
    case = Case.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/emergencies/{case.number}/report/first/"
    client.force_login(em.court_registrar)
    assert "一社区" not in client.get("/emergencies/new/").content.decode()
    client.force_login(em.user("admin_only", em.street_a, "admin"))
    assert client.get("/emergencies/new/").status_code == 403


def test_report_form_prefills_the_figures_and_shows_errors_beside_the_field(client, em):
    case = build_at(em, "reported")
    client.force_login(em.handler_a)
    with clock.frozen(at(40)):
        form = client.get(f"/emergencies/{case.number}/report/followup/").content.decode()
        assert 'name="injured" value="1"' in form and "报送续报" in form
        bad = client.post(f"/emergencies/{case.number}/report/followup/",
                          {"version": case.version, "text": "火势得到控制。", "signer": "张伟", "injured": "-1"})
        assert bad.status_code == 422 and "受伤（人）不能小于 0" in bad.content.decode()
        assert EmergencyReport.objects.filter(case=case).count() == 1
        ok = client.post(f"/emergencies/{case.number}/report/followup/",
                         {"version": case.version, "text": "火势得到控制。", "signer": "张伟", "injured": "3",
                          "deaths": "", "economic_loss": "5"})
    assert ok.status_code == 302 and ok["Location"] == f"/cases/{case.number}/"
    latest = EmergencyReport.objects.filter(case=case).latest("seq")
    assert (latest.kind, latest.injured, str(latest.economic_loss)) == ("followup", 3, "5.00")
    # A report the state does not allow is not offered.
    r = client.get(f"/emergencies/{case.number}/report/final/")
    assert r.status_code == 302
    assert client.get(f"/emergencies/{case.number}/report/gossip/").status_code == 404
    client.force_login(em.handler_b)
    assert client.get(f"/emergencies/{case.number}/report/followup/").status_code == 404


def test_late_first_report_asks_for_the_reason_on_the_form(client, em):
    case = build_at(em, "learned")
    client.force_login(em.handler_a)
    with clock.frozen(at(hours=4)):
        form = client.get(f"/emergencies/{case.number}/report/first/").content.decode()
        assert "已超过首报时限" in form
        r = client.post(f"/emergencies/{case.number}/report/first/",
                        {"version": case.version, "text": "街道已组织处置。", "signer": "张伟"})
    assert r.status_code == 422 and "请填写迟报原因" in r.content.decode()


def test_reports_section_and_acknowledge(client, em):
    case = build_at(em, "reported")
    client.force_login(em.district_officer)
    fragment = client.get(f"/emergencies/{case.number}/reports/", HTTP_HX_REQUEST="true").content.decode()
    assert "第1次 · 首报" in fragment and "签收报告" in fragment and "上级尚未签收" in fragment
    assert "<html" not in fragment
    full = client.get(f"/emergencies/{case.number}/reports/").content.decode()
    assert "<html" in full and "突发事件情况" in full
    with clock.frozen(at(30)):
        r = client.post(f"/emergencies/{case.number}/acknowledge/", {"version": case.version})
    assert r.status_code == 302
    fragment = client.get(f"/emergencies/{case.number}/reports/", HTTP_HX_REQUEST="true").content.decode()
    assert "示范区 district_officer" in fragment and "签收报告" not in fragment
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f"/emergencies/{case.number}/reports/" in page
    client.force_login(em.handler_b)
    assert client.get(f"/emergencies/{case.number}/reports/").status_code == 404
    assert client.get(f"/emergencies/{case.number}/facts/").status_code == 404


def test_facts_page_shows_the_event_and_its_first_report_standing(client, em):
    case = build_at(em, "learned")
    client.force_login(em.handler_a)
    with clock.frozen(at(30)):
        page = client.get(f"/emergencies/{case.number}/facts/").content.decode()
    assert "待首报，剩余 1小时30分" in page and "工业园3号厂房" in page and "2 小时" in page


def test_overdue_fragment_for_supervision(client, em):
    waiting = build_at(em, "learned")
    build_at(em, "reported")
    client.force_login(em.supervisor)
    with clock.frozen(at(hours=1)):
        assert "没有超过首报时限" in client.get("/emergencies/overdue/", HTTP_HX_REQUEST="true").content.decode()
    with clock.frozen(at(hours=2, minutes=45)):
        fragment = client.get("/emergencies/overdue/", HTTP_HX_REQUEST="true").content.decode()
        full = client.get("/emergencies/overdue/").content.decode()
    assert waiting.number in fragment and "45分钟" in fragment and "<html" not in fragment
    assert "<html" in full and waiting.number in full
    client.force_login(em.handler_b)
    with clock.frozen(at(hours=3)):
        assert waiting.number not in client.get("/emergencies/overdue/").content.decode()


def test_stats_page(client, em):
    build_at(em, "closed")
    build_at(em, "reported", event_type="flood", grade="large")
    client.force_login(em.supervisor)
    with clock.frozen(at(hours=1)):
        page = client.get("/emergencies/stats/", {"from": "2026-03-01", "to": "2026-03-31"}).content.decode()
        bad = client.get("/emergencies/stats/", {"from": "2026-04-01", "to": "2026-03-01"})
    assert "共 2 起" in page and "洪涝灾害" in page and "火灾" in page
    assert bad.status_code == 422 and "结束日期早于开始日期" in bad.content.decode()


def test_the_case_page_shows_the_facts_once(client, em):
    """The case page shows the event's facts (web/case_sections.py KIND_FACTS) and the report
    section beside them does not repeat them."""
    case = build_at(em, "reported")
    client.force_login(em.handler_a)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert page.count("突发事件情况") == 1 and "工业园3号厂房" in page and "受伤（人）" in page
    section = client.get(f"/emergencies/{case.number}/reports/", HTTP_HX_REQUEST="true").content.decode()
    assert "突发事件情况" not in section and case.number in client.get(f"/emergencies/{case.number}/reports/").content.decode()

"""The hazard pages: ledger with filters and its xlsx, registration (with photos and errors),
the facts fragment (full page without htmx), inspections, statistics; scope everywhere."""
import datetime as dt
import io

import pytest
from django.template.loader import render_to_string
from openpyxl import load_workbook

from xinfang.core import clock
from xinfang.core.models import Case

from ..export import COLUMNS
from ..selectors import hazard_facts_for
from .builders import BASE_DAY, PNG, build_on, hazard_data


@pytest.fixture
def now_day():
    with clock.frozen(BASE_DAY):
        yield


def test_ledger_lists_filters_and_keeps_to_scope(client, hz, now_day):
    ordinary = build_on(hz, "rectifying")
    major = build_on(hz, "governing", enterprise_name="东山冷链仓储有限公司")
    client.force_login(hz.inspector_a)
    page = client.get("/hazards/").content.decode()
    assert ordinary.number in page and major.number in page and "导出台账（Excel）" in page
    only_major = client.get("/hazards/", {"grade": "major"}).content.decode()
    assert major.number in only_major and ordinary.number not in only_major
    by_name = client.get("/hazards/", {"q": "冷链"}).content.decode()
    assert major.number in by_name and ordinary.number not in by_name
    bad = client.get("/hazards/", {"grade": "huge", "from": "昨天"}).content.decode()
    assert "「隐患等级」的取值无效" in bad and "不是有效日期" in bad
    client.force_login(hz.inspector_b)
    assert ordinary.number not in client.get("/hazards/").content.decode()


def test_ledger_export_is_a_workbook_in_the_fields_of_the_field(client, hz, now_day):
    case = build_on(hz, "closed")
    build_on(hz, "governing")
    client.force_login(hz.supervisor)
    r = client.get("/hazards/export/", {"open": "0"})
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    headers = [c.value for c in ws[3]]
    assert headers == [c[0] for c in COLUMNS]
    for wanted in ("隐患编号", "发现时间", "隐患地点", "隐患描述", "隐患类别", "隐患等级", "发现人", "整改责任人",
                   "整改措施", "整改资金（元）", "整改期限", "临时管控措施", "整改完成日期", "验收/审查人员",
                   "验收/审查日期", "验收/审查结果", "是否销号"):
        assert wanted in headers
    row = {h: c.value for h, c in zip(headers, ws[4])}
    assert ws.max_row == 4 and row["隐患编号"] == case.number and row["是否销号"] == "是"
    assert row["验收/审查结果"] == "整改验收合格" and row["整改责任人"] == "王师傅"
    assert row["销号日期"] == dt.datetime(2026, 3, 2)
    assert client.get("/hazards/export/", {"grade": "huge"}).status_code == 422


def test_register_page_creates_with_a_photo_and_shows_errors(client, hz, now_day):
    client.force_login(hz.inspector_a)
    form = client.get("/hazards/new/").content.decode()
    assert 'name="photos"' in form and "<label" in form and "三违" in form
    data = hazard_data(**{"v0-kind": "violating_operation", "v0-description": "带电作业"})
    photo = io.BytesIO(PNG)
    photo.name = "现场.png"
    r = client.post("/hazards/new/", {**data, "photos": photo})
    assert r.status_code == 302
    case = Case.objects.get(kind="hazard")
    assert r["Location"] == f"/cases/{case.number}/"
    assert case.attachments.count() == 1 and case.hazard_violations.get().kind == "violating_operation"
    bad = client.post("/hazards/new/", hazard_data(credit_code="123", title="配电箱问题"))
    assert bad.status_code == 422
    body = bad.content.decode()
    assert "统一社会信用代码应为18位" in body and 'value="配电箱问题"' in body
    assert Case.objects.count() == 1
    client.force_login(hz.handler_a)
    assert client.get("/hazards/new/").status_code == 403


def test_facts_fragment_and_full_page(client, hz, now_day):
    case = build_on(hz, "review_pending")
    client.force_login(hz.supervisor)
    fragment = client.get(f"/hazards/{case.number}/facts/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "五落实" in fragment and "350000 元" in fragment
    assert "复产申请现场审查" in fragment and "示安督〔2026〕1号" in fragment
    page = client.get(f"/hazards/{case.number}/facts/").content.decode()
    assert "<html" in page and "五落实" in page
    client.force_login(hz.inspector_b)
    assert client.get(f"/hazards/{case.number}/facts/").status_code == 404


def test_facts_template_renders_for_the_case_page(hz, now_day):
    case = build_on(hz, "closed", grade="major")
    html = render_to_string("hazards/_case_facts.html", {"case": case, "user": hz.supervisor,
                                                          **hazard_facts_for(user=hz.supervisor, case=case)})
    assert "重大隐患" in html and "复产现场审查" in html and "合格" in html


def test_inspections_create_list_and_detail(client, hz, now_day):
    client.force_login(hz.inspector_a)
    bad = client.post("/hazards/inspections/", {"name": "春检", "start_date": "2026-03-01", "end_date": "2026-02-01",
                                                 "scope_unit_ids": [hz.street_a.pk]})
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.content.decode()
    r = client.post("/hazards/inspections/", {"name": "春季安全生产大检查", "start_date": "2026-03-01",
                                               "end_date": "2026-03-31", "scope_unit_ids": [hz.street_a.pk]})
    assert r.status_code == 302
    pk = int(r["Location"].rstrip("/").rsplit("/", 1)[1])
    build_on(hz, "registered", inspection_id=pk)
    detail = client.get(f"/hazards/inspections/{pk}/").content.decode()
    assert "春季安全生产大检查" in detail and "发现隐患</dt><dd>1 项" in detail
    assert "春季安全生产大检查" in client.get("/hazards/inspections/").content.decode()
    client.force_login(hz.inspector_b)
    assert client.get(f"/hazards/inspections/{pk}/").status_code == 404
    client.force_login(hz.handler_a)
    assert client.post("/hazards/inspections/", {"name": "x"}).status_code == 403


def test_stats_page(client, hz, now_day):
    build_on(hz, "closed")
    build_on(hz, "governing")
    client.force_login(hz.supervisor)
    page = client.get("/hazards/stats/", {"year": 2026, "quarter": 1, "by": "industry"}).content.decode()
    assert "2026年第1季度" in page and "工贸企业" in page and "未销号隐患账龄" in page
    bad = client.get("/hazards/stats/", {"quarter": 9, "by": "people"})
    assert bad.status_code == 422 and "季度必须是 1 至 4" in bad.content.decode()


def test_pages_need_a_login(client):
    for url in ("/hazards/", "/hazards/new/", "/hazards/stats/", "/hazards/inspections/", "/hazards/export/"):
        assert client.get(url).status_code == 302

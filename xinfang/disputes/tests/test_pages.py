"""The dispute pages: ledger list and xlsx, registration, facts fragment, petition links,
screening, level counts — as a user would see them."""
import datetime as dt
import io

import pytest
from django.template.loader import render_to_string
from django.test import Client
from openpyxl import load_workbook

from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.disputes.models import ScreeningReport
from xinfang.disputes.selectors import dispute_facts_for
from xinfang.petitions.tests.builders import act as petition_act
from xinfang.petitions.tests.builders import register as petition_register

from .builders import BASE_DAY, build, mediators, register

HX = {"HTTP_HX_REQUEST": "true"}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def on_base_day():
    with clock.frozen(BASE_DAY):
        yield


def test_registration_page_registers_and_shows_errors_next_to_the_field(tree, on_base_day):
    mediators(tree)
    client = login(tree.mediator_c)
    page = client.get("/disputes/new/")
    assert page.status_code == 200 and "登记矛盾纠纷" in page.content.decode()
    post = {"title": "宅基地边界纠纷", "content": "两户因宅基地边界围墙发生争执。", "dispute_type": "land",
            "person_count": "2", "p0-kind": "person", "p0-side": "applicant", "p0-name": "张三", "p0-phone": "13800000000",
            "p1-kind": "person", "p1-side": "respondent", "p1-name": "李四", "p1-phone": "12"}
    bad = client.post("/disputes/new/", post)
    assert bad.status_code == 422 and "电话号码格式不正确" in bad.content.decode()
    assert not Case.objects.filter(kind="dispute").exists()
    post["p1-phone"] = "13900000000"
    good = client.post("/disputes/new/", post)
    case = Case.objects.get(kind="dispute")
    assert good.status_code == 302 and good["Location"] == f"/cases/{case.number}/"
    assert case.dispute_parties.count() == 2
    assert login(tree.reviewer_a).get("/disputes/new/").status_code == 404


def test_facts_fragment_and_page(tree, on_base_day):
    case = build(tree, "agreed")
    client = login(tree.mediator_c)
    fragment = client.get(f"/disputes/{case.number}/facts/", **HX).content.decode()
    assert "<html" not in fragment and "纠纷情况" in fragment
    assert "书面调解协议书" in fragment and "司法确认" in fragment and "138****" in fragment
    page = client.get(f"/disputes/{case.number}/facts/").content.decode()
    assert "<html" in page and case.number in page
    assert login(tree.handler_b).get(f"/disputes/{case.number}/facts/").status_code == 404
    # The lead includes the fragment in web:case with render_to_string-like context.
    html = render_to_string("disputes/_case_facts.html",
                            {"case": case, "user": tree.mediator_c, **dispute_facts_for(user=tree.mediator_c, case=case)})
    assert "张调解" in html


def test_generic_case_page_takes_the_dispute_actions(tree, on_base_day):
    case = build(tree, "mediating")
    client = login(tree.mediator_c)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "记录调解过程" in page and "达成调解协议" not in page        # no agreement before a session
    r = client.post(f"/cases/{case.number}/act/record_session/", {
        "version": case.version, "held_on": "2026-03-02", "place": "调解室", "participants": "双方",
        "record": "双方同意协商"})
    assert r.status_code == 302
    assert "达成调解协议" in client.get(f"/cases/{case.number}/").content.decode()


def test_petition_links_fragment_offers_the_conversion(tree, on_base_day):
    mediators(tree)
    petition = petition_register(tree, actor=tree.registrar_sub_a)
    petition_act(petition, tree.registrar_sub_a, "assign", unit_id=tree.community.pk)
    client = login(tree.mediator_c)
    fragment = client.get(f"/disputes/petition/{petition.number}/links/", **HX).content.decode()
    assert "尚未关联" in fragment and "转为矛盾纠纷调解" in fragment
    form = client.get(f"/disputes/from-petition/{petition.number}/")
    assert form.status_code == 200
    assert client.post(f"/disputes/from-petition/{petition.number}/", {}).status_code == 422
    r = client.post(f"/disputes/from-petition/{petition.number}/", {"dispute_type": "property"})
    dispute = Case.objects.get(kind="dispute")
    assert r.status_code == 302 and dispute.petition_links.get().petition == petition
    fragment = client.get(f"/disputes/petition/{petition.number}/links/", **HX).content.decode()
    assert dispute.number in fragment


def test_ledger_page_filters_and_exports(tree, on_base_day):
    mediators(tree)
    neighbour = build(tree, "agreed")
    labour = register(tree, dispute_type="labour", title="拖欠工资纠纷")
    client = login(tree.mediator_c)
    page = client.get("/disputes/").content.decode()
    assert neighbour.number in page and labour.number in page
    page = client.get("/disputes/?type=labour").content.decode()
    assert labour.number in page and neighbour.number not in page
    assert "不是有效日期" in client.get("/disputes/?from=2026-13-01").content.decode()
    r = client.get("/disputes/ledger.xlsx?type=neighbour")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    headers = [c.value for c in ws[3]]
    assert headers[:6] == ["序号", "编号", "排查发现日期", "纠纷类型", "纠纷名称", "纠纷简要情况"]
    for column in ("当事人", "调解员", "调处状态", "协议签订日期", "履行期限", "司法确认", "化解层级", "激化风险"):
        assert column in headers
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert len(rows) == 1 and rows[0][1] == neighbour.number
    row = dict(zip(headers, rows[0]))
    assert row["纠纷类型"] == "邻里纠纷" and row["调解员"] == "张调解、李调解" and row["化解层级"] == "社区/村"
    assert "138" not in str(row["当事人"])                       # names only, never contacts


def test_screening_page_files_a_report_and_shows_overdue(tree):
    mediators(tree)
    client = login(tree.mediator_c)
    with clock.frozen(dt.date(2026, 3, 10)):
        page = client.get("/disputes/screening/").content.decode()
        assert "逾期未报" in page and "一社区" in page
        bad = client.post("/disputes/screening/file/", {"unit_id": tree.community.pk, "period_start": "2026-03-02"})
        assert bad.status_code == 422 and "未发现矛盾纠纷" in bad.content.decode()
        r = client.post("/disputes/screening/file/", {"unit_id": tree.community.pk, "period_start": "2026-03-02",
                                                       "none_found": "on"})
        report = ScreeningReport.objects.get()
        assert r.status_code == 302 and r["Location"] == f"/disputes/screening/{report.pk}/"
        detail = client.get(r["Location"]).content.decode()
        assert "本期未发现矛盾纠纷" in detail and "迟报" in detail
        assert login(tree.handler_b).get(r["Location"]).status_code == 404


def test_levels_page(tree, on_base_day):
    build(tree, "resolved")
    page = login(tree.leader).get("/disputes/levels/?from=2026-03-01&to=2026-03-31").content.decode()
    assert "小事不出村" in page and "100.0%" in page

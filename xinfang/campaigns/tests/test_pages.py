"""The campaign pages: list, create (errors beside the fields), the campaign page with its
targets, by-unit table and ledger, enrolment (one, bulk after a preview), withdrawal, the
ledger and report files (opened and checked), the case page's section; scope everywhere."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from xinfang.core import clock
from xinfang.core.models import Event

from ..models import Campaign, Enrolment
from ..report import LEDGER_COLUMNS
from .builders import DURING, START, answer_and_close, backlog, create


@pytest.fixture
def during():
    with clock.frozen(DURING):
        yield


def _form(**overrides) -> dict:
    data = {"name": "信访积案化解百日攻坚", "type": "hundred_days", "start_date": START.isoformat(),
            "end_date": "2026-06-09", "kinds": ["petition"], "t0-measure": "closed", "t0-number": "5",
            "t1-measure": "", "t1-number": ""}
    data.update(overrides)
    return data


def test_create_page_shows_errors_beside_fields_then_creates(client, cp, during):
    client.force_login(cp.supervisor)
    page = client.get("/campaigns/new/")
    assert page.status_code == 200 and "组织专项行动" in page.content.decode()
    bad = client.post("/campaigns/new/", _form(end_date="2026-01-01", **{"t0-number": ""}))
    assert bad.status_code == 422 and not Campaign.objects.exists()
    text = bad.content.decode()
    assert "结束日期不能早于开始日期" in text or "目标数为必填项" in text
    wrong_kind = client.post("/campaigns/new/", _form(**{"t1-measure": "hazards_found", "t1-number": "3"}))
    assert wrong_kind.status_code == 422 and "请在案件类别中包含安全隐患" in wrong_kind.content.decode()
    assert 'value="信访积案化解百日攻坚"' in wrong_kind.content.decode()          # what was typed stays
    ok = client.post("/campaigns/new/", _form())
    campaign = Campaign.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/campaigns/{campaign.pk}/"
    client.force_login(cp.handler_a)
    assert client.get("/campaigns/new/").status_code == 403


def test_campaign_page_enrol_bulk_withdraw_and_scope(client, cp):
    campaign = create(cp)
    cases = [backlog(cp) for _ in range(3)]
    client.force_login(cp.supervisor)
    with clock.frozen(DURING):
        page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
        assert "目标完成情况" in page and "<strong>0</strong> / 4 件" in page and "列入案件" in page
        r = client.post(f"/campaigns/{campaign.pk}/enrol/", {"number": cases[0].number}, follow=True)
        assert f"已将 {cases[0].number} 列入专项行动" in r.content.decode()
        r = client.post(f"/campaigns/{campaign.pk}/enrol/", {"number": "XF-NONE"}, follow=True)
        assert "未找到编号为 XF-NONE 的案件" in r.content.decode()
        preview = client.get(f"/campaigns/{campaign.pk}/bulk/", {"rule": "backlog"}).content.decode()
        assert 'id="bulk-count">2<' in preview and cases[1].number in preview
        stale = client.post(f"/campaigns/{campaign.pk}/bulk/", {"rule": "backlog", "expected": "5"}, follow=True)
        assert "请重新预览后确认" in stale.content.decode() and Enrolment.objects.count() == 1
        done = client.post(f"/campaigns/{campaign.pk}/bulk/", {"rule": "backlog", "expected": "2"}, follow=True)
        assert "列入 2 件" in done.content.decode() and Enrolment.objects.count() == 3
        assert client.get(f"/campaigns/{campaign.pk}/bulk/", {"rule": "nonsense"}).status_code == 422
        r = client.post(f"/campaigns/{campaign.pk}/withdraw/{cases[2].number}/", {"reason": ""}, follow=True)
        assert "请填写退出理由" in r.content.decode()
        client.post(f"/campaigns/{campaign.pk}/withdraw/{cases[2].number}/", {"reason": "已并入其他事项"})
        ledger = client.get(f"/campaigns/{campaign.pk}/").content.decode().split('id="campaign-ledger"')[1]
        assert cases[0].number in ledger and cases[2].number not in ledger
        withdrawn = client.get(f"/campaigns/{campaign.pk}/", {"state": "withdrawn"}).content.decode()
        assert cases[2].number in withdrawn and "已并入其他事项" in withdrawn
        assert "「办理情况」的取值无效" in client.get(f"/campaigns/{campaign.pk}/", {"state": "x"}).content.decode()
        # 乙街道's handler sees the campaign (it covers their unit) but none of 甲街道's cases.
        client.force_login(cp.handler_b)
        page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
        assert cases[0].number not in page and "列入案件" in page and 'id="enrol-one"' not in page
        assert client.post(f"/campaigns/{campaign.pk}/bulk/", {"rule": "backlog", "expected": "0"}).status_code == 403
        client.force_login(cp.court_registrar)
        assert client.get(f"/campaigns/{campaign.pk}/").status_code == 404
        assert client.get("/campaigns/").status_code == 200


def test_ledger_and_report_files_add_up(client, cp):
    campaign = create(cp)
    closed = backlog(cp)
    open_case = backlog(cp)
    with clock.frozen(START):
        from ..services import campaign_case_enrol
        for case in (closed, open_case):
            campaign_case_enrol(actor=cp.supervisor, campaign=campaign, case=case)
    answer_and_close(cp, closed, answered=dt.date(2026, 3, 3), closed=dt.date(2026, 4, 10))
    client.force_login(cp.supervisor)
    with clock.frozen(DURING + dt.timedelta(days=20)):
        r = client.get(f"/campaigns/{campaign.pk}/ledger.xlsx")
        assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
        ws = load_workbook(io.BytesIO(r.content)).active
        assert [c.value for c in ws[3]] == [h for h, _, _ in LEDGER_COLUMNS]
        rows = {ws.cell(row=i, column=1).value: [c.value for c in ws[i]] for i in (4, 5)}
        assert rows[closed.number][-1] == "是" and rows[open_case.number][-1] == "否"
        assert client.get(f"/campaigns/{campaign.pk}/ledger.xlsx", {"kind": "x"}).status_code == 422

        r = client.get(f"/campaigns/{campaign.pk}/report.xlsx")
        wb = load_workbook(io.BytesIO(r.content))
        assert wb.sheetnames == ["总体情况", "分单位", "台账"] and wb.active.title == "总体情况"
        units = wb["分单位"]
        assert [units.cell(row=4, column=c).value for c in range(1, 7)] == ["甲街道", 2, 1, 1, 1, 1]
        assert units.cell(row=5, column=2).value == "=SUM(B4:B4)"
        summary = wb["总体情况"]
        values = [[c.value for c in row] for row in summary.iter_rows()]
        target = next(v for v in values if v[0] == "入列案件办结")
        assert target[3:5] == [4, 1] and target[5].startswith("=IF(D")
        assert any(v[0] == "期间内办结" and v[3] == "='分单位'!C5" for v in values)
        assert wb["台账"].max_row == 5

        pdf = client.get(f"/campaigns/{campaign.pk}/report.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
        assert client.get(f"/campaigns/{campaign.pk}/report.doc").status_code == 404


def test_case_section_lists_campaigns_and_enrols(client, cp):
    campaign = create(cp)
    case = backlog(cp)
    client.force_login(cp.supervisor)
    with clock.frozen(DURING):
        fragment = client.get(f"/campaigns/case/{case.number}/", HTTP_HX_REQUEST="true").content.decode()
        assert "该案件未列入专项行动" in fragment and "<html" not in fragment and campaign.name in fragment
        r = client.post(f"/campaigns/case/{case.number}/enrol/", {"campaign": campaign.pk})
        assert r.status_code == 302 and r["Location"] == f"/cases/{case.number}/"
        page = client.get(f"/campaigns/case/{case.number}/").content.decode()
        assert "<html" in page and "退出该专项行动" in page
        assert Event.objects.filter(case=case, label=f"列入专项行动「{campaign.name}」").exists()
        # The case page lists the section among its fragments.
        assert f"/campaigns/case/{case.number}/" in client.get(f"/cases/{case.number}/").content.decode()
        client.force_login(cp.handler_a)
        fragment = client.get(f"/campaigns/case/{case.number}/", HTTP_HX_REQUEST="true").content.decode()
        assert campaign.name in fragment and "退出该专项行动" not in fragment and 'id="case-enrol"' not in fragment
        client.force_login(cp.handler_b)
        assert client.get(f"/campaigns/case/{case.number}/").status_code == 404

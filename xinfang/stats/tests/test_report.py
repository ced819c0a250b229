"""The statistical report as a user meets it: monthly / quarterly / annual periods, the xlsx
whose totals are formulas that add up to the figures, the printed PDF with the same figures,
the API downloads, bad filters refused with a message, and a fixed number of queries."""
import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from xinfang.core import clock
from xinfang.core.errors import ValidationFailed
from xinfang.core.models import Category
from xinfang.petitions.tests.builders import act, register
from xinfang.stats.indicators import INDICATORS, Scope, indicator_compute
from xinfang.stats.report import period_label, report_build, report_period_parse

DAY = dt.datetime(2026, 3, 20, 10)
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def cases(tree):
    with clock.frozen(DAY):
        a = register(tree, channel="visit", person_count=3, petitioners=[
            dict(name="甲", phone="13900000001"), dict(name="乙", phone="13900000002")])
        b = register(tree, channel="letter")
        c = register(tree, channel="higher")
        act(c, tree.registrar, "assign", unit_id=tree.street_a.pk)
    with clock.frozen(dt.datetime(2025, 3, 10, 10)):
        register(tree, channel="visit")                        # last year: 同比 has a base
    return a, b, c


# --- periods -----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,start,end", [
    ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ("2025-Q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
    ("2025q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ("2024-2", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("2026", dt.date(2026, 1, 1), TODAY),                       # still running: ends today
    ("2026-Q4", dt.date(2026, 10, 1), TODAY),
])
def test_report_periods(raw, start, end):
    assert report_period_parse(raw, today=TODAY) == (start, end)


@pytest.mark.parametrize("raw,message", [
    ("2026-13", "无效"), ("2026-Q5", "无效"), ("26", "无效"), ("2026/10", "无效"), ("", "无效"),
    ("1899", "无效"), ("2027", "尚未开始"), ("2026-12", "尚未开始"),
])
def test_bad_report_periods_name_the_field(raw, message):
    with pytest.raises(ValidationFailed) as exc:
        report_period_parse(raw, today=TODAY)
    assert exc.value.field == "period" and message in exc.value.message


@pytest.mark.parametrize("start,end,label,name", [
    (dt.date(2026, 10, 1), dt.date(2026, 10, 31), "2026年10月", "月报"),
    (dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026年第三季度", "季报"),
    (dt.date(2025, 1, 1), dt.date(2025, 12, 31), "2025年度", "年报"),
    (dt.date(2026, 1, 1), dt.date(2026, 11, 22), "2026年度（截至2026年11月22日）", "年报"),
    (dt.date(2026, 10, 1), dt.date(2026, 11, 22), "2026年第四季度（截至2026年11月22日）", "季报"),
    (dt.date(2026, 3, 5), dt.date(2026, 4, 2), "2026年3月5日至2026年4月2日", "报表"),
])
def test_period_labels(start, end, label, name):
    assert period_label(start, end) == (label, name)


# --- the spreadsheet ------------------------------------------------------------------------

def _sum_formula(ws, cell) -> int:
    """Evaluate a =SUM(Xa:Xb) total as Excel would, from the sheet's own cells."""
    found = re.fullmatch(r"=SUM\(([A-Z])(\d+):([A-Z])(\d+)\)", ws[cell].value)
    assert found, ws[cell].value
    col, first, last = found.group(1), int(found.group(2)), int(found.group(4))
    return sum(ws[f"{col}{r}"].value or 0 for r in range(first, last + 1))


def test_xlsx_totals_are_formulas_that_add_up_to_the_figures(client, tree, cases):
    client.force_login(tree.leader)
    with clock.frozen(DAY):
        response = client.get("/stats/report.xlsx", {"period": "2026-03"})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:2] == ["主要指标", "按渠道"] and wb.sheetnames[-4:] == ["矛盾纠纷", "安全隐患", "稳评", "突发事件"]
    main = wb["主要指标"]
    figures = {main.cell(row=r, column=1).value: r for r in range(4, main.max_row + 1)}
    batches_row = figures["信访总量（批次）"]
    assert main.cell(row=batches_row, column=2).value == 3
    assert main.cell(row=batches_row, column=6).value == 1                 # 上年同期
    assert main.cell(row=batches_row, column=7).value == 200.0             # 同比 %
    assert "期间内收到" in main.cell(row=batches_row, column=9).value      # its definition
    # a rate: 上年同期 as a rate, 同比 in percentage points (column 8), never in per cent (column 7)
    rates = [r for r in figures.values() if main.cell(row=r, column=3).value == "%"
             and main.cell(row=r, column=6).value is not None and main.cell(row=r, column=2).value != "—"]
    assert rates
    for r in rates:
        now, before = (main.cell(row=r, column=c).value for c in (2, 6))
        assert main.cell(row=r, column=7).value is None
        assert main.cell(row=r, column=8).value == pytest.approx(now - before)
    for sheet in ("按渠道", "按分类（一级）", "按登记单位", "按承办单位", "按发生地", "按接待层级", "按诉求类型"):
        ws = wb[sheet]
        total = ws.max_row
        assert ws.cell(row=total, column=1).value == "合计"
        assert ws[f"B{total}"].value.startswith("=SUM(") and ws[f"C{total}"].value.startswith("=SUM(")
        assert _sum_formula(ws, f"B{total}") == 3, sheet
        assert _sum_formula(ws, f"C{total}") == 5, sheet
        assert ws["D4"].value == f"=IF(B{total}=0,0,ROUND(B4/B{total}*100,1))"
    trend = wb["按月趋势"]
    assert [trend.cell(row=r, column=1).value for r in range(4, trend.max_row)] == ["2026-03"]
    assert _sum_formula(trend, f"B{trend.max_row}") == 3
    assert _sum_formula(trend, f"D{trend.max_row}") == 1
    hazards = wb["安全隐患"]
    labels = [hazards.cell(row=r, column=1).value for r in range(4, hazards.max_row + 1)]
    assert labels == [ind.label for ind in INDICATORS.values() if ind.kind == "hazard"]


def test_report_content_is_the_indicators_own(tree, cases):
    scope = Scope(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    with clock.frozen(DAY):
        report = report_build(scope=scope, generated_at=clock.now())
    assert report.title == "信访与矛盾纠纷化解工作统计月报" and report.period == "2026年3月"
    assert [s.kind for s in report.sections] == ["petition", "dispute", "hazard", "assessment", "emergency"]
    petition = {f.key: f for f in report.sections[0].figures}
    assert set(petition) == {k for k, ind in INDICATORS.items() if ind.kind == "petition"}
    for key in ("volume_batches", "assigned_closed_rate", "satisfaction_rate"):
        assert petition[key].value == indicator_compute(key=key, scope=scope).value
    channel = next(b for b in report.breakdowns if b["key"] == "channel")
    assert channel["batches"] == 3 and channel["persons"] == 5
    assert sum(r["share"] for r in channel["rows"]) == pytest.approx(100, abs=0.2)
    street = Scope(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), unit=tree.district, kind="hazard")
    only = report_build(scope=street, generated_at=clock.now())
    assert only.title == "示范区安全隐患工作统计月报" and [s.kind for s in only.sections] == ["hazard"]
    assert only.breakdowns == [] and only.trend == []


def _report_queries(client, user, params) -> int:
    client.force_login(user)
    with clock.frozen(DAY), CaptureQueriesContext(connection) as ctx:
        assert client.get("/stats/report.xlsx", params).status_code == 200
    return len(ctx.captured_queries)


def _handled_case(tree, category, i: int):
    """A case with every breakdown filled: place, category, handling unit (accepted)."""
    c = register(tree, channel="web", title=f"噪音扰民{i}", place_unit_id=tree.street_a.pk, category_id=category.pk)
    act(c, tree.registrar, "assign", unit_id=tree.street_a.pk)
    act(c, tree.handler_a, "accept")
    return c


def test_report_costs_the_same_queries_for_few_or_more_cases(client, tree, cases):
    category = Category.objects.create(name="城乡建设")
    with clock.frozen(DAY):
        _handled_case(tree, category, 0)
    params = {"start": "2026-03-01", "end": "2026-03-31"}
    few = _report_queries(client, tree.leader, params)
    with clock.frozen(DAY):
        for i in range(1, 5):
            _handled_case(tree, Category.objects.create(name=f"分类{i}", parent=category) if i % 2 else category, i)
    assert _report_queries(client, tree.leader, params) == few


# --- the printed report ----------------------------------------------------------------------

def _pdf_text(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode()


def test_pdf_report_prints_the_same_figures(client, tree, cases):
    client.force_login(tree.leader)
    with clock.frozen(DAY):
        response = client.get("/stats/report.pdf", {"period": "2026-03", "unit": tree.district.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "inline" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    flat = re.sub(r"\s+", "", text)
    assert "示范区信访与矛盾纠纷化解工作统计月报" in flat and "2026年3月" in flat
    assert "统计范围示范区（含下级单位）" in flat and "制表日期2026年3月20日" in flat and "制表示范区" in flat
    for label in ("信访总量（批次）", "初信初访按期办结率", "上级交办件办结率", "满意率", "按渠道", "按分类（一级）",
                  "矛盾纠纷主要指标", "安全隐患主要指标", "稳评主要指标", "期末未销号隐患", "达成调解协议"):
        assert label in flat, label
    assert "口径：期间内收到（按收到日期）的信访事项件数" in flat
    assert "+200.0%" in flat                                   # 同比 of 3 batches on 1
    assert "甲" not in re.sub(r"甲街道", "", flat)               # aggregates only: no petitioner's name
    download = client.get("/stats/report.pdf", {"period": "2026-03", "download": "1"})
    assert "attachment" in download["Content-Disposition"]


BAD_FILTERS = [
    ({"start": "2026-13-01"}, "开始日期「2026-13-01」不是有效日期"),
    ({"start": "2026-03-31", "end": "2026-03-01"}, "结束日期早于开始日期"),
    ({"period": "2026-Q9"}, "报表期间「2026-Q9」无效"),
    ({"unit": "abc"}, "单位参数无效"),
    ({"kind": "complaint"}, "统计类别「complaint」无效"),
]


def test_bad_filters_are_refused_with_the_reason(client, tree):
    client.force_login(tree.leader)
    for url in ("/stats/report.pdf", "/stats/report.xlsx"):
        for params, message in BAD_FILTERS:
            response = client.get(url, params)
            assert response.status_code == 400 and message in response.content.decode(), (url, params)


def test_reports_keep_to_the_readers_area(client, tree, cases):
    client.force_login(tree.handler_a)
    assert client.get("/stats/report.pdf", {"unit": tree.street_b.pk}).status_code == 404
    assert client.get("/stats/report.xlsx", {"unit": tree.street_b.pk}).status_code == 404
    client.logout()
    assert client.get("/stats/report.pdf").status_code == 302


def test_the_stats_page_links_both_reports(client, tree):
    client.force_login(tree.leader)
    html = client.get("/stats/", {"start": "2026-03-01", "end": "2026-03-31"}).content.decode()
    assert 'href="/stats/report.pdf?start=2026-03-01&amp;end=2026-03-31"' in html
    assert 'href="/stats/report.xlsx?start=2026-03-01&amp;end=2026-03-31"' in html


# --- the API -------------------------------------------------------------------------------------

def test_api_downloads_the_reports(client, tree, cases):
    client.force_login(tree.leader)
    with clock.frozen(DAY):
        pdf = client.get("/api/v1/stats/report.pdf", {"period": "2026-03"})
        xlsx = client.get("/api/v1/stats/report.xlsx", {"start": "2026-03-01", "end": "2026-03-31",
                                                         "kind": "dispute"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["主要指标"]


def test_api_reports_refuse_bad_input_in_the_error_shape(client, tree):
    client.force_login(tree.handler_a)
    bad = client.get("/api/v1/stats/report.pdf", {"period": "2026-99"})
    assert bad.status_code == 422 and bad.json()["field"] == "period"
    bad = client.get("/api/v1/stats/report.xlsx", {"start": "2026-02-30"})
    assert bad.status_code == 422 and bad.json()["field"] == "start"
    bad = client.get("/api/v1/stats/report.xlsx", {"start": "2026-03-02", "end": "2026-03-01"})
    assert bad.status_code == 422 and bad.json()["field"] == "end"
    assert client.get("/api/v1/stats/report.pdf", {"unit": tree.street_b.pk}).json()["code"] == "not_found"
    client.logout()
    assert client.get("/api/v1/stats/report.xlsx").status_code == 401


def test_api_report_operations_are_documented(db):
    from xinfang.api.tests.conftest import openapi
    paths = openapi()["paths"]
    for path in ("/api/v1/stats/report.pdf", "/api/v1/stats/report.xlsx"):
        responses = paths[path]["get"]["responses"]
        assert {"200", "401", "404", "422"} <= set(responses)
        assert "application/json" not in responses["200"].get("content", {})

"""突发事件信息报送 in a real browser: a street officer registers an event, is taken to the
first report, files it with the figures; the report history appears on the event's page;
the district signs for it; the list filters overdue first reports and exports the ledger."""
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from xinfang.emergencies.models import Emergency, EmergencyReceipt
from xinfang.emergencies.tests.builders import em  # noqa: F401  (fixture)

from .support import CHROMIUM, CHROMIUM_MISSING

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_register_first_report_sign_and_export(staff, em):  # noqa: F811
    page = staff("handler_a")
    page.goto("/emergencies/")
    page.get_by_role("link", name="登记突发事件").first.click()
    form = page.locator("#emergency-form")
    form.get_by_label("事件名称").fill("幸福路厂房火灾")
    form.get_by_label("简要情况").fill("厂房二楼起火，消防已到场，暂无人员伤亡。")
    form.get_by_label("事件类型").select_option(label="生产安全事故")
    form.get_by_label("发生地（社区/街道）").select_option(label="\u3000\u3000\u3000\u3000一社区")
    form.get_by_role("button", name="登记并填写首报").click()
    # A required field left empty is named beside it; what was typed stays.
    expect(form.locator(".error").first).to_contain_text("具体地点")
    expect(form.get_by_label("事件名称")).to_have_value("幸福路厂房火灾")
    form.get_by_label("具体地点").fill("幸福路8号二号厂房")
    form.get_by_role("button", name="登记并填写首报").click()

    expect(page.get_by_role("heading", name="报送首报：幸福路厂房火灾")).to_be_visible()
    expect(page.locator(".notice")).to_contain_text("首报时限")
    report = page.locator("#report-form")
    report.get_by_label("首报内容").fill("街道已组织人员赶赴现场，疏散周边群众，消防正在扑救。")
    report.get_by_label("受伤（人）").fill("2")
    report.get_by_label("紧急转移安置（人）").fill("30")
    report.get_by_label("签发人").fill("张伟")
    report.get_by_role("button", name="报送首报").click()
    expect(page.locator(".messages")).to_contain_text("已报送首报")

    section = page.locator("#emergency-reports")
    expect(section).to_contain_text("第1次 · 首报")
    expect(section).to_contain_text("受伤 2人")
    expect(section).to_contain_text("上级尚未签收")
    e = Emergency.objects.get()
    assert (e.injured, e.relocated, e.case.status) == (2, 30, "reported")
    number = e.case.number

    district = staff("district_officer")
    district.goto(f"/cases/{number}/")
    district.locator("#emergency-reports").get_by_role("button", name="签收报告").click()
    expect(district.locator(".messages")).to_contain_text("已签收")
    expect(district.locator("#emergency-reports")).to_contain_text("示范区 district_officer")
    assert EmergencyReceipt.objects.get().unit == em.district

    district.goto("/emergencies/")
    expect(district.locator("#emergency-rows")).to_contain_text(number)
    with district.expect_download() as download:
        district.get_by_role("link", name="导出台账（Excel）").click()
    ws = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    row = {h.value: c.value for h, c in zip(ws[3], ws[4])}
    assert row["事件编号"] == number and row["受伤（人）"] == 2 and row["首报情况"] == "按时"
    district.locator("#emergency-filters").get_by_label("首报超时未报").check()
    district.locator("#emergency-filters").get_by_role("button", name="查询").click()
    expect(district.locator("#emergency-rows")).to_contain_text("没有符合条件的突发事件")

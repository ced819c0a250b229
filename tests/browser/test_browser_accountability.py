"""责任倒查与问责 in a real browser: a supervisor finds an overdue matter among the candidate
cases, opens a record on it (grounds, finding, unit, an official), records the decision, and
sees it counted under the unit; a handler finds none of these pages."""
import datetime as dt

import pytest
from playwright.sync_api import expect

from xinfang.accountability.models import AccountabilityRecord
from xinfang.core import clock
from xinfang.orgs.models import DataScope
from xinfang.petitions.services import petition_register

from .support import CHROMIUM, CHROMIUM_MISSING

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_supervisor_opens_and_decides_a_record_on_an_overdue_matter(staff, tree):
    tree.user("supervisor", tree.district, "supervisor", scope=DataScope.SUBTREE)
    with clock.frozen(clock.today() - dt.timedelta(days=30)):
        case = petition_register(actor=tree.registrar, data=dict(
            title="无人处理的排水问题", content="小区排水管堵塞一个月无人处理。", channel="visit",
            petitioners=[dict(name="王五", phone="13800138000")]))
    page = staff("supervisor")
    page.goto("/accountability/candidates/")
    row = page.locator("#candidates tbody tr", has_text=case.number)
    expect(row).to_contain_text("超期办理")
    expect(row).to_contain_text("受理告知")
    row.get_by_role("link", name="开立问责记录").click()

    form = page.locator("#record-form")
    expect(form.get_by_label("超期办理（未在法定期限内受理、办理、答复）")).to_be_checked()
    form.get_by_label("示范区信访局").check()
    form.get_by_role("button", name="开立问责记录").click()
    expect(page.locator(".banner.error")).to_contain_text("查明的事实")       # refused, named
    form.get_by_label("查明的事实").fill("登记后15日内未交办、未受理，也未告知信访人。")
    form.get_by_label("第1名责任人姓名").fill("王某某")
    form.get_by_label("第1名责任人职务").fill("登记科科长")
    form.get_by_role("button", name="开立问责记录").click()
    expect(page.locator(".messages")).to_contain_text("已开立问责记录")
    expect(page.locator("#facts")).to_contain_text("王某某（登记科科长）")

    decide = page.locator("#decide-form")
    decide.get_by_label("通报批评").check()
    decide.get_by_label("决定机关").fill("示范区信访工作联席会议办公室")
    decide.get_by_label("决定日期").fill(clock.today().isoformat())
    decide.get_by_role("button", name="记录问责决定").click()
    expect(page.locator(".messages")).to_contain_text("已记录问责决定")
    expect(page.locator("#decision")).to_contain_text("通报批评")
    expect(page.get_by_role("link", name="PDF")).to_be_visible()
    record = AccountabilityRecord.objects.get()
    assert record.status == "decided" and record.measures == ["circulated"]

    page.get_by_role("link", name="责任倒查与问责").click()
    page.get_by_role("link", name="按单位统计").click()
    unit_row = page.locator("#stats-table tbody tr", has_text="示范区信访局")
    expect(unit_row.locator("td").first).to_have_text("1")

    # The case page shows the section to the supervisor; the timeline knows nothing of it.
    page.goto(f"/cases/{case.number}/")
    expect(page.locator("#accountability")).to_contain_text(f"问责记录第 {record.pk} 号")
    expect(page.locator(".timeline")).not_to_contain_text("问责")

    handler = staff("registrar")
    response = handler.goto("/accountability/")
    assert response.status == 404
    handler.goto(f"/cases/{case.number}/")
    expect(handler.locator("#section-accountability")).to_have_count(0)

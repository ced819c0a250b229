"""专项行动 in a real browser: a supervisor organises a campaign on the form, previews and
confirms the backlog's enrolment, sees the targets and the ledger, withdraws a case, and
finds the campaign in the case page's section."""
import datetime as dt

import pytest
from playwright.sync_api import expect

from xinfang.core import clock
from xinfang.core.services import case_transition
from xinfang.orgs.models import DataScope
from xinfang.petitions.services import petition_register

from .support import CHROMIUM, CHROMIUM_MISSING

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _backlog(tree, title: str):
    case = petition_register(actor=tree.registrar, data=dict(
        title=title, content=f"{title}，请求处理。", channel="visit", petitioners=[dict(name="王五", phone="13800138000")]))
    case = case_transition(case=case, actor=tree.registrar, action="assign", version=case.version,
                           payload={"unit_id": tree.street_a.pk})
    return case_transition(case=case, actor=tree.handler_a, action="accept", version=case.version, payload={})


def test_a_supervisor_runs_a_campaign(staff, tree):
    tree.user("supervisor", tree.district, "supervisor", scope=DataScope.SUBTREE)
    with clock.frozen(clock.today() - dt.timedelta(days=10)):
        cases = [_backlog(tree, f"积案事项{i}") for i in range(3)]
    page = staff("supervisor")
    page.goto("/campaigns/")
    page.get_by_role("link", name="组织专项行动").click()
    form = page.locator("#campaign-form")
    form.get_by_label("名称").fill("信访积案化解百日攻坚")
    form.get_by_label("类型").select_option(label="百日攻坚")
    form.get_by_label("结束日期").fill((clock.today() + dt.timedelta(days=99)).isoformat())
    form.get_by_label("第1个目标的指标").select_option(value="closed")
    form.get_by_label("第1个目标的目标数").fill("3")
    form.get_by_role("button", name="创建专项行动").click()
    expect(page.locator(".messages")).to_contain_text("已创建专项行动")
    expect(page.locator("#campaign-targets")).to_contain_text("入列案件办结")

    # The backlog: opened before today (the start), previewed, then confirmed.
    page.locator("#enrol-bulk").get_by_label("按规则批量列入").select_option(value="backlog")
    page.locator("#enrol-bulk").get_by_role("button", name="预览").click()
    expect(page.locator("#bulk-count")).to_have_text("3")
    page.get_by_role("button", name="确认列入这 3 件").click()
    expect(page.locator(".messages")).to_contain_text("列入 3 件")
    expect(page.locator("#campaign-counts")).to_contain_text("3")
    ledger = page.locator("#campaign-ledger")
    for case in cases:
        expect(ledger).to_contain_text(case.number)
    expect(page.locator("#campaign-by-unit")).to_contain_text("甲街道")

    # Withdraw one with a reason; the case page shows the history of both steps.
    row = ledger.locator("tr", has_text=cases[0].number)
    row.locator("summary", has_text="退出").click()
    row.get_by_label("退出理由").fill("已并入同一事项")
    row.get_by_role("button", name="确认退出").click()
    expect(page.locator(".messages")).to_contain_text("退出专项行动")
    expect(page.locator("#campaign-ledger")).not_to_contain_text(cases[0].number)

    page.goto(f"/cases/{cases[1].number}/")
    section = page.locator("#section-campaigns")
    expect(section).to_contain_text("信访积案化解百日攻坚")
    expect(page.locator(".timeline")).to_contain_text("列入专项行动「信访积案化解百日攻坚」")
    page.goto(f"/cases/{cases[0].number}/")
    expect(page.locator("#section-campaigns")).to_contain_text("已退出（1）")
    page.locator("#section-campaigns #case-enrol").get_by_role("button", name="列入").click()
    expect(page.locator(".messages")).to_contain_text("已列入专项行动")

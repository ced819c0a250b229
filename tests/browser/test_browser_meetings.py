"""联席会议 in a real browser: a supervisor convenes a meeting on the form, puts a hard case on
its agenda, records the decision with its follow-up and generates the minutes; the follow-up
unit finds it under 会议交办事项 and reports it done; the case page shows it all."""
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


def test_a_meeting_from_agenda_to_followup(staff, tree):
    tree.user("supervisor", tree.district, "supervisor", scope=DataScope.SUBTREE)
    with clock.frozen(clock.today() - dt.timedelta(days=20)):
        case = petition_register(actor=tree.registrar, data=dict(
            title="幸福里小区电梯停运", content="小区电梯停运半年，物业不予维修。", channel="visit",
            petitioners=[dict(name="赵六", phone="13800138000")]))
        case = case_transition(case=case, actor=tree.registrar, action="assign", version=case.version,
                               payload={"unit_id": tree.street_a.pk})
    page = staff("supervisor")
    page.goto("/meetings/")
    page.get_by_role("link", name="召集会议").click()
    form = page.locator("#meeting-form")
    form.get_by_label("议题").fill("幸福里小区电梯问题")
    form.get_by_label("地点").fill("区政府三楼会议室")
    form.get_by_label("参会单位").select_option(label="\u3000\u3000甲街道")
    form.get_by_role("button", name="召集会议").click()
    expect(page.locator(".messages")).to_contain_text("已召集联席会议")

    add = page.locator("#agenda-add")
    add.get_by_label("案件编号").fill(case.number)
    add.get_by_role("button", name="列入议题").click()
    expect(page.locator(".messages")).to_contain_text("列入议题")
    item = page.locator(f"#item-{case.number}")
    item.get_by_label("会议决定").fill("由住建局牵头督促物业公司十日内修复电梯。")
    item.get_by_label("落实单位").select_option(label="\u3000\u3000示范区住建局")
    item.get_by_label("办结期限").fill((clock.today() + dt.timedelta(days=10)).isoformat())
    item.get_by_role("button", name="记录决定").click()
    expect(page.locator(".messages")).to_contain_text("已记录")
    expect(page.locator(f"#item-{case.number}")).to_contain_text("办理中")
    page.get_by_role("button", name="生成会议纪要").click()
    expect(page.locator("#minutes")).to_contain_text("PDF")
    with page.expect_download() as download:
        page.locator("#minutes").get_by_role("link", name="Word").click()
    assert download.value.suggested_filename.endswith(".docx")

    other = staff("handler_h")
    other.goto("/meetings/followups/")
    row = other.locator("#followup-list tr", has_text=case.number)
    expect(row).to_contain_text("办理中")
    row.locator("summary", has_text="报告办结").click()
    row.get_by_label("办结情况").fill("电梯已修复并通过检验。")
    row.get_by_role("button", name="报告办结").click()
    expect(other.locator(".messages")).to_contain_text("办结")
    other.goto(f"/cases/{case.number}/")
    expect(other.locator("#section-meetings")).to_contain_text("已办结")
    expect(other.locator(".timeline")).to_contain_text("联席会议决定")
    expect(other.locator(".timeline")).to_contain_text("会议交办事项办结")

"""From a portal submission to a rated, concluded matter, all in the pages: a resident
submits on a phone; the registrar routes it, the street's handler answers, its reviewer
approves, each in a browser of their own; the resident follows and rates 满意; the registrar
closes it (办结), and the resident sees it closed."""

import pytest
from playwright.sync_api import expect

from xinfang.core.models import Attachment, Case

from .support import CHROMIUM, CHROMIUM_MISSING, case_act, PHONE, context_new, offered_actions
from .test_browser_portal import PNG, portal_follow, portal_submit

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]




def test_from_a_portal_submission_to_a_rated_closed_matter(chromium, server_url, staff, tree):
    # The resident, on a phone, with a photo.
    resident = context_new(chromium, server_url, viewport=PHONE)
    page = resident.new_page()
    number, code = portal_submit(page, title="幸福路路灯不亮",
                                 files=[{"name": "路灯.png", "mimeType": "image/png", "buffer": PNG}])
    assert Attachment.objects.filter(case__number=number).count() == 1
    resident.close()

    # The 信访局's registrar finds it in the worklist, as registered from the web.
    registrar = staff("registrar")
    registrar.goto("/")
    registrar.locator("table.list").get_by_role("link", name=number, exact=True).click()
    expect(registrar.get_by_role("heading", name="幸福路路灯不亮")).to_be_visible()
    expect(registrar.locator(".badge-status")).to_have_text("已登记")
    expect(registrar.locator("main")).to_contain_text("路灯.png")
    assert {"assign", "accept", "decline"} <= offered_actions(registrar)
    case_act(registrar, number, "assign", "交办", select={"目标单位": "甲街道"}, fill={"说明": "请依法办理"})

    # The street: accepted, answered, approved.
    handler = staff("handler_a")
    case_act(handler, number, "accept", "受理")
    case_act(handler, number, "submit_answer", "提交处理意见", select={"处理结论": "支持"},
        fill={"查明事实与理由": "经查属实，路灯线路老化，已更换。", "法律政策依据": "《城市道路照明管理规定》"})
    reviewer = staff("reviewer_a")
    case_act(reviewer, number, "approve_answer", "审核通过并送达处理意见")

    # The resident follows on the phone: the answer is there; rates 满意.
    resident = context_new(chromium, server_url, viewport=PHONE)
    page = resident.new_page()
    portal_follow(page, code)
    expect(page.locator("#status-label")).to_have_text("已出具处理意见")
    expect(page.locator(".answer")).to_contain_text("经查属实，路灯线路老化，已更换。")
    expect(page.locator(".answer")).to_contain_text("支持")
    expect(page.locator(".deadlines")).to_contain_text("复查申请期")
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("评价意见").fill("修得很快，谢谢。")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".messages")).to_contain_text("感谢您的评价")
    expect(page.locator("#rated")).to_contain_text("满意")
    expect(page.locator("#appeal-hint")).to_contain_text("申请复查")  # the window stays open even so

    # The satisfied rating lets the registrar close it before the 复查 window ends.
    registrar.goto(f"/cases/{number}/")
    expect(registrar.locator("ol.timeline > li").last.locator("strong")).to_have_text("评价")
    assert "close" in offered_actions(registrar)
    case_act(registrar, number, "close", "办结", fill={"说明": "信访人满意，办结"})
    registrar.goto(f"/cases/{number}/")
    expect(registrar.locator(".case-head .badge-status")).to_have_text("已办结")

    # The resident sees it closed: nothing more to rate, the whole public history.
    page.reload()
    expect(page.locator("#status-label")).to_have_text("已办结")
    expect(page.get_by_role("button", name="提交评价")).to_have_count(0)
    steps = page.locator("ol.timeline > li > span").all_inner_texts()
    assert steps[0] == "信访事项已登记" and steps[1] == "提交附件 1 个"
    assert "交办至甲街道" in steps and "甲街道已受理" in steps and "信访人评价：满意" in steps
    assert steps[-1] == "办结"
    resident.close()
    case = Case.objects.get(number=number)
    assert (case.status, case.is_open, case.petition.satisfaction) == ("closed", False, "satisfied")

"""A petition's whole life through the pages in a real browser: each member of staff in a
browser of their own, logging in through the form, reading what the page says and using
only the forms it offers."""
import re

import pytest
from playwright.sync_api import expect

from xinfang.core.models import Case

from .support import CHROMIUM, CHROMIUM_MISSING, case_act, offered_actions, registration_fill

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]




def expect_case(page, number: str, *, status: str, last_event: str, transition: str | None = None):
    """What the case page shows: the status badge, and the step just taken at the end of 办理经过."""
    page.goto(f"/cases/{number}/")
    expect(page.locator(".case-head .badge-status")).to_have_text(status)
    last = page.locator("ol.timeline > li").last
    expect(last.locator("strong")).to_have_text(last_event)
    if transition:
        expect(last.locator(".trans")).to_have_text(transition)


def expect_in_worklist(page, number: str, present: bool = True):
    page.goto("/")
    link = page.locator("table.list").get_by_role("link", name=number, exact=True)
    if present:
        expect(link).to_be_visible()
    else:
        expect(link).to_have_count(0)


def test_a_petition_from_registration_to_conclusion(staff, tree):
    registrar = staff("registrar")
    handler = staff("handler_a")
    reviewer = staff("reviewer_a")
    district = staff("district_reviewer")
    city = staff("city_reviewer")

    # 登记: typed into the form; the page names the number and the query code.
    registrar.get_by_role("link", name="登记", exact=True).click()
    expect(registrar.get_by_role("heading", name="登记信访事项")).to_be_visible()
    registration_fill(registrar, title="小区路灯损坏")
    registrar.get_by_role("button", name="登记", exact=True).click()
    message = registrar.locator(".messages")
    expect(message).to_contain_text("登记成功")
    found = re.search(r"编号 ([A-Z0-9-]+)，查询码 ([A-Z0-9]+)。", message.inner_text())
    assert found, message.inner_text()
    number, query_code = found.groups()
    assert registrar.url.endswith(f"/cases/{number}/")
    expect(registrar.get_by_role("heading", name="小区路灯损坏")).to_be_visible()
    expect(registrar.locator(".badge-status")).to_have_text("已登记")
    expect(registrar.locator("ol.timeline > li").last.locator("strong")).to_have_text("登记")
    # The ID number is masked until asked for.
    expect(registrar.get_by_text("11010519491231002X")).to_have_count(0)
    offered = offered_actions(registrar)
    assert {"assign", "accept", "decline"} <= offered
    assert not offered & {"submit_answer", "approve_answer", "request_review", "answer_rereview"}
    registrar.get_by_role("link", name="回执").click()
    expect(registrar.get_by_role("heading", name="信访事项登记回执")).to_be_visible()
    expect(registrar.locator(".receipt")).to_contain_text(number)
    expect(registrar.locator(".receipt")).to_contain_text(query_code)
    assert Case.objects.get(number=number).query_code == query_code

    # Not the street's yet: its handler neither lists it nor may open it.
    expect_in_worklist(handler, number, present=False)
    assert handler.goto(f"/cases/{number}/").status == 404

    # 交办 to 甲街道.
    case_act(registrar, number, "assign", "交办", select={"目标单位": "甲街道"},
        fill={"说明": "请依法办理"})
    expect_case(registrar, number, status="已交办", last_event="交办", transition="已登记 → 已交办")
    expect(registrar.locator(".case-side")).to_contain_text("甲街道")
    assert "assign" not in offered_actions(registrar)

    # The street's handler: listed, accepts, answers; cannot approve their own answer.
    expect_in_worklist(handler, number)
    handler.goto(f"/cases/{number}/")
    offered = offered_actions(handler)
    assert "accept" in offered and not offered & {"assign", "approve_answer", "submit_answer"}
    case_act(handler, number, "accept", "受理")
    expect_case(handler, number, status="已受理", last_event="受理", transition="已交办 → 已受理")
    case_act(handler, number, "submit_answer", "提交处理意见", select={"处理结论": "支持"},
        fill={"查明事实与理由": "经查属实，路灯已修复。", "法律政策依据": "《城市道路照明管理规定》"})
    expect_case(handler, number, status="答复待审核", last_event="提交处理意见")
    expect(handler.locator(".answer")).to_contain_text("经查属实，路灯已修复。")
    expect(handler.locator(".answer")).to_contain_text("待审核")
    assert not offered_actions(handler) & {"submit_answer", "approve_answer", "return_answer"}

    # The street's reviewer approves.
    expect_in_worklist(reviewer, number)
    reviewer.goto(f"/cases/{number}/")
    assert {"approve_answer", "return_answer"} <= offered_actions(reviewer)
    case_act(reviewer, number, "approve_answer", "审核通过并送达处理意见")
    expect_case(reviewer, number, status="已答复", last_event="审核通过并送达处理意见",
                transition="答复待审核 → 已答复")
    expect(reviewer.locator(".answer")).to_contain_text("已通过")

    # The petitioner is not satisfied: the registrar records the request for 复查.
    expect_in_worklist(district, number, present=False)
    case_act(registrar, number, "request_review", "申请复查", fill={"理由": "信访人不满意处理结果"})
    expect_case(registrar, number, status="复查申请", last_event="申请复查")

    # 示范区 reviews.
    expect_in_worklist(district, number)
    district.goto(f"/cases/{number}/")
    offered = offered_actions(district)
    assert "accept_review" in offered and "answer_review" not in offered
    case_act(district, number, "accept_review", "受理复查")
    expect_case(district, number, status="复查中", last_event="受理复查")
    assert "answer_review" in offered_actions(district)
    case_act(district, number, "answer_review", "出具复查意见", select={"复查/复核结论": "维持原处理意见"},
        fill={"查明事实与理由": "原处理正确。", "法律政策依据": "信访工作条例第35条"})
    expect_case(district, number, status="已复查", last_event="出具复查意见")

    # Still not satisfied: 复核 by 示范市.
    expect_in_worklist(city, number, present=False)
    case_act(registrar, number, "request_rereview", "申请复核", fill={"理由": "仍不满意复查意见"})
    expect_case(registrar, number, status="复核申请", last_event="申请复核")
    expect_in_worklist(city, number)
    case_act(city, number, "accept_rereview", "受理复核")
    expect_case(city, number, status="复核中", last_event="受理复核")
    case_act(city, number, "answer_rereview", "出具复核意见（终结）", select={"复查/复核结论": "维持原处理意见"},
        fill={"查明事实与理由": "维持复查意见。", "法律政策依据": "信访工作条例第36条"})

    # The end: 已终结, nothing more to do, gone from the worklist, the whole path in 办理经过.
    expect_case(city, number, status="已终结", last_event="出具复核意见（终结）", transition="复核中 → 已终结")
    expect(city.locator("#actions")).to_contain_text("当前没有您可以办理的操作")
    assert offered_actions(city) == set()
    expect_in_worklist(city, number, present=False)
    city.goto(f"/cases/{number}/")
    steps = city.locator("ol.timeline > li > strong").all_inner_texts()
    assert steps == ["登记", "交办", "受理", "提交处理意见", "审核通过并送达处理意见", "申请复查", "受理复查",
                     "出具复查意见", "申请复核", "受理复核", "出具复核意见（终结）"]
    case = Case.objects.get(number=number)
    assert case.status == "concluded" and not case.is_open


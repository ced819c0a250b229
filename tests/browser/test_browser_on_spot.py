"""现场办结 in a real browser: a registrar resolves a simple matter at the window in the same
step as registering it — the on-the-spot inputs appear when the box is ticked, a missing
input is named beside it with everything typed kept, and the case page shows the matter
closed with both steps on its timeline."""
import pytest
from playwright.sync_api import expect

from xinfang.core.models import Case

from .support import CHROMIUM, CHROMIUM_MISSING, registration_fill

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def submit(page, name: str):
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/register/")) as answer:
        page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()
    return answer.value.status


def test_a_matter_registered_and_resolved_at_the_window(staff, tree):
    page = staff("registrar")
    page.goto("/register/")
    registration_fill(page, title="咨询低保申请材料", content="咨询办理最低生活保障需要提交哪些材料。")
    form = page.locator("#register-form")
    outcome = form.get_by_label("办理情况")
    expect(outcome).to_be_hidden()                      # only for a matter resolved on the spot
    expect(form.get_by_role("button", name="登记", exact=True)).to_be_visible()
    form.get_by_label("本单位已当场解决，登记同时办结").check()
    expect(outcome).to_be_visible()
    form.get_by_label("办结场合").select_option(label="接待窗口当场办结")
    form.get_by_label("信访人确认方式").select_option(label="信访人签字确认")

    # 办理情况 left empty: refused, named, nothing registered, nothing lost.
    assert submit(page, "登记并办结") == 422
    expect(page.locator(".banner.error")).to_contain_text("办理情况为必填项")
    expect(page.locator("#on-spot .error")).to_contain_text("办理情况为必填项")
    expect(form.get_by_label("本单位已当场解决，登记同时办结")).to_be_checked()
    expect(form.get_by_label("办结场合")).to_have_value("window")
    expect(form.get_by_label("标题")).to_have_value("咨询低保申请材料")
    assert Case.objects.count() == 0

    form.get_by_label("办理情况").fill("当场告知所需材料清单并发放办事指南，信访人表示清楚。")
    form.get_by_label("当场满意度评价").select_option(label="满意")
    assert submit(page, "登记并办结") == 302
    expect(page.locator(".messages")).to_contain_text("登记并现场办结")
    expect(page.locator(".badge-status")).to_have_text("已办结")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("登记")
    expect(timeline).to_contain_text("现场办结")
    expect(timeline).to_contain_text("接待窗口当场办结")
    expect(timeline).to_contain_text("当场告知所需材料清单")
    case = Case.objects.get()
    assert (case.status, case.petition.resolved_on_spot, case.petition.satisfaction) == ("closed", True, "satisfied")

"""The public portal in a real browser, on a phone: a resident submits a petition with a
picture, follows it with the query code, and rates the answer later from another phone.

`portal_shoot` (below) also writes screenshots of every portal page at desktop and phone
widths; `tests/browser/screenshots.py` calls it for `make screenshots`."""
import os
import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

try:
    from .support import CHROMIUM, CHROMIUM_MISSING, DESKTOP, PHONE, context_new
except ImportError:  # imported by screenshots.py, which puts this folder on sys.path
    from support import CHROMIUM, CHROMIUM_MISSING, DESKTOP, PHONE, context_new

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
]

# A real 1×1 PNG: the portal judges an upload by its first bytes.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c00000000049454e44ae426082")
RESIDENT = dict(name="李四", phone="13912345678", address="示范区甲街道幸福路8号")

# How far the page is wider than the window (0 = nothing sticks out sideways).
OVERFLOW_JS = "() => document.documentElement.scrollWidth - window.innerWidth"


def captcha_answer_from_db(key: str) -> str:
    """Test-only: the answer as the server keeps it, read through Django in the test process.
    Nothing in the application serves it; production has no switch that skips the check."""
    from xinfang.portal.models import CaptchaChallenge

    return CaptchaChallenge.objects.get(key=key).answer


def portal_fill(page, *, title: str = "小区路灯长期损坏", request: str = "请尽快修复小区路灯。",
                facts: str = "幸福路8号小区路灯已损坏两个月，夜间出行不便，曾向物业反映未果。",
                person: dict = RESIDENT, files: list[dict] | None = None):
    """Type a petition into the portal form (page already on it), as a resident would."""
    page.get_by_label("姓名").fill(person["name"])
    page.get_by_label("联系电话").fill(person["phone"])
    page.get_by_label("住址").fill(person["address"])
    page.get_by_label("标题").fill(title)
    page.get_by_label(re.compile(r"^诉求")).fill(request)
    page.get_by_label("事实和理由").fill(facts)
    if files:
        page.get_by_label("上传图片或 PDF").set_input_files(files)


def captcha_solve(page, answer_for=captcha_answer_from_db):
    key = page.locator("input[name=captcha_key]").get_attribute("value")
    page.locator("#f-captcha").fill(answer_for(key))


def portal_submit(page, answer_for=captcha_answer_from_db, **fill) -> tuple[str, str]:
    """Fill, solve, submit; returns (case number, query code) as the result page shows them."""
    page.goto("/portal/submit/")
    portal_fill(page, **fill)
    captcha_solve(page, answer_for)
    page.get_by_role("button", name="提交信访事项").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    return page.locator("#case-number").inner_text().strip(), page.locator("#query-code").inner_text().strip()


def portal_follow(page, query_code: str):
    page.goto("/portal/follow/")
    page.get_by_label("查询码").fill(query_code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#status-label")).to_be_visible()


def portal_shoot(browser, base_url: str, out: Path, *, answer_for=None, answered_code: str | None = None) -> list[Path]:
    """PNGs of each portal page at desktop (1280) and phone (390) widths into `out`.
    With `answer_for(captcha_key) -> answer` it also submits a petition (the result page and
    the new matter); with `answered_code`, the page of a matter with an answer to rate.
    Returns the files written; prints a warning for a page wider than the screen."""
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for size_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = context_new(browser, base_url, viewport=viewport)
        page = context.new_page()

        def save(name: str, page=page, size_name=size_name) -> None:
            page.wait_for_load_state("networkidle")
            path = out / f"portal-{name}-{size_name}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
            if (wider := page.evaluate(OVERFLOW_JS)) > 0:
                print(f"!! {path.name}: {wider} px wider than the screen", file=sys.stderr)

        for name, url in (("home", "/portal/"), ("submit", "/portal/submit/"), ("guide", "/portal/guide/"),
                          ("guide-scope", "/portal/guide/scope/"), ("guide-routes", "/portal/guide/routes/"),
                          ("guide-limits", "/portal/guide/limits/"), ("privacy", "/portal/privacy/"),
                          ("follow", "/portal/follow/")):
            page.goto(url)
            save(name)
        # The form refused: nothing typed but a bad phone number and a wrong captcha.
        page.goto("/portal/submit/")
        page.get_by_label("联系电话").fill("12345")
        page.locator("#f-captcha").fill("999")
        page.get_by_role("button", name="提交信访事项").click()
        save("submit-error")
        page.get_by_role("button", name="改用文字题（读屏可用）").click()
        save("submit-text-captcha")
        page.goto("/portal/follow/")
        page.get_by_label("查询码").fill("ZZZZZZZZZZ")
        page.get_by_role("button", name="查询").click()
        save("follow-not-found")
        if answer_for is not None:
            portal_submit(page, answer_for, files=[{"name": "路灯.png", "mimeType": "image/png", "buffer": PNG}])
            save("submitted")
            page.get_by_role("link", name="查看办理进度").click()
            save("matter-new")
        if answered_code:
            portal_follow(page, answered_code)
            save("matter-answered")
        context.close()
    return saved


# --- the tests ---------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_resident_on_a_phone_submits_follows_and_rates(chromium, server_url, tree):
    from xinfang.core.models import Attachment, Case
    from xinfang.petitions.tests.builders import ANSWER, act

    phone = context_new(chromium, server_url, viewport=PHONE)
    page = phone.new_page()
    page.goto("/portal/")
    page.get_by_role("link", name="我要信访").first.click()
    expect(page.get_by_role("heading", name="我要信访")).to_be_visible()
    # The data notice is on the form itself, before the button.
    expect(page.locator(".notice")).to_contain_text("看不到")
    assert page.evaluate(OVERFLOW_JS) == 0

    # First try: the captcha wrong. Refused, typed values kept, the picture to choose again.
    portal_fill(page, files=[{"name": "路灯.png", "mimeType": "image/png", "buffer": PNG}])
    page.locator("#f-captcha").fill("999")
    page.get_by_role("button", name="提交信访事项").click()
    expect(page.locator(".error-summary")).to_contain_text("验证码计算结果不正确")
    expect(page.get_by_label("姓名")).to_have_value(RESIDENT["name"])
    expect(page.get_by_label("事实和理由")).to_have_value(re.compile("路灯已损坏两个月"))
    assert Case.objects.count() == 0

    # Second try: the picture again, the new captcha solved.
    page.get_by_label("上传图片或 PDF").set_input_files([{"name": "路灯.png", "mimeType": "image/png", "buffer": PNG}])
    captcha_solve(page)
    page.get_by_role("button", name="提交信访事项").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    number, code = page.locator("#case-number").inner_text(), page.locator("#query-code").inner_text()
    expect(page.locator(".save-advice")).to_contain_text("保存查询码")
    expect(page.locator("ol.steps")).to_contain_text("决定是否受理并告知您")
    assert page.evaluate(OVERFLOW_JS) == 0
    case = Case.objects.get(number=number)
    assert (case.query_code, case.registered_unit, case.petition.channel) == (code, tree.bureau, "web")
    assert Attachment.objects.filter(case=case, actor_kind="public").count() == 1

    # Straight to its progress: registered, the acceptance clock running, nobody's name shown.
    page.get_by_role("link", name="查看办理进度").click()
    expect(page.locator("#status-label")).to_have_text("已登记，待受理")
    expect(page.locator(".deadlines")).to_contain_text("受理告知")
    expect(page.locator(".deadlines")).to_contain_text("还剩")
    expect(page.locator("main")).not_to_contain_text(RESIDENT["name"])
    expect(page.locator("main")).not_to_contain_text(RESIDENT["phone"])
    page.get_by_role("button", name="结束查看").click()
    expect(page.get_by_label("查询码")).to_be_visible()
    phone.close()

    # The organs do their part (through the services: the staff pages have their own test).
    act(case, tree.registrar, "assign", unit_id=tree.street_a.pk)
    act(case, tree.handler_a, "accept")
    act(case, tree.handler_a, "submit_answer", **ANSWER)
    act(case, tree.reviewer_a, "approve_answer")

    # Later, on another phone: a wrong code first, then the right one typed in lower case.
    later = context_new(chromium, server_url, viewport=PHONE)
    page = later.new_page()
    page.goto("/portal/follow/")
    page.get_by_label("查询码").fill("ZZZZZZZZZZ")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#e-query_code")).to_have_text("查询码不存在，请核对后重新输入。")
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#status-label")).to_have_text("已出具处理意见")
    expect(page.locator(".answer")).to_contain_text(ANSWER["facts"])
    assert page.evaluate(OVERFLOW_JS) == 0

    page.get_by_label("不满意").check()
    page.get_by_label("评价意见").fill("路灯修了又坏。")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".messages")).to_contain_text("感谢您的评价")
    expect(page.locator("#rated")).to_contain_text("不满意")
    expect(page.locator("#appeal-hint")).to_contain_text(re.compile(r"可于\d{4}年\d{2}月\d{2}日前向示范区申请复查"))
    expect(page.get_by_role("button", name="提交评价")).to_have_count(0)
    expect(page.get_by_role("heading", name="网上请求复查")).to_be_visible()
    case.refresh_from_db()
    assert case.petition.satisfaction == "unsatisfied" and case.status == "answered"
    later.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_portal_pages_fit_a_phone_and_a_desktop(chromium, server_url, tree):
    """Every portal page at both widths, nothing wider than the screen; the PNGs go to
    $XINFANG_SCREENSHOTS_DIR when set (to look at), else to a temporary folder."""
    from xinfang.core.models import Case
    from xinfang.petitions.tests.builders import ANSWER, act

    out = Path(os.environ.get("XINFANG_SCREENSHOTS_DIR") or "/tmp/xinfang-portal-shots")
    # A matter with an answer to rate, submitted through the portal itself.
    context = context_new(chromium, server_url)
    _, code = portal_submit(context.new_page())
    context.close()
    case = Case.objects.get(query_code=code)
    act(case, tree.registrar, "assign", unit_id=tree.street_a.pk)
    act(case, tree.handler_a, "accept")
    act(case, tree.handler_a, "submit_answer", **ANSWER)
    act(case, tree.reviewer_a, "approve_answer")

    saved = portal_shoot(chromium, server_url, out, answer_for=captcha_answer_from_db, answered_code=code)
    assert len(saved) == 2 * 14
    # The overflow check again, as an assert: no page scrolls sideways on a phone.
    phone = context_new(chromium, server_url, viewport=PHONE)
    page = phone.new_page()
    for url in ("/portal/", "/portal/submit/", "/portal/follow/", "/portal/guide/", "/portal/guide/scope/",
                "/portal/guide/routes/", "/portal/guide/limits/", "/portal/privacy/"):
        page.goto(url)
        assert page.evaluate(OVERFLOW_JS) == 0, url
    portal_follow(page, code)
    assert page.evaluate(OVERFLOW_JS) == 0
    phone.close()

"""What the browser tests and the screenshot script share: how Debian's chromium is started
(never a browser Playwright downloads) and how a member of staff logs in."""
import re
from pathlib import Path

from playwright.sync_api import expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                    "(apt-get install chromium fonts-noto-cjk, or `bash scripts/ensure-chromium.sh`)")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "pass-12345"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# A page of this app answers in well under a second; a stuck test should fail fast, not in 30 s.
TIMEOUT_MS = 10_000


def chromium_launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def context_new(browser, base_url: str, *, viewport: dict = DESKTOP):
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(TIMEOUT_MS)
    return context


def login(context, username: str, password: str = PASSWORD):
    """Log in through the login form, as a person would; returns the page on the worklist."""
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作台")).to_be_visible()
    return page


# --- what a user does on the pages --------------------------------------------------------

VALID_ID = "11010519491231002X"


def registration_fill(page, *, title: str = "小区路灯损坏", content: str = "某小区路灯长期损坏，夜间出行不便。",
                      channel: str = "来访", people: list[dict] | None = None, person_count: int | None = None):
    """Type a petition into the registration form (page already on /register/)."""
    people = people if people is not None else [
        dict(name="张三", id_number=VALID_ID, phone="13800138000", address="示范区甲街道幸福路1号")]
    page.get_by_label("标题").fill(title)
    page.get_by_label("诉求与事实理由").fill(content)
    page.get_by_label("来源渠道").select_option(label=channel)
    if person_count is not None:
        page.get_by_label("人数", exact=True).fill(str(person_count))
    for i, person in enumerate(people, start=1):
        page.get_by_label(f"第{i}人姓名").fill(person["name"])
        for key, label in (("id_number", "身份证号"), ("phone", "电话"), ("address", "住址")):
            if person.get(key):
                page.get_by_label(f"第{i}人{label}").fill(person[key])
        if person.get("representative"):
            page.get_by_label(f"第{i}人为代表").check()


def offered_actions(page) -> set[str]:
    """The action codes of the forms the case page offers (each form is `details#act-<code>`)."""
    return {i.removeprefix("act-") for i in
            page.locator("#actions details.action").evaluate_all("els => els.map(e => e.id)")}


def case_act(page, number: str, action: str, label: str, *, fill: dict | None = None, select: dict | None = None):
    """Open the case page, unfold the action's form, fill it, submit it; the page must confirm."""
    page.goto(f"/cases/{number}/")
    form = page.locator(f"#act-{action}")
    expect(form.locator("summary")).to_contain_text(label)
    form.locator("summary").click()
    for field, option in (select or {}).items():
        # By the text a user reads; unit names are indented by their depth in the tree.
        box = form.get_by_label(field)
        choice = box.locator("option").filter(has_text=re.compile(rf"^\s*{re.escape(option)}\s*$"))
        box.select_option(value=choice.get_attribute("value"))
    for field, text in (fill or {}).items():
        form.get_by_label(field).fill(text)
    form.get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"已完成「{label}」")

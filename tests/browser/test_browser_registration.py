"""The registration form in a real browser: a bad ID number, a collective visit, and a form
that can be used with the keyboard alone and whose every field is labelled."""
import pytest
from playwright.sync_api import expect

from xinfang.core.models import Case

from .support import CHROMIUM, CHROMIUM_MISSING, VALID_ID, registration_fill

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BAD_ID = "110105194912310021"  # VALID_ID with a wrong check digit

# Every input of the form, by the label a screen reader announces (a new unlabelled input
# makes the count check below fail).
FIELD_LABELS = ["标题", "诉求与事实理由", "来源渠道", "诉求类型", "收到日期", "人数", "接待层级", "越级", "分类",
                "发生地", "被反映单位", "本单位已当场解决，登记同时办结"] + [f"第{i}人{what}" for i in range(1, 6)
                                          for what in ("姓名", "身份证号", "电话", "住址", "为代表")]


def registration_page(staff):
    page = staff("registrar")
    page.goto("/register/")
    expect(page.get_by_role("heading", name="登记信访事项")).to_be_visible()
    return page


def submit(page, name: str = "登记"):
    """Click the submit button; return the status of the POST's answer."""
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/register/")) as answer:
        page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()
    return answer.value.status


def test_a_wrong_check_digit_is_shown_at_the_row_and_the_typed_values_are_kept(staff, tree):
    page = registration_page(staff)
    registration_fill(page, title="楼道积水", content="楼道长期积水，无人处理。", channel="来信",
                      people=[dict(name="李四", id_number=BAD_ID, phone="13900139000", address="一社区3号楼")])
    assert submit(page) == 422

    expect(page.locator(".banner.error")).to_contain_text("未能登记")
    # The message sits in the line right under the row holding the ID number.
    row = page.locator("table.people tbody tr", has=page.get_by_label("第1人身份证号"))
    expect(row.locator("xpath=following-sibling::tr[1]")).to_contain_text("身份证号校验位不正确")
    expect(page.locator("table.people .error")).to_have_count(1)
    # Nothing typed is lost.
    expect(page.get_by_label("标题")).to_have_value("楼道积水")
    expect(page.get_by_label("诉求与事实理由")).to_have_value("楼道长期积水，无人处理。")
    expect(page.get_by_label("来源渠道")).to_have_value("letter")
    expect(page.get_by_label("第1人姓名")).to_have_value("李四")
    expect(page.get_by_label("第1人身份证号")).to_have_value(BAD_ID)
    expect(page.get_by_label("第1人电话")).to_have_value("13900139000")
    expect(page.get_by_label("第1人住址")).to_have_value("一社区3号楼")
    assert Case.objects.count() == 0

    # Corrected in place, it registers.
    page.get_by_label("第1人身份证号").fill(VALID_ID)
    assert submit(page) == 302
    expect(page.locator(".messages")).to_contain_text("登记成功")
    assert Case.objects.count() == 1


def test_a_collective_visit_is_flagged_with_its_representatives(staff, tree):
    page = registration_page(staff)
    people = [dict(name=n, phone=f"1380013800{i}", representative=i < 2)
              for i, n in enumerate(["赵一", "钱二", "孙三", "李四", "周五"])]
    registration_fill(page, title="集体反映拖欠工资", content="某工地拖欠十余名工人工资三个月。", people=people,
                      person_count=12)
    assert submit(page) == 302
    expect(page.locator(".messages")).to_contain_text("登记成功")

    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("12 人")
    expect(facts.locator(".badge", has_text="集体访")).to_be_visible()
    parties = page.locator("section.card", has=page.get_by_role("heading", name="信访人"))
    expect(parties.locator("tbody tr")).to_have_count(5)
    expect(parties.locator(".badge", has_text="代表")).to_have_count(2)
    case = Case.objects.get()
    assert case.petition.is_collective and case.petition.person_count == 12


def test_a_single_visitor_is_not_collective(staff, tree):
    page = registration_page(staff)
    registration_fill(page)
    assert submit(page) == 302
    expect(page.locator("dl.facts").first.locator(".badge", has_text="集体访")).to_have_count(0)


def test_every_field_of_the_form_has_a_label(staff, tree):
    page = registration_page(staff)
    form = page.locator("form.form-grid")
    # The representatives' boxes appear for a collective visit only (5 people or more).
    single = [label for label in FIELD_LABELS if not label.endswith("为代表")]
    for label in single:
        field = form.get_by_label(label)
        expect(field, f"no single field labelled {label}").to_have_count(1)
        expect(field).to_be_visible()
    controls = form.locator("input:visible, select:visible, textarea:visible")
    assert controls.count() == len(single)
    form.get_by_label("人数", exact=True).fill("5")
    for label in FIELD_LABELS:
        expect(form.get_by_label(label)).to_be_visible()
    assert controls.count() == len(FIELD_LABELS)


def test_the_form_can_be_filled_and_sent_with_the_keyboard_alone(staff, tree):
    page = registration_page(staff)
    keys = page.keyboard

    def tab_to(name: str, limit: int = 12) -> list[str]:
        """Press Tab until the field `name` has the focus; the names passed on the way."""
        passed = []
        for _ in range(limit):
            keys.press("Tab")
            focused = page.evaluate("document.activeElement && (document.activeElement.name || "
                                    "document.activeElement.textContent.trim())")
            if focused == name:
                return passed
            passed.append(focused)
        raise AssertionError(f"{name} not reached by Tab; focus went through {passed}")

    # The cursor starts in 标题 (autofocus): no need to Tab past the top bar.
    assert page.evaluate("document.activeElement.name") == "title"
    keys.type("小区噪音扰民")
    assert tab_to("content") == []
    keys.type("夜间施工噪音严重，影响休息。")
    assert tab_to("channel") == []
    keys.press("ArrowDown")   # 来信
    keys.press("ArrowDown")   # 来访
    # The rest of 事项 in reading order, then the first petitioner's row.
    skipped = tab_to("p0-name", limit=30)
    assert [n for i, n in enumerate(skipped) if n not in skipped[:i]] == [
        "claim_type", "received_date", "person_count", "reception_level", "is_skip_level", "category_id",
        "place_unit_id", "accused_unit_id"]
    keys.type("王五")
    assert tab_to("p0-id_number") == []
    keys.type(VALID_ID.lower())  # a lower-case x is the same ID number
    assert tab_to("p0-phone") == []
    keys.type("13700137000")
    # Enter moves on (a half-typed form is never sent by accident); Ctrl+Enter registers.
    keys.press("Enter")
    assert page.evaluate("document.activeElement.name") == "p0-address"
    assert Case.objects.count() == 0
    with page.expect_navigation():
        keys.press("Control+Enter")

    expect(page.locator(".messages")).to_contain_text("登记成功")
    expect(page.get_by_role("heading", name="小区噪音扰民")).to_be_visible()
    expect(page.locator("dl.facts").first).to_contain_text("来访")
    case = Case.objects.get()
    assert case.petition.channel == "visit"
    assert case.petitioners.get().id_number == VALID_ID


# --- a collective visit at the window, with the keyboard only -------------------------------

def focused(page) -> str:
    return page.evaluate("document.activeElement && (document.activeElement.name || document.activeElement.id || "
                         "document.activeElement.textContent.trim())")


def test_a_registrar_registers_a_collective_visit_and_prints_the_receipt_with_the_keyboard_only(staff, tree):
    page = registration_page(staff)
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    keys = page.keyboard
    # The cursor starts in 标题: no mouse, no Tab hunt.
    assert focused(page) == "title"
    keys.type("集体反映拖欠工资")
    keys.press("Tab")
    keys.type("某工地拖欠三十余名工人工资三个月。")
    keys.press("Enter")                         # a new line in the text, not a submission
    keys.type("请求督促支付。")
    expect(page.get_by_label("诉求与事实理由")).to_have_value("某工地拖欠三十余名工人工资三个月。\n请求督促支付。")
    keys.press("Tab")
    assert focused(page) == "channel"
    keys.press("ArrowDown")
    keys.press("ArrowDown")                     # 来访
    # Representatives are not asked for until the visit is collective.
    expect(page.get_by_label("第1人为代表")).to_be_hidden()
    expect(page.locator(".collective-note")).to_be_hidden()
    while focused(page) != "person_count":
        keys.press("Tab")
    keys.press("Control+a")
    keys.type("32")
    expect(page.get_by_label("第1人为代表")).to_be_visible()
    expect(page.locator(".collective-note")).to_contain_text("不超过5人")
    while focused(page) != "p0-name":
        keys.press("Enter")                     # Enter walks field to field, sending nothing
    assert Case.objects.count() == 0

    people = [("赵一", BAD_ID, True), ("钱二", "", True), ("孙三", "", False), ("李四", "", False), ("周五", "", True)]
    for i, (name, id_number, representative) in enumerate(people):
        assert focused(page) == f"p{i}-name"
        keys.type(name)
        keys.press("Tab")
        if id_number:
            keys.type(id_number[:10])
            expect(page.locator(f"#p{i}-id-check")).to_have_text("已输入 10/18 位")
            keys.type(id_number[10:])
            # The wrong check digit is caught as it is typed, before anything is sent.
            expect(page.locator(f"#p{i}-id-check")).to_have_text("身份证号校验位不正确，请核对。")
            expect(page.get_by_label(f"第{i + 1}人身份证号")).to_have_attribute("aria-invalid", "true")
            keys.press("Backspace")
            keys.type(VALID_ID[-1])
            expect(page.locator(f"#p{i}-id-check")).to_have_text("✓ 校验通过")
        keys.press("Tab")
        keys.type(f"1380013800{i}")
        keys.press("Tab")
        keys.press("Tab")                       # 住址 left empty
        assert focused(page) == f"p{i}-is_representative"
        if representative:
            keys.press("Space")
        keys.press("Tab")

    with page.expect_navigation():
        keys.press("Alt+s")                     # the access key of 登记
    expect(page.locator(".messages")).to_contain_text("登记成功")
    case = Case.objects.get()
    assert case.petition.is_collective and case.petition.person_count == 32
    assert list(case.petitioners.filter(is_representative=True).order_by("order").values_list("name", flat=True)) \
        == ["赵一", "钱二", "周五"]
    assert case.petitioners.get(name="赵一").id_number == VALID_ID

    # The focus waits on 打印回执: Enter opens the receipt, Enter again prints it.
    assert focused(page) == "打印回执 Alt+P"
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.locator(".receipt")).to_contain_text(case.query_code)
    expect(page.locator(".receipt")).to_contain_text(case.number)
    expect(page.get_by_role("button", name="打印回执")).to_be_focused()
    keys.press("Enter")
    assert page.evaluate("window.__printed") == 1
    # And on to the next visitor.
    with page.expect_navigation():
        keys.press("Alt+n")
    expect(page.get_by_role("heading", name="登记信访事项")).to_be_visible()


def test_the_id_check_in_the_browser_agrees_with_the_server(staff, tree):
    import random

    from xinfang.core.identity import id_number_check_digit, id_number_problem

    page = registration_page(staff)
    rng = random.Random(11643)
    values = [VALID_ID, VALID_ID.lower(), BAD_ID, "", "123", "11010519491231002", "1101051949123100XX",
              "110105194902300012", "110105190002290011", "110105200002290012", "ABCDEFGHIJKLMNOPQR"]
    for _ in range(300):
        first = f"{rng.randint(110000, 659999)}{rng.randint(1900, 2025)}{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}" \
                f"{rng.randint(0, 999):03d}"
        last = id_number_check_digit(first) if rng.random() < .6 else rng.choice("0123456789X")
        values.append(first + last)
    server = [id_number_problem(v) for v in values]
    browser = page.evaluate("values => values.map(v => window.xinfangIdNumberProblem(v))", values)
    assert browser == server


def test_a_suggestion_button_fills_the_field_it_names(staff, tree):
    from xinfang.core.models import Category

    category = Category.objects.create(name="劳动保障")
    page = registration_page(staff)
    # What the intake fragment will hold (helper A): a button naming a field and a value.
    page.evaluate("""id => { document.getElementById('intake-suggest').innerHTML =
        '<button type="button" data-fill="category_id" data-value="' + id + '">采用：劳动保障</button>'; }""",
                  str(category.pk))
    page.get_by_role("button", name="采用：劳动保障").click()
    expect(page.get_by_label("分类")).to_have_value(str(category.pk))
    expect(page.get_by_label("分类")).to_be_focused()

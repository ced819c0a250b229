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
                "发生地", "被反映单位"] + [f"第{i}人{what}" for i in range(1, 6)
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
    for label in FIELD_LABELS:
        field = form.get_by_label(label)
        expect(field, f"no single field labelled {label}").to_have_count(1)
        expect(field).to_be_visible()
    controls = form.locator("input:visible, select:visible, textarea:visible")
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

    tab_to("title", limit=30)  # past the top bar's links
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
    with page.expect_navigation():
        keys.press("Enter")

    expect(page.locator(".messages")).to_contain_text("登记成功")
    expect(page.get_by_role("heading", name="小区噪音扰民")).to_be_visible()
    expect(page.locator("dl.facts").first).to_contain_text("来访")
    case = Case.objects.get()
    assert case.petition.channel == "visit"
    assert case.petitioners.get().id_number == VALID_ID

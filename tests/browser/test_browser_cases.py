"""The case list and the case page in a real browser: filtering, sorting, saving a filter,
exporting the list to Excel and opening the file; uploading attachments and previewing them."""
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from xinfang.core.models import Attachment
from xinfang.core.services import case_transition
from xinfang.petitions.services import petition_register
from xinfang.web.tests.files import EXE_BYTES, pdf_bytes, png_bytes

from .support import CHROMIUM, CHROMIUM_MISSING

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def register(tree, title: str, channel: str, *, assign_to=None):
    case = petition_register(actor=tree.registrar, data=dict(
        title=title, content=f"{title}，请求处理。", channel=channel,
        petitioners=[dict(name=f"{title[:2]}人", phone="13800138000")]))
    if assign_to is not None:
        case_transition(case=case, actor=tree.registrar, action="assign", version=case.version,
                        payload={"unit_id": assign_to.pk})
    return case


def list_numbers(page) -> list[str]:
    return page.locator("table.list tbody td:first-child a").all_inner_texts()


def test_a_registrar_filters_sorts_saves_and_exports_the_list(staff, tree):
    visits = [register(tree, f"来访事项{i}", "visit", assign_to=tree.street_a) for i in range(3)]
    register(tree, "来信事项", "letter")
    register(tree, "网上事项", "web", assign_to=tree.street_b)
    page = staff("registrar")
    page.get_by_role("link", name="案件查询").click()
    expect(page.get_by_role("heading", name="案件查询")).to_be_visible()
    assert len(list_numbers(page)) == 5

    filters = page.locator("#case-filters")
    filters.get_by_label("来源渠道").select_option(label="来访")
    filters.get_by_label("责任单位").select_option(label="\u3000\u3000甲街道")
    filters.get_by_role("button", name="查询").click()
    expect(page.locator(".list-summary")).to_contain_text("来源渠道：来访")
    assert sorted(list_numbers(page)) == sorted(c.number for c in visits)
    # The 编号 column head sorts, then sorts the other way.
    page.get_by_role("link", name="编号").click()
    assert list_numbers(page) == sorted(c.number for c in visits)
    page.get_by_role("link", name="编号↑").click()
    assert list_numbers(page) == sorted((c.number for c in visits), reverse=True)
    expect(filters.get_by_label("来源渠道")).to_have_value("visit")      # the conditions stay

    # Saved under a name, it comes back in one click from a clean list.
    saved = page.locator("#saved-filters")
    saved.get_by_label("保存当前条件为").fill("甲街道来访")
    saved.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存常用查询「甲街道来访」")
    page.get_by_role("link", name="清除").click()
    assert len(list_numbers(page)) == 5
    page.locator("#saved-filters").get_by_role("link", name="甲街道来访").click()
    assert list_numbers(page) == sorted((c.number for c in visits), reverse=True)

    # The export is the list on screen.
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.startswith("案件列表-")
    assert download.value.suggested_filename.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert "来源渠道：来访" in ws["A1"].value and "责任单位：甲街道" in ws["A1"].value
    assert [r[0].value for r in ws.iter_rows(min_row=4)] == list_numbers(page)
    assert [c.value for c in ws[3]][:3] == ["编号", "标题", "信访人"]


def test_a_bad_filter_in_the_address_is_explained(staff, tree):
    register(tree, "来信事项", "letter")
    page = staff("registrar")
    page.goto("/cases/?channel=pigeon&from=2026-02-30")
    expect(page.locator(".banner.error").first).to_contain_text("「来源渠道」的值“pigeon”无效，已忽略。")
    expect(page.locator(".banner.error").nth(1)).to_contain_text("「收到日期（起）」不是有效日期")
    assert len(list_numbers(page)) == 1


def test_attachments_are_uploaded_and_previewed_in_place(staff, tree, tmp_path):
    case = register(tree, "楼道积水", "visit")
    photo, letter, program = tmp_path / "现场照片.png", tmp_path / "来信扫描.pdf", tmp_path / "说明.pdf"
    photo.write_bytes(png_bytes(64, 48))
    letter.write_bytes(pdf_bytes())
    program.write_bytes(EXE_BYTES)
    page = staff("registrar")
    page.goto(f"/cases/{case.number}/")
    section = page.locator("#attachments")

    # A refused file: said why, nothing kept.
    section.get_by_label("上传附件").set_input_files([str(photo), str(program)])
    section.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator("#attachments .banner.error")).to_contain_text("附件「说明.pdf」的格式不被接受")
    assert not Attachment.objects.exists()

    page.locator("#attachments").get_by_label("上传附件").set_input_files([str(photo), str(letter)])
    page.locator("#attachments").get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已上传附件 2 个")
    items = page.locator("ul.attachments > li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("PNG 图片")
    expect(items.nth(1)).to_contain_text("PDF 文档")

    image = items.first.locator("img")
    assert image.get_attribute("src") is None              # not fetched until asked for
    items.first.get_by_text("预览").click()
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 64", arg=image.element_handle())
    items.nth(1).get_by_text("预览").click()
    frame = items.nth(1).locator("iframe")
    expect(frame).to_be_visible()
    # the src is set by the <details> toggle event, which fires after the frame shows: wait for it
    pk = Attachment.objects.get(name='来信扫描.pdf').pk
    expect(frame).to_have_attribute("src", re.compile(rf"/attachments/{pk}/$"))

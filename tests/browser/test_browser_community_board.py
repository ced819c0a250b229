"""The 平安创建 board in a real browser: a leader picks a quarter, reads a community's
missed target, follows a figure to the cases behind it and back, and exports the board."""
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from xinfang.community_board.tests.builders import cb, em, matters  # noqa: F401  (fixtures)

from .support import CHROMIUM, CHROMIUM_MISSING

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_leader_reads_the_board_and_the_cases_behind_a_figure(staff, cb, matters):  # noqa: F811
    # The matters were made in March 2026; the live server runs on the real clock, so the
    # board is read for that quarter by its dates.
    page = staff("leader")
    page.goto("/community-board/")
    filters = page.locator("#board-filters")
    filters.get_by_label("自").fill("2026-01-01")
    filters.get_by_label("至").fill("2026-03-31")
    filters.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("2026年第一季度")
    row = page.locator("#board-table tr", has=page.get_by_role("rowheader", name="一社区", exact=True))
    expect(row).to_contain_text("✗ 无越级集体访")
    expect(page.locator("#board-table tr", has=page.get_by_role("rowheader", name="三社区", exact=True))) \
        .to_contain_text("全部达标")

    # 一社区's 生产安全事故: the two accidents behind the figure.
    accidents = row.locator("td").nth(4)
    expect(accidents).to_have_text("2")
    accidents.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("一社区 · 生产安全事故")
    numbers = set(page.locator("#board-cases tbody td:first-child a").all_inner_texts())
    assert numbers == {matters.emergencies["fire"].number, matters.emergencies["large"].number}
    page.get_by_role("link", name="平安创建").first.click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("2026年第一季度")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    ws = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = {(r[0].value, r[1].value): r for r in ws.iter_rows(min_row=4)}
    headers = [c.value for c in ws[3]]
    assert rows[("甲街道", "一社区")][headers.index("生产安全事故")].value == 2

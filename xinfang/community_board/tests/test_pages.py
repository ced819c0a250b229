"""The board page, its links to the cases behind each figure, the xlsx (its figures equal
to the board's), errors explained, scope; and the API."""
import io

from openpyxl import load_workbook

from xinfang.api.services import api_token_issue
from xinfang.core import clock

from .builders import TODAY


def test_board_page_links_every_figure_to_its_cases(client, cb, matters):
    client.force_login(cb.leader)
    with clock.frozen(TODAY):
        page = client.get("/community-board/", {"period": "2026-Q1"}).content.decode()
        assert "2026年第一季度" in page and "一社区" in page and "甲街道合计" in page and "街道直属" in page
        assert "✗ 无越级集体访" in page and "全部达标" in page
        link = f'/community-board/cases/?figure=skip_collective&amp;unit={cb.community.pk}&amp;period=2026-Q1'
        assert link in page
        cases = client.get("/community-board/cases/", {"figure": "skip_collective", "unit": cb.community.pk,
                                                       "period": "2026-Q1"}).content.decode()
        assert matters.petitions["grid_skip_collective"].number in cases and "1 件" in cases
        assert matters.petitions["community"].number not in cases
        direct = client.get("/community-board/cases/", {"figure": "petitions", "unit": cb.street_a.pk,
                                                        "part": "direct", "period": "2026-Q1"}).content.decode()
        assert matters.petitions["street_a"].number in direct and "（街道直属）" in direct


def test_board_errors_are_explained_and_scope_holds(client, cb):
    client.force_login(cb.handler_b)
    with clock.frozen(TODAY):
        r = client.get("/community-board/", {"period": "2026-Q9", "unit": cb.street_a.pk})
        text = r.content.decode()
        assert r.status_code == 422 and "报表期间「2026-Q9」无效" in text and "不在您可查看的范围内" in text
        assert "三社区" in text and "一社区" not in text
        assert client.get("/community-board/cases/", {"figure": "petitions", "unit": cb.community.pk}).status_code == 404
        bad = client.get("/community-board/cases/", {"figure": "persons", "unit": cb.community_b.pk})
        assert bad.status_code == 422 and "数字「persons」无效" in bad.content.decode()
        assert client.get("/community-board/export/", {"period": "2026-Q9"}).status_code == 422


def test_export_has_the_figures_of_the_board(client, cb, matters):
    client.force_login(cb.leader)
    with clock.frozen(TODAY):
        r = client.get("/community-board/export/", {"period": "2026-Q1"})
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    headers = [c.value for c in ws[3]]
    assert headers[:4] == ["街道", "社区/村", "信访事项", "越级集体访"] and "无民转刑案件" in headers
    rows = {(row[0].value, row[1].value): {h: c.value for h, c in zip(headers, row)} for row in ws.iter_rows(min_row=4)}
    assert rows[("甲街道", "一社区")]["信访事项"] == 4 and rows[("甲街道", "一社区")]["无越级集体访"] == "未达标"
    assert rows[("甲街道", "（合计）")]["信访事项"] == 6 and rows[("合计", "（合计）")]["生产安全事故"] == 3
    assert rows[("乙街道", "三社区")]["无民转刑案件"] == "达标"


def test_api_board_and_cases(client, cb, matters):
    token = api_token_issue(user=cb.leader, name="t")[1]
    h = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    with clock.frozen(TODAY):
        board = client.get("/api/v1/community-board", {"period": "2026-Q1"}, **h).json()
        rows = {r["label"]: r for r in board["rows"]}
        assert board["label"] == "2026年第一季度（截至2026年3月20日）" and rows["一社区"]["figures"]["skip_collective"] == 1
        assert not rows["一社区"]["all_met"] and rows["三社区"]["all_met"]
        assert {t["name"]: t["met"] for t in rows["二社区"]["targets"]}["无民转刑案件"] is False
        cases = client.get("/api/v1/community-board/cases", {"period": "2026-Q1", "unit": cb.community.pk,
                                                             "figure": "accidents"}, **h).json()
        assert cases["total"] == 2 and cases["hidden"] == 0
        assert {i["number"] for i in cases["items"]} == {matters.emergencies["fire"].number,
                                                         matters.emergencies["large"].number}
        bad = client.get("/api/v1/community-board", {"period": "明年"}, **h)
        assert bad.status_code == 422 and bad.json()["field"] == "period"
        xlsx = client.get("/api/v1/community-board/board.xlsx", {"period": "2026-Q1"}, **h)
        assert xlsx.status_code == 200
    token_b = api_token_issue(user=cb.handler_b, name="t")[1]
    with clock.frozen(TODAY):
        hidden = client.get("/api/v1/community-board/cases", {"unit": cb.community.pk, "figure": "petitions"},
                            HTTP_AUTHORIZATION=f"Bearer {token_b}")
    assert hidden.status_code == 404

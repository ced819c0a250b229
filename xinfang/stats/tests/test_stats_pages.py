"""The statistics pages, the drill-down and the xlsx report, as a user meets them."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from xinfang.core import clock
from xinfang.petitions.tests.builders import act, register

DAY = dt.datetime(2026, 3, 2, 10)


@pytest.fixture
def cases(tree):
    with clock.frozen(DAY):
        a = register(tree, channel="visit", person_count=3, petitioners=[
            dict(name="甲", phone="13900000001"), dict(name="乙", phone="13900000002")])
        b = register(tree, channel="letter")
        c = register(tree, channel="higher")
        act(c, tree.registrar, "assign", unit_id=tree.street_a.pk)
    return a, b, c


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_figures_with_definitions_and_links_to_their_cases(client, tree, cases):
    with clock.frozen(DAY):
        page = _get(client, tree.leader, "/stats/", start="2026-03-01", end="2026-03-31")
    assert page.status_code == 200
    html = page.content.decode()
    assert "信访总量（批次）" in html and "期间内收到（按收到日期）的信访事项件数" in html
    figures = {f.key: f for f in page.context["figures"]}
    assert figures["volume_batches"].value == 3
    assert figures["volume_persons"].value == 5
    drill = figures["assigned_closed_rate"].href_denominator
    with clock.frozen(DAY):
        listed = client.get("/stats/" + drill)
    assert listed.status_code == 200
    assert [r["case"].number for r in listed.context["rows"]] == [cases[2].number]


def test_drill_down_lists_only_cases_the_user_may_open(client, tree, cases):
    # handler_a (甲街道, own unit) sees only the assigned case among the three
    with clock.frozen(DAY):
        page = _get(client, tree.handler_a, "/stats/cases/", indicator="volume_batches", part="numerator",
                    start="2026-03-01", end="2026-03-31", unit=tree.street_a.pk)
    assert page.status_code == 200
    assert page.context["rows"] == []  # registered by the bureau: not the street's volume
    with clock.frozen(DAY):
        page = _get(client, tree.leader, "/stats/cases/", indicator="volume_batches", part="numerator",
                    start="2026-03-01", end="2026-03-31")
    assert {r["case"].number for r in page.context["rows"]} == {c.number for c in cases}


def test_a_unit_outside_the_users_area_is_not_found(client, tree, cases):
    page = _get(client, tree.handler_a, "/stats/", unit=tree.street_b.pk)
    assert page.status_code == 404
    page = _get(client, tree.handler_a, "/stats/", unit=tree.street_a.pk)
    assert page.status_code == 200


@pytest.mark.parametrize("params,message", [
    ({"start": "2026-13-01"}, "开始日期「2026-13-01」不是有效日期"),
    ({"start": "2026-03-31", "end": "2026-03-01"}, "结束日期早于开始日期"),
    ({"unit": "abc"}, "单位参数无效"),
    ({"start": "2010-01-01", "end": "2026-01-01"}, "不能超过五年"),
])
def test_bad_filters_say_what_is_wrong_and_fall_back(client, tree, params, message):
    page = _get(client, tree.leader, "/stats/", **params)
    assert page.status_code == 200
    assert message in page.content.decode()


def test_unknown_indicator_is_404(client, tree):
    assert _get(client, tree.leader, "/stats/cases/", indicator="nope").status_code == 404
    assert _get(client, tree.leader, "/stats/cases/", indicator="volume_batches", part="x").status_code == 404


def test_report_xlsx_opens_and_adds_up(client, tree, cases):
    with clock.frozen(DAY):
        response = _get(client, tree.leader, "/stats/report.xlsx", start="2026-03-01", end="2026-03-31")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[0] == "主要指标"
    ws = wb["主要指标"]
    rows = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(4, ws.max_row + 1)}
    assert rows["信访总量（批次）"] == 3 and rows["信访总量（人次）"] == 5
    channel = wb["按渠道"]
    body = [(channel.cell(row=r, column=1).value, channel.cell(row=r, column=2).value)
            for r in range(4, channel.max_row)]
    assert sorted(body) == sorted([("来访", 1), ("来信", 1), ("上级交办", 1)])
    total_row = channel.max_row
    assert channel.cell(row=total_row, column=1).value == "合计"
    assert channel.cell(row=total_row, column=2).value == f"=SUM(B4:B{total_row - 1})"
    assert sum(v for _, v in body) == 3


def test_api_gives_the_same_figures_as_the_page(client, tree, cases):
    client.force_login(tree.leader)
    with clock.frozen(DAY):
        body = client.get("/api/v1/stats/indicators", {"start": "2026-03-01", "end": "2026-03-31"}).json()
        page = client.get("/stats/", {"start": "2026-03-01", "end": "2026-03-31"})
    by_key = {f["key"]: f for f in body["items"]}
    for f in page.context["figures"]:
        assert str(by_key[f.key]["value"]) == str(f.value), f.key
    assert by_key["volume_persons"]["value"] == 5
    with clock.frozen(DAY):
        volume = client.get("/api/v1/stats/volume", {"dimension": "channel", "start": "2026-03-01",
                                                      "end": "2026-03-31"}).json()
    assert sum(r["batches"] for r in volume["items"]) == 3


def test_api_refuses_bad_input_and_foreign_units(client, tree):
    client.force_login(tree.handler_a)
    bad = client.get("/api/v1/stats/indicators", {"start": "2026-02-30"})
    assert bad.status_code == 422 and bad.json()["field"] == "start"
    assert client.get("/api/v1/stats/indicators", {"unit": tree.street_b.pk}).status_code == 404
    assert client.get("/api/v1/stats/volume", {"dimension": "shoe_size"}).status_code == 422
    assert client.get("/api/v1/stats/indicators/nope").status_code == 404
    client.logout()
    assert client.get("/api/v1/stats/indicators").status_code == 401

"""The leader's dashboard and the statistics page's hot topics, as a leader meets them: the
figures of the speeches with 同比, each drilling down to exactly its cases; the open matters
due soon and overdue; breakdown rows and hot topics listing their cases; bad filters answered
with a message or a 404, never a 500; the reader's area kept; a fixed number of queries."""
import datetime as dt
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinfang.core import clock
from xinfang.core.models import Category
from xinfang.petitions.tests.builders import act, build_on, register
from xinfang.stats.dashboard import DASHBOARD_GROUPS, rising_by
from xinfang.stats.indicators import Scope

DAY = dt.datetime(2026, 3, 20, 10)
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def categories(db):
    top = Category.objects.create(name="城乡建设")
    return {"top": top, "leaf": Category.objects.create(name="物业管理", parent=top),
            "other": Category.objects.create(name="劳动和社会保障")}


@pytest.fixture
def cases(tree, categories):
    """March 2026: three petitions at the bureau (one visit of 3 people, one letter, one
    assigned from above and accepted by 甲街道), and one the same month last year."""
    with clock.frozen(DAY):
        a = register(tree, channel="visit", person_count=3, place_unit_id=tree.street_a.pk,
                     category_id=categories["leaf"].pk)
        b = register(tree, channel="letter", category_id=categories["other"].pk)
        c = register(tree, channel="higher", place_unit_id=tree.street_b.pk, category_id=categories["top"].pk)
        act(c, tree.registrar, "assign", unit_id=tree.street_a.pk)
        act(c, tree.handler_a, "accept")
    with clock.frozen(dt.datetime(2025, 3, 10, 10)):
        register(tree, channel="visit")
    return a, b, c


def _get(client, user, url, params=None, day=DAY):
    client.force_login(user)
    with clock.frozen(day):
        return client.get(url, params or {})


def _listed(client, href: str, day=DAY) -> set[str]:
    """The case numbers a drill-down link lists (every page)."""
    with clock.frozen(day):
        page = client.get(href)
    assert page.status_code == 200, href
    numbers = {r["case"].number for r in page.context["rows"]}
    assert page.context["page"].paginator.count == len(numbers)
    return numbers


# --- the dashboard ---------------------------------------------------------------------------

def test_dashboard_has_the_speech_figures_each_drilling_down_to_its_cases(client, tree, cases):
    page = _get(client, tree.leader, "/stats/dashboard/", MARCH)
    assert page.status_code == 200
    html = page.content.decode()
    figures = {f.key: f for _, group in page.context["groups"] for f in group}
    assert list(figures) == [k for _, keys in DASHBOARD_GROUPS for k in keys]
    for label in ("信访总量（批次）", "信访总量（人次）", "初信初访按期办结率", "上级交办件办结率", "领导接访事项办结率",
                  "重复信访占比", "越级信访占比", "积案化解率", "满意率", "受理调解矛盾纠纷", "达成调解协议",
                  "期末未销号隐患", "其中重大隐患", "在办", "临期", "超期", "热点问题"):
        assert label in html, label
    volume = figures["volume_batches"]
    assert (volume.value, volume.previous, str(volume.change_pct)) == (3, 1, "200.0")
    assert "上年同期 1，同比 <span class=\"up\">+200.0%</span>" in html
    assert figures["volume_persons"].value == 5
    assert _listed(client, volume.href_numerator) == {c.number for c in cases}
    assigned = figures["assigned_closed_rate"]
    assert assigned.denominator == 1 and _listed(client, assigned.href_denominator) == {cases[2].number}
    # Every figure that counts cases links to a list of as many cases as it says.
    for f in figures.values():
        if f.href_numerator and f.numerator is not None and f.unit_label == "%":
            assert len(_listed(client, f.href_numerator)) == f.numerator, f.key
            assert len(_listed(client, f.href_denominator)) == f.denominator, f.key
    # The stats page links to the dashboard and back.
    assert 'href="/stats/dashboard/?start=2026-03-01&amp;end=2026-03-31"' in _get(
        client, tree.leader, "/stats/", MARCH).content.decode()
    assert 'href="/stats/?start=2026-03-01&amp;end=2026-03-31"' in html


def test_dashboard_defaults_to_this_year_and_the_readers_area(client, tree, cases):
    page = _get(client, tree.handler_a, "/stats/dashboard/")
    scope = page.context["scope"]
    assert (scope.start, scope.end, scope.unit) == (dt.date(2026, 1, 1), dt.date(2026, 3, 20), tree.street_a)
    assert "领导驾驶舱 · 甲街道" in page.content.decode()
    # 本月 / 本季度 / 本年 / 上年 keep the unit.
    presets = {p["label"]: p for p in page.context["presets"]}
    assert presets["本年"]["current"] and f"unit={tree.street_a.pk}" in presets["上年"]["query"]
    assert "start=2025-01-01&end=2025-12-31" in presets["上年"]["query"]
    # The trend is this year by month beside last year.
    assert [t["month"] for t in page.context["trend"]] == ["2026-01", "2026-02", "2026-03"]


def test_open_matters_due_soon_and_overdue_link_to_the_case_list(client, tree):
    build_on(tree, "accepted", title="超期未办")                    # accepted 2 March: handling due early May
    build_on(tree, "registered", day=dt.date(2026, 6, 10), title="刚登记")
    day = dt.datetime(2026, 6, 12, 9)
    page = _get(client, tree.leader, "/stats/dashboard/", {"start": "2026-01-01", "end": "2026-06-12"}, day=day)
    deadlines = {d["key"]: d for d in page.context["deadlines"]}
    assert (deadlines["open"]["num"], deadlines["overdue"]["num"]) == (2, 1)
    with clock.frozen(day):
        listed = client.get(deadlines["overdue"]["url"])
    assert [r["case"].title for r in listed.context["rows"]] == ["超期未办"]
    assert deadlines["due_soon"]["url"] == "/cases/?deadline=due_soon"


def test_dashboard_keeps_to_the_readers_area_and_refuses_bad_filters(client, tree, cases):
    assert _get(client, tree.handler_a, "/stats/dashboard/", {"unit": tree.street_b.pk}).status_code == 404
    for params, message in [({"start": "2026-02-30"}, "开始日期「2026-02-30」不是有效日期"),
                            ({"period": "2026-Q7"}, "报表期间「2026-Q7」无效"),
                            ({"unit": "x"}, "单位参数无效"),
                            ({"start": "2026-03-31", "end": "2026-03-01"}, "结束日期早于开始日期")]:
        page = _get(client, tree.leader, "/stats/dashboard/", params)
        assert page.status_code == 200 and message in page.content.decode(), params
    client.logout()
    assert client.get("/stats/dashboard/").status_code == 302


# --- breakdown rows to their cases ----------------------------------------------------------

def test_every_breakdown_row_lists_exactly_its_cases(client, tree, cases):
    page = _get(client, tree.leader, "/stats/", MARCH)
    breakdowns = page.context["breakdowns"]
    assert {b["key"] for b in breakdowns} >= {"channel", "category", "unit", "handling_unit", "place"}
    for b in breakdowns:
        listed = set()
        for row in b["rows"]:
            numbers = _listed(client, "/stats/" + row["href"])
            assert len(numbers) == row["batches"], (b["key"], row["label"])
            listed |= numbers
        assert listed == {c.number for c in cases}, b["key"]       # the rows partition the volume
    category = next(b for b in breakdowns if b["key"] == "category")
    top = next(r for r in category["rows"] if r["label"] == "城乡建设")
    assert top["batches"] == 2                                        # the leaf counts under its top
    dash = _get(client, tree.leader, "/stats/dashboard/", MARCH)
    for bar in dash.context["bars"]:
        for row in bar["rows"]:
            assert len(_listed(client, row["href"])) == row["batches"]


@pytest.mark.parametrize("params", [
    {"indicator": "volume_batches", "by": "shoe_size", "value": "x"},
    {"indicator": "volume_batches", "by": "category", "value": "abc"},
    {"indicator": "volume_batches", "by": "category", "value": "999999"},
    {"indicator": "on_time_rate", "by": "channel", "value": "visit"},     # only the volume is sliced
    {"indicator": "volume_batches", "by": "channel", "value": "x" * 101},
])
def test_bad_slices_are_not_found(client, tree, params):
    assert _get(client, tree.leader, "/stats/cases/", {**MARCH, "part": "numerator", **params}).status_code == 404


# --- hot topics --------------------------------------------------------------------------------

@pytest.fixture
def hot(tree, categories):
    """Night-market noise at 甲街道: 4 cases in the last 30 days of March, 1 in January;
    the same subject at 乙街道 only once; 劳动和社会保障 new this month (3)."""
    with clock.frozen(dt.datetime(2026, 1, 20, 9)):
        register(tree, title="东山路夜市噪音扰民", place_unit_id=tree.street_a.pk)
    with clock.frozen(dt.datetime(2026, 3, 20, 9)):
        night = [register(tree, title=f"东山路夜市噪音扰民{i}", place_unit_id=tree.street_a.pk) for i in range(4)]
        register(tree, title="东山路夜市噪音", place_unit_id=tree.street_b.pk)
        wages = [register(tree, title=f"工地拖欠工资{i}", category_id=categories["other"].pk) for i in range(3)]
    return night, wages


def test_hot_topics_and_rising_categories_list_their_cases(client, tree, hot):
    night, wages = hot
    page = _get(client, tree.leader, "/stats/", MARCH)
    section = page.context["hot"]
    assert (section["window"].start, section["window"].end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 31))
    top = section["topics"][0]
    # 东山路 is named in the titles: the place, lying in 甲街道 (4 cases) and 乙街道 (1).
    assert top.place == "东山路" and top.place_kind == "named" and top.place_unit == "甲街道"
    assert top.size == 5 and "夜市" in top.label
    assert _listed(client, top.href) >= {c.number for c in night} and len(_listed(client, top.href)) == 5
    rising = {r["label"]: r for r in section["categories"]}
    assert rising["劳动和社会保障"]["batches"] == 3 and rising["劳动和社会保障"]["growth"] is None
    assert _listed(client, rising["劳动和社会保障"]["href"]) == {c.number for c in wages}
    places = {r["label"]: r for r in section["places"]}
    assert places["甲街道"]["batches"] == 4 and places["甲街道"]["previous"] == pytest.approx(1 / 3)
    html = page.content.decode()
    assert "热点问题与上升类别" in html and "新出现" in html and "此前每期" in html
    # Another street chosen: 甲街道's topic is not its own.
    street = _get(client, tree.leader, "/stats/", {**MARCH, "unit": tree.district.pk}).context["hot"]
    assert street["topics"][0].place == "东山路"
    assert _get(client, tree.leader, "/stats/", {**MARCH, "unit": tree.street_b.pk}).context["hot"]["topics"] == []
    # The dashboard shows the same topics.
    dash = _get(client, tree.leader, "/stats/dashboard/", MARCH)
    assert [t.label for t in dash.context["hot"]] == [t.label for t in section["topics"][:5]]


def test_rising_compares_with_its_own_history(tree, hot):
    scope = Scope(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    with clock.frozen(DAY):
        rows = rising_by(scope=scope, dimension="place")
    assert [(r["label"], r["batches"], r["growth"]) for r in rows] == [("甲街道", 4, 1100)]


def test_hot_topic_drill_down_keeps_the_readers_scope_and_refuses_bad_words(client, tree, hot):
    client.force_login(tree.leader)
    with clock.frozen(DAY):
        top = client.get("/stats/", MARCH).context["hot"]["topics"][0]
    params = {"start": "2026-03-02", "end": "2026-03-31", "key": top.key, "label": top.label, "place": top.place}
    client.force_login(tree.handler_b)
    with clock.frozen(DAY):
        assert client.get("/stats/hot/", params).context["rows"] == []   # none of 乙街道's cases
    client.force_login(tree.leader)
    with clock.frozen(DAY):
        assert client.get("/stats/hot/", params).context["page"].paginator.count == top.size
    for bad in ({"key": ""}, {"key": "长" * 201}, {"place": "地" * 101}):
        assert client.get("/stats/hot/", {**params, **bad}).status_code == 404


# --- queries ------------------------------------------------------------------------------------

def _queries(client, user, url, params) -> int:
    client.force_login(user)
    with clock.frozen(DAY), CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_pages_cost_the_same_queries_for_few_or_more_cases(client, tree, cases, hot, categories):
    few = {url: _queries(client, tree.leader, url, MARCH) for url in ("/stats/dashboard/", "/stats/")}
    with clock.frozen(DAY):
        for i in range(6):
            c = register(tree, channel="web", title=f"东山路夜市噪音扰民再{i}", place_unit_id=tree.street_a.pk,
                         category_id=categories["leaf"].pk)
            act(c, tree.registrar, "assign", unit_id=tree.street_a.pk)
            act(c, tree.handler_a, "accept")
    for url, n in few.items():
        assert _queries(client, tree.leader, url, MARCH) == n, url


def test_links_are_paths_of_this_site(client, tree, cases):
    page = _get(client, tree.leader, "/stats/dashboard/", MARCH)
    for _, group in page.context["groups"]:
        for f in group:
            if f.href_numerator:
                assert urlparse(f.href_numerator).path == "/stats/cases/"

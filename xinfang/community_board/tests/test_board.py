"""The board's figures, each checked against the cases behind it: per community (with its
grids), per street (its communities and its own cases), for a period; the targets met or
not; the targets configurable; scope."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed

from ..models import BoardTarget
from ..selectors import FIGURES, board_cases_for, board_for, board_period_parse
from .builders import TODAY

Q1 = dict(period="2026-Q1")


def _board(user, unit=None, **period):
    with clock.frozen(TODAY):
        return board_for(user=user, period=board_period_parse(**(period or Q1)), unit=unit)


def _cases(user, figure, unit, part="all", **period):
    with clock.frozen(TODAY):
        return board_cases_for(user=user, figure=figure, period=board_period_parse(**(period or Q1)), unit=unit,
                               part=part)


def _rows(board):
    out = {}
    for block in board["blocks"]:
        for r in block["communities"]:
            out[r["unit"].name] = r
        if block["direct"]:
            out[f"{block['street'].name}直属"] = block["direct"]
        if block["total"]:
            out[f"{block['street'].name}合计"] = block["total"]
    if board["total"]:
        out["合计"] = board["total"]
    return out


EXPECTED = {
    # figure: {row: count}
    "petitions": {"一社区": 4, "二社区": 1, "甲街道直属": 1, "甲街道合计": 6, "三社区": 1, "乙街道直属": 0,
                  "乙街道合计": 1, "合计": 7},
    "skip_collective": {"一社区": 1, "二社区": 0, "甲街道合计": 1, "合计": 1},
    "disputes_open": {"一社区": 1, "二社区": 0, "甲街道合计": 1, "合计": 1},
    "police_referrals": {"一社区": 0, "二社区": 1, "甲街道合计": 1},
    "accidents": {"一社区": 2, "二社区": 0, "甲街道合计": 2, "乙街道直属": 1, "乙街道合计": 1, "合计": 3},
    "accidents_large": {"一社区": 1, "甲街道合计": 1, "乙街道合计": 0},
    "hazards_open": {"一社区": 1, "二社区": 1, "甲街道合计": 2},
    "hazards_major_open": {"一社区": 1, "二社区": 0, "甲街道合计": 1},
}


def test_every_figure_is_the_count_of_the_cases_behind_it(cb, matters, django_assert_max_num_queries):
    with django_assert_max_num_queries(len(FIGURES) + 4):      # one query per figure
        board = _board(cb.leader)
    rows = _rows(board)
    assert set(rows) == {"一社区", "二社区", "甲街道直属", "甲街道合计", "三社区", "乙街道直属", "乙街道合计", "合计"}
    for figure, expected in EXPECTED.items():
        for name, count in expected.items():
            assert rows[name]["figures"][figure] == count, (figure, name)
    # Every figure of every row, against the list behind it.
    units = {"一社区": (cb.community, "all"), "二社区": (cb.community2, "all"), "三社区": (cb.community_b, "all"),
             "甲街道直属": (cb.street_a, "direct"), "甲街道合计": (cb.street_a, "all"),
             "乙街道直属": (cb.street_b, "direct"), "乙街道合计": (cb.street_b, "all")}
    for name, (unit, part) in units.items():
        for figure in FIGURES:
            behind = _cases(cb.leader, figure, unit, part)
            assert behind["total"] == len(behind["rows"]) == rows[name]["figures"][figure], (name, figure)
            assert behind["hidden"] == 0
    # Which cases, for the ones with a story.
    numbers = lambda figure, unit, part="all": {r["case"].number for r in _cases(cb.leader, figure, unit, part)["rows"]}
    p, d, e, h = matters.petitions, matters.disputes, matters.emergencies, matters.hazards
    # The repeat merged into its original and the petition of last December are not counted.
    assert numbers("petitions", cb.community) == {p["community"].number, p["grid_skip_collective"].number,
                                                  p["skip_alone"].number, p["original"].number}
    assert numbers("skip_collective", cb.street_a) == {p["grid_skip_collective"].number}
    assert numbers("petitions", cb.street_a, "direct") == {p["street_a"].number}
    assert numbers("police_referrals", cb.street_a) == {d["police"].number}
    assert numbers("disputes_open", cb.community) == {d["open"].number}
    assert numbers("accidents", cb.community) == {e["fire"].number, e["large"].number}
    assert numbers("accidents", cb.street_b, "direct") == {e["fire_b"].number}
    assert numbers("hazards_open", cb.street_a) == {h["major"].number, h["open"].number}


def test_the_period_decides_what_counts(cb, matters):
    h = matters.hazards
    # February: the hazard found on 10 February and closed off on 2 March was open at the end.
    feb = _rows(_board(cb.leader, period="2026-02"))
    assert feb["一社区"]["figures"]["hazards_open"] == 1
    assert {r["case"].number for r in _cases(cb.leader, "hazards_open", cb.community, period="2026-02")["rows"]} \
        == {h["closed_in_march"].number}
    assert feb["一社区"]["figures"]["petitions"] == 0 and feb["合计"]["figures"]["accidents"] == 0
    # The last quarter of 2025 holds the petition received in December only.
    q4 = _rows(_board(cb.leader, period="2025-Q4"))
    assert q4["一社区"]["figures"]["petitions"] == 1 and q4["合计"]["figures"]["petitions"] == 1
    # Dates work as well as codes.
    dates = _rows(_board(cb.leader, start="2026-03-02", end="2026-03-02"))
    assert dates["合计"]["figures"] == _rows(_board(cb.leader))["合计"]["figures"]


def test_targets_are_met_or_not_and_configurable(cb, matters):
    rows = _rows(_board(cb.leader))
    unmet = lambda name: {s["target"].name for s in rows[name]["unmet"]}
    assert unmet("一社区") == {"无越级集体访", "无较大以上安全生产事故", "重大事故隐患清零"}
    assert unmet("二社区") == {"无民转刑案件"}
    assert unmet("三社区") == set() and rows["三社区"]["met"] == 5
    assert unmet("甲街道合计") == {"无越级集体访", "无较大以上安全生产事故", "无民转刑案件", "重大事故隐患清零"}
    board = _board(cb.leader)
    assert board["communities"] == 3 and board["communities_met"] == 1
    # An admin allows one skip-level collective visit and switches the hazards target off.
    BoardTarget.objects.filter(name="无越级集体访").update(max_count=1)
    BoardTarget.objects.filter(name="重大事故隐患清零").update(is_active=False)
    rows = _rows(_board(cb.leader))
    assert {s["target"].name for s in rows["一社区"]["unmet"]} == {"无较大以上安全生产事故"}
    assert len(rows["一社区"]["targets"]) == 4
    target = BoardTarget.objects.get(name="无越级集体访")
    assert target.rule_text == "越级集体访不超过1件"


def test_scope_street_users_see_their_communities_and_count_what_they_cannot_open(cb, matters):
    board = _board(cb.handler_b)
    assert [b["street"] for b in board["blocks"]] == [cb.street_b] and board["total"] is None
    with pytest.raises(NotFound):
        _cases(cb.handler_b, "petitions", cb.community)
    with pytest.raises(NotFound):
        _board(cb.handler_b, unit=cb.street_a)
    # 甲街道's reviewer sees the street's communities; the figure counts every matter placed
    # there, the list shows those the user may open and says how many more there are.
    rows = _rows(_board(cb.street_viewer))
    assert set(rows) == {"一社区", "二社区", "甲街道直属", "甲街道合计"}
    behind = _cases(cb.street_viewer, "petitions", cb.community)
    assert behind["total"] == rows["一社区"]["figures"]["petitions"] == 4
    assert behind["rows"] == [] and behind["hidden"] == 4             # held by the bureau, not the street
    disputes = _cases(cb.street_viewer, "disputes_open", cb.community)
    assert disputes["hidden"] == 0 and len(disputes["rows"]) == 1
    # A community alone: its row only, no street roll-up.
    community = _board(cb.leader, unit=cb.community)
    assert [r["unit"] for r in community["blocks"][0]["communities"]] == [cb.community]
    assert community["blocks"][0]["total"] is None and community["blocks"][0]["direct"] is None
    assert community["blocks"][0]["communities"][0]["figures"] == _rows(_board(cb.leader))["一社区"]["figures"]


@pytest.mark.parametrize("kw,field", [
    (dict(period="2026-Q5"), "period"), (dict(period="明年"), "period"), (dict(start="昨天"), "start"),
    (dict(start="2026-03-10", end="2026-03-01"), "end"), (dict(start="2019-01-01"), "end"),
    (dict(start="2027-01-01", end="2027-02-01"), "start"),
])
def test_bad_periods_are_refused(kw, field):
    with clock.frozen(TODAY), pytest.raises(ValidationFailed) as exc:
        board_period_parse(**kw)
    assert exc.value.field == field


def test_bad_drill_downs_are_refused(cb):
    for kw, field in ((dict(figure="people", unit=cb.community), "figure"),
                      (dict(figure="petitions", unit=cb.community, part="direct"), "part"),
                      (dict(figure="petitions", unit=cb.grid), "unit"),
                      (dict(figure="petitions", unit=cb.street_a, part="above"), "part")):
        with pytest.raises(ValidationFailed) as exc:
            _cases(cb.leader, **kw)
        assert exc.value.field == field


def test_periods_default_to_this_year():
    with clock.frozen(TODAY):
        period = board_period_parse()
    assert (period.start, period.end) == (dt.date(2026, 1, 1), TODAY)

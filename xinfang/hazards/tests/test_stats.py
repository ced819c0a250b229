"""Quarterly and annual statistics by grade, industry and unit (16号令 Art 14), open hazards
by age, each in the caller's data scope and in a fixed number of queries."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.errors import ValidationFailed

from ..selectors import (
    StatsPeriod,
    hazards_open_by_age,
    hazards_stats,
    stats_period_parse,
)
from .builders import act, build_on, register


@pytest.fixture
def ledger(hz):
    """Q1 2026: 3 ordinary (one closed in Q1, one closed in Q2), 1 major (open) in 甲街道;
    Q2: 1 ordinary in 乙街道 (another inspector)."""
    a = build_on(hz, "closed", day=dt.date(2026, 1, 12))                      # closed 01-12
    b = build_on(hz, "verified", day=dt.date(2026, 2, 2), industry="construction")
    with clock.frozen(dt.date(2026, 4, 8)):
        act(b, hz.reviewer_a, "close_off")                                    # closed in Q2
    c = build_on(hz, "rectifying", day=dt.date(2026, 3, 2))                   # due 03-17: overdue later
    m = build_on(hz, "governing", day=dt.date(2026, 3, 9), industry="hazchem")
    with clock.frozen(dt.date(2026, 4, 20)):
        register(hz, actor=hz.inspector_b)
    return a, b, c, m


def _row(stats, key):
    return next(r for r in stats["rows"] if r["key"] == key)


def test_quarter_by_grade(hz, ledger, django_assert_max_num_queries):
    with clock.frozen(dt.date(2026, 5, 4)), django_assert_max_num_queries(4):
        stats = hazards_stats(user=hz.supervisor, period=StatsPeriod(2026, 1), by="grade")
    ordinary, major = _row(stats, "ordinary"), _row(stats, "major")
    assert (ordinary["found"], ordinary["closed"], ordinary["closed_of_found"], ordinary["open_at_end"]) == (3, 1, 1, 2)
    assert (major["found"], major["found_major"], major["open_at_end"], major["open_major"]) == (1, 1, 1, 1)
    assert ordinary["rate"] == "33.3%" and ordinary["overdue"] == 1
    assert stats["total"]["found"] == 4 and stats["period"].label == "2026年第1季度"


def test_year_by_industry_and_by_unit(hz, ledger):
    with clock.frozen(dt.date(2026, 5, 4)):
        year = hazards_stats(user=hz.supervisor, period=StatsPeriod(2026, None), by="industry")
        assert _row(year, "industry_trade")["found"] == 3 and _row(year, "construction")["closed"] == 1
        assert year["total"]["closed"] == 2 and year["total"]["found"] == 5
        units = hazards_stats(user=hz.supervisor, period=StatsPeriod(2026, None), by="unit")
        assert {r["label"]: r["found"] for r in units["rows"]} == {"甲街道": 4, "乙街道": 1}
        q2 = hazards_stats(user=hz.supervisor, period=StatsPeriod(2026, 2), by="unit", unit=hz.street_a)
        assert [(r["label"], r["found"], r["closed"], r["open_at_end"]) for r in q2["rows"]] == [("甲街道", 0, 1, 2)]
        # The street's own inspector sees only the street's hazards.
        own = hazards_stats(user=hz.inspector_b, period=StatsPeriod(2026, None), by="unit")
        assert [r["label"] for r in own["rows"]] == ["乙街道"]


def test_open_by_age(hz, ledger, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        ages = hazards_open_by_age(user=hz.supervisor, today=dt.date(2026, 5, 4))
    by = {r["label"]: (r["ordinary"], r["major"]) for r in ages["rows"]}
    assert by["7日内"] == (0, 0) and by["8–30日"] == (1, 0) and by["31–90日"] == (1, 1)
    assert ages["total"] == 3


@pytest.mark.parametrize("year,quarter,field", [("abc", None, "year"), (1999, None, "year"), (2026, 5, "quarter"),
                                                (2026, "x", "quarter")])
def test_bad_periods(year, quarter, field):
    with pytest.raises(ValidationFailed) as exc:
        stats_period_parse(year=year, quarter=quarter)
    assert exc.value.field == field


def test_bad_dimension(hz):
    with pytest.raises(ValidationFailed) as exc:
        hazards_stats(user=hz.supervisor, period=StatsPeriod(2026, 1), by="person")
    assert exc.value.field == "by"


def test_period_bounds():
    assert (StatsPeriod(2026, 1).start, StatsPeriod(2026, 1).end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert (StatsPeriod(2026, 4).start, StatsPeriod(2026, 4).end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert StatsPeriod(2026, None).end == dt.date(2026, 12, 31)

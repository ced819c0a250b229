"""Unit assessment: weighted indicator scores, ranks with ties, missing data left out, bad
schemes refused; the page shows the figures behind each score."""
import datetime as dt
from decimal import Decimal

import pytest

from xinfang.core import clock
from xinfang.core.errors import ValidationFailed
from xinfang.petitions.tests.builders import act, build_on
from xinfang.stats.assessment import units_score
from xinfang.stats.models import AssessmentScheme, AssessmentWeight

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


@pytest.fixture
def scheme(db):
    s = AssessmentScheme.objects.create(name="测试方案")
    AssessmentWeight.objects.create(scheme=s, indicator="satisfaction_rate", weight=60)
    AssessmentWeight.objects.create(scheme=s, indicator="unsatisfied_rate", weight=40, higher_is_better=False)
    return s


def _rated(tree, level):
    case = build_on(tree, "answered")
    with clock.frozen(dt.date(2026, 3, 20)):
        act(case, "public", "rate", level=level)
    return case


def test_scores_are_the_weighted_points_and_ranks_follow(tree, scheme):
    _rated(tree, "satisfied")
    _rated(tree, "unsatisfied")
    _rated(tree, "basic")
    scores = {s.unit.name: s for s in units_score(scheme=scheme, units=[tree.street_a, tree.street_b],
                                                 start=START, end=END)}
    a = scores["甲街道"]
    # 满意率 2/3 = 66.7 → 66.7 points; 不满意率 1/3 = 33.3 → 100 − 33.3 = 66.7 points
    assert [p["points"] for p in a.parts] == [Decimal("66.7"), Decimal("66.7")]
    assert a.score == Decimal("66.70") and a.rank == 1
    # 乙街道 handled nothing: no data, no rank, listed last
    b = scores["乙街道"]
    assert b.score is None and b.rank is None and all(p["points"] is None for p in b.parts)


def test_ties_share_a_rank(tree, scheme):
    _rated(tree, "satisfied")
    _rated(tree, "unsatisfied")
    # the district's subtree holds exactly 甲街道's cases: the same figures, the same rank
    scores = units_score(scheme=scheme, units=[tree.street_b, tree.street_a, tree.district], start=START, end=END)
    assert [(s.unit.name, s.rank) for s in scores] == [("甲街道", 1), ("示范区", 1), ("乙街道", None)]


@pytest.mark.parametrize("indicator,message", [("nope", "不存在的指标"), ("volume_batches", "只能使用比率类指标")])
def test_bad_schemes_are_refused(tree, indicator, message):
    s = AssessmentScheme.objects.create(name="坏方案")
    AssessmentWeight.objects.create(scheme=s, indicator=indicator, weight=10)
    with pytest.raises(ValidationFailed, match=message):
        units_score(scheme=s, units=[tree.street_a], start=START, end=END)


def test_page_ranks_units_of_the_area(client, tree, scheme):
    _rated(tree, "satisfied")
    client.force_login(tree.leader)
    page = client.get("/stats/assessment/", {"scheme": scheme.pk, "start": "2026-01-01", "end": "2026-12-31",
                                             "unit": tree.district.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert "甲街道" in html and "100.00" in html and "满意率" in html and "只对单位排名" in html
    # the default scheme from the migration is there too
    assert AssessmentScheme.objects.filter(name="信访工作考核（默认）").exists()

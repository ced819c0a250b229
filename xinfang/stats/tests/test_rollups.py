"""The figures are read from roll-ups kept on every write (stats/facts.py). For any period
and unit subtree, each must equal the count of the cases behind it (the drill-down lists,
the definitions), the breakdowns and the trend must equal a plain GROUP BY of the cases,
and a rebuild from scratch must give the very same roll-up rows as the increments did."""
import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.core.models import Case
from xinfang.petitions.services import reception_case_link, reception_day_create
from xinfang.petitions.tests.builders import register
from xinfang.stats.facts import stats_rebuild
from xinfang.stats.indicators import (Scope, indicator_cases, indicators_compute, registered_in, volume_by,
                                      volume_trend)
from xinfang.stats.models import CaseFact, StatRollup

from .test_indicators_recomputed import _at, _build

# Figures whose numerator / denominator are not counts of distinct cases of the drill-down
# (a sum of days, person-times, ratings counted per evaluation).
NOT_CASE_COUNTS = {"answer_days_avg": ("numerator",), "volume_persons": ("numerator",),
                   "volume_batches": (), "satisfaction_rate": ("numerator", "denominator"),
                   "satisfied_rate": ("numerator", "denominator"), "basic_rate": ("numerator", "denominator"),
                   "unsatisfied_rate": ("numerator", "denominator")}


def _rollup_rows() -> Counter:
    return Counter({(r.kind, r.grain, r.day, r.unit_id, r.measure, r.dim): (r.n, r.total)
                    for r in StatRollup.objects.all() if r.n or r.total})


@pytest.mark.django_db
def test_figures_equal_the_cases_behind_them_for_any_period_and_area(tree):
    _build(tree, seed=11, n=70)
    units = [None, tree.district, tree.bureau, tree.street_a, tree.street_b, tree.community]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(start=st.dates(dt.date(2025, 12, 1), dt.date(2026, 6, 30)), length=st.integers(0, 200),
           unit=st.sampled_from(units), whole_months=st.booleans())
    def check(start, length, unit, whole_months):
        end = start + dt.timedelta(days=length)
        if whole_months:   # the reports' periods (month, quarter, year) take the months' fast path
            start, end = start.replace(day=1), (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1) \
                - dt.timedelta(days=1)
        scope = Scope(start=start, end=end, unit=unit)
        for figure in indicators_compute(scope=scope):
            skip = NOT_CASE_COUNTS.get(figure.key, ())
            for part in ("numerator", "denominator"):
                expected = getattr(figure, part)
                if part in skip or expected is None:
                    continue
                got = indicator_cases(key=figure.key, scope=scope, part=part).distinct().count()
                assert got == expected, (figure.key, part, scope)
        batches = registered_in(scope).count()
        persons = registered_in(scope).aggregate(n=Sum("petition__person_count"))["n"] or 0
        figures = {f.key: f for f in indicators_compute(scope=scope)}
        assert (figures["volume_batches"].value, figures["volume_persons"].value) == (batches, persons)
        for dim, column in (("channel", "petition__channel"), ("unit", "registered_unit__name"),
                            ("handling_unit", "petition__handling_unit__name"), ("claim_type", "petition__claim_type")):
            plain = {r[column]: (r["b"], r["p"]) for r in registered_in(scope).values(column)
                     .annotate(b=Count("pk"), p=Sum("petition__person_count"))}
            assert {r["value"]: (r["batches"], r["persons"]) for r in volume_by(scope=scope, dimension=dim)} == plain
        months = {(r["m"].year, r["m"].month): r["b"] for r in registered_in(scope)
                  .annotate(m=TruncMonth("received_date")).values("m").annotate(b=Count("pk"))}
        for row in volume_trend(scope=scope):
            year, month = map(int, row["month"].split("-"))
            assert row["batches"] == months.get((year, month), 0)

    check()


@pytest.mark.django_db
def test_a_rebuild_gives_the_same_rollups_as_the_increments(tree):
    _build(tree, seed=5, n=50)
    with _at(dt.date(2026, 2, 1)):
        day = reception_day_create(actor=tree.registrar, leader=tree.leader, date=dt.date(2026, 2, 3), place="接待中心")
        reception_case_link(actor=tree.registrar, day=day, case=Case.objects.filter(kind="petition").first())
    incremental, facts = _rollup_rows(), CaseFact.objects.count()
    assert facts == Case.objects.filter(kind="petition").count()
    assert stats_rebuild() == facts
    assert _rollup_rows() == incremental
    call_command("stats", "rebuild")
    assert _rollup_rows() == incremental


@pytest.mark.django_db
def test_the_figures_follow_each_write_of_a_case(tree):
    """Registered, then handed to a street: the intake stays with the registering unit,
    the backlog moves with the matter to the unit that holds it."""
    scope_year = dict(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    with _at(dt.date(2026, 3, 2)):
        case = register(tree, received_date="2026-03-02", person_count=3)
    figures = {f.key: f for f in indicators_compute(scope=Scope(**scope_year, unit=tree.bureau))}
    assert (figures["volume_batches"].value, figures["volume_persons"].value) == (1, 3)
    from xinfang.petitions.tests.builders import act
    with _at(dt.date(2026, 3, 3)):
        act(case, tree.registrar, "assign", unit_id=tree.street_a.pk)
    april = Scope(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30), unit=tree.street_a)
    assert {f.key: f for f in indicators_compute(scope=april)}["backlog_cleared_rate"].denominator == 1
    bureau_april = Scope(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30), unit=tree.bureau)
    assert {f.key: f for f in indicators_compute(scope=bureau_april)}["backlog_cleared_rate"].denominator == 0
    assert {f.key: f for f in indicators_compute(scope=Scope(**scope_year, unit=tree.street_a))}[
        "volume_batches"].value == 0


"""Screening reports on a cadence per unit level, and the reports that are overdue."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.errors import ValidationFailed
from xinfang.disputes.models import ScreeningCadence, ScreeningReport
from xinfang.disputes.periods import period_of, periods_between
from xinfang.disputes.selectors import screening_overview_for, screening_reports_missing
from xinfang.disputes.services import screening_report_file

from .builders import mediators, register

D = dt.date




@pytest.mark.django_db
def test_default_cadences_come_from_the_data_migration():
    rows = dict(ScreeningCadence.objects.values_list("level", "cadence"))
    assert rows == {"community": "weekly", "street": "half_monthly", "department": "half_monthly",
                    "district": "monthly"}


def test_periods():
    assert period_of("weekly", D(2026, 3, 4)) == (D(2026, 3, 2), D(2026, 3, 8))
    assert period_of("half_monthly", D(2026, 2, 15)) == (D(2026, 2, 1), D(2026, 2, 15))
    assert period_of("half_monthly", D(2026, 2, 16)) == (D(2026, 2, 16), D(2026, 2, 28))
    assert period_of("monthly", D(2024, 2, 10)) == (D(2024, 2, 1), D(2024, 2, 29))
    assert list(periods_between("half_monthly", D(2026, 1, 10), D(2026, 2, 1))) == [
        (D(2026, 1, 1), D(2026, 1, 15)), (D(2026, 1, 16), D(2026, 1, 31)), (D(2026, 2, 1), D(2026, 2, 15))]


def _missing(as_of, unit):
    return {(m["unit"].name, m["period_start"]) for m in screening_reports_missing(as_of=as_of, unit=unit,
                                                                                 since=D(2026, 2, 1))}


def test_missing_reports_are_overdue_per_unit_and_period(tree):
    mediators(tree)
    # 2026-03-10 (Tue): the community's week 03-02..03-08 was due 03-09 (+1 grace day): overdue.
    missing = _missing(D(2026, 3, 10), tree.street_a)
    assert ("一社区", D(2026, 3, 2)) in missing and ("一社区", D(2026, 2, 23)) in missing
    assert ("一社区", D(2026, 3, 9)) not in missing                    # the current week is not due yet
    assert ("甲街道", D(2026, 2, 16)) in missing and ("甲街道", D(2026, 3, 1)) not in missing
    assert not {u for u, _ in missing} - {"一社区", "甲街道"}             # grids file none by default
    with clock.frozen(D(2026, 3, 9)):
        # filed on the due day: in time. A grid worker files for the community above the grid.
        report = screening_report_file(actor=tree.mediator_g, data={
            "unit_id": tree.community.pk, "period_start": "2026-03-05", "none_found": True})
    assert (report.period_start, report.period_end, report.due_date) == (D(2026, 3, 2), D(2026, 3, 8), D(2026, 3, 9))
    assert not report.is_late
    assert ("一社区", D(2026, 3, 2)) not in _missing(D(2026, 3, 10), tree.street_a)
    district = _missing(D(2026, 3, 10), None)
    assert ("示范区", D(2026, 2, 1)) in district and ("示范区住建局", D(2026, 2, 16)) in district


def test_a_report_lists_the_new_disputes_of_the_period(tree):
    with clock.frozen(D(2026, 3, 3)):
        first = register(tree)
        second = register(tree, actor=tree.mediator_g)
    with clock.frozen(D(2026, 3, 6)):
        report = screening_report_file(actor=tree.mediator_c, data={
            "unit_id": tree.community.pk, "period_start": "2026-03-02",
            "dispute_numbers": [first.number, second.number, first.number], "note": "走访32户"})
    assert set(report.disputes.values_list("number", flat=True)) == {first.number, second.number}
    overview = {row["unit"].name: row for row in screening_overview_for(user=tree.mediator_c, as_of=D(2026, 3, 6))}
    assert overview["一社区"]["current"] == report


def test_late_report_is_marked_late(tree):
    mediators(tree)
    with clock.frozen(D(2026, 3, 20)):
        report = screening_report_file(actor=tree.mediator_c, data={
            "unit_id": tree.community.pk, "period_start": "2026-03-02", "none_found": True})
    assert report.is_late


def test_bad_reports_are_refused_and_change_nothing(tree):
    mediators(tree)
    with clock.frozen(D(2026, 3, 3)):
        other = register(tree, actor=tree.handler_b)             # in 乙街道
        early = None
    with clock.frozen(D(2026, 2, 20)):
        early = register(tree)
    bad = [
        ({"unit_id": tree.community.pk, "period_start": "2026-03-02"}, "dispute_numbers"),
        ({"unit_id": tree.community.pk, "period_start": "2026-03-02", "none_found": True,
          "dispute_numbers": [early.number]}, "none_found"),
        ({"unit_id": tree.community.pk, "period_start": "2026-03-16", "none_found": True}, "period_start"),
        ({"unit_id": tree.community.pk, "period_start": "2024-03-02", "none_found": True}, "period_start"),
        ({"unit_id": tree.grid.pk, "period_start": "2026-03-02", "none_found": True}, "unit_id"),
        ({"unit_id": tree.street_b.pk, "period_start": "2026-03-02", "none_found": True}, "unit_id"),
        ({"unit_id": 999999, "period_start": "2026-03-02", "none_found": True}, "unit_id"),
        ({"unit_id": tree.community.pk, "period_start": "2026-03-02", "dispute_numbers": ["TJ2026-NOPE-1"]},
         "dispute_numbers"),
        ({"unit_id": tree.community.pk, "period_start": "2026-03-02", "dispute_numbers": [other.number]},
         "dispute_numbers"),
        ({"unit_id": tree.community.pk, "period_start": "2026-03-02", "dispute_numbers": [early.number]},
         "dispute_numbers"),
        ({"unit_id": tree.community.pk, "period_start": "不是日期", "none_found": True}, "period_start"),
    ]
    with clock.frozen(D(2026, 3, 6)):
        for data, field in bad:
            with pytest.raises(ValidationFailed) as exc:
                screening_report_file(actor=tree.mediator_c, data=data)
            assert exc.value.field == field, (data, exc.value.message)
        with pytest.raises(ValidationFailed) as exc:
            screening_report_file(actor=tree.reviewer_h, data={"unit_id": tree.community.pk,
                                                               "period_start": "2026-03-02", "none_found": True})
        assert exc.value.field == "unit_id"
        assert ScreeningReport.objects.count() == 0
        screening_report_file(actor=tree.mediator_c, data={"unit_id": tree.community.pk,
                                                           "period_start": "2026-03-02", "none_found": True})
        with pytest.raises(ValidationFailed) as exc:
            screening_report_file(actor=tree.mediator_c, data={"unit_id": tree.community.pk,
                                                               "period_start": "2026-03-08", "none_found": True})
        assert "已报送" in exc.value.message
    assert ScreeningReport.objects.count() == 1


def test_cadence_is_configurable(tree):
    mediators(tree)
    ScreeningCadence.objects.filter(level="community").update(cadence="monthly", grace_days=5)
    ScreeningCadence.objects.create(level="grid", cadence="weekly", grace_days=0, effective_from=D(2026, 1, 1))
    missing = _missing(D(2026, 3, 10), tree.street_a)
    assert ("一社区", D(2026, 2, 1)) in missing and ("一社区", D(2026, 3, 2)) not in missing
    assert ("一网格", D(2026, 3, 2)) in missing


def test_missing_reports_cost_three_queries_whatever_the_units(tree, django_assert_num_queries):
    from xinfang.orgs.models import Unit, UnitLevel

    for i in range(20):
        Unit.objects.create(name=f"社区{i}", short_code=f"SQ{i}", level=UnitLevel.COMMUNITY, parent=tree.street_b)
    with django_assert_num_queries(3):
        rows = screening_reports_missing(as_of=D(2026, 3, 10), unit=None, since=D(2026, 2, 1))
    assert len({r["unit"].pk for r in rows}) == 21 + 4

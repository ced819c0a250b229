"""The figures of the other ledgers (矛盾纠纷, 安全隐患, 稳评): cases built through the real
services give the numerators and denominators we know, every figure drills down to exactly
the cases behind it, the apps' own statistics agree, and the kind switch works on the page,
the report and the API."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.disputes.services import screening_report_file
from xinfang.disputes.tests import builders as disputes
from xinfang.hazards.tests import builders as hazards
from xinfang.hazards.tests.builders import hz  # noqa: F401  (fixture)
from xinfang.assessments.tests import builders as assessments
from xinfang.stats.indicators import INDICATORS, Scope, indicator_cases, indicator_compute, indicators_compute

D = dt.date
MARCH = Scope(start=D(2026, 3, 1), end=D(2026, 3, 31), kind="dispute")


def _figures(scope: Scope) -> dict:
    return {f.key: f for f in indicators_compute(scope=scope)}


def _cases(key: str, scope: Scope, part: str = "numerator") -> set[int]:
    return set(indicator_cases(key=key, scope=scope, part=part).values_list("pk", flat=True))


def _check(figures: dict, scope: Scope, expected: dict) -> None:
    """expected: key -> (value, numerator cases, denominator cases or None for a count)."""
    for key, (value, num, den) in expected.items():
        f = figures[key]
        assert f.value == value, (key, f.value)
        assert _cases(key, scope) == {c.pk for c in num}, key
        assert f.numerator == len(num), key
        if den is not None:
            assert f.denominator == len(den), key
            assert _cases(key, scope, "denominator") == {c.pk for c in den}, key


# --- 矛盾纠纷 ------------------------------------------------------------------------------

def _resolve_at(tree, actor, day):
    with clock.frozen(day):
        case = disputes.register(tree, actor=actor)
        disputes.act(case, actor, "accept", mediators="王调解")
        disputes.act(case, actor, "record_session", held_on=day.isoformat(), **disputes.SESSION)
        disputes.act(case, actor, "sign_agreement", **dict(disputes.AGREEMENT, signed_on=day.isoformat(),
                                                          performance_by=(day + dt.timedelta(days=10)).isoformat()))
    case.refresh_from_db()
    return case


@pytest.fixture
def dispute_cases(tree):
    disputes.mediators(tree)
    tree.mediator_d = tree.user("mediator_d", tree.district, "mediator")

    def on(day, state):
        with clock.frozen(day):
            return disputes.build(tree, state)

    c = {
        "resolved": on(D(2026, 3, 2), "resolved"),                       # village, performed
        "agreed": on(D(2026, 3, 3), "agreed"),                           # village, not yet performed
        "street": _resolve_at(tree, tree.mediator_a, D(2026, 3, 4)),     # town
        "district": _resolve_at(tree, tree.mediator_d, D(2026, 3, 5)),   # district
        "ended": on(D(2026, 3, 6), "ended"),
        "feb": on(D(2026, 2, 10), "registered"),
        "new": on(D(2026, 3, 10), "registered"),
        "april": on(D(2026, 4, 2), "resolved"),
    }
    with clock.frozen(D(2026, 3, 9)):
        disputes.act(c["feb"], tree.mediator_c, "accept", mediators="张调解")
    with clock.frozen(D(2026, 3, 12)):
        screening_report_file(actor=tree.mediator_c, data={
            "unit_id": tree.community.pk, "period_start": "2026-03-02",
            "dispute_numbers": [c["resolved"].number, c["agreed"].number]})
    return c


def test_dispute_figures(tree, dispute_cases):
    c = dispute_cases
    resolved = [c["resolved"], c["agreed"], c["street"], c["district"]]
    found = resolved + [c["ended"], c["new"]]
    _check(_figures(MARCH), MARCH, {
        "dispute_found": (6, found, None),
        "dispute_screened": (2, [c["resolved"], c["agreed"]], None),
        "dispute_mediated": (6, resolved + [c["ended"], c["feb"]], None),
        "dispute_agreements": (4, resolved, None),
        "dispute_performed_rate": (Decimal("25.0"), [c["resolved"]], resolved),
        "dispute_resolved": (4, resolved, None),
        "dispute_village_share": (Decimal("50.0"), [c["resolved"], c["agreed"]], resolved),
        "dispute_town_level_share": (Decimal("25.0"), [c["street"]], resolved),
        "dispute_town_share": (Decimal("75.0"), [c["resolved"], c["agreed"], c["street"]], resolved),
        "dispute_district_share": (Decimal("25.0"), [c["district"]], resolved),
    })
    levels = {b["value"]: b["count"] for b in _figures(MARCH)["dispute_resolved"].breakdown}
    assert levels == {"village": 2, "town": 1, "district": 1, "outside": 0}

    # The street's subtree: the district's dispute is not in it.
    street = Scope(start=MARCH.start, end=MARCH.end, unit=tree.street_a, kind="dispute")
    _check(_figures(street), street, {
        "dispute_found": (5, found[:3] + [c["ended"], c["new"]], None),
        "dispute_village_share": (Decimal("66.7"), [c["resolved"], c["agreed"]], resolved[:3]),
    })
    assert _figures(Scope(start=MARCH.start, end=MARCH.end, unit=tree.street_b, kind="dispute"))[
        "dispute_found"].value == 0


def test_dispute_figures_agree_with_the_disputes_apps_own_count(tree, dispute_cases):
    """One definition: the disputes ledger's 小事不出村 table gives the same numbers."""
    from xinfang.disputes.selectors import disputes_resolution_by_level
    for unit in (None, tree.street_a):
        scope = Scope(start=MARCH.start, end=MARCH.end, unit=unit, kind="dispute")
        theirs = disputes_resolution_by_level(user=tree.leader, date_from=scope.start, date_to=scope.end, unit=unit)
        ours = _figures(scope)
        assert ours["dispute_resolved"].value == theirs["resolved"]
        assert ours["dispute_found"].value == theirs["found"]
        assert {b["value"]: b["count"] for b in ours["dispute_resolved"].breakdown} == {
            row["code"]: row["count"] for row in theirs["levels"]}
        assert float(ours["dispute_village_share"].value) == theirs["village_share"]
        assert float(ours["dispute_town_share"].value) == theirs["town_share"]


def test_screening_reports_due_against_filed(tree):
    disputes.mediators(tree)
    with clock.frozen(D(2026, 3, 6)):    # the week of 03-02 (due 03-09): in time
        screening_report_file(actor=tree.mediator_c, data={"unit_id": tree.community.pk,
                                                           "period_start": "2026-03-02", "none_found": True})
    with clock.frozen(D(2026, 3, 20)):   # the week of 03-09 (due 03-16): late
        screening_report_file(actor=tree.mediator_c, data={"unit_id": tree.community.pk,
                                                           "period_start": "2026-03-09", "none_found": True})
    scope = Scope(start=MARCH.start, end=MARCH.end, unit=tree.community, kind="dispute")
    with clock.frozen(D(2026, 4, 20)):
        f = indicator_compute(key="screening_on_time_rate", scope=scope)
        # A weekly community report is due the day after the week: 03-02, 03-09, 03-16, 03-23, 03-30.
        assert (f.value, f.numerator, f.denominator) == (Decimal("20.0"), 1, 5)
        assert {b["value"]: b["count"] for b in f.breakdown} == {"on_time": 1, "late": 1, "missing": 3}
    with clock.frozen(D(2026, 3, 12)):   # only what is already due counts
        f = indicator_compute(key="screening_on_time_rate", scope=scope)
        assert (f.numerator, f.denominator) == (1, 2)
    # The figure counts reports, not cases: there is no case list behind it.
    with pytest.raises(NotFound):
        indicator_cases(key="screening_on_time_rate", scope=scope)


# --- 安全隐患 ------------------------------------------------------------------------------

def test_hazard_figures(hz):
    tree = hz
    h = {
        "closed": hazards.build_on(tree, "closed", D(2026, 3, 2)),             # fixed on the spot, closed off
        "rectifying": hazards.build_on(tree, "rectifying", D(2026, 3, 3)),     # due 03-18, not done
        "major": hazards.build_on(tree, "planned", D(2026, 3, 4)),             # time limit in May
        "old": hazards.build_on(tree, "registered", D(2026, 1, 5)),
        "feb": hazards.build_on(tree, "closed", D(2026, 2, 2)),
    }
    scope = Scope(start=MARCH.start, end=MARCH.end, kind="hazard")
    found = [h["closed"], h["rectifying"], h["major"]]
    figures = _figures(scope)
    _check(figures, scope, {
        "hazard_found": (3, found, None),
        "hazard_major_found": (1, [h["major"]], None),
        "hazard_rectified_on_time_rate": (Decimal("50.0"), [h["closed"]], [h["closed"], h["rectifying"]]),
        "hazard_rectification_rate": (Decimal("33.3"), [h["closed"]], found),
        "hazard_closed": (1, [h["closed"]], None),
        "hazard_open_at_end": (3, [h["rectifying"], h["major"], h["old"]], None),
    })
    ages = {b["label"]: b["count"] for b in figures["hazard_open_at_end"].breakdown}
    assert ages == {"7日内": 0, "8–30日": 2, "31–90日": 1, "91–180日": 0, "180日以上": 0}
    assert _figures(Scope(start=MARCH.start, end=MARCH.end, unit=tree.street_b, kind="hazard"))[
        "hazard_found"].value == 0

    # One definition: the hazard ledger's quarterly statistics give the same totals.
    from xinfang.hazards.selectors import StatsPeriod, hazards_stats
    quarter = Scope(start=D(2026, 1, 1), end=D(2026, 3, 31), kind="hazard")
    ours = _figures(quarter)
    theirs = hazards_stats(user=tree.supervisor, period=StatsPeriod(2026, 1), by="grade")["total"]
    assert (ours["hazard_found"].value, ours["hazard_major_found"].value, ours["hazard_closed"].value,
            ours["hazard_open_at_end"].value) == (theirs["found"], theirs["found_major"], theirs["closed"],
                                                  theirs["open_at_end"])
    assert f"{ours['hazard_rectification_rate'].value}%" == theirs["rate"]


# --- 稳评 ----------------------------------------------------------------------------------

def test_assessment_figures(tree):
    a = {
        "implementing": assessments.build_on(tree, "implementing", D(2026, 3, 2)),
        "high": assessments.build_on(tree, "rated", D(2026, 3, 3), level="high"),
        "deferred": assessments.build_on(tree, "deferred", D(2026, 3, 4), level="medium"),
        "rejected": assessments.build_on(tree, "rejected", D(2026, 3, 5), level="high"),
        "consulting": assessments.build_on(tree, "consulting", D(2026, 3, 6)),
        "april": assessments.build_on(tree, "implementing", D(2026, 4, 6)),
    }
    scope = Scope(start=MARCH.start, end=MARCH.end, kind="assessment")
    rated = [a["implementing"], a["high"], a["deferred"], a["rejected"]]
    decided = [a["implementing"], a["deferred"], a["rejected"]]
    figures = _figures(scope)
    _check(figures, scope, {
        "assessment_rated": (4, rated, None),
        "assessment_high_share": (Decimal("50.0"), [a["high"], a["rejected"]], rated),
        "assessment_medium_share": (Decimal("25.0"), [a["deferred"]], rated),
        "assessment_low_share": (Decimal("25.0"), [a["implementing"]], rated),
        "assessment_decided": (3, decided, None),
        "assessment_implement_share": (Decimal("33.3"), [a["implementing"]], decided),
        "assessment_defer_share": (Decimal("33.3"), [a["deferred"]], decided),
        "assessment_reject_share": (Decimal("33.3"), [a["rejected"]], decided),
    })
    assert {b["value"]: b["count"] for b in figures["assessment_rated"].breakdown} == {
        "high": 2, "medium": 1, "low": 1}
    # Under the 住建局 (the 承办单位) all of them; under a street none.
    assert _figures(Scope(start=MARCH.start, end=MARCH.end, unit=tree.housing, kind="assessment"))[
        "assessment_rated"].value == 4
    assert _figures(Scope(start=MARCH.start, end=MARCH.end, unit=tree.street_a, kind="assessment"))[
        "assessment_rated"].value == 0


# --- the kind switch --------------------------------------------------------------------

@pytest.mark.django_db
def test_each_kind_computes_only_its_own_indicators():
    for kind in ("petition", "dispute", "hazard", "assessment"):
        keys = {f.key for f in indicators_compute(scope=Scope(start=MARCH.start, end=MARCH.end, kind=kind))}
        assert keys == {k for k, ind in INDICATORS.items() if ind.kind == kind} and keys, kind


def test_a_bad_kind_is_refused_naming_the_field():
    with pytest.raises(ValidationFailed) as exc:
        Scope(start=MARCH.start, end=MARCH.end, kind="complaint")
    assert exc.value.field == "kind" and "complaint" in exc.value.message


def test_the_page_switches_kind_and_drills_down(client, tree, dispute_cases):
    client.force_login(tree.leader)
    page = client.get("/stats/", {"kind": "dispute", "start": "2026-03-01", "end": "2026-03-31"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "小事不出村" in html and "排查报告按时报送率" in html
    assert "按月趋势" not in html and "信访总量（批次）" not in html
    assert 'value="dispute" selected' in html
    drill = client.get("/stats/cases/", {"kind": "dispute", "start": "2026-03-01", "end": "2026-03-31",
                                         "indicator": "dispute_village_share", "part": "numerator"})
    body = drill.content.decode()
    assert dispute_cases["resolved"].number in body and dispute_cases["agreed"].number in body
    assert dispute_cases["street"].number not in body
    # A figure that counts reports has no case list.
    assert client.get("/stats/cases/", {"indicator": "screening_on_time_rate"}).status_code == 404
    # A bad kind says so and falls back to the petition figures.
    bad = client.get("/stats/", {"kind": "complaint"}).content.decode()
    assert "统计类别「complaint」无效" in bad and "信访总量（批次）" in bad


def test_report_and_api_take_the_kind(client, tree, dispute_cases):
    client.force_login(tree.leader)
    params = {"kind": "dispute", "start": "2026-03-01", "end": "2026-03-31"}
    wb = load_workbook(io.BytesIO(client.get("/stats/report.xlsx", params).content))
    assert wb.sheetnames == ["主要指标"]
    labels = [row[0].value for row in wb["主要指标"].iter_rows(min_row=4)]
    assert labels == [ind.label for ind in INDICATORS.values() if ind.kind == "dispute"]
    assert "矛盾纠纷工作主要指标" in wb["主要指标"]["A1"].value

    api = client.get("/api/v1/stats/indicators", params)
    assert api.status_code == 200, api.content
    body = api.json()
    assert body["scope"]["kind"] == "dispute"
    items = {i["key"]: i for i in body["items"]}
    assert set(items) == {k for k, ind in INDICATORS.items() if ind.kind == "dispute"}
    assert items["dispute_resolved"]["value"] == 4
    bad = client.get("/api/v1/stats/indicators", {"kind": "complaint"})
    assert bad.status_code == 422 and "complaint" in bad.content.decode()
    assert client.get("/api/v1/stats/trend", {"kind": "hazard"}).status_code == 422


def test_the_documented_indicator_tables_are_current():
    from xinfang.stats.docs import DOC, statistics_doc_render
    text = DOC.read_text(encoding="utf-8")
    assert statistics_doc_render(text) == text, "run: .venv/bin/python -m xinfang.stats.docs"
    assert all(f"`{key}`" in text for key in INDICATORS)

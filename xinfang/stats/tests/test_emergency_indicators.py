"""The 突发事件 figures of the statistics agree with the emergencies app's own statistics
(emergencies.selectors.emergencies_stats) and with the cases behind them."""
import datetime as dt
from decimal import Decimal

from xinfang.core import clock
from xinfang.emergencies.selectors import emergencies_stats
from xinfang.emergencies.tests.builders import BASE_AT, FOLLOWUP, act, build_at, em  # noqa: F401  (fixture)
from xinfang.stats.indicators import Scope, indicator_cases, indicators_compute

MARCH = dict(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))


def test_emergency_figures_agree_with_the_ledger_and_their_cases(em):
    build_at(em, "closed")                                        # a fire, reported in time
    flood = build_at(em, "reported", event_type="flood", grade="large")
    with clock.frozen(BASE_AT + dt.timedelta(hours=6)):           # the follow-up's figures are the current ones
        act(flood, em.handler_a, "followup", **FOLLOWUP)
    late = build_at(em, "learned", BASE_AT + dt.timedelta(days=3))
    with clock.frozen(BASE_AT + dt.timedelta(days=3, hours=5)):   # past every limit: 迟报 with a reason
        act(late, em.handler_a, "first_report", text="补报。", signer="张伟", late_reason="通信中断", deaths=1)
    build_at(em, "learned", dt.datetime(2026, 4, 2, 9, tzinfo=BASE_AT.tzinfo))   # April: not counted
    with clock.frozen(dt.datetime(2026, 5, 1, 9, tzinfo=BASE_AT.tzinfo)):
        scope = Scope(**MARCH, unit=em.district, kind="emergency")
        figures = {f.key: f for f in indicators_compute(scope=scope)}
        ledger = emergencies_stats(user=em.supervisor, unit=em.district, **MARCH)["totals"]
        assert figures["emergency_events"].value == ledger["events"] == 3
        assert figures["emergency_large_events"].value == 1
        assert figures["emergency_deaths"].value == ledger["deaths"] == 1
        assert figures["emergency_injured"].value == ledger["injured"]
        assert Decimal(figures["emergency_loss"].value) == ledger["economic_loss"] == Decimal("12.50")
        rate = figures["emergency_first_report_on_time_rate"]
        assert (rate.numerator, rate.denominator) == (2, 3) and ledger["late"] == 1
        for key in ("emergency_events", "emergency_first_report_on_time_rate"):
            for part in ("numerator", "denominator"):
                expected = getattr(figures[key], part)
                if expected is not None:    # a count figure has a numerator only
                    assert indicator_cases(key=key, scope=scope, part=part).count() == expected
        assert [c.pk for c in indicator_cases(key="emergency_deaths", scope=scope)] == [late.pk]
        elsewhere = Scope(**MARCH, unit=em.street_b, kind="emergency")
        assert {f.key: f.value for f in indicators_compute(scope=elsewhere)}["emergency_events"] == 0

"""Overdue first reports (a query on the stored due time) and the statistics: every figure
checked against the events behind it; scope."""
import datetime as dt
from decimal import Decimal

from xinfang.core import clock
from xinfang.core.workflow import CREATE, workflow_for
from xinfang.petitions.tests.builders import act

from ..models import Emergency
from ..selectors import (
    duration_text,
    emergencies_first_report_overdue_for,
    emergencies_stats,
)
from .builders import FIRST, at, build_at


def test_overdue_is_a_query_on_the_due_time(em):
    work = build_at(em, "learned", event_type="work_safety")        # 1 hour
    fire = build_at(em, "learned", when=at(20))                       # 2 hours, from 09:20
    build_at(em, "reported")
    with clock.frozen(at(59)):
        assert list(emergencies_first_report_overdue_for(user=em.supervisor)) == []
    with clock.frozen(at(61)):
        assert [e.case for e in emergencies_first_report_overdue_for(user=em.supervisor)] == [work]
    with clock.frozen(at(hours=2, minutes=21)):
        assert [e.case for e in emergencies_first_report_overdue_for(user=em.supervisor)] == [work, fire]
        act(work, em.handler_a, "first_report", **FIRST, late_reason="通信中断")
        assert [e.case for e in emergencies_first_report_overdue_for(user=em.supervisor)] == [fire]
        # Scope: another street sees none; the district's own-unit officer none either (not yet reported).
        assert list(emergencies_first_report_overdue_for(user=em.handler_b)) == []
        assert list(emergencies_first_report_overdue_for(user=em.district_officer)) == []


def test_stats_count_by_type_and_grade_and_sum_the_current_figures(em):
    a = build_at(em, "closed")                                                     # fire, ordinary
    b = build_at(em, "reported", event_type="flood", grade="large", place=em.street_a)
    with clock.frozen(at(30)):
        act(b, em.handler_a, "followup", text="转移安置群众。", signer="张伟", relocated=300, economic_loss="88.8")
    c = build_at(em, "learned", event_type="traffic", when=at(days=40))            # April: outside March
    d = build_at(em, "learned", event_type="fire", actor=em.handler_b, place=em.street_b)   # other street
    with clock.frozen(at(hours=5)):
        stats = emergencies_stats(user=em.supervisor, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
        only_a = emergencies_stats(user=em.supervisor, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31),
                                   unit=em.community)
        theirs = emergencies_stats(user=em.handler_b, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    events = [Emergency.objects.get(case=x) for x in (a, b, d)]
    totals = stats["totals"]
    assert totals["events"] == 3 == len(events)
    for name in ("deaths", "injured", "missing", "trapped", "relocated"):
        assert totals[name] == sum(getattr(e, name) for e in events)
    assert totals["economic_loss"] == sum((e.economic_loss for e in events), Decimal(0)) == Decimal("88.80")
    assert totals["relocated"] == 340 and totals["injured"] == 2
    assert totals["overdue"] == 1 and totals["open"] == 2 and totals["late"] == 0
    assert stats["by_grade"] == {"extraordinary": 0, "major": 0, "large": 1, "ordinary": 2}
    by_type = {r["key"]: r for r in stats["by_type"]}
    assert set(by_type) == {"fire", "flood"} and by_type["fire"]["total"] == 2
    assert by_type["flood"]["by_grade"]["large"] == 1 and by_type["fire"]["category"] == "事故灾难"
    assert only_a["totals"]["events"] == 1
    assert theirs["totals"]["events"] == 1 and theirs["by_type"][0]["key"] == "fire"
    assert c.emergency.occurred_at.month == 4


def test_duration_text():
    assert duration_text(dt.timedelta(minutes=40)) == "40分钟"
    assert duration_text(dt.timedelta(hours=3)) == "3小时"
    assert duration_text(dt.timedelta(hours=3, minutes=5)) == "3小时5分"
    assert duration_text(dt.timedelta(days=2, hours=1)) == "2天1小时"
    assert duration_text(dt.timedelta(seconds=-5)) == "0分钟"


def test_the_table_is_complete():
    wf = workflow_for("emergency")
    assert {t.action for t in wf.transitions.values() if CREATE in t.sources} == {"register"}
    assert all(t.effect is not None for t in wf.transitions.values())
    assert [c for c, s in wf.states.items() if not s.open] == ["closed"]
    assert wf.transitions["final_report"].target == "closed"
    # Every report kind but 签收 is the reporting unit's; 签收 is for the units above.
    assert all(w.at == "owner" for t in ("first_report", "followup", "response", "final_report")
               for w in wf.transitions[t].who)
    assert all(w.at == "scope" for w in wf.transitions["acknowledge"].who)

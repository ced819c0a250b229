"""首报、续报、应急处置、终报 and 签收: each a row with its time, text and figures and an event on
the timeline; figures carried over and kept as history; the report going up the tree; a
late first report needing its reason; every refused step changing nothing."""
from decimal import Decimal

import pytest

from xinfang.core import clock
from xinfang.core.errors import (
    Conflict,
    Forbidden,
    GuardFailed,
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
)
from xinfang.core.models import CaseUnit, Event
from xinfang.core.selectors import case_actions_for, cases_visible_to
from xinfang.petitions.tests.builders import act

from ..models import EmergencyReceipt, EmergencyReport
from ..selectors import (
    emergency_actions_for,
    emergency_grade_hint,
    emergency_reports_for,
)
from ..services import emergency_acknowledge, emergency_report_submit
from .builders import FINAL, FIRST, FOLLOWUP, RESPONSE, at, build_at, register, snapshot


def test_the_whole_path_keeps_each_report_and_its_figures(em):
    with clock.frozen(at(0)):
        case = register(em)
    with clock.frozen(at(30)):
        act(case, em.handler_a, "first_report", **FIRST)
    with clock.frozen(at(90)):
        act(case, em.reviewer_a, "followup", **FOLLOWUP)
    with clock.frozen(at(120)):
        act(case, em.handler_a, "response", **RESPONSE)
    with clock.frozen(at(hours=6)):
        act(case, em.handler_a, "followup", text="人员已全部返回，损失核定中。", signer="张伟", relocated=0)
    with clock.frozen(at(days=2)):
        act(case, em.handler_a, "final_report", **FINAL, economic_loss="18.30")
    case.refresh_from_db()
    e = case.emergency
    assert case.status == "closed" and not case.is_open and case.closed_at == at(days=2)
    reports = list(EmergencyReport.objects.filter(case=case).order_by("seq"))
    assert [r.kind for r in reports] == ["first", "followup", "response", "followup", "final"]
    assert [r.reported_at for r in reports] == [at(30), at(90), at(120), at(hours=6), at(days=2)]
    assert [r.injured for r in reports] == [1, 2, 2, 2, 2]            # carried over when left out
    assert [r.relocated for r in reports] == [0, 0, 40, 0, 0]
    assert [r.economic_loss for r in reports] == [Decimal("0.00"), Decimal("12.50"), Decimal("12.50"),
                                                  Decimal("12.50"), Decimal("18.30")]
    assert reports[2].extra == "消防车4辆、救援人员30名" and reports[4].extra == FINAL["cause"]
    assert reports[1].reported_by == em.reviewer_a and reports[0].signer == "张伟"
    # The latest report's figures are the event's current figures.
    assert (e.injured, e.relocated, e.economic_loss, e.figures_at) == (2, 0, Decimal("18.30"), at(days=2))
    assert e.first_reported_at == at(30) and not e.first_report_late and e.final_reported_at == at(days=2)
    events = list(Event.objects.filter(case=case).order_by("seq"))
    assert [ev.action for ev in events] == ["register", "first_report", "followup", "response", "followup",
                                            "final_report"]
    assert [r.event_seq for r in reports] == [ev.seq for ev in events[1:]]
    assert events[2].payload["text"] == FOLLOWUP["text"] and "受伤2人" in events[2].payload["note"]
    assert events[2].payload["economic_loss"] == "12.50"
    history = emergency_reports_for(case=case)
    injured = [next(f for f in item["figures"] if f["name"] == "injured") for item in history]
    assert [f["changed"] for f in injured] == [False, True, False, False, False]


def test_the_first_report_goes_up_the_tree(em):
    case = build_at(em, "learned")
    assert not cases_visible_to(user=em.district_officer).filter(pk=case.pk).exists()
    with clock.frozen(at(20)):
        act(case, em.handler_a, "first_report", **FIRST)
    linked = set(CaseUnit.objects.filter(case=case).values_list("unit_id", flat=True))
    assert linked == {em.street_a.pk, em.district.pk, em.city.pk}
    for upper in (em.district_officer, em.city_officer):
        assert cases_visible_to(user=upper).filter(pk=case.pk).exists()
    # Sideways units still do not see it.
    assert not cases_visible_to(user=em.handler_b).filter(pk=case.pk).exists()
    assert not cases_visible_to(user=em.court_registrar).filter(pk=case.pk).exists()


def test_a_late_first_report_needs_its_reason_and_is_marked_late(em):
    case = build_at(em, "learned")
    with clock.frozen(at(hours=3)):
        before = snapshot(case)
        with pytest.raises(GuardFailed) as exc:
            act(case, em.handler_a, "first_report", **FIRST)
        assert exc.value.field == "late_reason" and "迟报原因" in exc.value.message
        assert snapshot(case) == before
        act(case, em.handler_a, "first_report", **FIRST, late_reason="现场通信中断，恢复后立即报送")
    e = case.emergency
    e.refresh_from_db()
    assert e.first_report_late and e.first_reported_at == at(hours=3)
    event = Event.objects.get(case=case, action="first_report")
    assert event.payload["late_minutes"] == 60 and event.payload["reason"] == "现场通信中断，恢复后立即报送"


def test_the_grade_can_be_adjusted_and_the_history_shows_it(em):
    case = build_at(em, "reported")
    with clock.frozen(at(60)):
        act(case, em.handler_a, "followup", text="又发现3名遇难者，事故升级。", signer="张伟", deaths=3, grade="large")
    case.emergency.refresh_from_db()
    assert case.emergency.grade == "large"
    items = emergency_reports_for(case=case)
    assert [i["grade_changed"] for i in items] == [False, True]
    assert Event.objects.get(case=case, action="followup").payload["from_grade"] == "一般（Ⅳ级）"


def test_the_grade_hint_follows_the_accident_article(em):
    case = build_at(em, "reported")
    e = case.emergency
    assert emergency_grade_hint(e) == ""
    with clock.frozen(at(60)):
        act(case, em.handler_a, "followup", text="核实死亡3人。", signer="张伟", deaths=3)
    e.refresh_from_db()
    assert "较大" in emergency_grade_hint(e)
    flood = build_at(em, "reported", event_type="flood")
    with clock.frozen(at(60)):
        act(flood, em.handler_a, "followup", text="核实死亡3人。", signer="张伟", deaths=3)
    flood.emergency.refresh_from_db()
    assert emergency_grade_hint(flood.emergency) == ""      # natural disasters are graded otherwise


@pytest.mark.parametrize("payload,field", [
    (dict(FIRST, deaths=-1), "deaths"),
    (dict(FIRST, injured="很多"), "injured"),
    (dict(FIRST, economic_loss="-3"), "economic_loss"),
    (dict(FIRST, economic_loss="1.234"), "economic_loss"),
    (dict(FIRST, economic_loss="1e12"), "economic_loss"),
    (dict(FIRST, signer=""), "signer"),
    (dict(FIRST, text=""), "text"),
    (dict(FIRST, grade="huge"), "grade"),
    (dict(FIRST, casualties=["张三"]), "casualties"),
])
def test_bad_reports_are_refused_naming_the_field_and_change_nothing(em, payload, field):
    case = build_at(em, "learned")
    before = snapshot(case)
    with clock.frozen(at(10)), pytest.raises(ValidationFailed) as exc:
        act(case, em.handler_a, "first_report", **payload)
    assert exc.value.field == field
    assert snapshot(case) == before


def test_who_may_report(em):
    case = build_at(em, "learned")
    before = snapshot(case)
    with clock.frozen(at(10)):
        for outsider in (em.handler_b, em.court_registrar):
            with pytest.raises(NotFound):
                act(case, outsider, "first_report", **FIRST)
        # The district sees it (subtree) but the report is the reporting unit's.
        with pytest.raises(Forbidden):
            act(case, em.supervisor, "first_report", **FIRST)
    assert snapshot(case) == before
    with clock.frozen(at(10)):
        emergency_report_submit(case=case, actor=em.registrar_a, kind="first", version=case.version, data=FIRST)
    assert EmergencyReport.objects.get(case=case).reported_by == em.registrar_a


def test_steps_out_of_order_and_stale_versions_are_refused(em):
    case = build_at(em, "learned")
    before = snapshot(case)
    with clock.frozen(at(10)):
        for action, payload in (("followup", FOLLOWUP), ("response", RESPONSE), ("final_report", FINAL)):
            with pytest.raises(TransitionNotAllowed):
                act(case, em.handler_a, action, **payload)
        with pytest.raises(ValidationFailed):
            emergency_report_submit(case=case, actor=em.handler_a, kind="rumour", version=case.version, data=FIRST)
        with pytest.raises(Conflict):
            emergency_report_submit(case=case, actor=em.handler_a, kind="first", version=case.version - 1,
                                    data=FIRST)
    assert snapshot(case) == before
    reported = build_at(em, "reported")
    with clock.frozen(at(10)), pytest.raises(TransitionNotAllowed):
        act(reported, em.handler_a, "final_report", **FINAL)       # the response comes first
    closed = build_at(em, "closed")
    with clock.frozen(at(10)), pytest.raises(TransitionNotAllowed):
        act(closed, em.handler_a, "followup", **FOLLOWUP)


def _ack(case, user):
    case.refresh_from_db()
    return emergency_acknowledge(case=case, actor=user, version=case.version)


def test_upper_units_sign_for_what_they_received(em):
    case = build_at(em, "reported")
    assert emergency_actions_for(user=em.district_officer, case=case)["acknowledge"]
    assert not emergency_actions_for(user=em.handler_a, case=case)["acknowledge"]
    with clock.frozen(at(15)):
        _ack(case, em.district_officer)
    receipt = EmergencyReceipt.objects.get()
    assert (receipt.unit, receipt.received_by, receipt.received_at) == (em.district, em.district_officer, at(15))
    event = Event.objects.filter(case=case).latest("seq")
    assert event.action == "acknowledge" and event.actor_unit == em.district and "第1次报告（首报）" in event.payload["note"]
    # Nothing new: not offered, and refused if tried.
    assert not emergency_actions_for(user=em.district_officer, case=case)["acknowledge"]
    before = snapshot(case)
    with clock.frozen(at(16)), pytest.raises(GuardFailed):
        _ack(case, em.district_officer)
    # The reporting unit does not sign for its own report.
    with clock.frozen(at(16)), pytest.raises(GuardFailed):
        _ack(case, em.handler_a)
    assert snapshot(case) == before
    # A new report is signed for alone; the city signs for both; a closed event too.
    with clock.frozen(at(40)):
        act(case, em.handler_a, "followup", **FOLLOWUP)
        _ack(case, em.district_officer)
        _ack(case, em.city_officer)
    assert EmergencyReceipt.objects.filter(unit=em.district).count() == 2
    assert EmergencyReceipt.objects.filter(unit=em.city).count() == 2
    closed = build_at(em, "closed")
    with clock.frozen(at(50)):
        _ack(closed, em.district_officer)
    closed.refresh_from_db()
    assert closed.status == "closed" and not closed.is_open
    assert EmergencyReceipt.objects.filter(report__case=closed).count() == 3


def test_the_actions_offered_follow_the_table(em):
    case = build_at(em, "learned")
    offered = lambda user, c: {t.action for t in case_actions_for(user=user, case=c)}
    assert offered(em.handler_a, case) == {"first_report"}
    assert offered(em.supervisor, case) == set()
    reported = build_at(em, "reported")
    assert offered(em.handler_a, reported) == {"followup", "response"}
    assert offered(em.supervisor, reported) == {"acknowledge"}
    responding = build_at(em, "responding")
    assert offered(em.handler_a, responding) == {"followup", "response", "final_report"}
    kinds = [a["kind"] for a in emergency_actions_for(user=em.handler_a, case=responding)["reports"]]
    assert kinds == ["followup", "response", "final"]

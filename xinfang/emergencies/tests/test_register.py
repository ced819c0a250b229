"""知悉登记: who may register where, the first report's due time from the rule table (per
grade, a work-safety row overriding), and every bad input refused with nothing written."""
import datetime as dt

import pytest
from django.utils import timezone

from xinfang.core import clock
from xinfang.core.errors import Forbidden, ValidationFailed
from xinfang.core.models import Case, CaseUnit, Event
from xinfang.core.selectors import cases_visible_to

from ..models import Emergency, FirstReportRule
from .builders import BASE_AT, at, register


def test_registration_fixes_the_first_report_due_time_by_grade(em):
    with clock.frozen(BASE_AT):
        case = register(em, learned_at=at(-10).isoformat(), occurred_at=at(-30).isoformat())
    e = case.emergency
    assert case.number.startswith("TF2026-JJD-") and case.status == "learned" and case.is_open
    assert case.place_unit == em.community and case.owner_unit == em.street_a
    assert case.received_date == dt.date(2026, 3, 2)
    assert e.category == "accident" and e.first_report_hours == 2
    assert e.first_report_due == at(-10) + dt.timedelta(hours=2)
    assert "第10条" in e.first_report_source
    event = Event.objects.get(case=case)
    assert event.action == "register" and "首报时限2小时" in event.payload["note"]


@pytest.mark.parametrize("grade,event_type,hours", [
    ("ordinary", "work_safety", 1), ("ordinary", "traffic", 2), ("large", "fire", 1), ("major", "food", 1),
    ("extraordinary", "flood", 1)])
def test_the_rule_table_gives_the_hours(em, grade, event_type, hours):
    with clock.frozen(BASE_AT):
        e = register(em, grade=grade, event_type=event_type).emergency
    assert e.first_report_hours == hours and e.first_report_due == BASE_AT + dt.timedelta(hours=hours)


def test_learned_at_defaults_to_now_and_an_edited_rule_applies_to_new_events_only(em):
    with clock.frozen(BASE_AT):
        before = register(em).emergency
    FirstReportRule.objects.filter(grade="ordinary", event_type="").update(hours=4)
    with clock.frozen(BASE_AT):
        after = register(em).emergency
    before.refresh_from_db()
    assert before.learned_at == BASE_AT and before.first_report_hours == 2
    assert after.first_report_hours == 4 and after.first_report_due == BASE_AT + dt.timedelta(hours=4)


def test_a_grid_worker_registers_in_their_grid_and_a_department_in_its_district(em):
    with clock.frozen(BASE_AT):
        by_grid = register(em, actor=em.grid_worker, place=em.grid)
        by_dept = register(em, actor=em.housing_officer, place=em.street_b)
    assert by_grid.owner_unit == em.grid and by_dept.owner_unit == em.housing


@pytest.mark.parametrize("overrides,field,message", [
    (dict(place_unit_id="street_b"), "place_unit_id", "不在本单位"),
    (dict(place_unit_id="housing"), "place_unit_id", "不能是机关部门"),
    (dict(place_unit_id=999999), "place_unit_id", "发生地不存在"),
    (dict(title=""), "title", "事件名称"),
    (dict(event_type="meteor"), "event_type", "事件类型的取值无效"),
    (dict(grade="huge"), "grade", "事件等级的取值无效"),
    (dict(occurred_at="昨天"), "occurred_at", "发生时间"),
    (dict(occurred_at="2026-03-02T10:00:00"), "occurred_at", "不能晚于现在"),
    (dict(learned_at="2026-03-02T09:30:00"), "learned_at", "不能晚于现在"),
    (dict(occurred_at="2026-03-02T08:00:00", learned_at="2026-03-02T07:00:00"), "learned_at", "不能早于发生时间"),
    (dict(occurred_at="2024-01-01T08:00:00"), "occurred_at", "一年前"),
    (dict(site=""), "site", "具体地点"),
    (dict(names="张三"), "names", "不认识的字段"),
])
def test_bad_registrations_are_refused_naming_the_field(em, overrides, field, message):
    for key in ("place_unit_id",):
        if isinstance(overrides.get(key), str):
            overrides[key] = getattr(em, overrides[key]).pk
    with clock.frozen(BASE_AT), pytest.raises(ValidationFailed) as exc:
        register(em, **overrides)
    assert exc.value.field == field and message in exc.value.message
    assert not Case.objects.exists() and not Emergency.objects.exists()


def test_a_grade_without_a_rule_is_refused(em):
    FirstReportRule.objects.filter(grade="large").delete()
    with clock.frozen(BASE_AT), pytest.raises(ValidationFailed) as exc:
        register(em, grade="large", event_type="flood")
    assert exc.value.field == "grade" and not Case.objects.exists()


def test_a_user_without_a_staff_role_may_not_register(em):
    admin = em.user("admin_a", em.street_a, "admin")
    with clock.frozen(BASE_AT), pytest.raises(Forbidden):
        register(em, actor=admin)
    assert not Case.objects.exists()


def test_before_its_first_report_an_event_is_seen_below_and_by_subtree_scope_only(em):
    with clock.frozen(BASE_AT):
        case = register(em)
    assert set(CaseUnit.objects.filter(case=case).values_list("unit_id", flat=True)) == {em.street_a.pk}
    assert cases_visible_to(user=em.supervisor).filter(pk=case.pk).exists()      # district, subtree
    assert not cases_visible_to(user=em.district_officer).filter(pk=case.pk).exists()   # own unit only
    assert not cases_visible_to(user=em.handler_b).filter(pk=case.pk).exists()


def test_times_are_stored_aware_in_local_time(em):
    with clock.frozen(BASE_AT):
        e = register(em, occurred_at="2026-03-02T08:15").emergency
    assert timezone.localtime(e.occurred_at).strftime("%H:%M") == "08:15"

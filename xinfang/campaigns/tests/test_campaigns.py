"""Campaigns: creating and editing (every bad input refused, nothing changed), enrolling and
withdrawing (events on the case, scope, who may), bulk enrolment after a preview, and the
live progress against the targets, by unit and in total."""
import datetime as dt

import pytest

from xinfang.audit.models import AuditEntry
from xinfang.core import clock
from xinfang.core.errors import (
    Conflict,
    Forbidden,
    GuardFailed,
    NotFound,
    ValidationFailed,
)
from xinfang.core.models import Category, Event
from xinfang.hazards.tests.builders import build as hazard_build
from xinfang.petitions.tests.builders import build_on, snapshot

from ..measures import MEASURES
from ..models import Campaign, Enrolment
from ..selectors import (
    campaign_by_unit,
    campaign_ledger,
    campaign_overview,
    campaign_progress,
    campaigns_visible_to,
    case_campaigns_for,
    enrol_candidates,
)
from ..services import (
    campaign_case_enrol,
    campaign_case_withdraw,
    campaign_cases_enrol_bulk,
    campaign_update,
)
from .builders import (
    DURING,
    END,
    START,
    answer_and_close,
    backlog,
    campaign_data,
    create,
)


def _enrol(tree, campaign, case, actor=None, day=DURING):
    with clock.frozen(day):
        return campaign_case_enrol(actor=actor or tree.supervisor, campaign=campaign, case=case)


def _figures(campaign, day):
    with clock.frozen(day):
        return {p["measure"].key: (p["value"], p["number"], p["percent"]) for p in campaign_progress(campaign)}


# --- create and edit ----------------------------------------------------------------------

def test_create_sets_defaults_and_is_audited(cp):
    campaign = create(cp)
    assert campaign.organising_unit == cp.district and campaign.scope_unit == cp.district
    assert [(t.measure, t.number) for t in campaign.targets.all()] == [("closed", 4), ("closed_on_time", 2)]
    entry = AuditEntry.objects.filter(action="campaign.create").get()
    assert entry.detail["targets"] == [["closed", 4], ["closed_on_time", 2]]
    # A 信访局 organises for its government's area (its jurisdiction), not just itself.
    bureau_leader = cp.user("bureau_leader", cp.bureau, "leader")
    by_bureau = create(cp, actor=bureau_leader, name="信访局积案攻坚")
    assert by_bureau.organising_unit == cp.bureau and by_bureau.scope_unit == cp.district


@pytest.mark.parametrize("overrides,field", [
    ({"name": " "}, "name"),
    ({"type": "campaign"}, "type"),
    ({"end_date": "2026-02-01"}, "end_date"),
    ({"end_date": "2027-06-01"}, "end_date"),
    ({"start_date": "明天"}, "start_date"),
    ({"kinds": []}, "kinds"),
    ({"kinds": ["petition", "rumour"]}, "kinds"),
    ({"targets": []}, "targets"),
    ({"targets": [{"measure": "happiness", "number": 3}]}, "targets.0.measure"),
    ({"targets": [{"measure": "closed", "number": 0}]}, "targets.0.number"),
    ({"targets": [{"measure": "closed", "number": 3}, {"measure": "closed", "number": 5}]}, "targets"),
    ({"targets": [{"measure": "hazards_found", "number": 3}]}, "targets"),
    ({"category_ids": [999999]}, "category_ids"),
    ({"scope_unit_id": 999999}, "scope_unit_id"),
])
def test_bad_input_is_refused_naming_the_field(cp, overrides, field):
    with pytest.raises(ValidationFailed) as exc:
        create(cp, **overrides)
    assert exc.value.field == field and exc.value.message
    assert not Campaign.objects.exists() and not AuditEntry.objects.filter(action="campaign.create").exists()


def test_who_may_organise_and_where(cp):
    with pytest.raises(Forbidden):
        create(cp, actor=cp.handler_a)                         # not a supervisor or leader
    with pytest.raises(ValidationFailed) as exc:
        create(cp, actor=cp.street_leader, organising_unit_id=cp.district.pk)   # above their unit
    assert exc.value.field == "organising_unit_id"
    with pytest.raises(ValidationFailed) as exc:
        create(cp, actor=cp.street_leader, scope_unit_id=cp.street_b.pk)         # sideways
    assert exc.value.field == "scope_unit_id"
    street = create(cp, actor=cp.street_leader, name="甲街道专项行动")
    assert street.scope_unit == cp.street_a
    assert not Campaign.objects.exclude(pk=street.pk).exists()


def test_edit_replaces_targets_and_keeps_enrolled_cases_in_scope(cp):
    campaign = create(cp)
    case = backlog(cp)
    _enrol(cp, campaign, case)
    with clock.frozen(DURING):
        campaign_update(actor=cp.supervisor, campaign=campaign, data=campaign_data(
            name="信访积案化解百日攻坚（调整）", targets=[{"measure": "closed", "number": 10}]))
    campaign.refresh_from_db()
    assert campaign.name.endswith("（调整）") and [t.number for t in campaign.targets.all()] == [10]
    # Narrowing the scope to 乙街道 would drop the 甲街道 case from the ledger: refused, nothing changed.
    with clock.frozen(DURING), pytest.raises(ValidationFailed) as exc:
        campaign_update(actor=cp.supervisor, campaign=campaign, data=campaign_data(scope_unit_id=cp.street_b.pk))
    assert exc.value.field == "scope_unit_id" and case.number in exc.value.message
    campaign.refresh_from_db()
    assert campaign.scope_unit == cp.district and [t.number for t in campaign.targets.all()] == [10]
    with clock.frozen(DURING), pytest.raises(Forbidden):
        campaign_update(actor=cp.supervisor_b, campaign=campaign, data=campaign_data())
    assert AuditEntry.objects.filter(action="campaign.update").count() == 1


# --- enrol and withdraw ---------------------------------------------------------------------

def test_enrol_records_an_event_and_a_case_may_be_in_several(cp):
    first, second = create(cp), create(cp, name="重复信访专项治理", type="special")
    case = backlog(cp)
    _enrol(cp, first, case)
    _enrol(cp, second, case, actor=cp.leader)
    events = list(Event.objects.filter(case=case, action="campaign_enrol").order_by("seq"))
    assert [e.label for e in events] == ["列入专项行动「信访积案化解百日攻坚」", "列入专项行动「重复信访专项治理」"]
    assert "逐件列入" in events[0].payload["note"] and events[0].payload["campaign_id"] == first.pk
    case.refresh_from_db()
    assert [e.seq for e in case.events.order_by("seq")] == list(range(1, case.version + 1))
    with clock.frozen(DURING):
        section = case_campaigns_for(user=cp.supervisor, case=case)
    assert {it["enrolment"].campaign_id for it in section["current"]} == {first.pk, second.pk}
    assert section["enrollable"] == [] and all(it["may_withdraw"] for it in section["current"])


def test_enrolling_outside_the_scope_is_refused_and_changes_nothing(cp):
    housing = Category.objects.create(name="住房保障")
    roads = Category.objects.create(name="市政道路")
    campaign = create(cp, scope_unit_id=cp.street_a.pk, category_ids=[housing.pk])
    no_category = build_on(cp, "accepted", day=dt.date(2026, 1, 5))            # 甲街道, uncategorised
    with clock.frozen(dt.date(2026, 1, 6)):
        from xinfang.petitions.tests.builders import act
        in_b = build_on(cp, "registered", day=dt.date(2026, 1, 6), category_id=housing.pk)
        act(in_b, cp.registrar, "assign", unit_id=cp.street_b.pk)
        other = build_on(cp, "accepted", day=dt.date(2026, 1, 6), category_id=roads.pk)
    for case, words in ((no_category, "未分类"), (in_b, "责任单位（乙街道）"), (other, "分类（市政道路）")):
        case.refresh_from_db()
        before = snapshot(case)
        with pytest.raises(ValidationFailed) as exc:
            _enrol(cp, campaign, case)
        assert exc.value.field == "number" and words in exc.value.message
        assert snapshot(case) == before
    hazard = hazard_build(cp, "registered")
    with pytest.raises(ValidationFailed, match="属于安全隐患"):
        _enrol(cp, campaign, hazard)
    assert not Enrolment.objects.exists()


def test_category_scope_takes_the_subtree(cp):
    housing = Category.objects.create(name="城乡建设")
    rental = Category.objects.create(name="公租房", parent=housing)
    campaign = create(cp, category_ids=[housing.pk])
    case = backlog(cp, category_id=rental.pk)
    assert _enrol(cp, campaign, case).case == case


def test_who_may_enrol_and_the_guards(cp):
    campaign = create(cp)
    case = backlog(cp)
    with pytest.raises(Forbidden):
        _enrol(cp, campaign, case, actor=cp.handler_a)          # no role
    with pytest.raises(Forbidden):
        _enrol(cp, campaign, case, actor=cp.street_leader)      # below the organising unit
    _enrol(cp, campaign, case)
    with pytest.raises(GuardFailed, match="已列入"):
        _enrol(cp, campaign, case)
    with pytest.raises(GuardFailed, match="已于2026年06月09日结束"):
        _enrol(cp, campaign, backlog(cp), day=END + dt.timedelta(days=1))
    # A leader of the district who cannot see a case (data scope) gets "not found".
    narrow = cp.user("narrow_leader", cp.district, "leader")
    with pytest.raises(NotFound):
        _enrol(cp, campaign, backlog(cp), actor=narrow)
    # A case closed before the campaign began has nothing to do in it.
    early = answer_and_close(cp, backlog(cp, day=dt.date(2025, 12, 1)), answered=dt.date(2026, 1, 5),
                             closed=dt.date(2026, 2, 20))
    with pytest.raises(ValidationFailed, match="开始前办结"):
        _enrol(cp, campaign, early)
    assert Enrolment.objects.count() == 1


def test_withdraw_with_a_reason_then_enrol_again(cp):
    campaign = create(cp)
    case = backlog(cp)
    _enrol(cp, campaign, case)
    with clock.frozen(DURING), pytest.raises(ValidationFailed) as exc:
        campaign_case_withdraw(actor=cp.supervisor, campaign=campaign, case=case, reason=" ")
    assert exc.value.field == "reason"
    with clock.frozen(DURING):
        campaign_case_withdraw(actor=cp.supervisor, campaign=campaign, case=case, reason="误列，非积案")
        with pytest.raises(GuardFailed, match="未列入"):
            campaign_case_withdraw(actor=cp.supervisor, campaign=campaign, case=case, reason="再次退出")
    event = Event.objects.filter(case=case, action="campaign_withdraw").get()
    assert event.label == "退出专项行动「信访积案化解百日攻坚」" and event.payload["reason"] == "误列，非积案"
    assert campaign_overview(campaign)["enrolled"] == 0 and campaign_overview(campaign)["withdrawn"] == 1
    _enrol(cp, campaign, case)
    assert Enrolment.objects.filter(case=case).count() == 2
    assert campaign_ledger(user=cp.supervisor, campaign=campaign).count() == 1


def test_bulk_enrolment_is_previewed_then_confirmed(cp):
    campaign = create(cp, kinds=["petition", "hazard"])
    old = [backlog(cp) for _ in range(3)]
    done = answer_and_close(cp, backlog(cp, day=dt.date(2025, 12, 1)), answered=dt.date(2026, 1, 5),
                            closed=dt.date(2026, 2, 20))
    with clock.frozen(START):
        hazard = hazard_build(cp, "registered")
    new = build_on(cp, "accepted", day=DURING - dt.timedelta(days=5))
    with clock.frozen(DURING):
        backlog_qs = enrol_candidates(user=cp.supervisor, campaign=campaign, rule="backlog")
        assert sorted(backlog_qs.values_list("number", flat=True)) == sorted(c.number for c in old)
        in_period = set(enrol_candidates(user=cp.supervisor, campaign=campaign, rule="in_period")
                        .values_list("number", flat=True))
        assert in_period == {hazard.number, new.number}
        assert enrol_candidates(user=cp.supervisor, campaign=campaign, rule="open", kind="hazard").count() == 1
        with pytest.raises(ValidationFailed) as exc:
            enrol_candidates(user=cp.supervisor, campaign=campaign, rule="backlog", kind="dispute")
        assert exc.value.field == "kind"
        # The preview said 2, there are 3 now: nothing enrolled, look again.
        with pytest.raises(Conflict):
            campaign_cases_enrol_bulk(actor=cp.supervisor, campaign=campaign, data={"rule": "backlog", "expected": 2})
        assert not Enrolment.objects.exists()
        with pytest.raises(ValidationFailed) as exc:
            campaign_cases_enrol_bulk(actor=cp.supervisor, campaign=campaign, data={"rule": "manual", "expected": 3})
        assert exc.value.field == "rule"
        enrolled = campaign_cases_enrol_bulk(actor=cp.supervisor, campaign=campaign,
                                             data={"rule": "backlog", "expected": 3})
        assert len(enrolled) == 3 and backlog_qs.count() == 0
        with pytest.raises(ValidationFailed, match="没有符合"):
            campaign_cases_enrol_bulk(actor=cp.supervisor, campaign=campaign, data={"rule": "backlog", "expected": 0})
    assert done.number not in {e.case.number for e in enrolled}
    assert Event.objects.filter(action="campaign_enrol").count() == 3
    assert "积案" in Event.objects.filter(action="campaign_enrol").first().payload["note"]
    assert AuditEntry.objects.filter(action="campaign.enrol_bulk").get().detail["count"] == 3


# --- progress --------------------------------------------------------------------------

def test_progress_counts_what_was_closed_in_the_period_and_on_time(cp):
    campaign = create(cp)
    on_time = backlog(cp)                                    # accepted 2026-01-05: due early March
    late = backlog(cp, day=dt.date(2025, 12, 1))             # its 60 days ran out in January
    after = backlog(cp)
    still_open = backlog(cp)
    for case in (on_time, late, after, still_open):
        _enrol(cp, campaign, case, day=START)
    assert _figures(campaign, START) == {"closed": (0, 4, 0), "closed_on_time": (0, 2, 0)}
    answer_and_close(cp, on_time, answered=dt.date(2026, 3, 3), closed=dt.date(2026, 4, 10))
    answer_and_close(cp, late, answered=dt.date(2026, 3, 3), closed=dt.date(2026, 4, 10))
    answer_and_close(cp, after, answered=dt.date(2026, 5, 25), closed=dt.date(2026, 7, 1))   # after the end
    figures = _figures(campaign, dt.date(2026, 7, 2))
    assert figures["closed"][:2] == (2, 4) and str(figures["closed"][2]) == "50.0"
    assert figures["closed_on_time"][:2] == (1, 2) and str(figures["closed_on_time"][2]) == "50.0"
    with clock.frozen(dt.date(2026, 7, 2)):
        overview = campaign_overview(campaign)
        by_unit = campaign_by_unit(campaign)
    assert (overview["enrolled"], overview["closed"], overview["closed_on_time"], overview["open"]) == (4, 2, 1, 1)
    assert [r["unit"] for r in by_unit["rows"]] == [cp.street_a]
    assert {k: by_unit["total"][k] for k in ("enrolled", "closed", "on_time", "open")} == {
        "enrolled": 4, "closed": 2, "on_time": 1, "open": 1}
    assert by_unit["total"]["overdue"] == overview["overdue"] == 1       # still_open's 60 days are over


def test_progress_by_unit_splits_at_the_level_below_the_scope(cp):
    campaign = create(cp)
    a = backlog(cp)
    with clock.frozen(dt.date(2026, 1, 5)):
        from xinfang.petitions.tests.builders import act, register
        b = register(cp)
        act(b, cp.registrar, "assign", unit_id=cp.street_b.pk)
        at_bureau = register(cp)
    for case in (a, b, at_bureau):
        case.refresh_from_db()
        _enrol(cp, campaign, case)
    rows = campaign_by_unit(campaign)["rows"]
    assert [(r["unit"].name, r["enrolled"]) for r in rows] == [("示范区信访局", 1), ("甲街道", 1), ("乙街道", 1)]


def test_hazard_and_dispute_measures(cp):
    from xinfang.disputes.tests.builders import build as dispute_build
    from xinfang.hazards.services import inspection_create

    campaign = create(cp, name="安全生产大检查", type="safety_check", kinds=["hazard", "dispute"],
                      scope_unit_id=cp.street_a.pk, targets=[
        {"measure": "inspections", "number": 2}, {"measure": "sites_inspected", "number": 4},
        {"measure": "hazards_found", "number": 5}, {"measure": "hazards_rectified", "number": 2},
        {"measure": "disputes_mediated", "number": 1}])
    with clock.frozen(START):
        inspection = inspection_create(actor=cp.inspector_a, data={
            "name": "春季大检查", "scope_unit_ids": [cp.street_a.pk], "start_date": START.isoformat(),
            "end_date": END.isoformat()})
        found = [hazard_build(cp, "registered", inspection_id=inspection.pk, enterprise_name=name)
                 for name in ("甲公司", "乙公司", "甲公司")]
        closed = hazard_build(cp, "closed", source="self")             # reported by the enterprise
        outside = hazard_build(cp, "registered", actor=cp.inspector_b, enterprise_name="丙公司")
    with clock.frozen(dt.date(2026, 2, 1)):
        before = hazard_build(cp, "registered")                        # found before the period
        mediated = dispute_build(cp, "agreed")                          # agreement signed before
    with clock.frozen(DURING):
        mediated_now = dispute_build(cp, "agreed")
        for case in (found[0], closed, mediated, mediated_now):
            campaign_case_enrol(actor=cp.supervisor, campaign=campaign, case=case)
    figures = _figures(campaign, DURING)
    assert figures["inspections"][0] == 1
    assert figures["sites_inspected"][0] == 2                          # 甲公司 counted once
    assert figures["hazards_found"][0] == 4                            # not 乙街道's, not February's
    assert figures["hazards_rectified"][0] == 1 and figures["disputes_mediated"][0] == 1
    assert {outside.number, before.number}.isdisjoint(
        MEASURES["hazards_found"].cases(campaign).values_list("number", flat=True))


def test_visibility_of_campaigns_and_ledger(cp):
    district = create(cp)
    street_b = create(cp, name="乙街道积案清零", scope_unit_id=cp.street_b.pk)
    mine, theirs = backlog(cp), None
    with clock.frozen(dt.date(2026, 1, 5)):
        from xinfang.petitions.tests.builders import act, register
        theirs = register(cp)
        act(theirs, cp.registrar, "assign", unit_id=cp.street_b.pk)
    _enrol(cp, district, mine)
    _enrol(cp, district, theirs)
    # 甲街道's handler sees the district campaign (it covers their unit), not 乙街道's.
    assert list(campaigns_visible_to(user=cp.handler_a)) == [district]
    assert set(campaigns_visible_to(user=cp.handler_b)) == {district, street_b}
    assert set(campaigns_visible_to(user=cp.leader)) == {district, street_b}
    assert not campaigns_visible_to(user=cp.court_registrar).exists()
    # The ledger lists only what the reader may see; the figures are the campaign's.
    assert [e.case for e in campaign_ledger(user=cp.handler_a, campaign=district)] == [mine]
    assert campaign_ledger(user=cp.supervisor, campaign=district).count() == 2

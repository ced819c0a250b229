"""The guards of the dispute table and the clocks they rest on: each refusal names why (in
Chinese, naming the field) and changes nothing."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.errors import GuardFailed, ValidationFailed, XinfangError
from xinfang.core.models import Deadline
from xinfang.core.selectors import case_actions_for
from xinfang.disputes.models import DisputePetitionLink, JudicialConfirmation, Mediator
from xinfang.disputes.services import dispute_register

from .builders import (
    AGREEMENT,
    BASE_DAY,
    SESSION,
    act,
    build,
    dispute_data,
    mediators,
    party,
    register,
    snapshot,
)

D = dt.date


def refused(case, actor, action, error=GuardFailed, **payload) -> XinfangError:
    case.refresh_from_db()
    before = snapshot(case)
    with pytest.raises(error) as exc:
        act(case, actor, action, **payload)
    assert snapshot(case) == before
    assert exc.value.message and any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    return exc.value


def actions(user, case) -> set[str]:
    case.refresh_from_db()
    return {t.action for t in case_actions_for(user=user, case=case)}


def agreed_on(tree, day: D, signed_on: D | None = None):
    start = signed_on or day
    with clock.frozen(start):
        case = build(tree, "mediating")
        act(case, tree.mediator_c, "record_session", held_on=start.isoformat(), **SESSION)
    with clock.frozen(day):
        act(case, tree.mediator_c, "sign_agreement", **dict(
            AGREEMENT, signed_on=(signed_on or day).isoformat(), performance_by=(day + dt.timedelta(days=20)).isoformat()))
    case.refresh_from_db()
    return case


# --- 司法确认: 30 days, jointly (人民调解法 Art 33) -----------------------------------------

def test_judicial_confirmation_on_day_30_is_accepted_and_on_day_31_refused(tree):
    case = agreed_on(tree, D(2026, 3, 2))
    window = Deadline.objects.get(case=case, key="dispute_confirmation_window")
    assert window.due_date == D(2026, 4, 1) and window.obligation == "petitioner"
    with clock.frozen(D(2026, 4, 2)):                          # day 31
        err = refused(case, tree.mediator_c, "apply_confirmation", court="示范区人民法院", joint=True)
        assert "30日内" in err.message and "2026年04月01日" in err.message and err.field == "applied_on"
        # A timely application recorded late is accepted: the date applied is what counts.
        act(case, tree.mediator_c, "apply_confirmation", court="示范区人民法院", joint=True, applied_on="2026-04-01")
    case.refresh_from_db()
    assert case.status == "confirmation_applied"
    assert JudicialConfirmation.objects.get(case=case).applied_on == D(2026, 4, 1)
    ruling = Deadline.objects.get(case=case, key="dispute_confirmation_ruling")
    assert ruling.due_date == D(2026, 4, 17)                   # 15 days from 2026-04-02


def test_the_window_runs_from_the_signing_day_not_the_recording_day(tree):
    case = agreed_on(tree, D(2026, 3, 10), signed_on=D(2026, 3, 2))
    assert Deadline.objects.get(case=case, key="dispute_confirmation_window").due_date == D(2026, 4, 1)
    with clock.frozen(D(2026, 4, 2)):
        refused(case, tree.mediator_c, "apply_confirmation", court="示范区人民法院", joint=True)


def test_window_ending_on_a_holiday_runs_to_the_next_working_day(tree):
    # Signed 2026-09-01: day 30 is 2026-10-01, inside the National Day holiday (10-01..10-07).
    case = agreed_on(tree, D(2026, 9, 1))
    window = Deadline.objects.get(case=case, key="dispute_confirmation_window")
    assert window.due_date == D(2026, 10, 8)
    with clock.frozen(D(2026, 10, 8)):
        act(case, tree.mediator_c, "apply_confirmation", court="示范区人民法院", joint=True)


def test_confirmation_must_be_joint_and_not_before_the_agreement(tree):
    case = agreed_on(tree, D(2026, 3, 2))
    with clock.frozen(D(2026, 3, 5)):
        err = refused(case, tree.mediator_c, "apply_confirmation", ValidationFailed, court="示范区人民法院", joint=False)
        assert err.field == "joint" and "共同申请" in err.message
        err = refused(case, tree.mediator_c, "apply_confirmation", court="示范区人民法院", joint=True,
                      applied_on="2026-03-01")
        assert err.field == "applied_on"
        err = refused(case, tree.mediator_c, "apply_confirmation", court="示范区人民法院", joint=True,
                      applied_on="2026-03-09")
        assert "晚于今天" in err.message
        refused(case, tree.mediator_c, "apply_confirmation", ValidationFailed, court="", joint=True)


def test_confirmation_result_and_a_second_application(tree):
    case = agreed_on(tree, D(2026, 3, 2))
    with clock.frozen(D(2026, 3, 5)):
        act(case, tree.mediator_c, "apply_confirmation", court="示范区人民法院", joint=True)
        refused(case, tree.mediator_c, "record_confirmation", ValidationFailed, result="pending", ruling_on="2026-03-05")
        refused(case, tree.mediator_c, "record_confirmation", result="rejected", ruling_on="2026-03-04")
        act(case, tree.mediator_c, "record_confirmation", result="rejected", ruling_on="2026-03-05")
        case.refresh_from_db()
        assert case.status == "agreed"
        # The window was used: no second application on the same agreement …
        assert "apply_confirmation" not in actions(tree.mediator_c, case)
        # … but the parties may mediate again (民事诉讼法 Art 206), and a new agreement has a new window.
        act(case, tree.mediator_c, "resume_mediation", note="法院驳回后重新调解")
        act(case, tree.mediator_c, "sign_agreement", **dict(AGREEMENT, signed_on="2026-03-05",
                                                             performance_by="2026-03-20"))
        assert "apply_confirmation" in actions(tree.mediator_c, case)
    assert JudicialConfirmation.objects.get(case=case).result == "rejected"


# --- mediation -------------------------------------------------------------------------

def test_no_agreement_without_a_recorded_session(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "mediating")
        assert "sign_agreement" not in actions(tree.mediator_c, case)
        refused(case, tree.mediator_c, "sign_agreement", **dict(AGREEMENT, signed_on="2026-03-02",
                                                                performance_by="2026-03-12"))


def test_agreement_dates_and_signatures(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "mediating")
        act(case, tree.mediator_c, "record_session", held_on="2026-03-02", **SESSION)
        good = dict(AGREEMENT, signed_on="2026-03-02", performance_by="2026-03-12")
        assert refused(case, tree.mediator_c, "sign_agreement", **dict(good, signed_on="2026-03-03")).field == "signed_on"
        assert refused(case, tree.mediator_c, "sign_agreement", **dict(good, signed_on="2026-02-01")).field == "signed_on"
        assert refused(case, tree.mediator_c, "sign_agreement", ValidationFailed,
                       **dict(good, performance_by="2026-03-01")).field == "performance_by"
        assert refused(case, tree.mediator_c, "sign_agreement", ValidationFailed,
                       **dict(good, all_signed=False)).field == "all_signed"
        assert refused(case, tree.mediator_c, "sign_agreement", ValidationFailed,
                       **dict(good, terms="")).field == "terms"
        act(case, tree.mediator_c, "sign_agreement", **dict(good, form="oral", all_signed=False))
        case.refresh_from_db()
        assert case.dispute.resolved_unit == tree.community and case.dispute.resolved_level == "community"


def test_mediators_chosen_and_refused(tree):
    """人民调解法 Arts 19, 23."""
    with clock.frozen(BASE_DAY):
        case = register(tree)
        assert refused(case, tree.mediator_c, "accept", mediators="、 ，").field == "mediators"
        act(case, tree.mediator_c, "accept", mediators="张调解、李调解", chosen_how="chosen")
        err = refused(case, tree.mediator_c, "change_mediators", refused="赵某", reason="不认识此人")
        assert err.field == "refused"
        err = refused(case, tree.mediator_c, "change_mediators", refused="张调解、李调解", reason="双方均不认可")
        assert err.field == "added"
        refused(case, tree.mediator_c, "change_mediators", ValidationFailed, reason="无")
        act(case, tree.mediator_c, "change_mediators", refused="张调解", added="王调解", reason="张调解与被申请人系亲属")
    rows = {m.name: m for m in Mediator.objects.filter(case=case)}
    assert rows["张调解"].refused and not rows["李调解"].refused and rows["王调解"].chosen_how == "chosen"
    assert rows["张调解"].refused_reason == "张调解与被申请人系亲属"


def test_session_dates(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "mediating")
        assert refused(case, tree.mediator_c, "record_session", **dict(SESSION, held_on="2026-03-03")).field == "held_on"
        assert refused(case, tree.mediator_c, "record_session", **dict(SESSION, held_on="2026-01-01")).field == "held_on"
        assert refused(case, tree.mediator_c, "record_session", ValidationFailed,
                       **dict(SESSION, held_on="不是日期")).field == "held_on"
        assert refused(case, tree.mediator_c, "record_session", ValidationFailed,
                       **dict(SESSION, held_on="2026-03-02", record="")).field == "record"


def test_resolved_only_after_a_follow_up_found_it_performed(tree):
    case = agreed_on(tree, BASE_DAY)
    with clock.frozen(BASE_DAY + dt.timedelta(days=12)):
        assert "close_resolved" not in actions(tree.mediator_c, case)
        refused(case, tree.mediator_c, "close_resolved")
        assert refused(case, tree.mediator_c, "record_followup", visited_on="2026-03-01",
                       performance="performed").field == "visited_on"
        act(case, tree.mediator_c, "record_followup", visited_on="2026-03-14", performance="partly")
        refused(case, tree.mediator_c, "close_resolved")
        act(case, tree.mediator_c, "record_followup", visited_on="2026-03-14", performance="performed",
            note="赔偿款已付清，房屋已修复")
        act(case, tree.mediator_c, "close_resolved")
    case.refresh_from_db()
    assert case.status == "resolved" and not case.is_open
    assert not Deadline.objects.filter(case=case, active=True).exists()


def test_ending_mediation_tells_the_other_routes(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "mediating")
        err = refused(case, tree.mediator_c, "end_mediation", ValidationFailed, reason="no_agreement", other_routes="")
        assert err.field == "other_routes"
        assert refused(case, tree.mediator_c, "end_mediation", reason="not_performed",
                       other_routes="可向法院起诉").field == "reason"
        act(case, tree.mediator_c, "end_mediation", reason="party_ended", other_routes="已告知可申请仲裁或向法院起诉")
    case.refresh_from_db()
    assert case.status == "ended" and case.dispute.end_reason == "party_ended"
    assert "仲裁" in case.dispute.other_routes
    agreed = agreed_on(tree, BASE_DAY)
    with clock.frozen(BASE_DAY):
        assert refused(agreed, tree.mediator_c, "end_mediation", reason="no_agreement",
                       other_routes="可向法院起诉").field == "reason"
        act(agreed, tree.mediator_c, "end_mediation", reason="not_performed", other_routes="可向法院起诉")
    agreed.refresh_from_db()
    assert agreed.dispute.resolved_on is None            # no longer counted as resolved


def test_a_party_refusing_mediation_ends_it_before_acceptance(tree):
    """人民调解法 Art 17: not mediated when a party clearly refuses."""
    with clock.frozen(BASE_DAY):
        case = register(tree)
        act(case, tree.mediator_c, "end_mediation", reason="refused", other_routes="已告知可向人民法院起诉")
    case.refresh_from_db()
    assert case.status == "ended"


def test_police_referral_is_recorded(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "referred_police")
    case.refresh_from_db()
    assert case.dispute.police_organ == "示范区公安分局甲街道派出所"
    assert case.dispute.police_referred_on == BASE_DAY
    event = case.events.order_by("-seq").first()
    assert event.action == "refer_police" and "报复" in event.payload["reason"]


# --- 三调对接 ---------------------------------------------------------------------------

def test_hand_over_between_kinds_of_mediation(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "mediating")
        for track, unit in (("judicial", tree.street_a), ("administrative", tree.grid), ("people", tree.court)):
            assert refused(case, tree.mediator_c, "hand_over", track=track, unit_id=unit.pk,
                           reason="移交试一试").field == "unit_id"
        assert refused(case, tree.mediator_c, "hand_over", track="people", unit_id=tree.community.pk,
                       reason="移交本单位").field == "unit_id"
        assert refused(case, tree.mediator_c, "hand_over", track="people", unit_id=999999,
                       reason="移交不存在的单位").field == "unit_id"
        act(case, tree.mediator_c, "hand_over", track="administrative", unit_id=tree.street_a.pk,
            reason="涉及宅基地权属，需街道行政调解")
        case.refresh_from_db()
        assert (case.status, case.owner_unit, case.dispute.track) == ("registered", tree.street_a, "administrative")
        assert not Deadline.objects.filter(case=case, key="dispute_mediation", active=True).exists()
        # The community still sees the dispute it handed on; the street takes it up.
        assert "accept" not in actions(tree.mediator_c, case)
        assert "accept" in actions(tree.handler_a, case)
        act(case, tree.handler_a, "accept", mediators="街道司法所刘某")
        act(case, tree.handler_a, "hand_over", track="judicial", unit_id=tree.court.pk, reason="转法院诉前调解")
    case.refresh_from_db()
    timeline = [(e.action, e.payload.get("unit"), e.payload.get("track")) for e in case.events.order_by("seq")]
    assert ("hand_over", "甲街道", "administrative") in timeline
    assert ("hand_over", "示范市中级人民法院", "judicial") in timeline
    assert list(case.dispute_handovers.values_list("from_track", "to_track")) == [
        ("people", "administrative"), ("administrative", "judicial")]


# --- petitions, both ways -----------------------------------------------------------------

def test_to_petition_registers_a_new_petition_only_for_a_registrar(tree):
    with clock.frozen(BASE_DAY):
        case = register(tree)
        err = refused(case, tree.mediator_c, "to_petition", reason="当事人要求信访")
        assert err.field == "petition_number"
        refused(case, tree.mediator_c, "to_petition", reason="当事人要求信访", petition_number="XF2026-NOPE-00001")
        act(case, tree.registrar_sub_a, "to_petition", reason="当事人坚持通过信访渠道反映")
    link = DisputePetitionLink.objects.get(dispute=case)
    assert link.direction == "to_petition" and link.petition.kind == "petition"
    assert link.petition.status == "registered" and link.petition.title == case.title
    assert {p.name for p in link.petition.petitioners.all()} == {p.name for p in case.dispute_parties.all()}


def test_bad_registration_changes_nothing(tree):
    from xinfang.core.models import Case

    mediators(tree)
    before = Case.objects.count()
    bad = [
        (dict(parties=[]), "parties"),
        (dict(dispute_type="quarrel"), "dispute_type"),
        (dict(title="x"), "title"),
        (dict(parties=[party(id_number="123")]), "parties.0.id_number"),
        (dict(parties=[party(kind="organisation", id_number="123")]), "parties.0.id_number"),
        (dict(parties=[party(phone="12")]), "parties.0.phone"),
        (dict(person_count=1, parties=[party(), party()]), "person_count"),
        (dict(place_unit_id=999999), "place_unit_id"),
        (dict(received_date="2026-03-03"), "received_date"),
        (dict(amount="-5"), "amount"),
    ]
    with clock.frozen(BASE_DAY):
        for overrides, field in bad:
            with pytest.raises(ValidationFailed) as exc:
                dispute_register(actor=tree.mediator_c, data=dispute_data(**overrides))
            assert exc.value.field == field, (overrides, exc.value.field, exc.value.message)
    assert Case.objects.count() == before

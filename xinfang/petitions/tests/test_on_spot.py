"""现场办结 (on-the-spot resolution): registered and closed in one step through the workflow's
`resolve_on_spot` transition — from the registration form, the registration API, or as an
action on a case registered today — only for a simple matter the registering unit settles
itself, on the day it is registered. A refused attempt changes nothing."""
import datetime as dt

import pytest
from django.core.cache import cache

from xinfang.api.tests.conftest import ApiClient, assert_documented
from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.errors import (
    Forbidden,
    GuardFailed,
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
)
from xinfang.core.models import Case, Deadline, Event, NumberSequence
from xinfang.core.selectors import case_actions_for, case_timeline
from xinfang.petitions.models import Petition
from xinfang.petitions.services import petition_register

from .builders import BASE_DAY, act, petition_data, petitioner, register, snapshot

ON_SPOT = dict(occasion="window", outcome="当场联系物业公司，路灯已于当日修复。", acknowledgement="signed")


def _counts() -> dict:
    return {"cases": Case.objects.count(), "events": Event.objects.count(),
            "numbers": list(NumberSequence.objects.values_list("last", flat=True))}


# --- registered and resolved in one step ---------------------------------------------------

def test_register_resolved_on_spot_closes_in_one_transaction_with_both_steps_on_the_timeline(tree):
    with clock.frozen(BASE_DAY):
        case = petition_register(actor=tree.registrar, data=petition_data(on_spot=dict(ON_SPOT, satisfaction="satisfied")))
    case.refresh_from_db()
    assert (case.status, case.is_open, case.version) == ("closed", False, 2)
    assert case.closed_at is not None
    events = list(case.events.order_by("seq"))
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("register", "", "registered"), ("resolve_on_spot", "registered", "closed")]
    assert events[1].payload == dict(ON_SPOT, satisfaction="satisfied")
    petition = Petition.objects.get(case=case)
    assert petition.resolved_on_spot and petition.on_spot_occasion == "window"
    assert petition.on_spot_outcome == ON_SPOT["outcome"] and petition.on_spot_acknowledgement == "signed"
    assert (petition.satisfaction, petition.rated_stage) == ("satisfied", "on_spot")
    assert petition.handling_unit == tree.bureau
    # No clock keeps running on a matter that is done.
    assert not Deadline.objects.filter(case=case, active=True).exists() and case.next_due_date is None
    # The petitioner's timeline says it plainly.
    public = [e.public_text for e in case_timeline(case=case, public=True)]
    assert public == ["信访事项已登记", "示范区信访局在接待窗口当场办结，信访人已确认（评价：满意）"]
    assert audit_verify().ok


def test_a_rating_not_taken_on_the_spot_can_still_be_given_once_later(tree):
    with clock.frozen(BASE_DAY):
        case = petition_register(actor=tree.registrar, data=petition_data(on_spot=ON_SPOT))
        assert "rate" in {t.action for t in case_actions_for(user=None, case=case, actor_kind="public")}
        act(case, "public", "rate", level="basic")
        with pytest.raises(GuardFailed, match="已经评价过"):
            act(case, "public", "rate", level="satisfied")
    assert Petition.objects.get(case=case).satisfaction == "basic"


def test_a_rating_taken_on_the_spot_is_not_asked_again(tree):
    with clock.frozen(BASE_DAY):
        case = petition_register(actor=tree.registrar, data=petition_data(on_spot=dict(ON_SPOT, satisfaction="basic")))
        assert "rate" not in {t.action for t in case_actions_for(user=None, case=case, actor_kind="public")}


@pytest.mark.parametrize("overrides, field, words", [
    (dict(person_count=5, petitioners=[petitioner(), petitioner()]), "person_count", "集体访"),
    (dict(claim_type="accusation", accused_unit_id="HOUSING"), "accused_unit_id", "检举控告"),
    (dict(is_skip_level=True), "is_skip_level", "越级"),
    (dict(channel="higher"), "channel", "上级交办"),
    (dict(received_date=BASE_DAY - dt.timedelta(days=2)), "on_spot.occasion", "收到日期应为当日"),
])
def test_a_matter_not_for_on_the_spot_resolution_is_refused_and_nothing_is_registered(tree, overrides, field, words):
    if overrides.get("accused_unit_id") == "HOUSING":
        overrides["accused_unit_id"] = tree.housing.pk
    before = _counts()
    with clock.frozen(BASE_DAY), pytest.raises(GuardFailed, match=words) as exc:
        petition_register(actor=tree.registrar, data=petition_data(on_spot=ON_SPOT, **overrides))
    assert exc.value.field == field
    assert _counts() == before


def test_a_field_visit_registered_later_the_same_day_may_carry_the_visit_date(tree):
    visit_day = BASE_DAY - dt.timedelta(days=1)
    with clock.frozen(BASE_DAY):
        case = petition_register(actor=tree.registrar, data=petition_data(
            received_date=visit_day, on_spot=dict(ON_SPOT, occasion="field", acknowledgement="phone")))
    case.refresh_from_db()
    assert case.status == "closed" and case.received_date == visit_day


@pytest.mark.parametrize("on_spot, field, words", [
    (dict(ON_SPOT, outcome=""), "on_spot.outcome", "办理情况"),
    ({k: v for k, v in ON_SPOT.items() if k != "acknowledgement"}, "on_spot.acknowledgement", "信访人确认方式"),
    (dict(ON_SPOT, occasion="pub"), "on_spot.occasion", "办结场合"),
    (dict(ON_SPOT, satisfaction="great"), "on_spot.satisfaction", "当场满意度评价"),
    (dict(ON_SPOT, extra="x"), "on_spot.extra", "不认识"),
])
def test_bad_on_the_spot_input_is_named_and_nothing_is_registered(tree, on_spot, field, words):
    before = _counts()
    with clock.frozen(BASE_DAY), pytest.raises(ValidationFailed, match=words) as exc:
        petition_register(actor=tree.registrar, data=petition_data(on_spot=on_spot))
    assert exc.value.field == field
    assert _counts() == before


def test_an_online_petition_cannot_be_resolved_on_the_spot(tree):
    before = _counts()
    with clock.frozen(BASE_DAY), pytest.raises(ValidationFailed) as exc:
        petition_register(actor=None, actor_kind="public", data=petition_data(channel="web", on_spot=ON_SPOT))
    assert exc.value.field == "on_spot" and _counts() == before


# --- as an action on a case registered today ------------------------------------------------

def test_a_handler_of_the_registering_unit_resolves_a_fresh_case_on_a_field_visit(tree):
    with clock.frozen(BASE_DAY):
        case = register(tree, actor=tree.registrar_a)
        assert "resolve_on_spot" in {t.action for t in case_actions_for(user=tree.handler_a, case=case)}
        act(case, tree.handler_a, "resolve_on_spot", occasion="field", outcome="走访现场，协调物业当场修复。",
            acknowledgement="oral")
    case.refresh_from_db()
    assert case.status == "closed"
    event = case.events.get(action="resolve_on_spot")
    assert event.actor == tree.handler_a and event.public_text == "甲街道在实地走访中现场办结，信访人已确认"


def test_the_next_day_it_is_no_longer_offered_nor_allowed(tree):
    with clock.frozen(BASE_DAY):
        case = register(tree)
    with clock.frozen(BASE_DAY + dt.timedelta(days=1)):
        assert "resolve_on_spot" not in {t.action for t in case_actions_for(user=tree.registrar, case=case)}
        before = snapshot(case)
        with pytest.raises(GuardFailed, match="登记当日"):
            act(case, tree.registrar, "resolve_on_spot", **ON_SPOT)
        assert snapshot(case) == before


def test_only_the_registering_units_registrars_and_handlers_may_resolve_on_the_spot(tree):
    with clock.frozen(BASE_DAY):
        case = register(tree, actor=tree.registrar_a)
        for user in (tree.reviewer_a, tree.leader):
            before = snapshot(case)
            with pytest.raises(Forbidden):
                act(case, user, "resolve_on_spot", **dict(ON_SPOT, occasion="field"))
            assert snapshot(case) == before
        with pytest.raises(NotFound):          # another street does not even see the case
            act(case, tree.handler_b, "resolve_on_spot", **dict(ON_SPOT, occasion="field"))
        assigned = register(tree)
        act(assigned, tree.registrar, "assign", unit_id=tree.street_a.pk)
        with pytest.raises(TransitionNotAllowed):   # once handed over, the ordinary way only
            act(assigned, tree.handler_a, "resolve_on_spot", **ON_SPOT)


def test_the_api_registers_and_resolves_in_one_call(tree):
    cache.clear()
    registrar = ApiClient(tree.registrar)
    with clock.frozen(BASE_DAY):
        r, case = registrar.register(on_spot=dict(ON_SPOT, satisfaction="satisfied"))
        assert r.status_code == 201, case
        assert (case["status"], case["is_open"]) == ("closed", False)
        r, timeline = registrar.timeline(case["number"])
        assert [e["action"] for e in timeline["events"]] == ["register", "resolve_on_spot"]
        r, bad = registrar.register(on_spot=dict(ON_SPOT, outcome=""))
        assert r.status_code == 422 and bad["field"] == "on_spot.outcome"
        r, refused = registrar.register(person_count=6, on_spot=ON_SPOT)
        assert r.status_code == 422 and refused["field"] == "person_count"
        # The generic transitions endpoint takes it on a case registered today.
        r, fresh = registrar.register()
        r, done = registrar.act(fresh["number"], "resolve_on_spot", **ON_SPOT)
        assert (r.status_code, done["status"]) == (200, "closed")
        track = ApiClient().get(f"/api/v1/public/track/{done['query_code']}")
        view = assert_documented(track, "get", "/api/v1/public/track/{query_code}")
        assert view["status_label"] == "已办结"
        assert view["timeline"][-1]["text"] == "示范区信访局在接待窗口当场办结，信访人已确认"
    assert Case.objects.count() == 2


# --- the pages ------------------------------------------------------------------------------

def _form(**overrides) -> dict:
    from xinfang.web.tests.test_pages import registration_post
    return registration_post(**{"on_spot": "on", "on_spot-occasion": "window", "on_spot-outcome": ON_SPOT["outcome"],
                                "on_spot-acknowledgement": "signed", "on_spot-satisfaction": "", **overrides})


def test_the_registration_form_registers_and_resolves_and_the_case_page_shows_it(client, tree):
    client.force_login(tree.registrar)
    html = client.get("/register/").content.decode()
    assert '<input type="checkbox" name="on_spot" data-on-spot-toggle' in html
    assert 'name="on_spot-outcome"' in html and "接待窗口当场办结" in html
    response = client.post("/register/", _form(), follow=True)
    case = Case.objects.get()
    assert case.status == "closed"
    page = response.content.decode()
    assert f"登记并现场办结：编号 {case.number}" in page
    for words in ("现场办结", "办结场合", "接待窗口当场办结", "信访人确认方式", "信访人签字确认", ON_SPOT["outcome"]):
        assert words in page
    assert "/act/resolve_on_spot/" not in page
    # Not rated on the spot: the registering office may still record the petitioner's rating.
    assert f'action="/cases/{case.number}/act/rate/"' in page


def test_without_the_box_ticked_the_on_the_spot_inputs_are_ignored(client, tree):
    client.force_login(tree.registrar)
    form = _form()
    del form["on_spot"]
    assert client.post("/register/", form).status_code == 302
    assert Case.objects.get().status == "registered"


@pytest.mark.parametrize("overrides, words", [
    ({"on_spot-outcome": ""}, "办理情况为必填项"),
    ({"on_spot-acknowledgement": ""}, "信访人确认方式为必填项"),
    ({"person_count": "6"}, "集体访（5人及以上）不适用现场办结"),
])
def test_a_refused_on_the_spot_registration_is_explained_and_nothing_is_registered(client, tree, overrides, words):
    client.force_login(tree.registrar)
    response = client.post("/register/", _form(**overrides))
    assert response.status_code == 422
    html = response.content.decode()
    assert "未能登记：" in html and words in html
    assert '<input type="checkbox" name="on_spot" data-on-spot-toggle checked' in html   # kept as typed
    assert not Case.objects.exists()


def test_the_case_page_offers_it_on_a_case_registered_today(client, tree):
    from xinfang.web.tests.test_pages import page_register
    client.force_login(tree.registrar)
    number = page_register(client)
    html = client.get(f"/cases/{number}/").content.decode()
    assert f'action="/cases/{number}/act/resolve_on_spot/"' in html
    case = Case.objects.get(number=number)
    response = client.post(f"/cases/{number}/act/resolve_on_spot/", {
        "version": case.version, "occasion": "window", "outcome": "", "acknowledgement": "oral"})
    assert response.status_code == 422 and "办理情况" in response.content.decode()
    response = client.post(f"/cases/{number}/act/resolve_on_spot/", {
        "version": case.version, "occasion": "window", "outcome": "当场解释政策，信访人表示理解。",
        "acknowledgement": "oral", "satisfaction": "basic"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and Petition.objects.get(case=case).satisfaction == "basic"

"""The /api/v1/disputes… endpoints (mounted on a test API until the lead mounts the router):
a dispute walked from registration to resolution through the API, screening, errors."""
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from xinfang.api.services import api_token_issue
from xinfang.core import clock

from .builders import AGREEMENT, BASE_DAY, SESSION, dispute_data, mediators

pytestmark = pytest.mark.urls("xinfang.disputes.tests.api_urls")
API = "/test-api/v1"


def client_for(user) -> Client:
    _, token = api_token_issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def transition(c, number, action, **payload) -> dict:
    """A workflow step through the generic endpoint every kind shares."""
    version = c.get(f"/api/v1/cases/{number}").json()["version"]
    r = c.post(f"/api/v1/cases/{number}/transitions", {"action": action, "version": version, "payload": payload},
               content_type="application/json")
    assert r.status_code == 200, r.content.decode()
    return r.json()


def test_walk_a_dispute_through_the_api(tree):
    mediators(tree)
    c = client_for(tree.mediator_c)
    with clock.frozen(BASE_DAY):
        bad = c.post(f"{API}/disputes", dispute_data(dispute_type="quarrel"), content_type="application/json")
        assert bad.status_code == 422 and bad.json()["field"] == "dispute_type"
        assert "纠纷类型" in bad.json()["message"]
        r = c.post(f"{API}/disputes", dispute_data(), content_type="application/json")
        assert r.status_code == 201, r.content
        body = r.json()
        number = body["number"]
        assert number.startswith("TJ2026-YSQ-") and body["status"] == "registered"
        assert body["parties"][0]["phone"].count("*") == 4 and body["parties"][0]["masked"]
        transition(c, number, "accept", mediators="张调解")
        transition(c, number, "record_session", held_on="2026-03-02", **SESSION)
        transition(c, number, "sign_agreement", **dict(AGREEMENT, signed_on="2026-03-02", performance_by="2026-03-12"))
        detail = c.get(f"{API}/disputes/{number}").json()
        assert detail["status"] == "agreed" and detail["confirmation_due"] == "2026-04-01"
        assert detail["agreement"]["terms"].startswith("甲方") and detail["mediators"] == ["张调解"]
        assert detail["resolved_level"] == "community"
    listing = c.get(f"{API}/disputes", {"dispute_type": "neighbour"}).json()
    assert listing["count"] == 1 and listing["items"][0]["number"] == number
    assert c.get(f"{API}/disputes", {"dispute_type": "labour"}).json()["count"] == 0
    assert c.get(f"{API}/disputes", {"status": "nope"}).status_code == 422
    assert c.get(f"{API}/disputes", {"unit": 999999}).json()["field"] == "unit"
    ledger = c.get(f"{API}/disputes/ledger.xlsx")
    ws = load_workbook(io.BytesIO(ledger.content)).active
    assert ws.cell(row=4, column=2).value == number
    levels = c.get(f"{API}/disputes/levels", {"date_from": "2026-03-01", "date_to": "2026-03-31"}).json()
    assert levels["resolved"] == 1 and levels["village_share"] == 100.0
    assert c.get(f"{API}/disputes/levels", {"date_from": "2026-04-01", "date_to": "2026-03-01"}).status_code == 422
    # Out of scope: not found, like a number that does not exist.
    other = client_for(tree.handler_b)
    assert other.get(f"{API}/disputes/{number}").status_code == 404
    assert other.get(f"{API}/disputes/TJ2026-NOPE-00001").status_code == 404
    assert Client().get(f"{API}/disputes").status_code == 401
    # … and on to the end: day 31 is refused, a follow-up finds it performed, it closes resolved.
    with clock.frozen(dt.date(2026, 4, 2)):
        version = c.get(f"/api/v1/cases/{number}").json()["version"]
        late = c.post(f"/api/v1/cases/{number}/transitions", {"action": "apply_confirmation", "version": version,
                      "payload": {"court": "示范区人民法院", "joint": True}}, content_type="application/json")
        assert late.status_code == 422 and late.json()["code"] == "guard_failed" and "30日内" in late.json()["message"]
        transition(c, number, "record_followup", visited_on="2026-04-02", performance="performed")
        done = transition(c, number, "close_resolved")
    assert done["status"] == "resolved" and not done["is_open"]


def test_screening_through_the_api(tree):
    mediators(tree)
    c = client_for(tree.mediator_c)
    with clock.frozen(dt.date(2026, 3, 10)):
        missing = c.get(f"{API}/disputes/screenings/missing").json()
        assert {(m["unit"]["name"], m["period_start"]) for m in missing} >= {("一社区", "2026-03-02")}
        bad = c.post(f"{API}/disputes/screenings", {"unit_id": tree.community.pk, "period_start": "2026-03-02"},
                     content_type="application/json")
        assert bad.status_code == 422 and bad.json()["field"] == "dispute_numbers"
        r = c.post(f"{API}/disputes/screenings", {"unit_id": tree.community.pk, "period_start": "2026-03-04",
                                                  "none_found": True}, content_type="application/json")
        assert r.status_code == 201 and r.json()["period_start"] == "2026-03-02" and r.json()["is_late"] is True
        missing = c.get(f"{API}/disputes/screenings/missing").json()
        assert ("一社区", "2026-03-02") not in {(m["unit"]["name"], m["period_start"]) for m in missing}
        assert [x["id"] for x in c.get(f"{API}/disputes/screenings").json()] == [r.json()["id"]]
        assert client_for(tree.handler_b).get(f"{API}/disputes/screenings").json() == []


def test_from_petition_through_the_api(tree):
    from xinfang.petitions.tests.builders import act as petition_act
    from xinfang.petitions.tests.builders import register as petition_register

    mediators(tree)
    with clock.frozen(BASE_DAY):
        petition = petition_register(tree, actor=tree.registrar_sub_a)
        petition_act(petition, tree.registrar_sub_a, "assign", unit_id=tree.community.pk)
        c = client_for(tree.mediator_c)
        assert c.post(f"{API}/disputes/from-petition/{petition.number}", {},
                      content_type="application/json").status_code == 422
        r = c.post(f"{API}/disputes/from-petition/{petition.number}", {"dispute_type": "property"},
                   content_type="application/json")
    assert r.status_code == 201
    assert r.json()["petition_links"] == [{"direction": "to_dispute", "number": petition.number,
                                           "title": petition.title}]

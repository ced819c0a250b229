"""The emergency API: register, list with filters, detail with the reports, each kind of
report, 签收, the ledger, overdue first reports and the statistics; errors in the one
shape; scope."""
import io

import pytest
from openpyxl import load_workbook

from xinfang.core import clock

from .builders import (
    BASE_AT,
    FINAL,
    FIRST,
    FOLLOWUP,
    RESPONSE,
    at,
    build_at,
    emergency_data,
)


@pytest.fixture
def call(api_call):
    return api_call


def test_register_report_acknowledge_and_close_through_the_api(em, call):
    with clock.frozen(BASE_AT):
        r = call(em.handler_a, "post", "/api/v1/emergencies",
                 emergency_data(place_unit_id=em.community.pk, event_type="work_safety"))
        assert r.status_code == 201, r.content
        e = r.json()
        assert e["number"].startswith("TF2026-") and e["status"] == "learned" and e["first_report_hours"] == 1
        assert e["first_report_due"].startswith("2026-03-02T10:00") and e["reports"] == []
        number, version = e["number"], e["version"]

    def report(user, kind, payload, when):
        nonlocal version
        with clock.frozen(when):
            resp = call(user, "post", f"/api/v1/emergencies/{number}/reports",
                        {"kind": kind, "version": version, "payload": payload})
        if resp.status_code == 201:
            version = resp.json()["version"]
        return resp

    refused = report(em.handler_a, "final", FINAL, at(10))
    assert refused.status_code == 409 and refused.json()["code"] == "transition_not_allowed"
    bad = report(em.handler_a, "first", dict(FIRST, deaths=-2), at(10))
    assert bad.status_code == 422 and bad.json()["field"] == "deaths" and "死亡" in bad.json()["message"]
    assert report(em.handler_a, "first", FIRST, at(20)).status_code == 201
    stale = report(em.handler_a, "followup", FOLLOWUP, at(30))
    assert stale.status_code == 201
    with clock.frozen(at(35)):
        old = call(em.handler_a, "post", f"/api/v1/emergencies/{number}/reports",
                   {"kind": "followup", "version": version - 1, "payload": FOLLOWUP})
        assert old.status_code == 409 and old.json()["code"] == "conflict"
        ack = call(em.district_officer, "post", f"/api/v1/emergencies/{number}/acknowledge", {"version": version})
        assert ack.status_code == 200, ack.content
        version = ack.json()["version"]
        again = call(em.district_officer, "post", f"/api/v1/emergencies/{number}/acknowledge", {"version": version})
        assert again.status_code == 422 and again.json()["code"] == "guard_failed"
    assert report(em.handler_a, "response", RESPONSE, at(60)).status_code == 201
    done = report(em.handler_a, "final", FINAL, at(hours=5))
    assert done.status_code == 201
    detail = done.json()
    assert detail["status"] == "closed" and not detail["is_open"] and not detail["first_report_late"]
    assert [r["kind"] for r in detail["reports"]] == ["first", "followup", "response", "final"]
    assert detail["figures"] == {"deaths": 0, "injured": 2, "missing": 0, "trapped": 0, "relocated": 40,
                                 "economic_loss": "12.50"}
    assert [len(r["receipts"]) for r in detail["reports"]] == [1, 1, 0, 0]
    assert detail["reports"][0]["receipts"][0]["unit"]["name"] == "示范区"
    assert detail["reports"][0]["signer"] == "张伟"


def test_list_filters_overdue_and_scope(em, call):
    reported = build_at(em, "reported")
    waiting = build_at(em, "learned", title="西湖路交通事故", event_type="traffic")
    with clock.frozen(at(hours=3)):
        listed = call(em.supervisor, "get", "/api/v1/emergencies").json()
        assert listed["count"] == 2
        overdue = call(em.supervisor, "get", "/api/v1/emergencies", overdue="true").json()
        assert [i["number"] for i in overdue["items"]] == [waiting.number]
        assert overdue["items"][0]["first_report_overdue"]
        assert [i["number"] for i in call(em.supervisor, "get", "/api/v1/emergencies/overdue").json()] == [waiting.number]
        traffic = call(em.supervisor, "get", "/api/v1/emergencies", event_type="traffic").json()
        assert [i["number"] for i in traffic["items"]] == [waiting.number]
        bad = call(em.supervisor, "get", "/api/v1/emergencies", grade="huge")
        assert bad.status_code == 422 and bad.json()["field"] == "grade"
        # Own-unit scope at the district: the reported event only.
        mine = call(em.district_officer, "get", "/api/v1/emergencies").json()
        assert [i["number"] for i in mine["items"]] == [reported.number]
        assert call(em.handler_b, "get", "/api/v1/emergencies").json()["count"] == 0
        missing = call(em.handler_b, "get", f"/api/v1/emergencies/{reported.number}")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_ledger_and_stats(em, call):
    build_at(em, "closed")
    build_at(em, "reported", event_type="flood", grade="large")
    with clock.frozen(at(hours=1)):
        r = call(em.supervisor, "get", "/api/v1/emergencies/ledger.xlsx", grade="large")
        assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
        ws = load_workbook(io.BytesIO(r.content)).active
        assert ws.max_row == 4 and ws["E4"].value == "较大（Ⅲ级）"
        stats = call(em.supervisor, "get", "/api/v1/emergencies/stats", start="2026-03-01", end="2026-03-31").json()
        assert stats["totals"]["events"] == 2 and stats["totals"]["injured"] == 2
        assert stats["by_grade"] == {"extraordinary": 0, "major": 0, "large": 1, "ordinary": 1}
        bad = call(em.supervisor, "get", "/api/v1/emergencies/stats", start="2026-04-01", end="2026-03-01")
        assert bad.status_code == 422 and bad.json()["field"] == "end"

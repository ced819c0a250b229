"""The hazard API: register, list with filters, detail, the ledger export, statistics,
inspections; errors in the one shape; scope; the walk to 销号 through the generic
transitions endpoint, including the refused 销号 of a major hazard without review."""
import io

import pytest
from openpyxl import load_workbook

from xinfang.core import clock

from .builders import BASE_DAY, PLAN, build_on, hazard_data

pytestmark = pytest.mark.urls("xinfang.hazards.tests.api_urls")


@pytest.fixture
def call(api_call):
    return api_call


def test_register_list_detail_and_walk_to_closing(hz, call):
    with clock.frozen(BASE_DAY):
        r = call(hz.inspector_a, "post", "/api/v1/hazards", hazard_data(grade="major", industry="hazchem"))
        assert r.status_code == 201, r.content
        h = r.json()
        assert h["number"].startswith("YH2026-") and h["grade_label"] == "重大隐患" and h["status"] == "registered"
        number, version = h["number"], h["version"]

        def step(user, action, **payload):
            nonlocal version
            resp = call(user, "post", f"/api/v1/cases/{number}/transitions",
                        {"action": action, "version": version, "payload": payload})
            if resp.status_code == 200:
                version = resp.json()["version"]
            return resp

        refused = step(hz.supervisor, "close_off_major")
        assert refused.status_code == 409 and refused.json()["code"] == "transition_not_allowed"
        assert step(hz.inspector_a, "record_plan", **PLAN()).status_code == 200
        assert step(hz.inspector_a, "report_to_regulator", unit_id=hz.district.pk, situation="阀门老化泄漏",
                    harm_analysis="危害大，需停产").status_code == 200
        assert step(hz.supervisor, "supervise", supervision_ref="示安督〔2026〕3号", requirements="限期治理").status_code == 200
        assert step(hz.inspector_a, "apply_resume", evaluation="评估合格").status_code == 200
        assert step(hz.supervisor, "review_pass", checker="督查组", notes="合格").status_code == 200
        assert step(hz.supervisor, "close_off_major", note="核销").status_code == 200
        detail = call(hz.supervisor, "get", f"/api/v1/hazards/{number}").json()
    assert detail["status_label"] == "已销号" and detail["closed_on"] == "2026-03-02"
    assert detail["plan"]["funds_yuan"] == 350000 and [c["result"] for c in detail["checks"]] == ["passed"]
    listed = call(hz.supervisor, "get", "/api/v1/hazards", grade="major", is_open="false").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == number


def test_errors_are_in_the_one_shape(hz, call):
    with clock.frozen(BASE_DAY):
        bad = call(hz.inspector_a, "post", "/api/v1/hazards", hazard_data(credit_code="123"))
        assert bad.status_code == 422 and bad.json()["field"] == "credit_code"
        forbidden = call(hz.handler_a, "post", "/api/v1/hazards", hazard_data())
        assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
        case = build_on(hz, "registered")
        assert call(hz.inspector_b, "get", f"/api/v1/hazards/{case.number}").status_code == 404
        assert call(hz.inspector_a, "get", "/api/v1/hazards", grade="huge").json()["field"] == "grade"
        assert call(hz.inspector_a, "get", "/api/v1/hazards", status="nope").json()["field"] == "status"
        assert call(hz.inspector_a, "get", "/api/v1/hazards/stats", quarter=7).json()["field"] == "quarter"
        assert call(hz.inspector_a, "get", "/api/v1/hazards/stats", by="person").json()["field"] == "by"


def test_ledger_export_stats_ages_and_inspections(hz, call):
    with clock.frozen(BASE_DAY):
        created = call(hz.inspector_a, "post", "/api/v1/hazard-inspections", {
            "name": "春季安全大检查", "scope_unit_ids": [hz.street_a.pk], "start_date": "2026-03-01",
            "end_date": "2026-03-31"})
        assert created.status_code == 201
        inspection = created.json()
        build_on(hz, "rectifying", inspection_id=inspection["id"])
        build_on(hz, "governing")
        listed = call(hz.inspector_a, "get", "/api/v1/hazard-inspections").json()
        assert [(i["name"], i["total"]) for i in listed] == [("春季安全大检查", 1)]
        stats = call(hz.supervisor, "get", "/api/v1/hazards/stats", year=2026, quarter=1, by="grade").json()
        assert {r["key"]: r["found"] for r in stats["rows"]} == {"major": 1, "ordinary": 1}
        ages = call(hz.supervisor, "get", "/api/v1/hazards/open-by-age").json()
        assert ages["total"] == 2
        xlsx = call(hz.supervisor, "get", "/api/v1/hazards/ledger.xlsx", inspection=inspection["id"])
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws.cell(row=3, column=1).value == "隐患编号" and ws.cell(row=4, column=12).value == "春季安全大检查"
    assert ws.max_row == 4

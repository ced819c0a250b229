"""The campaign API: every response as the OpenAPI schema documents it; create, read with
live progress, edit, enrol (one and bulk after a preview), withdraw, the ledger, the files;
errors in the one shape with the field named; scope."""
import io

import pytest
from openpyxl import load_workbook

from xinfang.api.tests.conftest import assert_documented
from xinfang.core import clock

from ..models import Campaign
from .builders import DURING, backlog, campaign_data


@pytest.fixture
def call(api_call):
    return api_call


def test_the_whole_walk_through_the_api(cp, call):
    cases = [backlog(cp) for _ in range(3)]
    with clock.frozen(DURING):
        r = call(cp.supervisor, "get", "/api/v1/campaigns/measures")
        measures = assert_documented(r, "get", "/api/v1/campaigns/measures")
        assert {m["key"] for m in measures} >= {"closed", "closed_on_time", "hazards_found", "inspections"}

        r = call(cp.supervisor, "post", "/api/v1/campaigns", campaign_data())
        created = assert_documented(r, "post", "/api/v1/campaigns")
        assert r.status_code == 201 and created["targets"][0] == {
            "measure": "closed", "label": "入列案件办结", "unit_label": "件", "basis": "enrolled", "number": 4,
            "value": 0, "percent": "0.0", "reached": False}
        base = f"/api/v1/campaigns/{created['id']}"

        r = call(cp.supervisor, "post", f"{base}/cases", {"number": cases[0].number})
        assert r.status_code == 201 and assert_documented(r, "post", "/api/v1/campaigns/{campaign_id}/cases")["rule"] == "manual"
        again = call(cp.supervisor, "post", f"{base}/cases", {"number": cases[0].number})
        assert again.status_code == 422 and again.json()["code"] == "guard_failed"

        r = call(cp.supervisor, "get", f"{base}/enrol-preview", rule="backlog")
        preview = assert_documented(r, "get", "/api/v1/campaigns/{campaign_id}/enrol-preview")
        assert preview["count"] == 2 and set(preview["sample"]) == {cases[1].number, cases[2].number}
        stale = call(cp.supervisor, "post", f"{base}/enrol-bulk", {"rule": "backlog", "expected": 1})
        assert stale.status_code == 409 and stale.json()["field"] == "expected"
        r = call(cp.supervisor, "post", f"{base}/enrol-bulk", {"rule": "backlog", "expected": 2})
        assert assert_documented(r, "post", "/api/v1/campaigns/{campaign_id}/enrol-bulk")["enrolled"] == 2

        r = call(cp.supervisor, "post", f"{base}/cases/{cases[2].number}/withdraw", {"reason": "误列"})
        assert assert_documented(r, "post", "/api/v1/campaigns/{campaign_id}/cases/{number}/withdraw")["withdrawn_at"]

        r = call(cp.supervisor, "get", base)
        detail = assert_documented(r, "get", "/api/v1/campaigns/{campaign_id}")
        assert detail["overview"]["enrolled"] == 2 and detail["overview"]["withdrawn"] == 1
        assert detail["by_unit"][0]["unit"]["name"] == "甲街道" and detail["by_unit_total"]["enrolled"] == 2

        r = call(cp.supervisor, "get", f"{base}/cases")
        ledger = assert_documented(r, "get", "/api/v1/campaigns/{campaign_id}/cases")
        assert ledger["count"] == 2 and ledger["items"][0]["owner_unit"]["name"] == "甲街道"
        r = call(cp.supervisor, "get", f"{base}/cases", state="withdrawn")
        assert [i["number"] for i in r.json()["items"]] == [cases[2].number]
        bad = call(cp.supervisor, "get", f"{base}/cases", state="lost")
        assert bad.status_code == 422 and bad.json()["field"] == "state"

        r = call(cp.supervisor, "get", f"/api/v1/campaigns/by-case/{cases[0].number}")
        assert assert_documented(r, "get", "/api/v1/campaigns/by-case/{number}")["current"][0]["campaign_id"] == created["id"]

        edited = dict(campaign_data(name="积案攻坚（调整）"), targets=[{"measure": "closed", "number": 9}])
        r = call(cp.supervisor, "put", base, edited)
        assert assert_documented(r, "put", "/api/v1/campaigns/{campaign_id}")["name"] == "积案攻坚（调整）"

        xlsx = call(cp.supervisor, "get", f"{base}/report.xlsx")
        assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["总体情况", "分单位", "台账"]
        assert call(cp.supervisor, "get", f"{base}/ledger.xlsx").status_code == 200
        assert call(cp.supervisor, "get", f"{base}/report.docx").status_code == 422

        r = call(cp.supervisor, "get", "/api/v1/campaigns")
        assert [c["id"] for c in assert_documented(r, "get", "/api/v1/campaigns")] == [created["id"]]


def test_errors_name_the_field_and_scope_holds(cp, call):
    case = backlog(cp)
    with clock.frozen(DURING):
        r = call(cp.supervisor, "post", "/api/v1/campaigns", campaign_data(end_date="2026-01-01"))
        assert r.status_code == 422 and r.json()["field"] == "end_date" and "结束日期" in r.json()["message"]
        r = call(cp.handler_a, "post", "/api/v1/campaigns", campaign_data())
        assert r.status_code == 403 and not Campaign.objects.exists()
        created = call(cp.supervisor, "post", "/api/v1/campaigns",
                       campaign_data(scope_unit_id=cp.street_b.pk)).json()
        base = f"/api/v1/campaigns/{created['id']}"
        r = call(cp.supervisor, "post", f"{base}/cases", {"number": case.number})
        assert r.status_code == 422 and r.json()["field"] == "number" and "不在专项行动" in r.json()["message"]
        assert call(cp.supervisor, "post", f"{base}/cases", {"number": "XF-NONE"}).status_code == 404
        assert call(cp.handler_a, "get", base).status_code == 404          # 乙街道's campaign: not theirs
        assert call(cp.handler_b, "post", f"{base}/cases", {"number": case.number}).status_code == 404
        r = call(cp.supervisor, "get", f"{base}/enrol-preview", rule="everything")
        assert r.status_code == 422 and r.json()["field"] == "rule"
        assert call(cp.supervisor, "get", "/api/v1/campaigns/999999").status_code == 404

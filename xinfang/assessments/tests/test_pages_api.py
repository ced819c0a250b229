"""The 稳评 pages (ledger with filters, registration form, facts fragment), the xlsx ledger
opened with openpyxl, and the JSON API — through the test client, as a user would."""
import io
import json

import pytest
from django.template.loader import render_to_string
from django.test import Client
from openpyxl import load_workbook

from xinfang.api.services import api_token_issue
from xinfang.core import clock
from xinfang.core.models import Case

from ..models import Assessment
from ..selectors import assessment_facts_for
from .builders import BASE_DAY, PLAN, act, assessment_data, build, meeting, questionnaire

PDF = b"%PDF-1.4 minimal"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def some(tree):
    """A handful in different states, one of them re-rated 高 → 低."""
    with clock.frozen(BASE_DAY):
        out = {s: build(tree, s, level=lv) for s, lv in
               [("registered", "low"), ("consulting", "low"), ("rated", "high"), ("implementing", "low")]}
        case = build(tree, "rated", level="high")
        act(case, tree.handler_h, "plan_revise", revision="提高补偿标准。", **PLAN)
        from .builders import rate
        rate(tree, case, "low")
        act(case, tree.leader, "decide_implement", **meeting(), conditions="分片包户。")
        out["rerated"] = case
    return out


def test_ledger_page_lists_and_filters(tree, some):
    client = login(tree.reviewer_h)
    with clock.frozen(BASE_DAY):
        r = client.get("/assessments/")
        assert r.status_code == 200
        page = r.content.decode()
        for case in some.values():
            assert case.number in page
        assert "高风险 → 低风险" in page and "导出台账" in page and "新建稳评" in page
        r = client.get("/assessments/", {"level": "high"})
        page = r.content.decode()
        assert some["rated"].number in page and some["implementing"].number not in page
        r = client.get("/assessments/", {"level": "bogus", "from": "2026-13-01"})
        assert "风险等级的取值无效" in r.content.decode() and "立项日期（起）不是有效日期" in r.content.decode()


def test_ledger_is_scoped(tree, some):
    with clock.frozen(BASE_DAY):
        page = login(tree.handler_b).get("/assessments/").content.decode()
    assert "没有符合条件的稳评事项" in page
    assert all(c.number not in page for c in some.values())


def test_ledger_xlsx_opens_with_the_field_s_columns(tree, some):
    with clock.frozen(BASE_DAY):
        r = login(tree.reviewer_h).get("/assessments/ledger.xlsx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[3]]
    for column in ("编号", "决策事项名称", "决策类型", "决策承办单位", "实施地点", "涉及人数", "评估主体", "征求意见情况",
                   "支持", "反对", "其中强烈反对", "主要风险点", "防范化解措施", "应急处置预案", "按规则评定", "风险等级",
                   "评定经过", "决策会议", "决策结果", "跟踪监测", "状态"):
        assert column in header, column
    rows = {row[1]: dict(zip(header, row)) for row in ws.iter_rows(min_row=4, values_only=True)}
    assert len(rows) == len(some)
    rerated = rows[some["rerated"].number]
    assert rerated["评定经过"] == "高风险 → 低风险" and rerated["风险等级"] == "低风险"
    assert rerated["决策结果"] == "实施" and rerated["涉及人数"] == 860 and rerated["评估轮次"] == 2
    assert rows[some["rated"].number]["风险等级"] == "高风险"
    assert rows[some["registered"].number]["风险等级"] in (None, "")


def test_registration_form_creates_with_documents_and_refuses_bad_input(tree):
    client = login(tree.handler_h)
    with clock.frozen(BASE_DAY):
        assert client.get("/assessments/new/").status_code == 200
        data = {k: str(v) for k, v in assessment_data(tree).items()}
        bad = dict(data, affected_people="0")
        r = client.post("/assessments/new/", bad)
        assert r.status_code == 422 and "涉及群众人数不能小于 1" in r.content.decode()
        assert 'aria-invalid="true"' in r.content.decode()
        assert not Case.objects.filter(kind="assessment").exists()
        upload = io.BytesIO(PDF)
        upload.name = "征收补偿方案.pdf"
        r = client.post("/assessments/new/", dict(data, files=upload))
    assert r.status_code == 302
    case = Case.objects.get(kind="assessment")
    assert r["Location"] == f"/cases/{case.number}/"
    assert case.attachments.get().name == "征收补偿方案.pdf"


def test_registration_form_is_not_for_a_registrar(tree):
    assert login(tree.registrar).get("/assessments/new/").status_code == 404


def test_facts_fragment_and_page(tree, some):
    case = some["rerated"]
    client = login(tree.reviewer_h)
    with clock.frozen(BASE_DAY):
        fragment = client.get(f"/assessments/{case.number}/facts/", HTTP_HX_REQUEST="true").content.decode()
        full = client.get(f"/assessments/{case.number}/facts/").content.decode()
    assert "<html" not in fragment and "<html" in full
    for text in ("第 2 轮评估", "第 1 轮评估", "方案修改内容", "按规则评定", "评定为高风险", "评定为低风险", "集体讨论决定",
                 "出席人数", "实施条件"):
        assert text in fragment, text
    assert login(tree.handler_b).get(f"/assessments/{case.number}/facts/").status_code == 404


def test_facts_fragment_explains_why_implementation_is_blocked(tree, some):
    case = some["rated"]
    with clock.frozen(BASE_DAY):
        context = {"case": case, "user": tree.leader, **assessment_facts_for(user=tree.leader, case=case)}
        html = render_to_string("assessments/_case_facts.html", context)
    assert "本轮评估等级为高风险：不能决定实施" in html


def test_facts_fragment_shows_a_stricter_level_beside_the_rule_s(tree):
    from .builders import ANALYSIS, REPORT, RISK
    with clock.frozen(BASE_DAY):
        case = build(tree, "analysing", level="low")
        act(case, tree.handler_h, "analysis_record", **ANALYSIS)
        act(case, tree.handler_h, "risk_point_add", **RISK)
        act(case, tree.reviewer_h, "report_submit", **REPORT, adjusted_level="high",
            adjustment_reason="周边同类项目曾引发群体性事件。")
        html = login(tree.reviewer_h).get(f"/assessments/{case.number}/facts/",
                                          HTTP_HX_REQUEST="true").content.decode()
    assert "评估人由低风险调整为高风险" in html and "周边同类项目曾引发群体性事件" in html


# --- API ---------------------------------------------------------------------------------

def api(user):
    _, token = api_token_issue(user=user, name="测试")
    client = Client(headers={"Authorization": f"Bearer {token}"})

    def call(method, url, data=None, **params):
        if method == "get":
            return client.get(url, params)
        return client.post(url, json.dumps(data, ensure_ascii=False), content_type="application/json")
    return call


@pytest.mark.urls("xinfang.assessments.tests.api_urls")
def test_api_walk_and_the_high_rating_guard(tree):
    call = api(tree.handler_h)
    leader = api(tree.leader)
    with clock.frozen(BASE_DAY):
        r = call("post", "/api/v1/assessments", assessment_data(tree))
        assert r.status_code == 201, r.content
        body = r.json()
        number = body["case"]["number"]
        assert number.startswith("WP") and body["affected_people"] == 860 and body["level"] == ""

        def step(who, action, **payload):
            version = who("get", f"/api/v1/assessments/{number}").json()["case"]["version"]
            return who("post", f"/api/v1/cases/{number}/transitions",
                       {"action": action, "version": version, "payload": payload})

        from .builders import ANALYSIS, REPORT, RISK
        assert step(call, "plan_submit", **PLAN).status_code == 200
        assert step(call, "consultation_add", **questionnaire("high")).status_code == 200
        assert step(call, "consultation_close").status_code == 200
        assert step(call, "analysis_record", **ANALYSIS).status_code == 200
        assert step(call, "risk_point_add", **RISK).status_code == 200
        assert step(call, "report_submit", **REPORT).status_code == 200
        detail = call("get", f"/api/v1/assessments/{number}").json()
        assert detail["level"] == "high" and "高风险" in detail["implementation_blocked"]
        assert detail["rounds"][0]["rating"]["computed_reason"].endswith("评定为高风险。")
        r = step(leader, "decide_implement", **meeting(), conditions="分片包户。")
        assert r.status_code == 422 and r.json()["code"] == "guard_failed"
        assert "重新评估" in r.json()["message"]
        assert call("get", f"/api/v1/assessments/{number}").json()["case"]["status"] == "rated"

        listing = call("get", "/api/v1/assessments", level="high").json()
        assert listing["count"] == 1 and listing["items"][0]["number"] == number
        assert call("get", "/api/v1/assessments", level="low").json()["count"] == 0
        r = call("get", "/api/v1/assessments", unit=999999)
        assert r.status_code == 422 and r.json()["field"] == "unit"
        r = call("get", "/api/v1/assessments/ledger.xlsx")
        assert r.status_code == 200
        assert load_workbook(io.BytesIO(r.content)).active.cell(row=4, column=2).value == number


@pytest.mark.urls("xinfang.assessments.tests.api_urls")
def test_api_refuses_bad_registration_and_hides_other_units_cases(tree):
    call = api(tree.handler_h)
    with clock.frozen(BASE_DAY):
        r = call("post", "/api/v1/assessments", assessment_data(tree, affected_people=-5))
        assert r.status_code == 422 and r.json()["field"] == "affected_people"
        assert "涉及群众人数" in r.json()["message"]
        assert not Assessment.objects.exists()
        number = call("post", "/api/v1/assessments", assessment_data(tree)).json()["case"]["number"]
    r = api(tree.handler_b)("get", f"/api/v1/assessments/{number}")
    assert r.status_code == 404
    assert api(tree.handler_b)("get", "/api/v1/assessments").json()["count"] == 0

"""Every way a call can go wrong answers `{code, message, field}` in Chinese, with the
right status, and changes nothing."""
import pytest

from xinfang.core import clock
from xinfang.core.models import Case, Event
from xinfang.petitions.models import Petitioner

from .conftest import DAY, PETITIONER, ApiClient, assert_documented

ERROR_KEYS = {"code", "message", "field"}


def state_of(number):
    case = Case.objects.get(number=number)
    return case.status, case.version, Event.objects.filter(case=case).count()


def test_no_token_is_401_everywhere(tree, registered):
    anon = ApiClient()
    number = registered["number"]
    for r in (anon.get("/api/v1/cases"), anon.get(f"/api/v1/cases/{number}"),
              anon.get(f"/api/v1/cases/{number}/timeline"),
              anon.post(f"/api/v1/cases/{number}/transitions", {"action": "accept", "version": 2, "payload": {}}),
              anon.post("/api/v1/petitions", {})):
        assert r.status_code == 401
        assert r.json()["code"] == "unauthenticated" and "Bearer" in r.json()["message"]
    assert state_of(number) == ("assigned", 2, 2)


def test_bad_token_is_401_with_its_own_message(tree):
    client = ApiClient()
    client.headers = {"Authorization": "Bearer xf_not-a-real-token"}
    r = client.get("/api/v1/cases")
    body = assert_documented(r, "get", "/api/v1/cases")
    assert r.status_code == 401 and body == {"code": "unauthenticated", "message": "接口令牌无效或已被吊销。",
                                             "field": None}


def test_token_of_deactivated_user_stops_working(tree):
    client = ApiClient(tree.handler_a)
    assert client.get("/api/v1/cases").status_code == 200
    tree.handler_a.is_active = False
    tree.handler_a.save(update_fields=["is_active"])
    assert client.get("/api/v1/cases").status_code == 401


def _registration_refused(client, raw=None, **data):
    before = (Case.objects.count(), Petitioner.objects.count())
    r = client.post("/api/v1/petitions", data, raw=raw) if raw is not None else client.post("/api/v1/petitions", data)
    body = assert_documented(r, "post", "/api/v1/petitions")
    assert set(body) == ERROR_KEYS
    assert (Case.objects.count(), Petitioner.objects.count()) == before
    return r.status_code, body


GOOD = dict(title="小区路灯损坏", content="某小区路灯长期损坏，夜间出行不便。", channel="visit", petitioners=[PETITIONER])


def test_bad_json_is_422_in_chinese(tree):
    status, body = _registration_refused(ApiClient(tree.registrar), raw='{"title": "缺右括号"')
    assert status == 422 and body["code"] == "invalid"
    assert body["message"].startswith("请求体不是有效的 JSON") and body["field"] == "body"


@pytest.mark.parametrize("raw, message", [("", "缺少请求体（JSON 对象）。"), ("[1, 2]", "请求体必须是 JSON 对象。")])
def test_empty_or_non_object_body_is_422(tree, raw, message):
    status, body = _registration_refused(ApiClient(tree.registrar), raw=raw)
    assert (status, body["code"], body["message"]) == (422, "invalid", message)


def test_missing_field_names_it_in_chinese(tree):
    data = {k: v for k, v in GOOD.items() if k != "title"}
    status, body = _registration_refused(ApiClient(tree.registrar), **data)
    assert (status, body) == (422, {"code": "invalid", "message": "标题为必填项。", "field": "title"})


def test_wrong_type_names_the_field(tree):
    status, body = _registration_refused(ApiClient(tree.registrar), **{**GOOD, "person_count": "很多"})
    assert (status, body) == (422, {"code": "invalid", "message": "人数必须是整数。", "field": "person_count"})


def test_unknown_choice_lists_the_options(tree):
    status, body = _registration_refused(ApiClient(tree.registrar), **{**GOOD, "channel": "pigeon"})
    assert status == 422 and body["field"] == "channel" and body["message"].startswith("来源渠道的取值无效")


def test_invalid_id_number_names_the_petitioner_field(tree):
    bad = {**PETITIONER, "id_number": "110105194912310021"}  # wrong check digit
    status, body = _registration_refused(ApiClient(tree.registrar), **{**GOOD, "petitioners": [bad]})
    assert (status, body) == (422, {"code": "invalid", "message": "身份证号校验位不正确，请核对。",
                                    "field": "petitioners.0.id_number"})


def test_rule_across_fields_is_explained(tree):
    status, body = _registration_refused(ApiClient(tree.registrar), **{**GOOD, "accused_unit_id": tree.housing.pk})
    assert (status, body["message"]) == (422, "只有检举控告类事项才填写被反映单位。")


def test_unknown_field_is_refused(tree):
    status, body = _registration_refused(ApiClient(tree.registrar), **{**GOOD, "secret": 1})
    assert (status, body["field"]) == (422, "secret") and "不认识的字段" in body["message"]


def test_registration_needs_the_registrar_role(tree):
    status, body = _registration_refused(ApiClient(tree.handler_a), **GOOD)
    assert (status, body["code"]) == (403, "forbidden") and "登记" in body["message"]


def test_bad_query_parameter_is_422(tree):
    client = ApiClient(tree.registrar)
    r = client.get("/api/v1/cases", received_from="2026-13-01")
    body = assert_documented(r, "get", "/api/v1/cases")
    assert (r.status_code, body["field"]) == (422, "received_from") and body["message"].startswith("收到日期起")
    r = client.get("/api/v1/cases", deadline_state="late")
    assert r.status_code == 422 and r.json()["field"] == "deadline_state"
    r = client.get("/api/v1/cases", unit=999999)
    assert r.status_code == 422 and r.json() == {"code": "invalid", "message": "单位不存在。", "field": "unit"}
    r = client.get("/api/v1/cases", limit=0)
    assert r.status_code == 422 and r.json()["message"] == "每页条数不能小于 1。"


def test_stale_version_is_409_and_changes_nothing(tree, registered):
    number = registered["number"]
    handler = ApiClient(tree.handler_a)
    before = state_of(number)
    r, body = handler.act(number, "accept", version=1, note="旧页面")
    assert r.status_code == 409 and body["code"] == "conflict" and body["field"] == "version"
    assert "第 1 版" in body["message"] and "第 2 版" in body["message"]
    assert state_of(number) == before


def test_action_not_allowed_in_this_state(tree, registered):
    number = registered["number"]
    before = state_of(number)
    r, body = ApiClient(tree.reviewer_a).act(number, "approve_answer", note="")
    assert (r.status_code, body["code"]) == (409, "transition_not_allowed")
    assert body["message"] == "案件当前状态为「已交办」，不能执行「审核通过并送达处理意见」。"
    r, body = ApiClient(tree.handler_a).act(number, "fly_away")
    assert (r.status_code, body["code"], body["field"]) == (409, "transition_not_allowed", "action")
    assert state_of(number) == before


def test_bad_payload_of_an_action_names_the_field(tree, registered):
    number = registered["number"]
    handler = ApiClient(tree.handler_a)
    with clock.frozen(DAY):
        handler.act(number, "accept")
    before = state_of(number)
    r, body = handler.act(number, "submit_answer", decision="support", facts="短")
    assert (r.status_code, body["code"], body["field"]) == (422, "invalid", "facts")
    assert body["message"] == "查明事实与理由不能为空或过短。"
    r = handler.post(f"/api/v1/cases/{number}/transitions", {"action": "accept"})
    body = assert_documented(r, "post", "/api/v1/cases/{number}/transitions")
    assert (r.status_code, body) == (422, {"code": "invalid", "message": "版本号为必填项。", "field": "version"})
    assert state_of(number) == before


def test_guard_refusal_says_why(tree):
    registrar = ApiClient(tree.registrar)
    with clock.frozen(DAY):
        r, case = registrar.register()
        r, body = registrar.act(case["number"], "assign", unit_id=tree.court.pk)  # outside the district
    assert (r.status_code, body["code"], body["field"]) == (422, "guard_failed", "unit_id")
    assert body["message"] == "只能交办给「示范区」所属的下级单位。"
    assert state_of(case["number"]) == ("registered", 1, 1)


def test_role_that_sees_the_case_but_may_not_act_is_403(tree, registered):
    number = registered["number"]
    before = state_of(number)
    # The district leader sees everything, but accepting is the street's or the registrar's.
    r, body = ApiClient(tree.leader).act(number, "accept")
    assert (r.status_code, body["code"]) == (403, "forbidden") and "受理" in body["message"]
    # The bureau's registrar sees the case it assigned, but the answer is the street handler's.
    with clock.frozen(DAY):
        ApiClient(tree.handler_a).act(number, "accept")
    r, body = ApiClient(tree.registrar).act(number, "submit_answer", decision="support", facts="经查属实。",
                                            legal_basis="规定")
    assert (r.status_code, body["code"]) == (403, "forbidden")
    assert state_of(number)[0] == "accepted"


def test_unknown_case_is_404(tree):
    client = ApiClient(tree.leader)
    for r, path in ((client.get("/api/v1/cases/XF2026-NOPE-00001"), "/api/v1/cases/{number}"),
                    (client.get("/api/v1/cases/XF2026-NOPE-00001/timeline"), "/api/v1/cases/{number}/timeline")):
        body = assert_documented(r, "get", path)
        assert (r.status_code, body) == (404, {"code": "not_found", "message": "未找到该记录，或无权查看。",
                                               "field": None})

"""Whole petitions walked through the API, as the registrar, the street, the district,
the city and the petitioner (with the query code) would."""
import datetime as dt

from xinfang.audit.services import audit_verify
from xinfang.core import clock

from .conftest import DAY, ApiClient, assert_documented


def actions(client, number):
    return {a["action"] for a in client.case(number)[1]["actions"]}


def test_register_assign_answer_rate_close(tree, public):
    registrar, handler, reviewer = ApiClient(tree.registrar), ApiClient(tree.handler_a), ApiClient(tree.reviewer_a)
    with clock.frozen(DAY):
        r, case = registrar.register()
        assert r.status_code == 201
        number = case["number"]
        assert number == "XF2026-SFQXFJ-00001"
        assert (case["status"], case["version"], case["owner_unit"]["name"]) == ("registered", 1, "示范区信访局")
        assert len(case["query_code"]) == 10
        [notice] = case["deadlines"]
        assert notice == {**notice, "key": "acceptance_notice", "due_date": "2026-01-20", "state": "normal",
                          "provisional": False}
        offered = {a["action"]: a for a in case["actions"]}
        assert {"assign", "accept", "decline"} <= set(offered)
        assert offered["assign"]["payload_schema"]["required"] == ["unit_id"]
        assert handler.case(number)[0].status_code == 404  # not yet the street's: it cannot see it

        r, case = registrar.act(number, "assign", unit_id=tree.street_a.pk)
        assert (r.status_code, case["status"], case["version"], case["owner_unit"]["name"]) == (
            200, "assigned", 2, "甲街道")
        assert "accept" in actions(handler, number)
        r, case = handler.act(number, "accept", note="已受理")
        assert case["status"] == "accepted"
        assert [d["key"] for d in case["deadlines"] if d["active"]] == ["handling"]
        r, case = handler.act(number, "submit_answer", decision="support", facts="经查属实，已修复。",
                              legal_basis="《城市道路照明管理规定》")
        assert case["status"] == "answer_pending" and case["answers"][0]["status"] == "pending"
        r, case = reviewer.act(number, "approve_answer")
        assert case["status"] == "answered" and case["answers"][0]["status"] == "approved"
        query_code = case["query_code"]

        # The petitioner follows and rates with the query code, without an account.
        r = public.get(f"/api/v1/public/track/{query_code}")
        view = assert_documented(r, "get", "/api/v1/public/track/{query_code}")
        assert view["status_label"] == "已出具处理意见" and view["can_rate"] is True
        assert view["answers"][0]["facts"] == "经查属实，已修复。"
        r = public.post(f"/api/v1/public/track/{query_code}/rating", {"level": "satisfied", "comment": "修好了"})
        view = assert_documented(r, "post", "/api/v1/public/track/{query_code}/rating")
        assert r.status_code == 200 and view["satisfaction"] == "satisfied" and view["can_rate"] is False

        # Satisfied: the registering office may close at once, without waiting out the window.
        r, case = registrar.act(number, "close", note="信访人满意")
        assert (r.status_code, case["status"], case["is_open"]) == (200, "closed", False)
        assert case["actions"] == []

    r, timeline = registrar.timeline(number)
    assert [e["action"] for e in timeline["events"]] == [
        "register", "assign", "accept", "submit_answer", "approve_answer", "rate", "close"]
    rate = timeline["events"][5]
    assert (rate["actor"], rate["actor_kind"], rate["payload"]["level"]) == (None, "public", "satisfied")
    assert timeline["events"][1]["actor"] == "registrar" and timeline["events"][1]["actor_unit"] == "示范区信访局"
    assert audit_verify().ok


def test_review_and_rereview_to_conclusion(tree, registered):
    number = registered["number"]
    handler, reviewer = ApiClient(tree.handler_a), ApiClient(tree.reviewer_a)
    registrar = ApiClient(tree.registrar)
    district, city = ApiClient(tree.district_reviewer), ApiClient(tree.city_reviewer)
    with clock.frozen(DAY):
        handler.act(number, "accept")
        handler.act(number, "submit_answer", decision="reject", facts="不符合条件。", legal_basis="相关规定")
        reviewer.act(number, "approve_answer")
    with clock.frozen(DAY + dt.timedelta(days=10)):
        r, case = registrar.act(number, "request_review", reason="不服处理意见")
        assert (case["status"], case["owner_unit"]["name"]) == ("review_requested", "示范区")
        district.act(number, "accept_review")
        r, case = district.act(number, "answer_review", decision="uphold", facts="原处理正确。", legal_basis="条例第35条")
        assert case["status"] == "reviewed"
        r, case = registrar.act(number, "request_rereview", reason="仍不服")
        assert case["owner_unit"]["name"] == "示范市"
        city.act(number, "accept_rereview")
        r, case = city.act(number, "answer_rereview", decision="uphold", facts="维持。", legal_basis="条例第36条")
    assert (r.status_code, case["status"], case["is_open"], case["version"]) == (200, "concluded", False, 11)
    assert [a["stage"] for a in case["answers"]] == ["answer", "review", "rereview"]
    assert all(d["state"] == "met" for d in case["deadlines"])
    # The city, the district and the street each still see the matter they handled.
    for client in (city, district, handler):
        assert client.case(number)[1]["status"] == "concluded"

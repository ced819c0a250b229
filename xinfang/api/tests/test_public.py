"""The query-code endpoints: no login, nothing about people or internal notes, a rating
once per stage, and a per-IP rate limit."""
from django.test import override_settings

from xinfang.core import clock
from xinfang.core.models import Case, Event

from .conftest import DAY, PETITIONER, ApiClient, assert_absent, assert_documented


def _answered(tree, registered):
    number = registered["number"]
    with clock.frozen(DAY):
        ApiClient(tree.handler_a).act(number, "accept", note="内部说明：请尽快核实")
        ApiClient(tree.handler_a).act(number, "submit_answer", decision="explain", facts="已向信访人解释说明。",
                                      legal_basis="相关规定")
        ApiClient(tree.reviewer_a).act(number, "approve_answer", note="内部审核意见")
    return Case.objects.get(number=number)


def test_track_shows_progress_but_no_people_or_notes(tree, registered, public):
    case = _answered(tree, registered)
    r = public.get(f"/api/v1/public/track/{case.query_code.lower()}")  # read aloud, typed in lower case
    view = assert_documented(r, "get", "/api/v1/public/track/{query_code}")
    assert r.status_code == 200 and view["number"] == case.number
    assert [e["text"] for e in view["timeline"]][:2] == ["信访事项已登记", "交办至甲街道"]
    assert "交办至甲街道".encode() in r.content
    assert_absent(r.content, [PETITIONER["name"], PETITIONER["phone"], PETITIONER["id_number"], "handler_a",
                              "reviewer_a", "内部说明", "内部审核意见", "registrar", "payload"])


def test_unknown_query_code_is_404(tree, public):
    r = public.get("/api/v1/public/track/ZZZZZZZZZZ")
    body = assert_documented(r, "get", "/api/v1/public/track/{query_code}")
    assert (r.status_code, body["code"], body["message"]) == (404, "not_found", "查询码不存在，请核对后重新输入。")


def test_rating_once_per_stage(tree, registered, public):
    case = _answered(tree, registered)
    url = f"/api/v1/public/track/{case.query_code}/rating"
    with clock.frozen(DAY):
        r = public.post(url, {"level": "unsatisfied", "comment": "不认可"})
        view = assert_documented(r, "post", "/api/v1/public/track/{query_code}/rating")
        assert view["satisfaction_label"] == "不满意" and "申请复查" in view["appeal_hint"]
        events = Event.objects.filter(case=case).count()
        r = public.post(url, {"level": "satisfied"})
        body = assert_documented(r, "post", "/api/v1/public/track/{query_code}/rating")
        assert (r.status_code, body["code"], body["message"]) == (422, "guard_failed", "本阶段的答复已经评价过。")
    case.refresh_from_db()
    assert case.petition.satisfaction == "unsatisfied" and Event.objects.filter(case=case).count() == events


def test_rating_before_an_answer_is_refused(tree, registered, public):
    case = Case.objects.get(number=registered["number"])
    r = public.post(f"/api/v1/public/track/{case.query_code}/rating", {"level": "satisfied"})
    body = assert_documented(r, "post", "/api/v1/public/track/{query_code}/rating")
    assert (r.status_code, body["code"]) == (409, "transition_not_allowed")
    assert public.get(f"/api/v1/public/track/{case.query_code}").json()["can_rate"] is False


def test_bad_rating_names_the_field(tree, registered, public):
    case = _answered(tree, registered)
    r = public.post(f"/api/v1/public/track/{case.query_code}/rating", {"level": "so-so"})
    body = assert_documented(r, "post", "/api/v1/public/track/{query_code}/rating")
    assert (r.status_code, body["field"]) == (422, "level") and body["message"].startswith("满意度的取值无效")


@override_settings(XINFANG_API_PUBLIC_RATE="3/m")
def test_public_endpoints_are_rate_limited_per_ip(tree, public):
    for _ in range(3):
        assert public.get("/api/v1/public/track/ZZZZZZZZZZ").status_code == 404
    r = public.get("/api/v1/public/track/ZZZZZZZZZZ")
    body = assert_documented(r, "get", "/api/v1/public/track/{query_code}")
    assert (r.status_code, body["code"]) == (429, "rate_limited") and int(r["Retry-After"]) > 0
    # Another address is counted on its own; a forged X-Forwarded-For does not help.
    assert public.client.get("/api/v1/public/track/ZZZZZZZZZZ", REMOTE_ADDR="10.0.0.9").status_code == 404
    assert public.client.get("/api/v1/public/track/ZZZZZZZZZZ",
                             HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 429

"""通报 on the API and in the demo: draft (not stored, not numbered), issue, list within the
reader's area, read, download; every refusal in the one error shape with nothing stored; the
demo plan issues its circulars through the service. The web form's preview too."""
import datetime as dt
import random

import pytest

from xinfang.api.tests.conftest import ApiClient, assert_documented, openapi
from xinfang.core import clock
from xinfang.core.models import NumberSequence
from xinfang.supervision.demo import supervision_demo_plan
from xinfang.supervision.models import Circular, Supervision

from .test_circulars import ISSUE_DAY, pages, scenario, supervisor  # noqa: F401  (fixtures)

MAY = {"start": "2026-05-01", "end": "2026-05-31"}


def _post(api, url, data):
    with clock.frozen(ISSUE_DAY):
        r = api.post(url, data)
    path = "/api/v1/circulars/draft" if url.endswith("/draft") else "/api/v1/circulars"
    return r, assert_documented(r, "post", path)


def _nothing_stored():
    return not Circular.objects.exists() and not NumberSequence.objects.filter(kind="circular").exists()


def test_draft_then_issue_then_list_read_and_download(tree, supervisor, scenario):
    api = ApiClient(supervisor)
    r, draft = _post(api, "/api/v1/circulars/draft", {"area": tree.district.pk, **MAY})
    assert r.status_code == 200
    assert draft["id"] is None and draft["number"] is None and draft["formats"] == []
    assert draft["title"] == "关于示范区2026年5月1日至2026年5月31日信访事项超期办理情况的通报"
    assert [(u["unit"], u["count"]) for u in draft["late_units"]] == [("甲街道", 2), ("示范区信访局", 1)]
    assert "二、超期事项" in draft["paragraphs"] and "测试人" not in r.content.decode()
    assert _nothing_stored()                                          # a draft takes no number

    r, issued = _post(api, "/api/v1/circulars", {"area": tree.district.pk, **MAY})
    assert r.status_code == 201
    assert issued["number"] == "示范区督通〔2026〕1号" and issued["formats"] == ["docx", "pdf"]
    assert issued["late_cases"] == draft["late_cases"] and issued["paragraphs"] == draft["paragraphs"]

    r = api.get("/api/v1/circulars")
    listing = assert_documented(r, "get", "/api/v1/circulars")
    assert listing["count"] == 1 and listing["items"][0]["late_cases"] == 3
    assert listing["items"][0]["area"] == {"id": tree.district.pk, "name": "示范区"}
    r = api.get(f"/api/v1/circulars/{issued['id']}")
    assert assert_documented(r, "get", "/api/v1/circulars/{circular_id}")["number"] == issued["number"]
    docx = api.get(f"/api/v1/circulars/{issued['id']}/docx")
    assert docx.status_code == 200 and b"".join(docx.streaming_content)[:2] == b"PK"
    assert "attachment" in docx["Content-Disposition"]
    pdf = api.get(f"/api/v1/circulars/{issued['id']}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    bad = api.get(f"/api/v1/circulars/{issued['id']}/exe")
    assert bad.status_code == 404 and bad.json()["code"] == "not_found"


def test_list_and_reads_keep_to_the_readers_area(tree, supervisor, scenario):
    _, issued = _post(ApiClient(supervisor), "/api/v1/circulars", {"area": tree.district.pk, **MAY})
    street = ApiClient(tree.user("street_supervisor", tree.street_b, "supervisor"))
    assert street.get("/api/v1/circulars").json()["count"] == 0
    assert street.get(f"/api/v1/circulars/{issued['id']}").status_code == 404
    assert street.get(f"/api/v1/circulars/{issued['id']}/pdf").status_code == 404
    assert ApiClient(tree.leader).get("/api/v1/circulars").json()["count"] == 1
    assert ApiClient().get("/api/v1/circulars").status_code == 401
    page = ApiClient(tree.leader).get("/api/v1/circulars", limit=0)
    assert page.status_code == 422 and page.json()["field"] == "limit"


REFUSALS = [
    ("handler_a", {"area": "district", **MAY}, 403, None),                       # not a supervisor
    ("supervisor", {"area": "city", **MAY}, 404, None),                          # above the district
    ("supervisor", {"area": "court", **MAY}, 404, None),
    ("supervisor", {"area": 999999, **MAY}, 404, None),                          # no such unit
    ("supervisor", {"area": "district", "start": "2026-05-31", "end": "2026-05-01"}, 422, "end"),
    ("supervisor", {"area": "district", "start": "2026-05-01", "end": "2026-06-04"}, 422, "end"),
    ("supervisor", {"area": "district", "start": "2025-05-01", "end": "2026-05-31"}, 422, "start"),
    ("supervisor", {"area": "district", "start": "2026-05-32", "end": "2026-05-31"}, 422, "start"),
    ("supervisor", {"area": "district", "end": "2026-05-31"}, 422, "start"),
    ("supervisor", {"start": "2026-05-01", "end": "2026-05-31"}, 422, "area"),
]


@pytest.mark.parametrize("url", ["/api/v1/circulars/draft", "/api/v1/circulars"])
def test_refusals_are_in_the_error_shape_and_store_nothing(tree, supervisor, url):
    for who, data, status, field in REFUSALS:
        user = supervisor if who == "supervisor" else getattr(tree, who)
        if isinstance(data.get("area"), str):
            data = {**data, "area": getattr(tree, data["area"]).pk}
        r, body = _post(ApiClient(user), url, data)
        assert r.status_code == status, (data, body)
        assert body["message"] and (field is None or body["field"] == field), (data, body)
        assert _nothing_stored()


def test_circular_operations_are_documented(db):
    paths = openapi()["paths"]
    assert {"get"} <= set(paths["/api/v1/circulars"]) and {"post"} <= set(paths["/api/v1/circulars"])
    for path in ("/api/v1/circulars/draft", "/api/v1/circulars/{circular_id}", "/api/v1/circulars/{circular_id}/{fmt}"):
        assert path in paths


# --- the web form's preview --------------------------------------------------------------------

@pages
def test_the_form_previews_a_draft_before_issuing(client, tree, supervisor, scenario):
    client.force_login(supervisor)
    with clock.frozen(ISSUE_DAY):
        page = client.post("/supervision/circulars/new/", {**MAY, "area": tree.district.pk, "preview": "1"})
    html = page.content.decode()
    assert page.status_code == 200 and "预览（尚未发布、未编号" in html
    assert "关于示范区2026年5月1日至2026年5月31日信访事项超期办理情况的通报" in html and "1.甲街道：超期事项2件" in html
    assert _nothing_stored()
    with clock.frozen(ISSUE_DAY):
        bad = client.post("/supervision/circulars/new/", {"start": "", "end": "", "area": tree.district.pk,
                                                          "preview": "1"})
    assert bad.status_code == 400 and "请填写通报期间的开始日期" in bad.content.decode()


# --- the demo ---------------------------------------------------------------------------------------

def test_demo_plan_issues_last_quarters_and_last_months_circulars(tree, supervisor, scenario):
    plan = supervision_demo_plan(units={"SFQ": tree.district, "DSJD": tree.street_a},
                                 users={"supervisor": supervisor}, today=dt.date(2026, 6, 20), rng=random.Random(1))
    # Circulars at 10:00 a working week after their period; 督办 steps on the working days
    # on or before 14, 7, 5 and 1 days ago (2026-06-19 is 端午节).
    assert [str(at) for at, _ in sorted(plan, key=lambda p: p[0])] == [
        "2026-04-08 10:00:00+08:00", "2026-06-05 09:00:00+08:00", "2026-06-05 10:00:00+08:00",
        "2026-06-12 10:00:00+08:00", "2026-06-15 15:00:00+08:00", "2026-06-18 09:00:00+08:00"]
    for at, step in sorted(plan, key=lambda p: p[0]):
        with clock.frozen(at):
            step()
    supervised = list(Supervision.objects.order_by("opened_at", "id"))
    assert supervised and supervised[0].level == "listed" and supervised[0].reminders == 1
    quarter, month = Circular.objects.order_by("seq")
    assert (quarter.area, quarter.period_start, quarter.period_end) == (tree.district, dt.date(2026, 1, 1),
                                                                        dt.date(2026, 3, 31))
    assert [r["number"] for r in quarter.content["late_cases"]] == [scenario["unaccepted"].number]
    assert (month.area, month.period_start, month.period_end) == (tree.street_a, dt.date(2026, 5, 1),
                                                                  dt.date(2026, 5, 31))
    assert [u["unit"] for u in month.content["late_units"]] == ["甲街道"]
    assert [c.number for c in (quarter, month)] == ["示范区督通〔2026〕1号", "示范区督通〔2026〕2号"]
    # Early in a quarter or month, the one before is taken (its circular's day has passed).
    early = supervision_demo_plan(units={"SFQ": tree.district, "DSJD": tree.street_a},
                                  users={"supervisor": supervisor}, today=dt.date(2026, 7, 3), rng=random.Random(1))
    assert sorted(at.date() for at, _ in early)[:2] == [dt.date(2026, 4, 8), dt.date(2026, 6, 5)]
    assert supervision_demo_plan(units={}, users={}, today=dt.date(2026, 7, 3), rng=random.Random(1)) == []

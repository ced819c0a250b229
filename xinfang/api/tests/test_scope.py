"""Data scope and identity protection hold on every endpoint: what a user may not see
answers 404 like what does not exist, and the accused unit never learns who accused it."""
import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinfang.core import clock
from xinfang.orgs.models import DataScope
from xinfang.petitions.services import petition_register

from .conftest import DAY, PETITIONER, ApiClient, assert_absent


def test_other_street_gets_404_through_every_endpoint(tree, registered):
    number = registered["number"]
    outsider = ApiClient(tree.handler_b)
    r, body = outsider.case(number)
    assert (r.status_code, body["code"]) == (404, "not_found")
    r, body = outsider.timeline(number)
    assert (r.status_code, body["code"]) == (404, "not_found")
    r, body = outsider.act(number, "accept", version=2)
    assert (r.status_code, body["code"]) == (404, "not_found")
    # Exactly the answer for a number that does not exist: nothing to tell the two apart.
    assert outsider.case(number)[0].content == outsider.case("XF2026-SFQXFJ-99999")[0].content
    r, listing = outsider.cases()
    assert listing["count"] == 0 and listing["items"] == []
    r, listing = outsider.cases(unit=tree.street_a.pk)
    assert listing["count"] == 0
    # ...while 甲街道 sees it, and its own list has it.
    insider = ApiClient(tree.handler_a)
    assert [c["number"] for c in insider.cases()[1]["items"]] == [number]
    assert insider.case(number)[0].status_code == 200


def _accusation(tree):
    with clock.frozen(DAY):
        case = petition_register(actor=tree.registrar, data=dict(
            title="反映某局工作人员违规收费", content="某局工作人员在办理业务时违规收取费用。", channel="letter",
            claim_type="accusation", accused_unit_id=tree.housing.pk, petitioners=[PETITIONER]))
        ApiClient(tree.registrar).act(case.number, "assign", unit_id=tree.street_a.pk)
    return case


IDENTITY = [PETITIONER["name"], PETITIONER["id_number"], PETITIONER["phone"], "002X", "****8000"]


def test_accused_unit_never_sees_who_accused_it(tree):
    case = _accusation(tree)
    # A 住建局 leader whose data scope covers everything, so the case is in sight.
    housing_leader = ApiClient(tree.user("housing_leader", tree.housing, "leader", "registrar",
                                         scope=DataScope.ALL))
    responses = [housing_leader.case(case.number), housing_leader.case(case.number, unmask="true"),
                 housing_leader.cases(), housing_leader.timeline(case.number)]
    for r, body in responses:
        assert r.status_code == 200
        assert_absent(r.content, IDENTITY)
    detail = responses[0][1]
    assert detail["parties"] == [{"name": "（依法保密）", "id_number": "", "phone": "", "address": "",
                                  "is_representative": False, "hidden": True, "masked": True}]
    assert detail["query_code"] is None
    assert responses[2][1]["items"][0]["petitioner_summary"] == "（依法保密）"

    # Everyone else sees the name, masked identifiers, and the full ones when asking (audited).
    registrar = ApiClient(tree.registrar)
    r, detail = registrar.case(case.number)
    assert detail["parties"][0]["name"] == "张三丰" and detail["parties"][0]["id_number"] == "1101**********002X"
    assert "张三丰".encode() in r.content  # the byte check above can see a name when it is there
    assert PETITIONER["id_number"].encode() not in r.content and PETITIONER["phone"].encode() not in r.content
    assert detail["query_code"]
    r, detail = registrar.case(case.number, unmask="true")
    assert detail["parties"][0]["id_number"] == PETITIONER["id_number"] and detail["parties"][0]["masked"] is False
    assert registrar.cases()[1]["items"][0]["petitioner_summary"] == "张三丰"


def test_unmask_is_audited_and_refused_to_roles_without_need(tree, registered):
    from xinfang.audit.models import AuditEntry

    number = registered["number"]
    before = AuditEntry.objects.filter(action="case.unmask_parties").count()
    r, detail = ApiClient(tree.handler_a).case(number, unmask="true")
    assert detail["parties"][0]["phone"] == PETITIONER["phone"]
    assert AuditEntry.objects.filter(action="case.unmask_parties").count() == before + 1
    supervisor = ApiClient(tree.user("supervisor", tree.street_a, "supervisor"))
    r, detail = supervisor.case(number, unmask="true")
    assert detail["parties"][0]["phone"] == "138****8000"
    assert AuditEntry.objects.filter(action="case.unmask_parties").count() == before + 1


def _register_many(tree, n, start=0):
    with clock.frozen(DAY):
        for i in range(start, start + n):
            extra = dict(claim_type="accusation", accused_unit_id=tree.housing.pk) if i % 3 == 0 else {}
            petition_register(actor=tree.registrar, data=dict(
                title=f"事项{i:03d}", content="某小区路灯长期损坏，夜间出行不便。", channel="visit",
                person_count=2,
                petitioners=[{**PETITIONER, "name": f"信访人{i}"}, {"name": "李四", "phone": "13900139000"}],
                **extra))


def test_list_query_count_does_not_grow_with_the_page(tree):
    client = ApiClient(tree.registrar)
    client.get("/api/v1/cases")  # the token's last_used is written once a minute: take that write now

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            r = client.get("/api/v1/cases", limit=100)
        assert r.status_code == 200
        return len(ctx.captured_queries), r.json()

    _register_many(tree, 5)
    few, body = count_queries()
    assert body["count"] == 5 and len(body["items"]) == 5
    _register_many(tree, 45, start=5)
    many, body = count_queries()
    assert body["count"] == 50 and len(body["items"]) == 50
    assert many == few <= 6, (few, many)
    assert {i["petitioner_summary"] for i in body["items"][:3]} <= {"信访人49等2人", "信访人48等2人", "信访人47等2人"}


def test_list_filters_and_pages(tree, registered):
    client = ApiClient(tree.registrar)
    _register_many(tree, 4)   # 4 more, still at the bureau
    with clock.frozen(DAY - dt.timedelta(days=5)):
        petition_register(actor=tree.registrar, data=dict(
            title="更早收到的事项", content="某小区路灯长期损坏，夜间出行不便。", channel="letter",
            received_date=DAY - dt.timedelta(days=5), petitioners=[PETITIONER]))

    def numbers(**params):
        r, body = client.cases(**params)
        assert r.status_code == 200, body
        return body

    assert numbers()["count"] == 6
    assert numbers(status="assigned")["count"] == 1
    assert [c["number"] for c in numbers(unit=tree.street_a.pk)["items"]] == [registered["number"]]
    assert numbers(unit=tree.district.pk)["count"] == 6  # the district's subtree holds everything
    assert numbers(received_to=(DAY - dt.timedelta(days=1)).isoformat())["items"][0]["title"] == "更早收到的事项"
    assert numbers(received_from=DAY.isoformat())["count"] == 5
    assert numbers(kind="petition", is_open="true")["count"] == 6
    assert numbers(is_open="false")["count"] == 0
    page1, page2 = numbers(limit=4), numbers(limit=4, offset=4)
    assert (page1["count"], len(page1["items"]), len(page2["items"])) == (6, 4, 2)
    assert not {c["number"] for c in page1["items"]} & {c["number"] for c in page2["items"]}
    # Deadline states on 2026-01-18: the four at the bureau are due 2026-01-20 (15 days to accept),
    # the earlier one (received 2025-12-31) was due 2026-01-15, and the assigned one's
    # 5-working-day objection window ended 2026-01-12.
    with clock.frozen(dt.date(2026, 1, 18)):
        overdue = numbers(deadline_state="overdue", order="next_due_date")
        assert [c["title"] for c in overdue["items"]] == ["小区路灯损坏", "更早收到的事项"]
        assert {c["deadline_state"] for c in overdue["items"]} == {"overdue"}
        assert numbers(deadline_state="due_soon")["count"] == 4
        assert numbers(deadline_state="normal")["count"] == 0
    with clock.frozen(dt.date(2026, 1, 6)):
        assert numbers(deadline_state="normal")["count"] == 6
        assert numbers(deadline_state="overdue")["count"] == 0

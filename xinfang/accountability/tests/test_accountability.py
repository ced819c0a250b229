"""责任倒查与问责: the candidate cases found from their own record, a record's life (opened →
decided → closed) with every bad input refused and nothing changed, who may see it (a
supervisor or leader within scope; everyone else, and the accused unit, 404), that it never
reaches the case's timeline but every read and write reaches the audit chain, the figures
per unit with their xlsx, the decision document, and the pages and API."""
import datetime as dt
import io

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from xinfang.accountability import services
from xinfang.accountability.document import accountability_decision_content
from xinfang.accountability.models import AccountabilityRecord, ResponsibleOfficial
from xinfang.accountability.selectors import (
    accountability_counts_by_unit,
    accountability_record_get_for,
    candidate_case_ids,
    candidates_page,
    grounds_detected,
)
from xinfang.api.tests.conftest import ApiClient, assert_documented
from xinfang.audit.models import AuditEntry
from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.errors import (
    Conflict,
    Forbidden,
    GuardFailed,
    NotFound,
    ValidationFailed,
)
from xinfang.core.models import Event
from xinfang.orgs.models import DataScope
from xinfang.petitions.tests.builders import (
    BASE_DAY,
    REVIEW_ANSWER,
    act,
    build,
    register,
)

LATER = BASE_DAY + dt.timedelta(days=40)


@pytest.fixture
def people(tree):
    tree.supervisor = tree.user("supervisor_d", tree.district, "supervisor", scope=DataScope.SUBTREE)
    tree.supervisor_b = tree.user("supervisor_b", tree.street_b, "supervisor")
    tree.supervisor_a_all = tree.user("supervisor_a", tree.street_a, "supervisor", scope=DataScope.ALL)
    return tree


@pytest.fixture
def cases(people):
    """On BASE_DAY: a matter left unrouted (its 15-day clock missed by LATER), a matter sent
    back twice, one whose answer the district revised on 复查, one handled in time, and an
    accusation against 甲街道."""
    t = people
    with clock.frozen(BASE_DAY):
        overdue = register(t, title="长期无人处理的路灯问题")
        shirked = register(t, title="被反复退回的排水问题")
        for _ in range(2):
            act(shirked, t.registrar, "assign", unit_id=t.street_a.pk)
            act(shirked, t.handler_a, "object", reason="不属本街道职责范围")
        act(shirked, t.registrar, "accept")
        overturned = build(t, "under_review")
        act(overturned, t.district_reviewer, "answer_review", **dict(REVIEW_ANSWER, decision="revise"))
        fine = build(t, "accepted")
        accusing = register(t, title="检举甲街道工作人员", claim_type="accusation", accused_unit_id=t.street_a.pk)
        act(accusing, t.registrar, "accept")
    for c in (overdue, shirked, overturned, fine, accusing):
        c.refresh_from_db()
    return {"overdue": overdue, "shirked": shirked, "overturned": overturned, "fine": fine, "accusing": accusing}


def facts(t, case, **kw) -> dict:
    data = {"grounds": ["overdue"], "finding": "登记后未在15日内交办或受理，也未告知信访人。",
            "unit_ids": [case.owner_unit_id], "officials": [{"name": "王某某", "post": "登记科科长",
                                                          "unit_id": case.owner_unit_id}]}
    data.update(kw)
    return data


DECISION = {"measures": ["criticism", "circulated"], "decision_organ": "示范区信访工作联席会议办公室",
            "decision_number": "示信联〔2026〕3号", "decided_on": LATER.isoformat(), "measure_note": "责令限期整改。"}


def _open(t, case, actor=None, **kw):
    with clock.frozen(LATER):
        return services.accountability_record_open(actor=actor or t.supervisor, case=case, data=facts(t, case, **kw))


# --- the candidates --------------------------------------------------------------------------

def test_candidates_are_the_cases_meeting_a_ground_by_their_own_record(people, cases):
    t = people
    with clock.frozen(LATER):
        found = {c.number for c in candidate_case_ids(user=t.supervisor, today=LATER)}
        assert cases["fine"].number not in found
        assert {cases["overdue"].number, cases["shirked"].number, cases["overturned"].number} <= found
        only = {c.number for c in candidate_case_ids(user=t.supervisor, today=LATER, ground="shirking")}
        assert only == {cases["shirked"].number}
        g = grounds_detected(case=cases["overdue"], today=LATER)
        assert list(g) == ["overdue"] and "受理告知" in g["overdue"][0] and "已超 25 日" in g["overdue"][0]
        assert grounds_detected(case=cases["shirked"], today=LATER)["shirking"] == ["退回（不属本单位职责） 2 次"]
        assert "复查意见" in grounds_detected(case=cases["overturned"], today=LATER)["overturned"][0]
        row = candidates_page(cases=[cases["overdue"]], today=LATER)[0]
        assert row.records == 0 and row.labelled[0][0] == "超期办理"
        # 甲街道's own supervisor never sees the accusation against it.
        mine = {c.number for c in candidate_case_ids(user=t.supervisor_a_all, today=LATER)}
        assert cases["accusing"].number not in mine and cases["overdue"].number in mine
        for user in (t.handler_a, t.reviewer_a, t.registrar, t.district_reviewer):
            with pytest.raises(NotFound):
                candidate_case_ids(user=user, today=LATER)


# --- a record's life -------------------------------------------------------------------------

def test_open_decide_close_never_touches_the_case_timeline_and_is_all_audited(people, cases):
    t, case = people, cases["overdue"]
    events, version = Event.objects.filter(case=case).count(), case.version
    audit = AuditEntry.objects.count()
    record = _open(t, case, grounds=["overdue", "other"], other_ground="对信访人态度生硬")
    assert (record.status, record.version, record.grounds) == ("opened", 1, ["overdue", "other"])
    assert list(record.units.all()) == [t.bureau]
    assert list(record.officials.values_list("name", "post")) == [("王某某", "登记科科长")]
    with clock.frozen(LATER):
        record = services.accountability_record_update(actor=t.supervisor, record_id=record.pk, version=1,
                                                       data=facts(t, case, finding="经调阅登记簿，15日内未作任何处理。"))
        assert record.version == 2 and record.grounds == ["overdue"] and record.other_ground == ""
        record = services.accountability_record_decide(actor=t.supervisor, record_id=record.pk, version=2,
                                                       data=DECISION)
        assert (record.status, record.measures, record.decided_by) == ("decided", ["criticism", "circulated"],
                                                                        t.supervisor)
        record = services.accountability_record_close(actor=t.supervisor, record_id=record.pk, version=3,
                                                      data={"close_note": "已通报，登记科已建立逐日清查制度。"})
    assert record.status == "closed" and record.closed_at is not None
    case.refresh_from_db()
    assert Event.objects.filter(case=case).count() == events and case.version == version
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)[audit:])
    assert actions == ["accountability.open", "accountability.update", "accountability.decide",
                       "accountability.close"]
    with clock.frozen(LATER):
        accountability_record_get_for(user=t.leader, record_id=record.pk)
    assert AuditEntry.objects.order_by("-seq").first().action == "accountability.view"
    assert audit_verify().ok


BAD = [
    (dict(grounds=[]), "grounds", "问责事由"),
    (dict(grounds=["lazy"]), "grounds.0", "问责事由"),
    (dict(grounds=["other"]), "other_ground", "写明具体事由"),
    (dict(finding="太短"), "finding", "查明的事实"),
    (dict(unit_ids=[]), "unit_ids", "责任单位"),
    (dict(unit_ids="COURT"), "unit_ids", "没有办理过本案"),
    (dict(officials=[{"name": "李", "post": "科长"}]), "officials.0.name", "责任人姓名"),
    (dict(officials=[{"name": "李某", "post": ""}]), "officials.0.post", "责任人职务"),
    (dict(officials=[{"name": "李某", "post": "科长", "unit_id": "HOUSING"}]), "officials.0.unit_id", "所列责任单位"),
    (dict(rank=1), "rank", "不认识"),
]


@pytest.mark.parametrize("changes, field, words", BAD, ids=[b[1] + ":" + b[2] for b in BAD])
def test_bad_input_is_named_and_nothing_is_stored(people, cases, changes, field, words):
    t, case = people, cases["overdue"]
    if changes.get("unit_ids") == "COURT":
        changes["unit_ids"] = [t.court.pk]
    if changes.get("officials") and changes["officials"][0].get("unit_id") == "HOUSING":
        changes["officials"][0]["unit_id"] = t.housing.pk
    audit = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed, match=words) as exc:
        _open(t, case, **changes)
    assert exc.value.field == field
    assert not AccountabilityRecord.objects.exists() and not ResponsibleOfficial.objects.exists()
    assert AuditEntry.objects.count() == audit


def test_decision_rules_and_stale_writes(people, cases):
    t = people
    record = _open(t, cases["shirked"], grounds=["shirking"], unit_ids=[t.street_a.pk, t.bureau.pk], officials=[])
    assert set(record.units.values_list("pk", flat=True)) == {t.street_a.pk, t.bureau.pk}
    with clock.frozen(LATER):
        for data, field in ((dict(DECISION, decided_on=(LATER + dt.timedelta(days=1)).isoformat()), "decided_on"),
                            (dict(DECISION, decided_on=(LATER - dt.timedelta(days=1)).isoformat()), "decided_on"),
                            (dict(DECISION, measures=[]), "measures"),
                            (dict(DECISION, measures=["fine"]), "measures.0"),
                            (dict(DECISION, decision_organ=""), "decision_organ")):
            with pytest.raises(ValidationFailed) as exc:
                services.accountability_record_decide(actor=t.supervisor, record_id=record.pk, version=1, data=data)
            assert exc.value.field == field
        with pytest.raises(GuardFailed, match="只有已作出问责决定"):
            services.accountability_record_close(actor=t.supervisor, record_id=record.pk, version=1,
                                                 data={"close_note": "已落实"})
        with pytest.raises(Conflict):
            services.accountability_record_decide(actor=t.supervisor, record_id=record.pk, version=7, data=DECISION)
        record.refresh_from_db()
        assert (record.status, record.version, record.measures) == ("opened", 1, [])
        services.accountability_record_decide(actor=t.supervisor, record_id=record.pk, version=1, data=DECISION)
        with pytest.raises(GuardFailed, match="不能再修改"):
            services.accountability_record_update(actor=t.supervisor, record_id=record.pk, version=2,
                                                  data=facts(t, cases["shirked"]))
        with pytest.raises(GuardFailed, match="已作出问责决定"):
            services.accountability_record_decide(actor=t.supervisor, record_id=record.pk, version=2, data=DECISION)


def test_who_may_see_and_write(people, cases):
    t = people
    record = _open(t, cases["overdue"])
    with clock.frozen(LATER):
        # Leaders read, but only supervisors write.
        assert accountability_record_get_for(user=t.leader, record_id=record.pk) == record
        with pytest.raises(Forbidden):
            services.accountability_record_open(actor=t.leader, case=cases["overturned"],
                                                data=facts(t, cases["overturned"]))
        with pytest.raises(Forbidden):
            services.accountability_record_decide(actor=t.leader, record_id=record.pk, version=1, data=DECISION)
        # Everyone else — and a supervisor out of scope — finds nothing.
        for user in (t.handler_a, t.reviewer_a, t.registrar, t.registrar_a, t.district_reviewer, t.supervisor_b):
            with pytest.raises(NotFound):
                accountability_record_get_for(user=user, record_id=record.pk)
            with pytest.raises(NotFound):
                services.accountability_record_decide(actor=user, record_id=record.pk, version=1, data=DECISION)
        with pytest.raises(NotFound):
            services.accountability_record_open(actor=t.registrar, case=cases["overdue"],
                                                data=facts(t, cases["overdue"]))
        # A supervisor in the accused unit never reaches a record on the accusation.
        accusing = services.accountability_record_open(actor=t.supervisor, case=cases["accusing"],
                                                       data=facts(t, cases["accusing"], grounds=["other"],
                                                                  other_ground="泄露检举人信息"))
        with pytest.raises(NotFound):
            accountability_record_get_for(user=t.supervisor_a_all, record_id=accusing.pk)
        with pytest.raises(NotFound):
            services.accountability_record_open(actor=t.supervisor_a_all, case=cases["accusing"],
                                                data=facts(t, cases["accusing"]))
    record.refresh_from_db()
    assert record.status == "opened"


# --- counted by unit; the decision document -------------------------------------------------

def test_counts_per_unit_and_their_xlsx(people, cases):
    t = people
    first = _open(t, cases["overdue"])
    _open(t, cases["shirked"], grounds=["shirking", "overdue"], unit_ids=[t.street_a.pk, t.bureau.pk], officials=[])
    with clock.frozen(LATER):
        services.accountability_record_decide(actor=t.supervisor, record_id=first.pk, version=1, data=DECISION)
        c = accountability_counts_by_unit(user=t.supervisor, start=LATER.replace(day=1), end=LATER)
    rows = {r["unit"].name: r for r in c["rows"]}
    assert list(rows) == ["示范区信访局", "甲街道"]
    ground = dict(zip([code for code, _ in c["ground_columns"]], rows["示范区信访局"]["grounds"]))
    measure = dict(zip([code for code, _ in c["measure_columns"]], rows["示范区信访局"]["measures"]))
    assert (rows["示范区信访局"]["records"], rows["示范区信访局"]["open"]) == (2, 1)
    assert ground == {"overdue": 2, "shirking": 1, "overturned": 0, "other": 0}
    assert measure["criticism"] == 1 and measure["circulated"] == 1 and measure["referral"] == 0
    assert (rows["甲街道"]["records"], c["total"]["records"], c["total"]["open"]) == (1, 2, 1)
    with clock.frozen(LATER):
        assert accountability_counts_by_unit(user=t.supervisor, start=BASE_DAY, end=LATER - dt.timedelta(days=1)
                                             )["rows"] == []
        with pytest.raises(ValidationFailed) as exc:
            accountability_counts_by_unit(user=t.supervisor, start=LATER, end=BASE_DAY)
        assert exc.value.field == "end"
        with pytest.raises(NotFound):
            accountability_counts_by_unit(user=t.handler_a, start=BASE_DAY, end=LATER)

    from xinfang.accountability.export import accountability_counts_xlsx
    ws = load_workbook(io.BytesIO(accountability_counts_xlsx(counts=c, exported_at=clock.now(), exported_by="测试")
                                  )).active
    table = list(ws.iter_rows(min_row=3, values_only=True))
    assert table[0][:4] == ("责任单位", "问责记录（件）", "调查中（件）", "事由：超期办理")
    assert table[1][:4] == ("示范区信访局", 2, 1, 2) and table[2][:3] == ("甲街道", 1, 1)
    assert table[3][:3] == ("合计（每件记录计一次）", 2, 1)


def test_the_decision_document_names_units_and_officials_never_the_petitioner(people, cases):
    from docx import Document as Docx

    from xinfang.documents.render import docx_render, pdf_render

    t, case = people, cases["overdue"]
    record = _open(t, case)
    with clock.frozen(LATER):
        services.accountability_record_decide(actor=t.supervisor, record_id=record.pk, version=1, data=DECISION)
    record.refresh_from_db()
    content = accountability_decision_content(record=record)
    doc = Docx(io.BytesIO(docx_render(content)))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        p.text for tb in doc.tables for row in tb.rows for cell in row.cells for p in cell.paragraphs)
    for words in ("示范区信访工作联席会议办公室", "示信联〔2026〕3号", case.number, "示范区信访局登记科科长王某某",
                  "批评教育、谈话提醒、通报批评", "2026年4月11日"):
        assert words in text, words
    for p in case.petitioners.all():
        assert p.name not in text and p.phone not in text
    assert pdf_render(content).startswith(b"%PDF")


# --- pages and API ---------------------------------------------------------------------------

def test_pages_for_a_supervisor(client, people, cases):
    t, case = people, cases["overdue"]
    client.force_login(t.supervisor)
    with clock.frozen(LATER):
        html = client.get("/accountability/candidates/").content.decode()
        assert case.number in html and cases["fine"].number not in html and "开立问责记录" in html
        page = client.get(f"/cases/{case.number}/").content.decode()
        assert f'hx-get="/accountability/case/{case.number}/"' in page
        section = client.get(f"/accountability/case/{case.number}/", HTTP_HX_REQUEST="true").content.decode()
        assert "受理告知" in section and f"/accountability/case/{case.number}/new/" in section
        form = client.get(f"/accountability/case/{case.number}/new/").content.decode()
        assert 'name="grounds" value="overdue" checked' in form
        bad = client.post(f"/accountability/case/{case.number}/new/", {"grounds": "overdue", "finding": "短"})
        assert bad.status_code == 422 and "未能开立" in bad.content.decode()
        assert not AccountabilityRecord.objects.exists()
        response = client.post(f"/accountability/case/{case.number}/new/", {
            "grounds": "overdue", "finding": "登记后15日内未交办、未受理。", "unit_ids": str(t.bureau.pk),
            "o0-name": "王某某", "o0-post": "登记科科长", "o0-unit_id": str(t.bureau.pk)})
        record = AccountabilityRecord.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/accountability/{record.pk}/"
        detail = client.get(f"/accountability/{record.pk}/").content.decode()
        assert "王某某（示范区信访局登记科科长）" in detail and "作出问责决定" in detail
        stale = client.post(f"/accountability/{record.pk}/decide/", {**DECISION, "measures": ["criticism"],
                                                                      "version": "9"})
        assert stale.status_code == 409
        done = client.post(f"/accountability/{record.pk}/decide/", {**DECISION, "measures": ["criticism"],
                                                                     "version": "1"})
        assert done.status_code == 302
        detail = client.get(f"/accountability/{record.pk}/").content.decode()
        assert "批评教育、谈话提醒" in detail and f"/accountability/{record.pk}/decision.pdf" in detail
        docx = client.get(f"/accountability/{record.pk}/decision.docx")
        assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
        listing = client.get("/accountability/").content.decode()
        assert f"/accountability/{record.pk}/" in listing
        stats = client.get(f"/accountability/stats/?from={LATER:%Y-%m-01}&to={LATER:%Y-%m-%d}").content.decode()
        assert "示范区信访局" in stats and "只按单位统计，不对个人排名" in stats
        xlsx = client.get(f"/accountability/stats.xlsx?from={LATER:%Y-%m-01}")
        assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).active["A4"].value == "示范区信访局"
        # Nothing of it on the case's own timeline.
        page = client.get(f"/cases/{case.number}/").content.decode()
        assert "王某某" not in page


def test_every_page_is_404_to_others_and_the_section_is_not_offered(client, people, cases):
    t = people
    record = _open(t, cases["overdue"])
    with clock.frozen(LATER):
        services.accountability_record_decide(actor=t.supervisor, record_id=record.pk, version=1, data=DECISION)
    n = cases["overdue"].number
    urls = ["/accountability/", "/accountability/candidates/", "/accountability/stats/", "/accountability/stats.xlsx",
            f"/accountability/case/{n}/", f"/accountability/case/{n}/new/", f"/accountability/{record.pk}/",
            f"/accountability/{record.pk}/decision.pdf", f"/accountability/{record.pk}/decision.docx"]
    for user in (t.registrar, t.handler_a, t.reviewer_a, t.district_reviewer):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/accountability/{record.pk}/close/", {"close_note": "x", "version": "2"}
                           ).status_code == 404
        assert client.post(f"/accountability/case/{n}/new/", facts(t, cases["overdue"])).status_code == 404
    client.force_login(t.registrar)
    assert "/accountability/case/" not in client.get(f"/cases/{n}/").content.decode()
    client.force_login(t.leader)
    assert client.get(f"/accountability/case/{n}/new/").status_code == 404       # leaders do not open records
    assert client.get(f"/accountability/{record.pk}/").status_code == 200
    record.refresh_from_db()
    assert record.status == "decided"


def test_api_flow_and_404_for_others(people, cases):
    cache.clear()
    t = people
    sup, handler, leader = ApiClient(t.supervisor), ApiClient(t.handler_a), ApiClient(t.leader)
    number = cases["overturned"].number
    with clock.frozen(LATER):
        r = sup.get("/api/v1/accountability/candidates", ground="overturned")
        body = assert_documented(r, "get", "/api/v1/accountability/candidates")
        assert [c["number"] for c in body["items"]] == [number]
        assert body["items"][0]["grounds"][0]["ground"] == "overturned"
        data = {"case_number": number, **facts(t, cases["overturned"], grounds=["overturned"],
                                                unit_ids=[t.street_a.pk], officials=[])}
        r = sup.post("/api/v1/accountability/records", data)
        record = assert_documented(r, "post", "/api/v1/accountability/records")
        assert r.status_code == 201 and record["status"] == "opened" and record["documents"] == []
        rid = record["id"]
        r = sup.post("/api/v1/accountability/records", {**data, "finding": ""})
        bad = assert_documented(r, "post", "/api/v1/accountability/records")
        assert r.status_code == 422 and bad["field"] == "finding"
        changed = {k: v for k, v in data.items() if k != "case_number"} | {"finding": "复查认定原处理意见事实不清。"}
        r = sup.client.put(f"/api/v1/accountability/records/{rid}", {"version": 1, "record": changed},
                           content_type="application/json", headers=sup.headers)
        updated = assert_documented(r, "put", "/api/v1/accountability/records/{record_id}")
        assert (updated["version"], updated["finding"]) == (2, "复查认定原处理意见事实不清。")
        r = leader.post(f"/api/v1/accountability/records/{rid}/decision", {"version": 2, "decision": DECISION})
        assert r.status_code == 403
        r = sup.post(f"/api/v1/accountability/records/{rid}/decision", {"version": 2, "decision": DECISION})
        decided = assert_documented(r, "post", "/api/v1/accountability/records/{record_id}/decision")
        assert decided["status"] == "decided" and decided["documents"] == ["pdf", "docx"]
        r = sup.post(f"/api/v1/accountability/records/{rid}/closing", {"version": 3,
                                                                       "closing": {"close_note": "已落实。"}})
        assert assert_documented(r, "post", "/api/v1/accountability/records/{record_id}/closing")["status"] == "closed"
        r = leader.get("/api/v1/accountability/stats", start=LATER.replace(day=1).isoformat())
        stats = assert_documented(r, "get", "/api/v1/accountability/stats")
        assert [row["unit"]["name"] for row in stats["rows"]] == ["甲街道"] and stats["total"]["records"] == 1
        assert stats["rows"][0]["grounds"]["overturned"] == 1 and stats["rows"][0]["measures"]["criticism"] == 1
        assert leader.get("/api/v1/accountability/stats.xlsx").status_code == 200
        pdf = leader.get(f"/api/v1/accountability/records/{rid}/decision.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        for path in ("/api/v1/accountability/records", f"/api/v1/accountability/records/{rid}",
                     "/api/v1/accountability/candidates", "/api/v1/accountability/stats",
                     "/api/v1/accountability/stats.xlsx", f"/api/v1/accountability/records/{rid}/decision.pdf"):
            assert handler.get(path).status_code == 404, path
        assert handler.post("/api/v1/accountability/records", data).status_code == 404

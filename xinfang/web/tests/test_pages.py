"""The staff pages, driven as a user would with the test client: forms in, pages out."""
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinfang.audit.models import AuditEntry
from xinfang.core.models import Case
from xinfang.core.selectors import case_actions_for
from xinfang.core.services import case_transition
from xinfang.orgs.models import DataScope
from xinfang.petitions.models import ReceptionDay
from xinfang.petitions.services import petition_register, reception_day_create

VALID_ID = "11010519491231002X"
PERSON = dict(name="张三", id_number=VALID_ID, phone="13800138000", address="示范区甲街道幸福路1号")


def login(client, user):
    client.force_login(user)
    return client


def registration_post(**overrides) -> dict:
    data = {
        "title": "小区路灯损坏", "content": "某小区路灯长期损坏，夜间出行不便。", "channel": "visit",
        "claim_type": "request", "received_date": "", "person_count": "1", "reception_level": "district",
        "category_id": "", "place_unit_id": "", "accused_unit_id": "",
        "p0-name": PERSON["name"], "p0-id_number": PERSON["id_number"], "p0-phone": PERSON["phone"],
        "p0-address": PERSON["address"],
    }
    data.update(overrides)
    return data


def page_register(client, **overrides) -> str:
    response = client.post("/register/", registration_post(**overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    number = response["Location"].rstrip("/").split("/")[-1]
    assert Case.objects.filter(number=number).exists()
    return number


def action_urls(html: str, number: str) -> set[str]:
    return set(re.findall(rf'action="/cases/{re.escape(number)}/act/([a-z_]+)/"', html))


def page_act(client, number: str, action: str, **fields):
    """Open the case page, find the action's form and its version there, submit it."""
    page = client.get(f"/cases/{number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert action in action_urls(html, number), f"no form for {action}: {action_urls(html, number)}"
    form = html.split(f'action="/cases/{number}/act/{action}/"', 1)[1].split("</form>", 1)[0]
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    response = client.post(f"/cases/{number}/act/{action}/", {"version": version, **fields})
    assert response.status_code == 302, response.content.decode()[:4000]
    return response


def test_login_page_is_chinese_and_rejects_a_wrong_password(client, tree):
    page = client.get("/login/")
    assert page.status_code == 200 and "用户名" in page.content.decode()
    bad = client.post("/login/", {"username": "registrar", "password": "wrong-pass"})
    assert bad.status_code == 200 and "用户名或密码不正确" in bad.content.decode()
    good = client.post("/login/", {"username": "registrar", "password": "pass-12345"})
    assert good.status_code == 302 and good["Location"] == "/"
    home = client.get("/").content.decode()
    assert "示范区信访局" in home and "登记员" in home and "登记" in home


def test_pages_need_login(client, tree):
    for url in ("/", "/cases/", "/register/", "/reception/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_every_role_walks_a_petition_to_conclusion_through_the_pages(client, tree):
    login(client, tree.registrar)
    number = page_register(client)
    case_page = client.get(f"/cases/{number}/")
    assert "登记成功" in case_page.content.decode()
    case = Case.objects.get(number=number)
    assert case.query_code in case_page.content.decode()
    receipt = client.get(f"/cases/{number}/receipt/").content.decode()
    assert number in receipt and case.query_code in receipt and "回执" in receipt

    page_act(client, number, "assign", unit_id=tree.street_a.pk, note="请依法办理")
    login(client, tree.handler_a)
    page_act(client, number, "accept", note="")
    page_act(client, number, "submit_answer", decision="support", facts="经查属实，路灯已修复。",
             legal_basis="《城市道路照明管理规定》", text="")
    login(client, tree.reviewer_a)
    page_act(client, number, "approve_answer", note="")
    login(client, tree.registrar)
    page_act(client, number, "request_review", reason="信访人不满意处理结果")
    login(client, tree.district_reviewer)
    page_act(client, number, "accept_review", note="")
    page_act(client, number, "answer_review", decision="uphold", facts="原处理正确。", legal_basis="条例第35条")
    login(client, tree.registrar)
    page_act(client, number, "request_rereview", reason="仍不满意")
    login(client, tree.city_reviewer)
    page_act(client, number, "accept_rereview", note="")
    page_act(client, number, "answer_rereview", decision="uphold", facts="维持复查意见。", legal_basis="条例第36条")

    case.refresh_from_db()
    assert case.status == "concluded" and not case.is_open and case.version == 11
    final = client.get(f"/cases/{number}/").content.decode()
    assert "已终结" in final and "复核意见" in final and "当前没有您可以办理的操作" in final


def test_case_page_offers_exactly_the_actions_of_the_table(client, tree):
    login(client, tree.registrar)
    number = page_register(client)
    case = Case.objects.get(number=number)
    html = client.get(f"/cases/{number}/").content.decode()
    allowed = {t.action for t in case_actions_for(user=tree.registrar, case=case)}
    assert allowed and action_urls(html, number) == allowed
    # The generated inputs: enums as selects with Chinese labels, the unit as a select.
    assign = html.split("/act/assign/", 1)[1].split("</form>", 1)[0]
    assert '<select name="unit_id">' in assign and "甲街道" in assign
    decline = html.split("/act/decline/", 1)[1].split("</form>", 1)[0]
    assert '<select name="channel">' in decline and "行政复议" in decline and '<textarea name="reason"' in decline

    login(client, tree.district_reviewer)  # sees it (subtree of 示范区) but holds no action at the bureau
    html = client.get(f"/cases/{number}/").content.decode()
    assert action_urls(html, number) == {t.action for t in case_actions_for(user=tree.district_reviewer, case=case)}


def test_invalid_id_number_shows_the_check_digit_message_and_creates_nothing(client, tree):
    login(client, tree.registrar)
    response = client.post("/register/", registration_post(**{"p0-id_number": "110105194912310021"}))
    html = response.content.decode()
    assert response.status_code == 422
    assert "身份证号校验位不正确" in html
    assert Case.objects.count() == 0
    # What the user typed is kept.
    assert 'value="110105194912310021"' in html and "小区路灯损坏" in html


def test_registration_errors_land_next_to_the_field_they_concern(client, tree):
    login(client, tree.registrar)
    # The petitioner typed into row 3 (rows 1–2 left empty): the message names that row.
    data = registration_post(**{"p0-name": "", "p0-id_number": "", "p0-phone": "", "p0-address": "",
                                "p2-name": "李四", "p2-phone": "123"})
    html = client.post("/register/", data).content.decode()
    assert "电话号码格式不正确" in html and 'name="p2-phone" value="123"' in html
    no_people = registration_post(**{"p0-name": "", "p0-id_number": "", "p0-phone": "", "p0-address": ""})
    html = client.post("/register/", no_people).content.decode()
    assert "信访人至少需要 1 项" in html
    html = client.post("/register/", registration_post(title="")).content.decode()
    assert "标题为必填项" in html
    html = client.post("/register/", registration_post(accused_unit_id=str(tree.housing.pk))).content.decode()
    assert "只有检举控告类事项才填写被反映单位" in html
    assert Case.objects.count() == 0


def test_only_registrars_may_register(client, tree):
    login(client, tree.handler_a)
    refused = client.get("/register/")
    assert refused.status_code == 403 and "只有登记员可以登记信访事项" in refused.content.decode()
    assert "/register/" not in client.get("/").content.decode()  # no 登记 link either
    assert client.post("/register/", registration_post()).status_code == 403
    assert Case.objects.count() == 0


def test_same_person_with_an_open_matter_is_warned_but_not_blocked(client, tree):
    login(client, tree.registrar)
    first = page_register(client)
    response = client.post("/register/", registration_post(title="又来反映路灯"))
    html = response.content.decode()
    assert response.status_code == 200 and "还有 1 件在办事项" in html and f"/cases/{first}/" in html
    assert Case.objects.count() == 1
    ack = re.search(r'name="dup_ack" value="([^"]*)"', html).group(1)
    second = page_register(client, title="又来反映路灯", dup_ack=ack)
    assert second != first and Case.objects.count() == 2


def test_a_stale_version_gets_a_conflict_and_changes_nothing(client, tree):
    login(client, tree.registrar)
    number = page_register(client)
    case = Case.objects.get(number=number)
    # Someone else assigns it while this page is open at version 1.
    case_transition(case=case, actor=tree.registrar, action="assign", version=1, payload={"unit_id": tree.street_a.pk})
    case.refresh_from_db()
    before = (case.status, case.version, case.owner_unit_id, case.events.count())
    response = client.post(f"/cases/{number}/act/decline/", {"version": "1", "channel": "litigation",
                                                             "reason": "属于诉讼范围"})
    assert response.status_code == 409
    assert "请刷新" in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.version, case.owner_unit_id, case.events.count()) == before


def test_a_refused_action_shows_the_reason_at_its_form_and_keeps_the_input(client, tree):
    login(client, tree.registrar)
    number = page_register(client)
    response = client.post(f"/cases/{number}/act/assign/", {"version": "1", "unit_id": str(tree.court.pk),
                                                            "note": "我的说明"})
    html = response.content.decode()
    assert response.status_code == 422 and "只能交办给「示范区」所属的下级单位" in html
    assert "我的说明" in html
    response = client.post(f"/cases/{number}/act/decline/", {"version": "1", "channel": "", "reason": "x"})
    assert response.status_code == 422 and "告知去向为必填项" in response.content.decode()
    case = Case.objects.get(number=number)
    assert (case.status, case.version) == ("registered", 1)


def test_another_streets_user_gets_404_on_the_case_and_its_actions(client, tree):
    login(client, tree.registrar)
    number = page_register(client)
    page_act(client, number, "assign", unit_id=tree.street_a.pk)
    login(client, tree.handler_b)
    assert client.get(f"/cases/{number}/").status_code == 404
    response = client.post(f"/cases/{number}/act/accept/", {"version": "2", "note": ""})
    assert response.status_code == 404 and "未找到" in response.content.decode()
    assert client.get(f"/cases/{number}/receipt/").status_code == 404
    assert Case.objects.get(number=number).status == "assigned"
    assert number not in client.get("/cases/").content.decode()


def _register_many(tree, n, start=0):
    for i in range(start, start + n):
        case = petition_register(actor=tree.registrar, data=dict(
            title=f"事项{i}", content="需要处理的具体事项内容。", channel="letter",
            petitioners=[dict(name=f"人{i}", phone=f"1380013{i:04d}"), dict(name=f"伴{i}")], person_count=2))
        case_transition(case=case, actor=tree.registrar, action="assign", version=1,
                        payload={"unit_id": tree.street_a.pk})


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_worklist_and_list_queries_do_not_grow_with_the_number_of_cases(client, tree):
    _register_many(tree, 2)
    login(client, tree.handler_a)
    few_home = _queries(client, "/")
    login(client, tree.registrar)
    few_list = _queries(client, "/cases/")
    _register_many(tree, 12, start=2)
    login(client, tree.handler_a)
    many_home = _queries(client, "/")
    assert client.get("/").content.decode().count("/cases/XF") == 14
    login(client, tree.registrar)
    many_list = _queries(client, "/cases/")
    assert few_home == many_home and few_list == many_list


def test_worklist_marks_overdue_and_due_soon(client, tree, on_day):
    import datetime as dt
    with on_day(dt.date(2026, 3, 2)):
        _register_many(tree, 1)
    login(client, tree.handler_a)
    html = client.get("/").content.decode()
    assert "已超期" in html and "row-overdue" in html
    assert re.search(r'<span class="num">1</span><span class="lbl">超期', html)


def test_accused_unit_never_sees_the_petitioner(client, tree):
    from xinfang.orgs.models import Role
    watcher = tree.user("housing_leader", tree.housing, "leader", "registrar", scope=DataScope.ALL)
    assert Role.objects.get(code="leader").sees_personal_data
    login(client, tree.registrar)
    number = page_register(client, claim_type="accusation", accused_unit_id=str(tree.housing.pk),
                           title="检举某局工作人员", content="检举住建局某工作人员收受好处。",
                           **{"p0-name": "王秘密", "p0-id_number": VALID_ID, "p0-phone": "13912345678"})
    login(client, watcher)
    pages = [client.get(url) for url in (f"/cases/{number}/", "/cases/", f"/cases/{number}/receipt/", "/")]
    pages.append(client.post(f"/cases/{number}/parties/"))
    for response in pages:
        assert response.status_code == 200
        body = response.content
        for secret in ("王秘密", VALID_ID, "13912345678", "1391"):
            assert secret.encode() not in body
    assert "依法保密" in pages[0].content.decode()


def test_full_identity_is_shown_on_request_and_audited(client, tree):
    login(client, tree.registrar)
    number = page_register(client)
    html = client.get(f"/cases/{number}/").content.decode()
    assert VALID_ID not in html and "1101**" in html and "显示完整信息" in html
    audits = AuditEntry.objects.filter(action="case.unmask_parties").count()
    html = client.post(f"/cases/{number}/parties/").content.decode()
    assert VALID_ID in html and "13800138000" in html
    assert AuditEntry.objects.filter(action="case.unmask_parties").count() == audits + 1


def test_case_list_filters(client, tree):
    _register_many(tree, 2)
    login(client, tree.registrar)
    number = page_register(client, title="唯一的来访事项")
    html = client.get("/cases/?status=registered").content.decode()
    assert number in html and "事项0" not in html
    html = client.get("/cases/?status=assigned&kind=petition").content.decode()
    assert number not in html and "事项0" in html and "人0等2人" in html
    html = client.get("/cases/?from=2999-01-01").content.decode()
    assert "没有符合条件的案件" in html
    html = client.get("/cases/?from=not-a-date").content.decode()
    assert "不是有效日期" in html and number in html


def test_reception_day_scheduled_and_a_case_linked(client, tree):
    login(client, tree.registrar)
    number = page_register(client)
    login(client, tree.leader)
    response = client.post("/reception/", {"leader": tree.leader.pk, "date": "2026-12-01", "place": "区信访接待大厅",
                                           "topic": "城建类"})
    assert response.status_code == 302
    day = ReceptionDay.objects.get()
    again = client.post("/reception/", {"leader": tree.leader.pk, "date": "2026-12-01", "place": "别处"})
    assert again.status_code == 422 and "该领导当天已安排接访" in again.content.decode()
    no_place = client.post("/reception/", {"leader": tree.leader.pk, "date": "2026-12-02", "place": ""})
    assert "地点为必填项" in no_place.content.decode() and ReceptionDay.objects.count() == 1
    bad = client.post(f"/reception/{day.pk}/", {"number": "XF-NOPE"})
    assert bad.status_code == 422 and "未找到编号为「XF-NOPE」的案件" in bad.content.decode()
    assert client.post(f"/reception/{day.pk}/", {"number": number}).status_code == 302
    assert list(day.cases.values_list("number", flat=True)) == [number]
    assert number in client.get(f"/reception/{day.pk}/").content.decode()
    assert "区信访接待大厅" in client.get("/reception/").content.decode()


def test_reception_links_refused_to_others(client, tree):
    day = reception_day_create(actor=tree.leader, leader=tree.leader, date=__import__("datetime").date(2026, 12, 1),
                               place="大厅")
    login(client, tree.handler_a)
    assert client.post(f"/reception/{day.pk}/", {"number": "X"}).status_code == 403
    assert client.post("/reception/", {"leader": tree.leader.pk, "date": "2026-12-03", "place": "x"}).status_code == 403


def test_csrf_failure_page_is_chinese(tree):
    from django.test import Client
    client = login(Client(enforce_csrf_checks=True), tree.registrar)
    response = client.post("/register/", registration_post())
    assert response.status_code == 403 and "页面已过期" in response.content.decode()
    assert Case.objects.count() == 0


def test_not_found_page_is_chinese(client, tree):
    login(client, tree.registrar)
    response = client.get("/cases/XF-DOES-NOT-EXIST/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_assets_are_local(client, tree):
    login(client, tree.registrar)
    number = page_register(client)
    for url in ("/", "/register/", "/cases/", f"/cases/{number}/", f"/cases/{number}/receipt/", "/reception/"):
        html = client.get(url).content.decode()
        assert "https://" not in html and "http://" not in html and "//" not in html.replace("<!DOCTYPE", "")
    css = client.get("/static/web/app.css")
    assert css.status_code == 200 and b"@media print" in b"".join(css.streaming_content)


def test_handler_select_lists_the_owner_units_handlers(client, tree):
    login(client, tree.registrar)
    number = page_register(client)
    page_act(client, number, "assign", unit_id=tree.street_a.pk)
    login(client, tree.registrar_a)
    html = client.get(f"/cases/{number}/").content.decode()
    form = html.split("/act/designate_handler/", 1)[1].split("</form>", 1)[0]
    assert f'value="{tree.handler_a.pk}"' in form and f'value="{tree.handler_b.pk}"' not in form
    page_act(client, number, "designate_handler", user_id=tree.handler_a.pk)
    case = Case.objects.get(number=number)
    assert case.handler == tree.handler_a
    assert "handler_a" in client.get(f"/cases/{number}/").content.decode()


def test_worklist_marks_due_soon(client, tree, on_day):
    import datetime as dt
    from xinfang.core import clock
    # Registered 13 days ago: the 15-day acceptance notice is due within 3 days (临期).
    with on_day(clock.today() - dt.timedelta(days=13)):
        petition_register(actor=tree.registrar, data=dict(title="临期事项", content="需要处理的具体事项内容。",
                                                          channel="letter", petitioners=[dict(name="某人")]))
    login(client, tree.registrar)
    html = client.get("/").content.decode()
    assert "row-due_soon" in html and re.search(r"临期 · 剩 [0-3] 天", html)

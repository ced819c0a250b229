"""The case list (/cases/): every filter, sorting, pagination, bad values, saved filters per
user, the xlsx export, and a fixed number of queries whatever the page holds."""
import datetime as dt
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from xinfang.audit.models import AuditEntry
from xinfang.core import clock
from xinfang.core.models import Category
from xinfang.core.services import case_transition
from xinfang.petitions.services import petition_register
from xinfang.web.models import SavedFilter

pytestmark = pytest.mark.django_db


def numbers(html: str) -> list[str]:
    """The case numbers of the list's rows, in order."""
    return re.findall(r'<td class="nowrap"><a href="/cases/([^/]+)/">', html)


def register(tree, title: str, *, day: dt.date | None = None, channel: str = "letter", assign_to=None,
             category=None, accused=None, people=None):
    with clock.frozen(dt.datetime.combine(day or clock.today(), dt.time(9))):
        data = dict(title=title, content="需要处理的具体事项内容。", channel=channel,
                    petitioners=people or [dict(name=f"{title}人", phone="13800138000")],
                    person_count=len(people or [1]))
        if category is not None:
            data["category_id"] = category.pk
        if accused is not None:
            data.update(accused_unit_id=accused.pk, claim_type="accusation")
        case = petition_register(actor=tree.registrar, data=data)
        if assign_to is not None:
            case_transition(case=case, actor=tree.registrar, action="assign", version=case.version,
                            payload={"unit_id": assign_to.pk})
    case.refresh_from_db()
    return case


@pytest.fixture
def cases(tree):
    top = Category.objects.create(name="城乡建设")
    leaf = Category.objects.create(name="物业管理", parent=top)
    other = Category.objects.create(name="劳动保障")
    today = clock.today()
    made = {
        "old_letter": register(tree, "老旧小区漏水", day=today - dt.timedelta(days=40), category=leaf,
                               assign_to=tree.community),
        "visit": register(tree, "路灯损坏", day=today - dt.timedelta(days=5), channel="visit", category=other,
                          assign_to=tree.street_b),
        "fresh": register(tree, "噪音扰民", day=today, channel="web"),
    }
    made["categories"] = (top, leaf, other)
    return made


def get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, response.content.decode()


def test_each_filter_narrows_the_list(client, tree, cases):
    old, visit, fresh = cases["old_letter"].number, cases["visit"].number, cases["fresh"].number
    top, leaf, other = cases["categories"]
    today = clock.today()
    expectations = {
        "": {old, visit, fresh},
        "status=registered": {fresh},
        "kind=petition&status=assigned": {old, visit},
        # A street's cases include those of its communities.
        f"unit={tree.street_a.pk}": {old},
        f"unit={tree.street_b.pk}": {visit},
        # A category includes those below it.
        f"category={top.pk}": {old},
        f"category={other.pk}": {visit},
        "channel=visit": {visit},
        "channel=web": {fresh},
        f"from={(today - dt.timedelta(days=10)).isoformat()}": {visit, fresh},
        f"to={(today - dt.timedelta(days=10)).isoformat()}": {old},
        "q=路灯": {visit},
        f"q={fresh[-5:]}": {fresh},
        "open=0": set(),
        "open=1": {old, visit, fresh},
        # registered 40 days ago, accepted never: its acceptance notice is long past.
        "deadline=overdue": {old},
    }
    for query, expected in expectations.items():
        response, html = get(client, tree.registrar, f"/cases/?{query}")
        assert response.status_code == 200
        assert set(numbers(html)) == expected, query


def test_the_form_shows_the_conditions_back(client, tree, cases):
    top, _, _ = cases["categories"]
    _, html = get(client, tree.registrar, f"/cases/?channel=visit&category={top.pk}&q=路灯&sort=number")
    assert '<option value="visit" selected>' in html
    assert f'<option value="{top.pk}" selected>' in html
    assert 'name="q" value="路灯"' in html
    assert '<option value="number" selected>' in html
    assert "来源渠道：来访" in html and "标题或编号含：路灯" in html


def test_sorting_both_ways(client, tree, cases):
    by_received = [cases[k].number for k in ("fresh", "visit", "old_letter")]
    _, html = get(client, tree.registrar, "/cases/")
    assert numbers(html) == by_received                      # default: newest first
    _, html = get(client, tree.registrar, "/cases/?sort=received")
    assert numbers(html) == by_received[::-1]
    _, html = get(client, tree.registrar, "/cases/?sort=number")
    assert numbers(html) == sorted(by_received)
    _, html = get(client, tree.registrar, "/cases/?sort=-number")
    assert numbers(html) == sorted(by_received, reverse=True)
    due = sorted((c for c in (cases["old_letter"], cases["visit"], cases["fresh"])),
                 key=lambda c: (c.next_due_date, c.pk))
    _, html = get(client, tree.registrar, "/cases/?sort=due")
    assert numbers(html) == [c.number for c in due]
    _, html = get(client, tree.registrar, "/cases/?sort=-due")
    assert numbers(html) == [c.number for c in due][::-1]
    # The column heads sort too, and say which way.
    _, html = get(client, tree.registrar, "/cases/?sort=number&channel=letter")
    assert 'aria-sort="ascending"><a href="?channel=letter&amp;sort=-number">编号↑' in html


def test_pages_keep_the_conditions(client, tree):
    for i in range(35):
        register(tree, f"批量事项{i:02d}")
    _, html = get(client, tree.registrar, "/cases/?channel=letter&sort=number")
    assert len(numbers(html)) == 30 and "第 1 / 2 页，共 35 件" in html
    assert 'href="?channel=letter&amp;sort=number&amp;page=2"' in html
    _, html = get(client, tree.registrar, "/cases/?channel=letter&sort=number&page=2")
    assert len(numbers(html)) == 5
    _, html = get(client, tree.registrar, "/cases/?page=abc")      # a bad page is page 1
    assert len(numbers(html)) == 30


@pytest.mark.parametrize("query, message", [
    ("kind=spaceship", "「类型」的值“spaceship”无效，已忽略。"),
    ("status=nowhere", "「状态」的值“nowhere”无效"),
    ("unit=999999", "「责任单位」的值“999999”无效"),
    ("unit=abc", "「责任单位」的值“abc”无效"),
    ("category=-1", "「分类」的值“-1”无效"),
    ("channel=pigeon", "「来源渠道」的值“pigeon”无效"),
    ("deadline=soonish", "「期限」的值“soonish”无效"),
    ("open=maybe", "「办理」的值“maybe”无效"),
    ("from=2026-13-01", "「收到日期（起）」不是有效日期"),
    ("to=yesterday", "「收到日期（止）」不是有效日期"),
    ("from=2026-05-01&to=2026-04-01", "「收到日期（起）」晚于「收到日期（止）」"),
    ("sort=random", "「排序」的值“random”无效"),
    ("q=" + "长" * 101, "「标题或编号」不能超过100个字"),
])
def test_a_bad_condition_is_named_and_ignored(client, tree, cases, query, message):
    response, html = get(client, tree.registrar, f"/cases/?{query}")
    assert response.status_code == 200
    assert message in html
    assert len(numbers(html)) == 3          # the rest of the list is still shown


def test_the_list_sees_only_the_users_scope(client, tree, cases):
    _, html = get(client, tree.handler_b, "/cases/")
    assert numbers(html) == [cases["visit"].number]


def test_query_count_does_not_grow_with_the_page(client, tree, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    top = Category.objects.create(name="城乡建设")
    for i in range(5):
        register(tree, f"少量{i}", category=top, assign_to=tree.street_a,
                 people=[dict(name=f"甲{i}", phone="13800138000"), dict(name=f"乙{i}")])
    client.force_login(tree.registrar)
    client.get("/cases/")                       # warm the session and caches
    url = f"/cases/?kind=petition&category={top.pk}&unit={tree.street_a.pk}&sort=due"
    with CaptureQueriesContext(connection) as few:
        assert len(numbers(client.get(url).content.decode())) == 5
    for i in range(45):
        register(tree, f"大量{i}", category=top, assign_to=tree.street_a,
                 people=[dict(name=f"丙{i}", phone="13800138000"), dict(name=f"丁{i}")])
    with django_assert_max_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert len(numbers(html)) == 30
    with django_assert_max_num_queries(len(few)):
        html = client.get(url + "&page=2").content.decode()
    assert len(numbers(html)) == 20


# --- saved filters -----------------------------------------------------------------------

def test_a_saved_filter_is_saved_applied_and_deleted(client, tree, cases):
    client.force_login(tree.registrar)
    response = client.post("/cases/filters/", {"name": "来访", "query": "channel=visit&sort=number&page=3"})
    assert response.status_code == 302
    saved = SavedFilter.objects.get(user=tree.registrar)
    assert saved.name == "来访" and saved.query == "channel=visit&sort=number"   # the page is not a condition
    html = client.get(response["Location"]).content.decode()
    assert "已保存常用查询「来访」" in html
    assert numbers(html) == [cases["visit"].number]
    assert 'href="/cases/?channel=visit&amp;sort=number">来访</a>' in html
    # The same name again replaces the conditions.
    client.post("/cases/filters/", {"name": "来访", "query": "channel=web"})
    assert list(SavedFilter.objects.values_list("name", "query")) == [("来访", "channel=web")]
    response = client.post(f"/cases/filters/{saved.pk}/delete/")
    assert response.status_code == 302 and not SavedFilter.objects.exists()


def test_saved_filters_keep_only_valid_conditions(client, tree, cases):
    client.force_login(tree.registrar)
    client.post("/cases/filters/", {"name": "杂", "query": "channel=pigeon&status=registered&evil=1"})
    assert SavedFilter.objects.get().query == "status=registered"


@pytest.mark.parametrize("name, message", [("", "请填写常用查询的名称"), ("   ", "请填写常用查询的名称"),
                                           ("长" * 41, "名称不能超过40个字")])
def test_a_saved_filter_needs_a_name(client, tree, cases, name, message):
    client.force_login(tree.registrar)
    response = client.post("/cases/filters/", {"name": name, "query": "channel=visit"})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert numbers(html) == [cases["visit"].number]     # the list with the conditions being saved
    assert not SavedFilter.objects.exists()


def test_saved_filters_are_per_user(client, tree, cases):
    client.force_login(tree.registrar)
    client.post("/cases/filters/", {"name": "我的来访", "query": "channel=visit"})
    mine = SavedFilter.objects.get()
    client = Client()        # another person at another computer
    _, html = get(client, tree.district_reviewer, "/cases/")
    assert "我的来访" not in html and "尚无常用查询" in html
    response = client.post(f"/cases/filters/{mine.pk}/delete/")
    assert response.status_code == 404
    assert SavedFilter.objects.filter(pk=mine.pk).exists()
    # Same name, another user: both exist.
    client.post("/cases/filters/", {"name": "我的来访", "query": "channel=web"})
    assert SavedFilter.objects.filter(name="我的来访").count() == 2


def test_saved_filter_views_need_post(client, tree):
    client.force_login(tree.registrar)
    assert client.get("/cases/filters/").status_code == 405
    assert client.get("/cases/filters/1/delete/").status_code == 405


# --- export ------------------------------------------------------------------------------

def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    return load_workbook(io.BytesIO(response.content)).active


def test_export_has_the_rows_and_columns_of_the_list(client, tree, cases):
    client.force_login(tree.registrar)
    ws = workbook(client.get("/cases/export/?kind=petition&sort=number"))
    assert ws.title == "案件列表"
    assert ws["A1"].value == "案件查询导出：类型：信访事项；排序：编号（小→大）"
    assert re.fullmatch(r"导出时间：\d{4}-\d\d-\d\d \d\d:\d\d　导出人：registrar（示范区信访局）　共 3 件", ws["A2"].value)
    header = [c.value for c in ws[3]]
    assert header == ["编号", "标题", "信访人", "状态", "责任单位", "承办人", "收到日期", "最近期限", "剩余"]
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["B"].width == 44 and ws.column_dimensions["A"].width == 24
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    expected = sorted(c.number for c in (cases["old_letter"], cases["visit"], cases["fresh"]))
    assert [r[0] for r in rows] == expected
    old = next(r for r in rows if r[0] == cases["old_letter"].number)
    assert old[1] == "老旧小区漏水" and old[2] == "老旧小区漏水人" and old[3] == "已交办" and old[4] == "一社区"
    assert old[6] == dt.datetime.combine(cases["old_letter"].received_date, dt.time())   # a real date cell
    assert old[8].startswith("已超期 ")
    assert ws.cell(row=4, column=7).number_format == "yyyy-mm-dd"
    assert AuditEntry.objects.filter(action="cases.export", actor=tree.registrar).count() == 1


def test_export_follows_the_filter(client, tree, cases):
    client.force_login(tree.registrar)
    ws = workbook(client.get("/cases/export/?channel=visit"))
    assert [r[0].value for r in ws.iter_rows(min_row=4)] == [cases["visit"].number]
    assert "来源渠道：来访" in ws["A1"].value


def test_export_of_an_empty_list_has_the_header_only(client, tree, cases):
    client.force_login(tree.registrar)
    ws = workbook(client.get("/cases/export/?q=没有这样的事项"))
    assert ws.max_row == 3 and "共 0 件" in ws["A2"].value


def test_export_hides_the_petitioner_from_the_accused_unit(client, tree):
    # The leader belongs to the accused 区 and sees every case (data scope: all).
    case = register(tree, "举报区政府", accused=tree.district, people=[dict(name="举报人甲", phone="13800138000")])
    client.force_login(tree.leader)
    ws = workbook(client.get("/cases/export/"))
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert rows[0][0] == case.number and rows[0][2] == "（依法保密）"
    assert all("举报人甲" not in str(v) for r in rows for v in r)


def test_export_with_a_bad_condition_exports_nothing(client, tree, cases):
    client.force_login(tree.registrar)
    response = client.get("/cases/export/?channel=pigeon")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "查询条件有误，未导出" in html and "「来源渠道」的值“pigeon”无效" in html
    assert not AuditEntry.objects.filter(action="cases.export").exists()


def test_export_is_capped(client, tree, cases, monkeypatch):
    monkeypatch.setattr("xinfang.web.views.EXPORT_MAX_ROWS", 2)
    client.force_login(tree.registrar)
    ws = workbook(client.get("/cases/export/"))
    assert ws.max_row == 5 and "仅导出前 2 件" in ws["A2"].value


def test_export_query_count_is_fixed(client, tree, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(5):
        register(tree, f"导出{i}", assign_to=tree.street_a)
    client.force_login(tree.registrar)
    client.get("/cases/")
    with CaptureQueriesContext(connection) as few:
        client.get("/cases/export/")
    for i in range(45):
        register(tree, f"再导出{i}", assign_to=tree.street_a)
    with django_assert_max_num_queries(len(few)):
        ws = workbook(client.get("/cases/export/"))
    assert ws.max_row == 53


def test_list_and_export_need_login(client, tree):
    for url in ("/cases/export/", "/cases/filters/"):
        response = client.get(url)
        assert response.status_code in (302, 405)
    assert client.get("/cases/export/")["Location"].startswith("/login/")

"""Registration at a reception window, through the test client: what the page offers the
keyboard, the collective-visit fields, the fragments, registration at a reception day, and
each bad input (a clear message at its field, nothing created)."""
import pytest

from xinfang.core.models import Case
from xinfang.petitions.models import ReceptionDay
from xinfang.petitions.services import reception_day_create

from .test_pages import registration_post

pytestmark = pytest.mark.django_db


def test_the_form_is_made_for_the_keyboard(client, tree):
    client.force_login(tree.registrar)
    html = client.get("/register/").content.decode()
    assert '<input type="text" name="title" value="" maxlength="200" required autofocus' in html
    assert "data-enter-advances" in html
    assert 'accesskey="s" aria-keyshortcuts="Control+Enter Alt+S">登记</button>' in html
    assert "<kbd>Ctrl+Enter</kbd>" in html
    # Every ID number is checked as it is typed, the message read out where it appears.
    for i in range(5):
        assert (f'name="p{i}-id_number" value="" maxlength="18" aria-label="第{i + 1}人身份证号"\n'
                f'                     data-id-number aria-describedby="p{i}-id-check"') in html
        assert f'<span class="id-check" id="p{i}-id-check" aria-live="polite"></span>' in html


def test_collective_fields_are_marked_and_explained_without_javascript(client, tree):
    client.force_login(tree.registrar)
    html = client.get("/register/").content.decode()
    assert html.count("data-collective>") == 1 + 1 + 5      # the note, the column head, one box per row
    assert "人数少于5人时无需勾选" in html
    assert 'data-collective-from="5"' in html


def test_the_intake_and_same_matter_fragments_are_embedded_exactly(client, tree):
    client.force_login(tree.registrar)
    html = client.get("/register/").content.decode()
    typing = 'input changed delay:600ms from:[name=title], input changed delay:600ms from:[name=content]'
    rest = ('hx-include="[name=title],[name=content],[name=category_id],[name=place_unit_id]" '
            'aria-live="polite"></div>')
    # The suggestions follow the typing, and the routing advice also a chosen category or place.
    assert (f'<div id="intake-suggest" hx-get="/intake/suggest/" hx-trigger="{typing}, change from:[name=category_id], '
            f'change from:[name=place_unit_id], load" {rest}') in html
    assert f'<div id="same-matter" hx-get="/search/same-matter/" hx-trigger="{typing}, load" {rest}' in html


@pytest.mark.parametrize("overrides, field_error", [
    ({"title": ""}, "标题"),
    ({"content": "短"}, "诉求与事实理由"),
    ({"channel": "pigeon"}, "来源渠道"),
    ({"person_count": "0"}, "人数"),
    ({"person_count": "abc"}, "人数"),
    ({"received_date": "2026-02-30"}, "收到日期"),
    ({"category_id": "999999"}, "分类"),
    ({"p0-name": "", "p0-id_number": "", "p0-phone": "", "p0-address": ""}, "信访人"),
    ({"p0-id_number": "110105194912310021"}, "身份证号校验位不正确"),
    ({"p0-id_number": "11010519491331002X"}, "出生日期无效"),
    ({"p0-phone": "12345"}, "电话号码格式不正确"),
    ({"accused_unit_id": "1"}, "只有检举控告类事项才填写被反映单位"),
])
def test_each_bad_input_is_named_and_nothing_is_registered(client, tree, overrides, field_error):
    client.force_login(tree.registrar)
    response = client.post("/register/", registration_post(**overrides))
    assert response.status_code == 422
    html = response.content.decode()
    assert "未能登记：" in html and field_error in html
    assert not Case.objects.exists()
    # What was typed is kept.
    assert "小区路灯损坏" in html or overrides.get("title") == ""


def test_too_few_people_for_the_petitioners_typed(client, tree):
    client.force_login(tree.registrar)
    post = registration_post(person_count="1", **{"p1-name": "李四", "p1-phone": "13900139000"})
    response = client.post("/register/", post)
    assert response.status_code == 422
    html = response.content.decode()
    assert "人数不能少于登记的信访人数" in html
    assert 'data-focus="person_count"' in html            # the cursor goes back to the field to fix
    assert not Case.objects.exists()


def test_a_collective_visit_with_representatives(client, tree):
    client.force_login(tree.registrar)
    people = {}
    for i, name in enumerate(["赵一", "钱二", "孙三", "李四", "周五"]):
        people.update({f"p{i}-name": name, f"p{i}-phone": f"1380013800{i}"})
    people.update({"p0-id_number": "", "p0-address": "", "p0-is_representative": "on", "p2-is_representative": "on"})
    response = client.post("/register/", registration_post(person_count="30", **people))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.petition.is_collective and case.petition.person_count == 30
    assert list(case.petitioners.filter(is_representative=True).values_list("name", flat=True)) == ["赵一", "孙三"]


def test_a_bad_row_error_lands_at_its_row(client, tree):
    client.force_login(tree.registrar)
    response = client.post("/register/", registration_post(
        person_count="2", **{"p3-name": "王五", "p3-phone": "999"}))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-focus="p3-phone"' in html
    rows = html.split('name="p3-address"')[1]
    assert "电话号码格式不正确" in rows.split("</tr>")[1]     # the line right under row 4


# --- at a reception day ------------------------------------------------------------------

@pytest.fixture
def day(tree):
    from xinfang.core import clock
    return reception_day_create(actor=tree.leader, leader=tree.leader, date=clock.today(), place="区信访接待大厅")


def test_registering_at_a_reception_day_records_the_case_there(client, tree, day):
    client.force_login(tree.registrar)
    html = client.get(f"/register/?reception={day.pk}").content.decode()
    assert "登记后自动记为本次接访事项" in html
    assert f'<input type="hidden" name="reception" value="{day.pk}">' in html
    assert '<option value="visit" selected>' in html             # a reception is a visit
    response = client.post("/register/", registration_post(reception=str(day.pk)))
    assert response.status_code == 302
    case = Case.objects.get()
    assert list(day.cases.all()) == [case]
    assert "已记入" in client.get(response["Location"]).content.decode()


def test_a_reception_day_out_of_sight_is_ignored(client, tree, day):
    client.force_login(tree.registrar_a)        # 甲街道: the 区 leader's day is not in its tree
    html = client.get(f"/register/?reception={day.pk}").content.decode()
    assert "登记后自动记为本次接访事项" not in html
    for i, bad in enumerate(("abc", "999999", str(day.pk))):
        # a different person each time (no same-person warning)
        client.post("/register/", registration_post(reception=bad, **{
            "p0-name": f"人{i}", "p0-id_number": "", "p0-phone": f"1390013900{i}"}))
    assert Case.objects.count() == 3 and not ReceptionDay.objects.get().cases.exists()


def test_a_failed_registration_at_a_reception_day_links_nothing(client, tree, day):
    client.force_login(tree.registrar)
    response = client.post("/register/", registration_post(reception=str(day.pk), title=""))
    assert response.status_code == 422
    assert f'name="reception" value="{day.pk}"' in response.content.decode()     # still at the reception
    assert not Case.objects.exists() and not day.cases.exists()

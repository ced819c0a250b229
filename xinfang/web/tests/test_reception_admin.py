"""The reception calendar (领导接访日) and the admin pages in Chinese."""
import datetime as dt
import re

import pytest

from xinfang.core import clock
from xinfang.orgs.models import User
from xinfang.petitions.models import ReceptionDay
from xinfang.petitions.services import reception_day_create

pytestmark = pytest.mark.django_db


def cells(html: str) -> dict[str, tuple[list[str], str]]:
    """Each day cell of the calendar by its day number (this month's cells only): its
    classes and its content."""
    out = {}
    for cls, body in re.findall(r'<td class="([^"]*)">\s*(.*?)</td>', html, re.S):
        if "out" in cls.split():
            continue
        day = re.search(r'<span class="daynum">(\d+)', body).group(1)
        out[day] = (cls.split(), body)
    return out


def test_the_calendar_shows_the_months_reception_days(client, tree):
    reception_day_create(actor=tree.leader, leader=tree.leader, date=dt.date(2026, 3, 4), place="区信访接待大厅")
    reception_day_create(actor=tree.leader, leader=tree.leader, date=dt.date(2026, 4, 1), place="四月的地点")
    client.force_login(tree.registrar)
    response = client.get("/reception/?month=2026-03")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年3月" in html
    days = cells(html)
    assert len(days) == 31
    assert "has" in days["4"][0] and "<b>leader</b><span>区信访接待大厅</span>" in days["4"][1]
    assert all("四月的地点" not in body for _, body in days.values())
    # 2026-03-07 is a Saturday: a rest day; the 9th a Monday.
    assert "rest" in days["7"][0] and "rest" not in days["9"][0]
    assert 'href="?month=2026-02"' in html and 'href="?month=2026-04"' in html
    # Without a month: this month, today marked.
    html = client.get("/reception/").content.decode()
    assert clock.today().strftime("%Y年") in html and "今天" in html


@pytest.mark.parametrize("month, message", [("2026-13", "「月份」“2026-13”无效"), ("march", "「月份」“march”无效"),
                                            ("1850-01", "「月份」超出范围")])
def test_a_bad_month_is_named_and_this_month_shown(client, tree, month, message):
    client.force_login(tree.registrar)
    response = client.get(f"/reception/?month={month}")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and clock.today().strftime("%Y年%-m月") in html


def test_scheduling_a_reception_day_with_bad_input_changes_nothing(client, tree):
    client.force_login(tree.registrar)
    for data, message in (({"leader": "", "date": "2026-12-01", "place": "大厅"}, "请选择接访领导"),
                          ({"leader": str(tree.leader.pk), "date": "2026-02-30", "place": "大厅"}, "日期格式不正确"),
                          ({"leader": str(tree.leader.pk), "date": "2026-12-01", "place": "  "}, "地点为必填项"),
                          ({"leader": str(tree.registrar.pk), "date": "2026-12-01", "place": "大厅"}, "请选择接访领导")):
        response = client.post("/reception/", data)
        assert response.status_code == 422, data
        assert message in response.content.decode()
    assert not ReceptionDay.objects.exists()


def test_the_reception_day_offers_registering_a_new_visit(client, tree):
    day = reception_day_create(actor=tree.leader, leader=tree.leader, date=clock.today(), place="大厅")
    client.force_login(tree.registrar)
    html = client.get(f"/reception/{day.pk}/").content.decode()
    assert f'href="/register/?reception={day.pk}"' in html
    client.force_login(tree.leader)            # a leader links cases, but does not register
    html = client.get(f"/reception/{day.pk}/").content.decode()
    assert "/register/?reception=" not in html and "登记为本次接访事项" in html


# --- admin ---------------------------------------------------------------------------------

@pytest.fixture
def admin_client(client, tree):
    admin = User.objects.create_superuser(username="root", password="pass-12345", email="")
    client.force_login(admin)
    return client


def has_chinese(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", str(text)))


def test_every_admin_model_is_named_in_chinese(admin_client):
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        assert has_chinese(meta.verbose_name) and has_chinese(meta.verbose_name_plural), meta.label
        changelist = admin_client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert changelist.status_code == 200, meta.label
        # Every column head of the list (shown when it has rows) is Chinese.
        heads = re.findall(r'<th scope="col" class="[^"]*column-(\w+)[^"]*">.*?<div class="text">(?:<a [^>]*>|<span>)'
                           r'([^<]*)<', changelist.content.decode(), re.S)
        if model._default_manager.exists():
            assert heads, meta.label
        for column, text in heads:
            if column == "__str__":
                continue
            assert has_chinese(text), f"{meta.label}.{column}: {text!r}"


@pytest.mark.parametrize("url, expect", [
    ("/admin/orgs/unit/?q=街道", "甲街道"),
    ("/admin/orgs/user/?q=handler_a", "handler_a"),
    ("/admin/orgs/user/?roles__id__exact=1", "用户"),
    ("/admin/orgs/role/?q=登记", "登记员"),
    ("/admin/core/category/", "分类"),
    ("/admin/core/deadlinerule/?q=受理", "期限规则"),
    ("/admin/core/calendarday/", "节假日调整"),
    ("/admin/core/calendaryear/", "节假日年度"),
    ("/admin/petitions/receptionday/", "领导接访日"),
])
def test_admin_lists_search_and_filter(admin_client, url, expect):
    response = admin_client.get(url)
    assert response.status_code == 200
    assert expect in response.content.decode()


def test_the_user_list_shows_roles_and_scope(admin_client, tree):
    html = admin_client.get("/admin/orgs/user/?q=registrar").content.decode()
    assert "登记员" in html and "本单位及下级" in html and "示范区信访局" in html

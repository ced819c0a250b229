"""Admin edits are audited, and a holiday entered in the admin changes the deadlines
computed after it (the calendar cache is dropped)."""
import datetime as dt

import pytest

from xinfang.audit.models import AuditEntry
from xinfang.audit.services import audit_verify
from xinfang.core import calendar
from xinfang.core.models import CalendarDay, CalendarYear
from xinfang.orgs.models import Unit, User
from xinfang.orgs.services import user_create


@pytest.fixture
def admin_client(client, tree):
    admin = user_create(actor=None, username="root", password="admin-12345", unit=tree.district, roles=["admin"])
    client.force_login(admin)
    return client


def test_admin_pages_speak_chinese(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "信访平台管理" in page and "单位" in page and "期限规则" in page and "节假日调整" in page


def test_adding_and_changing_a_unit_is_audited_with_the_changed_fields(admin_client, tree):
    before = AuditEntry.objects.count()
    resp = admin_client.post("/admin/orgs/unit/add/", {
        "name": "丙街道", "short_code": "BJD", "division_code": "", "level": "street",
        "parent": tree.district.pk, "is_active": "on"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    unit = Unit.objects.get(short_code="BJD")
    assert unit.is_within(tree.district)
    added = AuditEntry.objects.get(action="admin.unit.add")
    assert added.actor.username == "root" and added.detail["changed"]["name"]["new"] == "丙街道"

    resp = admin_client.post(f"/admin/orgs/unit/{unit.pk}/change/", {
        "name": "丙街道办事处", "short_code": "BJD", "division_code": "", "level": "street",
        "parent": tree.district.pk, "is_active": "on"})
    assert resp.status_code == 302
    changed = AuditEntry.objects.get(action="admin.unit.change")
    assert changed.detail["changed"] == {"name": {"old": "丙街道", "new": "丙街道办事处"}}
    assert AuditEntry.objects.count() == before + 2
    assert audit_verify().ok


def test_deleting_in_the_admin_is_audited(admin_client, tree):
    unit = Unit.objects.create(name="临时单位", short_code="LSDW", level="department", parent=tree.district)
    resp = admin_client.post(f"/admin/orgs/unit/{unit.pk}/delete/", {"post": "yes"})
    assert resp.status_code == 302
    assert not Unit.objects.filter(pk=unit.pk).exists()
    entry = AuditEntry.objects.get(action="admin.unit.delete")
    assert entry.detail["deleted"]["name"] == "临时单位"


def test_user_roles_changed_in_the_admin_are_audited_without_the_password(admin_client, tree):
    user = tree.handler_a
    resp = admin_client.post(f"/admin/orgs/user/{user.pk}/change/", {
        "username": user.username, "display_name": "王五", "unit": tree.street_a.pk, "roles": [
            r.pk for r in user.roles.all()] + [tree.reviewer_a.roles.first().pk],
        "data_scope": "own", "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-01-01", "initial-date_joined_1": "09:00:00"})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    user = User.objects.get(pk=user.pk)
    assert user.role_codes() == {"handler", "reviewer"}
    relations = AuditEntry.objects.filter(action="admin.user.relations").last()
    assert sorted(relations.detail["relations"]["roles"]) == sorted(str(r.pk) for r in user.roles.all())
    assert "pass-12345" not in str(AuditEntry.objects.filter(action__startswith="admin.user").values_list("detail"))


def test_a_holiday_entered_in_the_admin_moves_deadlines_at_once(admin_client):
    # 2027 is not in the package: weekends only, provisional, until an admin enters the year.
    friday = dt.date(2027, 1, 1)  # a Friday; New Year's Day in any year
    assert calendar.add_calendar_days(dt.date(2026, 12, 2), 30) == (friday, True)
    resp = admin_client.post("/admin/core/calendarday/add/", {"date": "2027-01-01", "is_rest_day": "on",
                                                              "name": "元旦"})
    assert resp.status_code == 302
    resp = admin_client.post("/admin/core/calendaryear/add/", {"year": "2027", "complete": "on", "source": "测试通知"})
    assert resp.status_code == 302
    assert CalendarDay.objects.filter(date=friday).exists() and CalendarYear.objects.filter(year=2027).exists()
    # Friday is now a holiday, the weekend follows: the period ends on Monday 4 January, not provisional.
    assert calendar.add_calendar_days(dt.date(2026, 12, 2), 30) == (dt.date(2027, 1, 4), False)
    assert AuditEntry.objects.filter(action="admin.calendarday.add").exists()

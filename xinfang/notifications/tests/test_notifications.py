"""站内通知: who is told of each step (never the actor, never with a petitioner's name), the
idempotent deadline sweep, and the pages (list, mark read with CSRF, open the case)."""
import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.notifications.models import Notification
from xinfang.notifications.services import notifications_deadlines_send
from xinfang.petitions.services import petition_register
from xinfang.petitions.tests.builders import ANSWER, BASE_DAY, act, build_on, petition_data, register


def told(case, kind=None) -> dict[str, set[str]]:
    """{username: {kinds}} of the notifications about this case."""
    out: dict[str, set[str]] = {}
    qs = Notification.objects.filter(case=case)
    if kind:
        qs = qs.filter(kind=kind)
    for username, k in qs.values_list("recipient__username", "kind"):
        out.setdefault(username, set()).add(k)
    return out


# --- the workflow hook ----------------------------------------------------------------------

def test_assignment_tells_who_may_accept_at_the_new_unit_not_the_actor(tree):
    case = build_on(tree, "assigned")
    assert told(case) == {"handler_a": {"assigned"}, "registrar_a": {"assigned"}}
    note = Notification.objects.get(case=case, recipient=tree.handler_a)
    assert case.number in note.text and "交办" in note.text and note.read_at is None


def test_staff_registration_tells_nobody_but_a_portal_submission_tells_the_registrars(tree, settings):
    settings.XINFANG_PORTAL_UNIT = "SFQXFJ"
    staff_case = build_on(tree, "registered")
    assert told(staff_case) == {}
    with clock.frozen(BASE_DAY):
        public_case = petition_register(actor=None, actor_kind="public", data=petition_data())
    assert told(public_case) == {"registrar": {"received"}}


def test_designating_a_handler_tells_that_handler(tree):
    case = build_on(tree, "accepted")
    other = tree.user("handler_a2", tree.street_a, "handler")
    with clock.frozen(BASE_DAY):
        act(case, tree.reviewer_a, "designate_handler", user_id=other.pk)
    assert "handler_a2" in told(case, "assigned")


def test_answer_submitted_waits_for_the_reviewer_and_a_return_goes_back_to_the_handler(tree):
    case = build_on(tree, "accepted")
    with clock.frozen(BASE_DAY):
        act(case, tree.handler_a, "submit_answer", **ANSWER)
    assert told(case, "approval_waiting") == {"reviewer_a": {"approval_waiting"}}
    with clock.frozen(BASE_DAY):
        act(case, tree.reviewer_a, "return_answer", reason="证据不足")
    returned = Notification.objects.get(case=case, kind="returned")
    assert returned.recipient == tree.handler_a and "证据不足" in returned.text
    with clock.frozen(BASE_DAY):
        act(case, tree.handler_a, "submit_answer", **ANSWER)
        act(case, tree.reviewer_a, "approve_answer")
    assert told(case, "decided") == {"handler_a": {"decided"}}
    # Nobody is told of their own step.
    assert not Notification.objects.filter(case=case, kind="approval_waiting", recipient=tree.handler_a).exists()
    assert not Notification.objects.filter(case=case, kind__in=["returned", "decided"],
                                           recipient=tree.reviewer_a).exists()


def test_extension_request_and_its_decision(tree):
    case = build_on(tree, "extension_requested")
    assert told(case, "approval_waiting") == {"reviewer_a": {"approval_waiting"}}
    with clock.frozen(BASE_DAY):
        act(case, tree.reviewer_a, "approve_extension", days=15)
    decided = Notification.objects.get(case=case, kind="decided")
    assert decided.recipient == tree.handler_a and "批准延期" in decided.text


def test_an_objection_sends_the_case_back_to_the_registering_unit(tree):
    case = build_on(tree, "assigned")
    with clock.frozen(BASE_DAY):
        act(case, tree.handler_a, "object", reason="不属本街道职责")
    back = Notification.objects.filter(case=case, kind="returned")
    assert {n.recipient.username for n in back} == {"registrar"}
    assert "不属本街道职责" in back.get().text


def test_a_reviewer_asking_a_reviewer_is_not_an_approval_request_for_themselves(tree):
    case = build_on(tree, "review_requested")
    # Sent up to 示范区: its registrar-reviewer is told; the registrar who sent it is not.
    sent_up = Notification.objects.filter(case=case, kind="assigned", text__startswith="申请复查")
    assert {n.recipient.username for n in sent_up} == {"district_reviewer"}
    with clock.frozen(BASE_DAY):
        act(case, tree.district_reviewer, "accept_review")
    assert not Notification.objects.filter(case=case, recipient=tree.district_reviewer,
                                           kind="approval_waiting").exists()


def test_no_notification_text_names_a_petitioner(tree):
    for state in ("assigned", "answered", "extension_requested", "review_requested"):
        build_on(tree, state)
    with clock.frozen(BASE_DAY + dt.timedelta(days=200)):
        notifications_deadlines_send()
    texts = list(Notification.objects.values_list("text", flat=True))
    assert texts and not [t for t in texts if "测试人" in t]


def test_an_accusation_is_never_notified_to_the_accused_unit(tree):
    # 检举控告 against 一社区, inside 甲街道: the street may handle it, its community never hears.
    community_handler = tree.user("handler_c", tree.community, "handler", "registrar")
    case = build_on(tree, "registered", claim_type="accusation", accused_unit_id=tree.community.pk)
    with clock.frozen(BASE_DAY):
        act(case, tree.registrar, "assign", unit_id=tree.street_a.pk)
    assert "handler_a" in told(case)
    assert not Notification.objects.filter(recipient=community_handler).exists()


# --- deadline reminders -------------------------------------------------------------------

def test_deadline_sweep_is_idempotent_and_tells_the_designated_handler(tree):
    overdue = build_on(tree, "accepted")
    with clock.frozen(BASE_DAY):
        act(overdue, tree.reviewer_a, "designate_handler", user_id=tree.handler_a.pk)
    unassigned = build_on(tree, "registered", day=BASE_DAY + dt.timedelta(days=55))
    overdue.refresh_from_db()
    unassigned.refresh_from_db()
    today = overdue.next_due_date + dt.timedelta(days=2)
    assert 0 <= (unassigned.next_due_date - today).days <= 3

    created = notifications_deadlines_send(today=today)
    # The designated handler and the owning unit's reviewer; for the unassigned one, whoever
    # may act (the registrar) and the unit's reviewer.
    assert created == 4
    late = Notification.objects.filter(case=overdue, kind="overdue")
    assert {n.recipient.username for n in late} == {"handler_a", "reviewer_a"}
    assert all("已超期2天" in n.text and n.due_date == overdue.next_due_date for n in late)
    assert told(unassigned, "due_soon") == {"registrar": {"due_soon"}, "bureau_reviewer": {"due_soon"}}

    assert notifications_deadlines_send(today=today) == 0            # a second run: nothing new
    # Past the second one's due date: it is now overdue (new); the first is still the same reminder.
    assert notifications_deadlines_send(today=unassigned.next_due_date + dt.timedelta(days=1)) == 2
    assert Notification.objects.filter(kind__in=["due_soon", "overdue"]).count() == 6


def test_reminders_at_each_configured_point(tree, settings):
    settings.XINFANG_REMINDER_DAYS = "3,0"
    case = build_on(tree, "registered")
    case.refresh_from_db()
    due = case.next_due_date
    sent = [notifications_deadlines_send(today=due - dt.timedelta(days=d)) for d in (5, 3, 2, 0, 0, -1, -4)]
    # 5 days before: nothing; 3 before: a reminder; 2 before: the same point; on the day: a new one
    # (once); overdue: one, not repeated daily. Two recipients each (registrar, bureau_reviewer).
    assert sent == [0, 2, 0, 2, 0, 2, 0]


def test_notify_deadlines_command(tree, capsys):
    case = build_on(tree, "registered")
    case.refresh_from_db()
    day = (case.next_due_date + dt.timedelta(days=1)).isoformat()
    call_command("notify_deadlines", "--date", day)
    call_command("notify_deadlines", "--date", day)
    out = capsys.readouterr().out
    # the registrar (who may act) and the registering unit's reviewer
    assert "新发送提醒 2 条。" in out and "新发送提醒 0 条。" in out
    assert Notification.objects.filter(kind="overdue").count() == 2
    with pytest.raises(CommandError, match="--date 不是有效日期"):
        call_command("notify_deadlines", "--date", "2026-13-45")
    assert Notification.objects.filter(kind="overdue").count() == 2


# --- the pages ----------------------------------------------------------------------------

@pytest.fixture
def two_notes(tree):
    first = build_on(tree, "assigned", title="第一件")
    second = build_on(tree, "assigned", title="第二件", day=BASE_DAY + dt.timedelta(days=1))
    return [Notification.objects.get(case=c, recipient=tree.handler_a) for c in (first, second)]


def test_list_shows_unread_first_and_links_each_to_its_case(client, tree, two_notes):
    older, newer = two_notes
    client.force_login(tree.handler_a)
    client.post(f"/notifications/{newer.pk}/read/")
    html = client.get("/notifications/").content.decode()
    assert html.index(older.case.number) < html.index(newer.case.number)   # unread first
    assert f'action="/notifications/{older.pk}/open/"' in html
    assert html.count(">标为已读</button>") == 1


def test_opening_marks_read_and_lands_on_the_case(client, tree, two_notes):
    note = two_notes[0]
    client.force_login(tree.handler_a)
    response = client.post(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{note.case.number}/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get(response["Location"]).status_code == 200


def test_mark_one_and_all_read(client, tree, two_notes):
    client.force_login(tree.handler_a)
    assert client.post(f"/notifications/{two_notes[0].pk}/read/", {"page": "1"})["Location"] == "/notifications/?page=1"
    assert Notification.objects.filter(recipient=tree.handler_a, read_at__isnull=True).count() == 1
    response = client.post("/notifications/read-all/", follow=True)
    assert "已将 1 条通知标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=tree.handler_a, read_at__isnull=True).exists()


def test_someone_elses_notification_is_not_found_and_unchanged(client, tree, two_notes):
    client.force_login(tree.handler_b)
    for url in (f"/notifications/{two_notes[0].pk}/read/", f"/notifications/{two_notes[0].pk}/open/",
                "/notifications/999999/read/"):
        assert client.post(url).status_code == 404
    assert client.post("/notifications/read-all/").status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == Notification.objects.count()


def test_marking_read_needs_post_with_csrf_and_a_login(tree, two_notes):
    note = two_notes[0]
    anonymous = Client()
    assert anonymous.get("/notifications/")["Location"].startswith("/login/")
    assert anonymous.post(f"/notifications/{note.pk}/read/").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(tree.handler_a)
    assert strict.get(f"/notifications/{note.pk}/read/").status_code == 405
    assert strict.post(f"/notifications/{note.pk}/read/").status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


def test_the_list_pages(client, tree):
    for i in range(32):
        register(tree, title=f"事项{i}")
    now = clock.now()
    Notification.objects.bulk_create([Notification(recipient=tree.handler_a, case=c, kind="assigned", text=c.title,
                                                   key=f"t:{c.pk}", created_at=now) for c in Case.objects.all()])
    client.force_login(tree.handler_a)
    first = client.get("/notifications/").content.decode()
    assert "第 1 / 2 页，共 32 条" in first
    assert "共 32 条" in client.get("/notifications/?page=2").content.decode()


def test_admin_lists_notifications_in_chinese(client, tree, two_notes, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="pass-12345")
    client.force_login(admin)
    html = client.get("/admin/notifications/notification/").content.decode()
    assert "站内通知" in html and two_notes[0].case.number in html
    assert client.get("/admin/notifications/notification/add/").status_code == 403


def test_a_loaded_history_can_be_settled_as_read(tree):
    from xinfang.notifications.services import notifications_history_settle

    old = build_on(tree, "assigned")
    new = build_on(tree, "assigned", day=BASE_DAY + dt.timedelta(days=10))
    with clock.frozen(BASE_DAY + dt.timedelta(days=10)):
        assert notifications_history_settle(before=clock.now() - dt.timedelta(days=3)) == 2   # 2 recipients
    assert not Notification.objects.filter(case=old, read_at__isnull=True).exists()
    assert Notification.objects.filter(case=new, read_at__isnull=True).count() == 2

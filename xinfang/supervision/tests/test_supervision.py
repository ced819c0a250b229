"""督办 on a case, 催办, progress reports, lifting; the daily jobs and the worker; SMS."""
import datetime as dt

import pytest
from django.core.management import call_command

from xinfang.core import clock
from xinfang.core.errors import Conflict, Forbidden, GuardFailed, NotFound, ValidationFailed
from xinfang.core.models import Case, Event
from xinfang.notifications.models import Notification, OutboundMessage
from xinfang.notifications.outbound import outbound_send_pending
from xinfang.petitions.tests.builders import BASE_DAY, act, build_on, snapshot
from xinfang.supervision.models import ScheduledRun, Supervision
from xinfang.supervision.scheduler import daily_claim, daily_jobs_run
from xinfang.supervision.services import (supervision_lift, supervision_open, supervision_remind,
                                          supervision_report, supervisions_remind_due)

DAY = dt.datetime.combine(BASE_DAY, dt.time(10))


@pytest.fixture
def supervisor(tree):
    return tree.user("supervisor", tree.district, "supervisor", scope="subtree")


@pytest.fixture
def accepted(tree):
    return build_on(tree, "accepted")


def _open(case, supervisor, **kw):
    data = dict(level="listed", demand="请于十日内办结并报告。", due_date=BASE_DAY + dt.timedelta(days=10))
    data.update(kw)
    with clock.frozen(DAY):
        return supervision_open(case=case, actor=supervisor, **data)


def test_open_remind_report_lift_each_on_the_timeline(tree, supervisor, accepted):
    s = _open(accepted, supervisor)
    assert s.active and s.supervising_unit == tree.district
    with clock.frozen(DAY):
        supervision_remind(case=accepted, actor=supervisor, text="请加快办理。")
        supervision_report(case=accepted, actor=tree.handler_a, text="已约谈当事人，正在核实。")
        supervision_lift(case=accepted, actor=supervisor, reason="已部署专人办理，转为常规跟踪。")
    actions = list(Event.objects.filter(case=accepted).order_by("seq").values_list("action", flat=True))
    assert actions[-4:] == ["supervision_open", "supervision_remind", "supervision_report", "supervision_lift"]
    s.refresh_from_db()
    assert (s.reminders, s.reports, s.lifted_reason) == (1, 1, "已部署专人办理，转为常规跟踪。")
    accepted.refresh_from_db()
    assert [e.seq for e in accepted.events.order_by("seq")] == list(range(1, accepted.version + 1))
    # The owner side was told of the 督办 and the 催办; the supervisor of the report.
    told = set(Notification.objects.filter(case=accepted, kind="supervision").values_list("recipient__username", flat=True))
    assert {"handler_a", "reviewer_a", "supervisor"} <= told


@pytest.mark.parametrize("kw,error,field", [
    ({"level": "gold"}, ValidationFailed, "level"),
    ({"demand": " "}, ValidationFailed, "demand"),
    ({"due_date": BASE_DAY - dt.timedelta(days=1)}, ValidationFailed, "due_date"),
])
def test_bad_input_changes_nothing(tree, supervisor, accepted, kw, error, field):
    before = snapshot(accepted)
    with pytest.raises(error) as exc:
        _open(accepted, supervisor, **kw)
    assert exc.value.field == field
    assert snapshot(accepted) == before and not Supervision.objects.exists()


def test_who_may_do_what(tree, supervisor, accepted):
    with pytest.raises(Forbidden):
        _open(accepted, tree.handler_a)                      # not a supervisor
    outsider = tree.user("outsider", tree.street_b, "supervisor")
    with pytest.raises(NotFound):
        _open(accepted, outsider)                           # the case is outside their scope
    _open(accepted, supervisor)
    with pytest.raises(GuardFailed, match="已在督办中"):
        _open(accepted, supervisor)
    with pytest.raises(Forbidden):
        with clock.frozen(DAY):
            supervision_report(case=accepted, actor=tree.registrar, text="进展")  # not the owner unit
    with pytest.raises(ValidationFailed):
        with clock.frozen(DAY):
            supervision_lift(case=accepted, actor=supervisor, reason="")       # a reason is required
    with pytest.raises(Conflict):
        with clock.frozen(DAY):
            supervision_remind(case=accepted, actor=supervisor, text="请加快", version=1)
    assert Supervision.objects.get().active


def test_lifted_when_the_case_closes(tree, supervisor):
    case = build_on(tree, "answer_pending")
    _open(case, supervisor)
    with clock.frozen(DAY):
        act(case, tree.reviewer_a, "approve_answer")
    assert Supervision.objects.get().active          # answered is not closed
    with clock.frozen(DAY + dt.timedelta(days=40)):
        act(case, "system", "close")
    s = Supervision.objects.get()
    assert not s.active and "办结" in s.lifted_reason


def test_due_reminders_are_sent_once(tree, supervisor, accepted):
    s = _open(accepted, supervisor, due_date=BASE_DAY + dt.timedelta(days=2))
    first = supervisions_remind_due(today=BASE_DAY)
    assert first >= 2 and supervisions_remind_due(today=BASE_DAY) == 0
    assert supervisions_remind_due(today=s.due_date + dt.timedelta(days=1)) >= 2   # overdue: a new one
    assert supervisions_remind_due(today=s.due_date + dt.timedelta(days=2)) == 0


def test_daily_jobs_run_once_per_day_and_are_idempotent(tree, accepted):
    day = accepted.next_due_date + dt.timedelta(days=1)
    assert daily_claim(day=day) and not daily_claim(day=day)
    first = daily_jobs_run(day=day)
    assert first["deadline_reminders"] >= 1
    again = daily_jobs_run(day=day)              # run by hand a second time: nothing new
    assert again["deadline_reminders"] == 0 and again["close_lapsed"] == 0
    run = ScheduledRun.objects.get(job="daily", day=day)
    assert run.finished_at is not None and run.result == again


# The task worker closes its database connection between tasks, as a long-running process
# should: the test runs outside a wrapping transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_once_runs_the_days_jobs_through_the_task_queue(tree, accepted, settings):
    settings.XINFANG_DAILY_AT = "00:00"
    case = Case.objects.get(pk=accepted.pk)
    with clock.frozen(dt.datetime.combine(case.next_due_date + dt.timedelta(days=1), dt.time(8))):
        call_command("worker", "--once")
        call_command("worker", "--once")        # a second worker, the same day: nothing twice
    assert ScheduledRun.objects.filter(job="daily").count() == 1
    assert Notification.objects.filter(case=case, kind="overdue").count() == 2   # handler side + reviewer


def test_sms_goes_once_to_those_with_a_mobile_and_failures_are_recorded(tree, accepted):
    tree.handler_a.mobile = "13900001111"
    tree.handler_a.save()
    with clock.frozen(DAY):
        act(accepted, tree.reviewer_a, "designate_handler", user_id=tree.handler_a.pk)
    from xinfang.notifications.services import notifications_deadlines_send
    accepted.refresh_from_db()
    notifications_deadlines_send(today=accepted.next_due_date + dt.timedelta(days=1))
    sent = []

    class Gateway:
        def send(self, *, phone, text):
            sent.append((phone, text))
            return "ok-1"

    assert outbound_send_pending(gateway=Gateway()) == 1
    assert outbound_send_pending(gateway=Gateway()) == 0
    assert sent[0][0] == "13900001111" and "超期" in sent[0][1]
    tree.reviewer_a.mobile = "13900002222"
    tree.reviewer_a.save()

    class Broken:
        def send(self, *, phone, text):
            raise ConnectionError("gateway down")

    assert outbound_send_pending(gateway=Broken()) == 0
    failed = OutboundMessage.objects.get(phone="13900002222")
    assert failed.status == "failed" and "gateway down" in failed.error


def test_pages(client, tree, supervisor, accepted):
    client.force_login(supervisor)
    with clock.frozen(DAY):
        page = client.get(f"/supervision/case/{accepted.number}/")
        assert page.status_code == 200 and "督办要求" in page.content.decode()
        bad = client.post(f"/supervision/case/{accepted.number}/open/", {"level": "listed", "demand": "",
                                                                        "due_date": "2026-03-20"}, follow=True)
        assert "请填写督办要求" in bad.content.decode() and not Supervision.objects.exists()
        ok = client.post(f"/supervision/case/{accepted.number}/open/", {"level": "listed", "demand": "请尽快办结",
                                                                       "due_date": "2026-03-20"})
        assert ok.status_code == 302 and Supervision.objects.get().level == "listed"
        listing = client.get("/supervision/")
    assert accepted.number in listing.content.decode()
    client.force_login(tree.handler_b if hasattr(tree, "handler_b") else tree.court_registrar)
    assert client.get(f"/supervision/case/{accepted.number}/").status_code == 404

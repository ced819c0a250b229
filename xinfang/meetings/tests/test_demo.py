"""The demo plan, played in time order on the test tree among a few hard petitions: two
meetings with decisions recorded as events, minutes generated, two follow-ups done and one
overdue, and the audit chain intact."""
import datetime as dt
import random

from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.models import Event
from xinfang.petitions.tests.builders import build_on

from ..demo import meetings_demo_plan
from ..models import AgendaItem, Meeting
from ..selectors import followup_state

TODAY = dt.date(2026, 11, 20)


def test_the_demo_plan_holds_done_pending_and_overdue_followups(mt):
    for _ in range(6):
        build_on(mt, "accepted", day=dt.date(2026, 7, 6))         # overdue by the autumn
    units = {"SFQ": mt.district, "SFQXFJ": mt.bureau, "SFQZJJ": mt.housing, "DSJD": mt.street_a, "NGJD": mt.street_b}
    users = {"supervisor": mt.supervisor, "leader": mt.leader}
    steps = meetings_demo_plan(units=units, users=users, today=TODAY, rng=random.Random(5))
    assert all(at.date() < TODAY for at, _ in steps)
    for at, step in sorted(steps, key=lambda s: s[0]):
        with clock.frozen(at):
            step()
    assert list(Meeting.objects.order_by("date").values_list("kind", flat=True)) == ["joint", "consult"]
    assert all(m.minutes_pdf and m.minutes_docx for m in Meeting.objects.all())
    with clock.frozen(TODAY):
        states = sorted(followup_state(i) for i in AgendaItem.objects.all())
    assert states == ["done", "done", "overdue", "pending", "pending"]
    assert Event.objects.filter(action="meeting_decision").count() == 5
    assert Event.objects.filter(action="meeting_followup_done").count() == 2
    assert audit_verify().ok

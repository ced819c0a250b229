"""The demo plan, played in time order on the test tree among a few petitions and hazards:
both campaigns exist with their targets, the backlog and the hazards are enrolled through the
services (events on the cases), targets were adjusted after the count, and the audit chain holds."""
import datetime as dt
import random

from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.models import Event
from xinfang.hazards.tests.builders import build as hazard_build
from xinfang.petitions.tests.builders import build_on

from ..demo import campaigns_demo_plan
from ..models import Campaign, Enrolment
from ..selectors import campaign_progress

TODAY = dt.date(2026, 11, 20)


def test_the_demo_plan_builds_both_campaigns(cp):
    backlog = [build_on(cp, "accepted", day=dt.date(2026, 8, 3)) for _ in range(3)]
    with clock.frozen(dt.date(2026, 8, 10)):
        hazards = [hazard_build(cp, "registered") for _ in range(2)]
    units = {"SFQ": cp.district, "DSJD": cp.street_a}
    users = {"supervisor": cp.supervisor, "leader": cp.leader}
    steps = campaigns_demo_plan(units=units, users=users, today=TODAY, rng=random.Random(3))
    assert all(at.date() < TODAY for at, _ in steps)
    for at, step in sorted(steps, key=lambda s: s[0]):
        with clock.frozen(at):
            step()
    backlog_campaign = Campaign.objects.get(type="hundred_days")
    safety = Campaign.objects.get(type="safety_check")
    enrolled = set(Enrolment.objects.filter(campaign=backlog_campaign).values_list("case__number", flat=True))
    assert enrolled >= {c.number for c in backlog}
    assert Enrolment.objects.filter(campaign=backlog_campaign, withdrawn_at__isnull=False).count() == 1
    assert [t.number for t in backlog_campaign.targets.all()] == [3, 1]          # 80% and 30% of 3
    assert set(Enrolment.objects.filter(campaign=safety).values_list("case__number", flat=True)) == {
        h.number for h in hazards}
    assert Event.objects.filter(action="campaign_enrol").count() == Enrolment.objects.count()
    with clock.frozen(TODAY):
        figures = {p["measure"].key: p["value"] for p in campaign_progress(safety)}
    assert figures["hazards_found"] == 2 and figures["inspections"] == 0
    assert audit_verify().ok

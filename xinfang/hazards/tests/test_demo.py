"""The demo plan, played in time order on the test tree through the real services: every
state of the table is reached, inspections hold hazards, and the audit chain holds."""
import datetime as dt
import random

from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.workflow import workflow_for

from ..demo import hazard_demo_plan
from ..models import Hazard, Inspection


def test_the_demo_plan_reaches_every_state(hz):
    today = dt.date(2026, 6, 15)
    units = {"DSJD": hz.street_a, "SFQ": hz.district, "DSJD01": hz.community, "DSJD01G1": hz.grid}
    users = {"inspector": hz.inspector_a, "reviewer": hz.reviewer_a, "supervisor": hz.supervisor,
             "mediator": hz.grid_worker}
    steps = hazard_demo_plan(units=units, users=users, today=today, rng=random.Random(7))
    assert all(at.date() <= today for at, _ in steps)
    for at, step in sorted(steps, key=lambda s: s[0]):
        with clock.frozen(at):
            step()
    statuses = set(Hazard.objects.values_list("case__status", flat=True))
    assert statuses == set(workflow_for("hazard").states)
    assert Hazard.objects.count() >= 40 and Inspection.objects.count() == 2
    assert Hazard.objects.filter(inspection__isnull=False).exists()
    assert Hazard.objects.filter(source="grid").exists() and Hazard.objects.filter(case__attachments__isnull=False)
    with clock.frozen(today):
        assert Hazard.objects.filter(case__is_open=True, case__next_due_date__lt=today).exists()
    assert audit_verify().ok

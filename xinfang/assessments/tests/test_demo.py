"""The demo plan, played in time order on the test tree: every step goes through the
services, and the cases end in every state of the table, with 高, 中 and 低 ratings and
re-ratings among them."""
import datetime as dt
import random

from django.db.models import F

from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.core.workflow import workflow_for

from ..demo import PROJECTS, assessment_demo_plan
from ..models import Rating


def test_demo_plan_plays_into_every_state(tree):
    today = dt.date(2026, 5, 20)
    units = {"SFQZJJ": tree.housing, "DSJD": tree.street_a, "XHJD": tree.street_b}
    users = {"handler_zjj": tree.handler_h, "reviewer_zjj": tree.reviewer_h, "leader": tree.leader}
    steps = assessment_demo_plan(units=units, users=users, today=today, rng=random.Random(7))
    assert all(at.date() < today for at, _ in steps)
    for at, run in sorted(steps, key=lambda s: s[0]):
        with clock.frozen(at):
            run()
    cases = Case.objects.filter(kind="assessment")
    assert cases.count() == len(PROJECTS)
    assert set(cases.values_list("status", flat=True)) == set(workflow_for("assessment").states)
    assert {"high", "medium", "low"} <= set(Rating.objects.values_list("level", flat=True))
    assert Rating.objects.filter(round=2).exists()
    assert Rating.objects.exclude(level=F("computed_level")).exists()   # one stricter rating
    assert audit_verify().ok



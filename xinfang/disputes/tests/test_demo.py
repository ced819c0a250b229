"""The demo plan, played on the test tree in time order as the demo builder plays it."""
import datetime as dt
import random

import pytest

from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.core.workflow import workflow_for
from xinfang.disputes.demo import dispute_demo_plan
from xinfang.disputes.models import DisputePetitionLink, ScreeningReport
from xinfang.disputes.selectors import screening_reports_missing

from .builders import mediators


@pytest.mark.parametrize("community_mediator", [True, False], ids=["with-community-mediator", "grid-worker-only"])
def test_demo_plan_reaches_every_state(tree, community_mediator):
    mediators(tree)
    today = dt.date(2026, 6, 15)
    units = {"DSJD": tree.street_a, "DSJD01": tree.community, "DSJD01G1": tree.grid, "SFSZY": tree.court}
    users = {"mediator": tree.mediator_g, "handler": tree.handler_a, "registrar": tree.registrar}
    if community_mediator:
        users["mediator_qs"] = tree.mediator_c
    plan = dispute_demo_plan(units=units, users=users, today=today, rng=random.Random(7))
    assert [at for at, _ in plan] == sorted(at for at, _ in plan)
    assert all(at.date() < today for at, _ in plan)
    for at, step in plan:
        with clock.frozen(at):
            step()
    states = set(Case.objects.filter(kind="dispute").values_list("status", flat=True))
    assert states == set(workflow_for("dispute").states)
    assert Case.objects.filter(kind="dispute").count() >= 30
    assert DisputePetitionLink.objects.filter(direction="to_dispute").exists()
    assert DisputePetitionLink.objects.filter(direction="to_petition").exists()
    assert ScreeningReport.objects.filter(unit=tree.community).count() >= 7
    assert ScreeningReport.objects.filter(unit=tree.street_a).exists()
    missing = screening_reports_missing(as_of=today, unit=tree.community)
    assert 2 <= len(missing)
    assert audit_verify().ok

"""The demo plan, played in time order on a tree with the demo's unit codes through the
real services: every state of the table is reached, one first report is overdue now and
one came late, upper units signed, and the audit chain holds."""
import datetime as dt
import random

from django.utils import timezone

from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import Unit, UnitLevel

from ..demo import emergencies_demo_plan
from ..models import Emergency, EmergencyReceipt
from ..selectors import emergencies_first_report_overdue_for


def test_the_demo_plan_reaches_every_state(em):
    today = dt.date(2026, 11, 22)
    extra = {}
    for code, parent in (("DSJD02", em.street_a), ("DSJD03", em.street_a), ("NGJD01", em.street_b),
                         ("NGJD02", em.street_b), ("XHJD01", em.street_b), ("XHJD02", em.street_b),
                         ("BYJD01", em.street_b)):
        extra[code] = Unit.objects.create(name=code, short_code=code, level=UnitLevel.COMMUNITY, parent=parent)
    units = {"DSJD": em.street_a, "DSJD01": em.community, "SFQ": em.district, **extra}
    street_b_handler = em.handler_b
    users = {"handler": em.handler_a, "reviewer": em.reviewer_a, "inspector": em.handler_a,
             "handler_ngjd": street_b_handler, "handler_xhjd": street_b_handler, "handler_byjd": street_b_handler,
             "district_reviewer": em.district_reviewer, "supervisor": em.supervisor,
             "city_reviewer": em.city_reviewer}
    steps = emergencies_demo_plan(units=units, users=users, today=today, rng=random.Random(7))
    now = timezone.make_aware(dt.datetime(2026, 11, 22, 10, 0))
    assert all(at < now for at, _ in steps)
    for at, step in sorted(steps, key=lambda s: s[0]):
        with clock.frozen(at):
            step()
    assert Emergency.objects.count() == 12
    assert set(Emergency.objects.values_list("case__status", flat=True)) == set(workflow_for("emergency").states)
    with clock.frozen(now):
        overdue = list(emergencies_first_report_overdue_for(user=em.supervisor))
    assert [e.case.title for e in overdue] == ["翠竹社区居民楼电动车充电起火"]
    late = [e for e in Emergency.objects.all() if e.first_report_late]
    assert [(e.case.title, e.grade, e.deaths) for e in late] == [("海港社区冷库施工坍塌事故", "large", 3)]
    assert EmergencyReceipt.objects.filter(unit=em.city).exists() and EmergencyReceipt.objects.filter(
        unit=em.district).exists()
    assert audit_verify().ok

"""Events built into any state of the table through the real services, for the tests.
Nothing here writes a status directly."""
import datetime as dt

import pytest
from django.utils import timezone

from xinfang.core import clock
from xinfang.core.models import Case, CaseUnit, Event
from xinfang.orgs.models import DataScope
from xinfang.petitions.tests.builders import act

from ..models import Emergency, EmergencyReceipt, EmergencyReport
from ..services import emergency_register

# A Monday far from any holiday, 09:00.
BASE_AT = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))


def at(minutes: int = 0, *, hours: int = 0, days: int = 0) -> dt.datetime:
    return BASE_AT + dt.timedelta(days=days, hours=hours, minutes=minutes)


def emergency_data(**overrides) -> dict:
    now = clock.now()
    data = dict(title="东山工业园厂房火灾", description="一厂房二楼起火，消防已到场扑救，暂无人员伤亡报告。",
                event_type="fire", grade="ordinary", occurred_at=(now - dt.timedelta(minutes=20)).isoformat(),
                site="工业园3号厂房", enterprise_name="示范机械制造有限公司")
    data.update(overrides)
    return data


def register(tree, actor=None, place=None, **overrides) -> Case:
    data = emergency_data(**overrides)
    data.setdefault("place_unit_id", (place or tree.community).pk)
    return emergency_register(actor=actor or tree.handler_a, data=data)


FIRST = dict(text="事发后街道已组织人员赶赴现场，消防救援队伍正在扑救。", signer="张伟", injured=1)
FOLLOWUP = dict(text="明火已扑灭，1名受伤人员送医，无生命危险。", signer="张伟", injured=2, economic_loss="12.5")
RESPONSE = dict(text="启动街道应急预案，疏散周边人员，设置警戒区。", signer="张伟", forces="消防车4辆、救援人员30名",
                relocated=40)
FINAL = dict(text="现场处置结束，周边人员已返回，善后工作完成。", signer="张伟", cause="电气线路老化短路引燃可燃物")

# state → (previous state, user attribute on tree, action, payload)
_STEPS = {
    "reported": ("learned", "handler_a", "first_report", FIRST),
    "responding": ("reported", "handler_a", "response", RESPONSE),
    "closed": ("responding", "handler_a", "final_report", FINAL),
}


def build(tree, state: str, **overrides) -> Case:
    if state == "learned":
        return register(tree, **overrides)
    source, who, action, payload = _STEPS[state]
    case = build(tree, source, **overrides)
    act(case, getattr(tree, who), action, **payload)
    case.refresh_from_db()
    assert case.status == state, (state, case.status)
    return case


def build_at(tree, state: str, when: dt.datetime = BASE_AT, **kw) -> Case:
    with clock.frozen(when):
        return build(tree, state, **kw)


def snapshot(case: Case) -> dict:
    """Everything a refused action must leave exactly as it was."""
    from xinfang.audit.models import AuditEntry

    return {
        "case": Case.objects.values().get(pk=case.pk),
        "emergency": Emergency.objects.values().get(case_id=case.pk),
        "events": list(Event.objects.filter(case=case).values_list("seq", "action", "from_status", "to_status")),
        "reports": list(EmergencyReport.objects.filter(case=case).values()),
        "receipts": list(EmergencyReceipt.objects.filter(report__case=case).values()),
        "units": sorted(CaseUnit.objects.filter(case=case).values_list("unit_id", flat=True)),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def em(tree):
    """The conftest tree plus a community worker, the district's supervisor and an officer
    of the district with sight of its own unit only (who sees an event once it is reported)."""
    tree.community_worker = tree.user("community_worker", tree.community, "mediator")
    tree.grid_worker = tree.user("grid_worker", tree.grid, "mediator")
    tree.supervisor = tree.user("supervisor", tree.district, "supervisor", scope=DataScope.SUBTREE)
    tree.district_officer = tree.user("district_officer", tree.district, "handler")
    tree.city_officer = tree.user("city_officer", tree.city, "handler")
    tree.housing_officer = tree.user("housing_officer", tree.housing, "handler", scope=DataScope.SUBTREE)
    return tree

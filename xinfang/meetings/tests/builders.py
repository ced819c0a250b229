"""Meetings built through the real services for the tests."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.orgs.models import DataScope
from xinfang.petitions.tests.builders import build_on

from ..services import meeting_agenda_add, meeting_create, meeting_decision_record

DAY = dt.date(2026, 3, 10)          # the meeting: a Tuesday far from any holiday
DUE = dt.date(2026, 3, 31)


def meeting_data(tree, **overrides) -> dict:
    data = dict(kind="joint", date=DAY.isoformat(), attending_unit_ids=[tree.street_a.pk, tree.housing.pk],
                place="区政府三楼会议室", chair_id=tree.supervisor.pk, topic="幸福里小区物业纠纷等疑难信访事项")
    data.update(overrides)
    return data


def convene(tree, actor=None, day=DAY - dt.timedelta(days=3), **overrides):
    with clock.frozen(day):
        return meeting_create(actor=actor or tree.supervisor, data=meeting_data(tree, **overrides))


def hard_case(tree, day=dt.date(2026, 1, 5)):
    """A petition accepted by 甲街道 some weeks before the meeting."""
    return build_on(tree, "accepted", day=day)


def on_agenda(tree, meeting, case, day=DAY - dt.timedelta(days=1)):
    with clock.frozen(day):
        return meeting_agenda_add(actor=tree.supervisor, meeting=meeting, data={"number": case.number})


def decide(tree, meeting, case, day=DAY, **overrides):
    data = dict(decision="由住建局牵头，督促物业公司限期维修电梯，甲街道做好解释疏导。", followup_unit_id=tree.housing.pk,
                followup_due=DUE.isoformat())
    data.update(overrides)
    with clock.frozen(day):
        return meeting_decision_record(actor=tree.supervisor, meeting=meeting, case=case, data=data)


@pytest.fixture
def mt(tree):
    """The conftest tree plus the district's supervisor (subtree scope)."""
    tree.supervisor = tree.user("supervisor", tree.district, "supervisor", scope=DataScope.SUBTREE)
    return tree

"""Campaigns and the cases they count, built through the real services for the tests."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.orgs.models import DataScope
from xinfang.petitions.tests.builders import ANSWER, act, build_on

from ..services import campaign_create

START = dt.date(2026, 3, 2)          # a Monday far from any holiday
END = dt.date(2026, 6, 9)            # 100 days
DURING = dt.date(2026, 4, 1)


def campaign_data(**overrides) -> dict:
    data = dict(name="信访积案化解百日攻坚", type="hundred_days", start_date=START.isoformat(),
                end_date=END.isoformat(), kinds=["petition"], description="集中化解信访积案",
                targets=[{"measure": "closed", "number": 4}, {"measure": "closed_on_time", "number": 2}])
    data.update(overrides)
    return data


def create(tree, actor=None, day=START - dt.timedelta(days=3), **overrides):
    with clock.frozen(day):
        return campaign_create(actor=actor or tree.supervisor, data=campaign_data(**overrides))


def answer_and_close(tree, case: Case, *, answered: dt.date, closed: dt.date) -> Case:
    """Answer a petition accepted by 甲街道 and close it once the 复查 window has passed."""
    with clock.frozen(answered):
        act(case, tree.handler_a, "submit_answer", **ANSWER)
        act(case, tree.reviewer_a, "approve_answer")
    with clock.frozen(closed):
        act(case, "system", "close")
    case.refresh_from_db()
    return case


def backlog(tree, day=dt.date(2026, 1, 5), **overrides) -> Case:
    """A petition received before the campaign, accepted by 甲街道 and still open."""
    return build_on(tree, "accepted", day=day, **overrides)


@pytest.fixture
def cp(hz):
    """The hazards tree (district supervisor with subtree scope, inspectors) plus a leader of
    甲街道 and a supervisor of 乙街道."""
    hz.street_leader = hz.user("street_leader", hz.street_a, "leader", scope=DataScope.SUBTREE)
    hz.supervisor_b = hz.user("supervisor_b", hz.street_b, "supervisor", scope=DataScope.SUBTREE)
    return hz

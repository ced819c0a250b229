"""Random walks through the hazard table (hypothesis): random actions by random actors with
plausible — and sometimes careless — payloads, on random days. After every step the case
is consistent with the table, a refused step changed nothing, and no major hazard is ever
closed without a passed on-site review after its latest application."""
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.core import clock
from xinfang.core.errors import XinfangError
from xinfang.core.models import Deadline, Obligation
from xinfang.core.selectors import transition_permitted
from xinfang.core.workflow import CREATE, workflow_for

from ..models import CheckKind, Hazard, HazardCheck
from .builders import BASE_DAY, act, build, snapshot
from .test_workflow_table import PAYLOADS

WF = workflow_for("hazard")
ACTIONS = sorted(a for a, t in WF.transitions.items() if CREATE not in t.sources)
STAFF = ("inspector_a", "reviewer_a", "supervisor", "district_inspector", "housing_supervisor", "inspector_b",
         "handler_a", "leader")
CARELESS = [{}, {"note": 5}, {"surprise": 1}, {"checker": ""}, {"rectify_by": "2020-01-01"},
            {"time_limit": "2020-01-01"}, {"unit_id": 999999}]


def check_invariants(case) -> None:
    case.refresh_from_db()
    state = WF.state(case.status)
    assert case.is_open == state.open and (case.closed_at is None) == state.open
    events = list(case.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, case.version + 1))
    previous = CREATE
    for e in events:
        if e.action == "attachments_add":
            continue
        t = WF.transitions[e.action]
        assert e.from_status == previous and e.to_status == (t.target or e.from_status)
        previous = e.to_status
    assert previous == case.status
    running = list(Deadline.objects.filter(case=case, active=True).values_list("key", flat=True))
    assert len(running) == len(set(running))
    due = (Deadline.objects.filter(case=case, active=True, obligation=Obligation.ORGAN, paused_since__isnull=True)
           .order_by("due_date").values_list("due_date", flat=True).first())
    assert case.next_due_date == due
    hazard = Hazard.objects.get(case=case)
    if case.status == "closed":
        assert not running and hazard.closed_on is not None
        if hazard.grade == "major":
            review = HazardCheck.objects.filter(case=case, kind=CheckKind.ONSITE).order_by("-checked_on", "-id").first()
            assert review.result == "passed" and review.checked_on >= hazard.resume_applied_on


@pytest.mark.slow
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_random_walks_keep_the_hazard_consistent_with_the_table(hz, data):
    with transaction.atomic():
        _walk(hz, data)
        transaction.set_rollback(True)


def _walk(tree, data):
    actors = [getattr(tree, n) for n in STAFF]
    day = BASE_DAY + dt.timedelta(days=data.draw(st.integers(0, 120), label="start"))
    grade = data.draw(st.sampled_from(["ordinary", "major"]), label="grade")
    start = data.draw(st.sampled_from(["registered", "rectifying", "rectified", "planned", "governing"]
                                      if grade == "ordinary" else ["registered", "planned", "governing",
                                                                   "review_pending"]), label="start state")
    if grade == "ordinary" and start in ("planned", "governing"):
        grade = "major"
    with clock.frozen(day):
        case = build(tree, start, grade=grade)
    check_invariants(case)
    for _ in range(data.draw(st.integers(3, 20), label="steps")):
        day += dt.timedelta(days=data.draw(st.sampled_from([0, 0, 1, 3, 11, 40])))
        case.refresh_from_db()
        available = [t.action for t in WF.transitions_from(case.status)]
        if available and data.draw(st.integers(0, 5)) != 5:
            action = data.draw(st.sampled_from(available))
        else:
            action = data.draw(st.sampled_from(ACTIONS))
        transition = WF.transitions[action]
        permitted = [a for a in actors if transition_permitted(transition=transition, actor=a, actor_kind="staff",
                                                               case=case)]
        actor = data.draw(st.sampled_from(permitted if permitted and data.draw(st.integers(0, 3)) else actors))
        with clock.frozen(day):
            payload = PAYLOADS[action](tree) if data.draw(st.integers(0, 4)) else data.draw(st.sampled_from(CARELESS))
            before = snapshot(case)
            try:
                act(case, actor, action, **payload)
            except XinfangError as exc:
                assert exc.message and exc.code != "error"
                assert snapshot(case) == before, (action, exc)
        check_invariants(case)

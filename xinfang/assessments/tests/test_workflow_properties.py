"""Random walks through the 稳评 table (hypothesis): random actions by random actors with
plausible — and sometimes wrong — payloads, on random days. After every step the case is
consistent with the table; a refused step changed nothing; and no case ever reaches 实施
unless the rating standing at that moment was 低."""
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings, strategies as st

from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.errors import XinfangError
from xinfang.core.models import Deadline, Obligation
from xinfang.core.selectors import transition_permitted
from xinfang.core.workflow import CREATE, workflow_for

from ..models import DecisionMeeting, Rating
from .builders import ANALYSIS, BASE_DAY, COUNTS, PLAN, REPORT, RISK, act, build, snapshot

WF = workflow_for("assessment")
ACTIONS = sorted(a for a, t in WF.transitions.items() if CREATE not in t.sources)
STAFF = ("handler_h", "reviewer_h", "leader", "handler_a", "reviewer_a", "registrar", "district_reviewer")


def payload_for(draw, action: str, day: dt.date) -> dict:
    good = draw(st.integers(0, 4), label="good payload") > 0
    when = (day if good else draw(st.sampled_from([day + dt.timedelta(days=3), dt.date(2020, 1, 1)]))).isoformat()
    counts = draw(st.sampled_from(list(COUNTS.values()))) if good else draw(st.sampled_from([
        dict(participants=10, support=8, against=5, strongly_against=1),
        dict(participants=10, support=1, against=2, strongly_against=3),
        dict(participants=0, support=0, against=0, strongly_against=0)]))
    meeting = dict(held_on=when, body="区政府常务会议", attendees=draw(st.sampled_from([9, 11] if good else [0])),
                   minutes="会议研究了评估报告。")
    by_action = {
        "plan_submit": lambda: dict(PLAN) if good else dict(PLAN, end_date="2020-01-01"),
        "plan_revise": lambda: dict(PLAN, revision="调整补偿方案。" if good else ""),
        "consultation_add": lambda: dict(form="questionnaire", held_on=when, summary="问卷结果。", **counts)
        if draw(st.booleans()) else dict(form=draw(st.sampled_from(["notice", "visit", "meeting", "hearing"])),
                                         held_on=when, participants=30, summary="座谈意见。",
                                         **({} if good else {"support": 3})),
        "analysis_record": lambda: dict(ANALYSIS) if good else dict(ANALYSIS, legality=""),
        "risk_point_add": lambda: dict(RISK) if good else dict(RISK, measures="x"),
        "report_submit": lambda: dict(REPORT, **draw(st.sampled_from([
            {}, {}, {"adjusted_level": "high", "adjustment_reason": "从严评定的理由。"},
            {"adjusted_level": "low", "adjustment_reason": "群众意见已化解。"}, {"adjusted_level": "medium"}]))),
        "decide_implement": lambda: dict(meeting, conditions="落实包保。" if good else ""),
        "decide_defer": lambda: meeting,
        "decide_reject": lambda: meeting,
        "monitoring_add": lambda: dict(checked_on=when, situation="stable" if good else "calm", findings="平稳。"),
        "monitoring_close": lambda: dict(note="监测结束。" if good else ""),
        "withdraw": lambda: dict(reason="项目调整，不再推进。" if good else ""),
        "consultation_close": lambda: {} if good else {"unknown": 1},
    }
    return by_action[action]()


def check_invariants(case) -> None:
    case.refresh_from_db()
    assert case.status in WF.states
    state = WF.state(case.status)
    assert case.is_open == state.open and (case.closed_at is None) == state.open
    events = list(case.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, case.version + 1))
    previous = CREATE
    for e in events:
        t = WF.transitions[e.action]
        if CREATE in t.sources:
            assert (e.from_status, e.to_status) == (CREATE, t.target)
        else:
            assert e.from_status in WF.sources_of(t), (e.action, e.from_status)
            assert e.to_status == (t.target or e.from_status)
        assert e.from_status == previous
        previous = e.to_status
    assert previous == case.status
    running = list(Deadline.objects.filter(case=case, active=True).values_list("key", flat=True))
    assert len(running) == len(set(running))
    due = (Deadline.objects.filter(case=case, active=True, obligation=Obligation.ORGAN, paused_since__isnull=True)
           .order_by("due_date").values_list("due_date", flat=True).first())
    assert case.next_due_date == due
    if not case.is_open:
        assert not running
    a = case.assessment
    # the stored level is the current round's rating, never lower than the rule's
    rating = Rating.objects.filter(case=case, round=a.round).first()
    assert a.level == (rating.level if rating else "")
    for r in Rating.objects.filter(case=case):
        order = ["low", "medium", "high"]
        assert order.index(r.level) >= order.index(r.computed_level)
    # the check: 实施 only on a 低 rating
    assert all(m.level == "low" for m in DecisionMeeting.objects.filter(case=case, outcome="implement"))
    verdict = audit_verify()
    assert verdict.ok, verdict


@pytest.mark.slow
# 50 walks: with 25, a developer's exploring run once took only 4 distinct actions, failing
# test_the_walks_went_somewhere below (seen in a fresh clone's `make test`).
@settings(max_examples=50, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_random_walks_keep_the_case_consistent_with_the_table(tree, data):
    with transaction.atomic():
        _walk(tree, data)
        transaction.set_rollback(True)


def _walk(tree, data):
    draw = data.draw
    actors = [getattr(tree, n) for n in STAFF]
    day = BASE_DAY + dt.timedelta(days=draw(st.integers(0, 200), label="start"))
    start = draw(st.sampled_from(sorted(WF.states)), label="start state")
    with clock.frozen(day):
        case = build(tree, start, level=draw(st.sampled_from(["low", "medium", "high"]), label="level"))
    check_invariants(case)
    for _ in range(draw(st.integers(3, 25), label="steps")):
        day += dt.timedelta(days=draw(st.sampled_from([0, 0, 1, 7, 40, 100])))
        case.refresh_from_db()
        available = [t.action for t in WF.transitions_from(case.status)]
        if available and draw(st.integers(0, 6)) != 6:
            action = draw(st.sampled_from(available))
        else:
            action = draw(st.sampled_from(ACTIONS))
        transition = WF.transitions[action]
        permitted = [a for a in actors if transition_permitted(transition=transition, actor=a, actor_kind="staff",
                                                               case=case)]
        actor = draw(st.sampled_from(permitted if permitted and draw(st.integers(0, 3)) != 3 else actors))
        with clock.frozen(day):
            payload = payload_for(draw, action, day)
            case.refresh_from_db()
            before = snapshot(case)
            try:
                act(case, actor, action, **payload)
            except XinfangError as exc:
                assert exc.message and exc.code != "error"
                assert snapshot(case) == before, (action, exc)
            else:
                STATS.append(action)
        check_invariants(case)


STATS: list = []


def test_the_walks_went_somewhere():
    if not STATS:
        return
    assert len(set(STATS)) >= 5

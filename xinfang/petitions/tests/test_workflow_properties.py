"""Random walks through the petition table (hypothesis): random actions by random actors
with plausible — and sometimes wrong — payloads, on random days. After every step the
case is consistent with the table, and a refused step changed nothing at all."""
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings, strategies as st

from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.errors import XinfangError
from xinfang.core.models import CaseUnit, Deadline, Obligation
from xinfang.core.selectors import transition_permitted
from xinfang.core.workflow import CREATE, workflow_for
from xinfang.orgs.models import Unit, User

from .builders import ANSWER, BASE_DAY, REVIEW_ANSWER, act, build, petitioner, register, snapshot

WF = workflow_for("petition")
ACTIONS = sorted(a for a, t in WF.transitions.items() if CREATE not in t.sources)
STAFF = ("registrar", "bureau_reviewer", "handler_a", "reviewer_a", "registrar_a", "handler_b", "handler_h",
         "reviewer_h", "district_reviewer", "city_reviewer", "leader", "court_registrar")
GOOD_REASONS = st.sampled_from(["不属本单位职责范围", "需要举行听证", "对处理意见不服"])
BAD_REASONS = st.sampled_from(["", "x", " " * 3])


def payload_for(data, tree, case, action) -> dict:
    """Mostly a payload a careful user would send; one time in five a careless one."""
    draw = data.draw
    good = draw(st.integers(0, 4), label="good payload") > 0
    reason = draw(GOOD_REASONS if good else BAD_REASONS)
    some_units = [tree.street_a.pk, tree.street_b.pk, tree.housing.pk, tree.court.pk, tree.community.pk]
    units = some_units if good else list(Unit.objects.values_list("pk", flat=True)) + [999999]
    numbers = list(type(case).objects.order_by("-pk").values_list("number", flat=True)[:20])
    if not good:
        numbers += [case.number, "XF2026-NOPE-00001", ""]
    handlers = list(User.objects.filter(unit=case.owner_unit, roles__code="handler").values_list("pk", flat=True))
    users = handlers if good and handlers else list(User.objects.values_list("pk", flat=True)) + [999999]
    by_action = {
        "decline": lambda: {"channel": draw(st.sampled_from(["litigation", "arbitration", "concluded"]
                                                            + ([] if good else ["bogus"]))),
                            "reason": reason, "concluded_case_number": draw(st.sampled_from(numbers + [""]))},
        "merge_as_repeat": lambda: {"case_number": draw(st.sampled_from(numbers))},
        "resolve_on_spot": lambda: {"occasion": draw(st.sampled_from(["window", "field"] + ([] if good else ["x"]))),
                                    "outcome": reason, "acknowledgement": draw(st.sampled_from(
                                        ["signed", "oral", "phone"])),
                                    "satisfaction": draw(st.sampled_from([None, "satisfied", "unsatisfied"]))},
        "assign": lambda: {"unit_id": draw(st.sampled_from(units))},
        "transfer": lambda: {"unit_id": draw(st.sampled_from(units))},
        "designate_handler": lambda: {"user_id": draw(st.sampled_from(users))},
        "request_extension": lambda: {"days": draw(st.integers(1, 30) if good else st.integers(-1, 40)),
                                      "reason": reason},
        "approve_extension": lambda: {"days": draw(st.integers(1, 30) if good else st.integers(-1, 40))},
        "submit_answer": lambda: dict(ANSWER, decision=draw(st.sampled_from(
            ["support", "explain", "reject"] + ([] if good else ["uphold"])))),
        "answer_review": lambda: dict(REVIEW_ANSWER, decision=draw(st.sampled_from(
            ["uphold", "revise"] + ([] if good else ["support"])))),
        "answer_rereview": lambda: dict(REVIEW_ANSWER, decision=draw(st.sampled_from(["uphold", "revise"]))),
        "rate": lambda: {"level": draw(st.sampled_from(["satisfied", "basic", "unsatisfied"]
                                                       + ([] if good else ["great"])))},
    }
    reason_actions = {"object", "refuse_extension", "suspend", "return_answer", "request_review",
                      "request_rereview", "suspend_rereview"}
    if action in by_action:
        return by_action[action]()
    if action in reason_actions:
        return {"reason": reason}
    return draw(st.sampled_from([{}, {"note": "已处理"}] if good else [{"unknown": 1}, {"note": 5}]))


def check_invariants(case) -> None:
    case.refresh_from_db()
    assert case.status in WF.states
    state = WF.state(case.status)
    assert case.is_open == state.open
    assert (case.closed_at is None) == state.open
    assert CaseUnit.objects.filter(case=case, unit=case.owner_unit).exists()
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
    assert len(running) == len(set(running))       # one running clock per key
    due = (Deadline.objects.filter(case=case, active=True, obligation=Obligation.ORGAN, paused_since__isnull=True)
           .order_by("due_date").values_list("due_date", flat=True).first())
    assert case.next_due_date == due
    if not case.is_open:
        assert not Deadline.objects.filter(case=case, active=True, obligation=Obligation.ORGAN).exists()
    verdict = audit_verify()
    assert verdict.ok, verdict


@pytest.mark.slow
@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_random_walks_keep_the_case_consistent_with_the_table(tree, data):
    # Each walk in a savepoint rolled back at its end: every example starts from the same
    # database, so hypothesis can replay and shrink it.
    with transaction.atomic():
        _walk(tree, data)
        transaction.set_rollback(True)


def _walk(tree, data):
    actors = [getattr(tree, n) for n in STAFF] + ["public", "system"]
    day = BASE_DAY + dt.timedelta(days=data.draw(st.integers(0, 200), label="start"))
    accused = data.draw(st.sampled_from([None, tree.housing]), label="accused")
    start = data.draw(st.sampled_from(sorted(WF.states)), label="start state")
    with clock.frozen(day):
        extra = {"claim_type": "accusation", "accused_unit_id": accused.pk} if accused else {}
        person = petitioner()
        if data.draw(st.booleans(), label="earlier matter of the same person"):
            register(tree, petitioners=[person])
        # start anywhere in the table (reached through the services), then walk at random
        case = build(tree, start, petitioners=[person], **extra) if start != "merged" else build(tree, start)
    check_invariants(case)
    taken = 0
    for _ in range(data.draw(st.integers(3, 30), label="steps")):
        day += dt.timedelta(days=data.draw(st.sampled_from([0, 0, 0, 1, 5, 29, 31, 45])))
        case.refresh_from_db()
        available = [t.action for t in WF.transitions_from(case.status)]
        # Hypothesis's simplest draw (0) takes a legal move, so even derandomized or
        # shrunk runs walk the table; 1 in 7 tries any action, to probe the refusals.
        if available and data.draw(st.integers(0, 6)) != 6:
            action = data.draw(st.sampled_from(available))
        else:
            action = data.draw(st.sampled_from(ACTIONS))
        transition = WF.transitions[action]
        permitted = [a for a in actors if transition_permitted(
            transition=transition, actor=None if a in ("public", "system") else a,
            actor_kind=a if a in ("public", "system") else "staff", case=case)]
        if permitted and data.draw(st.integers(0, 3)) != 3:
            actor = data.draw(st.sampled_from(permitted))
        else:
            actor = data.draw(st.sampled_from(actors))
        with clock.frozen(day):
            payload = payload_for(data, tree, case, action)
            case.refresh_from_db()
            before = snapshot(case)
            try:
                act(case, actor, action, **payload)
            except XinfangError as exc:
                assert exc.message and exc.code != "error"
                assert snapshot(case) == before, (action, exc)
            else:
                taken += 1
                assert case.events.count() == before["case"]["version"] + 1
        check_invariants(case)
    STATS.append((taken, case.status))


STATS: list = []


def test_the_walks_went_somewhere():
    """Guards the walk itself: it must take actions and reach states beyond the first."""
    if not STATS:
        return
    assert sum(t for t, _ in STATS) > len(STATS)
    assert len({s for _, s in STATS}) >= 4

"""Random walks through the dispute table (hypothesis): random actions by random actors with
plausible — and sometimes wrong — payloads, on random days. After every step the case is
consistent with the table, and a refused step changed nothing at all."""
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.errors import XinfangError
from xinfang.core.models import CaseUnit, Deadline, Obligation
from xinfang.core.selectors import transition_permitted
from xinfang.core.workflow import CREATE, workflow_for

from .builders import AGREEMENT, BASE_DAY, SESSION, act, build, mediators, snapshot

WF = workflow_for("dispute")
ACTIONS = sorted(a for a, t in WF.transitions.items() if CREATE not in t.sources)
STARTS = ["registered", "mediating", "agreed", "confirmation_applied", "ended"]


def payload_for(draw, tree, action: str, good: bool) -> dict:
    day = lambda n: (clock.today() - dt.timedelta(days=n)).isoformat()
    when = day(draw(st.sampled_from([0, 1, 3])) if good else draw(st.sampled_from([-1, 0, 40, 400])))
    text = "双方同意协商解决" if good else draw(st.sampled_from(["", "x"]))
    units = [tree.street_a.pk, tree.court.pk] if good else [tree.community.pk, 999999, tree.grid.pk]
    return {
        "accept": lambda: {"mediators": "张调解、李调解" if good else draw(st.sampled_from(["", "、"]))},
        "change_mediators": lambda: {"refused": draw(st.sampled_from(["张调解", "赵某", ""])),
                                     "added": draw(st.sampled_from(["王调解", ""])), "reason": text},
        "record_session": lambda: dict(SESSION, held_on=when, record=text if not good else SESSION["record"]),
        "sign_agreement": lambda: dict(AGREEMENT, signed_on=when, all_signed=good,
                                       performance_by=day(draw(st.sampled_from([-10, 5])))),
        "record_followup": lambda: {"visited_on": when,
                                    "performance": draw(st.sampled_from(["performed", "partly", "bogus"]))},
        "apply_confirmation": lambda: {"court": "示范区人民法院", "joint": good, "applied_on": when},
        "record_confirmation": lambda: {"result": draw(st.sampled_from(["confirmed", "rejected", "pending"])),
                                        "ruling_on": when},
        "close_resolved": dict,
        "resume_mediation": lambda: {"note": text},
        "end_mediation": lambda: {"reason": draw(st.sampled_from(["no_agreement", "not_performed", "refused"])),
                                  "other_routes": text},
        "hand_over": lambda: {"track": draw(st.sampled_from(["people", "administrative", "judicial"])),
                              "unit_id": draw(st.sampled_from(units)), "reason": text},
        "refer_police": lambda: {"police_organ": "派出所" if good else "", "reason": text},
        "to_petition": lambda: {"reason": text, "petition_number": draw(st.sampled_from(["", "XF2026-NOPE-1"]))},
    }[action]()


def check_invariants(case) -> None:
    case.refresh_from_db()
    state = WF.state(case.status)
    assert case.is_open == state.open and (case.closed_at is None) == state.open
    assert CaseUnit.objects.filter(case=case, unit=case.owner_unit).exists()
    events = list(case.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, case.version + 1))
    previous = CREATE
    for e in events:
        assert e.from_status == previous
        previous = e.to_status
    assert previous == case.status
    running = list(Deadline.objects.filter(case=case, active=True).values_list("key", flat=True))
    assert len(running) == len(set(running))
    due = (Deadline.objects.filter(case=case, active=True, obligation=Obligation.ORGAN, paused_since__isnull=True)
           .order_by("due_date").values_list("due_date", flat=True).first())
    assert case.next_due_date == due
    if not case.is_open:
        assert not Deadline.objects.filter(case=case, active=True).exists()
    if case.status in ("resolved", "agreed", "confirmation_applied"):
        assert case.dispute.resolved_on is not None
    if case.status in ("ended", "referred_police", "to_petition", "registered", "mediating"):
        assert case.dispute.resolved_on is None
    assert audit_verify().ok


@pytest.mark.slow
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_random_walks_keep_the_dispute_consistent_with_the_table(tree, data):
    with transaction.atomic():
        _walk(tree, data)
        transaction.set_rollback(True)


def _walk(tree, data):
    mediators(tree)
    actors = [tree.mediator_c, tree.mediator_g, tree.handler_a, tree.registrar_sub_a, tree.court_registrar,
              tree.handler_b, tree.leader]
    day = BASE_DAY + dt.timedelta(days=data.draw(st.integers(0, 120), label="start"))
    with clock.frozen(day):
        case = build(tree, data.draw(st.sampled_from(STARTS), label="start state"))
    check_invariants(case)
    for _ in range(data.draw(st.integers(3, 20), label="steps")):
        day += dt.timedelta(days=data.draw(st.sampled_from([0, 0, 1, 5, 29, 31])))
        case.refresh_from_db()
        available = [t.action for t in WF.transitions_from(case.status)]
        if available and data.draw(st.integers(0, 6)) != 6:
            action = data.draw(st.sampled_from(available))
        else:
            action = data.draw(st.sampled_from(ACTIONS))
        transition = WF.transitions[action]
        permitted = [a for a in actors if transition_permitted(transition=transition, actor=a, actor_kind="staff",
                                                               case=case)]
        actor = data.draw(st.sampled_from(permitted if permitted and data.draw(st.integers(0, 3)) else actors))
        with clock.frozen(day):
            good = data.draw(st.integers(0, 4), label="good payload") > 0
            payload = payload_for(data.draw, tree, action, good)
            case.refresh_from_db()
            before = snapshot(case)
            try:
                act(case, actor, action, **payload)
            except XinfangError as exc:
                assert exc.message and exc.code != "error"
                assert snapshot(case) == before, (action, exc)
        check_invariants(case)

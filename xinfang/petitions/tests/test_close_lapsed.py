"""petitions_close_lapsed (the `xinfang close-lapsed` job) closes exactly the matters whose
appeal window lapsed unused, and running it again changes nothing."""
import datetime as dt
from io import StringIO

from django.core.management import call_command

from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.petitions.services import petitions_close_lapsed

from .builders import act, build_on

D = dt.date


def states(cases) -> dict:
    return {k: Case.objects.values_list("status", "version").get(pk=c.pk) for k, c in cases.items()}


def test_closes_exactly_the_lapsed_and_is_idempotent(tree):
    cases = {
        "answered_lapsed": build_on(tree, "answered", D(2026, 3, 2)),      # window ends 04-01
        "answered_last_day": build_on(tree, "answered", D(2026, 3, 3)),    # window ends 04-02
        "reviewed_lapsed": build_on(tree, "reviewed", D(2026, 3, 2)),      # 复核 window ends 04-01
        "review_requested": build_on(tree, "review_requested", D(2026, 3, 2)),
        "accepted_overdue": build_on(tree, "accepted", D(2026, 1, 5)),
        "registered_old": build_on(tree, "registered", D(2026, 1, 5)),
        "concluded": build_on(tree, "concluded", D(2026, 1, 5)),
    }
    before = states(cases)
    with clock.frozen(D(2026, 4, 2)):
        closed = petitions_close_lapsed()
    assert sorted(closed) == sorted([cases["answered_lapsed"].number, cases["reviewed_lapsed"].number])
    after = states(cases)
    for key in cases:
        if key.endswith("_lapsed"):
            assert after[key] == ("closed", before[key][1] + 1)
            event = cases[key].events.order_by("-seq").first()
            assert (event.action, event.actor_kind, event.actor_id) == ("close", "system", None)
        else:
            assert after[key] == before[key], key

    with clock.frozen(D(2026, 4, 2)):
        assert petitions_close_lapsed() == []
    assert states(cases) == after

    # a day later the last-day one has lapsed too, and only it closes
    with clock.frozen(D(2026, 4, 3)):
        assert petitions_close_lapsed() == [cases["answered_last_day"].number]
        assert petitions_close_lapsed() == []
    assert audit_verify().ok


def test_an_explicit_day_is_the_day_the_guard_sees(tree):
    """Told which day it is, the job must not let the guard judge by another clock (a day
    after today's real date would otherwise make the guard refuse and abort the run)."""
    far = clock.today() + dt.timedelta(days=400)
    case = build_on(tree, "answered", far)
    due = case.deadlines.get(key="review_window", active=True).due_date
    assert petitions_close_lapsed(today=due) == []
    assert petitions_close_lapsed(today=due + dt.timedelta(days=1)) == [case.number]
    assert petitions_close_lapsed(today=due + dt.timedelta(days=1)) == []
    case.refresh_from_db()
    assert case.status == "closed"


def test_a_case_rated_satisfied_and_closed_by_hand_is_not_touched(tree):
    case = build_on(tree, "answered", D(2026, 3, 2))
    with clock.frozen(D(2026, 3, 3)):
        act(case, "public", "rate", level="satisfied")
        act(case, tree.registrar, "close")
    case.refresh_from_db()
    version = case.version
    with clock.frozen(D(2026, 5, 1)):
        assert petitions_close_lapsed() == []
    case.refresh_from_db()
    assert (case.status, case.version) == ("closed", version)


def test_the_command(tree):
    build_on(tree, "answered", D(2026, 3, 2))
    out = StringIO()
    with clock.frozen(D(2026, 4, 2)):
        call_command("close_lapsed", stdout=out)
        call_command("close_lapsed", stdout=out)
    assert out.getvalue().splitlines() == ["办结 1 件。", "办结 0 件。"]

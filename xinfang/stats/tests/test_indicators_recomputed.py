"""Every indicator, recomputed from the raw timeline (Event rows and the facts given at
registration) by a second, plain-Python reading, must equal what indicators.py computes
from the stored columns. The matters are built through the real services on a seeded
random path each, over three months, on both databases."""
import datetime as dt
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from xinfang.core import calendar, clock
from xinfang.core.models import Case, Event
from xinfang.petitions.models import Satisfaction
from xinfang.petitions.services import reception_case_link, reception_day_create
from xinfang.petitions.tests.builders import ANSWER, act, petitioner, register
from xinfang.stats.indicators import INDICATORS, Scope, change, indicators_compute, percent, volume_by

DECISIONS = {"accept", "decline", "transfer", "merge_as_repeat", "resolve_on_spot"}
CLOSING = {"declined", "closed", "merged", "concluded"}
START = dt.date(2026, 1, 5)


def _at(day: dt.date):
    return clock.frozen(dt.datetime.combine(day, dt.time(10)))


def _build(tree, seed: int, n: int) -> None:
    rnd = random.Random(seed)
    reception = None
    with _at(START):
        reception = reception_day_create(actor=tree.registrar, leader=tree.leader, date=dt.date(2026, 2, 10),
                                         place="区信访接待中心")
    earlier: list[Case] = []
    people: list[dict] = []
    for i in range(n):
        day = START + dt.timedelta(days=rnd.randrange(0, 80))
        # last year's matters feed the year-on-year change
        if rnd.random() < 0.15:
            day = day.replace(year=2025)
        path = rnd.choice(["stay", "decline", "merge", "direct", "assigned", "assigned", "assigned", "on_spot"])
        target = None
        if path == "merge":
            still_open = [(c, p) for c, p in earlier if Case.objects.get(pk=c.pk).is_open]
            target, person = rnd.choice(still_open) if still_open else (None, petitioner())
        # a person who came before makes this one not a first petition (初信初访)
        elif people and rnd.random() < 0.3:
            person = rnd.choice(people)
        else:
            person = petitioner()
        people.append(person)
        with _at(day):
            case = register(tree, received_date=day.isoformat(), channel=rnd.choice(["visit", "letter", "web", "higher"]),
                            is_skip_level=rnd.random() < 0.2, person_count=rnd.randint(1, 4), petitioners=[person])
        if day.year == 2025:
            continue
        if rnd.random() < 0.2:
            with _at(day):
                reception_case_link(actor=tree.registrar, day=reception, case=case)
        if path == "on_spot":
            # 现场办结 on the day, where the guards allow it (not skip-level, not assigned from above)
            p = case.petition
            if not p.is_skip_level and p.channel != "higher" and not p.is_collective:
                with _at(day):
                    act(case, tree.registrar, "resolve_on_spot", occasion="window", outcome="当场解释政策并办理。",
                        acknowledgement="signed", satisfaction=rnd.choice([None, *Satisfaction.values]))
            continue
        if path == "stay":
            continue
        step = day + dt.timedelta(days=rnd.randrange(0, 22))   # sometimes past the 15 days
        with _at(step):
            if path == "decline":
                act(case, tree.registrar, "decline", channel="litigation", reason="属于民事纠纷，应通过诉讼解决")
                continue
            if path == "merge":
                if target is not None and day >= target.received_date:
                    act(case, tree.registrar, "merge_as_repeat", case_number=target.number)
                continue
            if path == "direct":
                act(case, tree.registrar, "accept")
                handler, reviewer = tree.registrar, tree.bureau_reviewer
            else:
                act(case, tree.registrar, "assign", unit_id=tree.street_a.pk)
                act(case, tree.handler_a, "accept")
                handler, reviewer = tree.handler_a, tree.reviewer_a
        earlier.append((case, person))
        if handler is tree.registrar:
            continue   # the registrar does not answer: these stay accepted (backlog)
        if rnd.random() < 0.3:
            step += dt.timedelta(days=rnd.randrange(1, 30))
            with _at(step):
                days = rnd.randint(5, 30)
                act(case, handler, "request_extension", days=days, reason="需要补充调查")
                act(case, reviewer, "approve_extension", days=days)
        if rnd.random() < 0.2:
            step += dt.timedelta(days=rnd.randrange(1, 10))
            with _at(step):
                act(case, reviewer, "suspend", reason="需要举行听证")
            step += dt.timedelta(days=rnd.randrange(1, 15))
            with _at(step):
                act(case, reviewer, "resume")
        if rnd.random() < 0.15:
            continue   # still being handled
        step += dt.timedelta(days=rnd.randrange(10, 80))   # sometimes past the 60 days
        with _at(step):
            act(case, handler, "submit_answer", **ANSWER)
            act(case, reviewer, "approve_answer")
        if rnd.random() < 0.7:
            step += dt.timedelta(days=rnd.randrange(0, 10))
            with _at(step):
                act(case, "public", "rate", level=rnd.choice(Satisfaction.values), comment="")


class Timeline:
    """What a reader of the timeline alone knows about one matter."""

    def __init__(self, case: Case, events: list[Event]):
        self.case, self.events = case, events
        p = case.petition
        self.received = case.received_date
        self.first, self.channel, self.persons, self.skip = p.is_first, p.channel, p.person_count, p.is_skip_level
        self.registered_unit = case.registered_unit_id
        self.created = events[0].at
        self.decided = next((e.at.date() for e in events if e.action in DECISIONS), None)
        self.repeat = any(e.action == "merge_as_repeat" for e in events)
        accept = next((e for e in events if e.action == "accept"), None)
        self.accepted = accept.at.date() if accept else None
        handover = [e for e in events if e.action in ("assign", "transfer") and (accept is None or e.seq < accept.seq)]
        self.handling_unit = (handover[-1].payload["unit_id"] if handover else case.registered_unit_id) if accept else None
        self.extension = sum(e.payload.get("days", 0) for e in events if e.action == "approve_extension")
        paused, since = 0, None
        for e in events:
            if e.action == "suspend":
                since = e.at.date()
            elif e.action == "resume":
                paused += (e.at.date() - since).days
        self.paused = paused
        answer = next((e for e in events if e.action == "approve_answer"), None)
        self.answered = answer.at.date() if answer else None
        closing = next((e for e in events if e.to_status in CLOSING), None)
        self.closed_at = closing.at if closing else None
        self.ratings = [(e.at.date(), e.payload["level"]) for e in events if e.action == "rate"] + [
            (e.at.date(), e.payload["satisfaction"]) for e in events
            if e.action == "resolve_on_spot" and e.payload.get("satisfaction")]
        self.on_spot = any(e.action == "resolve_on_spot" for e in events)
        if self.on_spot:   # resolved by the registering unit itself
            self.handling_unit = case.registered_unit_id
        self.received_by_leader = None

    def acceptance_due(self) -> dt.date:
        return calendar.add_calendar_days(self.received, 15)[0]

    def handling_due(self) -> dt.date | None:
        if self.accepted is None:
            return None
        return calendar.add_calendar_days(self.accepted, 60 + self.extension + self.paused)[0]


def _recompute(timelines: list[Timeline], s: Scope, *, registered_ok, handling_ok, owner_ok, leader_days) -> dict:
    inside = lambda d: d is not None and s.start <= d <= s.end  # noqa: E731
    got = [t for t in timelines if inside(t.received) and registered_ok(t)]
    last = s.last_year()
    got_before = [t for t in timelines if last.start <= t.received <= last.end and registered_ok(t)]
    out = {}
    out["volume_batches"] = (len(got), None, None, len(got_before))
    out["volume_persons"] = (sum(t.persons for t in got), None, None, sum(t.persons for t in got_before))
    for key, first_only in (("on_time_rate", False), ("first_on_time_rate", True)):
        den = [t for t in timelines if t.accepted and (t.first or not first_only) and handling_ok(t)
               and inside(t.handling_due())]
        num = [t for t in den if t.answered and t.answered <= t.handling_due()]
        out[key] = (percent(len(num), len(den)), len(num), len(den), None)
    answered_by_end = lambda t: (t.answered and t.answered <= s.end) or (t.closed_at and t.closed_at.date() <= s.end)  # noqa: E731
    den = [t for t in got if t.channel == "higher"]
    num = [t for t in den if answered_by_end(t)]
    out["assigned_closed_rate"] = (percent(len(num), len(den)), len(num), len(den), None)
    den = [t for t in timelines if owner_ok(t) and any(inside(d) for d in leader_days.get(t.case.pk, []))]
    num = [t for t in den if answered_by_end(t)]
    out["leader_received_closed_rate"] = (percent(len(num), len(den)), len(num), len(den), None)
    den = [t for t in timelines if registered_ok(t) and inside(t.acceptance_due())]
    num = [t for t in den if t.decided and t.decided <= t.acceptance_due()]
    out["acceptance_on_time_rate"] = (percent(len(num), len(den)), len(num), len(den), None)
    answered = [t for t in timelines if inside(t.answered) and handling_ok(t)]
    days = [(t.answered - t.received).days for t in answered]
    avg = (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None
    out["answer_days_avg"] = (avg, sum(days), len(days), None)
    ext = [t for t in answered if t.extension]
    out["extension_share"] = (percent(len(ext), len(answered)), len(ext), len(answered), None)
    rep = [t for t in got if t.repeat]
    out["repeat_share"] = (percent(len(rep), len(got)), len(rep), len(got), None)
    skip = [t for t in got if t.skip]
    out["skip_level_share"] = (percent(len(skip), len(got)), len(skip), len(got), None)
    spot = [t for t in got if t.on_spot]
    out["on_spot_share"] = (percent(len(spot), len(got)), len(spot), len(got), None)
    start_dt = timezone.make_aware(dt.datetime.combine(s.start, dt.time.min))
    end_dt = timezone.make_aware(dt.datetime.combine(s.end + dt.timedelta(days=1), dt.time.min))
    den = [t for t in timelines if owner_ok(t) and t.created < start_dt and (t.closed_at is None or t.closed_at >= start_dt)]
    num = [t for t in den if t.closed_at is not None and t.closed_at < end_dt]
    out["backlog_cleared_rate"] = (percent(len(num), len(den)), len(num), len(den), None)
    ratings = [level for t in timelines if handling_ok(t) for d, level in t.ratings if inside(d)]
    for key, levels in [("satisfaction_rate", ("satisfied", "basic")), ("satisfied_rate", ("satisfied",)),
                        ("basic_rate", ("basic",)), ("unsatisfied_rate", ("unsatisfied",))]:
        part = sum(1 for level in ratings if level in levels)
        out[key] = (percent(part, len(ratings)), part, len(ratings), None)
    return out


@pytest.mark.parametrize("seed", [7, 2026])
def test_every_indicator_equals_its_recomputation_from_the_timeline(tree, seed):
    _build(tree, seed, n=45)
    cases = list(Case.objects.select_related("petition").order_by("pk"))
    events = {}
    for e in Event.objects.order_by("case_id", "seq"):
        events.setdefault(e.case_id, []).append(e)
    timelines = [Timeline(c, events[c.pk]) for c in cases]
    assert any(t.on_spot for t in timelines) and any(t.on_spot and t.ratings for t in timelines)
    leader_days = {}
    from xinfang.petitions.models import ReceptionDay
    for day in ReceptionDay.objects.prefetch_related("cases"):
        for c in day.cases.all():
            leader_days.setdefault(c.pk, []).append(day.date)
    petition = {k for k, ind in INDICATORS.items() if ind.kind == "petition"}
    assert petition == {"volume_batches", "volume_persons", "on_time_rate", "first_on_time_rate", "assigned_closed_rate",
                               "leader_received_closed_rate", "acceptance_on_time_rate", "answer_days_avg",
                               "extension_share", "repeat_share", "skip_level_share", "on_spot_share", "backlog_cleared_rate",
                               "satisfaction_rate", "satisfied_rate", "basic_rate", "unsatisfied_rate"}
    from xinfang.orgs.selectors import unit_subtree_ids
    street = set(unit_subtree_ids(unit=tree.street_a).values_list("id", flat=True))
    scopes = [
        (Scope(start=dt.date(2026, 2, 1), end=dt.date(2026, 3, 31)), lambda t: True, lambda t: True, lambda t: True),
        (Scope(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)), lambda t: True, lambda t: True, lambda t: True),
        (Scope(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30), unit=tree.street_a),
         lambda t: t.registered_unit in street, lambda t: t.handling_unit in street,
         lambda t: t.case.owner_unit_id in street),
    ]
    checked = 0
    for scope, registered_ok, handling_ok, owner_ok in scopes:
        expected = _recompute(timelines, scope, registered_ok=registered_ok, handling_ok=handling_ok,
                              owner_ok=owner_ok, leader_days=leader_days)
        last_year = _recompute(timelines, scope.last_year(), registered_ok=registered_ok, handling_ok=handling_ok,
                               owner_ok=owner_ok, leader_days=leader_days)
        for figure in indicators_compute(scope=scope):
            value, num, den, previous = expected[figure.key]
            assert figure.value == value, (figure.key, scope)
            if num is not None:
                assert (figure.numerator, figure.denominator) == (num, den), (figure.key, scope)
            if previous is not None:
                assert figure.previous == previous and figure.change_pct == change(value, previous), figure.key
            if figure.unit_label == "%":
                # a rate's 上年同期 is the same rate recomputed on last year's period; 同比 in points
                before = last_year[figure.key][0]
                assert figure.previous == before, (figure.key, scope)
                assert figure.change_points == (None if value is None or before is None else value - before)
            checked += 1
    assert checked == 3 * len(petition)
    # The figures are not all trivially zero: the scenario exercises each of them.
    whole = {f.key: f for f in indicators_compute(scope=scopes[1][0])}
    assert any(f.unit_label == "%" and f.change_points for f in whole.values())   # rates with a 同比
    for key in ("first_on_time_rate", "acceptance_on_time_rate", "satisfaction_rate", "extension_share",
                "backlog_cleared_rate"):
        assert whole[key].denominator, key


def test_volume_breakdowns_add_up_to_the_total(tree):
    _build(tree, 11, n=25)
    scope = Scope(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    total = INDICATORS["volume_batches"].compute(scope)
    persons = INDICATORS["volume_persons"].compute(scope)
    for dimension in ("channel", "category", "unit", "reception_level", "claim_type"):
        rows = volume_by(scope=scope, dimension=dimension)
        assert sum(r["batches"] for r in rows) == total.value, dimension
        assert sum(r["persons"] for r in rows) == persons.value, dimension
        assert all(r["label"] for r in rows)

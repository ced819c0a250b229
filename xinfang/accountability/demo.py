"""Demo data for 责任倒查与问责: (when, step) pairs merged by the demo builder into its history.

Each step asks, at its own moment, which cases really meet a ground (the candidate list
the supervisor sees then) and opens, decides or closes records on those through the
services: a missed clock, a matter sent back twice, an answer revised on 复查. Officials
are named as published decisions name them (王某某) with a post; nothing else about them.
"""
import datetime as dt

from django.utils import timezone

from xinfang.core import clock
from xinfang.core.models import Case

from .models import AccountabilityRecord, Ground, Status
from .selectors import candidate_case_ids, grounds_detected
from .services import (
    accountability_record_close,
    accountability_record_decide,
    accountability_record_open,
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗郑"
# Posts by the level of the unit (orgs.UnitLevel): (direct responsibility, leadership).
POSTS = {
    "community": (["社区居委会副主任", "社区网格员"], ["社区党委书记"]),
    "grid": (["网格员"], ["社区网格长"]),
    "street": (["综治中心工作人员", "信访办主任"], ["办事处副主任"]),
}
POSTS_DEFAULT = (["承办科室科长", "承办科室工作人员"], ["分管副局长"])
MEASURES = [["criticism"], ["circulated", "self_examination"], ["admonition"], ["criticism", "circulated"]]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))


def accountability_demo_plan(*, units, users, today, rng) -> list:
    """A handful of records by the district supervisor (user `supervisor`, 区 scope) over the
    last two months: opened on cases that were overdue, pushed back and forth or overturned
    at that time; most decided, some closed, one still being investigated."""
    supervisor = users.get("supervisor")
    if supervisor is None:
        return []
    held: list[int] = []

    def officials(unit) -> list[dict]:
        """The official directly responsible, and sometimes the one in charge of the work."""
        direct, leading = POSTS.get(unit.level, POSTS_DEFAULT)
        posts = [rng.choice(direct)] + ([rng.choice(leading)] if rng.random() < 0.5 else [])
        return [{"name": f"{surname}某某", "post": post, "unit_id": unit.pk}
                for surname, post in zip(rng.sample(SURNAMES, len(posts)), posts)]

    def open_on(ground: str, count: int) -> None:
        now = clock.today()
        taken = set(Case.objects.filter(accountability_records__isnull=False).values_list("pk", flat=True))
        ids = sorted(set(candidate_case_ids(user=supervisor, today=now, ground=ground).values_list("pk", flat=True))
                     - taken)
        for pk in rng.sample(ids, min(count, len(ids))):
            case = Case.objects.select_related("owner_unit", "petition__handling_unit").get(pk=pk)
            found = grounds_detected(case=case, today=now)
            unit = getattr(getattr(case, "petition", None), "handling_unit", None) or case.owner_unit
            if ground == Ground.OVERTURNED:
                # The answer revised on 复查 was the first organ's: it answers for it.
                answer = case.answers.filter(stage="answer", status="approved").select_related("unit").last()
                unit = answer.unit if answer else unit
            facts = "；".join(fact for f in found.values() for fact in f)
            record = accountability_record_open(actor=supervisor, case=case, data={
                "grounds": list(found) or [ground],
                "finding": f"经调阅办理记录、约谈有关人员，本案{facts}。责任单位未按规定时限和程序办理，"
                           "也未及时报告困难、申请延期或协调有关单位。",
                "unit_ids": [unit.pk], "officials": officials(unit)})
            held.append(record.pk)

    def next_in(status: str) -> AccountabilityRecord | None:
        return AccountabilityRecord.objects.filter(pk__in=held, status=status).order_by("opened_at", "id").first()

    def decide() -> None:
        record = next_in(Status.OPENED)
        if record is not None:
            n = AccountabilityRecord.objects.filter(pk__in=held).exclude(status=Status.OPENED).count()
            accountability_record_decide(actor=supervisor, record_id=record.pk, version=None, data={
                "measures": MEASURES[n % len(MEASURES)], "decision_organ": "示范区信访工作联席会议办公室",
                "decision_number": f"示信联问〔{clock.today().year}〕{n + 1}号", "decided_on": clock.today().isoformat(),
                "measure_note": "责令责任单位限期整改，建立逐日清查在办事项制度。"})

    def close() -> None:
        record = next_in(Status.DECIDED)
        if record is not None:
            accountability_record_close(actor=supervisor, record_id=record.pk, version=None, data={
                "close_note": "已在全区信访工作例会上通报，责任单位已提交书面检查和整改报告，整改措施已落实。"})

    day = lambda n: today - dt.timedelta(days=n)
    return [
        (_at(day(55), 10), lambda: open_on(Ground.OVERDUE, 2)),
        (_at(day(50), 15), lambda: open_on(Ground.SHIRKING, 1)),
        (_at(day(42), 10), decide),
        (_at(day(40), 11), decide),
        (_at(day(30), 10), lambda: open_on(Ground.OVERTURNED, 1)),
        (_at(day(28), 16), close),
        (_at(day(21), 10), decide),
        (_at(day(14), 10), lambda: open_on(Ground.OVERDUE, 2)),
        (_at(day(12), 10), decide),
        (_at(day(7), 15), close),
    ]

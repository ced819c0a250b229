"""Demo meetings for `xinfang demo`, played through the real services on their own days:

- a 联席会议 of the district about six weeks ago on three hard petitions (包案 or overdue on
  that day), its decisions giving each to the unit holding it with a deadline; two follow-ups
  are reported done, the third is left overdue;
- a 会商 convened by the 信访局 ten days ago on two more, whose follow-ups are still running.

Each meeting's minutes are generated on its day. `meetings_demo_plan` returns (when, step)
pairs; the demo builder plays them in time order among the petitions' history, so a step
sees the cases as they stand on its day.
"""
import datetime as dt

from django.db.models import F
from django.utils import timezone

from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.core.selectors import cases_visible_to
from xinfang.orgs.models import Unit, User

from .services import (
    meeting_agenda_add,
    meeting_create,
    meeting_decision_record,
    meeting_followup_done,
    meeting_minutes_generate,
)

DECISIONS = [
    "由{unit}牵头，会同相关部门在十日内再次入户核查，依法依规提出解决方案，并当面向信访人反馈。",
    "责成{unit}按照属地管理原则，落实包案领导和专人负责，限期化解；确有困难的，提请区政府专题研究。",
    "会议认为原处理意见事实清楚、依据充分。由{unit}做好政策解释和心理疏导，帮助协调解决实际困难。",
    "由{unit}督促有关企业限期支付拖欠款项，人社部门依法开展劳动保障监察，结果书面报告区信访局。",
    "由{unit}组织双方再次调解，必要时引导通过诉讼途径解决，做好稳控化解工作。",
]
DONE_NOTES = ["已会同住建、街道入户核查，解决方案已当面反馈信访人，信访人表示认可。",
              "包案领导已两次约谈，相关问题已整改到位，信访人签字息诉。"]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _workday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _hard_cases(*, user: User, area: Unit, exclude: set, k: int, rng) -> list[Case]:
    """Open petitions of the area that are hard today: owned by a leader (包案) or overdue."""
    today = clock.today()
    qs = (cases_visible_to(user=user).filter(kind="petition", is_open=True, owner_unit__path__startswith=area.path)
          .exclude(number__in=exclude).select_related("owner_unit"))
    owned = list(qs.filter(leader__isnull=False).order_by("id")[:10])
    overdue = list(qs.filter(leader__isnull=True, next_due_date__lt=today).order_by(F("next_due_date").asc())[:15])
    picked = rng.sample(owned, min(len(owned), k))
    picked += rng.sample(overdue, min(len(overdue), k - len(picked)))
    return picked


def _reporter(unit: Unit, case: Case) -> User | None:
    """Who at the follow-up unit reports it done: the case's handler there, else a reviewer or handler."""
    if case.handler_id and case.handler.unit_id == unit.pk:
        return case.handler
    return (User.objects.filter(unit=unit, is_active=True, roles__code__in=("reviewer", "handler"))
            .order_by("id").first())


def _meeting_plan(*, name: str, users, units, day: dt.date, data: dict, actor_key: str, k: int,
                  due_days: list[int], done: int, rng, taken: set) -> list:
    held: dict = {}
    actor = users[actor_key]

    def convene():
        attending = [units[c].pk for c in ("SFQXFJ", "SFQZJJ", "SFQRSJ", "DSJD", "NGJD") if c in units]
        held["m"] = meeting_create(actor=actor, data={**data, "date": day.isoformat(), "attending_unit_ids": attending,
                                                      "chair_id": users["leader"].pk})

    def agenda():
        held["cases"] = _hard_cases(user=actor, area=units["SFQ"], exclude=taken, k=k, rng=rng)
        for case in held["cases"]:
            taken.add(case.number)
            meeting_agenda_add(actor=actor, meeting=held["m"], data={"number": case.number,
                                                                    "note": "包案事项" if case.leader_id else "超期未结"})

    def decide():
        held["items"] = []
        for i, case in enumerate(held["cases"]):
            case.refresh_from_db()
            unit = case.owner_unit
            held["items"].append(meeting_decision_record(actor=actor, meeting=held["m"], case=case, data={
                "decision": DECISIONS[(i + len(name)) % len(DECISIONS)].format(unit=unit.name),
                "followup_unit_id": unit.pk, "followup_due": (day + dt.timedelta(days=due_days[i])).isoformat()}))
        meeting_minutes_generate(actor=actor, meeting=held["m"])

    def report(i: int):
        def step():
            if i >= len(held.get("items", [])):
                return
            item = held["items"][i]
            # The unit reports it; where it has no such staff the convening side records it.
            who = _reporter(item.followup_unit, item.case) or actor
            meeting_followup_done(actor=who, item=item, data={"note": DONE_NOTES[i % len(DONE_NOTES)]})
        return step

    steps = [(_at(day - dt.timedelta(days=6), 9), convene), (_at(day - dt.timedelta(days=2), 10), agenda),
             (_at(day, 16), decide)]
    for i in range(done):
        steps.append((_at(_workday(day + dt.timedelta(days=due_days[i] - 4)), 15), report(i)))
    return steps


def meetings_demo_plan(*, units: dict[str, Unit], users: dict[str, User], today: dt.date, rng) -> list:
    """Two meetings of the district: convened by `supervisor` (the district) and `leader`
    (for the 信访局), chaired by `leader`."""
    taken: set = set()
    joint_day = _workday(today - dt.timedelta(days=42))
    consult_day = _workday(today - dt.timedelta(days=10))
    return (
        _meeting_plan(name="joint", users=users, units=units, day=joint_day, actor_key="supervisor", k=3,
                      due_days=[15, 20, 25], done=2, rng=rng, taken=taken, data={
                          "kind": "joint", "convening_unit_id": units["SFQ"].pk, "place": "区政府三楼第一会议室",
                          "topic": "信访积案和疑难复杂信访事项"})
        + _meeting_plan(name="consult", users=users, units=units, day=consult_day, actor_key="leader", k=2,
                        due_days=[20, 30], done=0, rng=rng, taken=taken, data={
                            "kind": "consult", "convening_unit_id": units["SFQXFJ"].pk, "place": "区信访局会商室",
                            "topic": "超期未结信访事项"})
    )

"""Demo campaigns for `xinfang demo`, played through the real services on their own days:

- this autumn's 信访积案化解百日攻坚 of the district: set up a few days before its start, the
  backlog bulk-enrolled on the first day (after the preview), the targets adjusted to the
  count found (摸底后调整目标), new overdue petitions enrolled one by one as it runs, one case
  withdrawn with a reason;
- a 安全生产大检查 over the period of the hazard demo's two inspections, its hazards enrolled
  month by month as they are found, ended before today so its report is final.

`campaigns_demo_plan` returns (when, step) pairs; the demo builder plays them in time order
among the petitions' history under `clock.frozen(when)`, so each step sees the cases that
exist on its day.
"""
import datetime as dt
import math

from django.utils import timezone

from xinfang.core import clock
from xinfang.orgs.models import Unit, User

from .models import Campaign
from .selectors import enrol_candidates
from .services import (
    campaign_case_enrol,
    campaign_case_withdraw,
    campaign_cases_enrol_bulk,
    campaign_create,
    campaign_update,
)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _workday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _bulk(actor: User, campaign: Campaign, rule: str) -> int:
    """Preview, then enrol exactly what the preview showed (as a person does on the page)."""
    count = enrol_candidates(user=actor, campaign=campaign, rule=rule).count()
    if count:
        campaign_cases_enrol_bulk(actor=actor, campaign=campaign, data={"rule": rule, "expected": count})
    return count


def _backlog_plan(*, units, users, today, rng) -> list:
    district, supervisor = units["SFQ"], users["supervisor"]
    start = _workday(today - dt.timedelta(days=70))
    end = start + dt.timedelta(days=99)
    held: dict = {}
    base = {"name": f"{start.year}年信访积案化解百日攻坚行动", "type": "hundred_days",
            "organising_unit_id": district.pk, "scope_unit_id": district.pk, "start_date": start.isoformat(),
            "end_date": end.isoformat(), "kinds": ["petition"],
            "description": "对全区开始日前受理、至今未办结的信访事项逐件建立台账，领导包案、限期化解；"
                           "新发生的超期事项随时列入。每周通报进展。"}

    def create():
        held["c"] = campaign_create(actor=supervisor, data={**base, "targets": [
            {"measure": "closed", "number": 60}, {"measure": "closed_on_time", "number": 20}]})

    def enrol_backlog():
        held["n"] = _bulk(supervisor, held["c"], "backlog")

    def adjust_targets():
        n = max(held.get("n", 0), 1)
        held["c"] = campaign_update(actor=supervisor, campaign=held["c"], data={**base, "targets": [
            {"measure": "closed", "number": math.ceil(n * 0.8)},
            {"measure": "closed_on_time", "number": math.ceil(n * 0.3)}]})

    def enrol_overdue(k: int):
        def step():
            today_ = clock.today()
            found = list(enrol_candidates(user=supervisor, campaign=held["c"], rule="open")
                         .filter(next_due_date__lt=today_)[:20])
            for case in rng.sample(found, min(k, len(found))):
                campaign_case_enrol(actor=users["leader"], campaign=held["c"], case=case)
        return step

    def withdraw_one():
        enrolment = held["c"].enrolments.filter(withdrawn_at__isnull=True, case__is_open=True).order_by("id").first()
        if enrolment is not None:
            campaign_case_withdraw(actor=supervisor, campaign=held["c"], case=enrolment.case,
                                   reason="经核查，该事项已在司法程序中处理，不属信访积案，予以退出。")

    return [(_at(start - dt.timedelta(days=4), 9), create), (_at(start, 8, 40), enrol_backlog),
            (_at(start + dt.timedelta(days=1), 9), adjust_targets),
            (_at(_workday(start + dt.timedelta(days=14)), 10), enrol_overdue(3)),
            (_at(_workday(start + dt.timedelta(days=21)), 15), withdraw_one),
            (_at(_workday(start + dt.timedelta(days=35)), 10), enrol_overdue(2))]


def _safety_plan(*, units, users, today, rng) -> list:
    district, supervisor = units["SFQ"], users["supervisor"]
    start = _workday(today - dt.timedelta(days=140))
    end = today - dt.timedelta(days=20)
    held: dict = {}

    def create():
        held["c"] = campaign_create(actor=supervisor, data={
            "name": f"{start.year}年夏秋季安全生产大检查", "type": "safety_check", "organising_unit_id": district.pk,
            "scope_unit_id": district.pk, "start_date": start.isoformat(), "end_date": end.isoformat(),
            "kinds": ["hazard"],
            "description": "各街道组织辖区生产经营单位开展拉网式检查，重点检查危险化学品、建筑施工、人员密集场所、"
                           "燃气和有限空间；发现的隐患逐项建账、限期整改销号。",
            "targets": [{"measure": "inspections", "number": 2}, {"measure": "sites_inspected", "number": 15},
                        {"measure": "hazards_found", "number": 30}, {"measure": "hazards_rectified", "number": 20}]})

    def enrol_found():
        _bulk(supervisor, held["c"], "in_period")

    steps = [(_at(start - dt.timedelta(days=5), 9), create)]
    day = start + dt.timedelta(days=30)
    while _workday(day) < end:
        steps.append((_at(_workday(day), 17), enrol_found))
        day += dt.timedelta(days=30)
    steps.append((_at(end, 16), enrol_found))
    return steps


def campaigns_demo_plan(*, units: dict[str, Unit], users: dict[str, User], today: dt.date, rng) -> list:
    """Timed steps for two campaigns of the district (unit SFQ), run by `supervisor` with the
    district's `leader` enrolling hard cases."""
    return (_backlog_plan(units=units, users=users, today=today, rng=rng)
            + _safety_plan(units=units, users=users, today=today, rng=rng))

"""Campaign writes: creating and editing a campaign, enrolling a case (one by one or by a
bulk rule after a preview) and withdrawing it. Enrolling and withdrawing are Events on the
case's timeline (core.services.case_event_record), so the case's own history says which
campaigns it was worked in.

Sources: a campaign is a practice of the field, not a statutory procedure (DOMAIN.md: 积案
are "worked through in time-boxed campaigns with a ledger"). What its targets count follows
the rules of the matters themselves: a petition is closed through its workflow (信访工作条例
2022 第三十二至三十六条), a hazard is 销号 after verification (安全生产法 2021 第四十一条;
16号令 第二十三条), a dispute is mediated when an agreement is signed (人民调解法 第二十八、
二十九条). Who may run one follows 属地管理、分级负责: the organising unit's supervisors and
leaders, or those of a unit above it."""
from django.db import IntegrityError, transaction

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.errors import (
    Conflict,
    Forbidden,
    GuardFailed,
    NotFound,
    ValidationFailed,
)
from xinfang.core.models import Case, Category
from xinfang.core.selectors import case_visible
from xinfang.core.services import case_event_record
from xinfang.core.validation import payload_parse
from xinfang.orgs.models import Unit, User

from .measures import day_start, scope_cases
from .models import Campaign, CampaignTarget, CampaignType, Enrolment, EnrolRule
from .schemas import BulkEnrolIn, CampaignIn
from .selectors import (
    campaign_may_create,
    campaign_may_manage,
    case_scope_problem,
    enrol_candidates,
)

BULK_MAX = 1000


def _unit(pk: int | None, *, field: str, label: str) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk, is_active=True).first()
    if unit is None:
        raise ValidationFailed(f"{label}不存在或已停用。", field=field)
    return unit


def _settings(*, actor: User, data: CampaignIn) -> tuple[Unit, Unit, list[Category]]:
    """The organising unit (the actor's or one below it), the scope (within the organising
    unit's jurisdiction: a 信访局 acts for its government's area) and the categories."""
    organising = _unit(data.organising_unit_id, field="organising_unit_id", label="组织单位") or actor.unit
    if not organising.is_within(actor.unit):
        raise ValidationFailed("组织单位只能是本单位或下级单位。", field="organising_unit_id")
    area = organising.jurisdiction()
    scope = _unit(data.scope_unit_id, field="scope_unit_id", label="范围") or area
    if not scope.is_within(area):
        raise ValidationFailed(f"范围只能是{area.name}或其下级单位。", field="scope_unit_id")
    wanted = set(data.category_ids)
    categories = list(Category.objects.filter(pk__in=wanted, is_active=True))
    if len(categories) != len(wanted):
        raise ValidationFailed("所选分类中有不存在或已停用的分类。", field="category_ids")
    return organising, scope, categories


def _snapshot(campaign: Campaign) -> dict:
    return {"name": campaign.name, "type": campaign.type, "organising_unit": campaign.organising_unit_id,
            "period": [campaign.start_date.isoformat(), campaign.end_date.isoformat()],
            "scope_unit": campaign.scope_unit_id, "kinds": list(campaign.kinds),
            "categories": sorted(campaign.categories.values_list("pk", flat=True)),
            "targets": [[t.measure, t.number] for t in campaign.targets.all()]}


def _targets_set(campaign: Campaign, data: CampaignIn) -> None:
    CampaignTarget.objects.filter(campaign=campaign).delete()
    CampaignTarget.objects.bulk_create([CampaignTarget(campaign=campaign, measure=t.measure, number=t.number,
                                                       position=i) for i, t in enumerate(data.targets)])


def _check_creator(actor: User) -> None:
    if not campaign_may_create(user=actor):
        raise Forbidden("只有督查人员或领导可以组织专项行动。")


def _check_manager(actor: User, campaign: Campaign) -> None:
    if not campaign_may_manage(user=actor, campaign=campaign):
        raise Forbidden(f"只有{campaign.organising_unit.name}或其上级单位的督查人员、领导可以管理该专项行动。")


@transaction.atomic
def campaign_create(*, actor: User, data: dict | CampaignIn) -> Campaign:
    """Start a campaign: name, type, organising unit, period, scope, targets."""
    _check_creator(actor)
    data = data if isinstance(data, CampaignIn) else payload_parse(CampaignIn, data)
    organising, scope, categories = _settings(actor=actor, data=data)
    now = clock.now()
    campaign = Campaign.objects.create(
        name=data.name, type=data.type, organising_unit=organising, start_date=data.start_date,
        end_date=data.end_date, scope_unit=scope, kinds=data.kinds, description=data.description,
        created_by=actor, created_at=now, updated_at=now)
    campaign.categories.set(categories)
    _targets_set(campaign, data)
    audit_record(actor=actor, action="campaign.create", object_type="campaign", object_id=campaign.pk,
                 detail=_snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_update(*, actor: User, campaign: Campaign, data: dict | CampaignIn) -> Campaign:
    """Edit a campaign. A new scope must still hold every case enrolled under the old one
    (withdraw those first): the ledger never silently loses a case."""
    locked = Campaign.objects.select_for_update().select_related("organising_unit").get(pk=campaign.pk)
    _check_manager(actor, locked)
    data = data if isinstance(data, CampaignIn) else payload_parse(CampaignIn, data)
    organising, scope, categories = _settings(actor=actor, data=data)
    before = _snapshot(locked)
    active = Enrolment.objects.filter(campaign=locked, withdrawn_at__isnull=True).values("case_id")
    held = set(scope_cases(locked).filter(pk__in=active).values_list("pk", flat=True))
    locked.name, locked.type, locked.organising_unit = data.name, data.type, organising
    locked.start_date, locked.end_date, locked.scope_unit = data.start_date, data.end_date, scope
    locked.kinds, locked.description, locked.updated_at = data.kinds, data.description, clock.now()
    locked.save()
    locked.categories.set(categories)
    locked.__dict__.pop("_category_ids", None)
    lost = held - set(scope_cases(locked).filter(pk__in=held).values_list("pk", flat=True))
    if lost:
        example = Case.objects.filter(pk__in=lost).order_by("number").values_list("number", flat=True).first()
        raise ValidationFailed(f"有 {len(lost)} 件已列入的案件（如 {example}）不在新的范围内，请先将其退出专项行动，"
                               "或调整范围。", field="scope_unit_id")
    _targets_set(locked, data)
    audit_record(actor=actor, action="campaign.update", object_type="campaign", object_id=locked.pk,
                 detail={"old": before, "new": _snapshot(locked)})
    return locked


def _check_open_for_changes(campaign: Campaign) -> None:
    if campaign.end_date < clock.today():
        raise GuardFailed(f"专项行动「{campaign.name}」已于{campaign.end_date:%Y年%m月%d日}结束，台账不再变动。")


@transaction.atomic
def campaign_case_enrol(*, actor: User, campaign: Campaign, case: Case, rule: str = EnrolRule.MANUAL) -> Enrolment:
    """Enrol one case in the ledger, recording 列入专项行动「…」 on the case. Only a case inside
    the campaign's scope, not closed before the campaign began, and not enrolled already."""
    _check_manager(actor, campaign)
    if not case_visible(user=actor, case=case):
        raise NotFound()
    _check_open_for_changes(campaign)
    problem = case_scope_problem(campaign=campaign, case=case)
    if problem:
        raise ValidationFailed(problem, field="number")
    if case.closed_at is not None and case.closed_at < day_start(campaign.start_date):
        raise ValidationFailed(f"案件 {case.number} 已于专项行动开始前办结，无需列入。", field="number")
    holder: dict = {}

    def record(locked: Case) -> dict:
        if Enrolment.objects.filter(campaign=campaign, case=locked, withdrawn_at__isnull=True).exists():
            raise GuardFailed(f"案件 {case.number} 已列入专项行动「{campaign.name}」。")
        try:
            with transaction.atomic():
                holder["e"] = Enrolment.objects.create(campaign=campaign, case=locked, rule=rule, enrolled_by=actor,
                                                       enrolled_at=clock.now())
        except IntegrityError:
            raise GuardFailed(f"案件 {case.number} 已列入专项行动「{campaign.name}」。") from None
        return {"campaign_id": campaign.pk, "rule": rule}

    case_event_record(case=case, actor=actor, action="campaign_enrol", label=f"列入专项行动「{campaign.name}」",
                      payload={"note": f"{CampaignType(campaign.type).label}，{campaign.start_date:%Y-%m-%d}至"
                                       f"{campaign.end_date:%Y-%m-%d}；{EnrolRule(rule).label}"},
                      before_record=record)
    return holder["e"]


@transaction.atomic
def campaign_case_withdraw(*, actor: User, campaign: Campaign, case: Case, reason: str) -> Enrolment:
    """Take a case out of the ledger with a reason (e.g. enrolled by mistake, merged into
    another matter), recording 退出专项行动「…」 on the case."""
    _check_manager(actor, campaign)
    if not case_visible(user=actor, case=case):
        raise NotFound()
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed("请填写退出理由。", field="reason")
    if len(reason) > 500:
        raise ValidationFailed("退出理由不能超过 500 字。", field="reason")
    _check_open_for_changes(campaign)
    holder: dict = {}

    def record(locked: Case) -> dict:
        enrolment = (Enrolment.objects.select_for_update()
                     .filter(campaign=campaign, case=locked, withdrawn_at__isnull=True).first())
        if enrolment is None:
            raise GuardFailed(f"案件 {case.number} 未列入专项行动「{campaign.name}」。")
        enrolment.withdrawn_at, enrolment.withdrawn_by, enrolment.withdraw_reason = clock.now(), actor, reason
        enrolment.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        holder["e"] = enrolment
        return {"campaign_id": campaign.pk}

    case_event_record(case=case, actor=actor, action="campaign_withdraw", label=f"退出专项行动「{campaign.name}」",
                      payload={"reason": reason}, before_record=record)
    return holder["e"]


@transaction.atomic
def campaign_cases_enrol_bulk(*, actor: User, campaign: Campaign, data: dict | BulkEnrolIn) -> list[Enrolment]:
    """Enrol every case a rule selects, as previewed: if the number of cases changed since
    the preview the user confirmed, nothing is enrolled (Conflict) and they look again."""
    _check_manager(actor, campaign)
    data = data if isinstance(data, BulkEnrolIn) else payload_parse(BulkEnrolIn, data)
    _check_open_for_changes(campaign)
    cases = list(enrol_candidates(user=actor, campaign=campaign, rule=data.rule, kind=data.kind))
    if len(cases) != data.expected:
        raise Conflict(f"符合条件的案件现为 {len(cases)} 件（预览时为 {data.expected} 件），请重新预览后确认。",
                       field="expected")
    if not cases:
        raise ValidationFailed("没有符合该规则、尚未列入的案件。", field="rule")
    if len(cases) > BULK_MAX:
        raise ValidationFailed(f"一次最多批量列入 {BULK_MAX} 件，请按案件类别分批列入。", field="kind")
    enrolled = [campaign_case_enrol(actor=actor, campaign=campaign, case=case, rule=data.rule) for case in cases]
    audit_record(actor=actor, action="campaign.enrol_bulk", object_type="campaign", object_id=campaign.pk,
                 detail={"rule": data.rule, "kind": data.kind, "count": len(enrolled)})
    return enrolled

"""What a campaign's targets measure, each defined ONCE here and used by the pages, the API,
the report and the tests. Every figure is computed live from the cases and records — never
typed — and gives the cases behind it, so each number drills down to its list.

Two bases:
- 入列案件 (enrolled): counts among the cases enrolled in the campaign and not withdrawn;
- 范围内 (scope): counts the records in the campaign's scope (unit subtree, kinds) and period,
  whether enrolled or not (a safety inspection's hazards are found, not enrolled).

A case counts under the unit that holds it now (责任单位), as the backlog figures do. The
period includes both ends; what happened after the end date does not count towards the
campaign (its time box), what happened before the start cannot.
"""
import dataclasses
import datetime as dt
from collections.abc import Callable

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from xinfang.core import clock
from xinfang.core.models import Case, Deadline, Obligation
from xinfang.core.selectors import category_subtree_ids
from xinfang.orgs.selectors import unit_subtree_ids

from .models import Campaign, Enrolment

ENROLLED, SCOPE = "enrolled", "scope"
BASIS_LABELS = {ENROLLED: "入列案件", SCOPE: "范围内"}


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def day_after(day: dt.date) -> dt.datetime:
    return day_start(day + dt.timedelta(days=1))


# Kinds whose cases carry a Category (the others are sorted by fields of their own).
CATEGORISED_KINDS = ("petition", "dispute")


def campaign_category_ids(campaign: Campaign) -> set[int]:
    """The chosen categories and every category below them (cached on the instance)."""
    cached = getattr(campaign, "_category_ids", None)
    if cached is None:
        cached = set()
        for category in campaign.categories.all():
            cached.update(category_subtree_ids(category=category))
        campaign._category_ids = cached
    return cached


def enrolled_cases(campaign: Campaign) -> QuerySet[Case]:
    """The cases enrolled in the campaign and not withdrawn (campaign-wide: no user scope)."""
    active = Enrolment.objects.filter(campaign=campaign, withdrawn_at__isnull=True)
    return Case.objects.filter(pk__in=active.values("case_id"))


def scope_cases(campaign: Campaign) -> QuerySet[Case]:
    """The cases inside the campaign's scope: of its kinds, held by a unit of its subtree,
    and — when categories are set — of those categories (for the kinds that carry one)."""
    qs = Case.objects.filter(kind__in=campaign.kinds,
                             owner_unit_id__in=unit_subtree_ids(unit=campaign.scope_unit))
    category_ids = campaign_category_ids(campaign)
    if category_ids:
        qs = qs.filter(~Q(kind__in=CATEGORISED_KINDS) | Q(category_id__in=category_ids))
    return qs


def _closed_in(campaign: Campaign) -> Q:
    return Q(closed_at__gte=day_start(campaign.start_date), closed_at__lt=day_after(campaign.end_date))


def closed_cases(campaign: Campaign) -> QuerySet[Case]:
    return enrolled_cases(campaign).filter(_closed_in(campaign))


def _late_clock() -> Exists:
    """An organ's clock (办理期限 and the like, not the petitioner's) that was missed: stopped
    after its due date, or still running past it. Restarted clocks do not count."""
    late = Deadline.objects.filter(case=OuterRef("pk"), obligation=Obligation.ORGAN, replaced=False).filter(
        Q(stopped_on__gt=F("due_date")) | Q(active=True, due_date__lt=clock.today()))
    return Exists(late)


def closed_on_time_cases(campaign: Campaign) -> QuerySet[Case]:
    return closed_cases(campaign).exclude(_late_clock())


def _hazards_rectified(campaign: Campaign) -> QuerySet[Case]:
    return enrolled_cases(campaign).filter(kind="hazard", hazard__closed_on__range=(campaign.start_date,
                                                                                     campaign.end_date))


def _disputes_mediated(campaign: Campaign) -> QuerySet[Case]:
    from xinfang.disputes.models import MediationAgreement

    signed = MediationAgreement.objects.filter(case=OuterRef("pk"),
                                               signed_on__range=(campaign.start_date, campaign.end_date))
    return enrolled_cases(campaign).filter(kind="dispute").filter(Exists(signed))


def _hazards_found(campaign: Campaign) -> QuerySet[Case]:
    return scope_cases(campaign).filter(kind="hazard", received_date__range=(campaign.start_date, campaign.end_date))


def _inspected_hazards(campaign: Campaign) -> QuerySet[Case]:
    return _hazards_found(campaign).filter(hazard__source="inspection")


def _sites_inspected_count(campaign: Campaign) -> int:
    names = _inspected_hazards(campaign).values_list("hazard__enterprise_name", flat=True)
    return len({n.strip() for n in names if n and n.strip()})


def campaign_inspections(campaign: Campaign):
    """安全检查 (hazards.Inspection) organised in the period by, or covering, a unit of the scope."""
    from xinfang.hazards.models import Inspection

    units = unit_subtree_ids(unit=campaign.scope_unit)
    return (Inspection.objects.filter(start_date__range=(campaign.start_date, campaign.end_date))
            .filter(Q(inspecting_unit_id__in=units) | Q(scope_units__in=units)).distinct()
            .select_related("inspecting_unit"))


@dataclasses.dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit_label: str
    definition: str
    basis: str                       # ENROLLED or SCOPE
    kind: str | None                 # the kind of matter it needs in the scope (None: any)
    cases: Callable[[Campaign], QuerySet[Case]] | None
    count: Callable[[Campaign], int] | None = None   # when the figure is not a count of `cases`

    @property
    def basis_label(self) -> str:
        return BASIS_LABELS[self.basis]

    def value(self, campaign: Campaign) -> int:
        return self.count(campaign) if self.count is not None else self.cases(campaign).count()


MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("closed", "入列案件办结", "件",
            "列入本专项行动（未退出）的案件中，在行动期间内办结（含终结、不予受理、转送办结、并案，"
            "即案件流程结束）的件数。期间外办结的不计。", ENROLLED, None, closed_cases),
    Measure("closed_on_time", "入列案件按期办结", "件",
            "上述期间内办结的入列案件中，机关办理期限（受理告知、办理、复查、复核、整改等，含批准延期、扣除中止）"
            "无一超期的件数。", ENROLLED, None, closed_on_time_cases),
    Measure("hazards_rectified", "入列隐患整改销号", "项",
            "列入本专项行动的安全隐患中，在行动期间内整改验收并销号的项数（16号令第23条）。",
            ENROLLED, "hazard", _hazards_rectified),
    Measure("disputes_mediated", "入列纠纷调解成功", "件",
            "列入本专项行动的矛盾纠纷中，在行动期间内签订（生效）调解协议的件数（人民调解法第28、29条）。",
            ENROLLED, "dispute", _disputes_mediated),
    Measure("inspections", "组织安全检查", "次",
            "行动期间内开始、由范围内单位组织或检查范围涉及范围内单位的安全检查次数。",
            SCOPE, "hazard", None, lambda c: campaign_inspections(c).count()),
    Measure("sites_inspected", "检查发现隐患的场所", "家",
            "行动期间内在范围内经检查发现隐患的生产经营单位/场所数（同名场所计一家）。未发现隐患的受检场所"
            "不在系统中登记，不计入。", SCOPE, "hazard", _inspected_hazards, _sites_inspected_count),
    Measure("hazards_found", "排查发现隐患", "项",
            "行动期间内范围内登记（按发现日期）的安全隐患项数，不论是否列入本行动。",
            SCOPE, "hazard", _hazards_found),
)}


def measure_get(key: str) -> Measure:
    return MEASURES[key]

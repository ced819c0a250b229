"""安全生产事故隐患: the hazard-specific part of a Case, the inspections (安全大检查) hazards
are found in, the rectification plans of major hazards, the checks (验收 / 现场审查) and
the violations found with them.

Rules: 安全生产法（2021）第41条; 安全生产事故隐患排查治理暂行规定（原国家安监总局令第16号,
"16号令"）第3、14、15、16、18、23条.
"""
from django.conf import settings
from django.db import models

from xinfang.core.models import Case
from xinfang.orgs.models import Unit


class Grade(models.TextChoices):
    """16号令 Art 3: 一般 — little harm, fixed at once; 重大 — needs a full or partial stop
    and time, or cannot be removed by the unit alone."""

    ORDINARY = "ordinary", "一般隐患"
    MAJOR = "major", "重大隐患"


class Industry(models.TextChoices):
    HAZCHEM = "hazchem", "危险化学品"
    CONSTRUCTION = "construction", "建筑施工"
    ROAD_TRANSPORT = "road_transport", "道路运输"
    INDUSTRY_TRADE = "industry_trade", "工贸企业"
    CROWDED_PLACE = "crowded_place", "人员密集场所"
    GAS = "gas", "城镇燃气"
    SPECIAL_EQUIPMENT = "special_equipment", "特种设备"
    MINING = "mining", "矿山"
    FIREWORKS = "fireworks", "烟花爆竹"
    OTHER = "other", "其他行业"


class HazardCategory(models.TextChoices):
    """The two families the practice sorts hazards into: 基础管理类 and 现场管理类."""

    BASIC_LICENSE = "basic_license", "基础管理·资质证照"
    BASIC_ORG = "basic_org", "基础管理·安全管理机构和人员"
    BASIC_RULES = "basic_rules", "基础管理·规章制度和操作规程"
    BASIC_TRAINING = "basic_training", "基础管理·安全教育培训"
    BASIC_INVESTMENT = "basic_investment", "基础管理·安全投入"
    BASIC_EMERGENCY = "basic_emergency", "基础管理·应急管理"
    SITE_EQUIPMENT = "site_equipment", "现场管理·设备设施"
    SITE_ENVIRONMENT = "site_environment", "现场管理·场所环境"
    SITE_OPERATION = "site_operation", "现场管理·从业人员操作行为"
    SITE_FIRE = "site_fire", "现场管理·消防安全"
    SITE_ELECTRIC = "site_electric", "现场管理·用电安全"
    SITE_CONFINED = "site_confined", "现场管理·有限空间作业"
    SITE_HAZCHEM = "site_hazchem", "现场管理·危险化学品储存使用"
    OTHER = "other", "其他"


class Source(models.TextChoices):
    INSPECTION = "inspection", "检查发现"
    GRID = "grid", "网格巡查"
    SELF = "self", "企业自查上报"
    REPORT = "report", "群众举报"


class RectifyMode(models.TextChoices):
    ON_SPOT = "on_spot", "当场整改"
    DEADLINE = "deadline", "限期整改"
    PLAN = "plan", "治理方案（五落实）"


class ViolationType(models.TextChoices):
    """三非、三违、三超 — recorded as what the matter shows, never as a list of people."""

    ILLEGAL_PRODUCTION = "illegal_production", "非法生产"
    ILLEGAL_OPERATION = "illegal_operation", "非法经营"
    ILLEGAL_CONSTRUCTION = "illegal_construction", "非法建设"
    VIOLATING_COMMAND = "violating_command", "违章指挥"
    VIOLATING_OPERATION = "violating_operation", "违章作业"
    VIOLATING_DISCIPLINE = "violating_discipline", "违反劳动纪律"
    OVER_CAPACITY = "over_capacity", "超能力"
    OVER_INTENSITY = "over_intensity", "超强度"
    OVER_STAFFING = "over_staffing", "超定员"


VIOLATION_GROUPS = {
    "三非": (ViolationType.ILLEGAL_PRODUCTION, ViolationType.ILLEGAL_OPERATION, ViolationType.ILLEGAL_CONSTRUCTION),
    "三违": (ViolationType.VIOLATING_COMMAND, ViolationType.VIOLATING_OPERATION, ViolationType.VIOLATING_DISCIPLINE),
    "三超": (ViolationType.OVER_CAPACITY, ViolationType.OVER_INTENSITY, ViolationType.OVER_STAFFING),
}


def violation_group(kind: str) -> str:
    return next(group for group, kinds in VIOLATION_GROUPS.items() if kind in kinds)


class CheckKind(models.TextChoices):
    VERIFY = "verify", "整改验收"
    ONSITE = "onsite", "复产现场审查"


class CheckResult(models.TextChoices):
    PASSED = "passed", "合格"
    FAILED = "failed", "不合格"


class Inspection(models.Model):
    """A safety inspection campaign (e.g. 安全生产大检查): who inspects, where, when."""

    name = models.CharField("检查名称", max_length=100)
    inspecting_unit = models.ForeignKey(Unit, verbose_name="检查单位", on_delete=models.PROTECT,
                                        related_name="hazard_inspections")
    scope_units = models.ManyToManyField(Unit, verbose_name="检查范围", related_name="+")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    description = models.TextField("检查内容与要求", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "安全检查"
        verbose_name_plural = "安全检查"
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.name


class Hazard(models.Model):
    """One hazard in the 隐患排查治理台账. Case columns reused: title (隐患名称), content
    (隐患描述), received_date (发现日期), place_unit (所在地), owner_unit (责任/属地单位)."""

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="hazard")
    inspection = models.ForeignKey(Inspection, verbose_name="所属检查", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="hazards")
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.INSPECTION)
    grade = models.CharField("隐患等级", max_length=10, choices=Grade.choices)
    industry = models.CharField("行业领域", max_length=20, choices=Industry.choices)
    category = models.CharField("隐患类别", max_length=20, choices=HazardCategory.choices)
    enterprise_name = models.CharField("生产经营单位/场所", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    site = models.CharField("隐患部位/地点", max_length=200)
    finder = models.CharField("发现人", max_length=40)
    found_at = models.DateTimeField("发现时间")
    # What the ledger shows as the rectification (kept current by the workflow effects).
    rectify_mode = models.CharField("整改方式", max_length=10, choices=RectifyMode.choices, blank=True)
    responsible_person = models.CharField("整改责任人", max_length=40, blank=True)
    measures = models.TextField("整改措施", blank=True)
    funds_yuan = models.PositiveIntegerField("整改资金（元）", null=True, blank=True)
    rectify_by = models.DateField("整改期限", null=True, blank=True)
    interim_controls = models.TextField("临时管控措施", blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    stop_production = models.BooleanField("全部或局部停产停业", default=False)
    regulator_unit = models.ForeignKey(Unit, verbose_name="监管部门", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField("报告监管部门日期", null=True, blank=True)
    supervision_ref = models.CharField("挂牌督办文号", max_length=60, blank=True)
    supervised_on = models.DateField("挂牌督办日期", null=True, blank=True)
    resume_applied_on = models.DateField("申请复产/核销日期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)

    class Meta:
        verbose_name = "安全隐患"
        verbose_name_plural = "安全隐患"
        indexes = [models.Index(fields=["grade", "industry"], name="hazard_grade_industry")]


class HazardPlan(models.Model):
    """A major hazard's 治理方案 (16号令 Art 15; 五落实: 责任、措施、资金、时限、预案).
    A failed review leads to a new plan: the latest one is current."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hazard_plans")
    goal = models.TextField("治理目标和任务")
    measures = models.TextField("治理方法和措施")
    funds_yuan = models.PositiveIntegerField("治理资金（元）")
    materials = models.TextField("物资落实", blank=True)
    organisation = models.CharField("负责治理的机构和人员", max_length=200)
    responsible_person = models.CharField("治理责任人", max_length=40)
    time_limit = models.DateField("治理时限")
    safety_measures = models.TextField("安全措施")
    emergency_plan = models.TextField("应急预案")
    interim_controls = models.TextField("临时管控措施")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["case_id", "created_at", "id"]


class HazardCheck(models.Model):
    """A verification of an ordinary hazard's rectification (验收) or the regulator's on-site
    review of a major one after the application to resume (16号令 Art 23)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hazard_checks")
    kind = models.CharField("类型", max_length=10, choices=CheckKind.choices)
    result = models.CharField("结果", max_length=10, choices=CheckResult.choices)
    checker = models.CharField("验收/审查人员", max_length=100)
    checked_on = models.DateField("日期")
    notes = models.TextField("意见", blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case_id", "checked_on", "id"]


class HazardViolation(models.Model):
    """A 三非 / 三违 / 三超 finding: what the matter shows, never who."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hazard_violations")
    kind = models.CharField("违法违规类型", max_length=24, choices=ViolationType.choices)
    description = models.TextField("情况说明")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["case_id", "recorded_at", "id"]

    @property
    def group(self) -> str:
        return violation_group(self.kind)

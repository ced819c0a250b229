"""稳评: the social-stability risk assessment of a major decision or project
(重大行政决策程序暂行条例 2019 Arts 22–24; 发改投资〔2012〕2492号).

An Assessment is the assessment-specific part of a Case. Its work happens in rounds: round 1
is the first plan; every revision of the plan after a 高/中 rating (or a deferral) opens the
next round, with its own consultation, analysis, risk points and rating. A decision to
实施 is judged on the current round's rating only.
"""
from django.conf import settings
from django.db import models

from xinfang.core.models import Case


class DecisionType(models.TextChoices):
    """What triggers a 稳评 (条例 Art 22; 2492号): land or house expropriation, major projects,
    and other decisions that may affect stability or public safety."""

    EXPROPRIATION = "expropriation", "土地征收/房屋征收与补偿"
    PROJECT = "project", "重大工程建设项目"
    POLICY = "policy", "重大政策/改革措施"
    ENVIRONMENT = "environment", "生态环境与公共安全"
    PRICE = "price", "公共服务价格调整"
    OTHER = "other", "其他涉及群众切身利益的事项"


class AssessorKind(models.TextChoices):
    SELF = "self", "决策承办单位自行评估"
    THIRD_PARTY = "third_party", "委托第三方评估"


class RiskLevel(models.TextChoices):
    """Ordered from the least to the most severe (see rating.RISK_ORDER)."""

    LOW = "low", "低风险"
    MEDIUM = "medium", "中风险"
    HIGH = "high", "高风险"


class ConsultationForm(models.TextChoices):
    """The ways of collecting views named in DOMAIN.md (2492号): notice, questionnaire,
    visits, meetings, hearings."""

    NOTICE = "notice", "公示/公告"
    QUESTIONNAIRE = "questionnaire", "问卷调查"
    VISIT = "visit", "走访"
    MEETING = "meeting", "座谈会"
    HEARING = "hearing", "听证会"


class DecisionOutcome(models.TextChoices):
    IMPLEMENT = "implement", "实施"
    DEFER = "defer", "暂缓实施"
    REJECT = "reject", "不实施"


class MonitoringSituation(models.TextChoices):
    STABLE = "stable", "平稳，未出现新的风险"
    EMERGING = "emerging", "出现苗头性问题，已处置"
    RISING = "rising", "风险上升，已启动应急预案"


class Assessment(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="assessment")
    decision_type = models.CharField("决策类型", max_length=20, choices=DecisionType.choices)
    sponsor = models.CharField("项目单位/建设单位", max_length=200, blank=True)
    location = models.CharField("实施地点", max_length=200)
    affected_people = models.PositiveIntegerField("涉及群众人数")
    affected_households = models.PositiveIntegerField("涉及户数", default=0)
    decision_body = models.CharField("决策机关", max_length=100)
    round = models.PositiveSmallIntegerField("评估轮次", default=0,
                                             help_text="0：尚未制定评估方案；每次修改方案后加一")
    # The current round's rating, copied from its Rating row for lists and the ledger.
    level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices, blank=True)
    outcome = models.CharField("决策结果", max_length=10, choices=DecisionOutcome.choices, blank=True)
    decided_on = models.DateField("决策日期", null=True, blank=True)

    class Meta:
        verbose_name = "稳评事项"
        verbose_name_plural = "稳评事项"
        indexes = [models.Index(fields=["level"], name="assessment_level"),
                   models.Index(fields=["decision_type"], name="assessment_type")]


class _RoundRow(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField("评估轮次")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        abstract = True


class Plan(_RoundRow):
    """评估方案 (one per round); from round 2 on it says what was changed in the decision."""

    assessor_kind = models.CharField("评估主体", max_length=20, choices=AssessorKind.choices)
    assessor_name = models.CharField("评估机构/评估小组", max_length=200)
    scope_and_methods = models.TextField("评估范围与方法")
    start_date = models.DateField("评估开始日期")
    end_date = models.DateField("评估结束日期")
    revision = models.TextField("方案修改内容", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="assessment_plan_round")]
        ordering = ["case_id", "round"]


class Consultation(_RoundRow):
    """One way views were collected (征求意见): a notice, a questionnaire, a visit, a meeting
    or a hearing. Only questionnaires carry the counts for and against the rating uses."""

    form = models.CharField("形式", max_length=20, choices=ConsultationForm.choices)
    held_on = models.DateField("日期")
    participants = models.PositiveIntegerField("参与人数")
    support = models.PositiveIntegerField("支持人数", default=0)
    against = models.PositiveIntegerField("反对人数", default=0, help_text="含强烈反对")
    strongly_against = models.PositiveIntegerField("强烈反对人数", default=0)
    summary = models.TextField("主要意见")

    class Meta:
        ordering = ["case_id", "round", "held_on", "id"]
        indexes = [models.Index(fields=["case", "round"], name="assessment_consult_round")]


class Analysis(_RoundRow):
    """合法性、合理性、可行性、可控性 (2492号): the latest record of the round stands."""

    legality = models.TextField("合法性")
    reasonableness = models.TextField("合理性")
    feasibility = models.TextField("可行性")
    controllability = models.TextField("可控性")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="assessment_analysis_round")]


class RiskPoint(_RoundRow):
    description = models.TextField("风险点")
    measures = models.TextField("防范化解措施")
    responsible = models.CharField("责任单位", max_length=200)

    class Meta:
        ordering = ["case_id", "round", "id"]


class Rating(_RoundRow):
    """The round's rating: the level the rule gives (computed_*), the level the report
    states (`level`: never below the rule's; an upward adjustment carries its reason), and
    the report's contingency plan and conclusion."""

    respondents = models.PositiveIntegerField("受访人数")
    support = models.PositiveIntegerField("支持人数")
    against = models.PositiveIntegerField("反对人数")
    strongly_against = models.PositiveIntegerField("强烈反对人数")
    computed_level = models.CharField("按规则评定", max_length=10, choices=RiskLevel.choices)
    computed_reason = models.TextField("评定理由")
    level = models.CharField("评估等级", max_length=10, choices=RiskLevel.choices)
    adjustment_reason = models.TextField("从严调整理由", blank=True)
    contingency_plan = models.TextField("应急处置预案")
    conclusion = models.TextField("评估结论")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="assessment_rating_round")]
        ordering = ["case_id", "round"]


class DecisionMeeting(_RoundRow):
    """集体讨论决定 (条例 Art 30): the meeting that decided, and what it decided."""

    outcome = models.CharField("决策结果", max_length=10, choices=DecisionOutcome.choices)
    held_on = models.DateField("会议日期")
    body = models.CharField("会议名称", max_length=100)
    attendees = models.PositiveIntegerField("出席人数")
    minutes = models.TextField("会议纪要")
    conditions = models.TextField("实施条件与风险防控要求", blank=True)
    level = models.CharField("决策时的风险等级", max_length=10, choices=RiskLevel.choices)

    class Meta:
        ordering = ["case_id", "held_on", "id"]


class Monitoring(_RoundRow):
    """跟踪监测 after 实施 (2492号: 跟踪 the risks and the measures)."""

    checked_on = models.DateField("监测日期")
    situation = models.CharField("风险态势", max_length=10, choices=MonitoringSituation.choices)
    findings = models.TextField("监测情况")
    measures = models.TextField("已采取措施", blank=True)

    class Meta:
        ordering = ["case_id", "checked_on", "id"]

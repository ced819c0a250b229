"""矛盾纠纷排查调处: periodic screening reports per unit, and dispute cases (kind "dispute")
mediated under the 人民调解法 (2010), linked across people's, administrative and judicial
mediation (三调对接) and with petitions.

Everything here is about the MATTER: a dispute's risk of escalation is a sentence about the
matter, never a score on a person, and nothing lists people.
"""
from django.conf import settings
from django.db import models

from xinfang.core.models import Case
from xinfang.orgs.models import Unit, UnitLevel


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "每周"
    HALF_MONTHLY = "half_monthly", "每半月"
    MONTHLY = "monthly", "每月"


class ScreeningCadence(models.Model):
    """How often units of one level file a screening report (矛盾纠纷排查): 村/社区 weekly,
    街道/乡镇 and departments half-monthly, 区 monthly by default; a level without a row
    files none. Configuration, edited in the admin."""

    level = models.CharField("单位层级", max_length=12, choices=UnitLevel.choices, unique=True)
    cadence = models.CharField("排查周期", max_length=12, choices=Cadence.choices)
    grace_days = models.PositiveSmallIntegerField("报送宽限（日）", default=1,
                                                  help_text="周期结束后几日内报送不算逾期")
    effective_from = models.DateField("起始日期", help_text="自该日所在周期起要求报送")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "排查周期"
        verbose_name_plural = "排查周期"
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.get_cadence_display()}"


class ScreeningReport(models.Model):
    """One unit's report for one period: the new disputes found, or "none found"."""

    unit = models.ForeignKey(Unit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="screening_reports")
    cadence = models.CharField("排查周期", max_length=12, choices=Cadence.choices)
    period_start = models.DateField("周期起")
    period_end = models.DateField("周期止")
    due_date = models.DateField("报送期限")
    none_found = models.BooleanField("未发现矛盾纠纷", default=False)
    note = models.TextField("排查情况", blank=True)
    disputes = models.ManyToManyField(Case, verbose_name="新发现纠纷", blank=True, related_name="screening_reports")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField("报送时间")
    filed_on = models.DateField("报送日期")

    class Meta:
        verbose_name = "排查报告"
        verbose_name_plural = "排查报告"
        ordering = ["-period_start", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["unit", "period_start"], name="screening_unique_period")]
        indexes = [models.Index(fields=["period_start", "unit"], name="screening_period_unit")]

    @property
    def is_late(self) -> bool:
        return self.filed_on > self.due_date


class DisputeType(models.TextChoices):
    NEIGHBOUR = "neighbour", "邻里纠纷"
    FAMILY = "family", "婚姻家庭纠纷"
    LAND = "land", "土地（山林、宅基地）纠纷"
    LABOUR = "labour", "劳动和工资纠纷"
    CONTRACT = "contract", "合同和债务纠纷"
    PROPERTY = "property", "物业管理纠纷"
    MEDICAL = "medical", "医疗纠纷"
    TRAFFIC = "traffic", "交通事故纠纷"
    DEMOLITION = "demolition", "征地拆迁纠纷"
    ENVIRONMENT = "environment", "环境污染纠纷"
    CONSUMER = "consumer", "消费纠纷"
    OTHER = "other", "其他纠纷"


class Track(models.TextChoices):
    """三调对接: the three kinds of mediation a dispute may move between."""

    PEOPLE = "people", "人民调解"
    ADMINISTRATIVE = "administrative", "行政调解"
    JUDICIAL = "judicial", "司法调解"


class LevelBucket(models.TextChoices):
    """The levels "小事不出村、大事不出镇" counts at (a grid counts with its 村/社区)."""

    VILLAGE = "village", "村/社区级"
    TOWN = "town", "街道/乡镇级"
    DISTRICT = "district", "区级（含部门）"
    OUTSIDE = "outside", "区外（法院等）"


LEVEL_BUCKETS = {
    UnitLevel.GRID: LevelBucket.VILLAGE, UnitLevel.COMMUNITY: LevelBucket.VILLAGE,
    UnitLevel.STREET: LevelBucket.TOWN,
    UnitLevel.DISTRICT: LevelBucket.DISTRICT, UnitLevel.DEPARTMENT: LevelBucket.DISTRICT,
    UnitLevel.BUREAU: LevelBucket.DISTRICT,
    UnitLevel.CITY: LevelBucket.OUTSIDE, UnitLevel.ORGAN: LevelBucket.OUTSIDE,
}


class EndReason(models.TextChoices):
    REFUSED = "refused", "当事人明确拒绝调解（人民调解法第17条）"
    PARTY_ENDED = "party_ended", "当事人要求终止调解（第23条）"
    NO_AGREEMENT = "no_agreement", "调解不成（第26条）"
    NOT_PERFORMED = "not_performed", "协议未履行，另行解决（第32条）"


class Dispute(models.Model):
    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="dispute")
    dispute_type = models.CharField("纠纷类型", max_length=14, choices=DisputeType.choices)
    place_text = models.CharField("发生地点", max_length=200, blank=True)
    level_found = models.CharField("发现层级", max_length=12, choices=UnitLevel.choices)
    person_count = models.PositiveIntegerField("涉及人数", default=2)
    amount = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    escalation_risk = models.TextField(
        "激化风险", blank=True,
        help_text="用文字描述本纠纷有无激化可能及迹象（事项属性，不对任何人打分）")
    track = models.CharField("调解类型", max_length=16, choices=Track.choices, default=Track.PEOPLE)
    # The outcome, as the table's last steps leave it.
    resolved_unit = models.ForeignKey(Unit, verbose_name="化解单位", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    resolved_level = models.CharField("化解层级", max_length=12, choices=UnitLevel.choices, blank=True)
    resolved_on = models.DateField("化解日期", null=True, blank=True)
    end_reason = models.CharField("终止原因", max_length=16, choices=EndReason.choices, blank=True)
    other_routes = models.TextField("告知的其他途径", blank=True)
    police_organ = models.CharField("移送公安机关", max_length=100, blank=True)
    police_referred_on = models.DateField("报告公安日期", null=True, blank=True)

    class Meta:
        verbose_name = "矛盾纠纷"
        verbose_name_plural = "矛盾纠纷"


class PartyKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "法人或其他组织"


class PartySide(models.TextChoices):
    APPLICANT = "applicant", "申请人"
    RESPONDENT = "respondent", "被申请人"
    OTHER = "other", "其他当事人"


class DisputeParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dispute_parties")
    kind = models.CharField("类别", max_length=14, choices=PartyKind.choices, default=PartyKind.PERSON)
    side = models.CharField("地位", max_length=12, choices=PartySide.choices, default=PartySide.APPLICANT)
    name = models.CharField("姓名或名称", max_length=100)
    id_number = models.CharField("身份证号或统一社会信用代码", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    address = models.CharField("住址或住所", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["case_id", "order"]


class MediatorChoice(models.TextChoices):
    """人民调解法 Art 19: designated by the committee, or chosen by the parties."""

    DESIGNATED = "designated", "调解委员会指定"
    CHOSEN = "chosen", "当事人选择"


class Mediator(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediators")
    name = models.CharField("调解员", max_length=40)
    chosen_how = models.CharField("产生方式", max_length=12, choices=MediatorChoice.choices)
    added_on = models.DateField("确定日期")
    refused = models.BooleanField("当事人拒绝", default=False)
    refused_reason = models.CharField("拒绝理由", max_length=300, blank=True)
    refused_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "id"]


class MediationSession(models.Model):
    """人民调解法 Art 27: the mediation is recorded (调解记录)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediation_sessions")
    held_on = models.DateField("调解日期")
    place = models.CharField("调解地点", max_length=200)
    participants = models.CharField("参加人员", max_length=500)
    record = models.TextField("调解记录")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case_id", "held_on", "id"]


class AgreementForm(models.TextChoices):
    WRITTEN = "written", "书面调解协议书"
    ORAL = "oral", "口头协议（记录在卷）"


class MediationAgreement(models.Model):
    """人民调解法 Arts 28–29: parties, facts, terms, how and when to perform; effective when signed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediation_agreements")
    form = models.CharField("协议形式", max_length=10, choices=AgreementForm.choices)
    parties = models.TextField("当事人")
    facts = models.TextField("纠纷主要事实、争议事项及各方责任")
    terms = models.TextField("达成协议的内容")
    performance_method = models.TextField("履行方式")
    performance_by = models.DateField("履行期限")
    signed_on = models.DateField("签订（生效）日期")
    unit = models.ForeignKey(Unit, verbose_name="调解组织", on_delete=models.PROTECT, related_name="+")
    superseded = models.BooleanField("已被新协议取代", default=False)

    class Meta:
        ordering = ["case_id", "signed_on", "id"]


class Performance(models.TextChoices):
    PERFORMED = "performed", "已全部履行"
    PARTLY = "partly", "部分履行"
    NOT_YET = "not_yet", "尚未履行"
    REFUSED = "refused", "拒绝履行"


class FollowUp(models.Model):
    """回访: the committee follows the agreement's performance (人民调解法 Art 31)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dispute_followups")
    visited_on = models.DateField("回访日期")
    performance = models.CharField("履行情况", max_length=10, choices=Performance.choices)
    note = models.TextField("回访情况", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case_id", "visited_on", "id"]


class ConfirmationResult(models.TextChoices):
    PENDING = "pending", "审查中"
    CONFIRMED = "confirmed", "裁定确认有效"
    REJECTED = "rejected", "裁定驳回申请"


class JudicialConfirmation(models.Model):
    """司法确认 (人民调解法 Art 33; 民事诉讼法 Arts 205–206): applied for jointly within 30 days."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="judicial_confirmations")
    agreement = models.ForeignKey(MediationAgreement, on_delete=models.PROTECT, related_name="confirmations")
    court = models.CharField("受理法院", max_length=100)
    applied_on = models.DateField("申请日期")
    result = models.CharField("结果", max_length=10, choices=ConfirmationResult.choices,
                              default=ConfirmationResult.PENDING)
    ruling_on = models.DateField("裁定日期", null=True, blank=True)
    document_no = models.CharField("裁定书文号", max_length=60, blank=True)

    class Meta:
        ordering = ["case_id", "applied_on", "id"]


class Handover(models.Model):
    """三调对接: the dispute moved from one kind of mediation (and unit) to another."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dispute_handovers")
    from_track = models.CharField(max_length=16, choices=Track.choices)
    to_track = models.CharField(max_length=16, choices=Track.choices)
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("移交理由")
    on = models.DateField("移交日期")

    class Meta:
        ordering = ["case_id", "on", "id"]


class LinkDirection(models.TextChoices):
    PETITION_TO_DISPUTE = "to_dispute", "信访事项转为矛盾纠纷调解"
    DISPUTE_TO_PETITION = "to_petition", "矛盾纠纷转入信访渠道"


class DisputePetitionLink(models.Model):
    """A petition that became a dispute case, or a dispute that went (back) to the petition
    route: shown on both cases."""

    dispute = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="petition_links")
    petition = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dispute_links")
    direction = models.CharField(max_length=12, choices=LinkDirection.choices)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["dispute", "petition", "direction"],
                                               name="dispute_petition_link_unique")]

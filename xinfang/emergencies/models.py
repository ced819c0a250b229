"""突发事件信息报送: the event-specific part of a Case, its reports (首报、续报、应急处置、终报)
with the casualty and loss figures each one gave, the upper units' receipts, and the
configurable first-report time limits.

Rules: 中华人民共和国突发事件应对法（2024修订）第2、3条 (the four kinds of event and the four
grades), 第61条 (reporting at once, truthfully, no late, false or hidden reports);
国家突发公共事件总体应急预案 4.2 (信息报告); 生产安全事故报告和调查处理条例 第3、9、10条;
突发公共卫生事件应急条例 第19、20条.

Events are described as events: counts of casualties and losses, never lists of people;
the only people named are the reporting officials (the staff user and the 签发人).
"""
from decimal import Decimal

from django.conf import settings
from django.db import models

from xinfang.core.models import Case
from xinfang.orgs.models import Unit


class Category(models.TextChoices):
    """突发事件应对法 Art 2: 自然灾害、事故灾难、公共卫生事件、社会安全事件."""

    NATURAL = "natural", "自然灾害"
    ACCIDENT = "accident", "事故灾难"
    HEALTH = "health", "公共卫生事件"
    SOCIAL = "social", "社会安全事件"


class EventType(models.TextChoices):
    """The types reported here, each under one category of Art 2 (TYPE_CATEGORY): 气象灾害
    covers 暴雨、暴雪、冰冻; 公用设施事故 燃气、供水、供电; 环境污染事件 also 生态破坏; 食物中毒
    also other 食品安全事件."""

    FLOOD = "flood", "洪涝灾害"
    TYPHOON = "typhoon", "台风"
    GEOLOGICAL = "geological", "地质灾害"
    WEATHER = "weather", "气象灾害"
    EARTHQUAKE = "earthquake", "地震"
    FIRE = "fire", "火灾"
    WORK_SAFETY = "work_safety", "生产安全事故"
    TRAFFIC = "traffic", "道路交通事故"
    UTILITY = "utility", "公用设施事故"
    ENVIRONMENT = "environment", "环境污染事件"
    INFECTIOUS = "infectious", "传染病疫情"
    FOOD = "food", "食物中毒"
    HEALTH_OTHER = "health_other", "其他公共卫生事件"
    SOCIAL = "social", "社会安全事件"


TYPE_CATEGORY = {
    EventType.FLOOD: Category.NATURAL, EventType.TYPHOON: Category.NATURAL, EventType.GEOLOGICAL: Category.NATURAL,
    EventType.WEATHER: Category.NATURAL, EventType.EARTHQUAKE: Category.NATURAL,
    EventType.FIRE: Category.ACCIDENT, EventType.WORK_SAFETY: Category.ACCIDENT, EventType.TRAFFIC: Category.ACCIDENT,
    EventType.UTILITY: Category.ACCIDENT, EventType.ENVIRONMENT: Category.ACCIDENT,
    EventType.INFECTIOUS: Category.HEALTH, EventType.FOOD: Category.HEALTH, EventType.HEALTH_OTHER: Category.HEALTH,
    EventType.SOCIAL: Category.SOCIAL,
}

# The types the 平安创建 board counts as 安全生产事故 (work-safety and fire accidents).
WORK_SAFETY_TYPES = (EventType.WORK_SAFETY, EventType.FIRE)


def type_category(event_type: str) -> str:
    return TYPE_CATEGORY[EventType(event_type)]


class Grade(models.TextChoices):
    """突发事件应对法 Art 3: natural disasters, accidents and public-health events are graded
    特别重大、重大、较大、一般 (I–IV级) by their harm, urgency and reach."""

    EXTRAORDINARY = "extraordinary", "特别重大（Ⅰ级）"
    MAJOR = "major", "重大（Ⅱ级）"
    LARGE = "large", "较大（Ⅲ级）"
    ORDINARY = "ordinary", "一般（Ⅳ级）"


GRADE_ORDER = [Grade.ORDINARY, Grade.LARGE, Grade.MAJOR, Grade.EXTRAORDINARY]
GRADE_SHORT = {Grade.EXTRAORDINARY: "特别重大", Grade.MAJOR: "重大", Grade.LARGE: "较大", Grade.ORDINARY: "一般"}


class ReportKind(models.TextChoices):
    FIRST = "first", "首报"
    FOLLOWUP = "followup", "续报"
    RESPONSE = "response", "应急处置"
    FINAL = "final", "终报"


# The casualty and loss figures each report gives (numbers only; never names).
FIGURES = (
    ("deaths", "死亡", "人"),
    ("injured", "受伤", "人"),
    ("missing", "失踪", "人"),
    ("trapped", "被困", "人"),
    ("relocated", "紧急转移安置", "人"),
    ("economic_loss", "直接经济损失", "万元"),
)
FIGURE_NAMES = tuple(name for name, _, _ in FIGURES)


class FirstReportRule(models.Model):
    """The first report's time limit in hours, per grade (and optionally per type: a row
    for a type overrides the grade's general row). Admins adjust them to the province's
    信息报送办法; the defaults come from a data migration, each with its source."""

    grade = models.CharField("事件等级", max_length=14, choices=Grade.choices)
    event_type = models.CharField("事件类型", max_length=14, choices=EventType.choices, blank=True, default="",
                                  help_text="留空适用于该等级的所有类型；填写则对该类型优先适用")
    hours = models.PositiveSmallIntegerField("首报时限（小时）")
    legal_source = models.CharField("依据", max_length=200)

    class Meta:
        verbose_name = "首报时限"
        verbose_name_plural = "首报时限"
        ordering = ["grade", "event_type"]
        constraints = [models.UniqueConstraint(fields=["grade", "event_type"], name="emergency_rule_unique")]

    def __str__(self) -> str:
        scope = self.get_event_type_display() if self.event_type else "各类"
        return f"{GRADE_SHORT.get(self.grade, self.grade)}·{scope}：{self.hours}小时"


class Figures(models.Model):
    """The casualty and loss figures (FIGURES): of an event now, and of each report."""

    deaths = models.PositiveIntegerField("死亡（人）", default=0)
    injured = models.PositiveIntegerField("受伤（人）", default=0)
    missing = models.PositiveIntegerField("失踪（人）", default=0)
    trapped = models.PositiveIntegerField("被困（人）", default=0)
    relocated = models.PositiveIntegerField("紧急转移安置（人）", default=0)
    economic_loss = models.DecimalField("直接经济损失（万元）", max_digits=12, decimal_places=2, default=0)

    class Meta:
        abstract = True


class Emergency(Figures):
    """One event. Case columns reused: title (事件名称), content (简要情况), place_unit
    (发生地：单位树中的社区/街道), received_date (知悉日期), registered_unit / owner_unit
    (the reporting unit: where it happened, or its street or district)."""

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="emergency")
    event_type = models.CharField("事件类型", max_length=14, choices=EventType.choices)
    category = models.CharField("事件类别", max_length=10, choices=Category.choices)
    grade = models.CharField("事件等级", max_length=14, choices=Grade.choices)
    occurred_at = models.DateTimeField("发生时间")
    learned_at = models.DateTimeField("知悉时间")
    site = models.CharField("具体地点", max_length=200)
    enterprise_name = models.CharField("涉事单位/场所", max_length=100, blank=True)
    first_report_hours = models.PositiveSmallIntegerField("首报时限（小时）")
    first_report_source = models.CharField("首报时限依据", max_length=200)
    first_report_due = models.DateTimeField("首报截止时间", db_index=True)
    first_reported_at = models.DateTimeField("首报时间", null=True, blank=True)
    final_reported_at = models.DateTimeField("终报时间", null=True, blank=True)
    # The current figures (Figures): those of the latest report (the history is in EmergencyReport).
    figures_at = models.DateTimeField("数字截至", null=True, blank=True)

    class Meta:
        verbose_name = "突发事件"
        verbose_name_plural = "突发事件"
        indexes = [
            models.Index(fields=["first_reported_at", "first_report_due"], name="emergency_first_due"),
            models.Index(fields=["event_type", "grade"], name="emergency_type_grade"),
            models.Index(fields=["occurred_at"], name="emergency_occurred"),
        ]

    @property
    def first_report_late(self) -> bool:
        """迟报: the first report came after its time limit."""
        return self.first_reported_at is not None and self.first_reported_at > self.first_report_due


class EmergencyReport(Figures):
    """One report, as it was sent: its kind and time, its text, the grade it gave and the
    figures as of it (the latest report's figures are the event's current figures)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="emergency_reports")
    kind = models.CharField("报告类型", max_length=10, choices=ReportKind.choices)
    seq = models.PositiveSmallIntegerField("序号")
    reported_at = models.DateTimeField("报送时间")
    text = models.TextField("报告内容")
    extra = models.TextField("补充内容", blank=True,
                             help_text="应急处置：投入力量；终报：原因初步分析；首报迟报：迟报原因")
    grade = models.CharField("事件等级", max_length=14, choices=Grade.choices)
    signer = models.CharField("签发人", max_length=40)
    unit = models.ForeignKey(Unit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT,
                                    related_name="+")
    event_seq = models.PositiveIntegerField("时间线序号")

    class Meta:
        verbose_name = "突发事件报告"
        verbose_name_plural = "突发事件报告"
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="emergency_report_unique_seq")]


class EmergencyReceipt(models.Model):
    """An upper unit's acknowledgement that it received a report (签收)."""

    report = models.ForeignKey(EmergencyReport, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey(Unit, verbose_name="签收单位", on_delete=models.PROTECT, related_name="+")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签收人", on_delete=models.PROTECT,
                                    related_name="+")
    received_at = models.DateTimeField("签收时间")

    class Meta:
        verbose_name = "报告签收"
        verbose_name_plural = "报告签收"
        ordering = ["report_id", "received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "unit"], name="emergency_receipt_unique")]


def figures_text(figures: dict) -> str:
    """The figures as a report states them: "死亡1人，受伤3人，直接经济损失15.00万元"; people
    counts that are zero are left out, and "无人员伤亡" said when all are."""
    parts = [f"{label}{figures.get(name) or 0}{unit}" for name, label, unit in FIGURES[:-1] if figures.get(name)]
    loss = Decimal(str(figures.get("economic_loss") or 0))
    text = "，".join(parts) or "无人员伤亡"
    if loss:
        text += f"，直接经济损失{loss:.2f}万元"
    return text

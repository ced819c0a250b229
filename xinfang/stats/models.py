"""Unit assessment (考核): which indicators count, with what weight, per scheme. Units are
scored and ranked — never people."""
from django.db import models


class AssessmentScheme(models.Model):
    name = models.CharField("方案名称", max_length=60, unique=True)
    note = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssessmentWeight(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, verbose_name="方案", on_delete=models.CASCADE, related_name="weights")
    indicator = models.CharField("指标", max_length=40, help_text="指标代码，见 docs/statistics.md")
    weight = models.PositiveSmallIntegerField("权重")
    higher_is_better = models.BooleanField("越高越好", default=True,
                                           help_text="不勾选：越低越好（如不满意率、重复信访占比），得分为 100 减去该比例")

    class Meta:
        verbose_name = "考核指标权重"
        verbose_name_plural = "考核指标权重"
        constraints = [models.UniqueConstraint(fields=["scheme", "indicator"], name="assessment_weight_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} × {self.weight}"


class CaseFact(models.Model):
    """One row per petition: the columns its figures are read from, kept by the case write
    hook (stats.facts) in the writing transaction, so a figure never disagrees with a
    committed case. The facts also feed the roll-ups (StatRollup)."""

    case = models.OneToOneField("core.Case", primary_key=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    registered_unit_id = models.IntegerField()
    owner_unit_id = models.IntegerField()
    handling_unit_id = models.IntegerField(default=0)      # 0: none yet
    place_unit_id = models.IntegerField(default=0)
    category_root_id = models.IntegerField(default=0)
    received = models.DateField()
    created = models.DateField()
    closed = models.DateField(null=True)
    persons = models.IntegerField(default=1)
    channel = models.CharField(max_length=10, blank=True)
    claim_type = models.CharField(max_length=12, blank=True)
    reception_level = models.CharField(max_length=10, blank=True)
    is_first = models.BooleanField(default=False)
    is_skip = models.BooleanField(default=False)
    is_repeat = models.BooleanField(default=False)
    extended = models.BooleanField(default=False)
    on_spot = models.BooleanField(default=False)            # 现场办结
    acceptance_due = models.DateField(null=True)
    acceptance_stopped = models.DateField(null=True)
    handling_due = models.DateField(null=True)
    handling_stopped = models.DateField(null=True)
    ratings = models.JSONField(default=list)                # [[day, level], …] in the order given

    class Meta:
        indexes = [
            # 上级交办件办结率: the higher-assigned matters received in a period
            models.Index(fields=["kind", "channel", "received"], name="casefact_channel_received"),
            # 积案化解率: the matters closed in a period
            models.Index(fields=["kind", "closed", "created"], name="casefact_closed_created"),
        ]


class StatRollup(models.Model):
    """Additive counts of the figures, per (measure, dimension value, unit, day) and per month:
    `n` matters and `total` (person-times, days). Kept exactly by applying each write's change
    of contributions (stats.facts), and rebuilt by `xinfang stats rebuild`. A figure for any
    period sums the months it covers whole and the days at its edges."""

    DAY, MONTH = "D", "M"

    kind = models.CharField(max_length=20)
    grain = models.CharField(max_length=1)
    day = models.DateField()                                # the day, or the month's first day
    unit_id = models.IntegerField()                         # 0: no unit (e.g. not yet handled)
    measure = models.CharField(max_length=30)
    dim = models.CharField(max_length=40, default="", blank=True)
    n = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        # Every read names its measures and dimension and a range of days: in that order, a
        # read scans only its own rows (a city's years of other measures stay untouched).
        constraints = [models.UniqueConstraint(fields=["kind", "measure", "dim", "grain", "day", "unit_id"],
                                               name="statrollup_measure_key")]

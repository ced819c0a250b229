"""The case engine's tables: every kind of matter is a Case with an Event timeline,
statutory Deadlines computed from DeadlineRules and the holiday calendar.
"""
from django.conf import settings
from django.db import models

from xinfang.orgs.models import Unit


class Category(models.Model):
    """A configurable category tree (e.g. 城乡建设 → 住房保障 → 公租房)."""

    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey("self", verbose_name="上级分类", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    code = models.CharField("代码", max_length=40, blank=True)
    level = models.PositiveSmallIntegerField(default=1, editable=False)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "分类"
        verbose_name_plural = "分类"
        ordering = ["level", "name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name_in_parent")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.level = self.parent.level + 1 if self.parent_id else 1
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        parts, node = [], self
        while node is not None:
            parts.append(node.name)
            node = node.parent
        return " / ".join(reversed(parts))


class Case(models.Model):
    kind = models.CharField("类型", max_length=20, db_index=True)
    number = models.CharField("编号", max_length=40, unique=True)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    category = models.ForeignKey(Category, verbose_name="分类", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="cases")
    place_unit = models.ForeignKey(Unit, verbose_name="发生地", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="cases_located")
    registered_unit = models.ForeignKey(Unit, verbose_name="登记单位", on_delete=models.PROTECT,
                                        related_name="cases_registered")
    owner_unit = models.ForeignKey(Unit, verbose_name="责任单位", on_delete=models.PROTECT,
                                   related_name="cases_owned")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="cases_handled")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="包案领导", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="cases_owned_as_leader")
    accused_unit = models.ForeignKey(
        Unit, verbose_name="被反映单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="cases_accusing",
        help_text="检举控告所针对的单位：其人员永远看不到反映人身份（信访工作条例第30条、第46条）",
    )
    repeat_of = models.ForeignKey("self", verbose_name="重复件所属事项", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="repeats")
    status = models.CharField("状态", max_length=30, db_index=True)
    is_open = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    query_code = models.CharField("查询码", max_length=16, unique=True)
    received_date = models.DateField("收到日期")
    next_due_date = models.DateField("最近期限", null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        constraints = [models.UniqueConstraint(fields=["registered_unit", "kind", "year", "seq"],
                                               name="case_unique_seq")]
        indexes = [
            models.Index(fields=["owner_unit", "is_open", "next_due_date", "id"], name="case_owner_open_due"),
            models.Index(fields=["is_open", "next_due_date"], name="case_open_due"),
            models.Index(fields=["kind", "status"], name="case_kind_status"),
            models.Index(fields=["received_date"], name="case_received"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CaseUnit(models.Model):
    """Every unit that has held a case (registered, owned, handled, reviewed).

    Data scope is decided on this table, so a unit keeps sight of a matter it
    handed on, and its superiors see it through their subtree.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="case_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "unit"], name="caseunit_unique")]
        indexes = [models.Index(fields=["unit", "case"], name="caseunit_unit_case")]


class Event(models.Model):
    """Append-only timeline: one row per change of a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField("动作", max_length=40)
    label = models.CharField("动作名称", max_length=60)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_kind = models.CharField(max_length=10, default="staff")  # staff / public / system
    actor_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    payload = models.JSONField(default=dict, blank=True)
    is_public = models.BooleanField(default=False)
    public_text = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="event_unique_seq")]


class Counting(models.TextChoices):
    CALENDAR = "calendar", "自然日"
    WORKING = "working", "工作日"


class Obligation(models.TextChoices):
    ORGAN = "organ", "机关办理期限"
    PETITIONER = "petitioner", "当事人申请期限"


class DeadlineRule(models.Model):
    """One statutory clock. A row with a province overrides the national row (blank)."""

    key = models.CharField("代码", max_length=40)
    province = models.CharField("省份", max_length=20, blank=True, default="",
                                help_text="留空为全国通用规则；填写省份则覆盖全国规则")
    label = models.CharField("名称", max_length=40)
    start_event = models.CharField("起算", max_length=20, default="transition",
                                   help_text="received：自收到之日起算；transition：自触发动作之日起算")
    length_days = models.PositiveSmallIntegerField("期限（日）")
    counting = models.CharField("计算方式", max_length=10, choices=Counting.choices, default=Counting.CALENDAR)
    obligation = models.CharField("性质", max_length=12, choices=Obligation.choices, default=Obligation.ORGAN)
    max_extension_days = models.PositiveSmallIntegerField("最长延期（日）", default=0)
    legal_source = models.CharField("法律依据", max_length=120)

    class Meta:
        verbose_name = "期限规则"
        verbose_name_plural = "期限规则"
        constraints = [models.UniqueConstraint(fields=["key", "province"], name="deadlinerule_unique")]

    def __str__(self) -> str:
        return f"{self.label}（{self.length_days}{self.get_counting_display()}）"


class Deadline(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    key = models.CharField(max_length=40)
    label = models.CharField(max_length=40)
    obligation = models.CharField(max_length=12, choices=Obligation.choices)
    counting = models.CharField(max_length=10, choices=Counting.choices)
    length_days = models.PositiveSmallIntegerField()
    legal_source = models.CharField(max_length=120)
    start_date = models.DateField()
    extension_days = models.PositiveSmallIntegerField(default=0)
    paused_days = models.PositiveIntegerField(default=0)
    paused_since = models.DateField(null=True, blank=True)
    due_date = models.DateField(db_index=True)
    provisional = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    stopped_on = models.DateField(null=True, blank=True)
    # A clock restarted (an objection sends the case back) replaces this one: it neither
    # met nor missed its date, and statistics leave it out.
    replaced = models.BooleanField(default=False)

    class Meta:
        ordering = ["case_id", "start_date", "id"]
        indexes = [models.Index(fields=["active", "obligation", "due_date"], name="deadline_active_due")]


class CalendarYear(models.Model):
    """A year whose holidays an admin has entered completely (for years the package lacks)."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    complete = models.BooleanField("已完整录入", default=False)
    source = models.CharField("依据", max_length=200, blank=True, help_text="如：国务院办公厅关于2027年部分节假日安排的通知")

    class Meta:
        verbose_name = "节假日年度"
        verbose_name_plural = "节假日年度"

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An override of one day: a public holiday, or a 调休 working weekend day."""

    date = models.DateField("日期", unique=True)
    is_rest_day = models.BooleanField("休息日", help_text="勾选为法定节假日/休息日；不勾选为调休工作日")
    name = models.CharField("名称", max_length=40, blank=True)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'休' if self.is_rest_day else '班'} {self.name}"


class NumberSequence(models.Model):
    """The last number given per registering unit, kind and year (gapless: taken in the
    registration's own transaction)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    kind = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "year"], name="numberseq_unique")]


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_kind = models.CharField(max_length=10, default="staff")  # staff / public / system
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]

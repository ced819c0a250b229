"""Units, users, roles and data scope.

The unit tree follows 属地管理、分级负责: 市 → 区/县 → 街道/乡镇 → 社区/村 → 网格, with
职能部门 and the 信访局 under the government they belong to. `path` is a materialised
path ("/1/4/17/") so that "this unit and everything below it" is one indexed prefix query.
"""
from django.contrib.auth.models import AbstractUser
from django.db import models


class UnitLevel(models.TextChoices):
    CITY = "city", "市"
    DISTRICT = "district", "区/县"
    STREET = "street", "街道/乡镇"
    COMMUNITY = "community", "社区/村"
    GRID = "grid", "网格"
    DEPARTMENT = "department", "职能部门"
    BUREAU = "bureau", "信访局"
    ORGAN = "organ", "其他机关"


class Unit(models.Model):
    name = models.CharField("名称", max_length=100)
    short_code = models.CharField(
        "编号代码", max_length=12, unique=True,
        help_text="案件编号中使用的字母数字代码，例如 SFQXFJ",
    )
    division_code = models.CharField("行政区划代码", max_length=12, blank=True)
    level = models.CharField("层级", max_length=12, choices=UnitLevel.choices)
    parent = models.ForeignKey("self", verbose_name="上级单位", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        creating = self.pk is None
        super().save(*args, **kwargs)
        new_path = (self.parent.path if self.parent else "/") + f"{self.pk}/"
        new_depth = self.parent.depth + 1 if self.parent else 0
        if new_path != self.path or new_depth != self.depth:
            old_path = self.path
            Unit.objects.filter(pk=self.pk).update(path=new_path, depth=new_depth)
            self.path, self.depth = new_path, new_depth
            if not creating and old_path:
                # A moved unit carries its subtree with it.
                for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.save()

    def is_within(self, other: "Unit") -> bool:
        """True when this unit is `other` or below it."""
        return self.path.startswith(other.path)

    def jurisdiction(self) -> "Unit":
        """The unit whose subtree this unit may assign work to: a 信访局 acts for the
        government it belongs to (its parent); any other unit for itself."""
        if self.level == UnitLevel.BUREAU and self.parent_id:
            return self.parent
        return self

    def ancestors(self) -> list["Unit"]:
        ids = [int(p) for p in self.path.strip("/").split("/") if p][:-1]
        by_id = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]


class RoleCode(models.TextChoices):
    REGISTRAR = "registrar", "登记员"
    HANDLER = "handler", "承办人"
    REVIEWER = "reviewer", "审核人"
    LEADER = "leader", "领导"
    SUPERVISOR = "supervisor", "督查员"
    MEDIATOR = "mediator", "网格员/调解员"
    INSPECTOR = "inspector", "安全检查员"
    ADMIN = "admin", "管理员"


class Role(models.Model):
    code = models.CharField("代码", max_length=20, unique=True, choices=RoleCode.choices)
    name = models.CharField("名称", max_length=40)
    sees_personal_data = models.BooleanField(
        "可查看完整个人信息", default=False,
        help_text="可在审计记录下查看未脱敏的身份证号、电话、住址",
    )

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"

    def __str__(self) -> str:
        return self.name


class DataScope(models.TextChoices):
    OWN_UNIT = "own", "本单位"
    SUBTREE = "subtree", "本单位及下级"
    ALL = "all", "全部"


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=40, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="所属单位", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="users")
    roles = models.ManyToManyField(Role, verbose_name="角色", blank=True, related_name="users")
    data_scope = models.CharField("数据范围", max_length=10, choices=DataScope.choices,
                                  default=DataScope.OWN_UNIT)
    mobile = models.CharField("手机号", max_length=20, blank=True,
                              help_text="填写后，临期、超期和督办提醒同时以短信发送")

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("code", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes() & set(codes))

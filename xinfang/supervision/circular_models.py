"""Circulars (通报): models, imported by models.py."""
from django.conf import settings
from django.db import models

from xinfang.orgs.models import Unit

__all__ = ["Circular"]


def circular_file_path(instance: "Circular", filename: str) -> str:
    """Named by the circular's number (unit, year, seq), like the petition documents."""
    return f"circulars/{instance.year}/{instance.unit.short_code}/{filename}"


class Circular(models.Model):
    """A 通报 on late work in an area for a period, numbered per issuing unit and year without
    gaps. Its text is frozen when issued (content), so the files rendered later say what was
    issued even after the cases move on."""
    unit = models.ForeignKey(Unit, verbose_name="发文单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年份")
    seq = models.PositiveIntegerField("顺序号")
    number = models.CharField("文号", max_length=120)
    title = models.CharField("标题", max_length=200)
    area = models.ForeignKey(Unit, verbose_name="通报范围", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    content = models.JSONField("通报内容", default=dict)
    docx = models.FileField("Word 文件", upload_to=circular_file_path, max_length=200, blank=True)
    pdf = models.FileField("PDF 文件", upload_to=circular_file_path, max_length=200, blank=True)
    issued_at = models.DateTimeField("发布时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "seq"], name="circular_unique_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

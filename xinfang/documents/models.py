"""文书: the written notices a petition's steps produce (信访工作条例 Arts 23, 31, 32, 34–36),
stored with the case, numbered per issuing unit, kind and year."""
from django.conf import settings
from django.db import models

from xinfang.core.models import Case, Event
from xinfang.orgs.models import Unit


class DocumentKind(models.TextChoices):
    """Each kind's label is the name the workflow table gives it (`Transition.document`)."""

    ACCEPTANCE = "acceptance", "受理告知书"
    DECLINE = "decline", "不予受理告知书"
    ANSWER = "answer", "处理意见书"
    REVIEW = "review", "复查意见书"
    REREVIEW = "rereview", "复核意见书"
    EXTENSION = "extension", "延期告知书"


def document_file_path(instance: "Document", filename: str) -> str:
    """Named by the document's number, so a file left by a rolled-back step (its number
    given back) is overwritten by the step that takes the number next."""
    return f"documents/{instance.year}/{instance.unit.short_code}/{filename}"


class Document(models.Model):
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.CASCADE, related_name="documents")
    event = models.ForeignKey(Event, verbose_name="产生文书的步骤", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("文书种类", max_length=20, choices=DocumentKind.choices)
    unit = models.ForeignKey(Unit, verbose_name="发文单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年份")
    seq = models.PositiveIntegerField("顺序号")
    number = models.CharField("文号", max_length=120)
    title = models.CharField("标题", max_length=200)
    addressed_to_petitioner = models.BooleanField("主送信访人", default=True)
    # The text as issued, frozen at the step (a later change of a name or a unit does not
    # rewrite a notice already sent); the files are rendered from it on first download.
    content = models.JSONField("文书内容", default=dict)
    docx = models.FileField("Word 文件", upload_to=document_file_path, max_length=200, blank=True)
    pdf = models.FileField("PDF 文件", upload_to=document_file_path, max_length=200, blank=True)
    generated_at = models.DateTimeField("生成时间")
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["case_id", "event__seq", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year", "seq"], name="document_unique_number"),
            models.UniqueConstraint(fields=["event", "kind"], name="document_unique_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

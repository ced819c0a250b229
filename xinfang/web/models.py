"""What the staff pages keep of their own: a user's saved list filters."""
from django.conf import settings
from django.db import models


class SavedFilter(models.Model):
    """A named set of case-list conditions (the query string of /cases/), one user's own."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="saved_filters")
    name = models.CharField("名称", max_length=40)
    query = models.CharField("查询条件", max_length=1000, blank=True)
    created_at = models.DateTimeField("保存时间")

    class Meta:
        verbose_name = "常用查询"
        verbose_name_plural = "常用查询"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedfilter_unique_name")]

    def __str__(self) -> str:
        return self.name

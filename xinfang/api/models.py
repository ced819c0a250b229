"""API tokens. Only the SHA-256 of a token is stored: the plain token is shown once, when
it is issued, and cannot be recovered from the database."""
from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField("名称", max_length=100, help_text="用途，例如：12345热线对接")
    token_hash = models.CharField("令牌摘要（SHA-256）", max_length=64, unique=True, editable=False)
    created = models.DateTimeField("签发时间")
    last_used = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

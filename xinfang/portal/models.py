"""The portal's own table: the captcha challenges it hands out. The answer stays here, on
the server; the page only carries the challenge's random key."""
from django.db import models


class CaptchaKind(models.TextChoices):
    IMAGE = "image", "图形算式"
    TEXT = "text", "文字题"


class CaptchaChallenge(models.Model):
    key = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=8, choices=CaptchaKind.choices, default=CaptchaKind.IMAGE)
    question = models.CharField(max_length=100)
    answer = models.CharField(max_length=20)
    created_at = models.DateTimeField(db_index=True)
    # Set by the first attempt, right or wrong: a challenge is never judged twice.
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "验证码"
        verbose_name_plural = "验证码"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key[:8]}…"

"""站内通知: what a member of staff must hear of — a matter given to their unit, an answer
returned for rework, an approval waiting, a deadline near or passed. Matter-centred: a
notification names a case and a step, never a petitioner."""
from django.conf import settings
from django.db import models

from xinfang.core.models import Case


class NotificationKind(models.TextChoices):
    RECEIVED = "received", "新收信访"
    ASSIGNED = "assigned", "新交办"
    RETURNED = "returned", "退回"
    APPROVAL_WAITING = "approval_waiting", "待审批"
    DECIDED = "decided", "审批结果"
    DUE_SOON = "due_soon", "临期提醒"
    OVERDUE = "overdue", "超期提醒"
    SUPERVISION = "supervision", "督办"


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="notifications")
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("类型", max_length=20, choices=NotificationKind.choices)
    text = models.CharField("内容", max_length=300)
    due_date = models.DateField("期限", null=True, blank=True)
    # Idempotency: "event:<event id>" for a workflow step, "<kind>:<case id>:<due date>" for a
    # deadline reminder; unique per recipient, so a repeated run or a retried hook adds nothing.
    key = models.CharField("去重键", max_length=80)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_unique_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text


class OutboundMessage(models.Model):
    """A notification sent out of the app (SMS): one per notification, so a resend never
    doubles, and the office can see what went out and what failed."""
    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="outbound")
    channel = models.CharField("渠道", max_length=20, default="sms")
    phone = models.CharField("号码", max_length=20)
    text = models.CharField("内容", max_length=300)
    status = models.CharField("状态", max_length=10, default="sent")  # sent / failed
    reference = models.CharField("网关回执", max_length=100, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)
    sent_at = models.DateTimeField("发送时间")

    class Meta:
        verbose_name = "短信记录"
        verbose_name_plural = "短信记录"
        ordering = ["-sent_at", "-id"]

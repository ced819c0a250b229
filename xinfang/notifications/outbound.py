"""Reminders out of the app: a pluggable SMS gateway (XINFANG_SMS_GATEWAY, a class with
`send(*, phone, text) -> str` returning the gateway's reference) and the sweep that sends
each deadline and 督办 reminder once to a recipient who has a mobile number.

The default gateway only logs: an intranet demo has no operator to talk to. A deployment
plugs in its operator's HTTP interface with the same one method."""
import logging

from django.conf import settings
from django.utils.module_loading import import_string

from xinfang.core import clock

from .models import Notification, NotificationKind, OutboundMessage

log = logging.getLogger("xinfang.sms")

# Which notifications also go out by SMS: the ones about time running out.
OUTBOUND_KINDS = (NotificationKind.DUE_SOON, NotificationKind.OVERDUE, NotificationKind.SUPERVISION)
BATCH = 500


class LoggingSmsGateway:
    """Writes each message to the `xinfang.sms` log instead of sending it."""

    def send(self, *, phone: str, text: str) -> str:
        log.info("SMS to %s: %s", phone, text)
        return "logged"


def sms_gateway():
    return import_string(settings.XINFANG_SMS_GATEWAY)()


def outbound_send_pending(*, gateway=None) -> int:
    """Send every reminder not yet sent to a recipient with a mobile number. Idempotent (one
    OutboundMessage per notification); a gateway error is recorded and not retried blindly.
    Returns how many were sent."""
    gateway = gateway or sms_gateway()
    pending = (Notification.objects.filter(kind__in=OUTBOUND_KINDS, outbound__isnull=True, read_at__isnull=True)
               .exclude(recipient__mobile="").select_related("recipient").order_by("pk")[:BATCH])
    sent = 0
    for n in pending:
        try:
            reference = gateway.send(phone=n.recipient.mobile, text=n.text)
            status, error = "sent", ""
            sent += 1
        except Exception as exc:  # noqa: BLE001 — the gateway is someone else's code
            reference, status, error = "", "failed", str(exc)[:300]
            log.warning("SMS to %s failed: %s", n.recipient.mobile, exc)
        OutboundMessage.objects.create(notification=n, phone=n.recipient.mobile, text=n.text, status=status,
                                       reference=str(reference)[:100], error=error, sent_at=clock.now())
    return sent

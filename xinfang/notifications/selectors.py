"""Notification reads: only the user's own."""
from django.db import models
from django.db.models import QuerySet, When

from xinfang.orgs.models import User

from .models import Notification


def notifications_for(*, user: User) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each."""
    unread_first = models.Case(When(read_at__isnull=True, then=0), default=1)
    return (Notification.objects.filter(recipient=user).select_related("case")
            .order_by(unread_first, "-created_at", "-id"))


def notifications_unread_count(*, user: User) -> int:
    """One indexed count (recipient, read_at): it is on every page, in the navigation."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

from django import template

from ..selectors import notifications_unread_count

register = template.Library()


@register.simple_tag
def notifications_unread(user) -> int:
    """The unread count for the navigation (0 for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return notifications_unread_count(user=user)

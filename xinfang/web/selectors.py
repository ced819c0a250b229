"""Reads of the staff pages' own data."""
from django.db.models import QuerySet

from xinfang.orgs.models import User

from .models import SavedFilter


def saved_filters_for(*, user: User) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user=user).order_by("name", "id")

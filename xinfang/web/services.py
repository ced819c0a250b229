"""Writes of the staff pages' own data (saved list filters). Case state is never written here."""
from django.db import transaction

from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.orgs.models import User

from .models import SavedFilter

SAVED_FILTERS_MAX = 30


def saved_filter_save(*, user: User, name: str, query: str) -> SavedFilter:
    """Save the list's conditions under a name; the same name again replaces them."""
    name = name.strip()
    if not name:
        raise ValidationFailed("请填写常用查询的名称。", field="name")
    if len(name) > 40:
        raise ValidationFailed("常用查询的名称不能超过40个字。", field="name")
    if len(query) > 1000:
        raise ValidationFailed("查询条件过长，无法保存。", field="query")
    with transaction.atomic():
        existing = SavedFilter.objects.select_for_update().filter(user=user, name=name).first()
        if existing is not None:
            existing.query = query
            existing.save(update_fields=["query"])
            return existing
        if SavedFilter.objects.filter(user=user).count() >= SAVED_FILTERS_MAX:
            raise ValidationFailed(f"最多保存 {SAVED_FILTERS_MAX} 个常用查询，请先删除不用的。", field="name")
        return SavedFilter.objects.create(user=user, name=name, query=query, created_at=clock.now())


def saved_filter_delete(*, user: User, filter_id: int) -> None:
    """Delete one of the user's own saved filters; another user's answers "not found"."""
    deleted, _ = SavedFilter.objects.filter(user=user, pk=filter_id).delete()
    if not deleted:
        raise NotFound("未找到该常用查询。")

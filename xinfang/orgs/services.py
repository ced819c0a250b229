"""Writes to units and users (configuration, done by admins and commands)."""
from django.db import transaction

from xinfang.audit.services import audit_record
from xinfang.core.errors import ValidationFailed

from .models import DataScope, Role, Unit, User


@transaction.atomic
def user_create(*, actor: User | None, username: str, password: str, unit: Unit, roles: list[str],
                display_name: str = "", data_scope: str = DataScope.OWN_UNIT) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"用户名 {username} 已存在。", field="username")
    if len(password) < 8:
        raise ValidationFailed("密码至少8位。", field="password")
    found = list(Role.objects.filter(code__in=roles))
    missing = set(roles) - {r.code for r in found}
    if missing:
        raise ValidationFailed(f"未知角色：{', '.join(sorted(missing))}。", field="roles")
    if data_scope not in DataScope.values:
        raise ValidationFailed("数据范围只能是 own / subtree / all。", field="data_scope")
    user = User.objects.create_user(username=username, password=password, unit=unit,
                                    display_name=display_name or username, data_scope=data_scope,
                                    is_staff="admin" in roles, is_superuser="admin" in roles)
    user.roles.set(found)
    audit_record(actor=actor, actor_kind="staff" if actor else "system", action="user.create",
                 object_type="user", object_id=user.pk,
                 detail={"username": username, "unit": unit.pk, "roles": sorted(roles), "scope": data_scope})
    return user

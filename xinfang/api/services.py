"""API token writes: issuing a token and recording its use."""
import datetime as dt
import hashlib
import secrets

from django.db import transaction

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.errors import Unauthenticated, ValidationFailed
from xinfang.orgs.models import User

from .models import ApiToken

TOKEN_PREFIX = "xf_"
# Writing last_used on every request would turn every read into a write; once a minute
# is enough to tell a live integration from a dead one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def api_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User, name: str, actor: User | None = None) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the plain token, which is shown once
    and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("令牌名称为必填项。", field="name")
    if len(name) > 100:
        raise ValidationFailed("令牌名称过长（最多 100 字）。", field="name")
    if not user.is_active:
        raise ValidationFailed(f"用户 {user.username} 已停用，不能签发令牌。", field="user")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, token_hash=api_token_digest(plain), created=clock.now())
    audit_record(actor=actor, actor_kind="staff" if actor else "system", action="api_token.issue",
                 object_type="user", object_id=user.pk, detail={"token": token.pk, "name": name})
    return token, plain


def api_token_user(*, token: str) -> User:
    """The active user a bearer token belongs to; Unauthenticated if none."""
    row = (ApiToken.objects.select_related("user", "user__unit")
           .filter(token_hash=api_token_digest(token.strip())).first())
    if row is None or not row.user.is_active:
        raise Unauthenticated("接口令牌无效或已被吊销。")
    now = clock.now()
    if row.last_used is None or now - row.last_used > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used=now)
    return row.user

"""Who is calling: a bearer token (`Authorization: Bearer <token>`) for integrations, or the
logged-in Django session for the staff pages' htmx calls (with CSRF on unsafe methods)."""
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from ninja.security import APIKeyCookie, HttpBearer

from xinfang.core.errors import Forbidden

from .services import api_token_user

_SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # A token that is present but wrong is an error of its own (401 with a clear
        # message), not a fall-through to the session.
        return api_token_user(token=token)


class SessionAuth(APIKeyCookie):
    """The Django session. Unlike ninja's own SessionAuth, the CSRF check runs only once
    a logged-in user is found, so a token client without cookies gets a clean 401."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in _SAFE_METHODS:
            request.csrf_processing_done = False
            middleware = CsrfViewMiddleware(lambda r: None)
            middleware.process_request(request)
            if middleware.process_view(request, lambda r: None, (), {}) is not None:
                raise Forbidden("CSRF 校验失败：请刷新页面后重试（请求头需带 X-CSRFToken）。", code="csrf_failed")
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
STAFF_AUTH = [token_auth, session_auth]

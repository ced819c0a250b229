"""One error shape for the whole API: `{code, message, field}` in Chinese, with the
XinfangError's status. Ninja's own errors (authentication, bad JSON, wrong types,
throttling) are turned into the same shape here."""
import json
import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError, ValidationErrorContext
from ninja.parser import Parser
from pydantic import BaseModel

from xinfang.core.errors import (Forbidden, NotFound, RateLimited, ServerError, Unauthenticated, ValidationFailed,
                                 XinfangError)
from xinfang.core.validation import validation_error_dict_convert

logger = logging.getLogger("xinfang.api")


class JsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            where = f"（第 {exc.lineno} 行第 {exc.colno} 列）" if isinstance(exc, json.JSONDecodeError) else ""
            # Ninja wraps this in HttpError(400); the handler below unwraps it.
            raise ValidationFailed(f"请求体不是有效的 JSON{where}。", field="body") from None


_WHOLE_BODY_ERRORS = {"missing", "model_type", "model_attributes_type", "dict_type"}


def request_validation_convert(contexts: list[ValidationErrorContext]) -> ValidationFailed:
    """Ninja wraps each parameter in a field of its own model; the caller named the fields
    of the schema inside, so the message and `field` are about those."""
    context = contexts[0]
    model: type[BaseModel] = context.model
    error = dict(context.pydantic_validation_error.errors(include_url=False)[0])
    loc = tuple(error.get("loc") or ())
    source = getattr(model, "__ninja_param_source__", "")
    if loc and loc[0] in model.model_fields:
        inner = model.model_fields[loc[0]].annotation
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            if len(loc) == 1 and error["type"] in _WHOLE_BODY_ERRORS and source == "body":
                message = "缺少请求体（JSON 对象）。" if error["type"] == "missing" else "请求体必须是 JSON 对象。"
                return ValidationFailed(message, field="body")
            model, loc = inner, loc[1:]
    error["loc"] = loc
    return validation_error_dict_convert(model, error)


def _respond(api, request: HttpRequest, exc: XinfangError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


def exception_handlers_install(api) -> None:
    def on_xinfang(request, exc: XinfangError):
        return _respond(api, request, exc)

    def on_validation(request, exc: ValidationError):
        # Only reached if something bypasses validation_error_from_error_contexts.
        first = exc.errors[0] if exc.errors else {}
        field = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
        return _respond(api, request, ValidationFailed("输入格式不正确。", field=field))

    def on_unauthenticated(request, exc: AuthenticationError):
        return _respond(api, request, Unauthenticated(
            "请先登录，或在请求头中提供 Authorization: Bearer <接口令牌>。"))

    def on_throttled(request, exc: Throttled):
        return _respond(api, request, RateLimited("请求过于频繁，请稍后再试。"))

    def on_http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, XinfangError):
            return _respond(api, request, exc.__cause__)
        if exc.status_code == 400:
            return _respond(api, request, ValidationFailed("请求格式不正确。"))
        if exc.status_code == 403:
            return _respond(api, request, Forbidden("没有权限。"))
        if exc.status_code == 404:
            return _respond(api, request, NotFound())
        return api.create_response(request, {"code": "error", "message": str(exc), "field": None},
                                   status=exc.status_code)

    def on_404(request, exc: Http404):
        return _respond(api, request, NotFound())

    def on_unexpected(request, exc: Exception):
        logger.exception("API error on %s %s", request.method, request.path)
        return _respond(api, request, ServerError("服务器内部错误，请稍后重试或联系管理员。"))

    api.add_exception_handler(XinfangError, on_xinfang)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(AuthenticationError, on_unauthenticated)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(Exception, on_unexpected)

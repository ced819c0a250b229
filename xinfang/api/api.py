"""The JSON API at /api/v1/ (django-ninja). OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs (offline). Handlers are thin: parse, call a service or selector, render."""
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import (accountability, assessments, campaigns, cases, circulars, community_board, disputes, docs, documents, emergencies,
               hazards, intake, meetings, public, search, stats)
from .errors import JsonParser, exception_handlers_install, request_validation_convert


class Utf8JSONRenderer(JSONRenderer):
    # Chinese as UTF-8, not \uXXXX escapes: readable in curl and logs, and a third smaller.
    json_dumps_params = {"ensure_ascii": False}


class XinfangAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        # One error shape: request validation errors become ValidationFailed with a
        # Chinese message naming the field, like every other bad input.
        return request_validation_convert(error_contexts)


api = XinfangAPI(
    title="信访与矛盾纠纷化解平台 API", version="1", urls_namespace="api",
    description="认证：请求头 `Authorization: Bearer <令牌>`（令牌由 `xinfang token 用户名` 签发），"
                "或已登录的会话（非安全方法须带 X-CSRFToken）。错误统一为 `{code, message, field}`。",
    parser=JsonParser(), renderer=Utf8JSONRenderer(), docs=docs.LocalSwagger(),
)
exception_handlers_install(api)
api.add_router("", cases.router)
api.add_router("", public.router)
api.add_router("", stats.router)
api.add_router("", search.router)
api.add_router("", intake.router)
api.add_router("", disputes.router)
api.add_router("", hazards.router)
api.add_router("", assessments.router)
api.add_router("", documents.router)
api.add_router("", emergencies.router)
api.add_router("", campaigns.router)
api.add_router("", meetings.router)
api.add_router("", accountability.router)
api.add_router("", community_board.router)
api.add_router("", circulars.router)
api.add_router("", docs.router)

"""The public portal (no login): submit a petition, follow it with its query code, rate the
answer or ask for 复查 / 复核, and the guide. Views only parse, call and render; every page
works without JavaScript."""
import re

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xinfang.core.attachments import attachment_limits
from xinfang.core.errors import NotFound, RateLimited, XinfangError
from xinfang.core.models import Case, Deadline
from xinfang.petitions.models import ClaimType, Satisfaction

from .captcha import captcha_svg
from .models import CaptchaKind
from .selectors import (captcha_get, petition_by_query_code, petition_portal_view, petition_time_limits,
                        portal_accused_choices, portal_category_choices, portal_place_choices,
                        portal_unit_or_none)
from .services import SubmissionInvalid, captcha_issue, captcha_minutes, petition_public_act, petition_submit_online
from .throttle import captcha_throttle, rating_throttle, submit_throttle, track_throttle

SESSION_SUBMITTED = "portal_submitted"   # the number of the matter this browser just submitted
SESSION_FOLLOW = "portal_follow"         # the query code this browser is following

FORM_FIELDS = ("name", "phone", "address", "id_number", "claim_type", "title", "request", "facts",
               "category_id", "place_unit_id", "accused_unit_id")
CHOICE_FIELDS = ("category_id", "place_unit_id", "accused_unit_id")

CLAIM_TYPE_HINTS = {
    ClaimType.REQUEST: "请求解决自己的具体问题，或对处理结果不服提出申诉",
    ClaimType.SUGGESTION: "对工作提出建议、意见",
    ClaimType.ACCUSATION: "检举、控告有关单位或工作人员的违法违纪行为",
}

# What each state means for the petitioner, in plain words (信访工作条例 article in brackets).
STATUS_EXPLAINED = {
    "registered": "您的信访事项已登记。有关机关将依法决定是否受理，并书面告知您（《信访工作条例》第22、23条）。",
    "assigned": "已交由有关单位办理，该单位将决定是否受理并告知您（《信访工作条例》第22条）。",
    "transferred": "已转送有权处理的机关，由其决定是否受理并告知您（《信访工作条例》第22条）。",
    "accepted": "已受理，正在调查处理。办理机关将在办理期限内出具书面处理意见（《信访工作条例》第34条）。",
    "extension_requested": "正在调查处理。办理机关将在办理期限内出具书面处理意见（《信访工作条例》第34条）。",
    "suspended": "因听证等原因中止办理，中止期间不计入办理期限。",
    "answer_pending": "正在调查处理，书面处理意见正在审核。",
    "answered": "已出具书面处理意见（见下方）。如不服，可在期限内请求上一级机关复查（《信访工作条例》第35条）。",
    "review_requested": "您已请求复查，由上一级机关受理。",
    "under_review": "复查机关正在复查，将在30日内出具复查意见（《信访工作条例》第35条）。",
    "reviewed": "已出具复查意见（见下方）。如不服，可在期限内请求复核（《信访工作条例》第36条）。",
    "rereview_requested": "您已请求复核，由复查机关的上一级机关受理。",
    "under_rereview": "复核机关正在复核，将在30日内出具复核意见（《信访工作条例》第36条）。",
    "rereview_suspended": "复核机关正在举行听证，听证时间不计入复核期限（《信访工作条例》第36条）。",
    "concluded": "复核意见已出具，事项终结。以同一事实和理由再次提出的，不再受理（《信访工作条例》第36条）。",
    "closed": "事项已办结。",
    "declined": "经审查不予受理。请按告知的途径依法解决（《信访工作条例》第31条）。",
    "merged": "与您此前提出的同一事项合并办理，请以原事项的办理进度为准。",
}

PUBLIC_ACTION_DONE = {
    "rate": "感谢您的评价，已记录。",
    "request_review": "复查请求已提交，上一级机关将决定是否受理。",
    "request_rereview": "复核请求已提交，上一级机关将决定是否受理。",
}


RETENTION_NOTE = ("事项办结后，材料作为信访档案，按照国家信访档案管理规定的保管期限保存，"
                  "期满后依规定鉴定处理。")


def _page(request, template: str, context: dict | None = None, *, status: int = 200, nav: str = ""):
    return render(request, template, {
        "portal_unit": portal_unit_or_none(), "nav": nav,
        "retention_note": getattr(settings, "XINFANG_PORTAL_RETENTION_NOTE", "") or RETENTION_NOTE,
        **(context or {})}, status=status)


def _too_many(request, throttle) -> str:
    minutes = max(1, round((throttle.wait() or 60) / 60))
    return f"操作过于频繁，请约 {minutes} 分钟后再试。"


def home(request):
    return _page(request, "portal/home.html", nav="home")


# --- 网上信访 ---------------------------------------------------------------------------------

def _form_read(post) -> tuple[dict, dict]:
    """(the service's input, what the resident typed, to show again)."""
    typed = {f: post.get(f, "").strip() for f in FORM_FIELDS}
    data = {f: v for f, v in typed.items() if not (f in CHOICE_FIELDS or f == "claim_type") or v}
    return data, typed


def _files_read(request) -> list[tuple[str, bytes]]:
    # Read one byte past the limit at most: enough for the check to refuse it, no more.
    max_bytes = attachment_limits(public=True)[0]
    return [(f.name, f.read(max_bytes + 1)) for f in request.FILES.getlist("attachments")]


def _submit_page(request, *, typed: dict, errors: dict, kind: str, status: int = 200, general: str = ""):
    max_bytes, max_files, types = attachment_limits(public=True)
    challenge = None
    if captcha_throttle.allow_request(request):
        challenge = captcha_issue(kind=kind)
    elif not general:
        general, status = _too_many(request, captcha_throttle), 429
    return _page(request, "portal/submit.html", {
        "v": typed, "errors": errors, "general": general, "challenge": challenge,
        "captcha_minutes": captcha_minutes(),
        "claim_types": [(value, label, CLAIM_TYPE_HINTS.get(value, "")) for value, label in ClaimType.choices],
        "categories": portal_category_choices(), "places": portal_place_choices(),
        "accused_units": portal_accused_choices(),
        "max_mb": max_bytes // (1024 * 1024), "max_files": max_files,
        "type_labels": "、".join(t.label for t in types),
        "accept": ",".join(sorted({t.content_type for t in types} | {e for t in types for e in t.extensions})),
    }, status=status, nav="submit")


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method != "POST":
        kind = CaptchaKind.TEXT if request.GET.get("captcha") == CaptchaKind.TEXT else CaptchaKind.IMAGE
        return _submit_page(request, typed={"claim_type": ClaimType.REQUEST}, errors={}, kind=kind)
    data, typed = _form_read(request.POST)
    kind = request.POST.get("captcha_kind", CaptchaKind.IMAGE)
    if request.POST.get("captcha_new"):
        # 换一题 / 改用文字题: the same form again, as typed, with a new challenge.
        return _submit_page(request, typed=typed, errors={}, kind=request.POST["captcha_new"])
    if not submit_throttle.allow_request(request):
        return _submit_page(request, typed=typed, errors={}, kind=kind, status=429,
                            general=_too_many(request, submit_throttle))
    files = _files_read(request)
    try:
        case = petition_submit_online(data=data, files=files, captcha_key=request.POST.get("captcha_key", ""),
                                      captcha_answer=request.POST.get("captcha", ""))
    except SubmissionInvalid as exc:
        errors = dict(exc.errors)
        if files and "attachments" not in errors:
            errors["attachments"] = "为安全起见，附件未保存，请重新选择。"
        return _submit_page(request, typed=typed, errors=errors, kind=kind, status=422,
                            general="提交未成功，请按提示修改后重新提交；已填写的内容已为您保留。")
    request.session[SESSION_SUBMITTED] = case.number
    request.session[SESSION_FOLLOW] = case.query_code
    return redirect("portal:submitted")


@never_cache
def submitted(request):
    number = request.session.get(SESSION_SUBMITTED)
    case = Case.objects.filter(number=number or "", kind="petition").first()
    if case is None:
        return redirect("portal:submit")
    notice = Deadline.objects.filter(case=case, key="acceptance_notice").order_by("-id").first()
    return _page(request, "portal/submitted.html", {
        "case": case, "notice": notice, "limits": {d["key"]: d for d in petition_time_limits()},
    }, nav="submit")


def captcha_image(request, key: str):
    try:
        challenge = captcha_get(key=key)
    except NotFound:
        raise Http404("验证码已失效。") from None
    if challenge.kind != CaptchaKind.IMAGE:
        raise Http404("验证码已失效。")
    response = HttpResponse(captcha_svg(challenge.question), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


# --- 查询进度 ---------------------------------------------------------------------------------

def _code_clean(raw: str) -> str:
    # Read aloud and typed in any case, perhaps with spaces or dashes between groups.
    return re.sub(r"[\s\-－]", "", raw or "").upper()[:40]


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request):
    if request.method != "POST":
        return _page(request, "portal/follow.html", {"code": ""}, nav="follow")
    code = _code_clean(request.POST.get("query_code", ""))
    if not track_throttle.allow_request(request):
        return _page(request, "portal/follow.html", {"code": code, "error": _too_many(request, track_throttle)},
                     status=429, nav="follow")
    try:
        case = petition_by_query_code(query_code=code)
    except NotFound as exc:
        return _page(request, "portal/follow.html", {"code": code, "error": exc.message}, status=404, nav="follow")
    request.session[SESSION_FOLLOW] = case.query_code
    return redirect("portal:matter")


def _deadline_rows(deadlines: list[dict]) -> list[dict]:
    rows = []
    for d in deadlines:
        if d["state"] == "paused":
            left = "中止计时"
        elif d["active"] and d["days_left"] is not None:
            left = f"还剩 {d['days_left']} 天" if d["days_left"] >= 0 else f"已超过 {-d['days_left']} 天"
        else:
            left = d["state_label"]
        rows.append({**d, "left": left, "petitioner": d["obligation"] == "petitioner"})
    return rows


def _matter_page(request, case: Case, *, error: XinfangError | None = None, error_action: str = "",
                 typed: dict | None = None):
    view = petition_portal_view(case=case)
    return _page(request, "portal/matter.html", {
        "m": view, "explained": STATUS_EXPLAINED.get(view["status"], ""),
        "deadline_rows": _deadline_rows(view["deadlines"]), "levels": Satisfaction.choices,
        "error": error, "error_action": error_action, "typed": typed or {},
    }, status=error.status if error else 200, nav="follow")


@never_cache
@require_http_methods(["GET", "POST"])
def matter(request):
    code = request.session.get(SESSION_FOLLOW)
    if not code:
        return redirect("portal:follow")
    try:
        case = petition_by_query_code(query_code=code)
    except NotFound:
        request.session.pop(SESSION_FOLLOW, None)
        return redirect("portal:follow")
    if request.method != "POST":
        return _matter_page(request, case)
    action = request.POST.get("action", "")
    typed = {k: request.POST.get(k, "") for k in ("level", "comment", "reason")}
    if not rating_throttle.allow_request(request):
        return _matter_page(request, case, error=RateLimited(_too_many(request, rating_throttle)),
                            error_action=action, typed=typed)
    payload = ({"level": typed["level"], "comment": typed["comment"].strip()} if action == "rate"
               else {"reason": typed["reason"].strip()})
    try:
        petition_public_act(query_code=code, action=action, payload=payload)
    except XinfangError as exc:
        case.refresh_from_db()
        return _matter_page(request, case, error=exc, error_action=action, typed=typed)
    messages.success(request, PUBLIC_ACTION_DONE.get(action, "已提交。"))
    return redirect("portal:matter")


@require_POST
def follow_end(request):
    """结束查看: on a shared or public computer, the next person must not see the matter."""
    request.session.pop(SESSION_FOLLOW, None)
    request.session.pop(SESSION_SUBMITTED, None)
    return redirect("portal:follow")


# --- 办事指南 ---------------------------------------------------------------------------------

def guide(request):
    return _page(request, "portal/guide.html", nav="guide")


def guide_scope(request):
    return _page(request, "portal/guide_scope.html", nav="guide")


def guide_routes(request):
    return _page(request, "portal/guide_routes.html", nav="guide")


def guide_limits(request):
    return _page(request, "portal/guide_limits.html", {"limits": petition_time_limits()}, nav="guide")


def privacy(request):
    return _page(request, "portal/privacy.html", nav="guide")

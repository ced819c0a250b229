"""The intake fragments (full pages without htmx, see the fragment convention): suggestions
while a matter is typed at registration, and routing advice on a case page. Views only
parse, call a selector and render."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.core.selectors import case_get_for

from .selectors import case_routes_suggest, intake_suggest

TEXT_LIMIT = 5000   # a suggestion reads the opening of a long text; the model cuts at 1,500 anyway


def _is_fragment(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _render(request, fragment: str, title: str, context: dict, status: int = 200):
    if _is_fragment(request):
        return render(request, fragment, context, status=status)
    return render(request, "intake/page.html", {**context, "fragment": fragment, "page_title": title}, status=status)


def _optional_id(request, name: str, label: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(f"{label}不是有效的选项。", field=name) from None


@login_required
def suggest(request):
    """GET title, content, category_id, place_unit_id → top-3 categories, places found, and the
    responsible unit with its reason."""
    title = request.GET.get("title", "")[:TEXT_LIMIT]
    content = request.GET.get("content", "")[:TEXT_LIMIT]
    context = {"typed": bool((title + content).strip()), "error": None, "suggestion": None}
    try:
        category_id = _optional_id(request, "category_id", "分类")
        place_unit_id = _optional_id(request, "place_unit_id", "发生地")
    except ValidationFailed as exc:
        context["error"] = exc
        return _render(request, "intake/_suggest.html", "登记建议", context, status=exc.status)
    if context["typed"]:
        context["suggestion"] = intake_suggest(title=title, content=content, category_id=category_id,
                                               place_unit_id=place_unit_id)
    return _render(request, "intake/_suggest.html", "登记建议", context)


@login_required
def route(request, number: str):
    """Routing advice for a case the user may see (404 alike for missing and out of scope)."""
    try:
        case = case_get_for(user=request.user, number=number)
    except NotFound:
        raise Http404("未找到该案件，或无权查看。") from None
    context = {"case": case, "suggestion": case_routes_suggest(case=case)}
    return _render(request, "intake/_route.html", "交办建议", context)

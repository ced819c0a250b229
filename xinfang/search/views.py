"""Search pages and the fragments other pages embed (full pages without htmx). Views
only parse, call a selector and render."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.core.selectors import case_actions_for, case_get_for
from xinfang.web.rows import case_row

from .selectors import (
    cases_same_matter,
    cases_same_matter_as,
    cases_search,
    cases_similar_resolved,
)
from .topics import hot_topics_for


def _is_fragment(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _render(request, fragment: str, title: str, context: dict, status: int = 200):
    """The fragment alone for htmx; otherwise a full page around it."""
    if _is_fragment(request):
        return render(request, fragment, context, status=status)
    return render(request, "search/page.html", {**context, "fragment": fragment, "page_title": title},
                  status=status)


def _case_or_404(request, number: str):
    try:
        return case_get_for(user=request.user, number=number)
    except NotFound:
        raise Http404("未找到该案件，或无权查看。") from None


@login_required
def results(request):
    q = request.GET.get("q", "")
    context = {"q": q, "nav": "search", "page": None, "error": None, "rows": []}
    if q.strip() or "q" in request.GET:
        try:
            page = cases_search(user=request.user, q=q, limit=request.GET.get("limit") or 20,
                                offset=request.GET.get("offset") or 0)
        except ValidationFailed as exc:
            context["error"] = exc
            return render(request, "search/results.html", context, status=exc.status)
        today = clock.today()
        context["page"] = page
        context["prev_offset"] = max(0, page.offset - page.limit)
        context["rows"] = [(hit, case_row(request.user, hit.case, today)) for hit in page.hits]
    return render(request, "search/results.html", context)


def _optional_id(request, name: str, label: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(f"{label}不是有效的选项。", field=name) from None


@login_required
def same_matter(request):
    """At registration: the open cases that may be the same matter as the text being typed."""
    title, content = request.GET.get("title", ""), request.GET.get("content", "")
    context = {"candidates": [], "typed": bool((title + content).strip()), "error": None, "case": None}
    try:
        place = _optional_id(request, "place_unit_id", "发生地")
        _optional_id(request, "category_id", "分类")
    except ValidationFailed as exc:
        context["error"] = exc
        return _render(request, "search/_same_matter.html", "疑似同一事项", context, status=exc.status)
    if context["typed"]:
        context["candidates"] = cases_same_matter(user=request.user, title=title, content=content,
                                                  place_unit_id=place)
    return _render(request, "search/_same_matter.html", "疑似同一事项", context)


@login_required
def same_matter_case(request, number: str):
    """For a registered case: the open cases about the same matter, each with a button that
    links this case to the older one as a repeat (the workflow's merge_as_repeat)."""
    case = _case_or_404(request, number)
    may_merge = any(a.action == "merge_as_repeat" for a in case_actions_for(user=request.user, case=case))
    candidates = cases_same_matter_as(user=request.user, case=case)
    context = {"case": case, "typed": True, "error": None, "may_merge": may_merge,
               "candidates": candidates}
    return _render(request, "search/_same_matter.html", f"{case.number} 疑似同一事项", context)


@login_required
def similar(request, number: str):
    case = _case_or_404(request, number)
    context = {"case": case, "items": cases_similar_resolved(user=request.user, case=case)}
    return _render(request, "search/_similar.html", f"{case.number} 相似已办结案件", context)


@login_required
def hot_topics(request):
    context = {"error": None, "topics": [], "days": request.GET.get("days", "30")}
    try:
        context["topics"] = hot_topics_for(user=request.user, days=request.GET.get("days") or 30,
                                           limit=request.GET.get("limit") or 10)
    except ValidationFailed as exc:
        context["error"] = exc
        return _render(request, "search/_hot_topics.html", "热点问题", context, status=exc.status)
    return _render(request, "search/_hot_topics.html", "热点问题", context)

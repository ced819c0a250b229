"""督办 pages: the list of active supervisions, and the case page's 督办 section with its forms."""
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.core import clock
from xinfang.core.errors import NotFound, XinfangError
from xinfang.core.selectors import case_get_for

from . import services
from .models import SupervisionLevel
from .selectors import case_supervision_for, supervisions_active_for


def _case(user, number):
    try:
        return case_get_for(user=user, number=number)
    except NotFound:
        raise Http404("未找到该案件，或无权查看。") from None


@login_required
def supervision_list(request):
    page = Paginator(supervisions_active_for(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "supervision/list.html", {"page": page, "today": clock.today(), "nav": "supervision"})


@login_required
def case_supervision(request, number: str):
    case = _case(request.user, number)
    context = {"case": case, **case_supervision_for(user=request.user, case=case),
               "levels": SupervisionLevel.choices, "fragment": request.headers.get("HX-Request") == "true"}
    template = "supervision/_case_supervision.html" if context["fragment"] else "supervision/case.html"
    return render(request, template, context)


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except (ValueError, AttributeError):
        return None


@login_required
@require_POST
def case_supervision_act(request, number: str, action: str):
    case = _case(request.user, number)
    post = request.POST
    version = int(post["version"]) if post.get("version", "").isdigit() else None
    try:
        if action == "open":
            services.supervision_open(case=case, actor=request.user, level=post.get("level", ""),
                                      demand=post.get("demand", ""), due_date=_date(post.get("due_date", "")),
                                      version=version)
            messages.success(request, "已督办。")
        elif action == "remind":
            services.supervision_remind(case=case, actor=request.user, text=post.get("text", ""), version=version)
            messages.success(request, "已催办。")
        elif action == "report":
            services.supervision_report(case=case, actor=request.user, text=post.get("text", ""), version=version)
            messages.success(request, "已报告进展。")
        elif action == "lift":
            services.supervision_lift(case=case, actor=request.user, reason=post.get("reason", ""), version=version)
            messages.success(request, "已解除督办。")
        else:
            raise Http404("没有该操作。")
    except XinfangError as exc:
        messages.error(request, exc.message)
    return redirect("web:case", number=case.number)

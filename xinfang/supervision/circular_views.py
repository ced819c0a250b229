"""通报 pages: the list, the issue form, a circular's page and its downloads. Views only
parse, call circulars.py and render. Include with
`path("supervision/circulars/", include((circular_views.urlpatterns, "circulars")))`."""
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path

from xinfang.core import clock
from xinfang.core.errors import NotFound, XinfangError
from xinfang.orgs.models import Unit

from .circulars import (
    circular_areas_for,
    circular_draft,
    circular_file,
    circular_get_for,
    circular_issue,
    circulars_for,
)
from .services import SUPERVISOR_ROLES


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except (ValueError, AttributeError):
        return None


def _may_issue(user) -> bool:
    return user.has_role(*SUPERVISOR_ROLES)


@login_required
def circular_list(request):
    try:
        rows = circulars_for(user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from None
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "supervision/circular_list.html",
                  {"page": page, "may_issue": _may_issue(request.user), "nav": "supervision"})


@login_required
def circular_new(request):
    if not _may_issue(request.user):
        raise Http404("只有督查人员或领导可以发布通报。")
    try:
        areas = list(circular_areas_for(user=request.user))
    except NotFound as exc:
        raise Http404(exc.message) from None
    today = clock.today()
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - dt.timedelta(days=1)
    form = {"start": last_month_end.replace(day=1).isoformat(), "end": last_month_end.isoformat(),
            "area": str(areas[0].pk) if areas else ""}
    error = field = draft = None
    status = 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in ("start", "end", "area")}
        area = None
        if form["area"].isdigit():
            area = Unit.objects.filter(pk=int(form["area"])).first()
            if area is None:
                raise Http404("单位不存在，或不在您可查看的范围内。")
        # 预览: the draft as it would be issued now (not stored, not numbered); 发布: issue it.
        act = circular_draft if request.POST.get("preview") else circular_issue
        try:
            result = act(actor=request.user, area=area, start=_date(form["start"]), end=_date(form["end"]))
        except NotFound as exc:
            raise Http404(exc.message) from None
        except XinfangError as exc:
            error, field, status = exc.message, getattr(exc, "field", None), 400
        else:
            if act is circular_draft:
                draft = result
            else:
                messages.success(request, f"已发布通报 {result.number}。")
                return redirect("circulars:detail", circular_id=result.pk)
    return render(request, "supervision/circular_new.html",
                  {"form": form, "areas": areas, "error": error, "field": field, "draft": draft,
                   "nav": "supervision"}, status=status)


def _circular(request, circular_id: int):
    try:
        return circular_get_for(user=request.user, circular_id=circular_id)
    except NotFound:
        raise Http404("未找到该通报，或无权查看。") from None


@login_required
def circular_detail(request, circular_id: int):
    circular = _circular(request, circular_id)
    return render(request, "supervision/circular_detail.html",
                  {"c": circular, "facts": circular.content, "nav": "supervision"})


@login_required
def circular_download(request, circular_id: int, fmt: str):
    circular = _circular(request, circular_id)
    try:
        field, filename, content_type = circular_file(circular=circular, fmt=fmt)
    except NotFound:
        raise Http404("没有该格式。") from None
    inline = fmt == "pdf" and request.GET.get("download") != "1"
    response = FileResponse(field.open("rb"), as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


app_name = "circulars"
urlpatterns = [
    path("", circular_list, name="list"),
    path("new/", circular_new, name="new"),
    path("<int:circular_id>/", circular_detail, name="detail"),
    path("<int:circular_id>/<str:fmt>/", circular_download, name="download"),
]

"""站内通知 pages: the list, and marking read (POST only, with CSRF)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xinfang.core.errors import NotFound

from .selectors import notifications_for
from .services import notification_read, notifications_read_all

PAGE_SIZE = 30


@login_required
def notification_list(request):
    page = Paginator(notifications_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "nav": "notifications"})


def _read(request, pk: int):
    try:
        return notification_read(user=request.user, notification_id=pk)
    except NotFound:
        raise Http404("未找到该通知。") from None


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark read and go to the case it is about."""
    notification = _read(request, pk)
    return redirect("web:case", notification.case.number)


def _back_to_list(request):
    page = request.POST.get("page", "")
    url = reverse("notifications:list")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@login_required
@require_POST
def notification_mark_read(request, pk: int):
    _read(request, pk)
    return _back_to_list(request)


@login_required
@require_POST
def notifications_mark_all_read(request):
    count = notifications_read_all(user=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return _back_to_list(request)

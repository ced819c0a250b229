"""Document pages: a case's documents (a fragment for the case page, a full page without
htmx), the staff download, and the petitioner's download with the query code the portal
keeps in the session. Views only parse, call a selector or service, and render."""
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin

from xinfang.core.errors import NotFound
from xinfang.core.selectors import case_get_for
from xinfang.portal.throttle import track_throttle
from xinfang.portal.views import SESSION_FOLLOW

from .selectors import document_get_for, document_get_for_petitioner, documents_for
from .services import document_file


def _is_fragment(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def case_documents(request, number: str):
    try:
        case = case_get_for(user=request.user, number=number)
        rows = documents_for(user=request.user, case=case)
    except NotFound:
        raise Http404("未找到该案件，或无权查看。") from None
    context = {"case": case, "user": request.user, "rows": rows, "nav": "cases"}
    if _is_fragment(request):
        return render(request, "documents/_case_documents.html", context)
    return render(request, "documents/case_documents.html", context)


def _file_response(request, document, fmt: str) -> FileResponse:
    field, filename, content_type = document_file(document=document, fmt=fmt)
    inline = fmt == "pdf" and request.GET.get("download") != "1"
    response = FileResponse(field.open("rb"), as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@xframe_options_sameorigin
def download(request, document_id: int, fmt: str):
    """One document, for staff whose scope covers the case (and not the accused unit's)."""
    try:
        document = document_get_for(user=request.user, document_id=document_id, fmt=fmt)
    except NotFound:
        raise Http404("未找到该文书，或无权查看。") from None
    return _file_response(request, document, fmt)


@never_cache
def public_download(request, document_id: int, fmt: str):
    """The petitioner's copy: only a notice of the matter this browser follows (portal)."""
    code = request.session.get(SESSION_FOLLOW)
    if not code:
        return redirect("portal:follow")
    if not track_throttle.allow_request(request):
        return HttpResponse("操作过于频繁，请稍后再试。", status=429, content_type="text/plain; charset=utf-8")
    try:
        document = document_get_for_petitioner(query_code=code, document_id=document_id, fmt=fmt)
    except NotFound:
        raise Http404("未找到该文书。") from None
    return _file_response(request, document, fmt)

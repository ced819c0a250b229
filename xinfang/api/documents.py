"""Documents (文书): list a case's notices and download them, for staff in scope and for the
petitioner with the query code. Files are streamed; the JSON lists say what exists."""
import datetime as dt

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema

from xinfang.core.selectors import case_get_for
from xinfang.documents.models import Document
from xinfang.documents.selectors import (
    document_get_for,
    document_get_for_petitioner,
    documents_for,
    documents_for_petitioner,
)
from xinfang.documents.services import document_file

from .auth import STAFF_AUTH
from .schemas import ErrorOut
from .throttle import track_throttle

router = Router(auth=STAFF_AUTH, tags=["文书"])

READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}
FILE_DOC = {"responses": {"200": {"description": "文书文件（docx 或 pdf）", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
        "schema": {"type": "string", "format": "binary"}}}}}}


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    number: str
    unit: str
    event_seq: int
    event_label: str
    generated_at: dt.datetime
    downloadable: bool
    formats: list[str]


class DocumentListOut(Schema):
    items: list[DocumentOut]


def _render(document: Document, *, downloadable: bool = True) -> dict:
    return {"id": document.pk, "kind": document.kind, "title": document.title, "number": document.number,
            "unit": document.unit.name, "event_seq": document.event.seq, "event_label": document.event.label,
            "generated_at": document.generated_at, "downloadable": downloadable,
            "formats": ["pdf", "docx"] if downloadable else []}


def _file(document: Document, fmt: str) -> FileResponse:
    field, filename, content_type = document_file(document=document, fmt=fmt)
    response = FileResponse(field.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/cases/{number}/documents", response={200: DocumentListOut, **READ_ERRORS},
            summary="案件的文书", url_name="case_documents")
def case_documents(request: HttpRequest, number: str):
    """本案件已生成的书面文书（受理告知书、处理意见书等）。被检举控告单位的人员可见文书目录，
    但 downloadable 为 false，不能下载（文书载有信访人姓名）。"""
    case = case_get_for(user=request.auth, number=number)
    return {"items": [_render(r["document"], downloadable=r["downloadable"])
                      for r in documents_for(user=request.auth, case=case)]}


@router.get("/documents/{document_id}/{fmt}", response={200: None, **READ_ERRORS}, summary="下载文书",
            url_name="document_download", openapi_extra=FILE_DOC)
def document_download(request: HttpRequest, document_id: int, fmt: str):
    """下载一份文书，fmt 为 `pdf` 或 `docx`；每次下载记入审计。"""
    return _file(document_get_for(user=request.auth, document_id=document_id, fmt=fmt), fmt)


@router.get("/public/track/{query_code}/documents", auth=None, throttle=[track_throttle],
            response={200: DocumentListOut, frozenset({404, 429}): ErrorOut}, tags=["群众查询"],
            summary="凭查询码查看寄送给信访人的文书", url_name="public_documents")
def public_documents(request: HttpRequest, query_code: str):
    _, documents = documents_for_petitioner(query_code=query_code)
    return {"items": [_render(d) for d in documents]}


@router.get("/public/track/{query_code}/documents/{document_id}/{fmt}", auth=None, throttle=[track_throttle],
            response={200: None, frozenset({404, 429}): ErrorOut}, tags=["群众查询"],
            summary="凭查询码下载文书", url_name="public_document_download", openapi_extra=FILE_DOC)
def public_document_download(request: HttpRequest, query_code: str, document_id: int, fmt: str):
    return _file(document_get_for_petitioner(query_code=query_code, document_id=document_id, fmt=fmt), fmt)

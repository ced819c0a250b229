"""Reading documents. Every notice here is addressed to the petitioner and carries their
name, so besides the case's data scope it follows the identity rule: the people of the unit
a 检举控告 accuses never get one (信访工作条例 Art 30, Art 46) — for them it does not exist.
Opening a document's file is audited, like an attachment."""
from django.db.models import QuerySet

from xinfang.audit.services import audit_record
from xinfang.core.errors import NotFound
from xinfang.core.models import Case
from xinfang.core.selectors import case_visible
from xinfang.orgs.models import User
from xinfang.petitions.selectors import identity_hidden_from
from xinfang.portal.selectors import petition_by_query_code

from .models import Document

FORMATS = ("docx", "pdf")
NOT_FOUND = "未找到该文书，或无权查看。"


def documents_of_case(*, case: Case) -> QuerySet[Document]:
    return (Document.objects.filter(case=case).select_related("event", "unit")
            .order_by("event__seq", "id"))


def documents_for(*, user: User, case: Case) -> list[dict]:
    """The case's documents as this user may see them: each with `downloadable`, false for
    the accused unit's people (they see that a notice was issued, never the notice)."""
    if not case_visible(user=user, case=case):
        raise NotFound()
    hidden = identity_hidden_from(user=user, case=case)
    return [{"document": d, "downloadable": not (hidden and d.addressed_to_petitioner)}
            for d in documents_of_case(case=case)]


def _format_check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise NotFound("文书格式只能是 docx 或 pdf。")


def document_get_for(*, user: User, document_id: int, fmt: str) -> Document:
    """A document the user may open, its opening audited; missing, out of scope and
    identity-protected all answer alike: not found."""
    _format_check(fmt)
    document = Document.objects.select_related("case", "event", "unit").filter(pk=document_id).first()
    if document is None or not case_visible(user=user, case=document.case):
        raise NotFound(NOT_FOUND)
    if document.addressed_to_petitioner and identity_hidden_from(user=user, case=document.case):
        raise NotFound(NOT_FOUND)
    audit_record(actor=user, action="document.open", object_type="case", object_id=document.case.number,
                 detail={"document": document.pk, "number": document.number, "format": fmt})
    return document


def documents_for_petitioner(*, query_code: str) -> tuple[Case, list[Document]]:
    """What the holder of a query code may download: the notices addressed to them."""
    case = petition_by_query_code(query_code=query_code)
    return case, list(documents_of_case(case=case).filter(addressed_to_petitioner=True))


def document_get_for_petitioner(*, query_code: str, document_id: int, fmt: str) -> Document:
    """One notice of the matter with this query code, addressed to the petitioner; the
    opening is audited as a public read."""
    _format_check(fmt)
    case = petition_by_query_code(query_code=query_code)
    document = (Document.objects.select_related("case", "event", "unit")
                .filter(pk=document_id, case=case, addressed_to_petitioner=True).first())
    if document is None:
        raise NotFound(NOT_FOUND)
    audit_record(actor=None, actor_kind="public", action="document.open", object_type="case",
                 object_id=case.number, detail={"document": document.pk, "number": document.number, "format": fmt})
    return document

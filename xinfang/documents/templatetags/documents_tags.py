"""Template helpers for pages that show documents beside other things (the case page's
timeline, the portal's matter page)."""
from django import template

from xinfang.core.errors import NotFound

from ..selectors import documents_for, documents_for_petitioner

register = template.Library()


@register.simple_tag
def case_documents_for(case, user) -> list[dict]:
    """{% case_documents_for case user as doc_rows %}: rows of documents_for, [] if unseen."""
    try:
        return documents_for(user=user, case=case)
    except NotFound:
        return []


@register.filter
def for_event(rows: list[dict], event) -> list[dict]:
    """{% for r in doc_rows|for_event:t.event %}: the documents a timeline step produced."""
    return [r for r in rows or [] if r["document"].event_id == getattr(event, "pk", event)]


@register.simple_tag
def petitioner_documents_for(query_code: str) -> list:
    """{% petitioner_documents_for code as docs %}: the notices the code's holder may download."""
    try:
        return documents_for_petitioner(query_code=query_code)[1]
    except NotFound:
        return []

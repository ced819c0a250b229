"""Writing documents: made by the workflow step that the table names (`Transition.document`),
inside that step's transaction, numbered per issuing unit, kind and year without gaps.

Timing (docs/documents.md has the figures): the step composes and freezes the text (a few
milliseconds) and takes the number; the files are rendered from that text on their first
download and kept — the .docx (docxtpl, ~35–100 ms) as well as the PDF (WeasyPrint with CJK
fonts, ~70–250 ms): rendering both on every step doubled the demo's build time.
"""
import dataclasses

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.models import Case, Event
from xinfang.core.services import case_number_next
from xinfang.core.workflow import workflow_for, workflows_all
from xinfang.orgs.models import User

from .content import (
    TITLES,
    DocumentContent,
    document_content_compose,
    document_number_format,
    event_date,
)
from .models import Document, DocumentKind
from .render import TYPE_BY_FORMAT, docx_render, pdf_render

KIND_BY_LABEL = {kind.label: kind for kind in DocumentKind}
# The kinds of matter whose notices content.py can write (they read the petition's rows).
CASE_KINDS = frozenset({"petition"})


def document_red_head() -> bool:
    """Print the red 发文机关标志 and 版头 line (off for offices printing on letterhead)."""
    return bool(getattr(settings, "XINFANG_DOCUMENT_RED_HEAD", True))


def document_unit_abbreviations() -> dict:
    # 机关代字 per unit short code, e.g. {"SFQXFJ": "示信"}; the unit's name otherwise.
    return getattr(settings, "XINFANG_DOCUMENT_UNIT_ABBREVIATIONS", {}) or {}


def document_kind_for(*, case: Case, event: Event) -> DocumentKind | None:
    """The document the case's workflow table says this step produces, if we have its template."""
    if case.kind not in CASE_KINDS:
        return None
    transition = workflow_for(case.kind).transitions.get(event.action)
    return KIND_BY_LABEL.get(transition.document) if transition is not None and transition.document else None


def _file_save(field, name: str, data: bytes) -> None:
    storage = field.storage
    path = field.field.generate_filename(field.instance, name)
    if storage.exists(path):
        storage.delete(path)
    field.save(name, ContentFile(data), save=False)


def _file_stem(document: Document) -> str:
    return f"{document.kind}-{document.seq:05d}"


def _content_freeze(document: Document) -> None:
    document.content = dataclasses.asdict(document_content_compose(document=document, red_head=document_red_head()))


RENDERERS = {"docx": docx_render, "pdf": pdf_render}


def document_create(*, case: Case, event: Event, kind: DocumentKind) -> Document:
    """Number and write one document for the step `event`. Runs inside the step's
    transaction (or its own): the number is taken from the same counter table as case
    numbers, so a step rolled back gives its number back (no gaps, 公文 numbering practice)."""
    with transaction.atomic():
        # The organ that took the decision issues the notice.
        unit = event.actor_unit or case.owner_unit
        year = event_date(event).year
        _, seq = case_number_next(unit=unit, kind=f"doc.{kind}", prefix="", year=year)
        document = Document(
            case=case, event=event, kind=kind, unit=unit, year=year, seq=seq,
            number=document_number_format(unit=unit, kind=kind, year=year, seq=seq, abbreviations=document_unit_abbreviations()),
            title=TITLES[kind], addressed_to_petitioner=True, generated_at=clock.now(), generated_by=event.actor)
        _content_freeze(document)
        document.save()
    return document


def document_on_case_write(*, case: Case, event: Event) -> None:
    """The case-write hook: a step the table marks with a document produces it."""
    kind = document_kind_for(case=case, event=event)
    if kind is not None:
        document_create(case=case, event=event, kind=kind)


def document_rendered(*, document: Document, fmt: str) -> Document:
    """The file in `fmt`, rendered from the frozen text on first use and kept. Two first
    downloads at once both render; the row lock lets only the first store its file."""
    if getattr(document, fmt):
        return document
    data = RENDERERS[fmt](DocumentContent(**document.content))
    with transaction.atomic():
        locked = Document.objects.select_for_update().select_related("unit").get(pk=document.pk)
        if not getattr(locked, fmt):
            _file_save(getattr(locked, fmt), f"{_file_stem(locked)}.{fmt}", data)
            locked.save(update_fields=[fmt])
    setattr(document, fmt, getattr(locked, fmt))
    return document


def document_pdf(*, document: Document) -> Document:
    return document_rendered(document=document, fmt="pdf")


def document_docx(*, document: Document) -> Document:
    return document_rendered(document=document, fmt="docx")


def document_file(*, document: Document, fmt: str) -> tuple:
    """(the stored file, the name to download it as, its content type); the PDF rendered
    now if this is its first download."""
    field = getattr(document_rendered(document=document, fmt=fmt), fmt)
    return field, f"{document.title}（{document.number}）.{fmt}", TYPE_BY_FORMAT[fmt]


def documents_regenerate(*, case: Case, actor: User | None = None) -> tuple[int, int]:
    """Compose a case's documents again from today's templates and data, keeping their
    numbers (a corrected template or unit name), dropping the rendered files (they are
    rendered again on the next download), and create those missing for steps taken before
    documents existed. Returns (recomposed, created). Audited: it rewrites issued text."""
    rendered = created = 0
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        existing = {(d.event_id, d.kind): d for d in Document.objects.filter(case=case).select_related(
            "case", "event", "unit")}
        for event in Event.objects.filter(case=case).select_related("actor_unit", "actor").order_by("seq"):
            kind = document_kind_for(case=case, event=event)
            if kind is None:
                continue
            document = existing.get((event.pk, kind))
            if document is None:
                document_create(case=case, event=event, kind=kind)
                created += 1
                continue
            _content_freeze(document)
            for field in (document.docx, document.pdf):
                if field:
                    field.storage.delete(field.name)
            document.docx = document.pdf = ""
            document.generated_at = clock.now()
            document.save(update_fields=["content", "docx", "pdf", "generated_at"])
            rendered += 1
        audit_record(actor=actor, actor_kind="staff" if actor else "system", action="documents.regenerate",
                     object_type="case", object_id=case.number, detail={"rendered": rendered, "created": created})
    return rendered, created


def documents_backfill(*, progress=None) -> int:
    """Create the documents missing for steps taken before documents existed (a database
    built before this app). One transaction per case; idempotent."""
    actions = {}
    for workflow in workflows_all():
        if workflow.kind not in CASE_KINDS:
            continue
        for transition in workflow.transitions.values():
            if KIND_BY_LABEL.get(transition.document):
                actions.setdefault(workflow.kind, set()).add(transition.action)
    created = 0
    for kind, kind_actions in actions.items():
        missing = (Event.objects.filter(case__kind=kind, action__in=kind_actions, documents__isnull=True)
                   .values_list("case_id", flat=True).distinct())
        for case in Case.objects.filter(pk__in=list(missing)).select_related("owner_unit").order_by("id"):
            created += documents_regenerate_missing(case=case)
            if progress:
                progress(created)
    return created


def documents_regenerate_missing(*, case: Case) -> int:
    created = 0
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        have = set(Document.objects.filter(case=case).values_list("event_id", "kind"))
        for event in Event.objects.filter(case=case).select_related("actor_unit", "actor").order_by("seq"):
            kind = document_kind_for(case=case, event=event)
            if kind is not None and (event.pk, kind) not in have:
                document_create(case=case, event=event, kind=kind)
                created += 1
    return created

"""Turning a notice's content into files: .docx through docxtpl from the committed template
(files/official_notice.docx, built by docx_template.py) and PDF through WeasyPrint from
templates/documents/official_notice.html, both in the GB/T 9704 layout."""
import functools
import io

from django.template.loader import render_to_string

from .content import DocumentContent
from .docx_template import RED, TEMPLATE_PATH, TITLE_FONT

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
TYPE_BY_FORMAT = {"docx": DOCX_TYPE, "pdf": PDF_TYPE}

TEXT_WIDTH_PT = 442  # 版心 156 mm


def head_size_pt(issuer: str) -> float:
    """发文机关标志: as large as 36 pt, smaller for a long name so it keeps to one line."""
    return round(min(36.0, (TEXT_WIDTH_PT - 8) / max(len(issuer), 1) - 2), 1)


@functools.lru_cache(maxsize=1)
def _template_bytes() -> bytes:
    return TEMPLATE_PATH.read_bytes()


def docx_render(content: DocumentContent) -> bytes:
    from docxtpl import DocxTemplate, RichText

    template = DocxTemplate(io.BytesIO(_template_bytes()))
    head = RichText(content.issuer, color=str(RED), size=int(head_size_pt(content.issuer) * 2),
                    font=f"eastAsia:{TITLE_FONT}")
    template.render({
        "red_head": content.red_head, "head": head, "number": content.number, "title": content.title,
        "addressee": content.addressee, "paragraphs": content.paragraphs, "issuer": content.issuer,
        "date": content.date, "note": content.note,
    }, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def pdf_render(content: DocumentContent) -> bytes:
    from weasyprint import HTML

    html = render_to_string("documents/official_notice.html",
                            {"d": content, "head_pt": head_size_pt(content.issuer)})
    return HTML(string=html).write_pdf()

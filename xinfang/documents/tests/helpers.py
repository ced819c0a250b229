"""Reading generated files back as a person would: Word text through python-docx, PDF text
through poppler's pdftotext (tests needing it skip where it is not installed)."""
import io
import re
import shutil
import subprocess

import pytest

from xinfang.documents.models import Document
from xinfang.documents.services import document_rendered

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def docx_text(data: bytes) -> str:
    from docx import Document as Docx

    doc = Docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    # pdftotext breaks lines where the page does, and page numbers (— 1 —) fall between
    # pages; the tests look for sentences.
    return re.sub(r"—\d+—", "", "".join(out.stdout.decode().split()))


def file_of(document: Document, fmt: str) -> bytes:
    """The file as a download gets it (rendered on first use)."""
    field = getattr(document_rendered(document=document, fmt=fmt), fmt)
    with field.open("rb") as f:
        return f.read()


def docx_of(document: Document) -> str:
    return docx_text(file_of(document, "docx"))

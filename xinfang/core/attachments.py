"""Attachments of a case: the one way to add and to open one, for staff pages, the API and
the public portal alike. An upload is judged by its first bytes, not by the name it came
with, so a renamed executable is refused whatever it is called."""
import hashlib
import os
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from xinfang.audit.services import audit_record
from xinfang.orgs.models import User

from . import clock
from .errors import NotFound, ValidationFailed
from .models import Attachment, Case
from .selectors import case_visible
from .services import case_event_record


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple[str, ...]
    previewable: bool  # shown inline in the browser (images, PDF); others are downloaded


IMAGE_JPEG = FileType("JPEG 图片", "image/jpeg", (".jpg", ".jpeg"), True)
IMAGE_PNG = FileType("PNG 图片", "image/png", (".png",), True)
IMAGE_GIF = FileType("GIF 图片", "image/gif", (".gif",), True)
IMAGE_WEBP = FileType("WebP 图片", "image/webp", (".webp",), True)
PDF = FileType("PDF 文档", "application/pdf", (".pdf",), True)
DOCX = FileType("Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), False)
XLSX = FileType("Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), False)
DOC = FileType("Word 97 文档", "application/msword", (".doc",), False)
XLS = FileType("Excel 97 表格", "application/vnd.ms-excel", (".xls",), False)

# What the public portal accepts: pictures and PDF only (a scan or photo of a letter).
PUBLIC_TYPES = (IMAGE_JPEG, IMAGE_PNG, IMAGE_GIF, IMAGE_WEBP, PDF)
STAFF_TYPES = (*PUBLIC_TYPES, DOCX, XLSX, DOC, XLS)


def file_type_sniff(head: bytes, name: str) -> FileType | None:
    """The type of a file from its first bytes. Office formats (zip / OLE containers) also
    need the matching extension, since their magic bytes do not say which format they hold."""
    ext = os.path.splitext(name.lower())[1]
    if head.startswith(b"\xff\xd8\xff"):
        return IMAGE_JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return IMAGE_PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return IMAGE_GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return IMAGE_WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return {".docx": DOCX, ".xlsx": XLSX}.get(ext)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return {".doc": DOC, ".xls": XLS}.get(ext)
    return None


def _name_clean(name: str) -> str:
    """The name as shown: no folders, no control characters, at most 200 characters."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    base = re.sub(r"[\x00-\x1f\x7f]", "", base)
    return (base or "附件")[-200:]


def attachment_limits(*, public: bool) -> tuple[int, int, tuple[FileType, ...]]:
    """(largest file in bytes, most files per submission, accepted types)."""
    if public:
        return (settings.XINFANG_PORTAL_UPLOAD_MAX_MB * 1024 * 1024, settings.XINFANG_PORTAL_UPLOAD_MAX_FILES,
                PUBLIC_TYPES)
    return settings.XINFANG_UPLOAD_MAX_MB * 1024 * 1024, 20, STAFF_TYPES


def attachment_check(*, name: str, data: bytes, public: bool) -> FileType:
    """Refuse, naming the file, what is empty, too large or of a type not accepted."""
    max_bytes, _, accepted = attachment_limits(public=public)
    shown = _name_clean(name)
    if not data:
        raise ValidationFailed(f"附件「{shown}」是空文件。", field="attachments")
    if len(data) > max_bytes:
        raise ValidationFailed(f"附件「{shown}」超过 {max_bytes // (1024 * 1024)} MB 的大小限制。",
                               field="attachments")
    kind = file_type_sniff(data[:16], shown)
    if kind is None or kind not in accepted:
        allowed = "、".join(t.label for t in accepted)
        raise ValidationFailed(f"附件「{shown}」的格式不被接受；可上传：{allowed}。", field="attachments")
    return kind


def attachments_add(*, case: Case, actor: User | None, files: list[tuple[str, bytes]], version: int | None = None,
                    actor_kind: str = "staff") -> list[Attachment]:
    """Add files to a case in one transaction: all of them or, if one is refused, none.

    One Event ("上传附件") records them, so the timeline shows who added what and when;
    `version`, when given, must match the case's (a stale page is refused with Conflict).
    """
    public = actor_kind == "public"
    _, max_files, _ = attachment_limits(public=public)
    if not files:
        raise ValidationFailed("请选择要上传的文件。", field="attachments")
    if len(files) > max_files:
        raise ValidationFailed(f"一次最多上传 {max_files} 个附件。", field="attachments")
    if actor_kind == "staff" and (actor is None or not case_visible(user=actor, case=case)):
        raise NotFound()
    kinds = [attachment_check(name=name, data=data, public=public) for name, data in files]
    now = clock.now()
    created: list[Attachment] = []

    def store(locked: Case) -> dict:
        for (name, data), kind in zip(files, kinds):
            attachment = Attachment(case=locked, name=_name_clean(name), content_type=kind.content_type,
                                    size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                                    uploaded_by=actor if actor_kind == "staff" else None, uploaded_at=now,
                                    actor_kind=actor_kind)
            # The stored name is ours (the digest), never the uploader's: no path tricks.
            attachment.file.save(f"{attachment.sha256[:32]}{kind.extensions[0]}", ContentFile(data), save=False)
            attachment.save()
            created.append(attachment)
        return {"attachments": [{"id": a.pk, "name": a.name, "size": a.size} for a in created]}

    with transaction.atomic():
        case_event_record(case=case, actor=actor, actor_kind=actor_kind, action="attachments_add", label="上传附件",
                          version=version, is_public=public, before_record=store,
                          public_text=f"提交附件 {len(files)} 个" if public else "")
    return created


def attachment_get_for(*, user: User, case: Case, attachment_id: int) -> Attachment:
    """An attachment of a case the user may see; opening one is audited (it may show a
    person's documents)."""
    if not case_visible(user=user, case=case):
        raise NotFound()
    attachment = Attachment.objects.filter(case=case, pk=attachment_id).first()
    if attachment is None:
        raise NotFound("未找到该附件。")
    audit_record(actor=user, action="attachment.open", object_type="case", object_id=case.number,
                 detail={"attachment": attachment.pk, "name": attachment.name})
    return attachment


def attachment_type(attachment: Attachment) -> FileType | None:
    for kind in STAFF_TYPES:
        if kind.content_type == attachment.content_type:
            return kind
    return None

"""Attachments: judged by their bytes, all-or-nothing, on the timeline, scoped and audited."""
import pytest

from xinfang.audit.models import AuditEntry
from xinfang.core.attachments import attachment_get_for, attachments_add
from xinfang.core.errors import Conflict, NotFound, ValidationFailed
from xinfang.core.models import Attachment, Event
from xinfang.petitions.tests.builders import register

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


def test_staff_upload_is_stored_and_on_the_timeline(tree):
    case = register(tree)
    version = case.version
    added = attachments_add(case=case, actor=tree.registrar, files=[("照片.png", PNG), ("信件.pdf", PDF)],
                            version=version)
    assert [a.name for a in added] == ["照片.png", "信件.pdf"]
    assert added[0].file.read() == PNG
    assert added[1].content_type == "application/pdf"
    event = Event.objects.get(case=case, action="attachments_add")
    assert event.seq == version + 1 and case.version == version + 1
    assert [a["name"] for a in event.payload["attachments"]] == ["照片.png", "信件.pdf"]


@pytest.mark.parametrize("name,data,message", [
    ("x.png", b"", "空文件"),
    ("setup.pdf", EXE, "格式不被接受"),
    ("a.docx", b"PK\x03\x04" + b"\x00" * 20, None),
])
def test_public_upload_refuses_what_is_not_a_picture_or_pdf(tree, name, data, message):
    case = register(tree)
    with pytest.raises(ValidationFailed) as err:
        attachments_add(case=case, actor=None, actor_kind="public", files=[("ok.png", PNG), (name, data)])
    assert message is None or message in err.value.message
    assert name in err.value.message
    # All or nothing: the good file was not kept either.
    assert not Attachment.objects.filter(case=case).exists()
    assert not Event.objects.filter(case=case, action="attachments_add").exists()


def test_too_large_and_too_many(tree, settings):
    case = register(tree)
    settings.XINFANG_PORTAL_UPLOAD_MAX_MB = 1
    with pytest.raises(ValidationFailed, match="1 MB"):
        attachments_add(case=case, actor=None, actor_kind="public", files=[("big.png", PNG + b"0" * 1024 * 1024)])
    with pytest.raises(ValidationFailed, match="最多"):
        attachments_add(case=case, actor=None, actor_kind="public", files=[("p.png", PNG)] * 6)
    assert not Attachment.objects.filter(case=case).exists()


def test_stale_version_is_refused(tree):
    case = register(tree)
    with pytest.raises(Conflict):
        attachments_add(case=case, actor=tree.registrar, files=[("p.png", PNG)], version=case.version - 1)
    assert not Attachment.objects.filter(case=case).exists()


def test_outside_scope_cannot_add_or_open(tree):
    case = register(tree)
    outsider = tree.user("outsider", tree.street_b, "handler")
    with pytest.raises(NotFound):
        attachments_add(case=case, actor=outsider, files=[("p.png", PNG)])
    [attachment] = attachments_add(case=case, actor=tree.registrar, files=[("p.png", PNG)])
    with pytest.raises(NotFound):
        attachment_get_for(user=outsider, case=case, attachment_id=attachment.pk)
    opened = attachment_get_for(user=tree.registrar, case=case, attachment_id=attachment.pk)
    assert opened == attachment
    assert AuditEntry.objects.filter(action="attachment.open", object_id=case.number).count() == 1


def test_path_in_name_is_dropped(tree):
    case = register(tree)
    [attachment] = attachments_add(case=case, actor=tree.registrar, files=[("../../etc/passwd.png", PNG)])
    assert attachment.name == "passwd.png"
    assert ".." not in attachment.file.name

"""The case page's attachments (upload, list, preview, scope), the fragments other apps
plug into it, and the receipt's print button."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xinfang.audit.models import AuditEntry
from xinfang.core.models import Attachment, Case
from xinfang.core.services import case_transition
from xinfang.petitions.services import petition_register

from .files import DOCX_BYTES, EXE_BYTES, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(tree):
    case = petition_register(actor=tree.registrar, data=dict(
        title="楼道积水", content="楼道长期积水，无人处理。", channel="visit",
        petitioners=[dict(name="李四", phone="13900139000")]))
    return case


def upload(client, case, *files, version=None):
    case.refresh_from_db()
    data = {"version": case.version if version is None else version,
            "files": [SimpleUploadedFile(name, content) for name, content in files]}
    return client.post(f"/cases/{case.number}/attachments/", data)


def test_images_and_pdf_are_uploaded_listed_and_previewed_inline(client, tree, case):
    client.force_login(tree.registrar)
    version = Case.objects.get(pk=case.pk).version
    response = upload(client, case, ("现场照片.png", png_bytes()), ("情况说明.pdf", pdf_bytes()))
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.number}/#attachments")
    assert Case.objects.get(pk=case.pk).version == version + 1
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert "已上传附件 2 个：现场照片.png、情况说明.pdf" in html
    png, pdf = Attachment.objects.filter(case=case).order_by("id")
    assert "PNG 图片" in html and "PDF 文档" in html and "上传附件" in html   # type, and the timeline's event
    # Previews load when opened: the page holds their address, not the file.
    assert f'<img data-src="/cases/{case.number}/attachments/{png.pk}/" alt="现场照片.png">' in html
    assert f'<iframe data-src="/cases/{case.number}/attachments/{pdf.pk}/" title="情况说明.pdf">' in html

    audits = AuditEntry.objects.filter(action="attachment.open").count()
    image = client.get(f"/cases/{case.number}/attachments/{png.pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline;")
    assert image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image.streaming_content) == png_bytes()
    document = client.get(f"/cases/{case.number}/attachments/{pdf.pk}/")
    assert document["Content-Type"] == "application/pdf" and document["Content-Disposition"].startswith("inline;")
    # Shown in an iframe of the case page: same origin only.
    assert document["X-Frame-Options"] == "SAMEORIGIN"
    download = client.get(f"/cases/{case.number}/attachments/{pdf.pk}/?download=1")
    assert download["Content-Disposition"].startswith("attachment;")
    assert AuditEntry.objects.filter(action="attachment.open").count() == audits + 3


def test_office_files_are_downloaded_not_shown(client, tree, case):
    client.force_login(tree.registrar)
    assert upload(client, case, ("调查笔录.docx", DOCX_BYTES)).status_code == 302
    att = Attachment.objects.get(case=case)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert "Word 文档" in html and "data-preview" not in html
    response = client.get(f"/cases/{case.number}/attachments/{att.pk}/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]          # the Chinese name, encoded
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("files, message", [
    ((("setup.pdf", EXE_BYTES),), "附件「setup.pdf」的格式不被接受"),
    ((("照片.png", png_bytes()), ("病毒.exe", EXE_BYTES)), "附件「病毒.exe」的格式不被接受"),
    ((("空.pdf", b""),), "附件「空.pdf」是空文件"),
    ((), "请选择要上传的文件"),
])
def test_a_refused_upload_says_why_and_adds_nothing(client, tree, case, files, message):
    client.force_login(tree.registrar)
    version = Case.objects.get(pk=case.pk).version
    response = upload(client, case, *files)
    assert response.status_code == 422
    html = response.content.decode()
    assert "未能上传：" in html and message in html
    assert not Attachment.objects.exists()
    assert Case.objects.get(pk=case.pk).version == version


def test_a_too_large_file_is_refused(client, tree, case, settings):
    settings.XINFANG_UPLOAD_MAX_MB = 1
    client.force_login(tree.registrar)
    response = upload(client, case, ("大图.png", png_bytes() + b"\x00" * (1024 * 1024)))
    assert response.status_code == 422 and "超过 1 MB 的大小限制" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_upload_on_a_stale_page_is_refused(client, tree, case):
    client.force_login(tree.registrar)
    response = upload(client, case, ("照片.png", png_bytes()), version=case.version - 1 if case.version > 1 else 99)
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert not Attachment.objects.exists()


def test_outside_the_scope_there_is_no_attachment(client, tree, case):
    client.force_login(tree.registrar)
    upload(client, case, ("照片.png", png_bytes()))
    att = Attachment.objects.get()
    client.force_login(tree.handler_b)             # 乙街道 never held this case
    assert client.get(f"/cases/{case.number}/attachments/{att.pk}/").status_code == 404
    assert upload(client, case, ("再传.png", png_bytes())).status_code == 404
    assert Attachment.objects.count() == 1
    assert not AuditEntry.objects.filter(action="attachment.open").exists()


def test_an_attachment_is_only_found_under_its_own_case(client, tree, case):
    other = petition_register(actor=tree.registrar, data=dict(
        title="另一件事", content="另一件事的内容。", channel="letter", petitioners=[dict(name="王五")]))
    client.force_login(tree.registrar)
    upload(client, case, ("照片.png", png_bytes()))
    att = Attachment.objects.get()
    assert client.get(f"/cases/{other.number}/attachments/{att.pk}/").status_code == 404
    assert client.get(f"/cases/{case.number}/attachments/999999/").status_code == 404


def test_upload_needs_post(client, tree, case):
    client.force_login(tree.registrar)
    assert client.get(f"/cases/{case.number}/attachments/").status_code == 405


# --- fragments of other apps -------------------------------------------------------------

def fragment(html: str, name: str) -> bool:
    return f'hx-get="/{name}/' in html


def test_a_registered_case_embeds_similar_same_matter_and_routing(client, tree, case):
    client.force_login(tree.registrar)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert (f'<section class="card fragment no-print" id="similar" hx-get="/search/similar/{case.number}/" '
            f'hx-trigger="load" hx-swap="innerHTML"><a href="/search/similar/{case.number}/">相似已办结案件</a></section>'
            ) in html
    assert f'hx-get="/search/same-matter/{case.number}/"' in html
    assert f'hx-get="/intake/route/{case.number}/"' in html


def test_an_assigned_case_no_longer_asks_for_the_same_matter(client, tree, case):
    case_transition(case=case, actor=tree.registrar, action="assign", version=case.version,
                    payload={"unit_id": tree.street_a.pk})
    client.force_login(tree.registrar)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert f"/search/same-matter/{case.number}/" not in html
    assert f"/intake/route/{case.number}/" in html and f"/search/similar/{case.number}/" in html


def test_a_closed_case_gets_no_routing_advice(client, tree, case):
    case_transition(case=case, actor=tree.registrar, action="decline", version=case.version,
                    payload={"channel": "litigation", "reason": "属于民事纠纷，应通过诉讼解决"})
    client.force_login(tree.registrar)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert not Case.objects.get(pk=case.pk).is_open
    assert "/intake/route/" not in html and f"/search/similar/{case.number}/" in html


# --- after registering: the receipt is one key away ---------------------------------------

def test_the_receipt_button_has_the_focus_once_after_registering(client, tree):
    from .test_pages import page_register

    client.force_login(tree.registrar)
    number = page_register(client)
    html = client.get(f"/cases/{number}/").content.decode()
    button = re.search(r'<a class="button primary" href="/cases/[^"]+/receipt/"[^>]*>', html).group(0)
    assert 'accesskey="p"' in button and "autofocus" in button
    assert 'href="/register/" accesskey="n"' in html
    again = client.get(f"/cases/{number}/").content.decode()
    assert "autofocus" not in again.split('class="head-links')[1].split("</div>")[0]
    receipt = client.get(f"/cases/{number}/receipt/").content.decode()
    assert 'data-print hidden accesskey="p"' in receipt and "打印回执" in receipt

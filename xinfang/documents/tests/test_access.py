"""Who may open a document: staff whose scope covers the case, never the people of the unit
an accusation accuses (信访工作条例 Art 30, 46), and the petitioner with the query code —
through the pages and the API alike; every opening audited."""
import pytest
from django.urls import reverse

from xinfang.audit.models import AuditEntry
from xinfang.core import clock
from xinfang.documents.models import Document, DocumentKind
from xinfang.orgs.models import DataScope
from xinfang.petitions.tests.builders import BASE_DAY, build

from .helpers import docx_text

pytestmark = pytest.mark.urls("xinfang.documents.tests.urls")
API = "/api/documents-test"
NAME = "赵六"


@pytest.fixture
def accusation(tree):
    """检举住建局: handled by 甲街道, accepted there (受理告知书 to 赵六)."""
    with clock.frozen(BASE_DAY):
        return build(tree, "accepted", claim_type="accusation", accused_unit_id=tree.housing.pk,
                     title="检举住建局工作人员", content="反映住建局某科室工作人员违规审批的问题。",
                     petitioners=[dict(name=NAME, phone="13912345678")])


@pytest.fixture
def housing_head(tree):
    """Sees every case (scope all), but sits in the accused unit."""
    return tree.user("housing_head", tree.housing, "leader", "registrar", scope=DataScope.ALL)


def _doc(case) -> Document:
    return Document.objects.get(case=case, kind=DocumentKind.ACCEPTANCE)


def _opened(document) -> int:
    return AuditEntry.objects.filter(action="document.open", object_id=document.case.number).count()


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_staff_in_scope_download_and_it_is_audited(client, tree, accusation, fmt):
    document = _doc(accusation)
    client.force_login(tree.handler_a)
    response = client.get(reverse("documents:download", args=[document.pk, fmt]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if fmt == "pdf":
        assert body.startswith(b"%PDF-") and response["Content-Type"] == "application/pdf"
    else:
        assert NAME in docx_text(body)
        assert "attachment" in response["Content-Disposition"]
    assert _opened(document) == 1
    entry = AuditEntry.objects.filter(action="document.open").last()
    assert entry.actor_id == tree.handler_a.pk and entry.detail["format"] == fmt


def test_pdf_is_rendered_once_and_kept(client, tree, accusation):
    document = _doc(accusation)
    client.force_login(tree.handler_a)
    for _ in range(2):
        assert client.get(reverse("documents:download", args=[document.pk, "pdf"])).status_code == 200
    document.refresh_from_db()
    assert document.pdf.name.endswith("acceptance-00001.pdf")


def test_the_accused_unit_cannot_download_nor_find_it(client, tree, accusation, housing_head):
    document = _doc(accusation)
    client.force_login(housing_head)
    for fmt in ("docx", "pdf"):
        assert client.get(reverse("documents:download", args=[document.pk, fmt])).status_code == 404
        assert client.get(f"{API}/documents/{document.pk}/{fmt}").status_code == 404
    assert _opened(document) == 0
    # The list says a notice exists, without a link and without the name.
    page = client.get(reverse("documents:case", args=[accusation.number])).content.decode()
    assert document.number in page and NAME not in page
    assert reverse("documents:download", args=[document.pk, "pdf"]) not in page
    listed = client.get(f"{API}/cases/{accusation.number}/documents").json()["items"]
    assert listed[0]["downloadable"] is False and listed[0]["formats"] == []
    document.refresh_from_db()
    assert not document.pdf                                   # nothing was rendered for them


def test_out_of_scope_bad_format_and_unknown_are_alike_not_found(client, tree, accusation):
    document = _doc(accusation)
    client.force_login(tree.handler_b)                        # 乙街道: never held the case
    assert client.get(reverse("documents:download", args=[document.pk, "pdf"])).status_code == 404
    assert client.get(reverse("documents:case", args=[accusation.number])).status_code == 404
    assert client.get(f"{API}/cases/{accusation.number}/documents").status_code == 404
    client.force_login(tree.handler_a)
    assert client.get(reverse("documents:download", args=[document.pk, "exe"])).status_code == 404
    assert client.get(reverse("documents:download", args=[999999, "pdf"])).status_code == 404
    response = client.get(f"{API}/documents/{document.pk}/html")
    assert response.status_code == 404 and response.json()["message"] == "文书格式只能是 docx 或 pdf。"
    assert _opened(document) == 0


def test_anonymous_is_sent_to_login(client, tree, accusation):
    response = client.get(reverse("documents:download", args=[_doc(accusation).pk, "pdf"]))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.get(f"{API}/documents/{_doc(accusation).pk}/pdf").status_code == 401


def test_case_documents_fragment_and_full_page(client, tree, accusation):
    client.force_login(tree.handler_a)
    url = reverse("documents:case", args=[accusation.number])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "信访事项受理告知书" in fragment
    assert reverse("documents:download", args=[_doc(accusation).pk, "docx"]) in fragment
    page = client.get(url).content.decode()
    assert "<html" in page and "返回案件" in page and "信访事项受理告知书" in page


def test_api_lists_and_downloads(client, tree, accusation):
    client.force_login(tree.handler_a)
    [item] = client.get(f"{API}/cases/{accusation.number}/documents").json()["items"]
    assert item["kind"] == "acceptance" and item["number"] == "甲街道受告〔2026〕1号"
    assert item["event_label"] == "受理" and item["downloadable"] is True
    response = client.get(f"{API}/documents/{item['id']}/docx")
    assert response.status_code == 200 and NAME in docx_text(b"".join(response.streaming_content))


# --- the petitioner ------------------------------------------------------------------------

def _follow(client, case):
    session = client.session
    session["portal_follow"] = case.query_code
    session.save()


def test_petitioner_downloads_with_the_followed_query_code(client, tree, accusation):
    document = _doc(accusation)
    _follow(client, accusation)
    response = client.get(reverse("documents:public_download", args=[document.pk, "docx"]))
    assert response.status_code == 200 and NAME in docx_text(b"".join(response.streaming_content))
    entry = AuditEntry.objects.filter(action="document.open").last()
    assert entry.actor_kind == "public" and entry.actor_id is None


def test_petitioner_cannot_open_another_matters_document(client, tree, accusation):
    with clock.frozen(BASE_DAY):
        other = build(tree, "accepted")
    _follow(client, other)
    assert client.get(reverse("documents:public_download", args=[_doc(accusation).pk, "pdf"])).status_code == 404
    assert client.get(reverse("documents:public_download", args=[_doc(other).pk, "bad"])).status_code == 404


def test_public_download_without_a_followed_matter_goes_to_follow(client, tree, accusation):
    response = client.get(reverse("documents:public_download", args=[_doc(accusation).pk, "pdf"]))
    assert response.status_code == 302 and response["Location"] == reverse("portal:follow")


def test_public_api_by_query_code(client, tree, accusation):
    code = accusation.query_code
    [item] = client.get(f"{API}/public/track/{code}/documents").json()["items"]
    assert item["title"] == "信访事项受理告知书"
    response = client.get(f"{API}/public/track/{code}/documents/{item['id']}/pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(f"{API}/public/track/WRONGCODE2/documents").status_code == 404
    with clock.frozen(BASE_DAY):
        other = build(tree, "accepted")
    assert client.get(f"{API}/public/track/{other.query_code}/documents/{item['id']}/pdf").status_code == 404


def test_public_downloads_are_rate_limited(client, tree, accusation, settings):
    settings.XINFANG_API_PUBLIC_RATE = "2/m"
    from django.core.cache import cache

    cache.clear()
    url = f"{API}/public/track/{accusation.query_code}/documents"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    cache.clear()


def test_timeline_links_beside_the_step(tree, accusation):
    from django.template.loader import render_to_string

    rows = [{"document": _doc(accusation), "downloadable": True}]
    html = render_to_string("documents/_event_links.html", {"doc_rows": rows, "event": _doc(accusation).event})
    assert "信访事项受理告知书" in html and reverse("documents:download", args=[_doc(accusation).pk, "pdf"]) in html
    other = accusation.events.get(action="register")
    assert render_to_string("documents/_event_links.html", {"doc_rows": rows, "event": other}).strip() == ""

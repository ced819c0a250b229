"""`xinfang documents regenerate NUMBER` and `xinfang documents backfill`."""
import pytest
from django.core.management import CommandError, call_command

from xinfang.audit.models import AuditEntry
from xinfang.core import clock
from xinfang.documents.models import Document
from xinfang.petitions.tests.builders import BASE_DAY, build

from .helpers import docx_of


@pytest.fixture
def answered(tree):
    with clock.frozen(BASE_DAY):
        return build(tree, "answered")


def test_regenerate_keeps_numbers_and_uses_the_current_template(tree, answered, settings, capsys):
    before = dict(Document.objects.filter(case=answered).values_list("kind", "number"))
    settings.XINFANG_DOCUMENT_RED_HEAD = False
    call_command("documents", "regenerate", answered.number)
    assert "重新生成 2 份，补齐 0 份" in capsys.readouterr().out
    assert dict(Document.objects.filter(case=answered).values_list("kind", "number")) == before
    for document in Document.objects.filter(case=answered):
        assert docx_of(document).split("\n")[0] != "甲街道"   # red head gone
    assert AuditEntry.objects.filter(action="documents.regenerate", object_id=answered.number).count() == 1


def test_regenerate_drops_a_stale_pdf(tree, answered):
    from xinfang.documents.services import document_pdf

    document = document_pdf(document=Document.objects.filter(case=answered).first())
    assert document.pdf
    call_command("documents", "regenerate", answered.number)
    document.refresh_from_db()
    assert not document.pdf


def test_regenerate_unknown_number_is_a_clear_error(tree):
    with pytest.raises(CommandError, match="案件编号 XF-NOPE 不存在"):
        call_command("documents", "regenerate", "XF-NOPE")


def test_backfill_creates_what_is_missing_and_is_idempotent(tree, answered, capsys):
    with clock.frozen(BASE_DAY):
        declined = build(tree, "declined")
    kept = Document.objects.get(case=declined)
    Document.objects.filter(case=answered).delete()           # as if built before this app
    call_command("documents", "backfill")
    assert "已补齐文书 2 份" in capsys.readouterr().out
    assert sorted(Document.objects.filter(case=answered).values_list("kind", flat=True)) == ["acceptance", "answer"]
    assert Document.objects.get(case=declined) == kept
    # numbers continue the unit's sequence; nothing is numbered twice
    assert Document.objects.get(case=answered, kind="acceptance").number == "甲街道受告〔2026〕2号"
    call_command("documents", "backfill")
    assert "已补齐文书 0 份" in capsys.readouterr().out


def test_issued_text_is_frozen_until_regenerated(tree, answered):
    tree.street_a.name = "甲街道办事处"
    tree.street_a.save()
    document = Document.objects.get(case=answered, kind="acceptance")
    assert "甲街道办事处" not in docx_of(document)              # as issued at the step
    call_command("documents", "regenerate", answered.number)
    document.refresh_from_db()
    assert not document.docx and "甲街道办事处" in docx_of(document)

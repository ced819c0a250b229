"""The audit chain: any change, deletion or reordering of an entry is detected, by
audit_verify() and by `xinfang audit verify`, at the first entry that is wrong."""
import pytest
from django.core.management import CommandError, call_command

from xinfang.audit.models import AuditEntry, AuditHead
from xinfang.audit.services import GENESIS, audit_record, audit_verify


@pytest.fixture
def chain(db):
    for i in range(1, 7):
        audit_record(actor=None, actor_kind="system", action="test.write", object_type="thing", object_id=i,
                     detail={"n": i, "名称": f"第{i}条"})
    return list(AuditEntry.objects.order_by("seq"))


def command_output() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def assert_broken_at(seq: int) -> None:
    verdict = audit_verify()
    assert (verdict.ok, verdict.first_bad_seq) == (False, seq)
    assert verdict.checked == seq - 1
    with pytest.raises(CommandError) as exc:
        command_output()
    assert f"第 {seq} 条记录" in str(exc.value)


def test_an_intact_chain_verifies(chain):
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5, 6]
    assert chain[0].prev_hash == GENESIS and all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:]))
    verdict = audit_verify()
    assert (verdict.ok, verdict.checked) == (True, 6)
    assert "共校验 6 条" in command_output()


def test_an_empty_chain_verifies(db):
    assert audit_verify().ok and audit_verify().checked == 0


def test_changed_detail_is_detected(chain):
    AuditEntry.objects.filter(seq=4).update(detail={"n": 40, "名称": "第4条"})
    assert_broken_at(4)


@pytest.mark.parametrize("field, value", [("action", "test.other"), ("object_id", "99"), ("actor_kind", "staff")])
def test_changed_columns_are_detected(chain, field, value):
    AuditEntry.objects.filter(seq=3).update(**{field: value})
    assert_broken_at(3)


def test_rehashing_one_entry_breaks_the_link_to_the_next(chain):
    # a forger who recomputes the hash of the entry they changed still breaks the next link
    AuditEntry.objects.filter(seq=2).update(hash="f" * 64)
    assert_broken_at(2)


def test_a_deleted_entry_is_detected(chain):
    AuditEntry.objects.filter(seq=3).delete()
    assert_broken_at(3)
    assert "缺失" in audit_verify().reason


def test_a_deleted_last_entry_is_detected(chain):
    AuditEntry.objects.filter(seq=6).delete()
    assert_broken_at(6)


def test_reordered_entries_are_detected(chain):
    # swap the places of entries 2 and 3 (seq is unique: move through a free number)
    AuditEntry.objects.filter(seq=2).update(seq=1000)
    AuditEntry.objects.filter(seq=3).update(seq=2)
    AuditEntry.objects.filter(seq=1000).update(seq=3)
    assert_broken_at(2)


def test_the_head_follows_the_chain(chain):
    head = AuditHead.objects.get(id=1)
    assert (head.seq, head.hash) == (6, chain[-1].hash)
    audit_record(actor=None, actor_kind="system", action="test.write", object_type="thing", object_id=7)
    assert audit_verify().ok and audit_verify().checked == 7

"""Numbering and optimistic locking under real concurrency: threads with their own
database connections. Runs on PostgreSQL, and on SQLite only with a file database
(XINFANG_TEST_SQLITE=/path/file.sqlite3) — an in-memory SQLite database cannot be
shared between threads."""
import threading

import pytest
from django.db import connection, connections

from xinfang.audit.models import AuditEntry
from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.errors import Conflict
from xinfang.core.models import Case, Event, NumberSequence
from xinfang.core.services import case_transition
from xinfang.petitions.models import Answer
from xinfang.petitions.services import petition_register
from xinfang.petitions.tests.builders import ANSWER, BASE_DAY, build_on, petition_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _shared_database(db):
    # Decided at run time: the test database's name is only known once it exists.
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads cannot share an in-memory SQLite database (run with XINFANG_TEST_SQLITE=file)")


def run_parallel(jobs):
    """Start every job at once (a barrier), each in its own thread and connection;
    return what each returned or raised, in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(i, job):
        try:
            barrier.wait(timeout=30)
            with clock.frozen(BASE_DAY):
                results[i] = job()
        except BaseException as exc:   # noqa: BLE001 — reported to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker hung (deadlock?)"
    return results


N = 16


def test_parallel_registrations_get_unique_gapless_numbers(tree):
    jobs = [lambda: petition_register(actor=tree.registrar, data=petition_data()) for _ in range(N)]
    results = run_parallel(jobs)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    seqs = sorted(r.seq for r in results)
    assert seqs == list(range(1, N + 1))
    assert len({r.number for r in results}) == N and len({r.query_code for r in results}) == N
    assert NumberSequence.objects.get(unit=tree.bureau, kind="petition", year=2026).last == N
    assert Case.objects.count() == N
    verdict = audit_verify()
    assert verdict.ok and verdict.checked == AuditEntry.objects.count()


def test_two_writers_on_one_version_one_wins_the_other_conflicts(tree):
    case = build_on(tree, "accepted")
    case.refresh_from_db()
    version = case.version

    def submit():
        return case_transition(case=case, actor=tree.handler_a, action="submit_answer", version=version,
                               payload=ANSWER)

    def suspend():
        return case_transition(case=case, actor=tree.reviewer_a, action="suspend", version=version,
                               payload={"reason": "需要举行听证"})

    results = run_parallel([submit, suspend])
    conflicts = [r for r in results if isinstance(r, Conflict)]
    winners = [r for r in results if isinstance(r, Case)]
    assert len(conflicts) == 1 and len(winners) == 1, results
    assert conflicts[0].field == "version" and "刷新" in conflicts[0].message
    case.refresh_from_db()
    assert case.version == version + 1 == Event.objects.filter(case=case).count()
    if case.status == "answer_pending":
        assert not case.deadlines.filter(paused_since__isnull=False).exists()
    else:
        assert case.status == "suspended" and not Answer.objects.filter(case=case).exists()
    assert audit_verify().ok


def test_parallel_writes_on_different_cases_keep_one_audit_chain(tree):
    cases = [build_on(tree, "accepted") for _ in range(8)]
    for c in cases:
        c.refresh_from_db()
    jobs = [lambda c=c: case_transition(case=c, actor=tree.handler_a, action="submit_answer", version=c.version,
                                        payload=ANSWER) for c in cases]
    results = run_parallel(jobs)
    assert not [r for r in results if isinstance(r, BaseException)]
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("status", flat=True)) == {
        "answer_pending"}
    verdict = audit_verify()
    assert verdict.ok and verdict.checked == AuditEntry.objects.count()
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, verdict.checked + 1))

"""The SQLite backend queues writers on a file lock (xinfang/core/sqlite/base.py): a second
writer waits for the first to commit or roll back, then goes on; one that waits longer than
the database timeout fails as SQLite would, having written nothing."""
import threading

import pytest
from django.db import connection
from django.db.utils import OperationalError

from xinfang.core.sqlite.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend's own lock")


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    # These tests open their own connections to their own files, not the test database.
    with django_db_blocker.unblock():
        yield


def _wrapper(path, timeout=5.0) -> DatabaseWrapper:
    settings = {**connection.settings_dict, "NAME": str(path), "TEST": {},
                "OPTIONS": {**connection.settings_dict.get("OPTIONS", {}), "timeout": timeout}}
    w = DatabaseWrapper(settings, alias=f"lock-{id(settings)}")
    w.ensure_connection()
    return w


def _begin(w):
    w._start_transaction_under_autocommit()


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "x.sqlite3"
    w = _wrapper(path)
    w.cursor().execute("CREATE TABLE t (n integer)")
    w.close()
    return path


def test_a_second_writer_waits_for_the_first_to_commit_then_writes(db_file):
    first = _wrapper(db_file)
    _begin(first)
    first.cursor().execute("INSERT INTO t VALUES (1)")
    order = []

    def write():                            # another worker, with its own connection
        second = _wrapper(db_file)
        _begin(second)                      # waits on the lock the first holds
        order.append("second began")
        second.cursor().execute("INSERT INTO t VALUES (2)")
        second._commit()
        second.close()

    t = threading.Thread(target=write)
    t.start()
    t.join(timeout=0.3)
    assert t.is_alive() and order == []     # still waiting
    order.append("first commits")
    first._commit()
    t.join(timeout=10)
    assert not t.is_alive() and order == ["first commits", "second began"]
    assert [r[0] for r in first.cursor().execute("SELECT n FROM t ORDER BY n").fetchall()] == [1, 2]
    first.close()


def test_a_writer_that_waits_past_the_timeout_fails_and_writes_nothing(db_file):
    first, second = _wrapper(db_file), _wrapper(db_file, timeout=0.2)
    _begin(first)
    with pytest.raises(OperationalError, match="database is locked"):
        _begin(second)
    first._rollback()                        # a rollback frees the lock too
    _begin(second)
    second.cursor().execute("INSERT INTO t VALUES (3)")
    second._commit()
    assert [r[0] for r in first.cursor().execute("SELECT n FROM t").fetchall()] == [3]
    first.close(), second.close()


def test_closing_a_connection_mid_transaction_frees_the_lock(db_file):
    first, second = _wrapper(db_file), _wrapper(db_file, timeout=0.5)
    _begin(first)
    first.cursor().execute("INSERT INTO t VALUES (4)")
    first.close()                            # SQLite rolls the transaction back
    _begin(second)
    assert second.cursor().execute("SELECT count(*) FROM t").fetchone()[0] == 0
    second._rollback()
    second.close()


def test_an_in_memory_database_takes_no_file_lock(tmp_path):
    w = _wrapper(":memory:")
    _begin(w)
    w._rollback()
    assert w._writer_lock_fd is None
    w.close()

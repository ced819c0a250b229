"""SQLite with writers queued by a file lock instead of SQLite's busy handler.

Every transaction here begins IMMEDIATE (settings), so only one writer at a time holds the
database. SQLite makes the others wait by sleeping and retrying, ever longer (1, 2, 5,
10 … 100 ms): behind a 10 ms registration a waiting worker often sleeps 10–25 ms more than
it needs to, and with two workers that idle time bounded intake throughput. Here a writer
first takes an exclusive lock on a file beside the database, polled every half
millisecond, so the next writer starts as soon as the last one commits; SQLite's own lock
is then free at BEGIN. The lock is released at commit, rollback or close (and by the
kernel if the process dies). The wait keeps SQLite's `timeout` and fails like it, with
"database is locked". An in-memory database (the test suite's) has one process and no file:
no lock.
"""
import fcntl
import os
import time

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

POLL_SECONDS = 0.0005


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_lock_fd: int | None = None
    _writer_locked = False

    def _writer_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return name + ".writer-lock"

    def _writer_lock_acquire(self) -> None:
        path = self._writer_lock_path()
        if path is None or self._writer_locked:
            return
        if self._writer_lock_fd is None:
            self._writer_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        while True:
            try:
                fcntl.flock(self._writer_lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._writer_locked = True
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OperationalError("database is locked") from None
                time.sleep(POLL_SECONDS)

    def _writer_lock_release(self) -> None:
        if self._writer_locked:
            self._writer_locked = False
            fcntl.flock(self._writer_lock_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self):
        self._writer_lock_acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_lock_release()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._writer_lock_release()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._writer_lock_release()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._writer_lock_release()
            if self._writer_lock_fd is not None:
                os.close(self._writer_lock_fd)
                self._writer_lock_fd = None

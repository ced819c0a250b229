#!/usr/bin/env bash
# Every test on SQLite and, where one is configured, on PostgreSQL — the two runs side by
# side (the PostgreSQL run waits on the server much of the time, so the two share the cores
# well), each with its own log, printed when both are done:
#   XINFANG_TEST_POSTGRES=postgres://user@host:port/db  (or a postgres DATABASE_URL)
#   XINFANG_REQUIRE_POSTGRES=1 makes an unreachable PostgreSQL a failure (CI sets it).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${XINFANG_TEST_POSTGRES:-}"
if [ -z "$PG_URL" ] && [[ "${DATABASE_URL:-}" == postgres* ]]; then PG_URL="$DATABASE_URL"; fi
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT

pg_reachable() {
  "$BIN/python" - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=5).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr); sys.exit(1)
PY
}

RUN_PG=0
if [ -n "$PG_URL" ]; then
  if pg_reachable; then RUN_PG=1
  elif [ "${XINFANG_REQUIRE_POSTGRES:-0}" = "1" ]; then
    echo "PostgreSQL is required but not reachable at $PG_URL" >&2; exit 1
  fi
fi

if [ $RUN_PG = 1 ]; then echo "== tests on SQLite and on PostgreSQL, side by side"; else echo "== tests on SQLite"; fi
start=$(date +%s)
env -u DATABASE_URL "$BIN/python" -m pytest -q "$@" >"$LOGS/sqlite.log" 2>&1 &
SQLITE_PID=$!
if [ $RUN_PG = 1 ]; then
  # the PostgreSQL run's browser tests and temporary files stay apart from the SQLite run's
  DATABASE_URL="$PG_URL" "$BIN/python" -m pytest -q "$@" >"$LOGS/postgres.log" 2>&1 &
  PG_PID=$!
fi
wait $SQLITE_PID; SQLITE_RC=$?
PG_RC=0
if [ $RUN_PG = 1 ]; then wait $PG_PID; PG_RC=$?; fi

echo "== SQLite (exit $SQLITE_RC)"; cat "$LOGS/sqlite.log"
if [ $RUN_PG = 1 ]; then
  echo "== PostgreSQL (exit $PG_RC)"; cat "$LOGS/postgres.log"
elif [ -n "$PG_URL" ]; then
  echo "== PostgreSQL not reachable: database tests ran on SQLite only"
else
  echo "== no PostgreSQL configured (set XINFANG_TEST_POSTGRES): database tests ran on SQLite only"
fi
echo "== both runs took $(( $(date +%s) - start )) s"
# Threads with their own connections need a database file (the suite's SQLite is in memory):
# the concurrency tests again on one, through the writers' file lock. Only when no test
# selection was passed in.
FILE_RC=0
if [ $# = 0 ]; then
  echo "== concurrency on an SQLite file"
  XINFANG_TEST_SQLITE="$LOGS/concurrency.sqlite3" env -u DATABASE_URL "$BIN/python" -m pytest -q -p no:cacheprovider \
    xinfang/core/tests/test_concurrency.py; FILE_RC=$?
fi
[ $SQLITE_RC = 0 ] && [ $PG_RC = 0 ] && [ $FILE_RC = 0 ]

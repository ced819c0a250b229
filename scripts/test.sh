#!/usr/bin/env bash
# Every test on SQLite, then on PostgreSQL where one is configured:
#   XINFANG_TEST_POSTGRES=postgres://user@host:port/db  (or a postgres DATABASE_URL)
#   XINFANG_REQUIRE_POSTGRES=1 makes an unreachable PostgreSQL a failure (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${XINFANG_TEST_POSTGRES:-}"
if [ -z "$PG_URL" ] && [[ "${DATABASE_URL:-}" == postgres* ]]; then PG_URL="$DATABASE_URL"; fi

echo "== tests on SQLite"
env -u DATABASE_URL "$BIN/python" -m pytest -q "$@"

if [ -n "$PG_URL" ]; then
  if "$BIN/python" - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=5).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr); sys.exit(1)
PY
  then
    echo "== tests on PostgreSQL"
    DATABASE_URL="$PG_URL" "$BIN/python" -m pytest -q "$@"
  elif [ "${XINFANG_REQUIRE_POSTGRES:-0}" = "1" ]; then
    echo "PostgreSQL is required but not reachable at $PG_URL" >&2; exit 1
  else
    echo "== PostgreSQL not reachable: database tests ran on SQLite only"
  fi
else
  echo "== no PostgreSQL configured (set XINFANG_TEST_POSTGRES): database tests ran on SQLite only"
fi

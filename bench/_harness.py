"""Shared plumbing for the benchmarks: a fresh database, a served app, a threaded client.

Conditions follow ../shared/BENCH.md: DEBUG=False, gunicorn with 2 sync workers on
127.0.0.1, a client of 4 threads in a second process, the database on the same machine.
"""
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG_ADMIN = os.environ.get("XINFANG_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")


def database_url(db: str, name: str) -> str:
    if db == "sqlite":
        folder = Path("/tmp/xinfang-bench")
        folder.mkdir(exist_ok=True)
        path = folder / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(PG_ADMIN.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def bench_env(url: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "xinfang.settings", "XINFANG_ENV": "production",
        "SECRET_KEY": "bench-secret-" + "x" * 40, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
        "XINFANG_SECURE_COOKIES": "0", "XINFANG_DATA_DIR": "/tmp/xinfang-bench/data",
    })
    return env


def django_run(env: dict, code: str) -> str:
    """Run Python in a Django process against the bench database; returns its stdout."""
    prelude = "import django; django.setup()\n"
    out = subprocess.run([PY, "-c", prelude + code], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return out.stdout.strip()


def migrate(env: dict) -> None:
    subprocess.run([PY, "-m", "django", "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True)


class Server:
    def __init__(self, env: dict, port: int):
        self.env, self.port = env, port

    def __enter__(self):
        self.proc = subprocess.Popen(
            [PY, "-m", "gunicorn", "xinfang.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--log-level", "warning"], env=self.env, cwd=ROOT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/api/v1/openapi.json")
                conn.getresponse().read()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=20)


def run_clients(*, port: int, requests: list[tuple[str, str, dict | None]], headers: dict, threads: int = 4):
    """Send the requests from `threads` threads; returns (wall seconds, latencies ms, statuses)."""
    latencies, statuses, lock = [], [], threading.Lock()
    queue = list(enumerate(requests))
    queue.reverse()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    return
                _, (method, path, body) = queue.pop()
            data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                resp.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                resp.read()
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(ms)
                statuses.append(resp.status)
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    start = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - start, latencies, statuses


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def median(values):
    return statistics.median(values)


def command_line() -> str:
    return " ".join([Path(sys.executable).name, *sys.argv])


def cleanup_sqlite():
    shutil.rmtree("/tmp/xinfang-bench", ignore_errors=True)

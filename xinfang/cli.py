"""The `xinfang` command.

    xinfang serve [--host H] [--port P] [--workers N]   run the server (gunicorn) and the background worker
    xinfang worker [--once]                              the background worker alone (daily jobs, task queue)
    xinfang migrate                                      create / upgrade the database
    xinfang demo [--if-empty]                            build the 示范区 demo
    xinfang createuser USER --unit CODE --role R ...     add a staff user
    xinfang token USER                                   issue an API token
    xinfang audit verify                                 check the audit chain
    xinfang check                                        configuration and workflow checks
    xinfang workflow-docs                                write docs/workflows/*.md diagrams
    xinfang close-lapsed                                 close matters whose appeal window lapsed
    xinfang notify-deadlines                             remind owners of due-soon and overdue matters (idempotent)
Any other Django management command works too (`xinfang shell`, ...).
"""
import argparse
import os
import sys


def _django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    execute_from_command_line(["xinfang", *argv])


def _serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="xinfang serve")
    parser.add_argument("--host", default=os.environ.get("XINFANG_HOST", "127.0.0.1"))
    parser.add_argument("--port", default=int(os.environ.get("XINFANG_PORT", "8000")), type=int)
    parser.add_argument("--workers", default=int(os.environ.get("XINFANG_WORKERS", "2")), type=int)
    parser.add_argument("--no-worker", action="store_true",
                        help="不启动后台任务进程（另行运行 `xinfang worker` 时使用）")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    if not args.no_worker:
        _worker_start()
    print(f"信访平台运行于 http://{args.host}:{args.port}/  （Ctrl+C 退出）", flush=True)
    os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "xinfang.wsgi:application",
                               "--config", "python:xinfang.gunicorn_conf",
                               "--bind", f"{args.host}:{args.port}", "--workers", str(args.workers),
                               "--access-logfile", "-", "--log-level", "warning"])


def _worker_start() -> None:
    """The background worker beside the web server: daily jobs (closing lapsed matters,
    reminders, SMS) and the task queue. It dies with the server (the kernel tells it when
    its parent goes), so a stopped `make run` leaves nothing behind."""
    import ctypes
    import signal
    import subprocess

    def die_with_parent():
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass

    command = [str(os.path.join(os.path.dirname(sys.executable), "xinfang")), "worker"]
    subprocess.Popen(command, preexec_fn=die_with_parent)
    print("后台任务进程已启动（xinfang worker）。", flush=True)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    if command == "serve":
        _serve(rest)
        return
    if command == "intake" and rest[:1] == ["classify"]:
        # No Django: the model loads in ~0.2 s; Django's start-up would be most of the wait.
        from xinfang.intake.management.commands._classify import classify_main
        sys.exit(classify_main(rest[1:]))
    aliases = {"workflow-docs": "workflow_docs", "close-lapsed": "close_lapsed", "notify-deadlines": "notify_deadlines"}
    if command == "check":
        _django(["check", "--deploy" if os.environ.get("XINFANG_ENV") == "production" else "--fail-level=ERROR"])
        _django(["workflow_check"])
        return
    _django([aliases.get(command, command), *rest])


if __name__ == "__main__":
    main()

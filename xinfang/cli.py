"""The `xinfang` command.

    xinfang serve [--host H] [--port P] [--workers N]   run the server (gunicorn)
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
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    print(f"信访平台运行于 http://{args.host}:{args.port}/  （Ctrl+C 退出）", flush=True)
    os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "xinfang.wsgi:application",
                               "--bind", f"{args.host}:{args.port}", "--workers", str(args.workers),
                               "--access-logfile", "-", "--log-level", "warning"])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    if command == "serve":
        _serve(rest)
        return
    aliases = {"workflow-docs": "workflow_docs", "close-lapsed": "close_lapsed", "notify-deadlines": "notify_deadlines"}
    if command == "check":
        _django(["check", "--deploy" if os.environ.get("XINFANG_ENV") == "production" else "--fail-level=ERROR"])
        _django(["workflow_check"])
        return
    _django([aliases.get(command, command), *rest])


if __name__ == "__main__":
    main()

"""The `xinfang` command as a newcomer or an operator meets it: real subprocesses against
a throwaway SQLite file."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

XINFANG = str(Path(sys.executable).with_name("xinfang"))


def run(*args, tmp_path, **env):
    full = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    full.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "XINFANG_DATA_DIR": str(tmp_path)}, **env)
    return subprocess.run([XINFANG, *args], env=full, capture_output=True, text=True, timeout=120)


def test_help_lists_the_commands(tmp_path):
    out = run("--help", tmp_path=tmp_path)
    assert out.returncode == 0
    for command in ("serve", "migrate", "demo", "createuser", "token", "audit verify", "check"):
        assert command in out.stdout


def test_production_refuses_the_development_secret(tmp_path):
    out = run("check", tmp_path=tmp_path, XINFANG_ENV="production", DEBUG="0")
    assert out.returncode != 0
    assert "SECRET_KEY" in out.stderr and "生产环境" in out.stderr


def test_production_starts_with_a_real_secret(tmp_path):
    env = dict(XINFANG_ENV="production", DEBUG="0", SECRET_KEY="k" * 50, ALLOWED_HOSTS="xinfang.example")
    assert run("migrate", "--no-input", tmp_path=tmp_path, **env).returncode == 0
    out = run("check", tmp_path=tmp_path, **env)
    assert out.returncode == 0, out.stderr
    assert "流程表检查通过" in out.stdout


def test_migrate_createuser_token_and_audit_verify(tmp_path):
    assert run("migrate", "--no-input", tmp_path=tmp_path).returncode == 0
    shell = ("from xinfang.orgs.models import Unit; "
             "Unit.objects.create(name='示范区信访局', short_code='SFQXFJ', level='bureau')")
    assert run("shell", "-c", shell, tmp_path=tmp_path).returncode == 0

    missing = run("createuser", "li", "--unit", "NOPE", "--role", "registrar", "--password", "secret-123",
                  tmp_path=tmp_path)
    assert missing.returncode != 0 and "NOPE" in missing.stderr
    made = run("createuser", "li", "--unit", "SFQXFJ", "--role", "registrar", "--password", "secret-123",
               tmp_path=tmp_path)
    assert made.returncode == 0, made.stderr
    again = run("createuser", "li", "--unit", "SFQXFJ", "--role", "registrar", "--password", "secret-123",
                tmp_path=tmp_path)
    assert again.returncode != 0 and "已存在" in again.stderr

    token = run("token", "li", tmp_path=tmp_path)
    assert token.returncode == 0 and token.stdout.strip().startswith("xf_")
    verify = run("audit", "verify", tmp_path=tmp_path)
    assert verify.returncode == 0 and "审计链完整" in verify.stdout

    tamper = ("from xinfang.audit.models import AuditEntry; e = AuditEntry.objects.get(seq=1); "
              "e.detail = {'forged': True}; e.save()")
    assert run("shell", "-c", tamper, tmp_path=tmp_path).returncode == 0
    broken = run("audit", "verify", tmp_path=tmp_path)
    assert broken.returncode != 0 and "第 1 条" in broken.stderr


@pytest.mark.parametrize("args", [["workflow-docs", "--out", "{tmp}/docs"]])
def test_workflow_docs_draws_the_petition_table(tmp_path, args):
    out = run(*[a.format(tmp=tmp_path) for a in args], tmp_path=tmp_path)
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "docs" / "petition.md").read_text(encoding="utf-8")
    assert "stateDiagram-v2" in text and "registered --> assigned: 交办" in text

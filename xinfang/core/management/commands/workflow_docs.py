from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from xinfang.core.workflow import ANY_OPEN, CREATE, workflows_all


def _who(t) -> str:
    at = {"owner": "责任单位", "registered": "登记单位", "scope": "数据范围内"}
    # The role names of orgs.RoleCode (no database needed), so every role is named in the docs.
    from xinfang.orgs.models import RoleCode
    names = {**dict(RoleCode.choices), "public": "信访人（查询码）", "system": "系统"}
    return "、".join(names.get(w.role, w.role) + ("" if w.role in ("public", "system") else f"@{at.get(w.at, w.at)}")
                    for w in t.who)


def _source(kind: str) -> str:
    """The workflow.py that declares this kind (the app whose workflow module names it)."""
    from importlib import import_module

    from django.apps import apps
    for app in apps.get_app_configs():
        try:
            module = import_module(f"{app.name}.workflow")
        except ModuleNotFoundError:
            continue
        if getattr(module, "KIND", None) == kind:
            return f"{app.name.replace('.', '/')}/workflow.py"
    return "workflow.py"


class Command(BaseCommand):
    help = "由流程表生成 docs/workflows/<kind>.md（Mermaid 状态图与动作表）。"

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(settings.PROJECT_DIR / "docs" / "workflows"))

    def handle(self, *args, out, **opts):
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        for wf in workflows_all():
            rows = []
            for t in wf.transitions.values():
                src = "（新建）" if CREATE in t.sources else "、".join(
                    "任一办理中状态" if s == ANY_OPEN else s for s in t.sources)
                clocks = "；".join(filter(None, [
                    t.starts and "开始 " + ", ".join(t.starts), t.stops and "停止 " + ", ".join(t.stops),
                    t.pauses and "暂停 " + ", ".join(t.pauses), t.resumes and "恢复 " + ", ".join(t.resumes)]))
                rows.append(f"| `{t.action}` {t.label} | {src} | {t.target or '（不变）'} | {_who(t)} | "
                            f"{', '.join(g.__name__ for g in (*t.guards, *t.checks)) or '—'} | {clocks or '—'} |")
            states = "\n".join(f"| `{c}` | {s.label} | {'办理中' if s.open else '已结束'} |" for c, s in wf.states.items())
            text = (f"# {wf.label}流程（`{wf.kind}`）\n\n由 `xinfang workflow-docs` 从 "
                    f"`{_source(wf.kind)}` 生成，请勿手改。\n\n```mermaid\n{wf.mermaid()}\n```\n\n"
                    f"## 状态\n\n| 代码 | 名称 | |\n| --- | --- | --- |\n{states}\n\n"
                    f"## 动作\n\n| 动作 | 从 | 到 | 谁 | 校验 | 时钟 |\n| --- | --- | --- | --- | --- | --- |\n"
                    + "\n".join(rows) + "\n")
            path = folder / f"{wf.kind}.md"
            path.write_text(text, encoding="utf-8")
            self.stdout.write(str(path))

"""Closed cases with real answers for the demo, from the public messages with the
government's replies (../shared/data/teddy2020/messages_with_replies.csv: 留言主题,
留言详情, 答复意见): what "similar resolved cases" shows on a case page.

Everything goes through the real services, each step on its own past day: registered,
assigned to `unit`, accepted, answered (the reply as the facts), approved, and closed by
the system once the 复查 window lapsed unused. The search hook indexes each as it goes.
"""
import csv
import datetime as dt
import random
import re
from pathlib import Path

from django.conf import settings

from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.core.services import case_transition
from xinfang.orgs.models import Unit, User
from xinfang.petitions.services import petition_register

DEFAULT_CSV = Path(settings.PROJECT_DIR).parent / "shared" / "data" / "teddy2020" / "messages_with_replies.csv"
_SPACE = re.compile(r"[ \t\r\u3000\u200b]+")
_BLANK_LINES = re.compile(r"\n{2,}")


def _clean(text: str) -> str:
    return _BLANK_LINES.sub("\n", _SPACE.sub("", text or "")).strip()


def replies_read(*, csv_path: Path | str | None = None, limit: int = 60, seed: int = 7) -> list[dict]:
    """`limit` messages with a real reply, chosen with `seed` (title, content, reply)."""
    with open(csv_path or DEFAULT_CSV, encoding="utf-8", newline="") as fh:
        rows = [{"title": _clean(r["留言主题"])[:200], "content": _clean(r["留言详情"])[:20000],
                 "reply": _clean(r["答复意见"])[:5000]} for r in csv.DictReader(fh)]
    rows = [r for r in rows if len(r["title"]) >= 2 and len(r["content"]) >= 5 and len(r["reply"]) >= 10]
    random.Random(seed).shuffle(rows)
    return rows[:limit]


def _at(day: dt.date):
    return clock.frozen(dt.datetime.combine(day, dt.time(10)))


def similar_demo_corpus_load(*, registrar: User, handler: User, reviewer: User, unit: Unit, limit: int = 60,
                             csv_path: Path | str | None = None, seed: int = 7, localise=None,
                             first_day: dt.date | None = None) -> list[Case]:
    """Play `limit` replied messages as closed petitions, starting ~400 days before today
    (or `first_day`), a few days apart. `unit` must lie below `registrar`'s unit (交办) and
    be `handler`'s and `reviewer`'s unit. `localise(text)` may rename places (the demo's
    _localise). Returns the closed cases."""
    localise = localise or (lambda s: s)
    day = first_day or clock.today() - dt.timedelta(days=400)
    out = []
    for i, row in enumerate(replies_read(csv_path=csv_path, limit=limit, seed=seed)):
        start = day + dt.timedelta(days=i * 3)
        with _at(start):
            case = petition_register(actor=registrar, data={
                "title": localise(row["title"]), "content": localise(row["content"]), "channel": "web",
                "petitioners": [{"name": f"网友{i + 1:03d}", "phone": f"1370000{i:04d}"}]})

        def step(on: dt.date, actor, action: str, **payload):
            nonlocal case
            with _at(on):
                case = case_transition(case=case, actor=actor, actor_kind="staff" if actor else "system",
                                       action=action, version=case.version, payload=payload)
        step(start, registrar, "assign", unit_id=unit.pk)
        step(start + dt.timedelta(days=1), handler, "accept")
        step(start + dt.timedelta(days=20), handler, "submit_answer", decision="explain",
             facts=localise(row["reply"]), legal_basis="《信访工作条例》第三十二条", text="")
        step(start + dt.timedelta(days=22), reviewer, "approve_answer", note="审核通过，已送达。")
        step(start + dt.timedelta(days=70), None, "close", note="复查申请期限届满，办结。")
        out.append(case)
    return out

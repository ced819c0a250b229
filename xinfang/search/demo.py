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

from django.utils import timezone

from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.core.services import case_transition
from xinfang.orgs.models import Unit, User
from xinfang.petitions.services import petition_register

# Shipped with the demo (a sample of the public messages_with_replies.csv; see its README).
DEFAULT_CSV = Path(__file__).resolve().parents[1] / "demo" / "data" / "replies_sample.csv"
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


def similar_demo_corpus_plan(*, registrar: User, handler: User, reviewer: User, unit: Unit, limit: int = 60,
                             csv_path: Path | str | None = None, seed: int = 7, localise=None,
                             first_day: dt.date | None = None, close: bool = True,
                             out: list[Case] | None = None, category_for=None) -> list[tuple[dt.datetime, object]]:
    """The steps that play `limit` replied messages as answered petitions, starting ~400 days
    before today (or `first_day`), a few days apart: (when, step) pairs for a caller that
    plays them in time order among other histories (the demo). `unit` must lie below
    `registrar`'s unit (交办) and be `handler`'s and `reviewer`'s unit; `close` adds the
    closing step 70 days on (leave it to the nightly job when one runs). `localise(text)` may
    rename places; `category_for(text)` may give each a category id. The cases are appended to
    `out` as they are registered."""
    localise = localise or (lambda s: s)
    day = first_day or clock.today() - dt.timedelta(days=400)
    out = out if out is not None else []
    steps: list[tuple[dt.datetime, object]] = []

    def at(on: dt.date, minute: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(on, dt.time(10, minute)))

    for i, row in enumerate(replies_read(csv_path=csv_path, limit=limit, seed=seed)):
        start = day + dt.timedelta(days=i * 3)
        held: dict = {}

        def register(i=i, row=row, held=held):
            title, content = localise(row["title"]), localise(row["content"])
            held["case"] = petition_register(actor=registrar, data={
                "title": title, "content": content, "channel": "web",
                "category_id": category_for(f"{title}。{content}") if category_for else None,
                "petitioners": [{"name": f"网友{i + 1:03d}", "phone": f"1370000{i:04d}"}]})
            out.append(held["case"])

        def step(actor, action: str, held=held, **payload):
            def run():
                case = held["case"]
                held["case"] = case_transition(case=case, actor=actor, actor_kind="staff" if actor else "system",
                                               action=action, version=case.version, payload=payload)
            return run

        steps += [
            (at(start, 0), register),
            (at(start, 1), step(registrar, "assign", unit_id=unit.pk)),
            (at(start + dt.timedelta(days=1), 0), step(handler, "accept")),
            (at(start + dt.timedelta(days=20), 0), step(handler, "submit_answer", decision="explain",
                                                        facts=localise(row["reply"]),
                                                        legal_basis="《信访工作条例》第三十二条", text="")),
            (at(start + dt.timedelta(days=22), 0), step(reviewer, "approve_answer", note="审核通过，已送达。")),
        ]
        if close:
            steps.append((at(start + dt.timedelta(days=70), 0), step(None, "close", note="复查申请期限届满，办结。")))
    return steps


def similar_demo_corpus_load(**kwargs) -> list[Case]:
    """Play the corpus (see similar_demo_corpus_plan) in time order, on its own. Returns the
    closed cases."""
    out: list[Case] = []
    steps = similar_demo_corpus_plan(out=out, **kwargs)
    for when, run in sorted(steps, key=lambda s: s[0]):
        with clock.frozen(when):
            run()
    return [Case.objects.get(pk=c.pk) for c in out]

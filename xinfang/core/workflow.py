"""The workflow engine: each kind of case declares one table (states, transitions, who
may take each, guards, clocks) in its app's `workflow.py`; this module reads the tables.
Nothing else decides which transition is legal.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Callable, Iterable

from pydantic import BaseModel

ANY_OPEN = "*open"   # a source meaning "every open state"
CREATE = ""          # the source of the creating transition


@dataclasses.dataclass(frozen=True)
class State:
    code: str
    label: str
    open: bool = True
    public_label: str = ""


@dataclasses.dataclass(frozen=True)
class Who:
    """A role, and where the actor must stand relative to the case.

    at: "owner" (the unit that owns the case now), "registered" (the unit that
    registered it), "scope" (anyone whose data scope covers the case); role "public" is
    the petitioner acting with the query code; role "system" is the scheduler.
    """

    role: str
    at: str = "owner"


@dataclasses.dataclass
class TransitionContext:
    case: Any
    actor: Any            # a User, or None for the public / the system
    actor_kind: str       # staff / public / system
    transition: "Transition"
    payload: BaseModel | None
    today: dt.date
    now: dt.datetime
    event_payload: dict = dataclasses.field(default_factory=dict)
    public_text: str = ""


Guard = Callable[[TransitionContext], None]


@dataclasses.dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None                  # None: the state does not change
    who: tuple[Who, ...]
    payload: type[BaseModel] | None = None
    guards: tuple[Guard, ...] = ()      # checked before the action is offered and when taken
    checks: tuple[Guard, ...] = ()      # need the payload: checked only when taken
    effect: Callable[[TransitionContext], None] | None = None
    starts: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()
    pauses: tuple[str, ...] = ()
    resumes: tuple[str, ...] = ()
    public: bool = False                # shown on the petitioner's timeline
    public_label: str = ""
    document: str = ""                  # the written notice this step produces, if any


class Workflow:
    def __init__(self, *, kind: str, label: str, number_prefix: str, states: Iterable[State],
                 transitions: Iterable[Transition]):
        self.kind, self.label, self.number_prefix = kind, label, number_prefix
        self.states = {s.code: s for s in states}
        self.transitions = {t.action: t for t in transitions}
        self._check()

    def _check(self) -> None:
        open_states = {c for c, s in self.states.items() if s.open}
        for t in self.transitions.values():
            for src in t.sources:
                if src not in (CREATE, ANY_OPEN) and src not in self.states:
                    raise ValueError(f"{self.kind}.{t.action}: unknown source {src!r}")
            if t.target is not None and t.target not in self.states:
                raise ValueError(f"{self.kind}.{t.action}: unknown target {t.target!r}")
            if t.target is None and CREATE in t.sources:
                raise ValueError(f"{self.kind}.{t.action}: a creating transition needs a target")
        if not open_states:
            raise ValueError(f"{self.kind}: no open state")

    def state(self, code: str) -> State:
        return self.states[code]

    def sources_of(self, transition: Transition) -> set[str]:
        out = set()
        for src in transition.sources:
            if src == ANY_OPEN:
                out |= {c for c, s in self.states.items() if s.open}
            elif src != CREATE:
                out.add(src)
        return out

    def transitions_from(self, status: str) -> list[Transition]:
        return [t for t in self.transitions.values() if status in self.sources_of(t)]

    def creating(self) -> Transition:
        return next(t for t in self.transitions.values() if CREATE in t.sources)

    def mermaid(self) -> str:
        """The table drawn as a Mermaid state diagram (docs/workflows)."""
        lines = ["stateDiagram-v2"]
        for code, s in self.states.items():
            lines.append(f'    {code}: {code} {s.label}')
        for t in self.transitions.values():
            for src in sorted(self.sources_of(t)) if CREATE not in t.sources else ["[*]"]:
                target = t.target or src
                lines.append(f"    {src} --> {target}: {t.label}")
        for code, s in self.states.items():
            if not s.open:
                lines.append(f"    {code} --> [*]")
        return "\n".join(lines)


_REGISTRY: dict[str, Workflow] = {}


def workflow_register(workflow: Workflow) -> Workflow:
    _REGISTRY[workflow.kind] = workflow
    return workflow


def workflow_for(kind: str) -> Workflow:
    return _REGISTRY[kind]


def workflows_all() -> list[Workflow]:
    return list(_REGISTRY.values())

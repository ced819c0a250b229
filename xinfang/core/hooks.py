"""Indexes kept beside cases (full text, same-matter signatures, notifications) register
here and are called inside the writing transaction, after the Event is saved: an index
never disagrees with a committed case, and a failing index rolls the write back.

A hook receives `case` (saved, with its new version) and `event` (the Event just written;
`event.action` is the workflow action, the creating one for a new case). Hooks must be
cheap: they run on every write.
"""
from collections.abc import Callable

CaseWriteHook = Callable[..., None]
_hooks: list[CaseWriteHook] = []


def case_write_hook_register(hook: CaseWriteHook) -> CaseWriteHook:
    """Register `hook(case=…, event=…)`; call from an AppConfig.ready(). Idempotent."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def case_written(*, case, event) -> None:
    for hook in _hooks:
        hook(case=case, event=event)

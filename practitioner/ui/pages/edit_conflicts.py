"""The one way a form settles an edit conflict: show both versions until the practitioner
chooses, and save their choice on the stored version (again if it moves on meanwhile)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtWidgets import QWidget

from practitioner.domain.conflicts import ConflictChoice, EditConflict, EditConflictError
from practitioner.ui.messages import Messages

T = TypeVar("T")


@dataclass(frozen=True)
class Settled(Generic[T]):
    """How a conflict ended: `choice` None when cancelled; `saved` what keep mine or a
    merge saved; `conflict` the last conflict shown (for keep theirs)."""

    choice: str | None
    saved: T | None
    conflict: EditConflict[Any]


def settle_conflict(
    messages: Messages, parent: QWidget, error: EditConflictError, what: str,
    save: Callable[[Any, int, str], T],
) -> Settled[T]:
    """Ask until the practitioner chooses. Keep mine and merge are saved with
    `save(value, their_version, choice)`; when that meets yet another version, both are
    shown again. Nothing else is written here; keep theirs is the caller's to show.
    Errors of `save` other than a conflict (validation, a failed write) propagate."""
    while True:
        conflict = error.conflict
        answer = messages.resolve_conflict(parent, conflict, what)
        if answer is None:
            return Settled(None, None, conflict)
        if answer.choice == ConflictChoice.KEEP_THEIRS:
            return Settled(answer.choice, None, conflict)
        value = conflict.mine if answer.choice == ConflictChoice.KEEP_MINE \
            else answer.merged(conflict)
        try:
            return Settled(answer.choice, save(value, conflict.their_version, answer.choice),
                           conflict)
        except EditConflictError as again:  # saved elsewhere once more meanwhile
            error = again

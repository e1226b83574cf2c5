"""Keeps a form's unsaved text as a draft (services/drafts.py) and brings it back.

Whatever is typed is stored within a moment of the last keystroke and whenever focus
leaves the form, so a switch of patient, a closed window or a killed process never loses
it; the next time the form is opened the draft is put back with a notice. The session
note and the patient profile both keep their drafts through this one class.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from practitioner.domain.session import DraftForm
from practitioner.errors import KnownError
from practitioner.services.drafts import DraftPlace, DraftService

DRAFT_DELAY_MS = 1000  # a draft is stored within a second of the last keystroke

#: The draft slot of what a form shows: patient id, session id (None for a new session or
#: the profile) and which form; None when nothing shown may be kept as a draft.
Slot = tuple[int, int | None, DraftForm]


class DraftKeeper(QObject):
    """Stores one form's unsaved state as the draft of its slot.

    Signals:
        status(str): what became of the last draft ("Draft kept at 10:31:02", or why not).
        kept(): a draft was stored with the records.
    """

    status = Signal(str)
    kept = Signal()

    def __init__(self, drafts: DraftService, form: QWidget, slot: Callable[[], Slot | None],
                 state: Callable[[], dict[str, Any]], dirty: Callable[[], bool],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._drafts, self._form, self._slot = drafts, form, slot
        self._state, self._dirty = state, dirty
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DRAFT_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # always, once a widget exists
            app.focusChanged.connect(self._on_focus_changed)

    def edited(self) -> None:
        """Something was typed: store the draft a moment after the last keystroke."""
        # Runs on every keystroke: only restart the timer here; whether there is anything
        # to keep is decided once, when the timer fires.
        if self._slot() is not None:
            self._timer.start()

    def stop(self) -> None:
        """Forget a pending store (the form was saved or its edits dropped)."""
        self._timer.stop()

    def flush(self) -> bool:
        """Store the form as a draft now if it holds unsaved edits; False when it could
        not be stored (the text is then only in the form)."""
        self._timer.stop()
        slot = self._slot()
        if slot is None or not self._dirty():
            return True
        patient_id, session_id, form = slot
        try:
            place = self._drafts.save(patient_id, session_id, self._state(), form)
        except KnownError as exc:
            self.status.emit(self.tr("Draft NOT kept: %1").replace("%1", exc.message))
            return False
        now = dt.datetime.now().strftime("%H:%M:%S")
        if place is DraftPlace.LOCAL:
            self.status.emit(self.tr(
                "Draft kept on this computer at %1: the records cannot be written just now. "
                "It goes back into them when they can.").replace("%1", now))
            return True
        self.status.emit(self.tr("Draft kept at %1").replace("%1", now))
        self.kept.emit()
        return True

    def restore(self, apply: Callable[[dict[str, Any]], None]) -> str:
        """Put the slot's draft back into the form through `apply`; the notice to show,
        or "" when there was none."""
        slot = self._slot()
        if slot is None:
            return ""
        draft = self._drafts.get(*slot)
        if draft is None:
            return ""
        apply(draft.payload)
        when = draft.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        return self.tr("Restored your unsaved draft from %1. Save it, or discard the draft."
                       ).replace("%1", when)

    def has_draft(self) -> bool:
        """Whether the slot shown has a draft stored with the records."""
        slot = self._slot()
        return slot is not None and self._drafts.get(*slot) is not None

    def discard(self) -> None:
        """Throw the slot's draft away. Raises KnownError."""
        self._timer.stop()
        slot = self._slot()
        if slot is not None:
            self._drafts.discard(*slot)

    def forget_local(self) -> None:
        """The form was saved: a copy kept on this computer is not needed any more."""
        self._timer.stop()
        slot = self._slot()
        if slot is not None:
            self._drafts.forget_local(*slot)

    def _on_focus_changed(self, old: QWidget | None, _new: QWidget | None) -> None:
        # Focus also moves while the window is torn down, once the form is gone.
        if old is not None and isValid(self._form) and self._form.isAncestorOf(old):
            self.flush()

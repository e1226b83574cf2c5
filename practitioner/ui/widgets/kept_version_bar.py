"""A bar over a form holding the practitioner's own version, set aside when they chose
another's version in an edit conflict ("Keep theirs"): kept in the records (a draft slot
of its own), shown whenever its record is open, until dismissed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from practitioner.errors import KnownError
from practitioner.services.drafts import DraftService
from practitioner.ui.dialogs.conflict_dialog import field_label
from practitioner.ui.messages import Messages

# (patient id, session id): a session's kept version; session None: the profile's.
Record = tuple[int, int | None]


class KeptVersionBar(QFrame):
    """Shows the texts of a version set aside, with "Use mine" and "Dismiss mine".

    Signals:
        use_requested(dict): put the version set aside (its stored payload) back into
            the form; it stays set aside until dismissed.
    """

    use_requested = Signal(dict)

    def __init__(self, drafts: DraftService, messages: Messages,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._drafts, self._messages = drafts, messages
        self._record: Record | None = None
        self.setObjectName("keptVersion")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMaximumHeight(90)
        self.text.setAccessibleName(self.tr("Your version, set aside"))
        self.use_button = QPushButton(self.tr("Use mine in the form"))
        self.use_button.setAccessibleName(self.tr("Put your version back in the form"))
        self.dismiss_button = QPushButton(self.tr("Dismiss mine"))
        self.dismiss_button.setAccessibleName(self.tr("Throw your set-aside version away"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.title, 1)
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.dismiss_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.text)
        self.use_button.clicked.connect(self._use)
        self.dismiss_button.clicked.connect(self._dismiss)
        self.hide()

    def keep(self, record: Record, payload: dict[str, Any],
             texts: Mapping[str, str]) -> None:
        """Store `payload` (what "use mine" gives back) with the differing `texts` as the
        version set aside for `record`, and show it. Raises KnownError when it cannot be
        stored (the caller then leaves the form as it is)."""
        self._drafts.keep_aside(record[0], record[1], {**payload, "texts": dict(texts)})
        self.show_for(record)

    def show_for(self, record: Record | None) -> None:
        """Show the version set aside for `record` (None: no record open), if any."""
        self._record = record
        kept = None
        if record is not None:
            try:
                kept = self._drafts.kept_aside(*record)
            except KnownError:
                kept = None  # reading failed: the record's own view reports the cause
        if kept is None:
            self.text.clear()
            self.hide()
            return
        texts = kept.payload.get("texts")
        if not isinstance(texts, dict):
            texts = {}
        self.title.setText(self.tr(
            "You chose their version at %1. Yours is kept here until you dismiss it."
        ).replace("%1", kept.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")))
        self.text.setPlainText("\n\n".join(f"{field_label(name)}:\n{text}"
                                           for name, text in texts.items())
                               or self.tr("(no text fields differed)"))
        self.show()

    def _use(self) -> None:
        if self._record is None:
            return
        try:
            kept = self._drafts.kept_aside(*self._record)
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot read your version"), exc.message)
            return
        if kept is not None:
            self.use_requested.emit(kept.payload)

    def _dismiss(self) -> None:
        if self._record is None:
            return
        try:
            self._drafts.dismiss_kept(*self._record)
        except KnownError as exc:
            self._messages.error(self, self.tr("Not dismissed"), exc.message)
            return
        self.show_for(self._record)

"""Every version of a session: the kept originals and the current text, with who and when."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from practitioner.domain.session import Session
from practitioner.domain.session_text import describe_session


def _when(value: dt.datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "—"


def history_text(session: Session) -> str:
    """The session's versions, oldest first, each headed by who recorded it and when."""
    blocks = []
    for revision in session.revisions:
        head = (
            f"Version {revision.number} — recorded by {revision.recorded_by or 'unknown'} "
            f"at {_when(revision.recorded_at)}; replaced by "
            f"{revision.replaced_by or 'unknown'} at {_when(revision.replaced_at)}"
        )
        if revision.reason:
            head += f" (reason: {revision.reason})"
        blocks.append(f"{head}\n{describe_session(revision.data)}")
    last = session.revisions[-1] if session.revisions else None
    status = "final" if session.final else "open (not finalised)"
    head = f"Version {len(session.revisions) + 1} (current, {status})"
    if last is not None:
        head += f" — amended by {last.replaced_by or 'unknown'} at {_when(last.replaced_at)}"
    elif session.final:
        head += f" — signed by {session.finalised_by or 'unknown'} at {_when(session.finalised_at)}"
    blocks.append(f"{head}\n{describe_session(session.data)}")
    return "\n\n".join(blocks)


class SessionHistoryDialog(QDialog):
    """Read-only view of a session's history."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Session history"))
        self.text = QPlainTextEdit(history_text(session))
        self.text.setReadOnly(True)
        self.text.setAccessibleName(self.tr("Session history"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(640, 520)

    @classmethod
    def show_for(cls, session: Session, parent: QWidget | None = None) -> None:
        """Show the history modally."""
        cls(session, parent).exec()

"""Offered at start-up: the unsaved session notes and profile edits recovered from last
time."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.session import DraftForm, DraftSummary


def draft_label(draft: DraftSummary) -> str:
    """How a recovered draft is named to the practitioner: patient, which note, when."""
    if draft.form is DraftForm.PROFILE:
        which = "profile"
    elif draft.session_id is None:
        which = "new session"
    else:
        which = f"session no. {draft.session_id}"
    when = draft.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{draft.patient_name} — {which}, last typed {when}"


class DraftRecoveryDialog(QDialog):
    """Lists recovered drafts; the practitioner opens one now or keeps them all for later."""

    def __init__(self, drafts: list[DraftSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Recovered notes"))
        intro = QLabel(self.tr(
            "These session notes and profile edits were being written when the app last "
            "closed and were never saved. They are kept until you save or discard them."
        ))
        intro.setWordWrap(True)
        self._drafts = list(drafts)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Recovered notes"))
        self.list.addItems([draft_label(draft) for draft in self._drafts])
        self.list.setCurrentRow(0)
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(self.tr("Open selected"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Later"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(520, 300)

    def value(self) -> DraftSummary | None:
        """The chosen draft."""
        row = self.list.currentRow()
        return self._drafts[row] if 0 <= row < len(self._drafts) else None

    @classmethod
    def ask(cls, drafts: list[DraftSummary], parent: QWidget | None = None) -> (
        DraftSummary | None
    ):
        """Show the dialog; the draft to open now, or None."""
        dialog = cls(drafts, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

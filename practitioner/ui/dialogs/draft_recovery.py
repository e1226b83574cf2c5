"""Offered at start-up: the unsaved session notes and profile edits recovered from last
time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
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
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Recovered notes"))
        for draft in drafts:
            item = QListWidgetItem(draft_label(draft))
            item.setData(Qt.ItemDataRole.UserRole, draft)
            self.list.addItem(item)
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
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    @classmethod
    def ask(cls, drafts: list[DraftSummary], parent: QWidget | None = None) -> (
        DraftSummary | None
    ):
        """Show the dialog; the draft to open now, or None."""
        dialog = cls(drafts, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

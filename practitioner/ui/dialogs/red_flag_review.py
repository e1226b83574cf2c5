"""Record what was done about a red flag: referred, discussed, or not applicable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from practitioner.domain.reference_flags import Flag

ACTIONS = (("referred", "Referred"), ("discussed", "Discussed with the patient"),
           ("not_applicable", "Not applicable"))


@dataclass(frozen=True)
class RedFlagReview:
    """What the practitioner recorded."""

    key: str
    action: str
    note: str


#: Characters of a red flag's reason the chooser shows before eliding it.
MIN_CHARACTERS = 48


class RedFlagReviewDialog(QDialog):
    """Pick the flag, the action taken and an optional note."""

    def __init__(self, flags: Sequence[Flag], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Record what was done"))
        self.flag = QComboBox()
        self.flag.setAccessibleName(self.tr("Red flag"))
        # A reason can run to several sentences: the list elides it (the item's tooltip
        # and the text under the list give it whole).
        self.flag.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.flag.setMinimumContentsLength(MIN_CHARACTERS)
        for flag in flags:
            self.flag.addItem(flag.reason, flag.key)
            self.flag.setItemData(self.flag.count() - 1, flag.reason,
                                  Qt.ItemDataRole.ToolTipRole)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName(self.tr("The red flag's reason"))
        self.flag.currentIndexChanged.connect(
            lambda: self.reason.setText(self.flag.currentText()))
        self.reason.setText(self.flag.currentText())
        self.action = QComboBox()
        self.action.setAccessibleName(self.tr("What was done"))
        for code, label in ACTIONS:
            self.action.addItem(self.tr(label), code)
        self.note = QLineEdit()
        self.note.setAccessibleName(self.tr("Note"))
        self.note.setPlaceholderText(self.tr("e.g. letter to GP, seen same day"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Red flag"), self.flag)
        form.addRow("", self.reason)
        form.addRow(self.tr("What was done"), self.action)
        form.addRow(self.tr("Note"), self.note)
        form.addRow(buttons)

    def value(self) -> RedFlagReview:
        """The review as entered."""
        return RedFlagReview(str(self.flag.currentData()), str(self.action.currentData()),
                             self.note.text().strip())

    @classmethod
    def ask(cls, flags: Sequence[Flag], parent: QWidget | None = None) -> RedFlagReview | None:
        """Show the dialog; the review, or None when cancelled."""
        dialog = cls(flags, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

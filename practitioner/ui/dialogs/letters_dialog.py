"""The referral letters kept in a patient's record: what was sent, to whom, and a copy."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.letters import KeptLetter
from practitioner.ui.pdf import PdfWriteError, save_file
from practitioner.ui.widgets.tables import fill_rows, read_only_table


class LettersDialog(QDialog):
    """A list of kept letters, newest first, with the chosen letter's text."""

    def __init__(self, patient_name: str, letters: Sequence[KeptLetter],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.letters = list(letters)
        self.setWindowTitle(self.tr("Letters – %1").replace("%1", patient_name))
        self.table = read_only_table([self.tr("Written (UTC)"), self.tr("To"), self.tr("By")],
                                     self.tr("Kept letters"), stretch=1)
        fill_rows(self.table, ((f"{letter.written_at:%Y-%m-%d %H:%M}", letter.recipient,
                                letter.written_by) for letter in self.letters))
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName(self.tr("Letter text"))
        self.empty = QLabel(self.tr("No letters kept yet. A referral letter or take-home "
                                    "sheet is kept here when it is saved as PDF or "
                                    "printed."))
        self.empty.setWordWrap(True)
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Letters status"))
        self.save_button = QPushButton(self.tr("Save a copy as PDF…"))
        self.save_button.setAccessibleName(self.tr("Save a copy of the letter as PDF"))
        close = QPushButton(self.tr("Close"))
        close.setAccessibleName(self.tr("Close"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.text, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.empty.setVisible(not self.letters)
        self.table.setVisible(bool(self.letters))
        self.text.setVisible(bool(self.letters))
        self.save_button.setEnabled(bool(self.letters))
        self.table.itemSelectionChanged.connect(self._show_selected)
        close.clicked.connect(self.accept)
        if self.letters:
            self.table.selectRow(0)
        self.resize(760, 620)

    def selected(self) -> KeptLetter | None:
        """The letter chosen in the list."""
        row = self.table.currentRow()
        return self.letters[row] if 0 <= row < len(self.letters) else None

    def save_copy(self, path: Path) -> bool:
        """Write the chosen letter's PDF, exactly as kept; the outcome shows in the dialog."""
        letter = self.selected()
        if letter is None:
            return False
        try:
            save_file(letter.pdf, path)
        except PdfWriteError as exc:
            self.status.setText(self.tr("Not saved: %1").replace("%1", str(exc)))
            return False
        self.status.setText(self.tr("Saved %1").replace("%1", str(path)))
        return True

    def _show_selected(self) -> None:
        letter = self.selected()
        self.text.setPlainText(letter.body if letter else "")

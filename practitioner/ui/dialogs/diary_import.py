"""Preview of a cramp-diary CSV before anything is imported: bad rows by line number."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.diary_csv import DiaryImport
from practitioner.domain.outcomes import DiaryEntry


class DiaryImportDialog(QDialog):
    """Shows what would be imported; a file with bad rows imports nothing unless the
    practitioner ticks "skip the bad rows"."""

    def __init__(self, preview: DiaryImport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(self.tr("Import cramp diary"))
        self.summary = QLabel(preview.summary())
        self.summary.setWordWrap(True)
        self.problems = QListWidget()
        self.problems.setAccessibleName(self.tr("Rows that cannot be imported"))
        for problem in preview.problems:
            self.problems.addItem(self.tr("Line %1: %2").replace("%1", str(problem.line))
                                  .replace("%2", problem.message))
        self.problems.setVisible(bool(preview.problems))
        self.skip_bad = QCheckBox(self.tr("Skip the bad rows and import the %1 good ones")
                                  .replace("%1", str(len(preview.entries))))
        self.skip_bad.setAccessibleName(self.tr("Skip the bad rows"))
        self.skip_bad.setVisible(bool(preview.problems) and bool(preview.entries))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(self.tr("Import"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.skip_bad.toggled.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.skip_bad)
        layout.addWidget(self.buttons)
        self.resize(560, 380)
        self._update()

    def value(self) -> list[DiaryEntry]:
        """The entries to import: all when the file is clean, the good ones when skipping."""
        if self.preview.clean or self.skip_bad.isChecked():
            return list(self.preview.entries)
        return []

    def _update(self) -> None:
        self.import_button.setEnabled(bool(self.value()))

    @classmethod
    def ask(cls, preview: DiaryImport, parent: QWidget | None = None) -> list[DiaryEntry] | None:
        """Show the preview; the entries to import, or None when cancelled."""
        dialog = cls(preview, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

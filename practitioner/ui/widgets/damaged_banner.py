"""A banner across the top of the window: the records are damaged and open read-only."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class DamagedBanner(QFrame):
    """Says why nothing can be changed, and offers the newest verified backup."""

    restore_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("damagedBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.restore_button = QPushButton(self.tr("Restore newest backup…"))
        self.restore_button.clicked.connect(self.restore_requested)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.restore_button)
        self.setAccessibleName(self.tr("Damaged records warning"))

    def show_damage(self, text: str, newest_backup: str | None) -> None:
        """Show `text`, and the restore button when there is a backup (`newest_backup`)."""
        offer = (self.tr(" The newest verified backup was taken on %1.").replace(
            "%1", newest_backup) if newest_backup else self.tr(" No verified backup was found."))
        self.label.setText(text + offer)
        self.restore_button.setVisible(newest_backup is not None)
        self.show()

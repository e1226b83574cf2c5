"""The notice shown over a record that changed at another workstation while being edited."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class ChangedElsewhereNotice(QFrame):
    """A non-modal bar: the open record changed at another workstation — Reload.

    Signals:
        reload_requested(): the practitioner asked to see the stored record.
    """

    reload_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changedElsewhere")
        self.label = QLabel(self.tr("Changed at another workstation — your unsaved edits are "
                                    "kept."))
        self.label.setWordWrap(True)
        self.label.setAccessibleName(self.tr("Changed at another workstation"))
        self.reload_button = QPushButton(self.tr("Reload"))
        self.reload_button.setAccessibleName(self.tr("Reload the record changed elsewhere"))
        self.reload_button.setToolTip(self.tr("Show the record as stored now"))
        self.dismiss_button = QPushButton(self.tr("Dismiss"))
        self.dismiss_button.setAccessibleName(self.tr("Dismiss the notice"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.reload_button)
        layout.addWidget(self.dismiss_button)
        self.reload_button.clicked.connect(self.reload_requested)
        self.dismiss_button.clicked.connect(self.hide)
        self.hide()

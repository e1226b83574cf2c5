"""A bar over a form holding the practitioner's own version, set aside when they chose
another's version in an edit conflict ("Keep theirs"): nothing is lost until dismissed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from practitioner.ui.dialogs.conflict_dialog import field_label


class KeptVersionBar(QWidget):
    """Shows the texts of a version set aside, with "Use mine" and "Dismiss".

    Signals:
        use_requested(): put the version set aside back into the form.
        dismiss_requested(): throw the version set aside away.
    """

    use_requested = Signal()
    dismiss_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keptVersion")
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
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.text)
        self.use_button.clicked.connect(self.use_requested)
        self.dismiss_button.clicked.connect(self.dismiss_requested)
        self.hide()

    def show_kept(self, texts: Mapping[str, str], when: dt.datetime) -> None:
        """Show the version set aside at `when` (its free-text fields that differed)."""
        self.title.setText(self.tr(
            "You chose their version at %1. Yours is kept here until you dismiss it."
        ).replace("%1", when.astimezone().strftime("%Y-%m-%d %H:%M")))
        self.text.setPlainText("\n\n".join(f"{field_label(name)}:\n{text}"
                                           for name, text in texts.items())
                               or self.tr("(no text fields differed)"))
        self.show()

    def clear(self) -> None:
        """Nothing set aside: hide the bar."""
        self.text.clear()
        self.hide()

"""The page that covers the window while it is locked: no patient data, one field."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from practitioner.ui.dialogs.passphrase import secret_field


class LockScreen(QWidget):
    """Asks for the passphrase or PIN; a wrong one is reported inline, and after repeated
    failures the field stays disabled for a while.

    Signals:
        unlock_requested(str): the practitioner asked to unlock with the typed secret.
    """

    unlock_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.heading = QLabel(self.tr("Cramp Practitioner is locked"))
        self.heading.setObjectName("lockHeading")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A wrapped label centred in a layout is not given the height its lines need:
        # its width is fixed and its height set from it whenever the text changes.
        self.hint.setFixedWidth(440)
        self.secret: QLineEdit = secret_field(self.tr("Passphrase"))
        self.secret.setMaximumWidth(360)
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.setAccessibleName(self.tr("Unlock"))
        self.error = QLabel()
        self.error.setObjectName("inlineError")
        self.error.setAccessibleName(self.tr("Unlock problem"))
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (self.heading, self.hint, self.secret, self.unlock_button, self.error):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.timeout.connect(self._resume)
        self.secret.returnPressed.connect(self._on_unlock)
        self.unlock_button.clicked.connect(self._on_unlock)

    def prepare(self, what: str | None) -> None:
        """Show the page asking for `what` ("passphrase" or "PIN"); None when no secret
        is set, so Unlock alone opens the window."""
        self._pause.stop()
        self._resume()
        self.error.hide()
        self.secret.clear()
        self.secret.setVisible(what is not None)
        if what is None:
            self.hint.setText(self.tr("No lock PIN is set, so anyone at this computer can "
                                      "unlock. Set one in the Security menu."))
        else:
            self.secret.setAccessibleName(what.capitalize())
            self.secret.setPlaceholderText(what.capitalize())
            self.hint.setText(self.tr("Enter your %1 to show the records.").replace("%1", what))
            self.secret.setFocus()
        self.hint.setFixedHeight(self.hint.heightForWidth(self.hint.width()))

    def show_failure(self, text: str, pause_ms: int) -> None:
        """Say why unlocking failed; refuse another try for `pause_ms` milliseconds."""
        self.secret.clear()
        self.error.setText(text)
        self.error.show()
        if pause_ms > 0:
            self.secret.setEnabled(False)
            self.unlock_button.setEnabled(False)
            self._pause.start(pause_ms)

    def is_paused(self) -> bool:
        """True while a failed unlock keeps the field disabled."""
        return self._pause.isActive()

    def _resume(self) -> None:
        self.secret.setEnabled(True)
        self.unlock_button.setEnabled(True)
        if self.isVisible():
            self.secret.setFocus()

    def _on_unlock(self) -> None:
        if self.is_paused():
            return
        text = self.secret.text()
        self.secret.clear()
        self.unlock_requested.emit(text)

"""Passphrase and PIN prompts: open an encrypted file, choose one on first run, change it,
set the lock-screen PIN. Problems are shown inside the dialog, never as a second popup."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.passphrase import (
    MIN_PASSPHRASE_LENGTH,
    passphrase_problem,
    pin_problem,
)

MIN_WIDTH = 420  # wide enough that the explanations wrap to a few lines


@dataclass(frozen=True)
class NewPassphrase:
    """The first-run choice: a passphrase to encrypt with, or None for no encryption."""

    passphrase: str | None


@dataclass(frozen=True)
class PassphraseChange:
    """The current passphrase and the new one, typed twice."""

    current: str
    new: str
    confirmation: str


def secret_field(accessible: str) -> QLineEdit:
    """A line edit that never shows what is typed."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(accessible)
    return edit


def open_on_first_field(dialog: QDialog) -> None:
    """On showing `dialog`: focus its first text field unless one is already chosen (typing
    never goes to a button), and make it tall enough for every wrapped line."""
    fields = [f for f in dialog.findChildren(QLineEdit) if f.isVisibleTo(dialog)]
    if fields and dialog.focusWidget() not in fields:
        fields[0].setFocus()
    fit_height(dialog)


def fit_height(dialog: QDialog) -> None:
    """Grow `dialog` to the height its wrapped texts need at its width: a word-wrapped
    label's height is no part of a layout's minimum size, so a problem shown under the
    fields would otherwise squeeze the text above it."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    needed = layout.totalHeightForWidth(dialog.width())
    if needed > dialog.height():
        dialog.resize(dialog.width(), needed)


def _problem_label(problem: str) -> QLabel:
    label = QLabel(problem)
    label.setObjectName("inlineError")
    label.setWordWrap(True)
    label.setAccessibleName("Problem")
    label.setVisible(bool(problem))
    return label


class _SecretDialog(QDialog):
    def __init__(self, title: str, intro: str, problem: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.problem = _problem_label(problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(MIN_WIDTH)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        open_on_first_field(self)

    def check(self) -> str:
        """Why the typed text cannot be accepted, or ""."""
        return ""

    def show_problem(self, text: str) -> None:
        """Show `text` under the fields."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        fit_height(self)

    def _on_accept(self) -> None:
        problem = self.check()
        self.show_problem(problem)
        if not problem:
            self.accept()


class EnterPassphraseDialog(_SecretDialog):
    """Asks for the passphrase of an encrypted records file."""

    def __init__(self, file_name: str, problem: str = "", parent: QWidget | None = None
                 ) -> None:
        super().__init__("Passphrase", f"{file_name} is encrypted. Enter its passphrase.",
                         problem, parent)
        self.passphrase = secret_field("Passphrase")
        self.form.addRow("&Passphrase", self.passphrase)

    def check(self) -> str:
        return "" if self.passphrase.text() else "Enter the passphrase."

    @classmethod
    def ask(cls, file_name: str, problem: str = "", parent: QWidget | None = None
            ) -> str | None:
        """The passphrase typed, or None when cancelled."""
        dialog = cls(file_name, problem, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.passphrase.text()


class NewPassphraseDialog(_SecretDialog):
    """First run: offers to encrypt the new records file (recommended)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Protect your records",
            "Your patients' records will be encrypted on disk with a passphrase "
            f"(recommended; at least {MIN_PASSPHRASE_LENGTH} characters). Without it the "
            "records cannot be opened, and it cannot be recovered: keep it somewhere safe.",
            "", parent)
        self.passphrase = secret_field("New passphrase")
        self.confirmation = secret_field("New passphrase again")
        self.form.addRow("&Passphrase", self.passphrase)
        self.form.addRow("&Again", self.confirmation)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Encrypt records")
        self.no_passphrase: QPushButton = self.buttons.addButton(
            "No passphrase", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.no_passphrase.setToolTip("Keep the records unencrypted (not recommended)")
        self.no_passphrase.clicked.connect(self._on_no_passphrase)
        self.unencrypted = False

    def check(self) -> str:
        return passphrase_problem(self.passphrase.text(), self.confirmation.text())

    def _on_no_passphrase(self) -> None:
        self.unencrypted = True
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None = None) -> NewPassphrase | None:
        """The choice made, or None when cancelled."""
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return NewPassphrase(None if dialog.unencrypted else dialog.passphrase.text())


class ChangePassphraseDialog(_SecretDialog):
    """Asks for the current passphrase and a new one, twice."""

    def __init__(self, problem: str = "", parent: QWidget | None = None) -> None:
        super().__init__("Change passphrase",
                         "Backups the current passphrase opens are changed with the records.",
                         problem, parent)
        self.current = secret_field("Current passphrase")
        self.new = secret_field("New passphrase")
        self.confirmation = secret_field("New passphrase again")
        self.form.addRow("&Current passphrase", self.current)
        self.form.addRow("&New passphrase", self.new)
        self.form.addRow("&Again", self.confirmation)

    def check(self) -> str:
        if not self.current.text():
            return "Enter the current passphrase."
        return passphrase_problem(self.new.text(), self.confirmation.text())

    @classmethod
    def ask(cls, problem: str = "", parent: QWidget | None = None) -> PassphraseChange | None:
        """What was typed, or None when cancelled."""
        dialog = cls(problem, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return PassphraseChange(dialog.current.text(), dialog.new.text(),
                                dialog.confirmation.text())


class NewPinDialog(_SecretDialog):
    """Sets the PIN that unlocks the screen when the records are not encrypted."""

    def __init__(self, intro: str, parent: QWidget | None = None) -> None:
        super().__init__("Lock screen PIN", intro, "", parent)
        self.pin = secret_field("New PIN")
        self.confirmation = secret_field("New PIN again")
        self.form.addRow("&PIN", self.pin)
        self.form.addRow("&Again", self.confirmation)

    def check(self) -> str:
        return pin_problem(self.pin.text(), self.confirmation.text())

    @classmethod
    def ask(cls, intro: str, parent: QWidget | None = None) -> str | None:
        """The new PIN, or None when cancelled."""
        dialog = cls(intro, parent)
        return dialog.pin.text() if dialog.exec() == QDialog.DialogCode.Accepted else None

"""Signing in to clinic records: the login dialog, the first administrator's account on
a new clinic database, and setting a password. Each checks what is typed through the
function it is given (a service call) and shows any problem inline, under the fields;
a failed login keeps the typed name and empties only the password."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.accounts import MIN_PASSWORD_LENGTH, Account, Role
from practitioner.domain.validation import ValidationError
from practitioner.errors import KnownError
from practitioner.ui.dialogs.passphrase import fit_height, open_on_first_field, secret_field

SignIn = Callable[[str, str], Account]
#: Creates an account from a name, a password typed twice and a role.
CreateAccount = Callable[[str, str, str, Role], Account]
#: Sets a password from the new one typed twice.
SetPassword = Callable[[str, str], None]


def problem_label() -> QLabel:
    """The inline label a dialog shows its problem in (hidden while there is none)."""
    label = QLabel()
    label.setObjectName("inlineError")
    label.setWordWrap(True)
    label.setAccessibleName("Problem")
    label.setVisible(False)
    return label


class CheckedDialog(QDialog):
    """A form with OK/Cancel whose OK runs `submit`; a problem keeps the dialog open."""

    def __init__(self, title: str, intro: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setVisible(bool(intro))
        self.form = QFormLayout()
        self.problem = problem_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.ok.setDefault(True)  # Enter in any field submits.
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        open_on_first_field(self)

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        fit_height(self)

    def submit(self) -> str:
        """Act on what was typed; returns the problem to show, or "" when done."""
        raise NotImplementedError

    def _on_accept(self) -> None:
        problem = self.submit()
        self.show_problem(problem)
        if not problem:
            self.accept()


def _first_error(exc: ValidationError) -> str:
    return exc.errors[0].message if exc.errors else str(exc)


class LoginDialog(CheckedDialog):
    """Name and password; `sign_in` says whether they are right (raising KnownError)."""

    def __init__(self, sign_in: SignIn, where: str = "", name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__("Sign in", f"Clinic records on {where}." if where else "",
                         "Sign in", parent)
        self._sign_in = sign_in
        self.account: Account | None = None
        self.name = QLineEdit(name)
        self.name.setAccessibleName("Name")
        self.password = secret_field("Password")
        self.form.addRow("&Name", self.name)
        self.form.addRow("&Password", self.password)
        (self.password if name else self.name).setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> str:
        if not self.name.text().strip():
            self.name.setFocus()
            return "Enter your name."
        try:
            self.account = self._sign_in(self.name.text(), self.password.text())
        except KnownError as exc:
            self.password.clear()
            self.password.setFocus()
            return exc.message
        return ""

    @classmethod
    def ask(cls, sign_in: SignIn, where: str = "", name: str = "",
            parent: QWidget | None = None) -> Account | None:
        """The account signed in to, or None when cancelled."""
        dialog = cls(sign_in, where, name, parent)
        return dialog.account if dialog.exec() == QDialog.DialogCode.Accepted else None


class NewAccountDialog(CheckedDialog):
    """A practitioner's name, role and first password (typed twice)."""

    def __init__(self, create: CreateAccount, first: bool = False,
                 parent: QWidget | None = None, where: str = "") -> None:
        empty = (f"The clinic records on {where} have" if where
                 else "This clinic database has")
        intro = (f"{empty} no accounts yet. The first account is the administrator's: "
                 "it adds the other practitioners." if first else "")
        super().__init__("Administrator account" if first else "Add account", intro,
                         "Create account", parent)
        self._create = create
        self.account: Account | None = None
        self.name = QLineEdit()
        self.name.setAccessibleName("Name")
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        for role in Role:
            self.role.addItem(role.label, role)
        self.role.setVisible(not first)
        self.password = secret_field("Password")
        self.password.setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters")
        self.confirmation = secret_field("Password again")
        self.form.addRow("&Name", self.name)
        if not first:
            self.form.addRow("&Role", self.role)
        self.form.addRow("&Password", self.password)
        self.form.addRow("&Again", self.confirmation)
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> str:
        try:
            self.account = self._create(self.name.text(), self.password.text(),
                                        self.confirmation.text(), self.role.currentData())
        except ValidationError as exc:
            return _first_error(exc)
        except KnownError as exc:
            return exc.message
        return ""

    @classmethod
    def ask(cls, create: CreateAccount, first: bool = False,
            parent: QWidget | None = None, where: str = "") -> Account | None:
        """The account created (the first one of the clinic records on `where`), or None
        when cancelled."""
        dialog = cls(create, first, parent, where)
        return dialog.account if dialog.exec() == QDialog.DialogCode.Accepted else None


class SetPasswordDialog(CheckedDialog):
    """A new password for `name`, typed twice."""

    def __init__(self, name: str, set_password: SetPassword,
                 parent: QWidget | None = None) -> None:
        super().__init__("Set password", f"A new password for {name}.", "Set password",
                         parent)
        self._set = set_password
        self.password = secret_field("New password")
        self.password.setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters")
        self.confirmation = secret_field("New password again")
        self.form.addRow("&New password", self.password)
        self.form.addRow("&Again", self.confirmation)

    def submit(self) -> str:
        try:
            self._set(self.password.text(), self.confirmation.text())
        except ValidationError as exc:
            return _first_error(exc)
        except KnownError as exc:
            return exc.message
        return ""

    @classmethod
    def ask(cls, name: str, set_password: SetPassword, parent: QWidget | None = None) -> bool:
        """Whether the password was set."""
        return cls(name, set_password, parent).exec() == QDialog.DialogCode.Accepted

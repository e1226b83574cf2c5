""""Connect to clinic server…": where the clinic's PostgreSQL server is, and its password
for this time (optionally remembered in the system keyring, never in the settings).

SSL defaults to "require"; a mode that could send records unencrypted is refused inline
for any server that is not this computer. Also the prompt for a server's password."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox, QWidget

from practitioner.domain.server_address import DEFAULT_PORT, SSL_MODES, ServerAddress
from practitioner.ui.dialogs.login_dialog import CheckedDialog
from practitioner.ui.dialogs.passphrase import secret_field

SSL_LABELS = {
    "require": "require (encrypted)",
    "verify-ca": "verify-ca (encrypted, server certificate checked)",
    "verify-full": "verify-full (encrypted, certificate and name checked)",
    "prefer": "prefer (this computer only)",
    "allow": "allow (this computer only)",
    "disable": "disable (this computer only)",
}


@dataclass(frozen=True)
class ConnectChoice:
    """The server typed, its password, and whether to keep that in the keyring."""

    address: ServerAddress
    password: str
    remember: bool


class ConnectDialog(CheckedDialog):
    """Host, port, database, user, SSL mode and password of a clinic server."""

    def __init__(self, initial: ServerAddress | None = None, keyring_available: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__("Connect to clinic server",
                         "Work on the clinic's shared records on its PostgreSQL server. "
                         "The password is asked for at each start unless it is kept in "
                         "the system keyring; it is never written to the settings.",
                         "Connect", parent)
        self.host = QLineEdit(initial.host if initial else "")
        self.host.setAccessibleName("Server")
        self.host.setPlaceholderText("server name or address")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(initial.port if initial else DEFAULT_PORT)
        self.port.setAccessibleName("Port")
        self.database = QLineEdit(initial.database if initial else "")
        self.database.setAccessibleName("Database")
        self.user = QLineEdit(initial.user if initial else "")
        self.user.setAccessibleName("User")
        self.sslmode = QComboBox()
        self.sslmode.setAccessibleName("SSL mode")
        for mode in SSL_MODES:
            self.sslmode.addItem(SSL_LABELS[mode], mode)
        self.sslmode.setCurrentIndex(SSL_MODES.index(initial.sslmode if initial else "require"))
        self.password = secret_field("Password")
        self.remember = QCheckBox("&Remember the password in the system keyring")
        self.remember.setAccessibleName("Remember the password in the system keyring")
        self.remember.setVisible(keyring_available)
        self._keyring = keyring_available
        self.form.addRow("&Server", self.host)
        self.form.addRow("P&ort", self.port)
        self.form.addRow("&Database", self.database)
        self.form.addRow("&User", self.user)
        self.form.addRow("SS&L", self.sslmode)
        self.form.addRow("&Password", self.password)
        self.form.addRow("", self.remember)

    def address(self) -> ServerAddress:
        """The server as typed."""
        return ServerAddress(host=self.host.text().strip(), port=self.port.value(),
                             database=self.database.text().strip(),
                             user=self.user.text().strip(),
                             sslmode=str(self.sslmode.currentData()))

    def value(self) -> ConnectChoice:
        return ConnectChoice(self.address(), self.password.text(),
                             self._keyring and self.remember.isChecked())

    def submit(self) -> str:
        return self.address().problem() or ""

    @classmethod
    def ask(cls, initial: ServerAddress | None = None, keyring_available: bool = False,
            parent: QWidget | None = None) -> ConnectChoice | None:
        """What was typed, or None when cancelled."""
        dialog = cls(initial, keyring_available, parent)
        return dialog.value() if dialog.exec() == CheckedDialog.DialogCode.Accepted else None


class ServerPasswordDialog(CheckedDialog):
    """The password of the database user on a clinic server."""

    def __init__(self, where: str, problem: str = "", parent: QWidget | None = None) -> None:
        super().__init__("Clinic server password", f"The password of {where}.", "Connect",
                         parent)
        self.password = secret_field("Server password")
        self.form.addRow("&Password", self.password)
        self.show_problem(problem)

    def submit(self) -> str:
        return "" if self.password.text() else "Enter the server's password."

    @classmethod
    def ask(cls, where: str, problem: str = "", parent: QWidget | None = None) -> str | None:
        """The password typed, or None when cancelled."""
        dialog = cls(where, problem, parent)
        if dialog.exec() != CheckedDialog.DialogCode.Accepted:
            return None
        return dialog.password.text()

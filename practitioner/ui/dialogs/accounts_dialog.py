"""Account management for administrators: the list of practitioner accounts, adding one,
resetting a password, deactivating an account. Every change goes through the account
service (which checks the role again) and every prompt through `Messages`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.accounts import Account, Identity, Role
from practitioner.errors import KnownError
from practitioner.services.accounts import AccountService

if TYPE_CHECKING:  # messages.py opens this dialog
    from practitioner.ui.messages import Messages

COLUMNS = ("Name", "Role", "Status")


class AccountsDialog(QDialog):
    """Lists the accounts; Add…, Reset password… and Deactivate act on the selection."""

    def __init__(self, accounts: AccountService, messages: Messages, me: Identity,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Practitioner accounts")
        self._accounts = accounts
        self._messages = messages
        self._me = me
        self._rows: list[Account] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setAccessibleName("Accounts")
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_button = QPushButton("&Add…")
        self.reset_button = QPushButton("&Reset password…")
        self.deactivate_button = QPushButton("&Deactivate")
        self.status = QLabel()
        self.status.setAccessibleName("Accounts status")
        self.status.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.reset_button, self.deactivate_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.resize(520, 360)
        self.add_button.clicked.connect(self.add_account)
        self.reset_button.clicked.connect(self.reset_password)
        self.deactivate_button.clicked.connect(self.deactivate)
        self.table.itemSelectionChanged.connect(self._show_state)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        """Reload the list, selecting account `select` when given."""
        try:
            self._rows = self._accounts.list_accounts()
        except KnownError as exc:
            self._messages.error(self, "Cannot list the accounts", exc.message)
            self._rows = []
        self.table.setRowCount(len(self._rows))
        for row, account in enumerate(self._rows):
            status = "active" if account.active else "deactivated"
            if account.active and not account.has_password:
                status = "active, no password"
            for column, text in enumerate((account.name, account.role.label, status)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, account.id)
                self.table.setItem(row, column, item)
            if account.id == select:
                self.table.selectRow(row)
        self.table.resizeColumnsToContents()
        self._show_state()

    def selected(self) -> Account | None:
        """The account of the selected row."""
        rows = self.table.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows else None

    def add_account(self) -> None:
        def create(name: str, password: str, confirmation: str, role: Role) -> Account:
            return self._accounts.create(name, password, role, confirmation)

        account = self._messages.ask_new_account(self, create)
        if account is not None:
            self.status.setText(f"{account.name} can now sign in as {account.role.value}.")
            self.refresh(account.id)

    def reset_password(self) -> None:
        account = self.selected()
        if account is None:
            return

        def set_password(new: str, confirmation: str) -> None:
            self._accounts.set_password(account.id, new, confirmation)

        if self._messages.ask_password(self, account.name, set_password):
            self.status.setText(f"{account.name}'s password was set.")
            self.refresh(account.id)

    def deactivate(self) -> None:
        account = self.selected()
        if account is None or not self._messages.confirm(
            self, "Deactivate account",
            f"{account.name} will no longer be able to sign in. Everything they wrote "
            "stays, with their name.", "Deactivate"):
            return
        try:
            self._accounts.deactivate(account.id)
        except KnownError as exc:
            self._messages.error(self, "Account not deactivated", exc.message)
            return
        self.status.setText(f"{account.name} can no longer sign in.")
        self.refresh(account.id)

    def _show_state(self) -> None:
        account = self.selected()
        admin = self._me.is_administrator
        self.add_button.setEnabled(admin)
        self.reset_button.setEnabled(admin and account is not None and account.active)
        self.deactivate_button.setEnabled(admin and account is not None and account.active)

    @classmethod
    def show_for(cls, accounts: AccountService, messages: Messages, me: Identity,
                 parent: QWidget | None = None) -> None:
        """Show the dialog until it is closed."""
        cls(accounts, messages, me, parent).exec()

"""The login, new-account, connect and accounts dialogs, driven like a practitioner would:
problems inline under the fields, Enter submits, a failed login keeps the typed name."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from practitioner.domain.accounts import LOGIN_FAILED, MIN_PASSWORD_LENGTH, Identity, Role
from practitioner.domain.server_address import ServerAddress
from practitioner.services.accounts import AccountService
from practitioner.services.identity import SignedIn
from practitioner.ui.dialogs.accounts_dialog import AccountsDialog
from practitioner.ui.dialogs.connect_dialog import ConnectDialog
from practitioner.ui.dialogs.login_dialog import LoginDialog, NewAccountDialog
from tests.helpers.fakes import FakeMessages

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"


@pytest.fixture
def who() -> SignedIn:
    return SignedIn(Identity(None, "setup"))


@pytest.fixture
def accounts(db_path: Path, who: SignedIn) -> AccountService:
    service = AccountService(user=who, hasher=FAST)
    admin = service.create("Dr Admin", PASSWORD)
    who.switch(admin.identity)
    service.create("Dr Lee", PASSWORD)
    return service


# --- login ---------------------------------------------------------------------------------


def test_a_failed_login_shows_why_inline_and_keeps_the_name(
    qtbot: QtBot, accounts: AccountService,
) -> None:
    dialog = LoginDialog(accounts.login, "postgres@clinic:5432/records")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Dr Lee")
    qtbot.keyClicks(dialog.password, "wrong password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    assert dialog.isVisible() and dialog.account is None
    assert dialog.problem.isVisible() and dialog.problem.text() == LOGIN_FAILED
    assert dialog.name.text() == "Dr Lee" and dialog.password.text() == ""
    assert dialog.focusWidget() is dialog.password

    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.account is not None and dialog.account.name == "Dr Lee"
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_login_asks_for_a_name_before_trying(qtbot: QtBot, accounts: AccountService) -> None:
    tried: list[str] = []

    def sign_in(name: str, password: str) -> object:
        tried.append(name)
        raise AssertionError("not called without a name")

    dialog = LoginDialog(sign_in)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.problem.text() == "Enter your name." and not tried


def test_the_first_account_dialog_refuses_a_weak_password_inline(
    qtbot: QtBot, db_path: Path,
) -> None:
    service = AccountService(hasher=FAST)
    dialog = NewAccountDialog(
        lambda n, p, c, r: service.create(n, p, r, c), first=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.role.isVisibleTo(dialog)  # The first account is the administrator.
    qtbot.keyClicks(dialog.name, "Dr Admin")
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.confirmation, "short")
    qtbot.keyClick(dialog.confirmation, Qt.Key.Key_Return)
    assert dialog.problem.text() == (
        f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    assert service.count() == 0
    for edit in (dialog.password, dialog.confirmation):
        edit.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.confirmation, Qt.Key.Key_Return)
    assert dialog.account is not None and dialog.account.role is Role.ADMINISTRATOR


# --- connect to clinic server -----------------------------------------------------------------


def test_the_connect_dialog_requires_ssl_for_another_computer(qtbot: QtBot) -> None:
    dialog = ConnectDialog(keyring_available=False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.sslmode.currentData() == "require"
    assert not dialog.remember.isVisible()  # No usable keyring: no offer to remember.
    dialog.host.setText("records.clinic.example")
    dialog.database.setText("cramp")
    dialog.user.setText("reception")
    dialog.sslmode.setCurrentIndex(dialog.sslmode.findData("disable"))
    qtbot.keyClick(dialog.user, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "must be reached over SSL" in dialog.problem.text()

    dialog.host.setText("localhost")  # This computer: no SSL needed.
    dialog.password.setText("server secret")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.user, Qt.Key.Key_Return)
    choice = dialog.value()
    assert choice.address == ServerAddress("localhost", "cramp", "reception", 5432, "disable")
    assert (choice.password, choice.remember) == ("server secret", False)


def test_the_connect_dialog_offers_the_keyring_when_there_is_one(qtbot: QtBot) -> None:
    initial = ServerAddress("db.clinic", "cramp", "lee", 6543, "verify-full")
    dialog = ConnectDialog(initial, keyring_available=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.remember.isVisible()
    assert dialog.address() == initial
    dialog.remember.setChecked(True)
    assert dialog.value().remember


# --- account management -----------------------------------------------------------------------


def _names(dialog: AccountsDialog) -> list[tuple[str, str, str]]:
    table = dialog.table
    return [tuple(table.item(r, c).text() for c in range(3))  # type: ignore[misc]
            for r in range(table.rowCount())]


def test_an_administrator_adds_resets_and_deactivates_accounts(
    qtbot: QtBot, accounts: AccountService, who: SignedIn,
) -> None:
    messages = FakeMessages()
    dialog = AccountsDialog(accounts, messages, who())
    qtbot.addWidget(dialog)
    dialog.show()
    assert _names(dialog) == [("Dr Admin", "Administrator", "active"),
                              ("Dr Lee", "Practitioner", "active")]

    messages.new_accounts = [("dr lee", PASSWORD, PASSWORD, Role.PRACTITIONER),
                             ("Dr Kim", PASSWORD, PASSWORD, Role.PRACTITIONER)]
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert messages.account_problems == ["There is already an account with that name."]
    assert ("Dr Kim", "Practitioner", "active") in _names(dialog)
    assert dialog.selected() is not None and dialog.selected().name == "Dr Kim"  # type: ignore[union-attr]

    messages.passwords = [("new password 1", "new password 2"),
                          ("new password 1", "new password 1")]
    qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
    assert messages.password_problems == ["The two passwords are not the same."]
    assert accounts.login("Dr Kim", "new password 1").name == "Dr Kim"

    qtbot.mouseClick(dialog.deactivate_button, Qt.MouseButton.LeftButton)
    assert ("Dr Kim", "Practitioner", "deactivated") in _names(dialog)
    assert "can no longer sign in" in dialog.status.text()
    assert not dialog.deactivate_button.isEnabled()


def test_a_practitioner_sees_the_list_but_cannot_change_it(
    qtbot: QtBot, accounts: AccountService, who: SignedIn,
) -> None:
    lee = accounts.login("Dr Lee", PASSWORD).identity
    dialog = AccountsDialog(accounts, FakeMessages(), lee)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    assert not any(b.isEnabled() for b in (dialog.add_button, dialog.reset_button,
                                           dialog.deactivate_button))


def test_deactivating_the_last_administrator_is_explained(
    qtbot: QtBot, accounts: AccountService, who: SignedIn,
) -> None:
    messages = FakeMessages()
    dialog = AccountsDialog(accounts, messages, who())
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.deactivate_button, Qt.MouseButton.LeftButton)
    assert messages.errors and "only active administrator" in messages.errors[0][1]

"""Clinic mode's composition: the server password from the keyring or a prompt (never the
settings), the database through the injected opener, the first administrator or a login,
then a window whose services act as that account. A records file stands in for the
server: the opener is injected, so these run without PostgreSQL.

Also the solo app's implicit account, and "Connect to clinic server…"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QEvent, QSettings, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from practitioner import app, clinic, clinic_address
from practitioner.db.connection import close_database, open_sqlite
from practitioner.db.models import AccountRow
from practitioner.domain.accounts import Role
from practitioner.domain.server_address import ServerAddress
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.accounts import AccountService
from practitioner.services.audit import AuditService
from practitioner.ui.dialogs.connect_dialog import ConnectChoice
from practitioner.ui.main_window import MainWindow
from tests.helpers.db_fixtures import PostgresTestServer
from tests.helpers.demo_inputs import ann
from tests.helpers.fakes import FakeMessages

URL = "postgresql://lee@db.clinic.example:5432/cramp?sslmode=require"
ADDRESS = ServerAddress("db.clinic.example", "cramp", "lee", 5432, "require")
PASSWORD = "correct horse battery"


class FakeKeyring:
    """A keyring backend in memory."""

    def __init__(self, **kept: str) -> None:
        self.kept = dict(kept)

    def get_password(self, service: str, user: str) -> str | None:
        return self.kept.get(user)

    def set_password(self, service: str, user: str, password: str) -> None:
        self.kept[user] = password

    def delete_password(self, service: str, user: str) -> None:
        self.kept.pop(user, None)


class FakeServer:
    """An opener over a records file that wants one password; records what it was given."""

    def __init__(self, path: Path, password: str = "server secret") -> None:
        self.path, self.password = path, password
        self.calls: list[tuple[str, str | None]] = []

    def __call__(self, url: str, password: str | None) -> peewee.Database:
        self.calls.append((url, password))
        if password != self.password:
            raise KnownError(ErrorKind.AUTH_FAILED, "password authentication failed")
        return open_sqlite(self.path)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeServer]:
    yield FakeServer(tmp_path / "server.db")
    close_database()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _status(window: MainWindow) -> str:
    label = window.statusBar().findChild(QLabel, "signedIn")
    assert isinstance(label, QLabel)
    return label.text()


def _security_actions(window: MainWindow) -> list[QAction]:
    menus = [a.menu() for a in window.menuBar().actions() if "Sec" in a.text()]
    return [action for menu in menus if menu is not None for action in menu.actions()]


def _open(qtbot: QtBot, server: FakeServer, messages: FakeMessages, settings: QSettings,
          keyring: FakeKeyring | None = None) -> MainWindow | None:
    window = clinic.open_clinic(URL, messages, settings, opener=server,
                                store=clinic.PasswordStore(keyring))
    if window is not None:
        qtbot.addWidget(window)
    return window


def test_a_new_clinic_database_starts_with_its_administrator(
    qtbot: QtBot, server: FakeServer, settings: QSettings,
) -> None:
    messages = FakeMessages(server_passwords=["server secret"],
                            new_accounts=[("Dr Admin", PASSWORD, PASSWORD, Role.PRACTITIONER)])
    window = _open(qtbot, server, messages, settings)

    assert window is not None and messages.first_account_asked == 1
    # No password first (a server may need none), then the one asked for.
    assert server.calls == [(ADDRESS.url(), None), (ADDRESS.url(), "server secret")]
    assert _status(window) == ("Signed in as Dr Admin (administrator) on "
                               "lee@db.clinic.example:5432/cramp")
    assert "clinic records on lee@db.clinic.example" in window.windowTitle()
    # The window's services act as the account.
    admin = AccountRow.get(AccountRow.name == "Dr Admin")
    assert admin.role == "administrator"
    created = window._services.patients.create(ann())
    entry = AuditService().trail(created.id)[0].fields
    assert (entry.practitioner, entry.author_id) == ("Dr Admin", admin.id)


def test_the_keyring_password_is_used_and_a_login_follows(
    qtbot: QtBot, server: FakeServer, settings: QSettings,
) -> None:
    open_sqlite(server.path)
    AccountService(hasher=PasswordHasher(time_cost=1, memory_cost=1024)).create(
        "Dr Admin", PASSWORD)
    close_database()
    messages = FakeMessages(logins=[("dr admin", "wrong password"), ("dr admin", PASSWORD)])
    keyring = FakeKeyring(**{ADDRESS.display(): "server secret"})

    window = _open(qtbot, server, messages, settings, keyring)

    assert window is not None and messages.server_password_problems == []
    assert messages.login_problems == ["The name or the password is not right."]
    assert _status(window).startswith("Signed in as Dr Admin (administrator)")
    assert settings.value(clinic.LAST_NAME_KEY) == "Dr Admin"  # Offered next time.
    # The way back to this computer's records.
    clinic_address.save_address(settings, ADDRESS, active=True)
    back = [a for a in _security_actions(window)
            if a.text().startswith("Use this computer's records")]
    back[0].trigger()
    assert clinic_address.server_to_open(None, settings) is None


def test_a_refused_keyring_password_is_forgotten_and_asked_for(
    qtbot: QtBot, server: FakeServer, settings: QSettings,
) -> None:
    keyring = FakeKeyring(**{ADDRESS.display(): "old secret"})
    messages = FakeMessages(server_passwords=["typo", "server secret"],
                            new_accounts=[("Dr Admin", PASSWORD, PASSWORD,
                                           Role.ADMINISTRATOR)])
    window = _open(qtbot, server, messages, settings, keyring)
    assert window is not None
    assert [password for _, password in server.calls] == ["old secret", "typo",
                                                          "server secret"]
    # The prompt says why the kept password was not enough.
    assert messages.server_password_problems == ["password authentication failed"] * 2
    assert keyring.kept == {}


def test_cancelling_the_password_or_the_login_opens_nothing(
    qtbot: QtBot, server: FakeServer, settings: QSettings,
) -> None:
    assert _open(qtbot, server, FakeMessages(), settings) is None
    assert [password for _, password in server.calls] == [None]
    messages = FakeMessages(server_passwords=["server secret"])  # No account is created.
    assert _open(qtbot, server, messages, settings) is None


def test_an_address_without_ssl_to_another_computer_is_refused(
    server: FakeServer, settings: QSettings,
) -> None:
    with pytest.raises(KnownError, match="over SSL"):
        clinic.open_clinic("postgresql://lee@db.clinic.example/cramp?sslmode=disable",
                           FakeMessages(), settings, opener=server,
                           store=clinic.PasswordStore(None))
    assert server.calls == []


def test_connect_to_clinic_server_keeps_the_address_but_never_the_password(
    qtbot: QtBot, tmp_path: Path, settings: QSettings, server: FakeServer,
) -> None:
    messages = FakeMessages(server_choices=[ConnectChoice(ADDRESS, "server secret", True)])
    keyring = FakeKeyring()
    probed: list[tuple[str, str | None]] = []
    window = app.build_window(tmp_path / "solo.db", messages, settings)
    qtbot.addWidget(window)
    [connect, accounts_action, _] = clinic.install(
        window, clinic.solo_user("Dr Solo"), messages, settings,
        store=clinic.PasswordStore(keyring), probe=lambda u, p: probed.append((u, p)))

    connect.trigger()

    assert probed == [(ADDRESS.url(), "server secret")]
    assert clinic_address.saved_address(settings) == ADDRESS
    assert keyring.kept == {ADDRESS.display(): "server secret"}
    settings.sync()
    assert "server secret" not in (tmp_path / "settings.ini").read_text()
    assert clinic_address.server_to_open(None, settings) == ADDRESS.url()
    assert clinic_address.server_to_open(None, settings, demo=True) is None
    assert clinic_address.server_to_open(str(tmp_path / "other.db"), settings) is None
    assert "next start" in messages.infos[-1][1]
    accounts_action.trigger()
    assert [me.name for me in messages.accounts_shown] == ["Dr Solo"]


def test_a_server_that_does_not_answer_is_reported_and_nothing_is_kept(
    qtbot: QtBot, tmp_path: Path, settings: QSettings, server: FakeServer,
) -> None:
    messages = FakeMessages(server_choices=[ConnectChoice(ADDRESS, "secret", False)])
    window = app.build_window(tmp_path / "solo.db", messages, settings)
    qtbot.addWidget(window)

    def refuse(url: str, password: str | None) -> None:
        raise KnownError(ErrorKind.CANNOT_OPEN, "Cannot connect to the clinic server: timeout")

    [connect, _, _] = clinic.install(window, clinic.solo_user("Dr Solo"), messages, settings,
                                     store=clinic.PasswordStore(None), probe=refuse)
    connect.trigger()
    assert messages.errors == [("Not connected", "Cannot connect to the clinic server: timeout")]
    assert clinic_address.saved_address(settings) is None


def test_the_solo_app_works_as_an_implicit_administrator_account(
    qtbot: QtBot, tmp_path: Path, settings: QSettings, server: FakeServer,
) -> None:
    settings.setValue("practitioner/name", "Dr Solo")
    window = app.build_window(tmp_path / "solo.db", FakeMessages(), settings)
    qtbot.addWidget(window)
    [account] = AccountService().list_accounts()
    assert (account.name, account.role, account.has_password) == (
        "Dr Solo", Role.ADMINISTRATOR, False)
    assert _status(window) == "Working as Dr Solo"
    patient = window._services.patients.create(ann())
    assert AuditService().trail(patient.id)[0].fields.author_id == account.id


def test_the_system_keyring_is_unused_without_a_usable_backend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert not clinic.PasswordStore.system().available


def test_the_locked_window_opens_with_the_accounts_own_password(
    qtbot: QtBot, server: FakeServer, settings: QSettings,
) -> None:
    messages = FakeMessages(server_passwords=["server secret"],
                            new_accounts=[("Dr Admin", PASSWORD, PASSWORD, Role.PRACTITIONER)])
    assert _open(qtbot, server, messages, settings) is not None
    unlock = clinic.AccountUnlock(AccountService(), "Dr Admin")
    assert unlock.is_set() and unlock.what == "password"
    assert not unlock.matches("not it") and unlock.matches(PASSWORD)


def test_a_refusal_no_password_cures_is_reported_not_prompted_again(
    tmp_path: Path, settings: QSettings,
) -> None:
    def too_new(url: str, password: str | None) -> peewee.Database:
        raise KnownError(ErrorKind.TOO_NEW, "These records were written by a newer version.")

    messages = FakeMessages(server_passwords=["server secret", "again"])
    with pytest.raises(KnownError, match="newer version"):
        clinic.open_clinic(URL, messages, settings, opener=too_new,
                           store=clinic.PasswordStore(None))
    assert messages.server_password_problems == []


def test_a_busy_records_file_does_not_stop_the_solo_app_opening(
    db_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def busy(self: AccountService, name: str) -> object:
        raise KnownError(ErrorKind.LOCKED, "The records file is busy.")

    monkeypatch.setattr(AccountService, "solo_identity", busy)
    me = clinic.solo_user("  Dr   Solo ")()
    assert (me.id, me.name, me.role) == (None, "Dr Solo", Role.ADMINISTRATOR)


def test_clinic_mode_on_a_real_postgresql_server(
    qtbot: QtBot, postgres_server: PostgresTestServer, settings: QSettings,
) -> None:
    """The default opener (db.server.open_postgres) migrates a new server database,
    accounts included; the first start makes the administrator, the next one logs in."""
    url = postgres_server.create_database("clinic_accounts")
    windows: list[MainWindow] = []
    try:
        messages = FakeMessages(
            new_accounts=[("Dr Admin", PASSWORD, PASSWORD, Role.ADMINISTRATOR)])
        window = clinic.open_clinic(url, messages, settings, store=clinic.PasswordStore(None))
        assert window is not None
        windows.append(window)
        assert _status(window).startswith("Signed in as Dr Admin (administrator)")
        patient = window._services.patients.create(ann())
        entry = AuditService().trail(patient.id)[0].fields
        assert entry.author_id == AccountRow.get(AccountRow.name == "Dr Admin").id
        assert window.close()
        close_database()

        again = FakeMessages(logins=[("Dr Admin", PASSWORD)])
        window = clinic.open_clinic(url, again, settings, store=clinic.PasswordStore(None))
        assert window is not None and again.first_account_asked == 0
        windows.append(window)
        assert AuditService().verify().intact
    finally:
        # Gone before the connection closes: a window still alive when Qt next handles
        # its events (its patient list fetching a page) would reconnect and leave a
        # connection open.
        for each in windows:
            each.close()
            each.deleteLater()
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        close_database()


def test_an_address_holding_a_password_is_refused(
    server: FakeServer, settings: QSettings,
) -> None:
    with pytest.raises(KnownError, match="must not hold the password"):
        clinic.open_clinic("postgresql://lee:secret@localhost/cramp", FakeMessages(),
                           settings, opener=server, store=clinic.PasswordStore(None))
    assert server.calls == []


def test_clinic_mode_started_as_a_user_does_reports_in_a_real_message_box(
    qtbot: QtBot,
) -> None:
    """`app.main` without a test's messages builds the real dialogs for clinic mode too
    (it once passed None on, so the first message crashed instead of showing)."""
    shown: list[str] = []
    tries = iter(range(500))  # polls for up to ~5 s, so no timer outlives a failure

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            shown.append(box.text())
            box.accept()
        elif next(tries, None) is not None:
            QTimer.singleShot(10, answer)

    QTimer.singleShot(0, answer)
    assert app.main(["--db", "postgresql://lee:secret@localhost/cramp"]) == 1
    assert len(shown) == 1 and "must not hold the password" in shown[0]

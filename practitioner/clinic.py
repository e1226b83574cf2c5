"""Composition of clinic mode: the shared records on a PostgreSQL server, with accounts.

Start-up in clinic mode: the server's password comes from the system keyring when one is
usable and holds it, else from a prompt (never from the settings); the database is opened
through an injected opener (`practitioner.db.server.open_postgres` by default); then the
practitioner signs in (or, on a database with no accounts yet, creates the administrator's
account); then the window is built with services acting as that account.

Both modes get the account pieces of the window from `install`: the signed-in name in the
status bar and, in the Security menu, "Connect to clinic server…", "Practitioner
accounts…" (administrators) and "Change my password…". The solo app's practitioner is an
implicit administrator account (`solo_user`), so the solo app asks for no login.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import peewee
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMenu

from practitioner.clinic_address import ACTIVE_KEY, save_address, saved_address
from practitioner.content.points import load_points
from practitioner.content.reference import load_reference
from practitioner.db.connection import close_database
from practitioner.domain.accounts import Identity, Role
from practitioner.domain.server_address import ServerAddress, parse_server_url
from practitioner.errors import ErrorKind, KnownError, PractitionerError
from practitioner.paths import data_dir
from practitioner.services.accounts import AccountService
from practitioner.services.audit import AuditService
from practitioner.services.bundle import Services
from practitioner.services.changes import ChangeService
from practitioner.services.drafts import DraftService, LocalDrafts
from practitioner.services.identity import SignedIn, UserSource
from practitioner.services.letters import LetterService
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.preferences import KEYS as PREFERENCE_KEYS
from practitioner.services.protocols import ProtocolService
from practitioner.services.reference import ReferenceService
from practitioner.services.security import SecurityService
from practitioner.services.sessions import SessionService
from practitioner.ui.main_window import MainWindow
from practitioner.ui.messages import Messages

log = logging.getLogger(__name__)

#: Opens a server database from its URL and password (None: none needed or known).
Opener = Callable[[str, "str | None"], peewee.Database]
#: Checks that a server answers to a URL and password, raising KnownError if not.
Probe = Callable[[str, "str | None"], None]

KEYRING_SERVICE = "Cramp Practitioner clinic server"
LAST_NAME_KEY = "clinic/last_name"


# -- the server's password ----------------------------------------------------------------


class PasswordStore:
    """Server passwords in the OS keyring, when a usable keyring backend exists."""

    def __init__(self, backend: Any | None) -> None:
        self._backend = backend

    @classmethod
    def system(cls) -> PasswordStore:
        """The system keyring, or a store that holds nothing when there is none usable
        (a headless session, a fail or null backend)."""
        try:
            import keyring
            from keyring.backends import fail
        except ImportError:
            return cls(None)
        try:
            backend = keyring.get_keyring()
        except Exception:  # a broken backend means no keyring
            log.warning("the system keyring could not be loaded", exc_info=True)
            return cls(None)
        priority = getattr(backend, "priority", 0)
        usable = not isinstance(backend, fail.Keyring) and priority > 0
        return cls(backend if usable else None)

    @property
    def available(self) -> bool:
        return self._backend is not None

    def get(self, address: ServerAddress) -> str | None:
        if self._backend is None:
            return None
        try:
            value = self._backend.get_password(KEYRING_SERVICE, address.display())
        except Exception:  # a keyring failure means asking instead
            log.warning("could not read the keyring", exc_info=True)
            return None
        return str(value) if value else None

    def set(self, address: ServerAddress, password: str) -> bool:
        """Keep `password`; whether the keyring took it."""
        if self._backend is None:
            return False
        try:
            self._backend.set_password(KEYRING_SERVICE, address.display(), password)
        except Exception:  # a keyring failure is only logged
            log.warning("could not write to the keyring", exc_info=True)
            return False
        return True

    def forget(self, address: ServerAddress) -> None:
        if self._backend is None:
            return
        try:
            self._backend.delete_password(KEYRING_SERVICE, address.display())
        except Exception:  # nothing kept is fine
            log.debug("nothing to forget in the keyring")


def default_opener(url: str, password: str | None) -> peewee.Database:
    """`practitioner.db.server.open_postgres`, when this version of the app has it."""
    try:
        from practitioner.db.server import open_postgres
    except ImportError as exc:
        raise KnownError(ErrorKind.CANNOT_OPEN, "This version of Cramp Practitioner cannot "
                         "open records on a server.") from exc
    database: peewee.Database = open_postgres(url, password)
    return database


def default_probe(url: str, password: str | None) -> None:
    """Connect once to the server at `url` and disconnect, raising KnownError with the
    server's reason when it does not answer or refuses."""
    import psycopg

    try:
        psycopg.connect(url, password=password, connect_timeout=8).close()
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise KnownError(ErrorKind.CANNOT_OPEN,
                         f"Cannot connect to the clinic server: {reason}") from exc


def connect(address: ServerAddress, messages: Messages, store: PasswordStore,
            opener: Opener, password: str | None = None) -> peewee.Database | None:
    """Open the clinic database at `address` with `password`, else the keyring's, else
    none (a server may need none, or libpq finds it in ~/.pgpass); when refused, ask for
    one, with the server's reason once a password was tried. None when cancelled."""
    problem = address.problem(require_host=False)
    if problem is not None:
        raise KnownError(ErrorKind.CANNOT_OPEN, problem)
    from_keyring = False
    if password is None:
        password = store.get(address)
        from_keyring = password is not None
    while True:
        try:
            return opener(address.url(), password)
        except KnownError as exc:
            # Only a refused login is cured by a password; an unreachable server, a
            # missing or foreign database and the like are reported, not prompted for.
            if exc.kind is not ErrorKind.AUTH_FAILED:
                raise
            if from_keyring:
                store.forget(address)  # A changed password: stop offering the old one.
                from_keyring = False
            problem = exc.message if password is not None else ""
        password = messages.ask_server_password(None, address.display(), problem)
        if password is None:
            return None


# -- who is working -----------------------------------------------------------------------


def sign_in(accounts: AccountService, messages: Messages, where: str = "",
            name: str = "") -> Identity | None:
    """Log in; on a database without accounts, create the administrator's first.
    None when cancelled."""
    if accounts.count() == 0:
        first = messages.ask_new_account(
            None, lambda n, p, c, _role: accounts.create(n, p, Role.ADMINISTRATOR, c),
            first=True, where=where)
        return None if first is None else first.identity
    account = messages.ask_login(None, accounts.login, where, name)
    return None if account is None else account.identity


def solo_user(name: str, *, writable: bool = True) -> SignedIn:
    """The solo app's practitioner: the administrator account named `name`, made on
    first use, so the solo app needs no login. Records not (yet) known to be writable get
    the existing account or the name only, and nothing is written: a damaged file must
    stay as it was (`SignedIn.switch` to `solo_user(name)()` once they passed their check)."""
    accounts = AccountService()
    try:
        found = accounts.solo_identity(name) if writable else accounts.existing_identity(name)
    except KnownError as exc:  # Busy or unwritable now: the name still signs.
        log.warning("the solo practitioner's account is not used: %s", exc.kind.value)
        found = None
    return SignedIn(found or Identity(None, " ".join(name.split()) or "Practitioner",
                                      Role.ADMINISTRATOR))


class AccountUnlock:
    """Unlocks the locked window with the signed-in account's own password (clinic mode);
    failed attempts count towards the account's login pause."""

    what = "password"

    def __init__(self, accounts: AccountService, name: str) -> None:
        self._accounts = accounts
        self._name = name

    def is_set(self) -> bool:
        return True

    def matches(self, secret: str) -> bool:
        try:
            self._accounts.login(self._name, secret)
        except KnownError:
            return False
        return True


def compose_services(user: UserSource, *, local_drafts: bool = True) -> Services:
    """One of each service, all acting as `user`. With `local_drafts`, a draft the
    records cannot take is kept on this computer (plain JSON, readable by this user only):
    never for encrypted records, whose drafts must not leave the encrypted file."""
    audit = AuditService(user=user)
    patients = PatientService(audit=audit)
    drafts = DraftService(local=LocalDrafts(data_dir() / "drafts") if local_drafts else None)
    return Services(patients=patients,
                    sessions=SessionService(user=user, audit=audit),
                    protocols=ProtocolService(audit=audit),
                    outcomes=OutcomeService(audit=audit),
                    reference=ReferenceService(user=user, patients=patients, audit=audit),
                    letters=LetterService(user=user, audit=audit),
                    audit=audit,
                    drafts=drafts, security=SecurityService(drafts),
                    changes=ChangeService([audit]))


# -- the window's account pieces -----------------------------------------------------------


def install(window: QMainWindow, user: SignedIn, messages: Messages, settings: QSettings,
            *, store: PasswordStore | None = None, probe: Probe | None = None,
            clinic: ServerAddress | None = None) -> list[QAction]:
    """Add the signed-in name to the status bar and the account and clinic actions to the
    Security menu; returns the actions (connect, accounts, own password, and on a clinic
    server going back to this computer's records)."""
    me = user()
    where = f" on {clinic.display()}" if clinic else ""
    named = str(settings.value(PREFERENCE_KEYS["practitioner_name"], "") or "")
    label = QLabel(f"Signed in as {me.name} ({me.role.value}){where}" if clinic
                   else _solo_status(named))
    label.setObjectName("signedIn")
    label.setAccessibleName("Signed in as")
    window.statusBar().addPermanentWidget(label)
    accounts = AccountService(user=user)
    check = probe or default_probe

    connect_action = QAction("Connect to clinic &server…", window)
    connect_action.setStatusTip("Work on the clinic's shared records on its PostgreSQL server")
    accounts_action = QAction("Practitioner &accounts…", window)
    accounts_action.setStatusTip("Add practitioners, reset passwords, deactivate accounts")
    accounts_action.setEnabled(me.is_administrator and me.id is not None)
    password_action = QAction("Change &my password…", window)
    password_action.setEnabled(me.id is not None)

    def on_connect() -> None:
        keyring = store or PasswordStore.system()  # Looked up when needed: not at start.
        choice = messages.ask_server_address(window, clinic or saved_address(settings),
                                             keyring.available)
        if choice is None:
            return
        try:
            check(choice.address.url(), choice.password)
        except KnownError as exc:
            messages.error(window, "Not connected", exc.message)
            return
        save_address(settings, choice.address, active=True)
        kept = choice.remember and keyring.set(choice.address, choice.password)
        messages.info(window, "Clinic server",
                      f"The clinic server {choice.address.display()} answered. Cramp "
                      "Practitioner opens its records from the next start"
                      + (" (the password is kept in the system keyring)." if kept else "."))

    def on_own_password() -> None:
        current = messages.ask_text(window, "Change my password", "Current password:")
        if current is None:
            return

        def set_password(new: str, confirmation: str) -> None:
            accounts.set_password(me.id or 0, new, confirmation, current_password=current)

        if messages.ask_password(window, me.name, set_password):
            messages.info(window, "Password changed", "Your password was changed.")

    connect_action.triggered.connect(on_connect)
    accounts_action.triggered.connect(lambda: messages.show_accounts(window, accounts, user()))
    password_action.triggered.connect(on_own_password)
    actions = [connect_action, accounts_action, password_action]
    if clinic is not None:
        solo_action = QAction("Use this computer's records from the next start", window)

        def on_solo() -> None:
            settings.setValue(ACTIVE_KEY, False)
            settings.sync()
            messages.info(window, "Clinic server", "Cramp Practitioner opens this "
                          "computer's own records from the next start.")

        solo_action.triggered.connect(on_solo)
        actions.append(solo_action)
    menu = _security_menu(window)
    menu.addSeparator()
    for action in actions:
        menu.addAction(action)
    return actions


def _solo_status(name: str) -> str:
    """The status bar's word on who works: the practitioner's name, never the computer's
    user name."""
    return (f"Working as {name}" if name.strip()
            else "Your name is not set: Tools › Preferences…")


def rename_solo(window: QMainWindow, user: SignedIn, name: str, *, writable: bool) -> None:
    """The solo practitioner renamed in Preferences: new entries are signed by `name`'s
    account (made when the records are writable) and the status bar says so."""
    if not name or name == user().name:
        return
    user.switch(solo_user(name, writable=writable)())
    label = window.findChild(QLabel, "signedIn")
    if isinstance(label, QLabel):
        label.setText(_solo_status(name))


def _security_menu(window: QMainWindow) -> QMenu:
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == "Security":
            found = action.menu()
            assert isinstance(found, QMenu)
            return found
    return window.menuBar().addMenu("Sec&urity")


# -- start-up ---------------------------------------------------------------------------------


def open_clinic(url: str, messages: Messages, settings: QSettings, *,
                opener: Opener | None = None, store: PasswordStore | None = None
                ) -> MainWindow | None:
    """Connect to the server at `url`, sign in and build the window; None when cancelled
    at a prompt. Raises KnownError when the server cannot be used."""
    address, password = parse_server_url(url)
    if password is not None:
        raise KnownError(ErrorKind.CANNOT_OPEN, "A server address must not hold the "
                         "password: leave it out, and it is asked for (or taken from the "
                         "system keyring).")
    keyring = store or PasswordStore.system()
    database = connect(address, messages, keyring, opener or default_opener)
    if database is None:
        return None
    accounts = AccountService()
    identity = sign_in(accounts, messages, address.display(),
                       str(settings.value(LAST_NAME_KEY, "") or ""))
    if identity is None:
        return None
    settings.setValue(LAST_NAME_KEY, identity.name)  # Offered at the next login.
    user = SignedIn(identity)
    services = compose_services(user)
    services.reference.seed(load_reference())
    from practitioner.app import audit_security_event

    window = MainWindow(services, load_points(), messages, settings,
                        title_suffix=f"clinic records on {address.display()}",
                        unlock=AccountUnlock(accounts, identity.name),
                        security_events=audit_security_event(services.audit))
    install(window, user, messages, settings, store=keyring, clinic=address)
    window.live.start()
    return window


def run(app: QApplication, url: str, settings: QSettings, *,
        quit_after_startup: bool = False) -> int:
    """Clinic mode's whole life: open, sign in, show the window until it closes. The
    dialogs are the real ones, built here: nothing stands in for them at a real start."""
    messages = Messages()
    try:
        try:
            window = open_clinic(url, messages, settings)
        except (PractitionerError, ValueError) as exc:
            messages.error(None, "Cannot open the clinic records", str(exc))
            return 1
        if window is None:
            return 0
        window.show()
        if quit_after_startup:
            QTimer.singleShot(0, app.quit)
        else:
            QTimer.singleShot(0, window.offer_recovered_drafts)
        code = app.exec()
        if quit_after_startup:
            window.close()  # as quitting the event loop would: keeps the layout
        return code
    finally:
        settings.sync()
        close_database()

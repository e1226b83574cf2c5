"""Composition root of the desktop app: arguments, QApplication, database, services, window."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

import peewee
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from practitioner import __version__, clinic, instance_lock
from practitioner.content.points import load_points
from practitioner.content.reference import load_reference
from practitioner.db.cipher import FileKind, file_kind, passphrase_from_env, passphrase_of
from practitioner.db.connection import close_database, open_damaged_read_only, open_sqlite
from practitioner.domain.audit import AuditAction
from practitioner.domain.demo_sessions import DEMO_PRACTITIONER
from practitioner.domain.storage_location import storage_warning
from practitioner.errors import ErrorKind, KnownError, PractitionerError
from practitioner.paths import (
    APP_NAME,
    ORGANIZATION,
    data_dir,
    default_database_path,
    resources_dir,
)
from practitioner.process_privacy import protect_process
from practitioner.services.audit import AuditService
from practitioner.services.backups import BackupService
from practitioner.services.demo import fill_demo
from practitioner.services.security import hash_secret
from practitioner.services.sessions import SessionService
from practitioner.ui.main_window import MainWindow
from practitioner.ui.messages import Messages
from practitioner.ui.records_tools import RecordsTools
from practitioner.ui.unlock import PassphraseUnlock, PinUnlock, UnlockCheck

log = logging.getLogger("practitioner")

DEMO_PATIENTS = 40
DEMO_SEED = 2026


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The GUI's command line."""
    parser = argparse.ArgumentParser(prog="cramp-practitioner",
                                     description="Cramp Practitioner desktop app.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db", help="records file to open instead of the default, or a "
                        "clinic server as postgresql://user@host[:port]/database")
    source.add_argument("--demo", action="store_true",
                        help="open a throwaway database filled with synthetic patients")
    parser.add_argument("--quit-after-startup", action="store_true",
                        help="exit as soon as the main window has been painted")
    return parser.parse_args(argv)


class FirstPaintWatcher(QObject):
    """Calls `callback` once, after the first paint event of `window` or its children."""

    def __init__(self, window: QWidget, callback: object) -> None:
        super().__init__(window)
        self._window = window
        self._callback = callback
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget) and (
            watched is self._window or self._window.isAncestorOf(watched)
        ):
            QApplication.instance().removeEventFilter(self)
            QTimer.singleShot(0, self._callback)  # type: ignore[arg-type]
        return False


def _install_excepthook(messages: Messages) -> None:
    """Log unexpected errors in full and tell the user politely, never with a traceback."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if isinstance(value, KnownError):
            # Its message may name the patient; the log gets the kind only.
            log.warning("known error shown to the user: %s", value.kind.value)
            messages.error(QApplication.activeWindow(), "Something went wrong", value.message)
            return
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        messages.error(
            QApplication.activeWindow(),
            "Something went wrong",
            "An unexpected problem occurred; what you typed is still in the form. "
            f"({kind.__name__}) Details were written to the log.",
        )

    sys.excepthook = hook


def _load_style(app: QApplication) -> None:
    style = resources_dir() / "styles" / "app.qss"
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))


def practitioner_name(settings: QSettings) -> str:
    """Who is working: the name set in the settings, else the computer's user name."""
    name = settings.value("practitioner/name", "")
    return str(name) if name else getpass.getuser()


BACKUP_ACTIONS = {"backup": AuditAction.BACKUP, "restore": AuditAction.RESTORE_BACKUP}


def audit_backup_event(audit: AuditService) -> Callable[[str, Path], None]:
    """Writes backups and restores to the audit trail (a restore into the restored file,
    whose trail continues from the backup's); by file name only."""

    def record(event: str, path: Path) -> None:
        try:
            audit.record(BACKUP_ACTIONS[event], entity="records_file", detail=path.name)
        except KnownError as exc:
            log.warning("%s not audited: %s", event, exc.kind.value)

    return record


SECURITY_ACTIONS = {"lock": AuditAction.LOCK, "unlock": AuditAction.UNLOCK,
                    "unlock_failed": AuditAction.UNLOCK_FAILED}


def audit_security_event(audit: AuditService) -> Callable[[str], None]:
    """Writes the lock screen's events to the audit trail; a trail that cannot be written
    to (a read-only file) must not keep the window locked or unlocked, so that is logged."""

    def record(event: str) -> None:
        try:
            audit.record(SECURITY_ACTIONS[event], entity="window")
        except KnownError as exc:
            log.warning("%s not audited: %s", event, exc.kind.value)

    return record


def build_window(
    path: Path, messages: Messages, settings: QSettings, *, demo: bool = False,
    passphrase: str | None = None,
) -> MainWindow:
    """Open the records at `path` (with `passphrase` when encrypted, or to create them
    encrypted) and build the main window over them.

    Raises KnownError when the records cannot be opened (nothing was changed then), and
    ContentError when the shipped reference library is broken.
    """
    damage: KnownError | None = None
    db: peewee.Database
    try:
        db = open_sqlite(path, passphrase=passphrase)
    except KnownError as exc:
        db = open_damaged_read_only(path, exc)  # Raises `exc` again unless ours and readable.
        damage = exc
    # The lock screen checks the passphrase against its hash; it never keeps the text.
    unlock: UnlockCheck = PinUnlock(settings)
    if passphrase is not None and passphrase_of(db) is not None:
        unlock = PassphraseUnlock(hash_secret(passphrase))
    # The solo practitioner is an implicit administrator account: no login.
    user = clinic.solo_user(practitioner_name(settings), writable=damage is None)
    services = clinic.compose_services(user)
    audit = services.audit
    if damage is None:
        services.reference.seed(load_reference())
    if demo:
        fill_demo(services.patients, DEMO_PATIENTS, DEMO_SEED,
                  sessions=SessionService(user=lambda: DEMO_PRACTITIONER))
    catalogue = load_points()
    window = MainWindow(services, catalogue, messages, settings,
                        title_suffix="demo data" if demo else str(path), unlock=unlock,
                        security_events=audit_security_event(audit))
    clinic.install(window, user, messages, settings)
    backups = BackupService(path, passphrase=passphrase_of(db),
                            on_event=audit_backup_event(audit))
    tools = RecordsTools(window, backups, messages)  # Owned by the window.
    if damage is not None:
        tools.show_damaged(damage.message)
    else:
        backups.remove_leftovers()
        backups.start_tracking()
    window.transfer.before_import = lambda: backups.before("import")
    return window


def open_window(
    path: Path, messages: Messages, settings: QSettings, *, demo: bool = False,
    offer_encryption: bool = True,
) -> MainWindow | None:
    """Build the window over `path`, asking for what encryption needs: the passphrase of
    an encrypted file (again after a wrong one), or on first run whether to encrypt.

    Returns None when the practitioner cancelled. $CRAMP_PRACTITIONER_PASSPHRASE, when
    set, is tried first (for scripted starts).
    """
    kind = file_kind(path)
    passphrase = None if demo else passphrase_from_env()
    if kind is FileKind.NEW and passphrase is None and offer_encryption and not demo:
        try:  # A folder that cannot be made is reported before any question is asked.
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KnownError(ErrorKind.CANNOT_OPEN, f"Cannot create the folder "
                             f"{path.parent}: {exc.strerror}.") from exc
        choice = messages.ask_new_passphrase(None)
        if choice is None:
            return None
        passphrase = choice.passphrase
    problem = ""
    while True:
        if kind is FileKind.ENCRYPTED and passphrase is None:
            passphrase = messages.ask_passphrase(None, path.name, problem)
            if passphrase is None:
                return None
        try:
            return build_window(path, messages, settings, demo=demo, passphrase=passphrase)
        except KnownError as exc:
            if kind is not FileKind.ENCRYPTED or exc.kind is not ErrorKind.PASSPHRASE:
                raise
            problem, passphrase = exc.message, None


def _mounts_text() -> str:
    try:
        return Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def close_records(window: MainWindow | None, lock: instance_lock.InstanceLock) -> None:
    """The backup at close (when something changed), then close and unlock the records."""
    try:
        tools = window.findChild(RecordsTools) if window is not None else None
        if isinstance(tools, RecordsTools):
            tools.timer.stop()
            tools.back_up_automatically("close")
    finally:
        close_database()
        lock.release()


def main(argv: Sequence[str] | None = None, messages: Messages | None = None) -> int:
    """Start the GUI; returns the process exit code. Tests may pass fake `messages`."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    protect_process()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    _load_style(app)
    messages = messages or Messages()
    _install_excepthook(messages)

    demo_dir: tempfile.TemporaryDirectory[str] | None = None
    if args.demo:
        demo_dir = tempfile.TemporaryDirectory(prefix="cramp-demo-")
        path = Path(demo_dir.name) / "demo.db"
    else:
        path = Path(args.db) if args.db else default_database_path()
    settings = QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)
    server = clinic.server_to_open(args.db, settings, demo=args.demo)
    if server is not None:  # Clinic mode: the records are on a PostgreSQL server.
        return clinic.run(app, server, messages, settings,
                          quit_after_startup=args.quit_after_startup)
    try:
        lock = instance_lock.acquire(path)
    except KnownError as exc:
        title = "The records are already open" if exc.kind is ErrorKind.LOCKED \
            else "Cannot open the records"
        messages.error(None, title, exc.message)
        return 1
    warning = storage_warning(path.resolve(), _mounts_text())
    if warning is not None:
        messages.warn(None, "Records in a risky place", warning)
    try:
        # --quit-after-startup is an unattended smoke test: it never waits for a prompt.
        opened = open_window(path, messages, settings, demo=args.demo,
                             offer_encryption=not args.quit_after_startup)
    except PractitionerError as exc:
        messages.error(None, "Cannot open the records", str(exc))
        close_records(None, lock)
        return 1
    if opened is None:
        close_records(None, lock)
        return 0
    window = opened
    tools = window.findChild(RecordsTools)
    if isinstance(tools, RecordsTools) and tools.banner.isVisibleTo(window):
        messages.warn(None, "The records are damaged", tools.banner.label.text())
    if args.demo:
        window.open_first_patient()
    if args.quit_after_startup:
        FirstPaintWatcher(window, app.quit)
    window.show()
    if not args.quit_after_startup:
        QTimer.singleShot(0, window.offer_recovered_drafts)
    try:
        return app.exec()
    finally:
        close_records(window, lock)
        if demo_dir is not None:
            demo_dir.cleanup()

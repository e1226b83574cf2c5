"""Composition root of the desktop app: arguments, QApplication, database, services, window.

Start-up paints the main window before it loads the rest of the app: this module imports
only Qt and a few small modules at load time, shows `MainWindow.opening()` (title, size,
menus, "Opening the records…"), and once that is on screen imports the services, opens
the records and builds the panels into it. The page check of the records (`integrity_check`,
which reads the whole file) then runs on a worker thread (`RecordsTools.check_in_background`).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from practitioner import __version__, instance_lock
from practitioner.clinic_address import server_to_open
from practitioner.domain.storage_location import Volume, storage_warning
from practitioner.errors import ErrorKind, KnownError, PractitionerError
from practitioner.paths import (
    APP_NAME,
    ORGANIZATION,
    data_dir,
    default_database_path,
)
from practitioner.process_privacy import protect_process
from practitioner.ui.app_identity import identify
from practitioner.ui.main_window import MainWindow

if TYPE_CHECKING:
    from practitioner.domain.preferences import Preferences
    from practitioner.services.audit import AuditService
    from practitioner.ui.messages import Messages

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
    parser.add_argument("--verbose", action="store_true",
                        help="write debug lines to the log file and to stderr")
    return parser.parse_args(argv)


class FirstPaintWatcher(QObject):
    """Calls `callback` once, after the next paint event of `window`.

    A top-level window is painted first in each flush of its backing store, its children
    right after. The filter sits on the window only: an application-wide Python filter
    would see every event of start-up (~30 ms of it on a 2-core machine).
    """

    def __init__(self, window: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(window)
        self._window = window
        self._callback = callback
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def _install_excepthook(messages: Messages, log_file: Path | None) -> None:
    """Log unexpected errors (types and places, no messages: `practitioner.logs`) and tell
    the user politely, never with a traceback, naming the log file."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        from practitioner.db.cipher import DATABASE_ERRORS
        from practitioner.db.errors import known_error

        if isinstance(value, DATABASE_ERRORS):  # damage a read met (a row not UTF-8)
            value = known_error(value) or value
        if isinstance(value, KnownError):
            # Its message may name the patient; the log gets the kind only.
            log.warning("known error shown to the user: %s", value.kind.value)
            messages.error(QApplication.activeWindow(), "Something went wrong", value.message)
            return
        log.error("unexpected error", exc_info=(kind, value, tb))
        where = (f"Details were written to the log: {log_file}" if log_file is not None
                 else "The log file could not be written.")
        messages.error(
            QApplication.activeWindow(),
            "Something went wrong",
            "An unexpected problem occurred; what you typed is still in the form. "
            f"({kind.__name__}) {where}",
        )

    sys.excepthook = hook


def _load_style(app: QApplication) -> None:
    """The app's look (`ui/look.py`): a proxy of the platform style, not a style sheet;
    and focus that scrolls into view (`ui/focus_follow.py`)."""
    from practitioner.ui import focus_follow
    from practitioner.ui.look import AppStyle

    focus_follow.install(app)

    style = AppStyle()
    app.setStyle(style)
    app.setProperty("practitioner_style", style)  # kept alive with the application


def practitioner_name(settings: QSettings) -> str:
    """Who is working: the name set in the settings, else the computer's user name."""
    import getpass

    name = settings.value("practitioner/name", "")
    return str(name) if name else getpass.getuser()


def audit_backup_event(audit: AuditService) -> Callable[[str, Path], None]:
    """Writes backups and restores to the audit trail (a restore into the restored file,
    whose trail continues from the backup's); by file name only."""
    from practitioner.domain.audit import AuditAction

    actions = {"backup": AuditAction.BACKUP, "restore": AuditAction.RESTORE_BACKUP}

    def record(event: str, path: Path) -> None:
        try:
            audit.record(actions[event], entity="records_file", detail=path.name)
        except KnownError as exc:
            log.warning("%s not audited: %s", event, exc.kind.value)

    return record


def audit_security_event(audit: AuditService) -> Callable[[str], None]:
    """Writes the lock screen's events to the audit trail; a trail that cannot be written
    to (a read-only file) must not keep the window locked or unlocked, so that is logged."""
    from practitioner.domain.audit import AuditAction

    actions = {"lock": AuditAction.LOCK, "unlock": AuditAction.UNLOCK,
               "unlock_failed": AuditAction.UNLOCK_FAILED}

    def record(event: str) -> None:
        try:
            audit.record(actions[event], entity="window")
        except KnownError as exc:
            log.warning("%s not audited: %s", event, exc.kind.value)

    return record


def build_window(
    path: Path, messages: Messages, settings: QSettings, *, demo: bool = False,
    passphrase: str | None = None, into: MainWindow | None = None,
    check_later: bool = False,
) -> MainWindow:
    """Open the records at `path` (with `passphrase` when encrypted, or to create them
    encrypted) and build the main window over them (`into` a window painted already).

    With `check_later` an existing file's page check (`integrity_check`, which reads the
    whole file) runs on a worker thread once the window is built, and the reference
    library is seeded after it passed; damage found then reopens the records read-only
    with the banner. The checks that guard a file before anything is written (ours, not
    too new, a database, the passphrase) always run first.

    Raises KnownError when the records cannot be opened (nothing was changed then), and
    ContentError when the shipped reference library is broken.
    """
    import practitioner.db  # noqa: F401  # first: loads peewee without the PostgreSQL driver
    from practitioner import clinic
    from practitioner.content.points import load_points
    from practitioner.content.reference import load_reference
    from practitioner.db.cipher import FileKind, file_kind, passphrase_of
    from practitioner.db.connection import check_file, open_damaged_read_only, open_sqlite
    from practitioner.domain.demo_sessions import DEMO_PRACTITIONER
    from practitioner.services.audit import AuditService
    from practitioner.services.backups import BackupService
    from practitioner.services.demo import fill_demo
    from practitioner.services.security import hash_secret
    from practitioner.services.sessions import SessionService
    from practitioner.ui import preferences
    from practitioner.ui.records_tools import RecordsTools
    from practitioner.ui.unlock import PassphraseUnlock, PinUnlock, UnlockCheck

    damage: KnownError | None = None
    # A file made just now needs no page check.
    check_later = check_later and file_kind(path) is not FileKind.NEW
    try:
        db = open_sqlite(path, passphrase=passphrase, check_pages=not check_later)
        if not check_later:  # else once the page check passed (`healthy` below)
            AuditService().refuse_if_broken(path.name)
    except KnownError as exc:
        close_database()
        db = open_damaged_read_only(path, exc)  # Raises `exc` again unless ours and readable.
        damage = exc
    # The lock screen checks the passphrase against its hash; it never keeps the text.
    unlock: UnlockCheck = PinUnlock(settings)
    if passphrase is not None and passphrase_of(db) is not None:
        unlock = PassphraseUnlock(hash_secret(passphrase))
    # The solo practitioner is an implicit administrator account: no login.
    name = practitioner_name(settings)
    # Nothing is written before the page check passed (see `healthy` below).
    user = clinic.solo_user(name, writable=damage is None and not check_later)
    services = clinic.compose_services(user, local_drafts=passphrase_of(db) is None)
    audit = services.audit
    if damage is None and not check_later:
        services.reference.seed(load_reference())
    if demo:
        fill_demo(services.patients, DEMO_PATIENTS, DEMO_SEED,
                  sessions=SessionService(user=lambda: DEMO_PRACTITIONER))
    catalogue = load_points()
    title = "demo data" if demo else path.name  # the full path is in Help › About
    window = into if into is not None else MainWindow.opening(settings, title)
    window.records_in_use = f"{path} (demo data, deleted on quitting)" if demo else str(path)
    window.open_records(services, catalogue, messages, unlock=unlock,
                        security_events=audit_security_event(audit))
    clinic.install(window, user, messages, settings)
    backups = BackupService(path, passphrase=passphrase_of(db),
                            on_event=audit_backup_event(audit))
    tools = RecordsTools(window, backups, messages)  # Owned by the window.
    if damage is not None:
        tools.show_damaged(damage.message, trail_only=damage.kind is ErrorKind.AUDIT_BROKEN)
    else:
        backups.remove_leftovers()
        backups.start_tracking()
    window.transfer.before_import = lambda: backups.before("import")
    if check_later and damage is None:
        key = passphrase_of(db)

        def check(register: Callable[[Callable[[], None]], None]) -> Any:
            check_file(path, passphrase=key, cancel=register)
            return load_reference()  # parsed here too, off the GUI thread

        def healthy(entries: Any) -> None:
            # Whole pages, but a tampered history keeps the records read-only too.
            services.audit.refuse_if_broken(path.name)
            try:
                user.switch(clinic.solo_user(practitioner_name(settings))())
                services.reference.seed(entries)
            except KnownError as exc:
                log.warning("reference library not updated: %s", exc.kind.value)

        def to_read_only(exc: KnownError) -> None:
            close_database()
            open_damaged_read_only(path, exc)

        tools.check_in_background(check, healthy, to_read_only)
    backups.configure(preferences.load(settings))

    def apply(prefs: Preferences) -> None:  # Tools › Preferences… saved
        backups.configure(prefs)
        clinic.rename_solo(window, user, prefs.practitioner_name,
                           writable=damage is None and not tools.check_running)

    window.preferences_changed.connect(apply)
    window.live.start()
    return window


def open_window(
    path: Path, messages: Messages, settings: QSettings, *, demo: bool = False,
    offer_encryption: bool = True, into: MainWindow | None = None,
    check_later: bool = False,
) -> MainWindow | None:
    """Build the window over `path` (see `build_window`), asking for what encryption
    needs: the passphrase of an encrypted file (again after a wrong one), or on first run
    whether to encrypt.

    Returns None when the practitioner cancelled. $CRAMP_PRACTITIONER_PASSPHRASE, when
    set, is tried first (for scripted starts).
    """
    from practitioner.db.cipher import FileKind, file_kind, passphrase_from_env

    kind = file_kind(path)
    passphrase = None if demo else passphrase_from_env()
    if kind is FileKind.NEW and passphrase is None and offer_encryption and not demo:
        try:  # A folder that cannot be made is reported before any question is asked.
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KnownError(ErrorKind.CANNOT_OPEN, f"Cannot create the folder "
                             f"{path.parent}: {exc.strerror}.") from exc
        choice = messages.ask_new_passphrase(into)
        if choice is None:
            return None
        passphrase = choice.passphrase
    problem = ""
    while True:
        if kind is FileKind.ENCRYPTED and passphrase is None:
            passphrase = messages.ask_passphrase(into, path.name, problem)
            if passphrase is None:
                return None
        try:
            return build_window(path, messages, settings, demo=demo, passphrase=passphrase,
                                into=into, check_later=check_later)
        except KnownError as exc:
            if exc.kind is ErrorKind.DAMAGED and not demo \
                    and restored_newest(path, exc, messages, into, passphrase):
                kind = file_kind(path)
                continue
            if kind is not FileKind.ENCRYPTED or exc.kind is not ErrorKind.PASSPHRASE:
                raise
            problem, passphrase = exc.message, None


def volume_of(path: Path) -> Volume | None:
    """The file system holding `path` (or its nearest existing folder), as Qt sees it on
    every platform; None when none can be found."""
    from PySide6.QtCore import QStorageInfo

    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    info = QStorageInfo(str(existing)) if existing is not None else None
    if info is None or not info.isValid():
        return None
    root = info.rootPath()
    remote = False
    if sys.platform == "win32":  # a mapped drive reports the server's type, e.g. NTFS
        import ctypes

        drive_remote = 4
        remote = ctypes.windll.kernel32.GetDriveTypeW(root) == drive_remote
    fs_type = info.fileSystemType().toStdString()
    return Volume(PurePath(root), fs_type, remote)


def restored_newest(path: Path, damage: KnownError, messages: Messages,
                    parent: QWidget | None, passphrase: str | None) -> bool:
    """Records too damaged to open even read-only (empty, cut short, a wrong header):
    offer the newest verified backup; whether it was restored."""
    from practitioner.services.backups import BackupService

    backups = BackupService(path, passphrase=passphrase)
    newest = backups.newest_verified()
    if newest is None or not messages.confirm(
        parent, "The records are damaged",
        f"{damage.message}\n\nRestore the newest backup, taken on {newest.when_text}?\n\n"
        f"{newest.path}\n\nThe damaged file will be kept as {path.name}.damaged.",
        "Restore",
    ):
        return False
    backups.restore(newest.path, reopen=False)
    return True


def close_database() -> None:
    """Close the open records file, if any."""
    from practitioner.db.connection import close_database as close

    close()


def close_records(window: MainWindow | None, lock: instance_lock.InstanceLock) -> None:
    """Stop the start-up check, take the backup at close (when something changed), then
    close and unlock the records."""
    from practitioner.ui.records_tools import RecordsTools

    try:
        tools = window.findChild(RecordsTools) if window is not None else None
        if isinstance(tools, RecordsTools):
            tools.stop_check()
            tools.timer.stop()
            tools.back_up_automatically("close")
    finally:
        close_database()
        lock.release()


def _monotonic_ms() -> float:
    return time.monotonic() * 1000


def _wait_for_paint(window: QWidget, timeout_ms: int = 2000) -> bool:
    """Run the event loop until `window` (or a child) has painted, at most `timeout_ms`
    (a hidden or minimised window may never paint). Whether it did."""
    painted: list[bool] = []
    loop = QEventLoop()

    def done() -> None:
        painted.append(True)
        loop.quit()

    watcher = FirstPaintWatcher(window, done)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(timeout_ms)
    window.update()
    loop.exec()
    watcher.deleteLater()
    return bool(painted)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the GUI; returns the process exit code. It builds every collaborator itself,
    the dialogs included: tests answer those through their widgets, as a user would.

    With --quit-after-startup it returns once the records are shown (and their start-up
    check ended), writing to stderr when the window was first painted and when the
    records were shown, on the monotonic clock in milliseconds (for the benchmark).
    """
    args = parse_args(sys.argv[1:] if argv is None else argv)
    protect_process()
    from practitioner import logs

    last_crash = logs.take_last_crash()
    logs.enable_crash_file()
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    identify(app)

    demo_dir: Any = None
    if args.demo:
        import tempfile

        demo_dir = tempfile.TemporaryDirectory(prefix="cramp-demo-")
        path = Path(demo_dir.name) / "demo.db"
    else:
        path = Path(args.db) if args.db else default_database_path()
    settings = QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)
    server = server_to_open(args.db, settings, demo=args.demo)
    if server is not None:  # Clinic mode: the records are on a PostgreSQL server.
        from practitioner import clinic

        log_file = logs.setup_logging(verbose=args.verbose,
                                      stderr_format="%(levelname)s %(name)s: %(message)s")
        _load_style(app)
        _install_excepthook(_messages(), log_file)
        return clinic.run(app, server, settings, quit_after_startup=args.quit_after_startup)
    try:
        lock = instance_lock.acquire(path)
    except KnownError as exc:
        title = "The records are already open" if exc.kind is ErrorKind.LOCKED \
            else "Cannot open the records"
        _messages().error(None, title, exc.message)
        return 1

    # The window first: painted before the rest of the app is even imported.
    window = MainWindow.opening(settings, "demo data" if args.demo else str(path))
    window.show()
    _wait_for_paint(window)
    first_paint = _monotonic_ms()
    log_file = logs.setup_logging(verbose=args.verbose,
                                  stderr_format="%(levelname)s %(name)s: %(message)s")
    log.info("Cramp Practitioner %s started", __version__)
    _load_style(app)  # after the first paint: it re-dresses the frame

    messages = _messages()
    _install_excepthook(messages, log_file)
    if last_crash is not None and not args.quit_after_startup:
        # Unattended starts leave the crash report in the log folder.
        from practitioner.ui.help_menu import offer_crash_report

        offer_crash_report(messages, window, last_crash)
    warning = storage_warning(path.resolve(), volume_of(path.resolve()))
    if warning is not None:
        messages.warn(window, "Records in a risky place", warning)
    try:
        # --quit-after-startup is an unattended smoke test: it never waits for a prompt.
        opened = open_window(path, messages, settings, demo=args.demo,
                             offer_encryption=not args.quit_after_startup, into=window,
                             check_later=True)
    except PractitionerError as exc:
        messages.error(window, "Cannot open the records", str(exc))
        _discard(window)
        close_records(None, lock)
        return 1
    if opened is None:
        _discard(window)
        close_records(None, lock)
        return 0
    from practitioner.ui.records_tools import RecordsTools

    tools = window.findChild(RecordsTools)
    # Not isVisibleTo: panels added to a shown window are shown from the event loop.
    if isinstance(tools, RecordsTools) and not tools.banner.isHidden():
        messages.warn(window, "The records are damaged", tools.banner.label.text())
    if not args.quit_after_startup:  # asked once the records opened, never unattended
        from practitioner.ui.preferences import ask_name_on_first_start

        named = ask_name_on_first_start(messages, window, settings)
        if named is not None:
            window.apply_preferences(named)  # signs and shows the name from now on
    if args.demo:
        window.open_first_patient()
    try:
        if args.quit_after_startup:
            _wait_for_paint(window, timeout_ms=10_000)
            ready = _monotonic_ms()
            if isinstance(tools, RecordsTools) and tools.check_running:
                loop = QEventLoop()
                tools.start_check_done.connect(loop.quit)
                loop.exec()
            print(f"startup: first-paint {first_paint:.1f} ready {ready:.1f} "
                  "(monotonic ms)", file=sys.stderr)
            window.close()  # as quitting the event loop would: keeps the layout
            return 0
        QTimer.singleShot(0, window.offer_recovered_drafts)
        return app.exec()
    finally:
        close_records(window, lock)
        settings.sync()
        if demo_dir is not None:
            demo_dir.cleanup()


def _messages() -> Messages:
    """The app's dialogs, imported on first need (after the first paint of a solo start)."""
    from practitioner.ui.messages import Messages

    return Messages()


def _discard(window: MainWindow) -> None:
    window.hide()
    window.deleteLater()

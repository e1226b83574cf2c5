"""Composition root of the desktop app: arguments, QApplication, database, services, window."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from practitioner import __version__, instance_lock
from practitioner.content.points import load_points
from practitioner.content.reference import load_reference
from practitioner.db.connection import close_database, open_damaged_read_only, open_sqlite
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
from practitioner.services.backups import BackupService
from practitioner.services.bundle import Services
from practitioner.services.demo import fill_demo
from practitioner.services.reference import ReferenceService
from practitioner.services.sessions import SessionService
from practitioner.ui.main_window import MainWindow
from practitioner.ui.messages import Messages
from practitioner.ui.records_tools import RecordsTools

log = logging.getLogger("practitioner")

DEMO_PATIENTS = 40
DEMO_SEED = 2026


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The GUI's command line."""
    parser = argparse.ArgumentParser(prog="cramp-practitioner",
                                     description="Cramp Practitioner desktop app.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db", type=Path, help="records file to open instead of the default")
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
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if isinstance(value, KnownError):
            messages.error(QApplication.activeWindow(), "Something went wrong", value.message)
            return
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


def build_window(
    path: Path, messages: Messages, settings: QSettings, *, demo: bool = False
) -> MainWindow:
    """Open the records at `path` and build the main window over them.

    Raises KnownError when the records cannot be opened (nothing was changed then), and
    ContentError when the shipped reference library is broken.
    """
    damage: KnownError | None = None
    try:
        open_sqlite(path)
    except KnownError as exc:
        open_damaged_read_only(path, exc)  # Raises `exc` again unless ours and readable.
        damage = exc
    user = practitioner_name(settings)
    services = Services(sessions=SessionService(user=lambda: user),
                        reference=ReferenceService(user=lambda: user))
    if damage is None:
        services.reference.seed(load_reference())
    if demo:
        fill_demo(services.patients, DEMO_PATIENTS, DEMO_SEED,
                  sessions=SessionService(user=lambda: DEMO_PRACTITIONER))
    catalogue = load_points()
    window = MainWindow(services, catalogue, messages, settings,
                        title_suffix="demo data" if demo else str(path))
    backups = BackupService(path)
    tools = RecordsTools(window, backups, messages)  # Owned by the window.
    if damage is not None:
        tools.show_damaged(damage.message)
    else:
        backups.remove_leftovers()
        backups.start_tracking()
    return window


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
        path = args.db or default_database_path()
    settings = QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)
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
        window = build_window(path, messages, settings, demo=args.demo)
    except PractitionerError as exc:
        messages.error(None, "Cannot open the records", str(exc))
        close_records(None, lock)
        return 1
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

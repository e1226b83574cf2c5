"""The Tools menu: Back up now, Restore…, Check records; automatic backups; the banner
shown over damaged records; the page check run after start-up. Wired onto the main window
by the composition root."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QVBoxLayout, QWidget

from practitioner.errors import ErrorKind, KnownError
from practitioner.services.backups import AUTO_BACKUP_MINUTES, BackupInfo, BackupService
from practitioner.ui.main_window import MainWindow
from practitioner.ui.messages import Messages
from practitioner.ui.widgets.damaged_banner import DamagedBanner

log = logging.getLogger(__name__)


def _with_banner(window: QMainWindow, banner: QWidget) -> None:
    """Put `banner` above the window's central widget, keeping that widget."""
    central = window.takeCentralWidget()
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(banner)
    if central is not None:
        layout.addWidget(central, 1)
    window.setCentralWidget(holder)


class _CheckSignals(QObject):
    """Carries the start-up check's outcome to the GUI thread (queued connections)."""

    finished = Signal(object)
    failed = Signal(object)


class _CheckJob(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _CheckSignals) -> None:
        super().__init__()
        self._work = work
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # handed to the GUI thread, never lost in the pool
            self._signals.failed.emit(exc)
        else:
            self._signals.finished.emit(result)


def _tools_menu(window: QMainWindow) -> QMenu:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == "Tools":
            return menu
    return window.menuBar().addMenu("&Tools")


class RecordsTools(QObject):
    """Backups and checks of the open records, for `window`.

    Signals:
        start_check_done(): the page check begun by `check_in_background` has ended (its
            outcome handled: healthy, or the records switched to read-only).
    """

    start_check_done = Signal()

    def __init__(self, window: MainWindow, backups: BackupService, messages: Messages,
                 interval_ms: int = AUTO_BACKUP_MINUTES * 60_000) -> None:
        super().__init__(window)
        self._window = window
        self._backups = backups
        self._messages = messages
        menu = _tools_menu(window)
        self.back_up_action = QAction(self.tr("&Back up now"), window)
        self.back_up_action.setStatusTip(self.tr("Make a verified copy of the records now"))
        self.restore_action = QAction(self.tr("&Restore…"), window)
        self.restore_action.setStatusTip(self.tr("Replace the records by a backup"))
        self.check_action = QAction(self.tr("&Check records"), window)
        self.check_action.setStatusTip(self.tr("Check every page, index and link of the "
                                               "records"))
        # Above what the menu holds already (Preferences…, last by convention).
        ours = [self.back_up_action, self.restore_action, self.check_action]
        if menu.actions():
            menu.insertActions(menu.actions()[0], ours)
        else:
            menu.addActions(ours)
        self.back_up_action.triggered.connect(self.back_up_now)
        self.restore_action.triggered.connect(self.choose_and_restore)
        self.check_action.triggered.connect(self.check_records)
        self.banner = DamagedBanner()
        self.banner.hide()
        self.banner.restore_requested.connect(self.restore_newest)
        _with_banner(window, self.banner)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lambda: self.back_up_automatically("auto"))
        self.timer.start()
        self.check_running = False
        self._interrupt_check: Callable[[], None] | None = None
        self._check_signals: _CheckSignals | None = None

    # -- backing up ---------------------------------------------------------------------

    def back_up_now(self) -> BackupInfo | None:
        """Tools › Back up now: a verified backup, whose path is shown."""
        try:
            made = self._backups.back_up("manual")
        except KnownError as exc:
            self._messages.error(self._window, self.tr("No backup was made"), exc.message)
            return None
        self._messages.info(self._window, self.tr("Backup made"), self.tr(
            "The records were backed up to %1. Keep a copy on another disk too."
        ).replace("%1", str(made.path)))
        return made

    def back_up_automatically(self, reason: str) -> BackupInfo | None:
        """The 30-minute and on-close backup: silent unless it fails."""
        try:
            made = self._backups.back_up_if_changed(reason)
        except KnownError as exc:
            log.warning("automatic backup failed: %s", exc.kind.value)
            self._messages.error(self._window, self.tr("Automatic backup failed"), exc.message)
            return None
        if made is not None:
            self._window.statusBar().showMessage(
                self.tr("Backed up to %1").replace("%1", made.path.name), 4000)
        return made

    # -- checking -----------------------------------------------------------------------

    def check_records(self) -> bool:
        """Tools › Check records: the full check, its result shown."""
        try:
            verdict = self._backups.full_check()
        except KnownError as exc:
            self._messages.error(self._window, self.tr("The records failed the check"),
                                 exc.message)
            return False
        self._messages.info(self._window, self.tr("Records checked"), verdict)
        return True

    def check_in_background(
        self, check: Callable[[Callable[[Callable[[], None]], None]], Any],
        on_healthy: Callable[[Any], None], to_read_only: Callable[[KnownError], None],
    ) -> None:
        """Run the start-up page check off the GUI thread, after the window is up.

        `check(register)` runs on a worker thread, hands `register` a function that
        interrupts it (used when the window closes first), and raises KnownError DAMAGED
        when the records are damaged. Then, on the GUI thread: `on_healthy(its result)`;
        or `to_read_only(error)` (reopens the records read-only), the banner and a
        warning. What was typed stays in the forms; saving it is refused with the reason.
        """
        signals = _CheckSignals()
        signals.finished.connect(self._on_check_healthy)
        signals.failed.connect(self._on_check_failed)
        self._check_signals = signals  # kept alive while (and after) the job runs
        self._on_healthy = on_healthy
        self._to_read_only = to_read_only
        self.check_running = True

        def register(interrupt: Callable[[], None]) -> None:
            self._interrupt_check = interrupt

        QThreadPool.globalInstance().start(_CheckJob(lambda: check(register), signals))

    def stop_check(self) -> None:
        """Interrupt the start-up check if it still runs (the window is closing) and wait
        for its thread, so it never outlives the records."""
        if not self.check_running:
            return
        if self._interrupt_check is not None:
            self._interrupt_check()
        QThreadPool.globalInstance().waitForDone(5000)
        self.check_running = False
        self._end_check()

    def _end_check(self) -> None:
        # `_check_signals` stays: a stopped check's thread may still emit through it.
        self._interrupt_check = None
        self.start_check_done.emit()

    def _on_check_healthy(self, result: object) -> None:
        if not self.check_running:
            return  # stopped: the window is closing
        try:
            self._on_healthy(result)
        except KnownError as exc:  # whole pages, but a history that was tampered with
            self._on_check_failed(exc)
            return
        self.check_running = False
        self._end_check()

    def _on_check_failed(self, error: BaseException) -> None:
        if not self.check_running:
            return
        self.check_running = False
        try:
            if isinstance(error, KnownError) and error.kind in (ErrorKind.DAMAGED,
                                                                ErrorKind.AUDIT_BROKEN):
                self._to_read_only(error)
                self.show_damaged(error.message,
                                  trail_only=error.kind is ErrorKind.AUDIT_BROKEN)
                self._window.refresh_list()
                title = (self.tr("The records are damaged") if error.kind is ErrorKind.DAMAGED
                         else self.tr("The audit trail is broken"))
                self._messages.warn(self._window, title, self.banner.label.text())
            elif isinstance(error, KnownError):
                log.warning("start-up check not finished: %s", error.kind.value)
            else:
                log.error("start-up check failed", exc_info=error)  # type and place only
        finally:
            self._end_check()

    # -- damaged records ----------------------------------------------------------------

    def show_damaged(self, damage: str, *, trail_only: bool = False) -> None:
        """Tell the practitioner the records are damaged (`trail_only`: whole, but their
        audit trail was tampered with) and open read-only; `damage` says how."""
        newest = self._backups.newest_verified()
        opening = (self.tr("The records open read-only: ") if trail_only
                   else self.tr("The records are damaged and open read-only: "))
        self.banner.show_damage(
            opening + self.tr("you can read and export them, but not change them. ") + damage,
            newest.when_text if newest else None,
        )
        self.back_up_action.setEnabled(False)

    # -- restoring ----------------------------------------------------------------------

    def choose_and_restore(self) -> bool:
        """Tools › Restore…: pick a backup file, confirm, restore, reopen."""
        chosen = self._messages.choose_open_file(
            self._window, self.tr("Restore the records from a backup"),
            self.tr("Records backups (*.db);;All files (*)"),
            directory=str(self._backups.folder),
        )
        return bool(chosen) and self.restore(Path(str(chosen)))

    def restore_newest(self) -> bool:
        """The banner's button: restore the newest verified backup."""
        newest = self._backups.newest_verified()
        if newest is None:
            self._messages.error(self._window, self.tr("No backup to restore"),
                                 self.tr("No verified backup was found in %1.").replace(
                                     "%1", str(self._backups.folder)))
            return False
        return self.restore(newest.path)

    def restore(self, path: Path) -> bool:
        """Confirm with the backup's date and time, then restore it and reopen."""
        if not self._window.workspace.can_leave():
            return False
        try:
            backup = self._backups.describe(path)
        except KnownError as exc:
            self._messages.error(self._window, self.tr("This backup cannot be restored"),
                                 exc.message)
            return False
        name = self._backups.records.name
        aside = ".damaged" if self._backups.read_only else ".before-restore"
        if not self._messages.confirm(
            self._window, self.tr("Restore a backup"),
            self.tr("Replace the records by the backup taken on %1?\n\n%2\n\nThe current "
                    "records will be kept as %3.").replace("%1", backup.when_text).replace(
                        "%2", str(backup.path)).replace("%3", name + aside),
            self.tr("Restore"),
        ):
            return False
        self._window.workspace.close_record()
        self.stop_check()  # its verdict would be about the file being replaced
        try:
            done = self._backups.restore(backup.path)
        except KnownError as exc:
            self._messages.error(self._window, self.tr("The restore failed"), exc.message)
            self._window.refresh_list()
            return False
        self.banner.hide()
        self.back_up_action.setEnabled(True)
        self._window.refresh_list()
        kept = f" The previous records were kept as {done.set_aside}." if done.set_aside else ""
        if self._messages.confirm(
            self._window, self.tr("Records restored"),
            self.tr("The records of %1 were restored.%2\n\nAutomatic backups are paused so "
                    "they cannot replace good backups with wrong records. Do the restored "
                    "records look right?").replace("%1", backup.when_text).replace("%2", kept),
            self.tr("Yes, resume automatic backups"),
        ):
            self._backups.resume_automatic_backups()
        return True

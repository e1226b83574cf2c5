"""The Tools menu: Back up now, Restore…, Check records; automatic backups; the banner
shown over damaged records. Wired onto the main window by the composition root."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QVBoxLayout, QWidget

from practitioner.errors import KnownError
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


class RecordsTools(QObject):
    """Backups and checks of the open records, for `window`."""

    def __init__(self, window: MainWindow, backups: BackupService, messages: Messages,
                 interval_ms: int = AUTO_BACKUP_MINUTES * 60_000) -> None:
        super().__init__(window)
        self._window = window
        self._backups = backups
        self._messages = messages
        menu = window.menuBar().addMenu(self.tr("&Tools"))
        self.back_up_action = QAction(self.tr("&Back up now"), window)
        self.back_up_action.setStatusTip(self.tr("Make a verified copy of the records now"))
        self.restore_action = QAction(self.tr("&Restore…"), window)
        self.restore_action.setStatusTip(self.tr("Replace the records by a backup"))
        self.check_action = QAction(self.tr("&Check records"), window)
        self.check_action.setStatusTip(self.tr("Check every page, index and link of the "
                                               "records"))
        for action in (self.back_up_action, self.restore_action, self.check_action):
            menu.addAction(action)
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
            log.warning("automatic backup failed: %s", exc.message)
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

    # -- damaged records ----------------------------------------------------------------

    def show_damaged(self, damage: str) -> None:
        """Tell the practitioner the records are damaged and open read-only."""
        newest = self._backups.newest_verified()
        self.banner.show_damage(
            self.tr("The records are damaged and open read-only: you can read and export "
                    "them, but not change them. ") + damage,
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

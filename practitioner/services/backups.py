"""Backups of the records file: taking, rotating, listing, checking and restoring them.

Every copy goes through `db.backup.backup_sqlite` (online backup API, verified, renamed
into place). Backups live in `db.backup.backup_folder(records)`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from practitioner.db.backup import (
    backup_folder,
    backup_sqlite,
    opened_file,
    remove_partials,
)
from practitioner.db.base import database
from practitioner.db.cipher import FileKind, file_kind, write_encrypted_copy
from practitioner.db.connection import (
    close_database,
    inspect_file,
    is_read_only,
    open_damaged_read_only,
    open_sqlite,
    passphrase_of_open,
)
from practitioner.domain.backup_policy import (
    RotationPolicy,
    backup_file_name,
    backup_files_to_delete,
    parse_backup_name,
)
from practitioner.domain.preferences import Preferences
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService

log = logging.getLogger(__name__)

AUTO_BACKUP_MINUTES = 30
SIDE_FILES = ("-wal", "-shm")

# (event, file): "backup" with the new backup, "restore" with the backup restored from.
BackupEventHook = Callable[[str, Path], None]


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: where it is, when it was taken and why."""

    path: Path
    taken_at: dt.datetime
    reason: str
    size: int

    @property
    def when_text(self) -> str:
        """Its date and time, as shown to the practitioner."""
        return self.taken_at.strftime("%d %b %Y at %H:%M:%S")


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: which backup it used and where the replaced file went."""

    restored: BackupInfo
    set_aside: Path | None
    safety_backup: Path | None
    was_damaged: bool


def _info(path: Path, stem: str) -> BackupInfo:
    named = parse_backup_name(stem, path.name)
    stat = path.stat()
    if named is not None:
        return BackupInfo(path, named.taken_at, named.reason, stat.st_size)
    return BackupInfo(path, dt.datetime.fromtimestamp(stat.st_mtime), "copy", stat.st_size)


def _free_name(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{n}")
        n += 1
    return candidate


def _move_with_side_files(source: Path, target: Path) -> None:
    """Move a database and its -wal/-shm together: they are never separated."""
    os.replace(source, target)
    for suffix in SIDE_FILES:
        side = source.with_name(source.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))


def _reopen_as_before(records: Path, passphrase: str | None) -> None:
    """After a failed restore: open the untouched records again, read-only if damaged."""
    try:
        open_sqlite(records, passphrase=passphrase)
    except KnownError as exc:
        with contextlib.suppress(KnownError):
            open_damaged_read_only(records, exc)


class BackupService:
    """Backups of the records file `records` (the open one in the GUI)."""

    def __init__(
        self,
        records: Path,
        *,
        clock: Callable[[], dt.datetime] = dt.datetime.now,
        policy: RotationPolicy = RotationPolicy(),
        source: Callable[[], sqlite3.Connection] | None = None,
        on_event: BackupEventHook | None = None,
        passphrase: str | None = None,
    ) -> None:
        self.records = Path(records)
        self._passphrase = passphrase
        self._clock = clock
        self._policy = policy
        self._follows_open_records = source is None
        self._source = source or self._open_connection
        self._on_event = on_event
        self._changes_at_backup: int | None = None
        self._folder: Path | None = None
        self.suspended = False

    def _key(self) -> str | None:
        """The passphrase backups are made and read with. Over the open records it is
        always theirs, which changes when they are encrypted or re-keyed while open."""
        if self._follows_open_records:
            bound, passphrase = passphrase_of_open(self.records)
            if bound:
                return passphrase
        return self._passphrase

    @staticmethod
    def _open_connection() -> sqlite3.Connection:
        conn: sqlite3.Connection = database.connection()
        return conn

    @property
    def folder(self) -> Path:
        """Where the automatic backups go: the chosen folder, else `backups/` beside the
        records."""
        return self._folder or backup_folder(self.records)

    def configure(self, prefs: Preferences) -> None:
        """Use the backup folder and the number of recent backups kept in `prefs`."""
        self._folder = Path(prefs.backup_folder) if prefs.backup_folder else None
        self._policy = dataclasses.replace(self._policy, recent=prefs.backups_to_keep)

    @property
    def read_only(self) -> bool:
        """Whether the open records are damaged and open read-only."""
        return is_read_only()

    def _event(self, event: str, path: Path) -> None:
        # audit: the one place a backup or restore is reported; the lead wires
        # AuditService.record(event, path) in here through `on_event`.
        log.info("%s: %s", event, path)  # Paths only: never patient text in the log.
        if self._on_event is not None:
            self._on_event(event, path)

    # -- taking backups -----------------------------------------------------------------

    def back_up(self, reason: str = "manual", folder: Path | None = None) -> BackupInfo:
        """Take a verified backup now; rotates the backup folder unless `folder` is given.

        Raises KnownError: DAMAGED when the records are damaged (earlier backups are then
        left exactly as they were), CANNOT_OPEN/DISK_FULL when it cannot be written.
        """
        if is_read_only():
            raise KnownError(ErrorKind.DAMAGED, "The records are damaged and open read-only, "
                             "so no backup was made; the earlier backups were kept.")
        target_folder = Path(folder) if folder is not None else self.folder
        remove_partials(target_folder)
        when = self._clock()
        target = target_folder / backup_file_name(self.records.stem, when, reason)
        if target.exists():
            raise KnownError(ErrorKind.CANNOT_OPEN, f"A backup named {target.name} exists "
                             "already; try again in a moment.")
        source = self._source()
        backup_sqlite(source, target, self._key())
        self._changes_at_backup = source.total_changes
        if folder is None:
            self.rotate()
        self._event("backup", target)
        return _info(target, self.records.stem)

    def remove_leftovers(self) -> list[Path]:
        """Delete the temporary files of backups a crash interrupted (at start)."""
        return remove_partials(self.folder)

    def before(self, operation: str) -> BackupInfo:
        """The backup taken before a risky operation (import, restore, bulk delete)."""
        return self.back_up(f"before-{operation}")

    def start_tracking(self) -> None:
        """Count changes from now on (call once the records are open)."""
        self._changes_at_backup = self._source().total_changes

    def has_changes(self) -> bool:
        """Whether the records changed since the last backup (or since tracking began)."""
        return self._changes_at_backup is None or (
            self._source().total_changes != self._changes_at_backup
        )

    def back_up_if_changed(self, reason: str = "auto") -> BackupInfo | None:
        """The automatic backup: only when something changed, never on damaged records
        nor while automatic backups are suspended after a restore."""
        if self.suspended or is_read_only() or not self.has_changes():
            return None
        return self.back_up(reason)

    def rotate(self) -> list[Path]:
        """Delete the backups rotation no longer keeps; returns them."""
        backups = self.list_backups()
        doomed = backup_files_to_delete([(b.path, b.taken_at) for b in backups], self._policy)
        for path in doomed:
            path.unlink(missing_ok=True)
        return doomed

    # -- finding backups ----------------------------------------------------------------

    def list_backups(self) -> list[BackupInfo]:
        """The backups in the backup folder, newest first."""
        if not self.folder.is_dir():
            return []
        found = [
            _info(path, self.records.stem)
            for path in self.folder.iterdir()
            if path.is_file() and parse_backup_name(self.records.stem, path.name) is not None
        ]
        return sorted(found, key=lambda b: b.taken_at, reverse=True)

    def describe(self, path: Path) -> BackupInfo:
        """Check that `path` is a restorable backup and say when it was taken.

        Raises KnownError when it is missing, empty, not ours, damaged or too new.
        """
        path = Path(path)
        state = inspect_file(path, passphrase=self._key())
        if state.is_new:
            raise KnownError(ErrorKind.NOT_FOUND, f"{path} is missing or empty; it is not a "
                             "backup.")
        if state.table_count == 0:
            raise KnownError(ErrorKind.FOREIGN, f"{path} holds no records; it is not a backup.")
        return _info(path, self.records.stem)

    def newest_verified(self) -> BackupInfo | None:
        """The newest backup that passes its checks, or None."""
        for backup in self.list_backups():
            try:
                return self.describe(backup.path)
            except KnownError:
                continue
        return None

    def full_check(self) -> str:
        """integrity_check + foreign_key_check of the records, then their audit trail
        (of the open records); the line to show.

        Raises KnownError (DAMAGED, AUDIT_BROKEN) naming the first problem found.
        """
        try:
            state = inspect_file(self.records, full_check=True, passphrase=self._key())
            trail = AuditService().verify()
            if trail.broken is not None:
                raise KnownError(ErrorKind.AUDIT_BROKEN, "Every page of the records is "
                                 f"whole, but the audit trail is broken at entry "
                                 f"{trail.broken.seq}: {trail.broken.reason}.")
        except KnownError as exc:
            log.warning("full check failed: %s", exc.kind.value)
            raise
        log.info("full check passed: %s", self.records)
        return (f"The records passed the full check (every page, index and link, and "
                f"the audit trail: {trail.rows} entries); schema version "
                f"{state.user_version}. File: {self.records}")

    # -- restoring ----------------------------------------------------------------------

    def restore(self, backup: Path, *, reopen: bool = True) -> RestoreResult:
        """Replace the records by the backup `backup`, keeping the current file aside.

        The current file is backed up first when healthy, then moved (with its -wal and
        -shm) to `<name>.before-restore`, or to `<name>.damaged` when it is damaged. The
        backup is copied in with the backup API and checked. Automatic backups are then
        suspended until `resume_automatic_backups`. Raises KnownError, with the current
        file back in place, when anything fails.
        """
        restored = self.describe(backup)
        if self.records.exists() and os.path.samefile(restored.path, self.records):
            raise KnownError(ErrorKind.CANNOT_OPEN, f"{backup} is the records file itself, "
                             "not a backup of it; nothing was changed.")
        key = self._key()
        close_database()
        damaged, safety = False, None
        if self.records.exists():
            healthy = False
            try:
                # An empty file is "new" here, or damaged once it has backups.
                healthy = not inspect_file(self.records, passphrase=key).is_new
            except KnownError as exc:
                damaged = exc.kind in (ErrorKind.DAMAGED, ErrorKind.NOT_A_DATABASE)
            if healthy:
                with opened_file(self.records, read_only=True,
                                 passphrase=key) as current:
                    safety = BackupService(
                        self.records, clock=self._clock, policy=self._policy,
                        source=lambda: current, on_event=self._on_event,
                        passphrase=key,
                    ).before("restore").path
        aside: Path | None = None
        if self.records.exists():
            aside = _free_name(self.records.with_name(
                self.records.name + (".damaged" if damaged else ".before-restore")))
            _move_with_side_files(self.records, aside)
        try:
            if key is not None and file_kind(restored.path) is FileKind.PLAIN:
                # A plain backup restored into encrypted records is encrypted too.
                write_encrypted_copy(restored.path, self.records, key)
            else:
                with opened_file(restored.path, read_only=True, passphrase=key) as source:
                    backup_sqlite(source, self.records, key)
        except BaseException:
            if aside is not None:
                _move_with_side_files(aside, self.records)
            if reopen:
                _reopen_as_before(self.records, key)
            raise
        if reopen:
            open_sqlite(self.records, passphrase=key)
        self.suspended = True
        if reopen:
            self.start_tracking()
        self._event("restore", restored.path)
        return RestoreResult(restored, aside, safety, damaged)

    def resume_automatic_backups(self) -> None:
        """The practitioner confirmed the restored records: back up automatically again."""
        self.suspended = False

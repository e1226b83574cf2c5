"""Consistent copies of a live SQLite file through the online backup API, never a file copy.

Raw connections to a file (`connect_file`: backup targets, checks, read-only looks) go
through `cipher.connect_raw`, which picks the driver the file's encryption needs. The copy
of an encrypted database is encrypted under the same passphrase; a plaintext copy of it
cannot be made.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from practitioner.db.cipher import DRIVER_ERRORS, connect_raw, is_cipher_connection
from practitioner.db.errors import known_error
from practitioner.disk_space import disk_full_error, is_full, no_space_errno
from practitioner.domain.backup_policy import BACKUP_FOLDER
from practitioner.errors import BugError, ErrorKind, KnownError

BUSY_TIMEOUT_SECONDS = 5
PARTIAL_SUFFIX = ".partial"

Progress = Callable[[int, int, int], object]


def connect_file(path: Path, *, read_only: bool = False,
                 passphrase: str | None = None) -> sqlite3.Connection:
    """A raw connection to the SQLite file at `path` (keyed with `passphrase` when it is
    encrypted); `read_only` opens it with `mode=ro`, so not one byte of the file can be
    written through it."""
    return connect_raw(Path(path), passphrase, read_only=read_only,
                       timeout=BUSY_TIMEOUT_SECONDS)


@contextlib.contextmanager
def opened_file(path: Path, *, read_only: bool = False,
                passphrase: str | None = None) -> Iterator[sqlite3.Connection]:
    """`connect_file` as a context manager that always closes the connection."""
    conn = connect_file(path, read_only=read_only, passphrase=passphrase)
    try:
        yield conn
    finally:
        conn.close()


def backup_folder(records: Path) -> Path:
    """Where the backups of the records file `records` live: `backups/` beside it."""
    return Path(records).parent / BACKUP_FOLDER


def remove_partials(folder: Path) -> list[Path]:
    """Delete the temporary files of backups that never finished (a crash, a full disk)."""
    removed: list[Path] = []
    if folder.is_dir():
        for leftover in folder.glob(f"*{PARTIAL_SUFFIX}*"):  # With its -journal.
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def _discard(partial: Path) -> None:
    for path in (partial, partial.with_name(partial.name + "-journal")):
        path.unlink(missing_ok=True)


def _first_problem(conn: sqlite3.Connection, check: str) -> str:
    rows = [row[0] for row in conn.execute(f"PRAGMA {check}")]
    if rows == ["ok"]:
        return ""
    return "; ".join(line for line in rows[0].splitlines() if line and not line.startswith("***"))


def _stamps(conn: sqlite3.Connection) -> tuple[int, int]:
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    return int(application_id), int(user_version)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    if os.name == "posix":  # Makes the rename itself durable; Windows cannot open folders.
        _fsync(folder)


def _healthy_source_stamps(source: sqlite3.Connection) -> tuple[int, int]:
    """The source's (application id, schema version), after it passed `quick_check`."""
    try:
        problem = _first_problem(source, "quick_check")
        stamps = _stamps(source)
    except DRIVER_ERRORS as exc:
        known = known_error(exc)
        if known is None or known.kind not in (ErrorKind.DAMAGED, ErrorKind.NOT_A_DATABASE):
            raise
        problem = str(exc)
    if problem:
        raise KnownError(
            ErrorKind.DAMAGED,
            f"The records are damaged ({problem}), so no backup was made and the "
            "earlier backups were kept as they are.",
        )
    return stamps


def backup_sqlite(
    source: sqlite3.Connection, target: Path, passphrase: str | None = None, *,
    pages: int = -1, progress: Progress | None = None,
) -> Path:
    """Copy the database behind `source` to `target`, verified, via a temporary file.

    The source must pass `quick_check` first: a damaged database never produces a
    "backup" that could push a good one out of rotation. The copy must pass
    `integrity_check` and carry the source's application id and schema version before it
    is renamed into place, so a final-named backup is always a whole, healthy one. A crash
    midway leaves only `<target>.partial`, which `remove_partials` clears. The copy of an
    encrypted database is encrypted under `passphrase` (its own, `cipher.passphrase_of`).
    Raises KnownError (DAMAGED when the source or the copy is damaged).
    """
    encrypted = is_cipher_connection(source)
    if encrypted and passphrase is None:
        raise BugError("An encrypted database is only backed up under its passphrase.")
    target = Path(target)
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    expected = _healthy_source_stamps(source)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _discard(partial)
        with opened_file(partial, passphrase=passphrase if encrypted else None) as dest:
            source.backup(dest, pages=pages, progress=progress)
            # A rollback-journal copy: a read-only look at it (which backup is newest
            # and sound) then leaves no -wal/-shm beside it. Opening it as the records
            # turns WAL on again.
            dest.execute("PRAGMA journal_mode = DELETE").fetchone()
            problem = _first_problem(dest, "integrity_check")
            found = _stamps(dest)
        if problem or found != expected:
            raise KnownError(
                ErrorKind.DAMAGED,
                f"The backup copy failed its check ({problem or 'wrong file stamps'}); "
                "it was not kept.",
            )
        _fsync(partial)
        os.replace(partial, target)
        _fsync_folder(target.parent)
    except KnownError:
        _discard(partial)
        raise
    except DRIVER_ERRORS as exc:
        _discard(partial)
        known = known_error(exc, path=partial)
        if known is None:
            raise
        if known.kind is ErrorKind.DISK_FULL:
            raise disk_full_error(target.parent, "write the backup") from exc
        raise KnownError(known.kind, f"The backup could not be written: {known.message} "
                         f"({target.parent})") from exc
    except OSError as exc:
        _discard(partial)
        if no_space_errno(exc) or is_full(target.parent):
            raise disk_full_error(target.parent, "write the backup") from exc
        raise KnownError(ErrorKind.CANNOT_OPEN, f"The backup could not be written to "
                         f"{target.parent}: {exc.strerror or exc}.") from exc
    return target

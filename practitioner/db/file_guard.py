"""Refuse to write once the open records file is no longer at its path.

On Linux and macOS an open file that is moved or deleted (its folder renamed, removed,
its drive unmounted) keeps accepting writes, and in WAL mode SQLite does not notice:
every later save would go into a file nobody can find again. Each write transaction
therefore first checks that the path still leads to the very file that was opened.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import peewee

from practitioner.errors import ErrorKind, KnownError

MOVED = (
    "The records file is no longer at {path}: its folder was moved, renamed or deleted, "
    "or its drive was disconnected, so this was not saved. Nothing you typed was lost: "
    "put the folder back (or reconnect the drive), then save again."
)
REPLACED = (
    "The records file at {path} was replaced by another file while the app had it open, "
    "so this was not saved. Nothing you typed was lost: copy your text somewhere safe, "
    "then restart the app."
)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def check_file_identity(path: Path, opened: tuple[int, int]) -> None:
    """Raise KnownError(MISSING) unless `path` is still the file identified by `opened`."""
    now = _identity(path)
    if now == opened:
        return
    template = MOVED if now is None else REPLACED
    raise KnownError(ErrorKind.MISSING, template.format(path=path))


def guard_writes(db: peewee.SqliteDatabase, path: Path) -> None:
    """Make every transaction `db` begins check first that `path` is still its file.

    Wraps the instance's `begin` (rather than subclassing) so any SQLite database class,
    plain or encrypted, can be guarded.
    """
    opened = _identity(path)
    if opened is None:
        raise KnownError(ErrorKind.CANNOT_OPEN, f"The records file {path} cannot be found.")
    begin = db.begin

    def checked_begin(*args: Any, **kwargs: Any) -> Any:
        check_file_identity(path, opened)
        return begin(*args, **kwargs)

    setattr(db, "begin", checked_begin)  # noqa: B010 - an instance attribute on purpose

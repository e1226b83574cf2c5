"""Turn driver exceptions into `KnownError`s a practitioner can act on.

peewee reports a disk-full inside `atomic()` as "cannot rollback - no transaction is
active"; the real cause sits further down the exception chain, so the whole chain is read.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import peewee

from practitioner.db.base import database
from practitioner.errors import ErrorKind, KnownError

# Extended result codes that mean something other than their primary code.
_BY_EXTENDED_NAME: dict[str, ErrorKind] = {
    "SQLITE_READONLY_DBMOVED": ErrorKind.MISSING,
}

_BY_SQLITE_NAME: dict[str, ErrorKind] = {
    "SQLITE_BUSY": ErrorKind.LOCKED,
    "SQLITE_LOCKED": ErrorKind.LOCKED,
    "SQLITE_FULL": ErrorKind.DISK_FULL,
    "SQLITE_READONLY": ErrorKind.READ_ONLY,
    "SQLITE_CANTOPEN": ErrorKind.CANNOT_OPEN,
    "SQLITE_IOERR": ErrorKind.CANNOT_OPEN,
    "SQLITE_PERM": ErrorKind.READ_ONLY,
    "SQLITE_AUTH": ErrorKind.READ_ONLY,
    "SQLITE_NOTADB": ErrorKind.NOT_A_DATABASE,
    "SQLITE_CORRUPT": ErrorKind.DAMAGED,
}

_BY_MESSAGE: tuple[tuple[str, ErrorKind], ...] = (
    ("database is locked", ErrorKind.LOCKED),
    ("database table is locked", ErrorKind.LOCKED),
    ("database or disk is full", ErrorKind.DISK_FULL),
    ("readonly database", ErrorKind.READ_ONLY),
    ("unable to open database", ErrorKind.CANNOT_OPEN),
    ("disk i/o error", ErrorKind.CANNOT_OPEN),
    ("file is not a database", ErrorKind.NOT_A_DATABASE),
    ("malformed", ErrorKind.DAMAGED),
)

# Each names the cause and what to do. The forms keep what was typed whenever a save
# fails, so the messages can promise it; they are also the CLI's one-line errors.
MESSAGES: dict[ErrorKind, str] = {
    ErrorKind.LOCKED: "The records are in use by another program or another Cramp "
    "Practitioner window, which kept them busy too long. Nothing you typed was lost: close "
    "the other program or window, then try again.",
    ErrorKind.DISK_FULL: "The disk that holds the records is full. Nothing you typed was "
    "lost: free some space on that disk, then save again.",
    ErrorKind.READ_ONLY: "The records file or its folder is read-only (no permission to "
    "write, or a read-only drive). Nothing you typed was lost: allow writing to the folder "
    "and to the records file with its -wal and -shm files, then save again.",
    ErrorKind.CANNOT_OPEN: "The records file cannot be opened or written: its folder is "
    "missing or not writable, or the drive reported an error. Nothing you typed was lost: "
    "check the folder and the drive, then try again.",
    ErrorKind.MISSING: "The records file is no longer where it was opened: its folder was "
    "moved, renamed or deleted, or its drive was disconnected. Nothing you typed was lost: "
    "put the folder back (or reconnect the drive), then save again.",
    ErrorKind.NOT_A_DATABASE: "This file is not a Cramp Practitioner records file, "
    "or it is damaged: choose the right file, or restore the newest backup.",
    ErrorKind.DAMAGED: "The records file is damaged, so nothing more can be saved to it. "
    "Nothing you typed was lost: copy your text somewhere safe, then restore the newest "
    "backup.",
}

# After these the open connection itself may be stale: opened read-only before the
# permissions were fixed, or holding damaged pages in its cache. Dropping it lets the
# next attempt open the file afresh, so the same Save can succeed once the cause is gone.
_RECONNECT_AFTER = frozenset(
    {ErrorKind.READ_ONLY, ErrorKind.CANNOT_OPEN, ErrorKind.DAMAGED, ErrorKind.NOT_A_DATABASE}
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack.extend(arg for arg in current.args if isinstance(arg, BaseException))
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)


def classify(exc: BaseException) -> ErrorKind | None:
    """The environmental cause of a database exception, or None when it looks like our bug."""
    found: ErrorKind | None = None
    for link in _chain(exc):
        name = getattr(link, "sqlite_errorname", None)
        if isinstance(name, str):
            if name in _BY_EXTENDED_NAME:
                return _BY_EXTENDED_NAME[name]
            base = name.split("_", 2)
            key = "_".join(base[:2])
            if key in _BY_SQLITE_NAME:
                return _BY_SQLITE_NAME[key]
        text = str(link).lower()
        for needle, kind in _BY_MESSAGE:
            if needle in text and found is None:
                found = kind
    return found


def known_error(exc: BaseException, where: str = "") -> KnownError | None:
    """A `KnownError` describing `exc`, or None when it is not an environmental failure."""
    kind = classify(exc)
    if kind is None:
        return None
    message = MESSAGES[kind]
    reason = getattr(database.obj, "read_only_reason", None)
    if kind is ErrorKind.READ_ONLY and isinstance(reason, str):
        message = reason  # A damaged file opened read-only on purpose (db/connection.py).
    return KnownError(kind, f"{message} ({where})" if where else message)


@contextlib.contextmanager
def translated_errors(where: str = "") -> Iterator[None]:
    """Re-raise environmental database failures inside the block as `KnownError`."""
    try:
        yield
    except (peewee.PeeweeException, sqlite3.Error) as exc:
        known = known_error(exc, where)
        if known is None:
            raise
        if known.kind in _RECONNECT_AFTER:
            _drop_connection()
        raise known from exc
    except KnownError as exc:
        # Translated by an inner block while a transaction was still open: the connection
        # can be dropped now that the outermost block is done with it.
        if exc.kind in _RECONNECT_AFTER:
            _drop_connection()
        raise


def _drop_connection() -> None:
    """Close this thread's connection unless a caller's transaction still needs it."""
    db = database.obj
    if db is not None and not db.is_closed() and not db.in_transaction():
        db.close()

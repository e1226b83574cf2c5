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

_BY_SQLITE_NAME: dict[str, ErrorKind] = {
    "SQLITE_BUSY": ErrorKind.LOCKED,
    "SQLITE_LOCKED": ErrorKind.LOCKED,
    "SQLITE_FULL": ErrorKind.DISK_FULL,
    "SQLITE_READONLY": ErrorKind.READ_ONLY,
    "SQLITE_CANTOPEN": ErrorKind.CANNOT_OPEN,
    "SQLITE_IOERR": ErrorKind.CANNOT_OPEN,
    "SQLITE_PERM": ErrorKind.READ_ONLY,
    "SQLITE_NOTADB": ErrorKind.NOT_A_DATABASE,
    "SQLITE_CORRUPT": ErrorKind.DAMAGED,
}

_BY_MESSAGE: tuple[tuple[str, ErrorKind], ...] = (
    ("database is locked", ErrorKind.LOCKED),
    ("database or disk is full", ErrorKind.DISK_FULL),
    ("readonly database", ErrorKind.READ_ONLY),
    ("unable to open database", ErrorKind.CANNOT_OPEN),
    ("file is not a database", ErrorKind.NOT_A_DATABASE),
    ("malformed", ErrorKind.DAMAGED),
)

MESSAGES: dict[ErrorKind, str] = {
    ErrorKind.LOCKED: "The records are in use by another program. Close it and try again.",
    ErrorKind.DISK_FULL: "The disk is full. Nothing was lost: free some space and save again.",
    ErrorKind.READ_ONLY: "The records file cannot be written to. Check its permissions.",
    ErrorKind.CANNOT_OPEN: "The records file cannot be opened. Check the folder exists "
    "and is writable.",
    ErrorKind.NOT_A_DATABASE: "This file is not a Cramp Practitioner records file, "
    "or it is damaged.",
    ErrorKind.DAMAGED: "The records file is damaged.",
}


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
        raise known from exc

"""Turn driver exceptions into `KnownError`s a practitioner can act on.

peewee reports a disk-full inside `atomic()` as "cannot rollback - no transaction is
active"; the real cause sits further down the exception chain, so the whole chain is read.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import peewee

from practitioner.db.base import database
from practitioner.disk_space import is_full, no_space_errno
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
    # The app writes only UTF-8 text: a stored text that is not is a damaged page.
    ("could not decode to utf-8", ErrorKind.DAMAGED),
    # PostgreSQL (psycopg): a failed connection carries no SQLSTATE, only its text.
    ("password authentication failed", ErrorKind.AUTH_FAILED),
    ("no password supplied", ErrorKind.AUTH_FAILED),
    ("no pg_hba.conf entry", ErrorKind.AUTH_FAILED),
    ("role \"", ErrorKind.AUTH_FAILED),  # role "x" does not exist
    ("database \"", ErrorKind.NO_SUCH_DATABASE),  # database "x" does not exist
    ("connection refused", ErrorKind.SERVER_UNREACHABLE),
    ("failed to resolve host", ErrorKind.SERVER_UNREACHABLE),
    ("could not translate host name", ErrorKind.SERVER_UNREACHABLE),
    ("timeout expired", ErrorKind.SERVER_UNREACHABLE),
    ("no route to host", ErrorKind.SERVER_UNREACHABLE),
    ("network is unreachable", ErrorKind.SERVER_UNREACHABLE),
    ("ssl was required", ErrorKind.SERVER_UNREACHABLE),
    ("ssl negotiation", ErrorKind.SERVER_UNREACHABLE),
    ("ssl syscall", ErrorKind.SERVER_UNREACHABLE),
    ("certificate verify failed", ErrorKind.SERVER_UNREACHABLE),
    ("the database system is", ErrorKind.SERVER_UNREACHABLE),  # starting up / shutting down
    ("terminating connection", ErrorKind.CONNECTION_LOST),
    ("server closed the connection", ErrorKind.CONNECTION_LOST),
    ("the connection is closed", ErrorKind.CONNECTION_LOST),
    ("the connection is lost", ErrorKind.CONNECTION_LOST),
    ("connection already closed", ErrorKind.CONNECTION_LOST),
    ("consuming input failed", ErrorKind.CONNECTION_LOST),
    ("sending query failed", ErrorKind.CONNECTION_LOST),
    ("connection failed", ErrorKind.SERVER_UNREACHABLE),
)

# PostgreSQL SQLSTATE codes (exact, then by class: the first two characters). Constraint
# violations stay unclassified, as on SQLite: services recognise their own (a duplicate
# name) and any other is a rule they missed.
_BY_SQLSTATE: dict[str, ErrorKind] = {
    "28P01": ErrorKind.AUTH_FAILED,  # invalid_password
    "28000": ErrorKind.AUTH_FAILED,  # invalid_authorization_specification
    "3D000": ErrorKind.NO_SUCH_DATABASE,  # invalid_catalog_name
    "42501": ErrorKind.PERMISSION_DENIED,  # insufficient_privilege
    "25006": ErrorKind.PERMISSION_DENIED,  # read_only_sql_transaction (a standby)
    "40001": ErrorKind.SERVER_BUSY,  # serialization_failure
    "40P01": ErrorKind.SERVER_BUSY,  # deadlock_detected
    "55P03": ErrorKind.SERVER_BUSY,  # lock_not_available (lock_timeout)
    "57014": ErrorKind.SERVER_BUSY,  # query_canceled (statement_timeout)
    "53100": ErrorKind.DISK_FULL,  # disk_full
    "57P01": ErrorKind.CONNECTION_LOST,  # admin_shutdown
    "57P02": ErrorKind.CONNECTION_LOST,  # crash_shutdown
    "57P03": ErrorKind.SERVER_UNREACHABLE,  # cannot_connect_now
}
_BY_SQLSTATE_CLASS: dict[str, ErrorKind] = {
    "08": ErrorKind.CONNECTION_LOST,  # connection_exception
    "53": ErrorKind.SERVER_BUSY,  # insufficient_resources
}

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
    ErrorKind.SERVER_UNREACHABLE: "The clinic server cannot be reached: it is not "
    "running, the address is wrong, or the network is down. Nothing you typed was lost: "
    "check the network (or ask whoever runs the server), then try again.",
    ErrorKind.CONNECTION_LOST: "The connection to the clinic server was lost, so this was "
    "not saved. Nothing you typed was lost: check the network, and save again once the "
    "server is back.",
    ErrorKind.AUTH_FAILED: "The clinic server refused the user name or password: check "
    "them (the password is case-sensitive), or ask the administrator.",
    ErrorKind.NO_SUCH_DATABASE: "The clinic server has no database of that name: check the "
    "name at the end of the address, or ask the administrator to create it.",
    ErrorKind.PERMISSION_DENIED: "The clinic server does not allow this account to do that. "
    "Nothing you typed was lost: ask the administrator to check the account's rights.",
    ErrorKind.SERVER_BUSY: "Another workstation was changing the same records at the same "
    "moment, so this was not saved. Nothing you typed was lost: save again.",
}

# After these the open connection itself may be stale: opened read-only before the
# permissions were fixed, or holding damaged pages in its cache. Dropping it lets the
# next attempt open the file afresh, so the same Save can succeed once the cause is gone.
_RECONNECT_AFTER = frozenset(
    {ErrorKind.READ_ONLY, ErrorKind.CANNOT_OPEN, ErrorKind.DAMAGED, ErrorKind.NOT_A_DATABASE,
     ErrorKind.CONNECTION_LOST}
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
    if no_space_errno(exc):
        return ErrorKind.DISK_FULL
    for link in _chain(exc):
        state = getattr(link, "sqlstate", None)
        if isinstance(state, str):
            if state in _BY_SQLSTATE:
                return _BY_SQLSTATE[state]
            if state[:2] in _BY_SQLSTATE_CLASS:
                return _BY_SQLSTATE_CLASS[state[:2]]
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


def known_error(exc: BaseException, where: str = "", path: Path | None = None,
                ) -> KnownError | None:
    """A `KnownError` describing `exc`, or None when it is not an environmental failure.

    `path` is the file being opened or written (default: the open records file); when
    SQLite blamed the folder or the drive and that disk is full, the full disk is named.
    """
    kind = classify(exc)
    if kind is None:
        return None
    kind = _full_disk_or(kind, path)
    message = MESSAGES[kind]
    reason = getattr(database.obj, "read_only_reason", None)
    if kind is ErrorKind.READ_ONLY and isinstance(reason, str):
        message = reason  # A damaged file opened read-only on purpose (db/connection.py).
    return KnownError(kind, f"{message} ({where})" if where else message)


def _full_disk_or(kind: ErrorKind, path: Path | None) -> ErrorKind:
    """SQLite says "unable to open" or "readonly" when it cannot make its -wal or -shm
    file, whatever the reason; a full disk is the reason to name when it is one."""
    if kind not in (ErrorKind.CANNOT_OPEN, ErrorKind.READ_ONLY):
        return kind
    if path is None:
        db = database.obj
        if not isinstance(db, peewee.SqliteDatabase) or getattr(db, "read_only_reason", None) \
                or not isinstance(db.database, str) or db.database.startswith("file:"):
            return kind
        path = Path(db.database)
    return ErrorKind.DISK_FULL if is_full(path) else kind


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The exception types a database call can raise. psycopg's only once it is loaded
    (the first PostgreSQL database loads it, see `db/pg_driver.py`); until then none of
    its errors can occur, and a solo start does not pay for importing it."""
    driver = sys.modules.get("psycopg")
    found: tuple[type[BaseException], ...] = (peewee.PeeweeException, sqlite3.Error)
    return found if driver is None else (*found, driver.Error)


@contextlib.contextmanager
def translated_errors(where: str = "") -> Iterator[None]:
    """Re-raise environmental database failures inside the block as `KnownError`."""
    try:
        yield
    except _driver_errors() as exc:
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

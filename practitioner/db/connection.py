"""Open a records file safely: inspect it read-only, refuse what we must, back up, migrate.

This module owns the connection. Nothing is written to a file until it has been shown to
be ours (or new), undamaged, and not newer than this app.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import peewee

from practitioner.db.backup import backup_folder, backup_sqlite
from practitioner.db.base import database
from practitioner.db.cipher import (
    DATABASE_ERRORS,
    DRIVER_ERRORS,
    connect_raw,
    passphrase_of,
    peewee_database,
    refuse_unacceptable,
)
from practitioner.db.errors import MESSAGES, known_error
from practitioner.db.file_guard import guard_writes
from practitioner.db.header import FileKind, cut_short, has_backups, header_damage, recognise
from practitioner.db.migrate import (
    HISTORY_TABLE,
    MIGRATIONS_DIR,
    known_migrations,
    migrate,
)
from practitioner.disk_space import disk_full_error, no_space_errno
from practitioner.domain.backup_policy import BACKUP_FOLDER, backup_file_name
from practitioner.errors import ErrorKind, KnownError

APPLICATION_ID = 0x43524D50  # "CRMP": marks a file as a Cramp Practitioner records file.
BUSY_TIMEOUT_SECONDS = 5

# Run on every new connection. WAL + synchronous=FULL is the only WAL setting that keeps
# a reported commit through power loss; the rest harden against hostile or damaged files.
SQLITE_PRAGMAS: dict[str, object] = {
    "journal_mode": "wal",
    "synchronous": "full",
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_SECONDS * 1000,
    "trusted_schema": 0,
    "temp_store": "memory",
    "secure_delete": 1,
    "cell_size_check": 1,
    "mmap_size": 0,
}


@dataclass(frozen=True)
class FileState:
    """What a read-only look at a records file found."""

    path: Path
    is_new: bool
    application_id: int = 0
    user_version: int = 0
    applied: frozenset[str] = frozenset()
    table_count: int = 0


def _driver_passphrase(path: Path, passphrase: str | None) -> str | None:
    """The one check every way into a records file passes before a driver opens it.

    Returns the passphrase to open `path` with: None for a plain file (the standard
    driver), the given one for an encrypted file. Raises KnownError when the file is not
    a records file, is damaged (empty or cut short with backups beside it, a header field
    out of range, shorter than its header says), or needs a passphrase not given.
    """
    found = recognise(path)
    if found.kind is FileKind.NOT_A_DATABASE:
        what = f"{path} is {found.looks_like}, not a Cramp Practitioner records file" \
            if found.looks_like else f"{MESSAGES[ErrorKind.NOT_A_DATABASE]} File: {path}"
        raise KnownError(ErrorKind.NOT_A_DATABASE, f"{what}. It was not changed.")
    if found.kind is FileKind.DAMAGED:
        raise KnownError(
            ErrorKind.DAMAGED,
            f"The records file {path} is damaged: it is {found.looks_like or 'not a database'}"
            f", yet backups of it lie in {path.parent / BACKUP_FOLDER}. Restore the newest "
            "backup. It was not changed.")
    if found.kind is FileKind.ENCRYPTED and passphrase is None:
        raise KnownError(ErrorKind.PASSPHRASE,
                         f"{path} is encrypted: its passphrase is needed to "
                         "open it. It was not changed.")
    if found.kind is FileKind.PLAIN:
        _refuse_bad_header(path)
    return passphrase if found.kind is FileKind.ENCRYPTED else None


def _refuse_bad_header(path: Path) -> None:
    damage = header_damage(path)
    if damage is None:
        return
    stamps = _header_stamps(path)
    if not damage.readable and (stamps is None or stamps[0] != APPLICATION_ID) \
            and not has_backups(path):
        raise KnownError(ErrorKind.NOT_A_DATABASE,  # only our own file can be damaged records
                         f"{MESSAGES[ErrorKind.NOT_A_DATABASE]} File: {path} "
                         f"({damage.problem}). It was not changed.")
    if damage.newer_format and stamps is not None and stamps[0] == APPLICATION_ID:
        raise KnownError(
            ErrorKind.TOO_NEW,
            f"{path} was written in a newer or unknown SQLite file format ({damage.problem})"
            ", so this app will not change it. Open it with the app that wrote it, or "
            "restore a backup. It was not changed.")
    raise KnownError(ErrorKind.DAMAGED,
                     f"The records file {path} is damaged ({damage.problem}). "
                     "It was not changed.")


def inspect_file(
    path: Path, *, full_check: bool = False, migrations_dir: Path = MIGRATIONS_DIR,
    passphrase: str | None = None, check_pages: bool = True,
) -> FileState:
    """Look at `path` without writing to it, and refuse it if it is unusable.

    `passphrase` opens an encrypted file (it is ignored for a plain one). Raises
    KnownError when the file is not a database, is damaged, belongs to another program,
    was written by a newer version of the app, or the passphrase is missing or wrong.
    With `check_pages` False the page check (`integrity_check`, which reads the whole
    file) is left out: the caller runs `check_file` later (the window does, after first paint).
    """
    if path.is_dir():
        raise KnownError(ErrorKind.CANNOT_OPEN, f"{path} is a folder, not a records file.")
    if recognise(path).kind is FileKind.NEW:
        return FileState(path=path, is_new=True)
    try:
        conn = connect_raw(path, _driver_passphrase(path, passphrase), read_only=True)
    except DRIVER_ERRORS as exc:
        raise _as_known(exc, path) from exc
    try:
        short = cut_short(path, int(conn.execute("PRAGMA page_count").fetchone()[0]),
                          int(conn.execute("PRAGMA page_size").fetchone()[0]))
        if short:
            raise KnownError(ErrorKind.DAMAGED, f"The records file {path} is damaged "
                             f"({short}). It was not changed.")
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        applied: frozenset[str] = frozenset()
        if HISTORY_TABLE in tables:
            applied = frozenset(
                row[0] for row in conn.execute(f'SELECT name FROM "{HISTORY_TABLE}"')
            )
        problems = _page_problems(conn, full_check) if check_pages or full_check else ["ok"]
    except DRIVER_ERRORS as exc:
        raise _as_known(exc, path) from exc
    finally:
        conn.close()
    _refuse_damaged(path, problems)
    state = FileState(path, False, application_id, user_version, applied, len(tables))
    _refuse_incompatible(state, migrations_dir)
    if migrations_dir == MIGRATIONS_DIR:
        _refuse_missing_tables(state, tables)
    return state


def _refuse_missing_tables(state: FileState, tables: set[str]) -> None:
    """A fully migrated file lacking a table of its schema (one was dropped) is damaged:
    every command would otherwise fail at its first query of it."""
    from practitioner.db.models import MODELS  # the live schema, only once it is needed

    latest = max((m.idx for m in known_migrations()), default=0)
    if state.user_version != latest:
        return
    missing = sorted(str(model._meta.table_name) for model in MODELS
                     if model._meta.table_name not in tables)
    if missing:
        what = f"table {missing[0]} is" if len(missing) == 1 \
            else f"tables {', '.join(missing)} are"
        raise KnownError(ErrorKind.DAMAGED, f"The records file {state.path} is damaged "
                         f"(its {what} missing). It was not changed.")


def _page_problems(conn: sqlite3.Connection, full_check: bool) -> list[str]:
    # integrity_check, never quick_check: only it sees rows missing from an index (a
    # flipped byte in a row), and a file `check` would call damaged must never be opened
    # for writing. It costs ~1.5 s on a 100 MB file (quick_check ~0.4 s).
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if full_check and problems == ["ok"]:
        problems = [f"broken link in {row[0]}" for row in conn.execute(
            "PRAGMA foreign_key_check"
        )] or ["ok"]
    return problems


def _refuse_damaged(path: Path, problems: list[str]) -> None:
    if problems != ["ok"]:
        # A check row can span lines ("*** in database main ***\nPage 7: ..."); keep the
        # message to one line, as the CLI and the GUI show it as is.
        detail = "; ".join(
            line for line in problems[0].splitlines() if line and not line.startswith("***")
        )
        raise KnownError(
            ErrorKind.DAMAGED,
            f"The records file {path} is damaged ({detail}). It was not changed.",
        )


def check_file(path: Path, *, passphrase: str | None = None,
               cancel: Callable[[Callable[[], None]], None] | None = None) -> None:
    """The page check `inspect_file(check_pages=False)` left out (`integrity_check`, which
    reads the whole file), on its own read-only connection, so it may run on a worker
    thread while the window uses the records. Raises KnownError (DAMAGED) when it fails.

    `cancel`, when given, is called with a function that interrupts the check from
    another thread (the check then raises KnownError CANNOT_OPEN).
    """
    try:
        conn = connect_raw(path, _driver_passphrase(path, passphrase), read_only=True)
    except DRIVER_ERRORS as exc:
        raise _as_known(exc, path) from exc
    def interrupt() -> None:
        with contextlib.suppress(*DRIVER_ERRORS):  # closed already: the check is over
            conn.interrupt()

    try:
        if cancel is not None:
            cancel(interrupt)
        problems = _page_problems(conn, full_check=False)
    except DRIVER_ERRORS as exc:
        raise _as_known(exc, path) from exc
    finally:
        conn.close()
    _refuse_damaged(path, problems)


def _as_known(exc: Exception, path: Path) -> KnownError:
    known = known_error(exc, path=path)
    if known is None:
        return KnownError(ErrorKind.CANNOT_OPEN, f"Cannot read {path}: {exc}.")
    return KnownError(known.kind, f"{known.message} File: {path}. It was not changed.")


def _refuse_incompatible(state: FileState, migrations_dir: Path) -> None:
    if state.application_id not in (0, APPLICATION_ID) or (
        state.application_id == 0 and state.table_count > 0 and not state.applied
    ):
        raise KnownError(
            ErrorKind.FOREIGN,
            f"{state.path} belongs to another program, not Cramp Practitioner. "
            "It was not changed.",
        )
    known = known_migrations(migrations_dir)
    unknown = sorted(state.applied - {m.name for m in known})
    latest = max((m.idx for m in known), default=0)
    if unknown or state.user_version > latest:
        raise KnownError(
            ErrorKind.TOO_NEW,
            f"{state.path} was written by a newer version of Cramp Practitioner "
            f"(schema {max(state.user_version, latest + len(unknown))}; this app knows "
            f"up to {latest}). Please update the app. The file was not changed.",
        )


def open_sqlite(
    path: Path, *, migrations_dir: Path = MIGRATIONS_DIR, passphrase: str | None = None,
    check_pages: bool = True,
) -> peewee.SqliteDatabase:
    """Open (creating if needed) the records file at `path`, migrated to the latest schema.

    With `passphrase`, a new file is created encrypted (SQLCipher) and an encrypted one is
    opened with it; a plain file is opened with the standard driver. An existing file is
    backed up beside itself, in `backups/`, before any migration. Binds the live models
    to it. Raises KnownError for every environmental failure.

    `check_pages` False leaves the page check (see `inspect_file`) to the caller, who
    must run `check_file` soon; a file that needs a migration is checked here anyway.
    """
    path = Path(path)
    state = inspect_file(path, migrations_dir=migrations_dir, passphrase=passphrase,
                         check_pages=check_pages)
    if not check_pages and not state.is_new and _pending(state, migrations_dir):
        check_file(path, passphrase=passphrase)  # never migrate an unchecked file
    if state.is_new and passphrase is not None:
        refuse_unacceptable(passphrase, f"No records file was created at {path}.")
    key = passphrase if state.is_new else _driver_passphrase(path, passphrase)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if no_space_errno(exc):
            raise disk_full_error(path, "create the folder for the records") from exc
        raise KnownError(
            ErrorKind.CANNOT_OPEN, f"Cannot create the folder {path.parent}: {exc.strerror}."
        ) from exc
    db = peewee_database(path, key, SQLITE_PRAGMAS, BUSY_TIMEOUT_SECONDS)
    try:
        db.connect()
        guard_writes(db, path)
        pending = [m for m in known_migrations(migrations_dir) if m.name not in state.applied]
        if pending and state.applied:
            reason = f"before-{pending[0].name}".lower()
            target = backup_folder(path) / backup_file_name(path.stem, dt.datetime.now(), reason)
            backup_sqlite(db.connection(), target, key)  # type: ignore[no-untyped-call]
        migrate(db, migrations_dir)
        if db.pragma("application_id") != APPLICATION_ID:
            db.pragma("application_id", APPLICATION_ID)
    except DATABASE_ERRORS as exc:
        db.close()
        known = known_error(exc, path=path)
        if known is None:
            raise
        raise KnownError(known.kind, f"{known.message} File: {path}.") from exc
    except BaseException:
        db.close()  # A migration's own bug must not leave the file held open.
        raise
    database.initialize(db)
    return db


def _pending(state: FileState, migrations_dir: Path) -> bool:
    return any(m.name not in state.applied for m in known_migrations(migrations_dir))


def close_database() -> None:
    """Close the open records file, if any."""
    if database.obj is not None and not database.is_closed():
        database.close()


# A damaged file is opened so that nothing can be written: `mode=ro` at the OS level
# (the file is opened O_RDONLY) and `query_only` in SQLite. No journal_mode change either.
READ_ONLY_PRAGMAS: dict[str, object] = {
    "query_only": 1,
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_SECONDS * 1000,
    "trusted_schema": 0,
    "temp_store": "memory",
    "cell_size_check": 1,
    "mmap_size": 0,
    # Lets SQLite read a file whose header counts more pages than survive (truncated);
    # harmless here, as the connection cannot write.
    "writable_schema": 1,
}
_SQLITE_MAGIC = b"SQLite format 3\x00"


class ReadOnlyDatabase(peewee.SqliteDatabase):
    """A damaged records file, open for reading and export only.

    `read_only_reason` is what a refused write tells the practitioner (db/errors.py).
    """

    read_only_reason = (
        "The records file is damaged, so it is open read-only: nothing can be changed. "
        "Export what you need, or restore a backup (Tools › Restore…)."
    )


def _header_stamps(path: Path) -> tuple[int, int] | None:
    """(application_id, user_version) from the file header, or None if it has none."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return None
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        return None
    return int.from_bytes(header[68:72], "big"), int.from_bytes(header[60:64], "big")


def open_damaged_read_only(
    path: Path, damage: KnownError, *, migrations_dir: Path = MIGRATIONS_DIR
) -> ReadOnlyDatabase:
    """Open the damaged records file `path` (or one whose audit trail was tampered with)
    read-only and bind the models to it.

    `damage` is the error `open_sqlite` (or the trail's verification) raised; it is
    raised again when the file is not ours, is too new, or not even its list of tables
    can be read.
    """
    path = Path(path)
    stamps = _header_stamps(path)
    latest = max((m.idx for m in known_migrations(migrations_dir)), default=0)
    header = header_damage(path)
    if damage.kind not in (ErrorKind.DAMAGED, ErrorKind.AUDIT_BROKEN) or stamps is None \
            or stamps[0] != APPLICATION_ID \
            or stamps[1] > latest or (header is not None and not header.readable):
        raise damage  # Nothing read from a wrong header could be trusted.
    db = ReadOnlyDatabase(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                          pragmas=list(READ_ONLY_PRAGMAS.items()),
                          timeout=BUSY_TIMEOUT_SECONDS)
    try:
        db.connect()
        found = db.execute_sql(  # type: ignore[no-untyped-call]
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
            (HISTORY_TABLE,)).fetchone()[0]
    except DATABASE_ERRORS as exc:
        db.close()
        raise damage from exc
    if not found:  # Its list of tables is lost: there is nothing to read.
        db.close()
        raise damage
    database.initialize(db)
    return db


def open_read_only(path: Path, *, passphrase: str | None = None) -> peewee.SqliteDatabase:
    """Bind the models to the healthy records file `path`, opened so that nothing can be
    written (`mode=ro`, `query_only`), for checks that must not change it. Call
    `inspect_file` first."""
    path = Path(path)
    key = _driver_passphrase(path, passphrase)
    pragmas = {k: v for k, v in READ_ONLY_PRAGMAS.items() if k != "writable_schema"}
    db = peewee_database(path, key, pragmas, BUSY_TIMEOUT_SECONDS, read_only=True)
    try:
        db.connect()
    except DATABASE_ERRORS as exc:
        db.close()
        raise _as_known(exc, path) from exc
    database.initialize(db)
    return db


def is_read_only() -> bool:
    """Whether the open records file is a damaged one, opened read-only."""
    return isinstance(database.obj, ReadOnlyDatabase)


def passphrase_of_open(path: Path) -> tuple[bool, str | None]:
    """(True, its passphrase or None) when the live models are bound to the records file
    at `path` (open, or closed since); (False, None) when they are bound elsewhere."""
    db = database.obj
    if not isinstance(db, peewee.SqliteDatabase) or str(db.database).startswith("file:"):
        return False, None
    if Path(db.database).resolve() != Path(path).resolve():
        return False, None
    return True, passphrase_of(db)

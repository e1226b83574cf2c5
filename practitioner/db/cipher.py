"""One SQLite driver per records file: the standard `sqlite3` for a plain file, SQLCipher
(`sqlcipher3`) for an encrypted one. Every raw connection in `db/` is made here.

A plain SQLite file starts with the 16-byte header "SQLite format 3\\0"; an SQLCipher file
starts with its random salt and is a whole number of pages long.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import peewee
from playhouse.sqlcipher_ext import SqlCipherDatabase
from sqlcipher3 import dbapi2 as sqlcipher

from practitioner.db.header import PLAIN_HEADER as PLAIN_HEADER
from practitioner.db.header import FileKind as FileKind
from practitioner.db.header import recognise
from practitioner.domain.passphrase import passphrase_problem
from practitioner.errors import ErrorKind, KnownError

PASSPHRASE_ENV = "CRAMP_PRACTITIONER_PASSPHRASE"

# Every exception a raw connection can raise; the two drivers share no base class.
DRIVER_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher.Error)
DATABASE_ERRORS: tuple[type[Exception], ...] = (peewee.PeeweeException, *DRIVER_ERRORS)

WRONG_PASSPHRASE = "Passphrase incorrect or file damaged"


def _quiet_sqlcipher() -> None:
    # SQLCipher logs a failed HMAC check (a wrong passphrase) to stderr by default, which
    # would break the CLI's one-line errors. The level is process-wide.
    conn = sqlcipher.connect(":memory:")
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
    finally:
        conn.close()


_quiet_sqlcipher()


def file_kind(path: Path) -> FileKind:
    """Which driver `path` needs, judged from its size and first bytes (`db/header.py`)."""
    return recognise(path).kind


def is_encrypted(path: Path) -> bool:
    """True when `path` holds an SQLCipher-encrypted file (so a passphrase is needed)."""
    return file_kind(path) is FileKind.ENCRYPTED


def passphrase_from_env() -> str | None:
    """The passphrase given to a script in $CRAMP_PRACTITIONER_PASSPHRASE, if any."""
    return os.environ.get(PASSPHRASE_ENV) or None


def key_literal(passphrase: str) -> str:
    """`passphrase` as an SQL string literal for PRAGMA key / rekey (which take no
    parameters): quotes are doubled, so any text is safe. Raises ValueError on NUL."""
    if not passphrase:
        raise ValueError("an empty passphrase would leave the file unencrypted")
    if "\x00" in passphrase:
        raise ValueError("a passphrase cannot contain NUL")
    return "'" + passphrase.replace("'", "''") + "'"


def refuse_unacceptable(passphrase: str, unchanged: str) -> None:
    """Raise KnownError(PASSPHRASE) when `passphrase` may not encrypt a file (the domain's
    one rule); `unchanged` says what was therefore left as it was."""
    problem = passphrase_problem(passphrase, passphrase)
    if problem:
        raise KnownError(ErrorKind.PASSPHRASE, f"{problem} {unchanged}")


def connect_raw(
    path: Path, passphrase: str | None = None, *, read_only: bool = False,
    timeout: float = 5.0,
) -> sqlite3.Connection:
    """A raw DB-API connection to `path` with the driver its encryption needs.

    With a passphrase the connection is SQLCipher's (same interface as sqlite3's) and the
    key is checked at once: a wrong one raises KnownError "Passphrase incorrect or file
    damaged". Without one it is the standard module's, for plain files only.
    """
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    if passphrase is None:
        return sqlite3.connect(target, uri=read_only, timeout=timeout)
    conn: sqlite3.Connection = sqlcipher.connect(target, uri=read_only, timeout=timeout)
    try:
        conn.execute(f"PRAGMA key = {key_literal(passphrase)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        conn.close()
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise wrong_passphrase(path) from None
        raise
    return conn


def wrong_passphrase(path: Path) -> KnownError:
    """The error for a passphrase that does not open `path`."""
    return KnownError(ErrorKind.PASSPHRASE, f"{WRONG_PASSPHRASE} ({path}). It was not changed.")


def is_cipher_connection(conn: object) -> bool:
    """True for a raw SQLCipher connection (one made on an encrypted file)."""
    return isinstance(conn, sqlcipher.Connection)


def peewee_database(
    path: Path, passphrase: str | None, pragmas: dict[str, object], timeout: int,
    *, read_only: bool = False,
) -> peewee.SqliteDatabase:
    """The peewee database for `path`: SQLCipher's when a passphrase is given;
    `read_only` opens the file with `mode=ro`, so not one byte can be written."""
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    if passphrase is None:
        return peewee.SqliteDatabase(target, pragmas=list(pragmas.items()), timeout=timeout,
                                     uri=read_only)
    key_literal(passphrase)  # Refuse an empty or NUL-bearing passphrase before use.
    db: peewee.SqliteDatabase = SqlCipherDatabase(
        target, passphrase=passphrase, pragmas=list(pragmas.items()), timeout=timeout,
        uri=read_only,
    )
    return db


def passphrase_of(db: peewee.Database) -> str | None:
    """The passphrase an open SQLCipher database was keyed with; None for a plain one.

    For backups: an encrypted database is only ever copied under its own key.
    """
    if isinstance(db, SqlCipherDatabase):
        return str(db.connect_params["passphrase"])
    return None


def rekey(db: peewee.Database, current: str, new: str, path: Path) -> None:
    """Change the passphrase of the open encrypted `db` at `path` from `current` to `new`.

    `current` is checked on a fresh connection first, so a wrong one changes nothing.
    """
    if not isinstance(db, SqlCipherDatabase):
        raise KnownError(ErrorKind.PASSPHRASE, "The records file is not encrypted.")
    refuse_unacceptable(new, "The passphrase was not changed.")
    connect_raw(path, current, read_only=True).close()
    db.rekey(new)


def rekey_file(path: Path, current: str, new: str) -> None:
    """Change the passphrase of the closed encrypted file `path` from `current` to `new`.
    Raises KnownError (PASSPHRASE) when `current` does not open it; it is unchanged then."""
    refuse_unacceptable(new, f"{path} was not changed.")
    conn = connect_raw(path, current)
    try:
        conn.execute(f"PRAGMA rekey = {key_literal(new)}")
    finally:
        conn.close()


def write_encrypted_copy(plain: Path, target: Path, passphrase: str) -> None:
    """Write an encrypted copy of the closed plain records file `plain` to `target`
    (sqlcipher_export), then check it: healthy, same header values, same row counts.

    `plain` must not be open in this process through the standard driver: two SQLite
    libraries on one file would break each other's locks.
    """
    refuse_unacceptable(passphrase, f"{plain} was not encrypted.")
    target.unlink(missing_ok=True)
    source = sqlcipher.connect(str(plain), isolation_level=None)
    try:
        header = [source.execute(f"PRAGMA {name}").fetchone()[0]
                  for name in ("user_version", "application_id")]
        tables = [row[0] for row in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]
        counts = {t: source.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                  for t in tables}
        source.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), passphrase))
        source.execute("SELECT sqlcipher_export('encrypted')")
        source.execute(f"PRAGMA encrypted.user_version = {int(header[0])}")
        source.execute(f"PRAGMA encrypted.application_id = {int(header[1])}")
        source.execute("DETACH DATABASE encrypted")
    finally:
        source.close()
    copy = connect_raw(target, passphrase, read_only=True)
    try:
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        copied = {t: copy.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        copied_header = [copy.execute(f"PRAGMA {name}").fetchone()[0]
                         for name in ("user_version", "application_id")]
    finally:
        copy.close()
    if verdict != "ok" or copied != counts or copied_header != header:
        target.unlink(missing_ok=True)
        raise KnownError(ErrorKind.DAMAGED, "The encrypted copy did not match the records; "
                         "nothing was changed.")

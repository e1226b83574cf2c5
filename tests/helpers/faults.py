"""Real storage faults, switched on and off around an open records file.

Each fault is made the way it happens in practice, as far as a test can: the file is
capped (disk full), another connection holds the write lock (locked), the connection is
opened without write access (read-only), pages of the file are overwritten (damaged), the
file's folder is moved away (missing). `remove()` puts things right again so a test can
check that the very same Save then works.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from practitioner.db.base import database
from practitioner.errors import ErrorKind

LONG_TEXT = "Cramps wake her most nights; stretching helps a little. " * 200  # ~11 kB
LOCK_WAIT_MS = 150  # the live connection's busy timeout in these tests, not 5 s


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass
class Fault:
    """A storage fault around the records file at `records`.

    `kind` and `says` are what the practitioner must be told: the error kind and a part
    of the message that names the cause.
    """

    records: Path
    kind: ErrorKind = ErrorKind.LOCKED
    says: str = ""

    def apply(self) -> None:
        """Cause the fault while the app has the records open (`database`)."""
        raise NotImplementedError

    def remove(self) -> None:
        """End the fault, as the practitioner would have done."""
        raise NotImplementedError


@dataclass
class DiskFull(Fault):
    """No room for one more page: `max_page_count` capped on the live connection."""

    kind: ErrorKind = ErrorKind.DISK_FULL
    says: str = "disk that holds the records is full"

    def apply(self) -> None:
        database.pragma("max_page_count", database.pragma("page_count"))

    def remove(self) -> None:
        database.pragma("max_page_count", 1 << 30)


@dataclass
class Locked(Fault):
    """Another program holds BEGIN EXCLUSIVE for longer than the busy timeout."""

    kind: ErrorKind = ErrorKind.LOCKED
    says: str = "in use by another program"
    _holder: sqlite3.Connection | None = field(default=None, repr=False)

    def apply(self) -> None:
        database.pragma("busy_timeout", LOCK_WAIT_MS)
        self._holder = sqlite3.connect(self.records, isolation_level=None, timeout=0)
        self._holder.execute("BEGIN EXCLUSIVE")

    def remove(self) -> None:
        assert self._holder is not None
        self._holder.execute("ROLLBACK")
        self._holder.close()


@dataclass
class ReadOnly(Fault):
    """The records file cannot be written to.

    Not root: the file is made read-only (chmod) and the app's connection reopened, which
    SQLite then opens read-only. Root ignores file permissions, so as root the connection
    is reopened with `mode=ro`: the same read-only open SQLite falls back to when the
    file cannot be opened for writing.
    """

    kind: ErrorKind = ErrorKind.READ_ONLY
    says: str = "read-only"
    _path_as_opened: str = ""

    def apply(self) -> None:
        db = database.obj
        assert isinstance(db, peewee.SqliteDatabase)
        db.close()
        self._path_as_opened = db.database
        if is_root():
            db.database = f"{self.records.resolve().as_uri()}?mode=ro"
            db.connect_params["uri"] = True
        else:
            self.records.chmod(0o444)
        assert not _writable(db), "the fault did not make the records read-only"

    def remove(self) -> None:
        db = database.obj
        assert isinstance(db, peewee.SqliteDatabase)
        if is_root():
            db.database = self._path_as_opened
            db.connect_params.pop("uri", None)
        else:  # SQLite gave the -wal and -shm files the records file's permissions
            for companion in (self.records, *self.records.parent.glob(
                    self.records.name + "-*")):
                companion.chmod(0o644)


def _writable(db: peewee.SqliteDatabase) -> bool:
    try:
        version = db.pragma("user_version")
        db.execute_sql("BEGIN IMMEDIATE")
        db.execute_sql(f"PRAGMA user_version = {version}")  # a write, undone below
        db.execute_sql("ROLLBACK")
    except peewee.OperationalError:
        db.close()
        return False
    return True


@dataclass
class Damaged(Fault):
    """A table's pages are overwritten on disk; the app reads them afresh.

    The app's connection is closed first (folding the WAL into the file, dropping its
    page cache), as after any reconnect, so the next save reads the damaged pages.
    """

    kind: ErrorKind = ErrorKind.DAMAGED
    says: str = "damaged"
    table: str = "patient"
    _original: dict[int, bytes] = field(default_factory=dict, repr=False)

    def apply(self) -> None:
        if database.obj is not None and not database.is_closed():
            database.close()
        conn = sqlite3.connect(self.records)
        try:
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            pages = [row[0] for row in conn.execute(
                "SELECT rootpage FROM sqlite_master WHERE tbl_name = ? AND rootpage > 1",
                (self.table,))]
        finally:
            conn.close()
        assert pages, f"no pages found for {self.table}"
        with self.records.open("r+b") as handle:
            for page in pages:
                handle.seek((page - 1) * page_size)
                original = handle.read(page_size)
                self._original[(page - 1) * page_size] = original
                handle.seek((page - 1) * page_size)
                handle.write(bytes(b ^ 0xFF for b in original[:64]) + original[64:])
            handle.flush()
            os.fsync(handle.fileno())

    def remove(self) -> None:
        with self.records.open("r+b") as handle:
            for offset, original in self._original.items():
                handle.seek(offset)
                handle.write(original)


@dataclass
class FolderMissing(Fault):
    """The records folder is moved away (renamed, deleted, its drive unplugged)."""

    kind: ErrorKind = ErrorKind.MISSING
    says: str = "no longer at"

    def apply(self) -> None:
        folder = self.records.parent
        folder.rename(folder.with_name(folder.name + "-moved-away"))
        assert not self.records.exists()

    def remove(self) -> None:
        folder = self.records.parent
        folder.with_name(folder.name + "-moved-away").rename(folder)


FAULTS: dict[str, type[Fault]] = {
    "disk-full": DiskFull,
    "locked": Locked,
    "read-only": ReadOnly,
    "damaged": Damaged,
    "folder-missing": FolderMissing,
}

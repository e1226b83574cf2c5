"""Each storage failure, provoked for real where SQLite allows it, is classified by its
cause however deeply peewee wraps it, and its message says what happened and what to do."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import peewee
import pytest

from practitioner.db.base import database
from practitioner.db.connection import close_database, open_sqlite
from practitioner.db.errors import MESSAGES, classify, known_error, translated_errors
from practitioner.db.file_guard import check_file_identity
from practitioner.db.models import PatientRow
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.patients import PatientService
from tests.helpers.demo_inputs import ann
from tests.helpers.faults import LONG_TEXT

# About SQLite files: faults of a records file: its disk, folder, permissions and locks.
pytestmark = pytest.mark.sqlite_only

SAVE_KINDS = (ErrorKind.LOCKED, ErrorKind.DISK_FULL, ErrorKind.READ_ONLY,
              ErrorKind.CANNOT_OPEN, ErrorKind.MISSING, ErrorKind.DAMAGED)


def _error_of(conn: sqlite3.Connection, sql: str) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as caught:
        conn.execute(sql)
    return caught.value


def _wrapped_by_a_failed_rollback(cause: BaseException) -> peewee.PeeweeException:
    """What peewee raises when `cause` ends a transaction that SQLite already rolled back."""
    try:
        try:
            raise cause
        except BaseException:
            raise sqlite3.OperationalError("cannot rollback - no transaction is active")  # noqa: B904
    except sqlite3.OperationalError as rollback:
        try:
            raise peewee.OperationalError(*rollback.args) from rollback
        except peewee.OperationalError as outer:
            return outer


def _real_errors(tmp_path: Path) -> dict[ErrorKind, sqlite3.Error]:
    """One genuine driver exception per cause."""
    path = tmp_path / "real.db"
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode = wal")
    setup.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    setup.execute("INSERT INTO t (v) VALUES ('x')")
    setup.close()
    found: dict[ErrorKind, sqlite3.Error] = {}

    full = sqlite3.connect(path, isolation_level=None)
    full.execute(f"PRAGMA max_page_count = {full.execute('PRAGMA page_count').fetchone()[0]}")
    found[ErrorKind.DISK_FULL] = _error_of(full, f"INSERT INTO t (v) VALUES ('{LONG_TEXT}')")
    full.close()

    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    waiter = sqlite3.connect(path, isolation_level=None, timeout=0.05)
    found[ErrorKind.LOCKED] = _error_of(waiter, "INSERT INTO t (v) VALUES ('y')")
    holder.execute("ROLLBACK")
    for conn in (holder, waiter):
        conn.close()

    read_only = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    found[ErrorKind.READ_ONLY] = _error_of(read_only, "INSERT INTO t (v) VALUES ('z')")
    read_only.close()

    with pytest.raises(sqlite3.Error) as cannot_open:
        sqlite3.connect(tmp_path / "no such folder" / "x.db").execute("SELECT 1")
    found[ErrorKind.CANNOT_OPEN] = cannot_open.value

    text = tmp_path / "text.db"
    text.write_text("Not a database at all.\n" * 300, encoding="utf-8")
    found[ErrorKind.NOT_A_DATABASE] = _error_of(sqlite3.connect(text), "SELECT * FROM t")

    page_size = 4096
    with path.open("r+b") as handle:  # the table's only page, after the schema page
        handle.seek(page_size)
        handle.write(b"\xff" * 64)
    found[ErrorKind.DAMAGED] = _error_of(sqlite3.connect(path), "SELECT * FROM t")
    return found


def test_each_real_driver_error_is_classified_by_its_cause(tmp_path: Path) -> None:
    for kind, error in _real_errors(tmp_path).items():
        assert classify(error) is kind, (kind, error)


def test_each_cause_is_found_under_peewees_cannot_rollback(tmp_path: Path) -> None:
    for kind, error in _real_errors(tmp_path).items():
        wrapped = _wrapped_by_a_failed_rollback(error)
        assert "cannot rollback" in str(wrapped)
        assert classify(wrapped) is kind, kind


def test_a_real_disk_full_inside_atomic_surfaces_as_cannot_rollback_and_is_disk_full(
    db_path: Path,
) -> None:
    database.pragma("max_page_count", database.pragma("page_count"))
    try:
        with pytest.raises(KnownError) as caught, translated_errors(), \
                database.atomic("IMMEDIATE"):
            PatientRow.insert(name="Filler", name_key="filler", notes=LONG_TEXT,
                              created_at="2025-01-15 09:30:00",
                              updated_at="2025-01-15 09:30:00").execute()
    finally:
        database.pragma("max_page_count", 1 << 30)
    assert "cannot rollback" in str(caught.value.__cause__)
    assert caught.value.kind is ErrorKind.DISK_FULL
    assert not database.in_transaction()


def test_the_extended_code_for_a_moved_file_means_missing() -> None:
    error = sqlite3.OperationalError("attempt to write a readonly database")
    error.sqlite_errorname = "SQLITE_READONLY_DBMOVED"
    assert classify(error) is ErrorKind.MISSING
    plain = sqlite3.OperationalError("attempt to write a readonly database")
    plain.sqlite_errorname = "SQLITE_READONLY"
    assert classify(plain) is ErrorKind.READ_ONLY


def test_our_own_mistakes_are_not_blamed_on_the_disk() -> None:
    for bug in (sqlite3.OperationalError("no such table: patient"),
                sqlite3.IntegrityError("CHECK constraint failed: severity"),
                _wrapped_by_a_failed_rollback(sqlite3.IntegrityError("UNIQUE failed"))):
        assert classify(bug) is None


@pytest.mark.parametrize("kind", SAVE_KINDS, ids=lambda k: k.value)
def test_every_save_message_names_the_cause_promises_the_text_and_says_what_to_do(
    kind: ErrorKind,
) -> None:
    message = MESSAGES[kind]
    assert "Nothing you typed was lost" in message
    cause, _, remedy = message.partition("Nothing you typed was lost")
    assert len(cause) > 30 and ", then " in remedy
    assert "\n" not in message


def test_locked_says_another_program_or_window_has_the_records() -> None:
    assert "another program or another Cramp Practitioner window" in MESSAGES[ErrorKind.LOCKED]


def test_disk_full_says_to_free_space() -> None:
    assert "full" in MESSAGES[ErrorKind.DISK_FULL]
    assert "free some space" in MESSAGES[ErrorKind.DISK_FULL]


def test_the_messages_differ_so_each_cause_is_told_apart() -> None:
    assert len(set(MESSAGES.values())) == len(MESSAGES)


def test_a_deleted_records_folder_refuses_the_save_instead_of_writing_to_a_ghost(
    tmp_path: Path,
) -> None:
    path = tmp_path / "records" / "records.db"
    open_sqlite(path)
    try:
        patients = PatientService()
        patients.create(ann(name="Before"))
        shutil.rmtree(path.parent)
        with pytest.raises(KnownError) as caught:
            patients.create(ann(name="After"))
        assert caught.value.kind is ErrorKind.MISSING
        assert f"no longer at {path}" in caught.value.message
    finally:
        close_database()
    assert not path.exists()


def test_a_file_replaced_under_the_app_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    path.write_bytes(b"one")
    opened = (path.stat().st_dev, path.stat().st_ino)
    check_file_identity(path, opened)
    replacement = tmp_path / "other.db"
    replacement.write_bytes(b"two")
    replacement.replace(path)
    with pytest.raises(KnownError) as caught:
        check_file_identity(path, opened)
    assert caught.value.kind is ErrorKind.MISSING
    assert "replaced by another file" in caught.value.message


def test_a_stale_connection_is_dropped_only_outside_a_transaction(db_path: Path) -> None:
    with database.atomic("IMMEDIATE"), pytest.raises(KnownError), translated_errors():
        raise peewee.DatabaseError("database disk image is malformed")
    assert not database.is_closed(), "the caller's transaction still needed it"
    with pytest.raises(KnownError), translated_errors():
        raise peewee.DatabaseError("database disk image is malformed")
    assert database.is_closed()
    assert known_error(sqlite3.OperationalError("database is locked")) is not None


def test_a_short_hold_by_another_program_is_waited_out_not_reported(db_path: Path) -> None:
    holding, never = threading.Event(), threading.Event()

    def hold_briefly() -> None:
        holder = sqlite3.connect(db_path, isolation_level=None, timeout=0)
        holder.execute("BEGIN EXCLUSIVE")
        holding.set()
        never.wait(0.3)  # holds the write lock well inside the 5 s busy timeout
        holder.execute("ROLLBACK")
        holder.close()

    other = threading.Thread(target=hold_briefly)
    other.start()
    assert holding.wait(10)
    started = time.monotonic()
    PatientService().create(ann())
    waited = time.monotonic() - started
    other.join(10)
    assert PatientService().count() == 1
    assert 0.2 < waited < 5


@pytest.mark.parametrize("kind", list(MESSAGES), ids=lambda k: k.value)
def test_every_message_ends_with_what_to_do(kind: ErrorKind) -> None:
    remedy = MESSAGES[kind].rsplit(": ", 1)[-1]
    assert remedy.split()[0] in {"close", "free", "allow", "check", "put", "copy", "choose", "ask",
                                    "save"}


def test_a_stale_connection_found_inside_a_nested_block_is_dropped_by_the_outer_one(
    db_path: Path,
) -> None:
    with pytest.raises(KnownError), translated_errors(), database.atomic("IMMEDIATE"), \
            translated_errors():
        raise peewee.DatabaseError("database disk image is malformed")
    assert database.is_closed()

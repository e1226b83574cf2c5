"""Driver failures, really provoked, map to the error kinds a practitioner can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee
import pytest

from practitioner.db.base import database
from practitioner.db.errors import classify, known_error, translated_errors
from practitioner.db.models import PatientRow
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.patients import PatientService
from tests.helpers.demo_inputs import ann

# About SQLite files: SQLite's own failures (a full disk, a locked file).
pytestmark = pytest.mark.sqlite_only

LONG_NOTE = "Cramps wake her most nights; stretching helps a little. " * 300  # ~17 kB


def _cap_file_size(extra_pages: int = 1) -> None:
    """Make the open file 'full' a few pages from now (per connection, not persisted)."""
    pages = database.pragma("page_count")
    database.pragma("max_page_count", pages + extra_pages)


def _uncap_file_size() -> None:
    database.pragma("max_page_count", 1 << 30)


def _raw_patient(note: str) -> dict[str, object]:
    return {
        "name": "Filler",
        "name_key": "filler",
        "notes": note,
        "created_at": "2025-01-15 09:30:00",
        "updated_at": "2025-01-15 09:30:00",
    }


def test_disk_full_inside_atomic_is_classified_as_disk_full(db_path: Path) -> None:
    _cap_file_size()
    with pytest.raises(peewee.PeeweeException) as caught, database.atomic():
        for _ in range(200):
            PatientRow.insert(**_raw_patient(LONG_NOTE)).execute()
    # SQLite rolled the transaction back by itself, so peewee's own rollback fails and
    # that is what surfaces; the disk-full error is only further down the chain.
    assert "cannot rollback" in str(caught.value)
    assert classify(caught.value) is ErrorKind.DISK_FULL
    known = known_error(caught.value)
    assert known is not None
    assert known.kind is ErrorKind.DISK_FULL


def test_create_on_a_full_disk_fails_cleanly_and_succeeds_once_space_is_back(
    patients: PatientService,
) -> None:
    patients.create(ann(name="Before Full"))
    data = ann(notes=LONG_NOTE)
    _cap_file_size()

    with pytest.raises(KnownError) as caught:
        patients.create(data)

    assert caught.value.kind is ErrorKind.DISK_FULL
    assert patients.count() == 1

    _uncap_file_size()
    created = patients.create(data)

    assert created.data.notes == LONG_NOTE
    assert [p.name for p in patients.list_patients()] == ["Ann Lee", "Before Full"]
    assert database.execute_sql("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_write_blocked_by_another_writer_is_locked(db_path: Path) -> None:
    holder = sqlite3.connect(db_path, timeout=0.1, isolation_level=None)
    writer = sqlite3.connect(db_path, timeout=0.1, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as caught:
            writer.execute("DELETE FROM patient")
        holder.execute("ROLLBACK")
    finally:
        holder.close()
        writer.close()
    assert classify(caught.value) is ErrorKind.LOCKED


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (sqlite3.OperationalError("database is locked"), ErrorKind.LOCKED),
        (sqlite3.OperationalError("database or disk is full"), ErrorKind.DISK_FULL),
        (sqlite3.OperationalError("attempt to write a readonly database"), ErrorKind.READ_ONLY),
        (sqlite3.DatabaseError("file is not a database"), ErrorKind.NOT_A_DATABASE),
        (sqlite3.DatabaseError("database disk image is malformed"), ErrorKind.DAMAGED),
        (sqlite3.OperationalError("no such table: patient"), None),
        (peewee.IntegrityError("CHECK constraint failed"), None),
    ],
    ids=repr,
)
def test_classify_by_message(error: Exception, kind: ErrorKind | None) -> None:
    assert classify(error) is kind


def test_translated_errors_turns_environmental_failures_into_known_errors() -> None:
    with pytest.raises(KnownError) as caught, translated_errors("saving"):
        raise peewee.OperationalError("database is locked")
    assert caught.value.kind is ErrorKind.LOCKED
    assert "(saving)" in caught.value.message


def test_translated_errors_lets_our_own_bugs_through() -> None:
    with pytest.raises(peewee.OperationalError, match="no such column"), translated_errors():
        raise peewee.OperationalError("no such column: nmae")

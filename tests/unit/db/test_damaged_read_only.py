"""A damaged records file is opened read-only: what is readable can be read, every write is
refused with a clear message, and the file's bytes never change."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from practitioner.db.connection import (
    close_database,
    is_read_only,
    open_damaged_read_only,
    open_sqlite,
)
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.export import export_json
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.demo_inputs import ann
from tests.helpers.files import sha256
from tests.helpers.records import DAMAGE

PATIENTS = 30


# Enough patients for the file to span many pages, so damage leaves some readable.
pytestmark = pytest.mark.parametrize("records", [PATIENTS], indirect=True)


def _open_damaged(path: Path) -> None:
    with pytest.raises(KnownError) as raised:
        open_sqlite(path)
    assert raised.value.kind is ErrorKind.DAMAGED
    assert "damaged" in raised.value.message and "not changed" in raised.value.message
    open_damaged_read_only(path, raised.value)


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_records_are_readable_but_never_written(records: Path, damage: str) -> None:
    DAMAGE[damage](records)
    before = sha256(records)
    _open_damaged(records)
    assert is_read_only()
    patients = PatientService()
    try:
        listed = patients.list_patients()
    except KnownError as exc:  # Only the damaged part is lost, with a clear message.
        assert exc.kind is ErrorKind.DAMAGED
        listed = []
    readable = 0
    for patient_id in range(1, PATIENTS + 1):
        try:
            patients.get(patient_id)
            readable += 1
        except KnownError as exc:
            assert exc.kind in (ErrorKind.DAMAGED, ErrorKind.NOT_FOUND)
    assert readable > 0 or listed
    with pytest.raises(KnownError) as refused:
        patients.create(ann())
    assert refused.value.kind is ErrorKind.READ_ONLY
    assert "damaged, so it is open read-only" in refused.value.message
    close_database()
    assert sha256(records) == before


def test_what_is_readable_can_be_exported(records: Path) -> None:
    DAMAGE["byte-flipped"](records)
    _open_damaged(records)
    patients = PatientService()
    first = patients.list_patients()[0]
    assert f'"name": "{first.name}"' in export_json(patients, first.id, SessionService())


def test_a_damaged_file_that_is_not_ours_is_still_refused(records: Path) -> None:
    conn = sqlite3.connect(records)
    conn.execute("PRAGMA application_id = 1234")
    conn.close()  # Checkpoints the WAL into the file.
    DAMAGE["byte-flipped"](records)
    with pytest.raises(KnownError) as raised:
        open_sqlite(records)
    with pytest.raises(KnownError) as again:
        open_damaged_read_only(records, raised.value)
    assert again.value is raised.value


def test_a_file_with_a_garbage_header_is_still_refused(records: Path) -> None:
    with records.open("r+b") as handle:
        handle.write(b"\x00" * 100)
    before = records.read_bytes()
    with pytest.raises(KnownError) as raised:
        open_sqlite(records)
    # Without its plain header the file cannot be told from an encrypted one: it is
    # refused either way, and the message says it may be damaged.
    assert raised.value.kind in (ErrorKind.NOT_A_DATABASE, ErrorKind.PASSPHRASE)
    assert "damaged" in raised.value.message
    with pytest.raises(KnownError):
        open_damaged_read_only(records, raised.value)
    assert records.read_bytes() == before

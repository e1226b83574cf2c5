"""Encryption at rest: the database, its WAL and its backups hold no patient text in the
clear, the standard sqlite3 module cannot read them, and only the right passphrase opens
them."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from practitioner.db.backup import backup_sqlite
from practitioner.db.base import database
from practitioner.db.cipher import (
    PLAIN_HEADER,
    WRONG_PASSPHRASE,
    FileKind,
    connect_raw,
    file_kind,
    passphrase_of,
)
from practitioner.db.connection import SQLITE_PRAGMAS, close_database, inspect_file, open_sqlite
from practitioner.db.migrate import MIGRATIONS_DIR
from practitioner.errors import BugError, ErrorKind, KnownError
from practitioner.services.backups import BackupService
from practitioner.services.patients import PatientService
from practitioner.services.security import SecurityService
from practitioner.services.sessions import SessionService
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import full_session
from tests.unit.db.test_migrations import VALID_PATIENT

# Quotes, a semicolon and non-ASCII: the key must reach SQLCipher intact, never as SQL.
PASSPHRASE = "it's a \"long\"; passphrase — ü"
MARKER = "ZEBRA-MARKER-7f3a"


@pytest.fixture(autouse=True)
def _close_at_end() -> Iterator[None]:
    yield
    close_database()


def _write_marked_records(path: Path) -> int:
    open_sqlite(path, passphrase=PASSPHRASE)
    patient = PatientService().create(ann(name=f"Ann {MARKER}"))
    SessionService().create(patient.id, full_session(notes=f"Note {MARKER} here."))
    return patient.id


def _refused_by_sqlite3(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            conn.execute("SELECT * FROM sqlite_master").fetchall()
    finally:
        conn.close()


def test_database_wal_and_backup_hold_no_plaintext_and_refuse_sqlite3(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    _write_marked_records(path)
    database.execute_sql("PRAGMA wal_autocheckpoint = 0")  # Keep the note in the WAL.
    SessionService().create(1, full_session(notes=f"Second {MARKER} visit."))
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 0
    backup = backup_sqlite(database.connection(), tmp_path / "backups" / "records.bak.db",
                           passphrase_of(database.obj))

    for file in (path, wal, backup):
        data = file.read_bytes()
        assert MARKER.encode() not in data, file
        assert MARKER.encode("utf-16-le") not in data, file
        assert not data.startswith(PLAIN_HEADER), file
    # The text is there, readable through the right key.
    notes = [s.data.notes for s in SessionService().for_patients([1])[1]]
    assert sorted(notes) == [f"Note {MARKER} here.", f"Second {MARKER} visit."]

    _refused_by_sqlite3(backup)
    close_database()
    _refused_by_sqlite3(path)
    reopened = connect_raw(backup, PASSPHRASE, read_only=True)
    try:
        assert reopened.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = [row[0] for row in reopened.execute("SELECT name FROM patient")]
    finally:
        reopened.close()
    assert names == [f"Ann {MARKER}"]


def test_control_the_same_writes_to_a_plain_file_show_the_marker_in_its_wal(
    tmp_path: Path,
) -> None:
    """Proves the byte search above can fail: without encryption the note is readable."""
    path = tmp_path / "plain.db"
    open_sqlite(path)
    database.execute_sql("PRAGMA wal_autocheckpoint = 0")
    patient = PatientService().create(ann(name="Plain Ann"))
    SessionService().create(patient.id, full_session(notes=f"Note {MARKER} here."))
    assert MARKER.encode() in path.with_name(path.name + "-wal").read_bytes()


def test_the_encrypted_file_keeps_the_connection_settings(tmp_path: Path) -> None:
    _write_marked_records(tmp_path / "records.db")
    for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout",
                 "secure_delete", "trusted_schema"):
        found = database.execute_sql(f"PRAGMA {name}").fetchone()[0]
        expected = {"wal": "wal", "full": 2}.get(str(SQLITE_PRAGMAS[name]),
                                                   SQLITE_PRAGMAS[name])
        assert found == expected, name
    assert database.execute_sql("PRAGMA cipher_kdf_algorithm").fetchone()[0] == \
        "PBKDF2_HMAC_SHA512"


def test_a_wrong_or_missing_passphrase_is_refused_and_the_file_left_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "records.db"
    _write_marked_records(path)
    close_database()
    before = path.read_bytes()
    assert file_kind(path) is FileKind.ENCRYPTED
    with pytest.raises(KnownError) as wrong:
        open_sqlite(path, passphrase=PASSPHRASE + "x")
    assert wrong.value.kind is ErrorKind.PASSPHRASE
    assert WRONG_PASSPHRASE in wrong.value.message
    with pytest.raises(KnownError) as missing:
        inspect_file(path)
    assert missing.value.kind is ErrorKind.PASSPHRASE
    assert "passphrase is needed" in missing.value.message
    assert path.read_bytes() == before


def test_an_encrypted_database_is_never_backed_up_in_the_clear(tmp_path: Path) -> None:
    _write_marked_records(tmp_path / "records.db")
    target = tmp_path / "plain.db"
    with pytest.raises(BugError):
        backup_sqlite(database.connection(), target)
    assert not target.exists()
    # Even by hand, SQLite's backup API refuses to copy into an unkeyed file.
    dest = sqlite3.connect(tmp_path / "by-hand.db")
    with pytest.raises(TypeError):
        database.connection().backup(dest)
    dest.close()


def test_rekey_old_passphrase_fails_new_one_opens_data_intact(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    patient_id = _write_marked_records(path)
    security = SecurityService()
    assert security.is_encrypted()
    with pytest.raises(KnownError, match=WRONG_PASSPHRASE):
        security.change_passphrase("not the passphrase", "a new passphrase", "a new passphrase")
    with pytest.raises(KnownError, match="differ"):
        security.change_passphrase(PASSPHRASE, "a new passphrase", "another one!")
    new = "new 'passphrase' two"
    security.change_passphrase(PASSPHRASE, new, new)
    PatientService().create(ann(name="After Rekey"))
    close_database()

    with pytest.raises(KnownError, match=WRONG_PASSPHRASE):
        open_sqlite(path, passphrase=PASSPHRASE)
    open_sqlite(path, passphrase=new)
    names = {p.name for p in PatientService().list_patients("", include_archived=True)}
    assert names == {f"Ann {MARKER}", "After Rekey"}
    assert PatientService().get(patient_id).data.name == f"Ann {MARKER}"
    assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_plain_file_still_opens_with_the_standard_driver(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    open_sqlite(path)
    PatientService().create(ann())
    assert passphrase_of(database.obj) is None
    assert not SecurityService().is_encrypted()
    close_database()
    assert file_kind(path) is FileKind.PLAIN
    # A passphrase given for a plain file does not change the driver.
    open_sqlite(path, passphrase=PASSPHRASE)
    assert passphrase_of(database.obj) is None


def test_encrypting_a_plain_file_keeps_every_row_and_leaves_no_plaintext(
    tmp_path: Path,
) -> None:
    path = tmp_path / "records.db"
    open_sqlite(path)
    patient = PatientService().create(ann(name=f"Ann {MARKER}"))
    SessionService().create(patient.id, full_session(notes=f"Note {MARKER} here."))
    with pytest.raises(KnownError, match="at least"):
        SecurityService().encrypt("short", "short")
    assert file_kind(path) is FileKind.PLAIN

    done = SecurityService().encrypt(PASSPHRASE, PASSPHRASE)

    assert done.removed == () and "overwritten" in done.report()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "records.db", "records.db-shm", "records.db-wal"]
    assert SecurityService().is_encrypted()
    assert PatientService().get(patient.id).data.name == f"Ann {MARKER}"
    assert [s.data.notes for s in SessionService().for_patients([patient.id])[patient.id]] \
        == [f"Note {MARKER} here."]
    assert MARKER.encode() not in path.read_bytes()
    assert not list(tmp_path.glob("*.encrypting"))
    close_database()
    _refused_by_sqlite3(path)
    state = inspect_file(path, passphrase=PASSPHRASE, full_check=True)
    assert state.user_version > 0 and state.application_id != 0


def test_the_backup_before_a_migration_is_encrypted_under_the_same_key(
    tmp_path: Path,
) -> None:
    shipped = sorted(MIGRATIONS_DIR.glob("0*.py"))
    older = tmp_path / "migrations"
    older.mkdir()
    shutil.copy(shipped[0], older / shipped[0].name)
    path = tmp_path / "records.db"
    open_sqlite(path, migrations_dir=older, passphrase=PASSPHRASE)
    # Written past the services, as the schema-1 app would have (see test_migrations).
    row = {**VALID_PATIENT, "name": f"Ann {MARKER}", "name_key": f"ann {MARKER.lower()}"}
    database.execute_sql(
        f"INSERT INTO patient ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        list(row.values()))
    close_database()

    open_sqlite(path, passphrase=PASSPHRASE)  # every shipped migration now runs
    close_database()

    [backup] = (tmp_path / "backups").iterdir()
    assert file_kind(backup) is FileKind.ENCRYPTED
    assert MARKER.encode() not in backup.read_bytes()
    _refused_by_sqlite3(backup)
    copy = connect_raw(backup, PASSPHRASE, read_only=True)
    try:
        assert [row[0] for row in copy.execute("SELECT name FROM patient")] == [f"Ann {MARKER}"]
    finally:
        copy.close()


def test_backup_service_backs_up_and_restores_encrypted_records(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    _write_marked_records(path)
    backups = BackupService(path, passphrase=passphrase_of(database.obj))
    taken = backups.back_up("manual")
    assert MARKER.encode() not in taken.path.read_bytes()
    _refused_by_sqlite3(taken.path)
    PatientService().create(ann(name="Added after the backup"))

    done = backups.restore(taken.path)

    assert [p.data.name for p in PatientService().all_patients()] == [f"Ann {MARKER}"]
    assert passphrase_of(database.obj) == PASSPHRASE, "the restored file is still encrypted"
    assert done.set_aside is not None and file_kind(done.set_aside) is FileKind.ENCRYPTED
    assert backups.newest_verified() is not None

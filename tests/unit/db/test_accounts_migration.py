"""Migration 0008 on a file written by the previous version: accounts and author columns
appear, nothing else changes, and the audit trail written before it still verifies, with
entries after it, by accounts, chained on; tampering with an author id breaks the chain."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from practitioner.db.base import database
from practitioner.db.connection import close_database, open_sqlite
from practitioner.db.migrate import known_migrations
from practitioner.domain.audit import GENESIS_HASH
from practitioner.services.accounts import AccountService
from practitioner.services.audit import AuditService
from practitioner.services.identity import SignedIn

OLD_ENTRIES = 3


@pytest.fixture(autouse=True)
def _closed() -> Iterator[None]:
    yield
    close_database()


def _old_hash(prev: str, values: list[object]) -> str:
    """How version 7 of the app hashed an entry (written out here, not imported)."""
    text = json.dumps(values, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return hashlib.sha256(prev.encode("ascii") + b"\n" + text).hexdigest()


@pytest.fixture
def version_7_file(tmp_path: Path) -> Path:
    """A records file at schema 7 with a patient, a session and three audit entries."""
    directory = tmp_path / "migrations-7"
    directory.mkdir()
    for migration in known_migrations():
        if migration.idx <= 7:
            shutil.copy(migration.path, directory / Path(migration.path).name)
    path = tmp_path / "records" / "records.db"
    open_sqlite(path, migrations_dir=directory)
    close_database()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "INSERT INTO patient (name, name_key, sex, phone, email, address, notes, "
        "conditions_notes, exercise, work_posture, version, created_at, updated_at) VALUES "
        "('Ann Lee', 'ann lee', 'female', '', '', '', '', '', '', 'unknown', 1, "
        "'2025-01-15 09:30:00', '2025-01-15 09:30:00')")
    prev = GENESIS_HASH
    for seq in range(1, OLD_ENTRIES + 1):
        values: list[object] = [seq, f"2025-01-15T09:3{seq}:00.000000Z", "Dr Old", "open",
                                "patient", 1, 1, ""]
        digest = _old_hash(prev, values)
        conn.execute("INSERT INTO audit_log (seq, at, practitioner, action, entity, entity_id, "
                     "patient_id, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
                     (*values, prev, digest))
        prev = digest
    conn.close()
    return path


def _columns(path: Path, table: str) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()


def _tamper(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute(sql)
    conn.close()


def _upgraded_with_new_entries(path: Path) -> int:
    """Open (migrating to 0008), sign up the first account, write entries as it."""
    open_sqlite(path)
    who = SignedIn(AccountService().solo_identity("setup"))
    accounts = AccountService(user=who, hasher=PasswordHasher(time_cost=1, memory_cost=1024,
                                                               parallelism=1))
    lee = accounts.create("Dr Lee", "practitioner password")
    who.switch(lee.identity)
    AuditService(user=who).record("open", entity="patient", entity_id=1, patient_id=1)
    close_database()
    return lee.id


def test_0008_adds_accounts_and_author_columns_keeping_the_rows(version_7_file: Path) -> None:
    before = _columns(version_7_file, "treatment_session")
    open_sqlite(version_7_file)
    assert database.execute_sql("SELECT count(*) FROM practitioner_account").fetchone() == (0,)
    close_database()
    assert _columns(version_7_file, "treatment_session") == [
        *before, "created_by_id", "updated_by_id", "private"]
    for table, column in (("patient", "created_by_id"), ("session_revision", "amended_by_id"),
                          ("audit_log", "author_id")):
        assert column in _columns(version_7_file, table)
    conn = sqlite3.connect(version_7_file)
    assert conn.execute("SELECT name, created_by_id FROM patient").fetchall() == [
        ("Ann Lee", None)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_the_trail_verifies_across_entries_written_before_and_after_0008(
    version_7_file: Path,
) -> None:
    lee_id = _upgraded_with_new_entries(version_7_file)
    open_sqlite(version_7_file)
    result = AuditService().verify()
    entries = AuditService().trail()
    assert result.intact, result.broken
    assert [e.fields.author_id for e in entries[:OLD_ENTRIES]] == [None] * OLD_ENTRIES
    assert entries[-1].fields.author_id == lee_id
    assert entries[-1].fields.practitioner == "Dr Lee"


def test_giving_an_old_entry_an_author_breaks_the_chain_there(version_7_file: Path) -> None:
    lee_id = _upgraded_with_new_entries(version_7_file)
    _tamper(version_7_file, f"UPDATE audit_log SET author_id = {lee_id} WHERE seq = 2")
    open_sqlite(version_7_file)
    broken = AuditService().verify().broken
    assert broken is not None and (broken.seq, broken.reason) == (2, "entry was altered")


def test_changing_or_clearing_a_new_entrys_author_breaks_the_chain(
    version_7_file: Path,
) -> None:
    lee_id = _upgraded_with_new_entries(version_7_file)
    open_sqlite(version_7_file)
    last = AuditService().trail()[-1].fields.seq
    close_database()
    for value in ("NULL", str(lee_id - 1)):
        copy = version_7_file.with_name(f"copy-{value}.db")
        shutil.copyfile(version_7_file, copy)
        _tamper(copy, f"UPDATE audit_log SET author_id = {value} WHERE seq = {last}")
        open_sqlite(copy)
        broken = AuditService().verify().broken
        close_database()
        assert broken is not None and broken.seq == last, value

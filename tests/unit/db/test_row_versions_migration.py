"""Migration 0009 gives the rows edited in place a version: existing rows start at 1, and
the tables keep their triggers (no rebuild)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from practitioner.db.connection import close_database, open_sqlite
from practitioner.db.migrate import MIGRATIONS_DIR

TABLES = ("protocol", "reference_note", "custom_measure", "diary_entry", "psfs_activity")


@pytest.mark.sqlite_only
def test_existing_rows_get_version_one_and_the_triggers_stay(tmp_path: Path) -> None:
    before = tmp_path / "migrations"
    before.mkdir()
    for step in sorted(MIGRATIONS_DIR.glob("000[1-7]_*.py")):
        shutil.copy(step, before / step.name)
    path = tmp_path / "records.db"
    open_sqlite(path, migrations_dir=before)
    close_database()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        "INSERT INTO patient (name, name_key, sex, phone, email, address, notes, "
        "conditions_notes, exercise, work_posture, version, created_at, updated_at) VALUES "
        "('Ann Lee', 'ann lee', 'unknown', '', '', '', '', '', '', 'unknown', 1, "
        "'2025-01-01', '2025-01-01');"
        "INSERT INTO diary_entry (patient_id, day, cramps, sleep_disturbed, notes) "
        "VALUES (1, '2025-01-02', 2, 0, '');"
        "INSERT INTO protocol (name, notes, created_at, updated_at) "
        "VALUES ('Calf', '', '2025-01-01', '2025-01-01');")
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                           "WHERE type = 'trigger'")}
    conn.close()

    open_sqlite(path)
    close_database()

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for table in TABLES:
            columns = {r[1]: r for r in conn.execute(f"PRAGMA table_info({table})")}
            assert columns["version"][3] == 1, table  # NOT NULL
        assert conn.execute("SELECT version FROM diary_entry").fetchall() == [(1,)]
        assert conn.execute("SELECT version FROM protocol").fetchall() == [(1,)]
        assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                           "WHERE type = 'trigger'")} >= triggers
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE protocol SET version = 0")
        with pytest.raises(sqlite3.DatabaseError, match="whole numbers"):
            conn.execute("UPDATE diary_entry SET cramps = 1.5")
    finally:
        conn.close()

"""The reference tables of migration 0004: the FTS5 index (which the schema diff against
the models cannot see), constraints, and an upgrade from schema 3 keeping every record."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest
from playhouse.schema_diff import diff_models

from practitioner.db.base import database
from practitioner.db.connection import close_database, open_sqlite
from practitioner.db.migrate import known_migrations
from practitioner.db.models import MODELS
from practitioner.db.models.reference import FTS_COLUMNS, FTS_TABLE
from practitioner.domain.screen import SCREEN_CODES, RedFlagScreen
from practitioner.services.demo import fill_demo
from practitioner.services.patients import PatientService
from practitioner.services.reference import ReferenceService
from tests.helpers.db_fixtures import TODAY
from tests.helpers.demo_inputs import ann
from tests.helpers.reference_library import fixture_entries


@pytest.fixture(autouse=True)
def _close_at_end() -> Iterator[None]:
    yield
    close_database()


def _query(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.sqlite_only  # the FTS5 table (PostgreSQL's: tests/unit/db/test_server.py)
def test_the_full_text_index_has_its_columns_and_tokenizer(db_path: Path) -> None:
    [(sql,)] = _query(db_path, f"SELECT sql FROM sqlite_master WHERE name = '{FTS_TABLE}'")
    assert "USING fts5" in str(sql)
    assert "unicode61 remove_diacritics 2" in str(sql)
    columns = [row[1] for row in _query(db_path, f"PRAGMA table_info({FTS_TABLE})")]
    assert tuple(columns) == FTS_COLUMNS


def test_the_index_is_no_model_and_the_models_still_match(db_path: Path) -> None:
    assert FTS_TABLE not in {m._meta.table_name for m in MODELS}
    assert not diff_models(database.obj, list(MODELS))


def test_the_migration_knows_the_domains_screening_codes() -> None:
    [step] = [m for m in known_migrations() if m.name == "0004_reference"]
    text = Path(step.path).read_text(encoding="utf-8")
    assert all(f'"{code}"' in text for code in SCREEN_CODES)


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO red_flag_review (patient_id, flag_key, action, note, recorded_at, "
        "recorded_by) VALUES (1, 'red-flag-dvt', 'ignored', '', '2025-01-15', '')",
        "INSERT INTO red_flag_review (patient_id, flag_key, action, note, recorded_at, "
        "recorded_by) VALUES (1, '  ', 'referred', '', '2025-01-15', '')",
        "INSERT INTO red_flag_review (patient_id, flag_key, action, note, recorded_at, "
        "recorded_by) VALUES (99, 'red-flag-dvt', 'referred', '', '2025-01-15', '')",
        "INSERT INTO patient_screen (patient_id, question) VALUES (1, 'third_eye')",
        "INSERT INTO patient_screen (patient_id, question) VALUES (1, 'dark_urine')",
        "INSERT INTO reference_entry (slug, kind, title, version, content, seeded_at) "
        "VALUES ('x', 'cause', 'X', 0, '{}', '2025-01-15')",
        "INSERT INTO session_reference (session_id, slug, entry_version, paragraph, "
        "inserted_at) VALUES (99, 'x', 1, 0, '2025-01-15')",
    ],
    ids=["unknown action", "blank key", "unknown patient", "unknown question",
         "duplicate answer", "version 0", "unknown session"],
)
def test_constraints_reject_bad_rows(patients: PatientService, sql: str) -> None:
    patients.create(ann(screen=RedFlagScreen(dark_urine=True)))
    with pytest.raises(peewee.IntegrityError):
        database.execute_sql(sql)


def test_a_version_3_file_upgrades_keeping_its_records(tmp_path: Path) -> None:
    directory = tmp_path / "migrations-3"
    directory.mkdir()
    for migration in known_migrations():
        if migration.idx <= 3:
            shutil.copy(migration.path, directory / Path(migration.path).name)
    path = tmp_path / "records" / "records.db"
    open_sqlite(path, migrations_dir=directory)
    database.execute_sql(
        "INSERT INTO patient (name, name_key, sex, phone, email, address, notes, "
        "conditions_notes, exercise, work_posture, version, created_at, updated_at) VALUES "
        "('Ann Lee', 'ann lee', 'female', '', '', '', '', '', '', 'unknown', 1, "
        "'2025-01-15 09:30:00', '2025-01-15 09:30:00')"
    )
    close_database()
    before = _query(path, "SELECT * FROM patient")

    db = open_sqlite(path)
    assert not diff_models(db, list(MODELS))
    ann_lee = PatientService().get(1)
    assert ann_lee.data.screen == RedFlagScreen()
    assert ReferenceService().seed(fixture_entries()).added
    close_database()

    after = _query(path, "SELECT * FROM patient")
    assert [row[: len(before[0])] for row in after] == before  # Later steps add columns.
    assert _query(path, "PRAGMA foreign_key_check") == []
    [backup] = (path.parent / "backups").iterdir()
    assert "0004_reference" in backup.name


def test_a_full_file_keeps_its_patients_through_seeding(patients: PatientService) -> None:
    fill_demo(patients, 5, seed=4, today=TODAY)
    ReferenceService().seed(fixture_entries())
    assert patients.count() == 5

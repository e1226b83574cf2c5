"""The migrated schema, its CHECK constraints, refusals of files we must not touch, and
backups and atomicity of migration steps."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import textwrap
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest
from playhouse.schema_diff import diff_models

from practitioner.db.base import database
from practitioner.db.connection import APPLICATION_ID, close_database, open_sqlite
from practitioner.db.dialect import portable
from practitioner.db.migrate import HISTORY_TABLE, MIGRATIONS_DIR, known_migrations
from practitioner.db.models import MODELS, SessionRow
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.demo import fill_demo
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import TODAY
from tests.helpers.files import overwrite_pages, page_count, sha256

LATEST = max(m.idx for m in known_migrations())
FIRST_MIGRATION = MIGRATIONS_DIR / "0001_patient_records.py"


@pytest.fixture(autouse=True)
def _close_at_end() -> Iterator[None]:
    yield
    close_database()


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _query(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = _raw(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _refused(path: Path, kind: ErrorKind) -> KnownError:
    """Assert that opening `path` is refused with `kind` and leaves its bytes alone."""
    before = sha256(path)
    with pytest.raises(KnownError) as caught:
        open_sqlite(path)
    assert caught.value.kind is kind, caught.value.message
    assert sha256(path) == before
    assert "\n" not in caught.value.message
    return caught.value


# --- schema -------------------------------------------------------------------------------


def test_migrated_schema_matches_the_live_models(tmp_path: Path) -> None:
    db = open_sqlite(tmp_path / "fresh.db")
    diff = diff_models(db, list(MODELS))
    assert not diff, str(diff)


@pytest.mark.sqlite_only  # user_version is a SQLite file header field
def test_migration_history_and_user_version_agree(db_path: Path) -> None:
    close_database()
    names = [row[0] for row in _query(db_path, f'SELECT name FROM "{HISTORY_TABLE}"')]
    assert names == [m.name for m in known_migrations()]
    assert _query(db_path, "PRAGMA user_version") == [(LATEST,)]


VALID_PATIENT: dict[str, object] = {
    "name": "Ann Lee",
    "name_key": "ann lee",
    "date_of_birth": "1975-03-14",
    "sex": "female",
    "phone": "",
    "email": "",
    "address": "",
    "notes": "",
    "frequency_per_week": 2.0,
    "worst_severity": 5,
    "conditions_notes": "",
    "exercise": "",
    "work_posture": "unknown",
    "version": 1,
    "created_at": "2025-01-15 09:30:00",
    "updated_at": "2025-01-15 09:30:00",
}


def _insert_patient(**changes: object) -> None:
    row = {**VALID_PATIENT, **changes}
    columns = ", ".join(f'"{name}"' for name in row)
    marks = ", ".join("?" for _ in row)
    database.execute_sql(portable(f"INSERT INTO patient ({columns}) VALUES ({marks})"),
                         list(row.values()))


def test_a_valid_raw_patient_row_is_accepted(db_path: Path) -> None:
    _insert_patient()
    assert database.execute_sql("SELECT count(*) FROM patient").fetchone()[0] == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},
        {"name": "   "},
        {"name": None},
        {"worst_severity": 11},
        {"worst_severity": -1},
        {"frequency_per_week": -0.5},
        {"date_of_birth": "1975-13-45"},
        {"date_of_birth": "14.03.1975"},
        {"sex": "other"},
        {"version": 0},
    ],
    ids=repr,
)
def test_check_constraints_reject_bad_raw_rows(db_path: Path, changes: dict[str, object]) -> None:
    # PostgreSQL's DATE type refuses a malformed date itself (a DataError).
    with pytest.raises((peewee.IntegrityError, peewee.DataError)):
        _insert_patient(**changes)
    assert database.execute_sql("SELECT count(*) FROM patient").fetchone()[0] == 0


# --- files we must refuse, untouched ------------------------------------------------------


def _migrated_copy(template: Path, target: Path) -> Path:
    shutil.copyfile(template, target)
    return target


def test_a_file_with_a_newer_user_version_is_refused(
    migrated_template: Path, tmp_path: Path
) -> None:
    path = _migrated_copy(migrated_template, tmp_path / "newer.db")
    _query(path, f"PRAGMA user_version = {LATEST + 1}")
    error = _refused(path, ErrorKind.TOO_NEW)
    assert "newer version" in error.message


def test_a_file_with_an_unknown_applied_migration_is_refused(
    migrated_template: Path, tmp_path: Path
) -> None:
    path = _migrated_copy(migrated_template, tmp_path / "newer.db")
    _query(
        path,
        f'INSERT INTO "{HISTORY_TABLE}" (name, applied) '
        f"VALUES ('{LATEST + 1:04d}_from_the_future', '2030-01-01 00:00:00')",
    )
    assert _query(path, "PRAGMA user_version") == [(LATEST,)]
    _refused(path, ErrorKind.TOO_NEW)


def test_a_sqlite_file_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    _query(path, "CREATE TABLE invoice (id INTEGER PRIMARY KEY, total REAL)")
    _refused(path, ErrorKind.FOREIGN)


def test_a_file_with_another_application_id_is_refused(
    migrated_template: Path, tmp_path: Path
) -> None:
    path = _migrated_copy(migrated_template, tmp_path / "other.db")
    _query(path, "PRAGMA application_id = 1234")
    assert _query(path, "PRAGMA application_id") != [(APPLICATION_ID,)]
    _refused(path, ErrorKind.FOREIGN)


def test_a_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Patient notes, not a database.\n" * 20, encoding="utf-8")
    _refused(path, ErrorKind.NOT_A_DATABASE)


@pytest.fixture
def demo_file(patients: PatientService, db_path: Path, tmp_path: Path, engine: str) -> Path:
    """A closed copy of a records file holding 50 demo patients (23 or so pages)."""
    if engine != "sqlite":
        pytest.skip("about damaged SQLite files")
    fill_demo(patients, 50, seed=3, today=TODAY)
    close_database()
    return shutil.copyfile(db_path, tmp_path / "demo.db")


def test_the_demo_file_is_healthy_before_damage(demo_file: Path) -> None:
    open_sqlite(demo_file)
    assert PatientService().count() == 50


@pytest.mark.parametrize("pages", [[2], [3, 5, 7, 9], [2, 4, 6, 8, 10, 12]], ids=str)
def test_a_file_with_overwritten_pages_is_refused_as_damaged(
    demo_file: Path, pages: list[int]
) -> None:
    assert page_count(demo_file) > max(pages)
    overwrite_pages(demo_file, pages)
    error = _refused(demo_file, ErrorKind.DAMAGED)
    assert str(demo_file) in error.message


# --- backups and one transaction per step -------------------------------------------------


ADD_EXAMPLE = """
    from peewee import TextField


    def up(migrator, db):
        migrator.migrate(migrator.add_column("patient", "example", TextField(null=True)))
"""

ADD_EXAMPLE_THEN_FAIL = """
    from peewee import TextField


    def up(migrator, db):
        migrator.migrate(migrator.add_column("patient", "example", TextField(null=True)))
        raise RuntimeError("migration bug")
"""


@pytest.fixture
def migrations_dir(tmp_path: Path) -> Path:
    """A migrations folder holding a copy of the shipped first migration only."""
    directory = tmp_path / "migrations"
    directory.mkdir()
    shutil.copy(FIRST_MIGRATION, directory / FIRST_MIGRATION.name)
    return directory


@pytest.fixture
def version_1_file(migrations_dir: Path, tmp_path: Path) -> Path:
    """A records file at schema 1 holding Ann Lee, closed."""
    path = tmp_path / "records" / "records.db"
    open_sqlite(path, migrations_dir=migrations_dir)
    # Written past the services, as the schema-1 app would have: today's services also
    # read tables that schema 1 does not have.
    _insert_patient()
    close_database()
    assert not (path.parent / "backups").exists()
    return path


def _columns(path: Path) -> list[str]:
    return [str(row[1]) for row in _query(path, "PRAGMA table_info(patient)")]


def test_the_file_is_backed_up_before_a_migration(
    version_1_file: Path, migrations_dir: Path
) -> None:
    (migrations_dir / "0002_add_example.py").write_text(textwrap.dedent(ADD_EXAMPLE))

    open_sqlite(version_1_file, migrations_dir=migrations_dir)
    close_database()

    backups = list((version_1_file.parent / "backups").iterdir())
    assert len(backups) == 1
    backup = backups[0]
    assert backup.suffix == ".db"
    assert "0002_add_example" in backup.name
    assert _query(backup, "PRAGMA user_version") == [(1,)]
    assert _query(backup, "PRAGMA integrity_check") == [("ok",)]
    assert _query(backup, "SELECT name FROM patient") == [("Ann Lee",)]
    assert "example" not in _columns(backup)

    assert _query(version_1_file, "PRAGMA user_version") == [(2,)]
    assert "example" in _columns(version_1_file)
    assert _query(version_1_file, "SELECT name, example FROM patient") == [("Ann Lee", None)]


def test_a_failing_migration_step_changes_nothing(
    version_1_file: Path, migrations_dir: Path
) -> None:
    def state() -> tuple[object, ...]:
        return (
            _query(version_1_file, "PRAGMA user_version"),
            _query(version_1_file, f'SELECT name FROM "{HISTORY_TABLE}" ORDER BY name'),
            _query(version_1_file, "SELECT type, name, sql FROM sqlite_master ORDER BY name"),
            _query(version_1_file, "SELECT * FROM patient"),
        )

    before = state()
    (migrations_dir / "0002_add_example.py").write_text(textwrap.dedent(ADD_EXAMPLE_THEN_FAIL))

    with pytest.raises(RuntimeError, match="migration bug"):
        open_sqlite(version_1_file, migrations_dir=migrations_dir)

    assert state() == before
    assert before[0] == [(1,)]
    assert "example" not in _columns(version_1_file)
    # The failed open let go of the file: switching journal mode needs it to be the only
    # connection, and fails with "database is locked" while another one is open.
    assert _query(version_1_file, "PRAGMA journal_mode = DELETE") == [("delete",)]


def test_a_version_1_file_upgrades_to_the_shipped_schema_keeping_its_patients(
    version_1_file: Path,
) -> None:
    db = open_sqlite(version_1_file)
    assert not diff_models(db, list(MODELS))
    close_database()
    assert _query(version_1_file, "PRAGMA user_version") == [(LATEST,)]
    assert _query(version_1_file, "SELECT name FROM patient") == [("Ann Lee",)]
    assert _query(version_1_file, "PRAGMA foreign_key_check") == []
    [backup] = (version_1_file.parent / "backups").iterdir()
    assert _query(backup, "SELECT name FROM patient") == [("Ann Lee",)]


# --- 0002 -> 0003: outcome tables added to a file holding sessions -------------------------


@pytest.fixture
def version_2_file(tmp_path: Path) -> Path:
    """A records file at schema 2 holding Ann Lee with two signed sessions, closed."""
    directory = tmp_path / "migrations-2"
    directory.mkdir()
    for migration in known_migrations():
        if migration.idx <= 2:
            shutil.copy(migration.path, directory / Path(migration.path).name)
    path = tmp_path / "records" / "records.db"
    open_sqlite(path, migrations_dir=directory)
    # Written past the services, as the schema-2 app would have: the patient and session
    # tables are unchanged since, while the services now read later tables too.
    _insert_patient()
    patient_id = 1
    for day in (7, 14):
        signed = dt.datetime(2025, 1, day, 11, 0)
        row = SessionRow(
            patient=patient_id, started_at=dt.datetime(2025, 1, day, 10, 0), status="final",
            finalised_at=signed, finalised_by="Dr Lee", created_at=signed, updated_at=signed,
            practitioner="Dr Lee", plan=f"Plan {day}",
        )
        # Only the columns schema 2 has: the live model has columns later steps add.
        present = {c.name for c in database.get_columns("treatment_session")}
        values = {SessionRow._meta.fields[name].column_name: value
                  for name, value in row.__data__.items()}
        values = {column: value for column, value in values.items() if column in present}
        database.execute_sql(
            f"INSERT INTO treatment_session ({', '.join(values)}) "
            f"VALUES ({', '.join('?' * len(values))})", list(values.values()),
        )
    database.execute_sql(
        "INSERT INTO session_point (session_id, position, code, side, technique, custom) "
        "VALUES (1, 0, 'GB34', 'bilateral', 'even', 0)"
    )
    close_database()
    assert _query(path, "PRAGMA user_version") == [(2,)]
    return path


def test_a_version_2_file_upgrades_to_the_shipped_schema_keeping_its_sessions(
    version_2_file: Path,
) -> None:
    before = _query(version_2_file, "SELECT * FROM treatment_session ORDER BY id")

    db = open_sqlite(version_2_file)
    assert not diff_models(db, list(MODELS))
    loaded = SessionService().for_patients([1])[1]
    assert [s.data.plan for s in loaded] == ["Plan 7", "Plan 14"]
    assert [p.code for p in loaded[0].data.points] == ["GB34"]
    assert all(s.data.measures.is_empty() and s.final for s in loaded)
    assert OutcomeService().progress(1).measures == ()
    close_database()

    assert _query(version_2_file, "PRAGMA user_version") == [(LATEST,)]
    after = _query(version_2_file, "SELECT * FROM treatment_session ORDER BY id")
    assert [row[: len(before[0])] for row in after] == before  # Later steps add columns.
    assert _query(version_2_file, "PRAGMA foreign_key_check") == []
    tables = {row[0] for row in _query(version_2_file,
                                       "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"session_measure", "psfs_activity", "session_psfs", "custom_measure",
            "diary_entry"} <= tables
    [backup] = (version_2_file.parent / "backups").iterdir()
    assert "0003_outcomes" in backup.name
    assert _query(backup, "PRAGMA user_version") == [(2,)]
    assert len(_query(backup, "SELECT id FROM treatment_session")) == 2

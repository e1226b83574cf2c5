"""BackupService: backups when something changed, rotation, restore that keeps the current
file aside, refusal of files that are not good backups, the full check."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from practitioner.db.backup import backup_folder, opened_file
from practitioner.db.connection import (
    close_database,
    is_read_only,
    open_damaged_read_only,
    open_sqlite,
)
from practitioner.domain.backup_policy import RotationPolicy
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.backups import BackupService
from practitioner.services.demo import fill_demo
from practitioner.services.patients import PatientService
from tests.helpers.demo_inputs import ann
from tests.helpers.files import sha256
from tests.helpers.records import DAMAGE, demo_records

# Backups of a records file with SQLite's online backup API; on a clinic server backups
# are the administrator's pg_dump (README, Clinic mode).
pytestmark = pytest.mark.sqlite_only


class Ticker:
    """A clock that moves one hour on every reading."""

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 1, 1, 8, 0)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(hours=1)
        return self.now


@pytest.fixture
def events() -> list[tuple[str, Path]]:
    return []


@pytest.fixture
def backups(db_path: Path, events: list[tuple[str, Path]]) -> Iterator[BackupService]:
    yield BackupService(db_path, clock=Ticker(),
                        on_event=lambda kind, path: events.append((kind, path)))
    close_database()


def _names(path: Path) -> set[str]:
    with opened_file(path, read_only=True) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM patient")}


def test_a_backup_goes_to_the_backup_folder_and_is_reported(
    backups: BackupService, db_path: Path, events: list[tuple[str, Path]]
) -> None:
    PatientService().create(ann())
    made = backups.back_up("manual")
    assert made.path.parent == backup_folder(db_path) == db_path.parent / "backups"
    assert made.reason == "manual" and made.taken_at == dt.datetime(2025, 1, 1, 9)
    assert made.when_text == "01 Jan 2025 at 09:00:00"
    assert _names(made.path) == {"Ann Lee"}
    assert events == [("backup", made.path)]
    assert backups.list_backups() == [made]


def test_automatic_backups_happen_only_when_something_changed(backups: BackupService) -> None:
    backups.start_tracking()
    assert not backups.has_changes()
    assert backups.back_up_if_changed() is None
    PatientService().create(ann())
    assert backups.has_changes()
    made = backups.back_up_if_changed("auto")
    assert made is not None and made.reason == "auto"
    assert not backups.has_changes()
    assert backups.back_up_if_changed() is None
    PatientService().create(ann(name="Bo Chen"))
    backups.suspended = True
    assert backups.back_up_if_changed() is None
    assert len(backups.list_backups()) == 1


def test_rotation_deletes_what_the_policy_does_not_keep(db_path: Path) -> None:
    clock = Ticker()
    service = BackupService(db_path, clock=clock,
                            policy=RotationPolicy(recent=2, daily=1, weekly=0, monthly=0))
    made = [service.back_up("auto") for _ in range(4)]
    assert [b.path for b in service.list_backups()] == [made[3].path, made[2].path]
    other = backup_folder(db_path) / "notes.txt"
    other.write_text("not a backup")
    service.back_up("auto")
    assert other.exists()  # Rotation only ever deletes our own backups.


def test_restore_brings_back_the_backup_and_keeps_the_current_file_aside(
    backups: BackupService, db_path: Path, events: list[tuple[str, Path]]
) -> None:
    PatientService().create(ann())
    snapshot = backups.back_up("manual")
    PatientService().create(ann(name="Bo Chen"))
    done = backups.restore(snapshot.path)

    assert {p.name for p in PatientService().list_patients()} == {"Ann Lee"}
    assert done.set_aside == db_path.with_name("records.db.before-restore")
    assert _names(done.set_aside) == {"Ann Lee", "Bo Chen"}
    assert done.safety_backup is not None and _names(done.safety_backup) == {"Ann Lee",
                                                                              "Bo Chen"}
    assert done.safety_backup.name.endswith(".before-restore.db")
    assert not done.was_damaged
    assert backups.suspended
    assert backups.back_up_if_changed() is None  # Paused until the practitioner confirms.
    backups.resume_automatic_backups()
    assert not backups.suspended
    assert events[-1] == ("restore", snapshot.path)
    # A second restore keeps the first set-aside file too.
    again = backups.restore(snapshot.path)
    assert again.set_aside == db_path.with_name("records.db.before-restore.1")


def _foreign(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE x (y)")
    return path


def _too_new(path: Path, template: Path) -> Path:
    path.write_bytes(template.read_bytes())
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version = 999")
    return path


@pytest.mark.parametrize("bad", ["foreign", "not a database", "too new", "damaged", "empty",
                                 "missing"])
def test_files_that_are_not_good_backups_are_refused_and_nothing_changes(
    backups: BackupService, db_path: Path, tmp_path: Path, migrated_template: Path, bad: str
) -> None:
    PatientService().create(ann())
    candidate = tmp_path / "candidate.db"
    if bad == "foreign":
        _foreign(candidate)
    elif bad == "not a database":
        candidate.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    elif bad == "too new":
        _too_new(candidate, migrated_template)
    elif bad == "damaged":
        candidate = backups.back_up("manual").path
        DAMAGE["byte-flipped"](candidate)
    elif bad == "empty":
        candidate.write_bytes(b"")
    with pytest.raises(KnownError) as raised:
        backups.restore(candidate)
    assert "not changed" in raised.value.message or "not a backup" in raised.value.message
    assert {p.name for p in PatientService().list_patients()} == {"Ann Lee"}
    assert not db_path.with_name("records.db.before-restore").exists()


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_restoring_over_damaged_records_sets_them_aside_as_damaged(
    migrated_template: Path, tmp_path: Path, damage: str
) -> None:
    close_database()
    (tmp_path / "clinic").mkdir()
    db_path = demo_records(migrated_template, tmp_path / "clinic" / "records.db", 30)
    open_sqlite(db_path)
    backups = BackupService(db_path, clock=Ticker())
    good = backups.back_up("manual")
    close_database()
    DAMAGE[damage](db_path)
    damaged_hash = sha256(db_path)
    with pytest.raises(KnownError) as raised:
        open_sqlite(db_path)
    open_damaged_read_only(db_path, raised.value)
    assert backups.read_only
    assert backups.newest_verified() == good
    with pytest.raises(KnownError, match="no backup was made"):
        backups.back_up("manual")
    assert backups.back_up_if_changed() is None

    done = backups.restore(good.path)
    assert done.was_damaged and done.safety_backup is None
    assert done.set_aside == db_path.with_name("records.db.damaged")
    assert sha256(done.set_aside) == damaged_hash
    assert not is_read_only()
    assert PatientService().count() == 30


def test_the_newest_verified_backup_skips_damaged_ones(backups: BackupService) -> None:
    fill_demo(PatientService(), 30, 3)  # Pages of records after the schema, to cut off.
    older = backups.back_up("manual")
    newer = backups.back_up("manual")
    DAMAGE["truncated"](newer.path)
    assert backups.newest_verified() == older


def test_the_full_check_passes_healthy_records_and_names_a_broken_link(
    backups: BackupService, db_path: Path
) -> None:
    assert "passed the full check" in backups.full_check()
    close_database()
    with closing(sqlite3.connect(db_path)) as conn:  # A link to no patient.
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("INSERT INTO cramp_site (patient_id, muscle, side) "
                     "VALUES (4242, 'calf', 'left')")
        conn.commit()
    open_sqlite(db_path)
    with pytest.raises(KnownError) as raised:
        backups.full_check()
    assert raised.value.kind is ErrorKind.DAMAGED
    assert "broken link in cramp_site" in raised.value.message

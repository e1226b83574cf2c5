"""CSV export of sessions with measures and of the diary: safe cells, atomic files."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest

from practitioner.domain.csv_safety import original_text
from practitioner.domain.outcomes import DiaryEntry
from practitioner.services.csv_export import csv_paths, export_csv
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import full_session
from tests.unit.domain.test_csv_safety import is_formula

HOSTILE_NAME = '=HYPERLINK("http://x","y")'
HOSTILE_NOTE = "@SUM(1) and a note;=1+1;\u00a0\uff1dcmd\n\u200b-2"


@pytest.fixture
def hostile(patients: PatientService, clock: FakeClock) -> int:
    patient = patients.create(ann(name=HOSTILE_NAME))
    SessionService(clock=clock, local_clock=clock).create(
        patient.id, full_session(notes=HOSTILE_NOTE))
    OutcomeService(clock=clock, today=lambda: TODAY).save_diary_entry(
        patient.id, DiaryEntry(day=dt.date(2025, 1, 10), cramps=3, notes="-2 at night"))
    return patient.id


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_hostile_cells_are_neutralised_and_read_back(
        patients: PatientService, hostile: int, tmp_path: Path) -> None:
    sessions_path, diary_path, _ = export_csv(patients, tmp_path / "out.csv")

    assert (sessions_path.name, diary_path.name) == ("out-sessions.csv", "out-diary.csv")
    [visit] = read(sessions_path)
    assert visit["patient_name"] == "'" + HOSTILE_NAME
    assert visit["notes"].startswith("'@SUM(1) and a note;'=1+1;'")
    assert original_text(visit["patient_name"]) == HOSTILE_NAME
    assert original_text(visit["notes"]) == HOSTILE_NOTE
    assert float(visit["cramps_per_week"]) == 4.0
    [day] = read(diary_path)
    assert day["notes"] == "'-2 at night"
    assert day["cramps"] == "3"
    line = sessions_path.read_text(encoding="utf-8")
    assert ",4," in line and '"4"' not in line  # written as a bare number
    # A spreadsheet whose list separator is ";" splits the notes into cells too.
    with sessions_path.open(encoding="utf-8", newline="") as handle:
        fields = [f for row in csv.reader(handle, delimiter=";") for f in row]
    assert not any(is_formula(f) for f in fields), fields


def test_one_patient_only(patients: PatientService, hostile: int, tmp_path: Path) -> None:
    other = patients.create(ann(name="Bob Roe")).id
    sessions_path, _, _ = export_csv(patients, tmp_path / "one", patient_id=other)
    assert read(sessions_path) == []
    assert csv_paths(tmp_path / "one") == (tmp_path / "one-sessions.csv",
                                           tmp_path / "one-diary.csv",
                                           tmp_path / "one-dictionary.csv")


def test_failure_leaves_no_file(patients: PatientService, hostile: int, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def failing_replace(src: str, dst: Path) -> None:
        calls.append(dst)
        if len(calls) == 2:  # the second of three files
            raise OSError(28, "No space left on device")
        os.rename(src, dst)

    monkeypatch.setattr("practitioner.services.files.os.replace", failing_replace)
    with pytest.raises(OSError):
        export_csv(patients, tmp_path / "out.csv")
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".db" and "records" not in p.name
            and p.name != "appdata"] in ([], ["out-sessions.csv"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_every_column_has_one_name_a_dictionary_row_and_custom_and_psfs_columns(
        patients: PatientService, clock: FakeClock, tmp_path: Path) -> None:
    outcomes = OutcomeService(clock=clock, today=lambda: TODAY)
    # A practice measure whose name repeats a fixed column's is still told apart.
    stairs = outcomes.save_custom_measure("Stairs without cramp", "flights", 0, 20, True,
                                          False, 2)
    outcomes.save_custom_measure("Notes", "", 0, 5, True, True, None)
    patient = patients.create(ann(name="Ann Lee"))
    [walk, sleep] = outcomes.set_psfs_activities(patient.id, ["Walk the dog", "Sleep through"])
    session = full_session()
    measures = dataclasses.replace(
        session.measures, values=(*session.measures.values, (stairs.code, 7.0)),
        psfs=((walk.id, 4.0), (sleep.id, 6.0)))
    SessionService(clock=clock, local_clock=clock).create(
        patient.id, dataclasses.replace(session, measures=measures, duration_minutes=45))

    sessions_path, _, dictionary_path = export_csv(patients, tmp_path / "out.csv",
                                                   outcomes=outcomes)

    with sessions_path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert len(header) == len(set(header)), "no column name appears twice"
    [visit] = read(sessions_path)
    assert visit["visit_minutes"] == "45"
    assert "duration_minutes" in header, "the cramp-duration measure keeps its own column"
    assert float(visit["Stairs without cramp"]) == 7
    assert "Notes (custom:2)" in header
    assert (visit["psfs_1_activity"], visit["psfs_1_rating"]) == ("Walk the dog", "4")
    assert (visit["psfs_2_activity"], visit["psfs_2_rating"]) == ("Sleep through", "6")
    assert float(visit["psfs_average"]) == 5
    dictionary = read(dictionary_path)
    assert [row["column"] for row in dictionary if row["file"] == "sessions"] == header
    with (tmp_path / "out-diary.csv").open(encoding="utf-8", newline="") as handle:
        diary_header = next(csv.reader(handle))
    assert [row["column"] for row in dictionary if row["file"] == "diary"] == diary_header
    assert all(row["meaning"] and row["range"] and row["source"] for row in dictionary)
    stairs_row = next(row for row in dictionary if row["column"] == "Stairs without cramp")
    assert "custom:1" in stairs_row["source"] and stairs_row["unit"] == "flights"

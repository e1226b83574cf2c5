"""CSV export of sessions with measures and of the diary: safe cells, atomic files."""

from __future__ import annotations

import csv
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
    sessions_path, diary_path = export_csv(patients, tmp_path / "out.csv")

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
    sessions_path, _ = export_csv(patients, tmp_path / "one", patient_id=other)
    assert read(sessions_path) == []
    assert csv_paths(tmp_path / "one") == (tmp_path / "one-sessions.csv",
                                           tmp_path / "one-diary.csv")


def test_failure_leaves_no_file(patients: PatientService, hostile: int, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def failing_replace(src: str, dst: Path) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        os.rename(src, dst)

    monkeypatch.setattr("practitioner.services.files.os.replace", failing_replace)
    with pytest.raises(OSError):
        export_csv(patients, tmp_path / "out.csv")
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".db" and "records" not in p.name
            and p.name != "appdata"] in ([], ["out-sessions.csv"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]

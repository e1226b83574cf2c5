"""Sessions with their measures, and the cramp diary, as spreadsheet-safe CSV files.

Two tables, two files: `<stem>-sessions.csv` (one row per visit, one column per measure
definition, by code) and `<stem>-diary.csv` (one row per diary day). Every text cell is
neutralised against formula injection (`practitioner.domain.csv_safety`); numbers stay
numbers. Both files are first written in full to temporary files next to their final
names and only then moved into place, so a failure (disk full, unwritable folder) never
leaves a partial file under a final name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from practitioner.domain.csv_safety import Cell, csv_text
from practitioner.domain.outcomes import MeasureDefinition
from practitioner.domain.patient import Patient
from practitioner.domain.session import Session
from practitioner.services.files import write_files_atomically
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService

SESSION_COLUMNS = (
    "patient_id", "patient_name", "date_of_birth", "session_id", "started_at",
    "duration_minutes", "status", "practitioner", "patterns", "points", "patient_report",
    "plan", "notes",
)
DIARY_COLUMNS = (
    "patient_id", "patient_name", "day", "cramps", "worst_severity", "total_minutes",
    "sleep_disturbed", "notes",
)


@dataclass(frozen=True)
class CsvTables:
    """The text of both CSV files."""

    sessions: str
    diary: str


def csv_paths(out: Path) -> tuple[Path, Path]:
    """Where the sessions and the diary files go for `--out out`: `<stem>-sessions.csv` and
    `<stem>-diary.csv` beside it (`report.csv` → `report-sessions.csv`, `report-diary.csv`)."""
    stem = out.stem if out.suffix.lower() == ".csv" else out.name
    return out.with_name(f"{stem}-sessions.csv"), out.with_name(f"{stem}-diary.csv")


def _session_row(patient: Patient, session: Session,
                 definitions: Sequence[MeasureDefinition]) -> list[Cell]:
    data = session.data
    values = dict(data.measures.values)
    return [
        patient.id, patient.data.name,
        patient.data.date_of_birth.isoformat() if patient.data.date_of_birth else None,
        session.id, data.started_at.isoformat(), data.duration_minutes,
        session.status.value, data.practitioner,
        "; ".join(sorted(p.value for p in data.patterns)),
        "; ".join(p.code for p in data.points),
        data.patient_report, data.plan, data.notes,
        *(values.get(d.code) for d in definitions),
    ]


def csv_tables(
    patients: PatientService,
    patient_id: int | None = None,
    sessions: SessionService | None = None,
    outcomes: OutcomeService | None = None,
) -> CsvTables:
    """Every patient (archived included), or only `patient_id`, as the two CSV texts.

    Raises KnownError(NOT_FOUND) when `patient_id` names no patient.
    """
    records = [patients.get(patient_id)] if patient_id is not None else patients.all_patients()
    ids = [r.id for r in records]
    visits = (sessions or SessionService()).for_patients(ids)
    keeper = outcomes or OutcomeService()
    definitions = keeper.definitions()
    diaries = keeper.diary_for_patients(ids)
    session_rows = [
        _session_row(p, s, definitions) for p in records for s in visits.get(p.id, ())
    ]
    diary_rows: list[list[Cell]] = [
        [p.id, p.data.name, e.day.isoformat(), e.cramps, e.worst_severity, e.total_minutes,
         e.sleep_disturbed, e.notes]
        for p in records for e in diaries.get(p.id, ())
    ]
    header = [*SESSION_COLUMNS, *(d.code for d in definitions)]
    return CsvTables(csv_text(header, session_rows), csv_text(DIARY_COLUMNS, diary_rows))


def export_csv(
    patients: PatientService,
    out: Path,
    patient_id: int | None = None,
    sessions: SessionService | None = None,
    outcomes: OutcomeService | None = None,
    before_replace: Callable[[], None] = lambda: None,
) -> tuple[Path, Path]:
    """Write the sessions and diary CSV files for `out` (see `csv_paths`); returns them.
    `before_replace`: see `write_files_atomically`."""
    tables = csv_tables(patients, patient_id, sessions, outcomes)
    sessions_path, diary_path = csv_paths(out)
    write_files_atomically([(sessions_path, tables.sessions), (diary_path, tables.diary)],
                           before_replace)
    return sessions_path, diary_path

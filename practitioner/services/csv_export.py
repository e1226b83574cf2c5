"""Sessions with their measures, and the cramp diary, as spreadsheet-safe CSV files, with a
data dictionary describing every column of both.

Three files: `<stem>-sessions.csv` (one row per visit, one column per measure and per PSFS
activity), `<stem>-diary.csv` (one row per diary day) and `<stem>-dictionary.csv` (one row
per column of the other two: its file, meaning, unit, range and source). Each column has one
meaning: the visit's length is `visit_minutes`, distinct from the typical-cramp-duration
measure. A standard measure's column is its code; a practice's own measure's column is its
name (its code is kept in the dictionary). Every text cell is neutralised against formula
injection (`practitioner.domain.csv_safety`); numbers stay numbers. All files are first
written in full to temporary files next to their final names and only then moved into
place, so a failure (disk full, unwritable folder) never leaves a partial file under a
final name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from practitioner.domain.csv_safety import Cell, csv_text
from practitioner.domain.outcomes import (
    CUSTOM_PREFIX,
    PSFS_AVERAGE,
    PSFS_MAX_ACTIVITIES,
    MeasureDefinition,
    PsfsActivity,
)
from practitioner.domain.patient import Patient
from practitioner.domain.session import Session
from practitioner.services.files import write_files_atomically
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService

SESSIONS_FILE, DIARY_FILE = "sessions", "diary"
DICTIONARY_COLUMNS = ("file", "column", "meaning", "unit", "range", "source")

# (column, meaning, unit, range, source) of the columns every export has.
_RECORD = "the patient's record"
_VISIT = "the session note"
SESSION_FIELDS: tuple[tuple[str, str, str, str, str], ...] = (
    ("patient_id", "The patient's number in this practice", "", "1 or more", _RECORD),
    ("patient_name", "The patient's name", "", "text", _RECORD),
    ("date_of_birth", "Date of birth", "date", "YYYY-MM-DD; empty when not recorded", _RECORD),
    ("session_id", "The visit's number", "", "1 or more", _VISIT),
    ("started_at", "When the visit started", "date and time",
     "ISO 8601 as stored", _VISIT),
    ("visit_minutes", "Length of the visit (not of a cramp)", "minutes", "0 or more; empty "
     "when not recorded", _VISIT),
    ("status", "Whether the note was still open or signed (final)", "", "open / final",
     _VISIT),
    ("practitioner", "Who saw the patient", "", "text", _VISIT),
    ("patterns", "TCM pattern codes recorded", "", "codes separated by '; '", _VISIT),
    ("points", "Points needled", "", "point codes separated by '; '", _VISIT),
    ("patient_report", "What the patient reported", "", "text", _VISIT),
    ("plan", "The plan", "", "text", _VISIT),
    ("notes", "Notes", "", "text", _VISIT),
)
_DIARY = "the patient's cramp diary"
DIARY_FIELDS: tuple[tuple[str, str, str, str, str], ...] = (
    ("patient_id", "The patient's number in this practice", "", "1 or more", _RECORD),
    ("patient_name", "The patient's name", "", "text", _RECORD),
    ("day", "The diary day", "date", "YYYY-MM-DD", _DIARY),
    ("cramps", "Cramps that day", "cramps", "0 to 200", _DIARY),
    ("worst_severity", "Worst cramp that day", "", "0 to 10 (0 = no pain, 10 = worst pain "
     "imaginable); empty when not recorded", _DIARY),
    ("total_minutes", "Minutes of cramp that day, all cramps together", "minutes",
     "0 to 1440; empty when not recorded", _DIARY),
    ("sleep_disturbed", "Whether cramps disturbed that night's sleep", "", "True / False",
     _DIARY),
    ("notes", "The patient's notes", "", "text", _DIARY),
)
SESSION_COLUMNS = tuple(field[0] for field in SESSION_FIELDS)
DIARY_COLUMNS = tuple(field[0] for field in DIARY_FIELDS)


@dataclass(frozen=True)
class CsvTables:
    """The text of the three CSV files."""

    sessions: str
    diary: str
    dictionary: str


def csv_paths(out: Path) -> tuple[Path, Path, Path]:
    """Where the sessions, diary and dictionary files go for `--out out`: beside it, named
    `<stem>-sessions.csv`, `<stem>-diary.csv`, `<stem>-dictionary.csv`
    (`report.csv` → `report-sessions.csv`, …)."""
    stem = out.stem if out.suffix.lower() == ".csv" else out.name
    return (out.with_name(f"{stem}-sessions.csv"), out.with_name(f"{stem}-diary.csv"),
            out.with_name(f"{stem}-dictionary.csv"))


def _measure_columns(definitions: Sequence[MeasureDefinition]) -> list[str]:
    """A column name per measure: the code of a standard one, the name of a custom one,
    made unique against every other column (a name may repeat a fixed column's)."""
    taken = {name.casefold() for name in SESSION_COLUMNS}
    names = []
    for definition in definitions:
        name = definition.name if definition.code.startswith(CUSTOM_PREFIX) else definition.code
        if name.casefold() in taken:
            name = f"{name} ({definition.code})"
        taken.add(name.casefold())
        names.append(name)
    return names


def _psfs_columns() -> list[str]:
    columns = [PSFS_AVERAGE.code]
    for number in range(1, PSFS_MAX_ACTIVITIES + 1):
        columns += [f"psfs_{number}_activity", f"psfs_{number}_rating"]
    return columns


def _dictionary(definitions: Sequence[MeasureDefinition], measure_columns: Sequence[str]
                ) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[SESSIONS_FILE, *field] for field in SESSION_FIELDS]
    for column, definition in zip(measure_columns, definitions, strict=True):
        custom = definition.code.startswith(CUSTOM_PREFIX)
        source = (f"A measure defined in this practice (code {definition.code})" if custom
                  else f"{definition.source} (code {definition.code})")
        rows.append([SESSIONS_FILE, column, definition.name, definition.unit,
                     f"{definition.low:g} to {definition.high:g} "
                     f"({definition.anchor_text()}); empty when not asked", source])
    rows.append([SESSIONS_FILE, PSFS_AVERAGE.code, PSFS_AVERAGE.name, "",
                 f"0 to 10 ({PSFS_AVERAGE.anchor_text()})", PSFS_AVERAGE.source])
    for number in range(1, PSFS_MAX_ACTIVITIES + 1):
        rows.append([SESSIONS_FILE, f"psfs_{number}_activity",
                     f"The patient's PSFS activity no. {number}, in their words", "", "text",
                     "the patient's PSFS activities"])
        rows.append([SESSIONS_FILE, f"psfs_{number}_rating",
                     f"Rating of PSFS activity no. {number} at this visit", "",
                     f"0 to 10 ({PSFS_AVERAGE.anchor_text()}); empty when not rated",
                     "Patient-Specific Functional Scale (Stratford 1995), the session note"])
    rows += [[DIARY_FILE, *field] for field in DIARY_FIELDS]
    return rows


def _session_row(patient: Patient, session: Session,
                 definitions: Sequence[MeasureDefinition],
                 activities: Sequence[PsfsActivity]) -> list[Cell]:
    data = session.data
    values = dict(data.measures.values)
    ratings = dict(data.measures.psfs)
    psfs: list[Cell] = [data.measures.psfs_average()]
    for index in range(PSFS_MAX_ACTIVITIES):
        activity = activities[index] if index < len(activities) else None
        psfs += ([None, None] if activity is None
                 else [activity.wording, ratings.get(activity.id)])
    return [
        patient.id, patient.data.name,
        patient.data.date_of_birth.isoformat() if patient.data.date_of_birth else None,
        session.id, data.started_at.isoformat(), data.duration_minutes,
        session.status.value, data.practitioner,
        "; ".join(sorted(p.value for p in data.patterns)),
        "; ".join(p.code for p in data.points),
        data.patient_report, data.plan, data.notes,
        *(values.get(d.code) for d in definitions),
        *psfs,
    ]


def csv_tables(
    patients: PatientService,
    patient_id: int | None = None,
    sessions: SessionService | None = None,
    outcomes: OutcomeService | None = None,
) -> CsvTables:
    """Every patient (archived included), or only `patient_id`, as the three CSV texts.

    Raises KnownError(NOT_FOUND) when `patient_id` names no patient.
    """
    records = [patients.get(patient_id)] if patient_id is not None else patients.all_patients()
    ids = [r.id for r in records]
    visits = (sessions or SessionService()).for_patients(ids)
    keeper = outcomes or OutcomeService()
    definitions = keeper.definitions()
    diaries = keeper.diary_for_patients(ids)
    activities = keeper.psfs_for_patients(ids)
    session_rows = [
        _session_row(p, s, definitions, activities[p.id])
        for p in records for s in visits.get(p.id, ())
    ]
    diary_rows: list[list[Cell]] = [
        [p.id, p.data.name, e.day.isoformat(), e.cramps, e.worst_severity, e.total_minutes,
         e.sleep_disturbed, e.notes]
        for p in records for e in diaries.get(p.id, ())
    ]
    measure_columns = _measure_columns(definitions)
    header = [*SESSION_COLUMNS, *measure_columns, *_psfs_columns()]
    return CsvTables(csv_text(header, session_rows), csv_text(DIARY_COLUMNS, diary_rows),
                     csv_text(DICTIONARY_COLUMNS, _dictionary(definitions, measure_columns)))


def export_csv(
    patients: PatientService,
    out: Path,
    patient_id: int | None = None,
    sessions: SessionService | None = None,
    outcomes: OutcomeService | None = None,
    before_replace: Callable[[], None] = lambda: None,
) -> tuple[Path, Path, Path]:
    """Write the sessions, diary and dictionary CSV files for `out` (see `csv_paths`);
    returns their paths. `before_replace`: see `write_files_atomically`."""
    tables = csv_tables(patients, patient_id, sessions, outcomes)
    paths = csv_paths(out)
    write_files_atomically(list(zip(paths, (tables.sessions, tables.diary, tables.dictionary),
                                    strict=True)), before_replace)
    return paths

"""The database's own guards on the outcome tables, tried with raw SQL past the services:
measure ranges, custom measures, PSFS activities and ratings, diary days, cascades."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import peewee
import pytest

from practitioner.db.base import database
from practitioner.db.dialect import is_postgres, portable
from practitioner.domain.outcomes import STANDARD_MEASURES, MeasureDefinition
from practitioner.services.patients import PatientService
from tests.helpers.demo_inputs import ann

STAMP = "2025-01-15 09:30:00"


def _sql(statement: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    cursor = database.execute_sql(portable(statement), params)
    return list(cursor.fetchall()) if cursor.description else []


def _flag(value: object) -> object:
    """A boolean column's value: SQLite takes 0 and 1, PostgreSQL a real boolean (and
    refuses anything else by its type)."""
    return bool(value) if is_postgres() and value in (0, 1) else value


def _whole_only_on_sqlite(value: object) -> None:
    if is_postgres() and isinstance(value, float) and not value.is_integer():
        pytest.skip("PostgreSQL's INTEGER column rounds a fraction on assignment; the "
                    "services refuse one before it gets there")


def _count(table: str) -> int:
    return int(_sql(f"SELECT count(*) FROM {table}")[0][0])


def _session(patient_id: int) -> int:
    _sql(
        "INSERT INTO treatment_session (patient_id, started_at, course_since_last, "
        "patient_report, tongue_notes, pulse_positions, pulse_notes, pattern_other, "
        "principle_notes, herbal_formula, advice_notes, plan, notes, status, finalised_by, "
        "version, created_at, updated_at, practitioner) "
        "VALUES (?, '2025-01-14 10:00:00', '', '', '', '[]', '', '', '', '', '', '', '', "
        "'open', '', 1, ?, ?, '')",
        (patient_id, STAMP, STAMP),
    )
    return int(_sql("SELECT max(id) FROM treatment_session")[0][0])


def _custom(name: str = "Stairs climbed", low: float = 0, high: float = 20,
            integer: int = 1, mic: float | None = 2) -> int:
    _sql(
        "INSERT INTO custom_measure (name, unit, low, high, \"integer\", lower_is_better, "
        "minimal_important_change, created_at, updated_at) "
        "VALUES (?, '', ?, ?, ?, FALSE, ?, ?, ?)",
        (name, low, high, _flag(integer), mic, STAMP, STAMP),
    )
    return int(_sql("SELECT max(id) FROM custom_measure")[0][0])


def _activity(patient_id: int, position: int = 0, wording: str = "Walking the dog") -> int:
    _sql("INSERT INTO psfs_activity (patient_id, position, wording) VALUES (?, ?, ?)",
         (patient_id, position, wording))
    return int(_sql("SELECT max(id) FROM psfs_activity")[0][0])


@pytest.fixture
def patient_id(patients: PatientService) -> int:
    return patients.create(ann()).id


@pytest.fixture
def session_id(patient_id: int) -> int:
    return _session(patient_id)


@contextlib.contextmanager
def _refusal() -> Iterator[None]:
    """The database refuses what the block writes. PostgreSQL's column types refuse text
    in a number column (DataError) and a number in a boolean one (datatype_mismatch)
    before any CHECK is reached."""
    with pytest.raises((peewee.IntegrityError, peewee.DataError,
                        peewee.ProgrammingError)) as caught:
        yield
    if isinstance(caught.value, peewee.ProgrammingError):
        cause = caught.value.__cause__ or caught.value.__context__
        assert getattr(cause, "sqlstate", None) == "42804", caught.value


def _refused(table: str, statement: str, params: Sequence[object]) -> None:
    before = _count(table)
    with _refusal():
        _sql(statement, params)
    assert _count(table) == before


# --- session_measure ----------------------------------------------------------------------

MEASURE = "INSERT INTO session_measure (session_id, code, value) VALUES (?, ?, ?)"


@pytest.mark.parametrize(
    ("code", "value"),
    [("cramps_per_week", 0), ("cramps_per_week", 500), ("worst_severity", 10),
     ("duration_minutes", 2.5), ("duration_minutes", 1440), ("disturbed_nights", 7),
     ("sleep_disturbance", 0), ("pgic", 1), ("pgic", 7)],
    ids=repr,
)
def test_a_standard_measure_within_its_range_is_accepted(
    session_id: int, code: str, value: float
) -> None:
    _sql(MEASURE, (session_id, code, value))
    assert _sql("SELECT code, value FROM session_measure") == [(code, float(value))]


@pytest.mark.parametrize(
    ("code", "value"),
    [("worst_severity", 11), ("worst_severity", -1), ("worst_severity", 5.5),
     ("cramps_per_week", -1), ("cramps_per_week", 501), ("cramps_per_week", 2.5),
     ("duration_minutes", -0.5), ("duration_minutes", 1441), ("disturbed_nights", 8),
     ("sleep_disturbance", 10.5), ("pgic", 0), ("pgic", 8),
     ("worst_severity", math.inf), ("duration_minutes", -math.inf),
     ("worst_severity", math.nan), ("worst_severity", None), ("worst_severity", "five"),
     ("no_such_measure", 1), ("custom:", 1), ("custom:x1", 1), ("custom:0", 1), ("", 1)],
    ids=repr,
)
def test_the_database_refuses_a_measure_out_of_range_or_unknown(
    session_id: int, code: str, value: object
) -> None:
    _refused("session_measure", MEASURE, (session_id, code, value))


@pytest.mark.parametrize("definition", STANDARD_MEASURES, ids=lambda d: d.code)
def test_the_database_holds_each_standard_measure_to_the_domains_range(
    session_id: int, definition: MeasureDefinition
) -> None:
    # The migration freezes the ranges as literals; this keeps them in step with the domain.
    for value in (definition.low - 1, definition.high + 1,
                  *((definition.low + 0.5,) if definition.integer else ())):
        _refused("session_measure", MEASURE, (session_id, definition.code, value))
    for value in (definition.low, definition.high):
        _sql(MEASURE, (session_id, definition.code, value))
        _sql("DELETE FROM session_measure")


def test_a_measure_is_recorded_once_per_session(session_id: int) -> None:
    _sql(MEASURE, (session_id, "pgic", 3))
    _refused("session_measure", MEASURE, (session_id, "pgic", 4))


@pytest.mark.parametrize(("value", "accepted"), [(0, True), (20, True), (21, False),
                                                 (-1, False), (2.5, False), ("x", False)])
def test_a_custom_measure_value_must_fit_that_measure(
    session_id: int, value: object, accepted: bool
) -> None:
    code = f"custom:{_custom()}"
    if accepted:
        _sql(MEASURE, (session_id, code, value))
        assert _count("session_measure") == 1
    else:
        _refused("session_measure", MEASURE, (session_id, code, value))


def test_a_value_of_an_undefined_custom_measure_is_refused(session_id: int) -> None:
    _refused("session_measure", MEASURE, (session_id, "custom:99", 1))


def test_updating_a_value_out_of_range_is_refused(session_id: int) -> None:
    code = f"custom:{_custom(integer=0)}"
    _sql(MEASURE, (session_id, code, 1.5))
    _sql(MEASURE, (session_id, "worst_severity", 5))
    with pytest.raises(peewee.IntegrityError):
        _sql("UPDATE session_measure SET value = 30 WHERE code = ?", (code,))
    with pytest.raises(peewee.IntegrityError):
        _sql("UPDATE session_measure SET value = 12 WHERE code = 'worst_severity'")
    assert sorted(_sql("SELECT value FROM session_measure")) == [(1.5,), (5.0,)]


# --- custom_measure -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [{"name": ""}, {"name": "   "}, {"low": 5, "high": 5}, {"low": 6, "high": 5},
     {"mic": -1}, {"integer": 2}, {"high": math.inf}, {"low": math.nan}],
    ids=repr,
)
def test_the_database_refuses_a_malformed_custom_measure(
    db_path: Path, changes: dict[str, object]
) -> None:
    with _refusal():
        _custom(**changes)  # type: ignore[arg-type]
    assert _count("custom_measure") == 0


def test_custom_measure_names_are_unique(db_path: Path) -> None:
    _custom("Stairs")
    with pytest.raises(peewee.IntegrityError):
        _custom("Stairs")
    assert _count("custom_measure") == 1


def test_a_custom_measure_cannot_be_narrowed_under_recorded_values(session_id: int) -> None:
    measure = _custom(integer=0)
    _sql(MEASURE, (session_id, f"custom:{measure}", 12.5))
    for change in ("high = 10", '"integer" = TRUE', "low = 13"):
        with pytest.raises(peewee.IntegrityError, match="CHECK"):
            _sql(f"UPDATE custom_measure SET {change} WHERE id = ?", (measure,))
    _sql("UPDATE custom_measure SET high = 12.5, name = 'Renamed' WHERE id = ?", (measure,))
    with pytest.raises(peewee.IntegrityError, match="CHECK"):
        _sql("DELETE FROM custom_measure WHERE id = ?", (measure,))
    assert _sql("SELECT name, low, high FROM custom_measure") == [("Renamed", 0.0, 12.5)]


def test_an_unused_custom_measure_can_be_removed(db_path: Path) -> None:
    measure = _custom()
    _sql("DELETE FROM custom_measure WHERE id = ?", (measure,))
    assert _count("custom_measure") == 0


# --- PSFS activities and ratings ----------------------------------------------------------

ACTIVITY = "INSERT INTO psfs_activity (patient_id, position, wording) VALUES (?, ?, ?)"
RATING = "INSERT INTO session_psfs (session_id, activity_id, rating) VALUES (?, ?, ?)"


@pytest.mark.parametrize(("position", "wording"),
                         [(5, "Running"), (-1, "Running"), (0, ""), (0, "  "), (0, None)],
                         ids=repr)
def test_the_database_refuses_a_malformed_activity(
    patient_id: int, position: int, wording: str | None
) -> None:
    _refused("psfs_activity", ACTIVITY, (patient_id, position, wording))


def test_each_activity_position_is_taken_once_per_patient(
    patient_id: int, patients: PatientService
) -> None:
    _activity(patient_id, 0)
    _refused("psfs_activity", ACTIVITY, (patient_id, 0, "Another"))
    other = patients.create(ann(name="Bob Ray")).id
    _activity(other, 0)
    assert _count("psfs_activity") == 2


@pytest.mark.parametrize(("rating", "accepted"),
                         [(0, True), (10, True), (11, False), (-1, False), (2.5, False),
                          ("high", False), (None, False)], ids=repr)
def test_a_psfs_rating_is_a_whole_number_from_0_to_10(
    session_id: int, patient_id: int, rating: object, accepted: bool
) -> None:
    _whole_only_on_sqlite(rating)
    activity = _activity(patient_id)
    if accepted:
        _sql(RATING, (session_id, activity, rating))
        assert _count("session_psfs") == 1
    else:
        _refused("session_psfs", RATING, (session_id, activity, rating))


def test_a_session_cannot_rate_another_patients_activity(
    session_id: int, patients: PatientService
) -> None:
    other = patients.create(ann(name="Bob Ray")).id
    theirs = _activity(other)
    with pytest.raises(peewee.IntegrityError, match="another patient"):
        _sql(RATING, (session_id, theirs, 5))
    assert _count("session_psfs") == 0


def test_an_activity_is_rated_once_per_session(session_id: int, patient_id: int) -> None:
    activity = _activity(patient_id)
    _sql(RATING, (session_id, activity, 5))
    _refused("session_psfs", RATING, (session_id, activity, 6))


# --- diary_entry --------------------------------------------------------------------------

DIARY = (
    "INSERT INTO diary_entry (patient_id, day, cramps, worst_severity, total_minutes, "
    "sleep_disturbed, notes) VALUES (?, ?, ?, ?, ?, ?, '')"
)
GOOD_DAY: dict[str, object] = {"day": "2025-01-10", "cramps": 2, "worst_severity": 6,
                               "total_minutes": 4.5, "sleep_disturbed": 1}


def _diary_params(patient_id: int, **changes: object) -> tuple[object, ...]:
    row = {**GOOD_DAY, **changes}
    return (patient_id, row["day"], row["cramps"], row["worst_severity"],
            row["total_minutes"], _flag(row["sleep_disturbed"]))


def test_a_valid_diary_day_is_accepted(patient_id: int) -> None:
    _sql(DIARY, _diary_params(patient_id))
    _sql(DIARY, _diary_params(patient_id, day="2025-01-11", cramps=0, worst_severity=None,
                              total_minutes=None, sleep_disturbed=0))
    assert _count("diary_entry") == 2


@pytest.mark.parametrize(
    "changes",
    [{"cramps": -1}, {"cramps": 201}, {"cramps": 2.5}, {"cramps": None}, {"cramps": "two"},
     {"worst_severity": 11}, {"worst_severity": -1}, {"worst_severity": 4.5},
     {"total_minutes": 1441}, {"total_minutes": -1}, {"total_minutes": math.inf},
     {"day": "2025-13-01"}, {"day": "10.01.2025"}, {"day": "2025-02-30"}, {"day": None},
     {"sleep_disturbed": 2}],
    ids=repr,
)
def test_the_database_refuses_a_bad_diary_day(
    patient_id: int, changes: dict[str, object]
) -> None:
    for value in changes.values():
        _whole_only_on_sqlite(value)
    if is_postgres() and changes.get("day") == "10.01.2025":
        pytest.skip("PostgreSQL's DATE reads 10.01.2025 by its DateStyle; the services "
                    "pass dates, never text")
    _refused("diary_entry", DIARY, _diary_params(patient_id, **changes))


def test_a_diary_day_is_kept_once_per_patient(patient_id: int) -> None:
    _sql(DIARY, _diary_params(patient_id))
    _refused("diary_entry", DIARY, _diary_params(patient_id, cramps=5))


# --- cascades -----------------------------------------------------------------------------


def test_removing_a_patient_removes_their_outcomes(session_id: int, patient_id: int) -> None:
    activity = _activity(patient_id)
    _sql(RATING, (session_id, activity, 4))
    _sql(MEASURE, (session_id, "worst_severity", 4))
    _sql(DIARY, _diary_params(patient_id))

    _sql("DELETE FROM patient WHERE id = ?", (patient_id,))

    for table in ("session_measure", "psfs_activity", "session_psfs", "diary_entry"):
        assert _count(table) == 0, table


def test_removing_a_session_removes_its_measures_only(session_id: int, patient_id: int) -> None:
    activity = _activity(patient_id)
    _sql(RATING, (session_id, activity, 4))
    _sql(MEASURE, (session_id, "worst_severity", 4))

    _sql("DELETE FROM treatment_session WHERE id = ?", (session_id,))

    assert (_count("session_measure"), _count("session_psfs")) == (0, 0)
    assert _count("psfs_activity") == 1

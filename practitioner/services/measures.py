"""Outcome measures as stored: read, written and checked alongside a session.

Shared by `SessionService` (which saves a visit's measures in the visit's transaction) and
`OutcomeService` (which reads them for progress and the caseload). Functions here run
inside the caller's `translated_errors()` and transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from practitioner.db.models import (
    CustomMeasureRow,
    DiaryEntryRow,
    PsfsActivityRow,
    SessionMeasureRow,
    SessionPsfsRow,
    SessionRow,
)
from practitioner.domain.outcomes import (
    CUSTOM_PREFIX,
    STANDARD_MEASURES,
    DiaryEntry,
    MeasureDefinition,
    SessionMeasures,
    validate_measures,
)
from practitioner.domain.session import SessionInput
from practitioner.domain.validation import FieldError

# Ids per IN (...) query: well under SQLite's smallest limit on bound variables.
CHUNK = 500

CUSTOM_SOURCE = "Defined by the practitioner."

T = TypeVar("T")


def chunks(items: list[T]) -> Iterator[list[T]]:
    """`items` in slices small enough for one IN (...) each."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def tuples(query: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of `query` as plain tuples (fast; no model objects are built)."""
    found: Iterator[tuple[Any, ...]] = iter(query.tuples())
    return found


def custom_code(measure_id: int) -> str:
    """The measure code of custom measure `measure_id`."""
    return f"{CUSTOM_PREFIX}{measure_id}"


def definition_from_row(row: CustomMeasureRow) -> MeasureDefinition:
    """A custom measure as the domain sees it."""
    return MeasureDefinition(
        code=custom_code(row.id),
        name=row.name,
        unit=row.unit,
        low=row.low,
        high=row.high,
        integer=bool(row.integer),
        lower_is_better=bool(row.lower_is_better),
        minimal_important_change=row.minimal_important_change,
        source=CUSTOM_SOURCE,
    )


def all_definitions() -> list[MeasureDefinition]:
    """The standard measures, then the custom ones in the order they were defined."""
    custom = CustomMeasureRow.select().order_by(CustomMeasureRow.id)
    return [*STANDARD_MEASURES, *(definition_from_row(row) for row in custom)]


def normalised(measures: SessionMeasures) -> SessionMeasures:
    """`measures` as they read back once stored: sorted by code and activity, as floats."""
    return SessionMeasures(
        values=tuple(sorted((code, float(value)) for code, value in measures.values)),
        psfs=tuple(sorted((int(a), float(rating)) for a, rating in measures.psfs)),
    )


def _gather(values: Any, ratings: Any) -> dict[int, SessionMeasures]:
    found_values: dict[int, list[tuple[str, float]]] = {}
    found_psfs: dict[int, list[tuple[int, float]]] = {}
    for row in tuples(values):
        session_id, code, value = row
        found_values.setdefault(session_id, []).append((code, float(value)))
    for row in tuples(ratings):
        session_id, activity_id, rating = row
        found_psfs.setdefault(session_id, []).append((activity_id, float(rating)))
    return {
        session_id: SessionMeasures(
            values=tuple(sorted(found_values.get(session_id, ()))),
            psfs=tuple(sorted(found_psfs.get(session_id, ()))),
        )
        for session_id in found_values.keys() | found_psfs.keys()
    }


def _values_query() -> Any:
    return SessionMeasureRow.select(
        SessionMeasureRow.session, SessionMeasureRow.code, SessionMeasureRow.value
    )


def _ratings_query() -> Any:
    return SessionPsfsRow.select(
        SessionPsfsRow.session, SessionPsfsRow.activity, SessionPsfsRow.rating
    )


def measures_for_sessions(session_ids: Iterable[int]) -> dict[int, SessionMeasures]:
    """Stored measures by session id (sessions without any are left out); two queries per
    500 sessions."""
    ids = list(session_ids)
    found: dict[int, SessionMeasures] = {}
    for chunk in chunks(ids):
        found.update(
            _gather(
                _values_query().where(SessionMeasureRow.session.in_(chunk)),
                _ratings_query().where(SessionPsfsRow.session.in_(chunk)),
            )
        )
    return found


def measures_for_select(sessions: Any) -> dict[int, SessionMeasures]:
    """Stored measures of the sessions a sub-select of session ids picks; two queries."""
    return _gather(
        _values_query().where(SessionMeasureRow.session.in_(sessions)),
        _ratings_query().where(SessionPsfsRow.session.in_(sessions)),
    )


def write_measures(session_id: int, measures: SessionMeasures) -> None:
    """Store a visit's measures (the caller removed any earlier ones)."""
    values = [
        {"session": session_id, "code": code, "value": float(value)}
        for code, value in measures.values
    ]
    if values:
        SessionMeasureRow.insert_many(values).execute()
    ratings = [
        {"session": session_id, "activity": activity_id, "rating": int(rating)}
        for activity_id, rating in measures.psfs
    ]
    if ratings:
        SessionPsfsRow.insert_many(ratings).execute()


def delete_measures(session_id: int) -> None:
    """Remove a visit's stored measures, to be written again."""
    for model in (SessionMeasureRow, SessionPsfsRow):
        model.delete().where(model.session == session_id).execute()


def _repeated(items: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    twice: list[Any] = []
    for item in items:
        if item in seen and item not in twice:
            twice.append(item)
        seen.add(item)
    return twice


def measure_errors(
    patient_id: int, session_id: int | None, data: SessionInput
) -> list[FieldError]:
    """Every problem with the measures of visit `data` of `patient_id`.

    `session_id` is the visit being changed (None for a new one): it does not count as
    an earlier visit when deciding whether this is the patient's first session.
    """
    measures = data.measures
    if measures.is_empty():
        return []
    codes = [code for code, _ in measures.values]
    errors = [
        FieldError(f"measures.{code}", "This measure is recorded twice.")
        for code in _repeated(codes)
    ]
    definitions: list[MeasureDefinition] = list(STANDARD_MEASURES)
    if any(code.startswith(CUSTOM_PREFIX) for code in codes):
        definitions = all_definitions()
    later_only = {d.code for d in definitions if d.from_second_session}
    first_session = False
    if later_only & set(codes):
        earlier = SessionRow.select(SessionRow.id).where(
            (SessionRow.patient == patient_id)
            & (SessionRow.started_at < data.started_at.replace(microsecond=0))
        )
        if session_id is not None:
            earlier = earlier.where(SessionRow.id != session_id)
        first_session = not earlier.exists()
    problems = validate_measures(measures, definitions, first_session=first_session)
    errors += [FieldError(f"measures.{code}", message) for code, message in problems]
    activity_ids = [activity_id for activity_id, _ in measures.psfs]
    errors += [
        FieldError(f"measures.psfs.{activity_id}", "This activity is rated twice.")
        for activity_id in _repeated(activity_ids)
    ]
    if activity_ids:
        own = {
            row.id
            for row in PsfsActivityRow.select(PsfsActivityRow.id).where(
                PsfsActivityRow.patient == patient_id
            )
        }
        errors += [
            FieldError(f"measures.psfs.{activity_id}",
                       "This activity is not one of the patient's PSFS activities.")
            for activity_id in dict.fromkeys(activity_ids)
            if activity_id not in own
        ]
    return errors


def diary_from_values(
    day: dt.date | str,
    cramps: int,
    worst_severity: int | None,
    total_minutes: float | None,
    sleep_disturbed: bool | int,
    notes: str,
) -> DiaryEntry:
    """A diary day as the domain sees it, from its stored column values."""
    return DiaryEntry(
        day=day if isinstance(day, dt.date) else dt.date.fromisoformat(day),
        cramps=cramps,
        worst_severity=worst_severity,
        total_minutes=total_minutes,
        sleep_disturbed=bool(sleep_disturbed),
        notes=notes,
    )


def diary_from_row(row: DiaryEntryRow) -> DiaryEntry:
    """A diary day as the domain sees it."""
    return diary_from_values(row.day, row.cramps, row.worst_severity, row.total_minutes,
                             row.sleep_disturbed, row.notes)


def diary_row(patient_id: int, entry: DiaryEntry) -> dict[str, Any]:
    """The column values storing `entry` for `patient_id`."""
    return {
        "patient": patient_id,
        "day": entry.day,
        "cramps": entry.cramps,
        "worst_severity": entry.worst_severity,
        "total_minutes": None if entry.total_minutes is None else float(entry.total_minutes),
        "sleep_disturbed": bool(entry.sleep_disturbed),
        "notes": entry.notes,
    }

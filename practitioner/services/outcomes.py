"""Use cases on outcomes: measure definitions, PSFS activities, the cramp diary, progress
against baseline, and every patient's course for the caseload views.

PSFS activities follow one documented rule when the list is changed
(`set_psfs_activities`): an activity whose wording is kept keeps its id and ratings,
moving if its place in the list moved; a new wording in the place of an activity that
is no longer listed is a rewording of it, and keeps its id and ratings too; any other
activity that is no longer listed is removed, which is refused if it was ever rated
(its ratings belong to recorded, possibly signed, visits).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import peewee

from practitioner.db.dialect import is_postgres
from practitioner.db.errors import translated_errors
from practitioner.db.models import (
    CustomMeasureRow,
    DiaryEntryRow,
    PatientRow,
    PsfsActivityRow,
    SessionCodeRow,
    SessionMeasureRow,
    SessionPointRow,
    SessionPsfsRow,
    SessionRow,
)
from practitioner.db.transactions import write_transaction
from practitioner.domain.audit import AuditAction
from practitioner.domain.caseload import PatientCourse, VisitSummary
from practitioner.domain.conflicts import EditConflict, EditConflictError
from practitioner.domain.diary_progress import progress_with_diary
from practitioner.domain.outcomes import (
    PSFS_MAX_ACTIVITIES,
    STANDARD_MEASURES,
    DiaryEntry,
    DiaryWeek,
    MeasureDefinition,
    Progress,
    PsfsActivity,
    SessionMeasures,
    Thresholds,
    diary_weeks,
    validate_diary_entry,
)
from practitioner.domain.session import Pattern, Session
from practitioner.domain.validation import FieldError, ValidationError
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.clock import Clock, aware, utc_now
from practitioner.services.conflicts import claim, last_change
from practitioner.services.measures import (
    all_definitions,
    chunks,
    custom_code,
    definition_from_row,
    diary_from_row,
    diary_from_values,
    diary_row,
    measures_for_select,
    tuples,
)

NAME_MAX_LENGTH = 100
UNIT_MAX_LENGTH = 40
WORDING_MAX_LENGTH = 200
# Rows per INSERT: 8 columns each, well under SQLite's smallest limit on bound variables.
_DIARY_BATCH = 100


def progress_of(
    sessions: Iterable[Session],
    definitions: Sequence[MeasureDefinition],
    diary: Sequence[DiaryEntry] = (),
    thresholds: Thresholds = Thresholds(),
) -> Progress:
    """Baseline-anchored progress over stored sessions (in any order) and the diary (oldest
    day first), as `OutcomeService.progress` works it out."""
    visits = sorted(
        ((s.data.started_at, s.id, s.data.measures) for s in sessions), key=lambda v: v[:2]
    )
    return progress_with_diary([(at.date(), m) for at, _, m in visits], definitions,
                               thresholds, diary)


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _dates(days: Iterable[dt.date]) -> str:
    return ", ".join(day.isoformat() for day in sorted(days))


class OutcomeService:
    """Reads and records outcomes; each change is one transaction.

    `today` is the practitioner's local date, against which diary days are checked.
    """

    def __init__(
        self, clock: Clock = utc_now, today: Callable[[], dt.date] = dt.date.today,
        audit: AuditService | None = None,
    ) -> None:
        self._clock = clock
        self._today = today
        self._audit = audit or AuditService(clock=clock)

    # -- measure definitions ----------------------------------------------------------

    def definitions(self) -> list[MeasureDefinition]:
        """The standard measures, then the practitioner's own (code `custom:<id>`)."""
        with translated_errors():
            return all_definitions()

    def save_custom_measure(
        self,
        name: str,
        unit: str,
        low: float,
        high: float,
        integer: bool,
        lower_is_better: bool,
        minimal_important_change: float | None,
        measure_id: int | None = None,
        expected_version: int | None = None,
    ) -> MeasureDefinition:
        """Define a measure, or change measure `measure_id`. Raises ValidationError on bad
        input, a name already in use, or a new range that recorded values fall outside.

        A change names the `expected_version` it was loaded at (`custom_measure_version`);
        when the stored measure has moved on since, `EditConflictError` is raised and
        nothing is written.
        """
        name, unit = name.strip(), unit.strip()
        errors = self.custom_measure_errors(name, unit, low, high, integer,
                                             minimal_important_change)
        now = self._clock()
        with translated_errors(), write_transaction():
            row: CustomMeasureRow | None = None
            if measure_id is not None:
                row = CustomMeasureRow.get_or_none(CustomMeasureRow.id == measure_id)
                if row is None:
                    raise KnownError(ErrorKind.NOT_FOUND, "That measure no longer exists.")
            errors += self._name_errors(name, measure_id)
            if row is not None and not errors:
                errors += self._recorded_outside(row.id, low, high, integer)
            if errors:
                raise ValidationError(errors)
            fields = {
                "name": name,
                "unit": unit,
                "low": float(low),
                "high": float(high),
                "integer": integer,
                "lower_is_better": lower_is_better,
                "minimal_important_change": (
                    None if minimal_important_change is None
                    else float(minimal_important_change)
                ),
                "updated_at": now,
            }
            if row is None:
                row = CustomMeasureRow.create(created_at=now, **fields)
                action = AuditAction.CREATE
            else:
                base = row.version if expected_version is None else expected_version
                if row.version == base and all(
                    getattr(row, key) == value for key, value in fields.items()
                    if key != "updated_at"
                ):
                    return definition_from_row(row)  # unedited: no new version, no audit
                if not claim(CustomMeasureRow, CustomMeasureRow.id == row.id, base):
                    raise self._measure_conflict(row.id, base)
                for key, value in fields.items():
                    setattr(row, key, value)
                row.version = base + 1
                row.save()
                action = AuditAction.UPDATE
            self._audit.record(action, entity="custom_measure", entity_id=row.id)
            return definition_from_row(row)

    def custom_measure_version(self, measure_id: int) -> int:
        """The stored version of custom measure `measure_id`."""
        with translated_errors():
            row = CustomMeasureRow.get_or_none(CustomMeasureRow.id == measure_id)
        if row is None:
            raise KnownError(ErrorKind.NOT_FOUND, "That measure no longer exists.")
        return int(row.version)

    @staticmethod
    def _measure_conflict(measure_id: int, expected_version: int) -> EditConflictError:
        row = CustomMeasureRow.get(CustomMeasureRow.id == measure_id)
        theirs = definition_from_row(row)
        author, saved_at = last_change("custom_measure", measure_id)
        return EditConflictError(
            EditConflict("custom_measure", measure_id, expected_version, theirs, theirs,
                         int(row.version), author, saved_at or aware(row.updated_at)),
            f"The measure “{row.name}” was changed elsewhere since it was shown. Nothing "
            "was overwritten: reload the measures and make your change again.",
        )

    @staticmethod
    def custom_measure_errors(
        name: str, unit: str, low: float, high: float, integer: bool,
        minimal_important_change: float | None,
    ) -> list[FieldError]:
        errors: list[FieldError] = []
        if not name:
            errors.append(FieldError("name", "A measure needs a name."))
        elif len(name) > NAME_MAX_LENGTH:
            errors.append(FieldError("name", f"A name can be at most {NAME_MAX_LENGTH} "
                                             "characters."))
        if len(unit) > UNIT_MAX_LENGTH:
            errors.append(FieldError("unit", f"A unit can be at most {UNIT_MAX_LENGTH} "
                                             "characters."))
        bounds_ok = True
        for field, value in (("low", low), ("high", high)):
            if not _finite(value):
                errors.append(FieldError(field, "Enter a number."))
                bounds_ok = False
            elif integer and not float(value).is_integer():
                errors.append(FieldError(field, "A whole-number measure needs whole-number "
                                                "limits."))
                bounds_ok = False
        if bounds_ok and not low < high:
            errors.append(FieldError("high", "The highest value must be above the lowest."))
        mic = minimal_important_change
        if mic is not None:
            if not _finite(mic) or mic < 0:
                errors.append(FieldError("minimal_important_change",
                                         "The minimal important change is a number of 0 or "
                                         "more."))
            elif bounds_ok and low < high and mic > high - low:
                errors.append(FieldError("minimal_important_change",
                                         "The minimal important change is larger than the "
                                         "whole range."))
        return errors

    @staticmethod
    def _name_errors(name: str, measure_id: int | None) -> list[FieldError]:
        if not name:
            return []
        key = name.casefold()
        if any(d.name.casefold() == key for d in STANDARD_MEASURES):
            return [FieldError("name", f"“{name}” is a standard measure already.")]
        # Names differing only in case are the same name to a reader. The table is small,
        # and SQL lower() folds ASCII letters only, so the comparison is made here.
        others = CustomMeasureRow.select(CustomMeasureRow.id, CustomMeasureRow.name)
        if any(row.name.casefold() == key and row.id != measure_id for row in others):
            return [FieldError("name", f"There is already a measure called “{name}”.")]
        return []

    @staticmethod
    def _recorded_outside(
        measure_id: int, low: float, high: float, integer: bool
    ) -> list[FieldError]:
        value = SessionMeasureRow.value
        outside = (value < low) | (value > high)
        if integer:
            outside |= value != peewee.fn.round(value)
        count = (
            SessionMeasureRow.select()
            .where((SessionMeasureRow.code == custom_code(measure_id)) & outside)
            .count()
        )
        if not count:
            return []
        visits = "visit" if count == 1 else "visits"
        return [FieldError("low", f"{count} recorded {visits} would fall outside the new "
                                  "range; widen it or correct those visits first.")]

    # -- PSFS activities --------------------------------------------------------------

    def psfs_activities(self, patient_id: int) -> list[PsfsActivity]:
        """The patient's PSFS activities in their order."""
        return self.psfs_for_patients([patient_id])[patient_id]

    def psfs_for_patients(self, patient_ids: Iterable[int]) -> dict[int, list[PsfsActivity]]:
        """Each patient's PSFS activities in order, one query per 500 patients."""
        ids = list(dict.fromkeys(patient_ids))
        found: dict[int, list[PsfsActivity]] = {i: [] for i in ids}
        with translated_errors():
            for chunk in chunks(ids):
                query = (
                    PsfsActivityRow.select()
                    .where(PsfsActivityRow.patient.in_(chunk))
                    .order_by(PsfsActivityRow.patient, PsfsActivityRow.position)
                )
                for row in query:
                    found[row.patient_id].append(PsfsActivity(row.id, row.wording))
        return found

    def set_psfs_activities(self, patient_id: int, wordings: Sequence[str],
                            expected: Sequence[PsfsActivity] | None = None) -> (
        list[PsfsActivity]
    ):
        """Replace the patient's activity list with `wordings`, in order (see the module's
        rule on which activities keep their ids and ratings). Raises ValidationError.

        `expected` is the list as it was shown; when the stored list has changed since
        (another workstation saved it), `EditConflictError` is raised with both lists
        and nothing is written. The list is edited as a whole, so it is checked whole.
        """
        cleaned = [w.strip() for w in wordings]
        errors: list[FieldError] = []
        if len(cleaned) > PSFS_MAX_ACTIVITIES:
            errors.append(FieldError("psfs", f"At most {PSFS_MAX_ACTIVITIES} activities."))
        seen: set[str] = set()
        for index, wording in enumerate(cleaned):
            if not wording:
                errors.append(FieldError(f"psfs.{index}", "Describe the activity."))
            elif len(wording) > WORDING_MAX_LENGTH:
                errors.append(FieldError(f"psfs.{index}", f"At most {WORDING_MAX_LENGTH} "
                                                          "characters."))
            elif wording.casefold() in seen:
                errors.append(FieldError(f"psfs.{index}", "This activity is listed twice."))
            seen.add(wording.casefold())
        if errors:
            raise ValidationError(errors)
        with translated_errors(), write_transaction():
            self._require_patient(patient_id, lock=True)
            current = list(
                PsfsActivityRow.select()
                .where(PsfsActivityRow.patient == patient_id)
                .order_by(PsfsActivityRow.position)
            )
            stored = [PsfsActivity(row.id, row.wording) for row in current]
            if expected is not None and stored != list(expected):
                author, saved_at = last_change("psfs_activity", None, patient_id=patient_id)
                raise EditConflictError(
                    EditConflict("psfs_activity", patient_id, 0,
                                 tuple(PsfsActivity(0, w) for w in cleaned), tuple(stored),
                                 0, author, saved_at),
                    "The patient's activities were changed elsewhere since they were shown. "
                    "Nothing was overwritten: they are shown again as stored; make your "
                    "change again.",
                )
            kept = self._match_activities(current, cleaned)
            removed = [row for row in current if row.id not in kept.values()]
            rated = {
                r.activity_id
                for r in SessionPsfsRow.select(SessionPsfsRow.activity).where(
                    SessionPsfsRow.activity.in_([row.id for row in removed])
                )
            } if removed else set()
            refused = [
                FieldError("psfs", f"“{row.wording}” was rated at earlier visits and cannot "
                                   "be removed; reword it instead.")
                for row in removed if row.id in rated
            ]
            if refused:
                raise ValidationError(refused)
            before = [(row.id, row.wording) for row in current]
            after = [(kept.get(index), wording) for index, wording in enumerate(cleaned)]
            if after != before:
                self._rewrite_activities(patient_id, cleaned, kept)
                self._audit.record(AuditAction.UPDATE, entity="psfs_activity",
                                   patient_id=patient_id, detail=f"{len(cleaned)} activities")
        return self.psfs_activities(patient_id)

    @staticmethod
    def _match_activities(current: list[Any], wordings: list[str]) -> dict[int, int]:
        """New list position -> id of the stored activity kept there."""
        kept: dict[int, int] = {}
        by_wording = {row.wording: row for row in current}
        for index, wording in enumerate(wordings):
            row = by_wording.get(wording)
            if row is not None:
                kept[index] = row.id
        used = set(kept.values())
        for row in current:
            if row.id in used:
                continue
            index = row.position
            if index < len(wordings) and index not in kept:
                kept[index] = row.id  # Reworded in place.
                used.add(row.id)
        return kept

    @staticmethod
    def _rewrite_activities(patient_id: int, wordings: list[str], kept: dict[int, int]) -> None:
        # (patient, position) is unique and positions are 0–4, so activities cannot be
        # moved past each other in place: the list is written again, kept activities with
        # their ids, and their ratings (dropped by the cascade) restored.
        kept_ids = list(kept.values())
        ratings = [
            {"session": r.session_id, "activity": r.activity_id, "rating": r.rating}
            for r in SessionPsfsRow.select().where(SessionPsfsRow.activity.in_(kept_ids))
        ] if kept_ids else []
        PsfsActivityRow.delete().where(PsfsActivityRow.patient == patient_id).execute()
        for index, wording in enumerate(wordings):
            ids = {"id": kept[index]} if index in kept else {}
            PsfsActivityRow.insert(
                patient=patient_id, position=index, wording=wording, **ids
            ).execute()
        if ratings:
            SessionPsfsRow.insert_many(ratings).execute()

    # -- the diary --------------------------------------------------------------------

    def diary(self, patient_id: int) -> list[DiaryEntry]:
        """The patient's diary days, oldest first."""
        return self.diary_for_patients([patient_id])[patient_id]

    def diary_for_patients(self, patient_ids: Iterable[int]) -> dict[int, list[DiaryEntry]]:
        """Each patient's diary days, oldest first, one query per 500 patients."""
        ids = list(dict.fromkeys(patient_ids))
        found: dict[int, list[DiaryEntry]] = {i: [] for i in ids}
        with translated_errors():
            for chunk in chunks(ids):
                # Plain tuples: years of daily rows are read for every chart.
                query = (
                    DiaryEntryRow.select(
                        DiaryEntryRow.patient, DiaryEntryRow.day, DiaryEntryRow.cramps,
                        DiaryEntryRow.worst_severity, DiaryEntryRow.total_minutes,
                        DiaryEntryRow.sleep_disturbed, DiaryEntryRow.notes,
                    )
                    .where(DiaryEntryRow.patient.in_(chunk))
                    .order_by(DiaryEntryRow.patient, DiaryEntryRow.day)
                )
                for patient_id, *values in tuples(query):
                    found[patient_id].append(diary_from_values(*values))
        return found

    def weekly_diary(self, patient_id: int) -> list[DiaryWeek]:
        """The diary as Monday-based weeks: cramps per week and cramp-free nights."""
        return diary_weeks(self.diary(patient_id))

    def save_diary_entry(
        self, patient_id: int, entry: DiaryEntry, replace: bool = False,
        expected_version: int | None = None,
    ) -> DiaryEntry:
        """Record one diary day; with `replace`, over an entry already kept for that day.

        Raises ValidationError for a day in the future, values out of range, or a day
        already in the diary when not replacing. A replacement that names the
        `expected_version` it was loaded at (`diary_version`) raises `EditConflictError`,
        writing nothing, when the stored day has moved on since.
        """
        errors = self._entry_errors(entry, "")
        if errors:
            raise ValidationError(errors)
        with translated_errors(), write_transaction():
            self._require_patient(patient_id)
            exists = DiaryEntryRow.select().where(
                (DiaryEntryRow.patient == patient_id) & (DiaryEntryRow.day == entry.day)
            ).exists()
            if exists and not replace:
                raise ValidationError([FieldError(
                    "day", f"There is already a diary entry for {entry.day.isoformat()}."
                )])
            this_day = (DiaryEntryRow.patient == patient_id) & (DiaryEntryRow.day == entry.day)
            if exists and expected_version is not None and not claim(
                DiaryEntryRow, this_day, expected_version
            ):
                raise self._diary_conflict(patient_id, entry, expected_version)
            self._insert_diary(patient_id, [entry], replace=True)
            stored = DiaryEntryRow.get(
                (DiaryEntryRow.patient == patient_id) & (DiaryEntryRow.day == entry.day)
            )
            self._audit.record(AuditAction.UPDATE if exists else AuditAction.CREATE,
                               entity="diary_entry", entity_id=stored.get_id(),  # type: ignore[no-untyped-call]
                               patient_id=patient_id, detail=f"day {entry.day.isoformat()}")
            return diary_from_row(stored)

    def diary_version(self, patient_id: int, day: dt.date) -> int:
        """The stored version of one diary day (0 when the day is not in the diary)."""
        with translated_errors():
            row = DiaryEntryRow.get_or_none((DiaryEntryRow.patient == patient_id)
                                            & (DiaryEntryRow.day == day))
        return 0 if row is None else int(row.version)

    @staticmethod
    def _diary_conflict(patient_id: int, mine: DiaryEntry,
                        expected_version: int) -> EditConflictError:
        row = DiaryEntryRow.get((DiaryEntryRow.patient == patient_id)
                                & (DiaryEntryRow.day == mine.day))
        author, saved_at = last_change("diary_entry", None, patient_id=patient_id,
                                       detail=f"day {mine.day.isoformat()}")
        return EditConflictError(
            EditConflict("diary_entry", int(row.get_id()),  # type: ignore[no-untyped-call]
                         expected_version, mine,
                         diary_from_row(row), int(row.version), author, saved_at),
            f"The diary day {mine.day.isoformat()} was changed elsewhere since it was shown. "
            "Nothing was overwritten: reload the diary and enter your change again.",
        )

    def delete_diary_entry(self, patient_id: int, day: dt.date) -> None:
        """Remove one diary day. Raises KnownError(NOT_FOUND) when there is none."""
        with translated_errors(), write_transaction():
            deleted = DiaryEntryRow.delete().where(
                (DiaryEntryRow.patient == patient_id) & (DiaryEntryRow.day == day)
            ).execute()
            if deleted:
                self._audit.record(AuditAction.DELETE, entity="diary_entry",
                                   patient_id=patient_id, detail=f"day {day.isoformat()}")
        if not deleted:
            raise KnownError(ErrorKind.NOT_FOUND,
                             f"There is no diary entry for {day.isoformat()}.")

    def import_diary(
        self, patient_id: int, entries: Sequence[DiaryEntry], *, replace_existing: bool
    ) -> int:
        """Add many diary days at once, all or nothing; returns how many were written.

        Raises ValidationError, writing nothing, when any entry is invalid (fields
        `entries.<index>.<field>`), a day appears twice in `entries`, or a day is already
        in the diary and `replace_existing` is false (field `day`, listing the dates).
        """
        errors: list[FieldError] = []
        for index, entry in enumerate(entries):
            errors += self._entry_errors(entry, f"entries.{index}.")
        counted = Counter(entry.day for entry in entries)
        twice = [day for day, count in counted.items() if count > 1]
        if twice:
            errors.append(FieldError("day", f"Days entered more than once: {_dates(twice)}."))
        if errors:
            raise ValidationError(errors)
        with translated_errors(), write_transaction():
            self._require_patient(patient_id)
            if not replace_existing:
                stored: set[dt.date] = set()
                for chunk in chunks(sorted(counted)):
                    stored.update(
                        row.day for row in DiaryEntryRow.select(DiaryEntryRow.day).where(
                            (DiaryEntryRow.patient == patient_id) & DiaryEntryRow.day.in_(chunk)
                        )
                    )
                if stored:
                    raise ValidationError([FieldError(
                        "day", f"Already in the diary: {_dates(stored)}."
                    )])
            self._insert_diary(patient_id, entries, replace=replace_existing)
            self._audit.record(AuditAction.IMPORT, entity="diary_entry", patient_id=patient_id,
                               detail=f"{len(entries)} days")
        return len(entries)

    def _entry_errors(self, entry: DiaryEntry, prefix: str) -> list[FieldError]:
        errors = [
            FieldError(prefix + field, message)
            for field, message in validate_diary_entry(entry, self._today())
        ]
        for field, value in (("cramps", entry.cramps), ("worst_severity", entry.worst_severity)):
            if value is not None and not (
                isinstance(value, int) or (_finite(value) and float(value).is_integer())
            ):
                errors.append(FieldError(prefix + field, "Enter a whole number."))
        return errors

    @staticmethod
    def _insert_diary(patient_id: int, entries: Sequence[DiaryEntry], *, replace: bool) -> None:
        rows = [diary_row(patient_id, entry) for entry in entries]
        for start in range(0, len(rows), _DIARY_BATCH):
            query = DiaryEntryRow.insert_many(rows[start : start + _DIARY_BATCH])
            if replace:
                query = query.on_conflict(
                    conflict_target=[DiaryEntryRow.patient, DiaryEntryRow.day],
                    preserve=[
                        DiaryEntryRow.cramps,
                        DiaryEntryRow.worst_severity,
                        DiaryEntryRow.total_minutes,
                        DiaryEntryRow.sleep_disturbed,
                        DiaryEntryRow.notes,
                    ],
                    # A replaced day is a new version; versions only ever grow.
                    update={DiaryEntryRow.version: DiaryEntryRow.version + 1},
                )
            query.execute()

    # -- progress and the caseload -------------------------------------------------------

    def progress(self, patient_id: int, thresholds: Thresholds = Thresholds()) -> Progress:
        """Each measure's baseline against its latest, with flags: the diary's weekly
        figures where it covers both periods, else the session answers
        (`progress_with_diary`)."""
        with translated_errors():
            sessions = SessionRow.select(SessionRow.id).where(SessionRow.patient == patient_id)
            dates = list(tuples(
                SessionRow.select(SessionRow.id, SessionRow.started_at)
                .where(SessionRow.patient == patient_id)
                .order_by(SessionRow.started_at, SessionRow.id)
            ))
            measures = measures_for_select(sessions) if dates else {}
            definitions = all_definitions()
        diary = self.diary(patient_id)
        visits = [(at.date(), measures.get(sid, SessionMeasures())) for sid, at in dates]
        return progress_with_diary(visits, definitions, thresholds, diary)

    def caseload_courses(self) -> list[PatientCourse]:
        """Every current (not archived) patient's visits in date order, in a fixed number
        of queries however many patients there are."""
        return self._courses(PatientRow.archived_at.is_null())

    def course(self, patient_id: int) -> PatientCourse:
        """One patient's visits in date order, as the caseload views see them (archived
        or not). Raises KnownError(NOT_FOUND) when there is no such patient."""
        found = self._courses(PatientRow.id == patient_id)
        if not found:
            raise KnownError(ErrorKind.NOT_FOUND, f"There is no patient number {patient_id}.")
        return found[0]

    def _courses(self, patients: Any) -> list[PatientCourse]:
        """The courses of the patients `patients` (a condition on PatientRow) picks, by id,
        with their diaries; a fixed number of queries per 500 patients."""
        with translated_errors():
            patient_ids = [
                pid for (pid,) in tuples(
                    PatientRow.select(PatientRow.id).where(patients).order_by(PatientRow.id)
                )
            ]
            visits = list(tuples(
                SessionRow.select(SessionRow.id, SessionRow.patient, SessionRow.started_at)
                .join(PatientRow)
                .where(patients)
                .order_by(SessionRow.patient, SessionRow.started_at, SessionRow.id)
            ))
            session_ids = SessionRow.select(SessionRow.id).join(PatientRow).where(patients)
            patterns: dict[int, set[Pattern]] = {}
            for session_id, code in tuples(
                SessionCodeRow.select(SessionCodeRow.session, SessionCodeRow.code)
                .where(SessionCodeRow.session.in_(session_ids)
                       & (SessionCodeRow.category == "pattern"))
            ):
                patterns.setdefault(session_id, set()).add(Pattern(code))
            points: dict[int, set[str]] = {}
            for session_id, code in tuples(
                SessionPointRow.select(SessionPointRow.session, SessionPointRow.code)
                .where(SessionPointRow.session.in_(session_ids))
            ):
                points.setdefault(session_id, set()).add(code)
            measures = measures_for_select(session_ids)
        courses: dict[int, list[VisitSummary]] = {pid: [] for pid in patient_ids}
        for session_id, patient_id, started_at in visits:
            courses[patient_id].append(
                VisitSummary(
                    day=started_at.date(),
                    patterns=frozenset(patterns.get(session_id, ())),
                    point_codes=frozenset(points.get(session_id, ())),
                    measures=measures.get(session_id, SessionMeasures()),
                )
            )
        diaries = self.diary_for_patients(patient_ids)
        return [PatientCourse(pid, tuple(found), tuple(diaries[pid]))
                for pid, found in courses.items()]

    # -- helpers ----------------------------------------------------------------------

    @staticmethod
    def _require_patient(patient_id: int, *, lock: bool = False) -> None:
        """Raise NOT_FOUND for an unknown patient. With `lock`, on a server database the
        patient's row is locked until the transaction ends, so changes to a list the
        patient owns (PSFS activities) take turns; SQLite's write lock already does."""
        query = PatientRow.select(PatientRow.id).where(PatientRow.id == patient_id)
        if lock and is_postgres():
            query = query.for_update()
        if query.first() is None:
            raise KnownError(ErrorKind.NOT_FOUND, f"There is no patient number {patient_id}.")

"""Use cases on patient cramp records: list and search, create, update, archive, restore."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable

from practitioner.db.base import database
from practitioner.db.dialect import is_postgres, portable
from practitioner.db.errors import translated_errors
from practitioner.db.models import (
    CrampSiteRow,
    MedicationRow,
    PatientCodeRow,
    PatientNameWordRow,
    PatientRow,
    PatientScreenRow,
)
from practitioner.db.transactions import write_transaction
from practitioner.domain.audit import NO_CHANGE, AuditAction, changed_fields
from practitioner.domain.conflicts import ConflictChoice
from practitioner.domain.patient import (
    Condition,
    CrampProfile,
    CrampSite,
    CrampTiming,
    Lifestyle,
    Medication,
    MuscleGroup,
    Patient,
    PatientInput,
    PatientSummary,
    Relief,
    Sex,
    Side,
    Trigger,
    WorkPosture,
)
from practitioner.domain.screen import RedFlagScreen
from practitioner.domain.search import family_key, name_key, parse_query
from practitioner.domain.session import DraftForm
from practitioner.domain.validation import ValidationError, validate_patient
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.clock import Clock, aware, utc_now
from practitioner.services.conflicts import (
    MERGE,
    OVERRIDE,
    claim,
    resolution_detail,
    stale_save,
)
from practitioner.services.drafts import DraftService

# Which coded answers live in patient_code, under which category.
_CATEGORIES: dict[str, type[CrampTiming | Trigger | Relief | Condition]] = {
    "timing": CrampTiming,
    "trigger": Trigger,
    "relief": Relief,
    "condition": Condition,
}


#: Patients per page of the list; the GUI fetches further pages as the user scrolls.
PAGE_SIZE = 200
#: A search matching at least this many patients is "broad": counted only that far, and
#: listed by walking the name index rather than sorting every match.
BROAD_SEARCH = 5000


def _prefix_range(prefix: str) -> tuple[str, str]:
    """Bounds [low, high) of the strings starting with `prefix` (an index range)."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _date(value: object) -> dt.date | None:
    """A birth date as read back: ISO text on SQLite, a date on PostgreSQL."""
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _where(conditions: list[str]) -> str:
    return f"WHERE {' AND '.join(conditions)}" if conditions else ""


def _matching(query: str, include_archived: bool) -> tuple[list[str], list[object]] | None:
    """SQL conditions (and their arguments) on `patient` for a search box text, or None
    when nothing can match."""
    parsed = parse_query(query)
    if query.strip() and not parsed.name_fragment and not parsed.birth_date_prefix:
        # Only punctuation was typed (e.g. "%"): no name can match it, and listing
        # everyone would make a typed wildcard look like it matched every patient.
        return None
    where: list[str] = []
    args: list[object] = []
    if not include_archived:
        where.append("archived_at IS NULL")
    for word in parsed.name_fragment.split():
        # Each typed word must start a word of the name: "mar" finds Margaret, not Amara.
        where.append("id IN (SELECT patient_id FROM patient_name_word "
                     "WHERE word >= ? AND word < ?)")
        args += _prefix_range(word)
    if parsed.birth_date_prefix:
        # The column has NUMERIC affinity: "1975" or "1976." would be compared as
        # numbers (and every date sorts after every number), so a year is bounded by
        # "1975-" and "1975-~", which stay text.
        prefix = parsed.birth_date_prefix
        where.append("date_of_birth >= ? AND date_of_birth < ?")
        if is_postgres():
            # A real DATE column there: the prefix becomes a range of days.
            bounds = _date_range(prefix)
            if bounds is None:
                return None
            args += bounds
        else:
            args += ((f"{prefix}-", f"{prefix}-~") if len(prefix) == 4
                     else _prefix_range(prefix))
    return where, args


def _date_range(prefix: str) -> tuple[dt.date, dt.date] | None:
    """The days [first, after last) an ISO date prefix (year, year-month, date) covers."""
    parts = [int(p) for p in prefix.split("-")]
    try:
        if len(parts) == 1:
            return dt.date(parts[0], 1, 1), dt.date(parts[0] + 1, 1, 1)
        if len(parts) == 2:
            first = dt.date(parts[0], parts[1], 1)
            return first, (first + dt.timedelta(days=32)).replace(day=1)
        day = dt.date(parts[0], parts[1], parts[2])
        return day, day + dt.timedelta(days=1)
    except (ValueError, OverflowError):
        return None


def name_words(key: str) -> list[str]:
    """The distinct words of a name key, as `patient_name_word` keeps them."""
    return sorted(set(key.split()))


def write_name_words(patient_id: int, key: str) -> None:
    """Index the words of a patient's name key for prefix search (inside a transaction)."""
    words = name_words(key)
    if words:
        PatientNameWordRow.insert_many(
            [(patient_id, word) for word in words],
            fields=[PatientNameWordRow.patient, PatientNameWordRow.word],
        ).execute()


class PatientService:
    """Reads and changes patient records; each change is one transaction."""

    def __init__(self, clock: Clock = utc_now, today: Callable[[], dt.date] = dt.date.today,
                 audit: AuditService | None = None):
        self._clock = clock
        self._today = today
        self._audit = audit or AuditService(clock=clock)

    def list_patients(self, query: str = "", *, include_archived: bool = False) -> list[
        PatientSummary
    ]:
        """Every patient whose name or birth date matches `query`, ordered by name (for
        lists of any length, prefer `page` and `count_matching`)."""
        return self.page(query, include_archived=include_archived, limit=None)

    def page(
        self,
        query: str = "",
        *,
        include_archived: bool = False,
        after: PatientSummary | None = None,
        limit: int | None = PAGE_SIZE,
        matches: int | None = None,
        by_family: bool = False,
    ) -> list[PatientSummary]:
        """Up to `limit` patients matching `query` that sort after `after`, by name.

        Sorted and filtered in SQL by index: a broad search walks the name index and stops
        after one page; a narrow one reads its few matches from the word index and sorts
        them. Never a scan of the whole patient table. `matches` is
        `count_matching(query, at_most=BROAD_SEARCH)` when the caller has it already.
        `by_family` orders by family name (the name's last word) instead of as written.
        """
        column, key, index = (("family_key", family_key, "patient_family_key_id")
                              if by_family else ("name_key", name_key, "patient_name_key"))
        found = _matching(query, include_archived)
        if found is None:
            return []
        where, args = found
        if after is not None:
            where.append(f"({column}, id) > (?, ?)")
            args += [key(after.name), after.id]
        hint = ""
        if matches is None and where:
            matches = self.count_matching(query, include_archived=include_archived,
                                          at_most=BROAD_SEARCH)
        if where and matches is not None and matches >= BROAD_SEARCH and not is_postgres():
            hint = f"INDEXED BY {index}"
        sql = (f"SELECT id, name, date_of_birth, archived_at FROM patient {hint} "
               f"{_where(where)} ORDER BY {column}, id")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with translated_errors():
            return [
                PatientSummary(int(i), str(n),
                               _date(b), a is not None)
                for i, n, b, a in database.execute_sql(portable(sql), args)
            ]

    def count_matching(
        self, query: str = "", *, include_archived: bool = False, at_most: int | None = None
    ) -> int:
        """How many patients match `query`; counting stops at `at_most` when given (a
        broad search then reads "1000 or more" instead of counting a whole clinic)."""
        found = _matching(query, include_archived)
        if found is None:
            return 0
        where, args = found
        inner = f"SELECT 1 FROM patient {_where(where)}"
        if at_most is not None:
            inner += f" LIMIT {int(at_most)}"
        with translated_errors():
            return int(database.execute_sql(
                portable(f"SELECT count(*) FROM ({inner}) AS matching"), args).fetchone()[0])

    def get(self, patient_id: int) -> Patient:
        """The whole record of one patient. Raises KnownError(NOT_FOUND) if there is none."""
        with translated_errors():
            row = PatientRow.get_or_none(PatientRow.id == patient_id)
            if row is None:
                raise KnownError(ErrorKind.NOT_FOUND, f"There is no patient number {patient_id}.")
            return self._load([row])[0]

    def open_record(self, patient_id: int) -> Patient:
        """The whole record, for showing to the practitioner: the opening is audited."""
        patient = self.get(patient_id)
        self._audit.record_access(AuditAction.OPEN, [patient_id])
        return patient

    def create(self, data: PatientInput) -> Patient:
        """Store a new patient. Raises ValidationError listing every bad field."""
        self._validate(data)
        now = self._clock()
        with translated_errors(), write_transaction():
            author = self._audit.identity().id
            row = PatientRow(created_at=now, updated_at=now, version=1, created_by=author,
                             updated_by=author)
            self._fill(row, data)
            row.save(force_insert=True)
            self._write_children(row.id, data)
            self._audit.record(AuditAction.CREATE, entity="patient", entity_id=row.id,
                               patient_id=row.id)
        return self.get(row.id)

    def update(self, patient_id: int, data: PatientInput, expected_version: int, *,
               resolution: str = "") -> Patient:
        """Replace a patient's record, if nobody changed it since `expected_version`.

        Raises ValidationError for bad input, and `EditConflictError` (a KnownError of kind
        CONFLICT) carrying both versions when the record was changed elsewhere in the
        meantime; in both cases nothing is written. `resolution` (a `ConflictChoice`) says
        this save settles such a conflict, on the stored version: it is audited too.
        """
        self._validate(data)
        with translated_errors(), write_transaction():
            row = PatientRow.get_or_none(PatientRow.id == patient_id)
            current = (self._load([row])[0] if row is not None
                       and row.version == expected_version else None)
            stored = self._as_stored(data)
            changed = changed_fields(current.data, stored) if current else ""
            if current is not None and changed == NO_CHANGE and not resolution:
                # An unedited save changes nothing: no new version, no audit entry.
                DraftService.delete_in_transaction(patient_id, None, DraftForm.PROFILE)
                return current
            if row is None or current is None or not claim(
                PatientRow, PatientRow.id == patient_id, expected_version
            ):
                raise self._conflict(patient_id, data, expected_version)
            self._fill(row, data)
            row.version = expected_version + 1
            row.updated_at = self._clock()
            row.updated_by_id = self._audit.identity().id
            row.save()
            for model in (CrampSiteRow, PatientCodeRow, MedicationRow, PatientScreenRow,
                          PatientNameWordRow):
                model.delete().where(model.patient == patient_id).execute()
            self._write_children(patient_id, data)
            DraftService.delete_in_transaction(patient_id, None, DraftForm.PROFILE)
            self._audit.record(AuditAction.UPDATE, entity="patient", entity_id=patient_id,
                               patient_id=patient_id, detail=changed)
            if resolution:
                self._audit.record(
                    MERGE if resolution == ConflictChoice.MERGE else OVERRIDE,
                    entity="patient", entity_id=patient_id, patient_id=patient_id,
                    detail=resolution_detail(resolution, expected_version),
                )
        # What was just committed, without reading it all back (a round trip per query on
        # a clinic server); a test holds it equal to `get`.
        return Patient(id=patient_id, data=stored, version=row.version,
                       created_at=aware(row.created_at), updated_at=aware(row.updated_at),
                       archived_at=aware(row.archived_at) if row.archived_at else None)

    @staticmethod
    def _as_stored(data: PatientInput) -> PatientInput:
        """`data` as it reads back once stored: `_fill` trims one-line texts and
        medications; sites come back once each, in body order."""
        return dataclasses.replace(
            data,
            name=data.name.strip(), phone=data.phone.strip(), email=data.email.strip(),
            address=data.address.strip(),
            profile=dataclasses.replace(data.profile, sites=tuple(
                sorted(set(data.profile.sites), key=CrampSite.sort_key))),
            medications=tuple(Medication(m.name.strip(), m.dose.strip(), m.since)
                              for m in data.medications),
            lifestyle=dataclasses.replace(data.lifestyle,
                                          exercise=data.lifestyle.exercise.strip()),
        )

    def _conflict(self, patient_id: int, mine: PatientInput,
                  expected_version: int) -> KnownError:
        """Why an update found no row at `expected_version`: the record is gone, or an
        `EditConflictError` with the stored version (read in the caller's transaction)."""
        row = PatientRow.get_or_none(PatientRow.id == patient_id)
        if row is None:
            return KnownError(ErrorKind.NOT_FOUND, f"There is no patient number {patient_id}.")
        theirs = self._load([row])[0]
        return stale_save(
            "patient", patient_id, expected_version, mine, theirs.data,
            their_version=theirs.version, updated_at=theirs.updated_at,
            patient_id=patient_id, changed=f"{row.name}'s record was changed",
            kept="your edits are still in the form")

    def archive(self, patient_id: int) -> Patient:
        """Hide a patient from the default list; nothing is deleted."""
        return self._set_archived(patient_id, self._clock())

    def restore(self, patient_id: int) -> Patient:
        """Bring an archived patient back to the default list."""
        return self._set_archived(patient_id, None)

    def now(self) -> dt.datetime:
        """The service clock's current UTC time."""
        return self._clock()

    def count(self) -> int:
        """How many patients there are, archived included."""
        with translated_errors():
            total: int = PatientRow.select().count()
            return total

    def _set_archived(self, patient_id: int, when: dt.datetime | None) -> Patient:
        action = AuditAction.ARCHIVE if when else AuditAction.RESTORE
        with translated_errors(), write_transaction():
            updated = (
                PatientRow.update(
                    archived_at=when,
                    updated_at=self._clock(),
                    version=PatientRow.version + 1,
                    updated_by=self._audit.identity().id,
                )
                .where(PatientRow.id == patient_id)
                .execute()
            )
            if not updated:
                raise KnownError(ErrorKind.NOT_FOUND, f"There is no patient number {patient_id}.")
            self._audit.record(action, entity="patient", entity_id=patient_id,
                               patient_id=patient_id)
        return self.get(patient_id)

    def _validate(self, data: PatientInput) -> None:
        errors = validate_patient(data, self._today())
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _fill(row: PatientRow, data: PatientInput) -> None:
        profile, lifestyle = data.profile, data.lifestyle
        row.name = data.name.strip()
        row.name_key = name_key(data.name)
        row.family_key = family_key(data.name)
        row.date_of_birth = data.date_of_birth
        row.sex = data.sex.value
        row.phone = data.phone.strip()
        row.email = data.email.strip()
        row.address = data.address.strip()
        row.notes = data.notes
        row.onset_date = profile.onset_date
        row.frequency_per_week = profile.frequency_per_week
        row.duration_minutes = profile.duration_minutes
        row.worst_severity = profile.worst_severity
        row.conditions_notes = data.conditions_notes
        row.exercise = lifestyle.exercise.strip()
        row.exercise_hours_per_week = lifestyle.exercise_hours_per_week
        row.fluid_litres_per_day = lifestyle.fluid_litres_per_day
        row.alcohol_units_per_week = lifestyle.alcohol_units_per_week
        row.work_posture = lifestyle.work_posture.value

    @staticmethod
    def _write_children(patient_id: int, data: PatientInput) -> None:
        write_name_words(patient_id, name_key(data.name))
        sites = sorted(set(data.profile.sites), key=CrampSite.sort_key)
        if sites:
            CrampSiteRow.insert_many(
                [{"patient": patient_id, "muscle": s.muscle.value, "side": s.side.value}
                 for s in sites]
            ).execute()
        codes: list[tuple[str, Iterable[CrampTiming | Trigger | Relief | Condition]]] = [
            ("timing", data.profile.timings),
            ("trigger", data.profile.triggers),
            ("relief", data.profile.reliefs),
            ("condition", data.conditions),
        ]
        rows = [
            {"patient": patient_id, "category": category, "code": member.value}
            for category, members in codes
            for member in sorted(members, key=lambda m: m.value)
        ]
        if rows:
            PatientCodeRow.insert_many(rows).execute()
        if data.medications:
            MedicationRow.insert_many(
                [
                    {
                        "patient": patient_id,
                        "position": position,
                        "name": med.name.strip(),
                        "dose": med.dose.strip(),
                        "since": med.since,
                    }
                    for position, med in enumerate(data.medications)
                ]
            ).execute()
        if data.screen.positive:
            PatientScreenRow.insert_many(
                [{"patient": patient_id, "question": code} for code in data.screen.positive]
            ).execute()

    def all_patients(self, *, include_archived: bool = True) -> list[Patient]:
        """Every whole record, ordered by name, loaded in a fixed number of queries."""
        select = PatientRow.select().order_by(PatientRow.name_key, PatientRow.id)
        if not include_archived:
            select = select.where(PatientRow.archived_at.is_null())
        with translated_errors():
            return self._load(list(select))

    @staticmethod
    def _load(rows: list[PatientRow]) -> list[Patient]:
        ids = [row.id for row in rows]
        codes: dict[int, dict[str, set[str]]] = {
            i: {category: set() for category in _CATEGORIES} for i in ids
        }
        sites: dict[int, list[CrampSite]] = {i: [] for i in ids}
        medications: dict[int, list[Medication]] = {i: [] for i in ids}
        screens: dict[int, list[str]] = {i: [] for i in ids}
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            for code_row in PatientCodeRow.select().where(PatientCodeRow.patient.in_(chunk)):
                codes[code_row.patient_id][code_row.category].add(code_row.code)
            for site in CrampSiteRow.select().where(CrampSiteRow.patient.in_(chunk)):
                sites[site.patient_id].append(CrampSite(MuscleGroup(site.muscle), Side(site.side)))
            for med in (
                MedicationRow.select()
                .where(MedicationRow.patient.in_(chunk))
                .order_by(MedicationRow.position)
            ):
                medications[med.patient_id].append(Medication(med.name, med.dose, med.since))
            for answer in PatientScreenRow.select().where(PatientScreenRow.patient.in_(chunk)):
                screens[answer.patient_id].append(answer.question)
        return [
            PatientService._to_patient(
                row,
                codes[row.id],
                tuple(sorted(sites[row.id], key=CrampSite.sort_key)),
                tuple(medications[row.id]),
                RedFlagScreen.from_codes(screens[row.id]),
            )
            for row in rows
        ]

    @staticmethod
    def _to_patient(
        row: PatientRow,
        codes: dict[str, set[str]],
        sites: tuple[CrampSite, ...],
        medications: tuple[Medication, ...],
        screen: RedFlagScreen,
    ) -> Patient:
        profile = CrampProfile(
            sites=sites,
            timings=frozenset(CrampTiming(c) for c in codes["timing"]),
            onset_date=row.onset_date,
            frequency_per_week=row.frequency_per_week,
            duration_minutes=row.duration_minutes,
            worst_severity=row.worst_severity,
            triggers=frozenset(Trigger(c) for c in codes["trigger"]),
            reliefs=frozenset(Relief(c) for c in codes["relief"]),
        )
        data = PatientInput(
            name=row.name,
            date_of_birth=row.date_of_birth,
            sex=Sex(row.sex),
            phone=row.phone,
            email=row.email,
            address=row.address,
            notes=row.notes,
            profile=profile,
            conditions=frozenset(Condition(c) for c in codes["condition"]),
            conditions_notes=row.conditions_notes,
            medications=medications,
            lifestyle=Lifestyle(
                exercise=row.exercise,
                exercise_hours_per_week=row.exercise_hours_per_week,
                fluid_litres_per_day=row.fluid_litres_per_day,
                alcohol_units_per_week=row.alcohol_units_per_week,
                work_posture=WorkPosture(row.work_posture),
            ),
            screen=screen,
        )
        return Patient(
            id=row.id,
            data=data,
            version=row.version,
            created_at=aware(row.created_at),
            updated_at=aware(row.updated_at),
            archived_at=aware(row.archived_at) if row.archived_at else None,
        )

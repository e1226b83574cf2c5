"""Import a whole-record JSON export into this database: all of it, or nothing.

The document is checked against the format first (`record_schema.validate_document`);
then every patient, with their screen answers, PSFS activities, sessions (measures, kept
revisions, inserted reference paragraphs), diary, red-flag reviews and kept letters, is
checked against the same clinical rules as the forms (dates of birth, session times,
measure ranges, diary days) and written in ONE transaction through the same row-filling
code the services use. Ids in the file only link its parts: stored records get new ids,
session PSFS ratings follow their activities' new ids, and custom measures are matched
by name (or defined, when new) so values keep their meaning. Bookkeeping
(created/updated times, versions, signatures) is kept as exported.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import peewee

from practitioner.db.errors import translated_errors
from practitioner.db.models import (
    CustomMeasureRow,
    DiaryEntryRow,
    PatientRow,
    PsfsActivityRow,
    RedFlagReviewRow,
    ReferralLetterRow,
    SessionReferenceRow,
    SessionRevisionRow,
    SessionRow,
)
from practitioner.db.transactions import write_transaction
from practitioner.domain.audit import AuditAction
from practitioner.domain.moments import as_utc, as_wall_clock
from practitioner.domain.outcomes import CUSTOM_PREFIX, DiaryEntry, validate_diary_entry
from practitioner.domain.patient import (
    Condition,
    CrampProfile,
    CrampSite,
    CrampTiming,
    Lifestyle,
    Medication,
    MuscleGroup,
    PatientInput,
    Relief,
    Sex,
    Side,
    Trigger,
    WorkPosture,
)
from practitioner.domain.record_schema import DocumentError, parse_document, validate_document
from practitioner.domain.screen import RedFlagScreen
from practitioner.domain.search import name_key
from practitioner.domain.session import SessionStatus
from practitioner.domain.session_rules import validate_session
from practitioner.domain.session_serialize import session_input_from_dict, session_input_to_dict
from practitioner.domain.validation import FieldError, validate_patient
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.clock import local_now, utc_now
from practitioner.services.measures import custom_code, diary_row, measure_errors
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService

OnDuplicate = Literal["skip", "new"]


@dataclass(frozen=True)
class ImportResult:
    """How many patients were imported, and how many skipped as already present."""

    imported: int
    skipped: int
    patient_ids: tuple[int, ...] = ()


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def patient_input_from_dict(raw: dict[str, Any]) -> PatientInput:
    """The editable part of an exported (and validated) patient."""
    profile, lifestyle, contact = raw["cramp_profile"], raw["lifestyle"], raw["contact"]
    screen = raw.get("red_flag_screen", {})
    return PatientInput(
        name=raw["name"],
        date_of_birth=_date(raw["date_of_birth"]),
        sex=Sex(raw["sex"]),
        phone=contact["phone"],
        email=contact["email"],
        address=contact["address"],
        notes=raw["notes"],
        profile=CrampProfile(
            sites=tuple(CrampSite(MuscleGroup(s["muscle"]), Side(s["side"]))
                        for s in profile["sites"]),
            timings=frozenset(CrampTiming(c) for c in profile["timings"]),
            onset_date=_date(profile["onset_date"]),
            frequency_per_week=profile["frequency_per_week"],
            duration_minutes=profile["duration_minutes"],
            worst_severity=profile["worst_severity"],
            triggers=frozenset(Trigger(c) for c in profile["triggers"]),
            reliefs=frozenset(Relief(c) for c in profile["reliefs"]),
        ),
        conditions=frozenset(Condition(c) for c in raw["conditions"]),
        conditions_notes=raw["conditions_notes"],
        medications=tuple(Medication(m["name"], m["dose"], _date(m["since"]))
                          for m in raw["medications"]),
        lifestyle=Lifestyle(
            exercise=lifestyle["exercise"],
            exercise_hours_per_week=lifestyle["exercise_hours_per_week"],
            fluid_litres_per_day=lifestyle["fluid_litres_per_day"],
            alcohol_units_per_week=lifestyle["alcohol_units_per_week"],
            work_posture=WorkPosture(lifestyle["work_posture"]),
        ),
        screen=RedFlagScreen.from_codes(code for code, yes in screen.items() if yes),
    )


def _json_path(where: str, field: str) -> str:
    """The JSON path of a form field a clinical rule names (`profile.onset_date`,
    `points.2`, `measures.pgic`) inside the element at `where`."""
    if field == "session":
        return where
    field = {"email": "contact.email", "phone": "contact.phone"}.get(field, field)
    field = re.sub(r"^profile\.", "cramp_profile.", field)
    field = re.sub(r"^measures\.(?!psfs\.)", "measures.values.", field)
    field = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", field)
    return f"{where}.{field}"


def _refuse(where: str, errors: list[FieldError]) -> None:
    """Raise DocumentError for the first broken clinical rule, at its JSON path."""
    if errors:
        raise DocumentError(_json_path(where, errors[0].field), errors[0].message)


def _used_custom_codes(document: dict[str, Any]) -> set[str]:
    return {
        code
        for patient in document["patients"]
        for session in patient.get("sessions", [])
        for part in (session, *(revision["session"] for revision in session["revisions"]))
        for code in part.get("measures", {}).get("values", {})
        if code.startswith(CUSTOM_PREFIX)
    }


def _custom_measures(document: dict[str, Any]) -> dict[str, str]:
    """Each custom measure code the sessions use, mapped to this database's code: the
    measure of the same name when it is defined alike, else a new one. Raises
    DocumentError for an undefined code or a same-named measure defined differently."""
    defined = {d["code"]: (i, d) for i, d in enumerate(document.get("measure_definitions", []))}
    codes: dict[str, str] = {}
    for code in sorted(_used_custom_codes(document)):
        if code not in defined:
            raise DocumentError("$.measure_definitions",
                                f"does not define the measure “{code[:40]}” that sessions use")
        index, d = defined[code]
        where = f"$.measure_definitions[{index}]"
        name, unit = d["name"].strip(), d["unit"].strip()
        mic = d["minimal_important_change"]
        _refuse(where, OutcomeService.custom_measure_errors(name, unit, d["low"], d["high"],
                                                            d["integer"], mic))
        row = CustomMeasureRow.get_or_none(CustomMeasureRow.name == name)
        if row is None:
            now = utc_now()
            row = CustomMeasureRow.create(
                name=name, unit=unit, low=float(d["low"]), high=float(d["high"]),
                integer=d["integer"], lower_is_better=d["lower_is_better"],
                minimal_important_change=None if mic is None else float(mic),
                created_at=now, updated_at=now,
            )
        elif (row.unit, row.low, row.high, row.integer, row.lower_is_better) != (
            unit, float(d["low"]), float(d["high"]), d["integer"], d["lower_is_better"]
        ):
            raise DocumentError(where, f"the measure “{name[:40]}” is defined differently in "
                                "this database (unit, range or direction)")
        codes[code] = custom_code(row.id)
    return codes


def _remapped(raw: dict[str, Any], activities: dict[int, int],
              codes: dict[str, str]) -> dict[str, Any]:
    """A session's fields with its PSFS ratings keyed by the activities' new ids and its
    custom measures by this database's codes."""
    measures = raw.get("measures")
    if not measures:
        return raw
    psfs = {str(activities[int(key)]): value for key, value in measures["psfs"].items()}
    values = {codes.get(key, key): value for key, value in measures["values"].items()}
    return {**raw, "measures": {**measures, "values": values, "psfs": psfs}}


def _existing() -> set[tuple[str, dt.date | None]]:
    return {(row.name_key, row.date_of_birth)
            for row in PatientRow.select(PatientRow.name_key, PatientRow.date_of_birth)}


def _store_patient(raw: dict[str, Any], where: str, codes: dict[str, str],
                   now: dt.datetime) -> int:
    data = patient_input_from_dict(raw)
    _refuse(where, validate_patient(data, now.date()))
    row = PatientRow(
        created_at=as_utc(raw["created_at"]),
        updated_at=as_utc(raw["updated_at"]),
        archived_at=as_utc(raw["archived_at"]) if raw["archived_at"] else None,
        version=raw["version"],
    )
    PatientService._fill(row, data)
    row.save(force_insert=True)
    PatientService._write_children(row.id, data)
    activities: dict[int, int] = {}
    for activity in raw.get("psfs_activities", []):
        activities[activity["id"]] = PsfsActivityRow.insert(
            patient=row.id, position=activity["position"], wording=activity["wording"]
        ).execute()
    sessions = sorted(enumerate(raw.get("sessions", [])),
                      key=lambda pair: as_wall_clock(pair[1]["started_at"]))
    for index, session in sessions:
        _store_session(row.id, data.date_of_birth, session, activities, codes,
                       f"{where}.sessions[{index}]", now)
    diary = []
    for index, d in enumerate(raw.get("diary", [])):
        entry = DiaryEntry(
            day=dt.date.fromisoformat(d["day"]), cramps=d["cramps"],
            worst_severity=d["worst_severity"], total_minutes=d["total_minutes"],
            sleep_disturbed=d["sleep_disturbed"], notes=d["notes"],
        )
        _refuse(f"{where}.diary[{index}]",
                [FieldError(f, m) for f, m in validate_diary_entry(entry, now.date())])
        diary.append(diary_row(row.id, entry))
    for start in range(0, len(diary), 200):
        DiaryEntryRow.insert_many(diary[start : start + 200]).execute()
    for review in raw.get("red_flag_reviews", []):
        RedFlagReviewRow.insert(
            patient=row.id, flag_key=review["key"], action=review["action"],
            note=review["note"], recorded_at=as_utc(review["recorded_at"]),
            recorded_by=review["recorded_by"],
        ).execute()
    for letter in raw.get("referral_letters", []):
        ReferralLetterRow.insert(
            patient=row.id, written_at=as_utc(letter["written_at"]),
            written_by=letter["written_by"], recipient=letter["recipient"],
            body=letter["body"], pdf=base64.b64decode(letter["pdf"]),
        ).execute()
    return int(row.id)


def _store_session(patient_id: int, born: dt.date | None, raw: dict[str, Any],
                   activities: dict[int, int], codes: dict[str, str], where: str,
                   now: dt.datetime) -> None:
    data = session_input_from_dict(_remapped(raw, activities, codes))
    final = raw["status"] == SessionStatus.FINAL.value
    _refuse(where, validate_session(data, born=born, now=now, finalising=final)
            + measure_errors(patient_id, None, data))
    row = SessionRow(
        patient=patient_id,
        created_at=as_utc(raw["finalised_at"] or raw["started_at"]),
        updated_at=as_utc(raw["finalised_at"] or raw["started_at"]),
        version=raw["version"],
        status=raw["status"],
        finalised_at=as_utc(raw["finalised_at"]) if raw["finalised_at"] else None,
        finalised_by=raw["finalised_by"],
    )
    SessionService._fill(row, data)
    row.save(force_insert=True)
    SessionService._write_children(row.id, data)
    for revision in raw["revisions"]:
        kept = session_input_from_dict(_remapped(revision["session"], activities, codes))
        SessionRevisionRow.create(
            session=row.id,
            number=revision["number"],
            snapshot=json.dumps(session_input_to_dict(kept), ensure_ascii=False),
            recorded_at=as_utc(revision["recorded_at"]),
            recorded_by=revision["recorded_by"],
            replaced_at=as_utc(revision["replaced_at"]),
            replaced_by=revision["replaced_by"],
            reason=revision["reason"],
        )
    for reference in raw.get("references", []):
        SessionReferenceRow.insert(
            session=row.id, slug=reference["slug"], entry_version=reference["entry_version"],
            paragraph=reference["paragraph"], inserted_at=as_utc(reference["inserted_at"]),
        ).execute()


def import_document(
    document: Any, on_duplicate: OnDuplicate = "skip", audit: AuditService | None = None,
    before_write: Callable[[], object] | None = None, *, now: dt.datetime | None = None,
) -> ImportResult:
    """Validate an export document, then store all its patients in one transaction.

    A patient with the same name and date of birth as one already in the database is
    skipped (`on_duplicate="skip"`) or imported as a new patient (`"new"`). Raises
    DocumentError (naming the JSON path) for a document that does not match the format,
    breaks a clinical rule as of `now` (local wall-clock time; default: the present) or
    cannot be stored; the database is then unchanged.
    """
    if on_duplicate not in ("skip", "new"):
        raise ValueError(f"on_duplicate must be skip or new, not {on_duplicate!r}")
    validate_document(document)
    if before_write is not None:
        before_write()  # The backup before an import: only once the document is valid.
    imported: list[int] = []
    skipped = 0
    try:
        moment = now or local_now()
        with translated_errors(), write_transaction():
            codes = _custom_measures(document)
            present = _existing()
            for index, raw in enumerate(document["patients"]):
                key = (name_key(raw["name"]), _date(raw["date_of_birth"]))
                if on_duplicate == "skip" and key in present:
                    skipped += 1
                    continue
                try:
                    imported.append(_store_patient(raw, f"$.patients[{index}]", codes,
                                                   moment))
                except DocumentError:
                    raise
                except (ValueError, KeyError, TypeError) as exc:
                    raise DocumentError(f"$.patients[{index}]", f"cannot be read: {exc}") \
                        from exc
                (audit or AuditService()).record(
                    AuditAction.IMPORT, entity="patient", entity_id=imported[-1],
                    patient_id=imported[-1], detail=f"from $.patients[{index}]",
                )
    except peewee.IntegrityError as exc:
        raise DocumentError("$.patients", f"cannot be stored: {exc}") from exc
    return ImportResult(len(imported), skipped, tuple(imported))


def _refused(path: Path, error: DocumentError) -> KnownError:
    kind = ErrorKind.TOO_NEW if error.path == "$.format_version" else ErrorKind.FOREIGN
    return KnownError(kind, f"{path.name} was refused at {error.path}: {error.reason}; "
                      "nothing was imported.")


def read_export(path: Path) -> Any:
    """The export document in `path`, read and checked against the format. Raises
    KnownError with one line naming what is wrong: not UTF-8, JSON line and column, or the
    offending element's JSON path."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KnownError(ErrorKind.FOREIGN, f"{name} is not UTF-8 text.") from None
    try:
        document = parse_document(text)
    except json.JSONDecodeError as exc:
        raise KnownError(ErrorKind.FOREIGN, f"{name} is not valid JSON (line {exc.lineno}, "
                         f"column {exc.colno}: {exc.msg}); nothing was imported.") from None
    except (ValueError, RecursionError) as exc:
        raise KnownError(ErrorKind.FOREIGN, f"{name} is not valid JSON ({exc}); nothing "
                         "was imported.") from None
    try:
        validate_document(document)
    except DocumentError as exc:
        raise _refused(path, exc) from None
    return document


def import_file(path: Path, on_duplicate: OnDuplicate = "skip", document: Any = None,
                audit: AuditService | None = None,
                before_write: Callable[[], object] | None = None) -> ImportResult:
    """Import the export in `path` (or its already read `document`), all or nothing, each
    imported patient audited. Raises KnownError with one line naming the offending
    element's JSON path."""
    try:
        return import_document(read_export(path) if document is None else document,
                               on_duplicate, audit, before_write)
    except DocumentError as exc:
        raise _refused(path, exc) from None

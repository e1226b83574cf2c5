"""The whole-record JSON export's shape, checked strictly, in pure Python.

One spec (`DOCUMENT`) drives both the validator (`validate_document`, which names the JSON
path of the first offending element, e.g. `$.patients[3].sessions[0].points[1].code`) and
the JSON Schema written to `resources/schemas/export-v<version>.schema.json` (`json_schema`).
Keys a newer format version added are optional in documents of an older version.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from practitioner.domain.letters import PDF_MAGIC
from practitioner.domain.moments import read_moment
from practitioner.domain.patient import (
    Condition,
    CrampTiming,
    MuscleGroup,
    Relief,
    Sex,
    Side,
    Trigger,
    WorkPosture,
)
from practitioner.domain.reference_flags import REVIEW_ACTIONS
from practitioner.domain.screen import SCREEN_QUESTIONS
from practitioner.domain.serialize import EXPORT_FORMAT, EXPORT_VERSION
from practitioner.domain.session import (
    HomeAdvice,
    Modality,
    NeedleSide,
    Pattern,
    PulseHand,
    PulsePosition,
    PulseQuality,
    SessionStatus,
    Technique,
    TongueBodyColour,
    TongueCoatingColour,
    TongueCoatingThickness,
    TongueMoisture,
    TongueShape,
    TreatmentPrinciple,
)

#: The longest text any field may hold, and the most items any list may hold.
MAX_TEXT = 100_000
MAX_ITEMS = 100_000
MAX_INT = 2**53
#: The largest kept letter PDF, base64 encoded (about 15 MB of PDF).
MAX_PDF_BASE64 = 20_000_000


class DocumentError(ValueError):
    """The document does not match the export format; `path` names the offending element."""

    def __init__(self, path: str, reason: str):
        path, reason = shown(path), shown(reason)
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def shown(text: str) -> str:
    """`text` (which may echo keys and values from the file) safe to print: characters
    that are not printable (terminal controls, lone surrogates, …) as escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else ascii(c)[1:-1] for c in text)


def text_fault(value: str) -> str:
    """Why `value` cannot be kept as text on every engine ("" when it can): a lone
    surrogate is no Unicode text (UTF-8 cannot encode it), and PostgreSQL keeps no NUL."""
    if "\x00" in value:
        return "not valid text (holds a NUL character)"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "not valid text (holds a lone surrogate, which UTF-8 cannot encode)"
    return ""


# --- the spec ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    nullable: bool = False
    max_length: int = MAX_TEXT
    choices: tuple[str, ...] = ()
    format: str = ""  # "date", "date-time" or "pdf-base64"
    non_blank: bool = False


@dataclass(frozen=True)
class Integer:
    nullable: bool = False
    minimum: int = -MAX_INT
    maximum: int = MAX_INT


@dataclass(frozen=True)
class Number:
    nullable: bool = False


@dataclass(frozen=True)
class Boolean:
    pass


@dataclass(frozen=True)
class Array:
    items: Spec
    unique: bool = False


@dataclass(frozen=True)
class Key:
    spec: Spec
    since: int = 1  # the format version that added the key


@dataclass(frozen=True)
class Obj:
    keys: Mapping[str, Key | Spec]
    open: bool = False  # computed parts (progress) may carry more


@dataclass(frozen=True)
class MapOf:
    """An object used as a map: keys matching `key_pattern`, values of one spec."""

    values: Spec
    key_pattern: str
    key_check: Callable[[str], bool] = field(default=lambda key: True)


Spec = Text | Integer | Number | Boolean | Array | Obj | MapOf


def _codes(kind: Any) -> tuple[str, ...]:
    return tuple(str(member.value) for member in kind)


def _code(kind: Any, nullable: bool = False) -> Text:
    return Text(choices=_codes(kind), nullable=nullable)


def _code_list(kind: Any) -> Array:
    return Array(_code(kind), unique=True)


DATE = Text(format="date")
OPT_DATE = Text(format="date", nullable=True)
MOMENT = Text(format="date-time")
OPT_MOMENT = Text(format="date-time", nullable=True)

POINT = Obj({
    "code": Text(max_length=16, non_blank=True),
    "side": _code(NeedleSide),
    "technique": _code(Technique),
    "retention_minutes": Integer(nullable=True),
    "electro_hz": Number(nullable=True),
    "custom": Boolean(),
})

MEASURES = Obj({
    "values": MapOf(Number(), "^.{1,32}$", lambda key: 0 < len(key) <= 32),
    "psfs": MapOf(Number(), "^[0-9]{1,15}$",
                  lambda key: key.isascii() and key.isdigit() and len(key) <= 15),
})

SESSION_INPUT: dict[str, Key | Spec] = {
    "started_at": MOMENT,
    "duration_minutes": Integer(nullable=True),
    "practitioner": Text(),
    "course_since_last": Text(),
    "patient_report": Text(),
    "tongue": Obj({
        "body_colour": _code(TongueBodyColour, nullable=True),
        "coating_colour": _code(TongueCoatingColour, nullable=True),
        "coating_thickness": _code(TongueCoatingThickness, nullable=True),
        "shapes": _code_list(TongueShape),
        "moisture": _code(TongueMoisture, nullable=True),
        "notes": Text(),
    }),
    "pulse": Obj({
        "qualities": _code_list(PulseQuality),
        "positions": Array(Obj({
            "hand": _code(PulseHand),
            "position": _code(PulsePosition),
            "qualities": _code_list(PulseQuality),
        })),
        "notes": Text(),
    }),
    "patterns": _code_list(Pattern),
    "pattern_other": Text(),
    "principles": _code_list(TreatmentPrinciple),
    "principle_notes": Text(),
    "points": Array(POINT),
    "modalities": _code_list(Modality),
    "herbal_formula": Text(),
    "advice": _code_list(HomeAdvice),
    "advice_notes": Text(),
    "plan": Text(),
    "next_visit": OPT_DATE,
    "notes": Text(),
    "measures": Key(MEASURES, since=3),
}

REVISION = Obj({
    "number": Integer(minimum=1),
    "recorded_at": MOMENT,
    "recorded_by": Text(),
    "replaced_at": MOMENT,
    "replaced_by": Text(),
    "reason": Text(),
    "session": Obj(SESSION_INPUT),
})

SESSION = Obj({
    "id": Integer(),
    **SESSION_INPUT,
    "status": _code(SessionStatus),
    "finalised_at": OPT_MOMENT,
    "finalised_by": Text(),
    "revisions": Array(REVISION),
    "version": Integer(minimum=1),
    "references": Key(Array(Obj({
        "slug": Text(max_length=96, non_blank=True),
        "entry_version": Integer(minimum=1),
        "paragraph": Integer(minimum=0),
        "inserted_at": MOMENT,
    })), since=5),
})

PROGRESS = Obj({
    "measures": Array(Obj({}, open=True)),
    "flags": Array(Text()),
    "notes": Array(Text()),
}, open=True)

PATIENT = Obj({
    "id": Integer(),
    "name": Text(non_blank=True),
    "date_of_birth": OPT_DATE,
    "sex": _code(Sex),
    "contact": Obj({"phone": Text(), "email": Text(), "address": Text()}),
    "notes": Text(),
    "cramp_profile": Obj({
        "sites": Array(Obj({"muscle": _code(MuscleGroup), "side": _code(Side)}), unique=True),
        "timings": _code_list(CrampTiming),
        "onset_date": OPT_DATE,
        "frequency_per_week": Number(nullable=True),
        "duration_minutes": Number(nullable=True),
        "worst_severity": Integer(nullable=True),
        "triggers": _code_list(Trigger),
        "reliefs": _code_list(Relief),
    }),
    "conditions": _code_list(Condition),
    "conditions_notes": Text(),
    "medications": Array(Obj({
        "name": Text(non_blank=True), "dose": Text(), "since": OPT_DATE,
    })),
    "lifestyle": Obj({
        "exercise": Text(),
        "exercise_hours_per_week": Number(nullable=True),
        "fluid_litres_per_day": Number(nullable=True),
        "alcohol_units_per_week": Number(nullable=True),
        "work_posture": _code(WorkPosture),
    }),
    "red_flag_screen": Key(Obj({q.code: Boolean() for q in SCREEN_QUESTIONS}), since=4),
    "archived": Boolean(),
    "archived_at": OPT_MOMENT,
    "created_at": MOMENT,
    "updated_at": MOMENT,
    "version": Integer(minimum=1),
    "sessions": Key(Array(SESSION), since=2),
    "psfs_activities": Key(Array(Obj({
        "id": Integer(),
        "position": Integer(minimum=0, maximum=1000),
        "wording": Text(non_blank=True),
    })), since=3),
    "diary": Key(Array(Obj({
        "day": DATE,
        "cramps": Integer(minimum=0),
        "worst_severity": Integer(nullable=True),
        "total_minutes": Number(nullable=True),
        "sleep_disturbed": Boolean(),
        "notes": Text(),
    })), since=3),
    "progress": Key(PROGRESS, since=3),
    "red_flag_reviews": Key(Array(Obj({
        "key": Text(max_length=160, non_blank=True),
        "action": Text(choices=REVIEW_ACTIONS),
        "note": Text(),
        "recorded_at": MOMENT,
        "recorded_by": Text(),
    })), since=4),
    "referral_letters": Key(Array(Obj({
        "written_at": MOMENT,
        "written_by": Text(),
        "recipient": Text(),
        "body": Text(non_blank=True),
        "pdf": Text(max_length=MAX_PDF_BASE64, format="pdf-base64"),
    })), since=5),
})

DEFINITION = Obj({
    "code": Text(max_length=32, non_blank=True),
    "name": Text(),
    "unit": Text(),
    "low": Number(),
    "high": Number(),
    "integer": Boolean(),
    "lower_is_better": Boolean(),
    "minimal_important_change": Number(nullable=True),
    "from_second_session": Boolean(),
    "source": Text(),
}, open=True)

DOCUMENT = Obj({
    "format": Text(choices=(EXPORT_FORMAT,)),
    "format_version": Integer(minimum=1),
    "exported_at": MOMENT,
    "measure_definitions": Key(Array(DEFINITION), since=3),
    "patients": Array(PATIENT),
})


# --- validating --------------------------------------------------------------------------


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _check_text(spec: Text, value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise DocumentError(path, f"expected text, found {_kind(value)}")
    if len(value) > spec.max_length:
        raise DocumentError(path, f"text longer than {spec.max_length} characters")
    if fault := text_fault(value):
        raise DocumentError(path, fault)
    if spec.non_blank and not value.strip():
        raise DocumentError(path, "must not be empty")
    if spec.choices and value not in spec.choices:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise DocumentError(path, f"unknown code “{shown}”")
    if spec.format == "date":
        try:
            dt.date.fromisoformat(value)
            if len(value) != 10:
                raise ValueError(value)
        except ValueError:
            raise DocumentError(path, "not an ISO date") from None
    elif spec.format == "date-time":
        try:
            read_moment(value)
        except ValueError as exc:
            raise DocumentError(path, str(exc)) from None
    if spec.format == "pdf-base64":
        try:
            content = base64.b64decode(value, validate=True)
        except ValueError:
            raise DocumentError(path, "not base64") from None
        if not content.startswith(PDF_MAGIC):
            raise DocumentError(path, "not a PDF document")


def _check(spec: Spec, value: Any, path: str, version: int) -> None:
    if value is None and getattr(spec, "nullable", False):
        return
    if isinstance(spec, Text):
        _check_text(spec, value, path)
    elif isinstance(spec, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise DocumentError(path, f"expected a whole number, found {_kind(value)}")
        if not spec.minimum <= value <= spec.maximum:
            raise DocumentError(path, f"must be between {spec.minimum} and {spec.maximum}")
    elif isinstance(spec, Number):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DocumentError(path, f"expected a number, found {_kind(value)}")
        # abs() first: a whole number too large for a float would overflow isfinite().
        if abs(value) > 1e15 or not math.isfinite(value):
            raise DocumentError(path, "number out of range")
    elif isinstance(spec, Boolean):
        if not isinstance(value, bool):
            raise DocumentError(path, f"expected true or false, found {_kind(value)}")
    elif isinstance(spec, Array):
        if not isinstance(value, list):
            raise DocumentError(path, f"expected a list, found {_kind(value)}")
        if len(value) > MAX_ITEMS:
            raise DocumentError(path, f"more than {MAX_ITEMS} items")
        seen: list[Any] = []
        for index, item in enumerate(value):
            _check(spec.items, item, f"{path}[{index}]", version)
            if spec.unique:
                if item in seen:
                    raise DocumentError(f"{path}[{index}]", "repeats an earlier item")
                seen.append(item)
    elif isinstance(spec, MapOf):
        if not isinstance(value, dict):
            raise DocumentError(path, f"expected an object, found {_kind(value)}")
        for key, item in value.items():
            if text_fault(key) or not spec.key_check(key):
                raise DocumentError(f"{path}.{key[:40]}", "not an allowed key")
            _check(spec.values, item, f"{path}.{key}", version)
    else:
        _check_object(spec, value, path, version)


def _check_object(spec: Obj, value: Any, path: str, version: int) -> None:
    if not isinstance(value, dict):
        raise DocumentError(path, f"expected an object, found {_kind(value)}")
    for name, entry in spec.keys.items():
        key = entry if isinstance(entry, Key) else Key(entry)
        if name not in value:
            if version >= key.since:
                raise DocumentError(f"{path}.{name}", "missing")
            continue
        _check(key.spec, value[name], f"{path}.{name}", version)
    if not spec.open:
        for name in value:
            if name not in spec.keys:
                raise DocumentError(f"{path}.{str(name)[:40]}", "not part of the format")


def _check_references(document: dict[str, Any]) -> None:
    """Ids are unique and PSFS ratings name an activity of the same patient."""
    patient_ids: set[int] = set()
    session_ids: set[int] = set()
    for p, patient in enumerate(document["patients"]):
        where = f"$.patients[{p}]"
        if patient["id"] in patient_ids:
            raise DocumentError(f"{where}.id", "repeats another patient's id")
        patient_ids.add(patient["id"])
        activities: set[int] = set()
        positions: set[int] = set()
        for a, activity in enumerate(patient.get("psfs_activities", [])):
            if activity["id"] in activities:
                raise DocumentError(f"{where}.psfs_activities[{a}].id", "repeats an id")
            if activity["position"] in positions:
                raise DocumentError(f"{where}.psfs_activities[{a}].position",
                                    "repeats a position")
            activities.add(activity["id"])
            positions.add(activity["position"])
        days: set[str] = set()
        for d, entry in enumerate(patient.get("diary", [])):
            if entry["day"] in days:
                raise DocumentError(f"{where}.diary[{d}].day", "repeats a day")
            days.add(entry["day"])
        for s, session in enumerate(patient.get("sessions", [])):
            if session["id"] in session_ids:
                raise DocumentError(f"{where}.sessions[{s}].id", "repeats another session's id")
            session_ids.add(session["id"])
            parts = [(f"{where}.sessions[{s}]", session)] + [
                (f"{where}.sessions[{s}].revisions[{r}].session", revision["session"])
                for r, revision in enumerate(session["revisions"])
            ]
            for at, part in parts:
                for key in part.get("measures", {}).get("psfs", {}):
                    if int(key) not in activities:
                        raise DocumentError(f"{at}.measures.psfs.{key}",
                                            "names no PSFS activity of this patient")
            numbers: set[int] = set()
            for r, revision in enumerate(session["revisions"]):
                if revision["number"] in numbers:
                    raise DocumentError(f"{where}.sessions[{s}].revisions[{r}].number",
                                        "repeats a revision number")
                numbers.add(revision["number"])


def validate_document(document: Any) -> None:
    """Raise DocumentError (with the JSON path) unless `document` is a valid export of a
    format version this app reads (at most `EXPORT_VERSION`)."""
    if not isinstance(document, dict):
        raise DocumentError("$", f"expected an object, found {_kind(document)}")
    if document.get("format") != EXPORT_FORMAT:
        raise DocumentError("$.format", f"not a Cramp Practitioner export (expected "
                            f"“{EXPORT_FORMAT}”)")
    version = document.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise DocumentError("$.format_version", "expected a whole number")
    if version > EXPORT_VERSION:
        raise DocumentError("$.format_version", f"format version {version} is newer than "
                            f"this app reads (up to {EXPORT_VERSION}); update the app first")
    _check(DOCUMENT, document, "$", version)
    _check_references(document)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the key “{key[:40]}” appears twice in one object")
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_document(text: str) -> Any:
    """The JSON `text` as Python values; refuses repeated keys and NaN/Infinity. Raises
    json.JSONDecodeError (with line and column) or ValueError."""
    return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)


# --- as JSON Schema ----------------------------------------------------------------------


def _schema(spec: Spec) -> dict[str, Any]:
    out: dict[str, Any]
    nullable = getattr(spec, "nullable", False)
    if isinstance(spec, Text):
        out = {"type": ["string", "null"] if nullable else "string",
               "maxLength": spec.max_length}
        if spec.choices:
            out["enum"] = [*spec.choices, *([None] if nullable else [])]
        if spec.format == "pdf-base64":
            out["contentEncoding"] = "base64"
            out["contentMediaType"] = "application/pdf"
        elif spec.format:
            out["format"] = spec.format
        if spec.non_blank:
            out["pattern"] = r"\S"
    elif isinstance(spec, Integer):
        out = {"type": ["integer", "null"] if nullable else "integer",
               "minimum": spec.minimum, "maximum": spec.maximum}
    elif isinstance(spec, Number):
        out = {"type": ["number", "null"] if nullable else "number"}
    elif isinstance(spec, Boolean):
        out = {"type": "boolean"}
    elif isinstance(spec, Array):
        out = {"type": "array", "items": _schema(spec.items), "maxItems": MAX_ITEMS}
        if spec.unique:
            out["uniqueItems"] = True
    elif isinstance(spec, MapOf):
        out = {"type": "object", "propertyNames": {"pattern": spec.key_pattern},
               "additionalProperties": _schema(spec.values)}
    else:
        keys = {name: e if isinstance(e, Key) else Key(e) for name, e in spec.keys.items()}
        out = {
            "type": "object",
            "properties": {name: _schema(key.spec) for name, key in keys.items()},
            "required": [name for name, key in keys.items() if key.since <= EXPORT_VERSION],
            "additionalProperties": spec.open,
        }
    return out


def json_schema() -> dict[str, Any]:
    """The export format, version `EXPORT_VERSION`, as a JSON Schema (draft 2020-12)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://cramp-practitioner.invalid/schemas/export-v{EXPORT_VERSION}.schema.json",
        "title": f"Cramp Practitioner whole-record export, format version {EXPORT_VERSION}",
        "description": "Volatile fields (differ between exports of the same records): "
        "exported_at, every id (patients, sessions, PSFS activities and the activity ids "
        "that key measures.psfs), created_at and updated_at. Ids only link parts of one "
        "document. Every date-time carries its UTC offset: bookkeeping times are UTC "
        "(+00:00); started_at is the visit's local wall-clock time with the offset the "
        "practitioner's zone had then, and is imported as that wall-clock time. Exports of "
        "older versions, whose date-times carry no offset (UTC, and local wall-clock time "
        "for started_at), are read too. The app also checks that ids are unique and that "
        "PSFS ratings name an activity of the same patient.",
        **_schema(DOCUMENT),
    }

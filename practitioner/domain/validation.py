"""Rules a patient record must satisfy, and parsing of what a practitioner types.

Every rule answers with a `FieldError` naming the field, so the form can show the message
right next to what caused it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from practitioner.domain.patient import PatientInput

EARLIEST_BIRTH = dt.date(1900, 1, 1)
MAX_FREQUENCY_PER_WEEK = 200.0
MAX_DURATION_MINUTES = 24 * 60.0
SEVERITY_RANGE = (0, 10)
NAME_MAX_LENGTH = 200

_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class FieldError:
    """A problem with one field: `field` is a dotted path such as `profile.worst_severity`."""

    field: str
    message: str


class ValidationError(Exception):
    """Raised when input breaks one or more rules; carries every problem found."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = tuple(errors)


def parse_date(text: str) -> dt.date | None:
    """Parse a typed date: ISO `1975-03-14` or day-first `14.03.1975` / `14/03/1975`.

    Empty text means no date. Raises ValueError with a message fit for the user.
    """
    if not text.strip():
        return None
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DAY_FIRST.match(text)
        if not match:
            raise ValueError("Not a date: use YYYY-MM-DD, e.g. 1975-03-14.")
        day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"There is no such day as {text.strip()}.") from None


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$")


def date_time_text(value: dt.datetime) -> str:
    """`value` as a form shows it, read back exactly by `parse_date_time`: to the minute,
    with seconds (and their fraction) only when it has them."""
    text = value.strftime("%Y-%m-%d %H:%M")
    if value.second or value.microsecond:
        text += f":{value.second:02d}"
        if value.microsecond:
            text += f".{value.microsecond:06d}".rstrip("0")
    return text


def number_text(value: float | None) -> str:
    """A number as a form shows it, read back exactly by `parse_number` (no exponent,
    no trailing ".0"); empty for none."""
    if value is None:
        return ""
    if value == 0:
        return "0"  # -0.0 too
    text = format(Decimal(repr(float(value))), "f")
    return text.removesuffix(".0")


def parse_date_time(text: str) -> dt.datetime:
    """Parse a typed date and time such as `2026-11-24 09:30` or `2026-11-24 09:30:15`
    (day-first dates work too).

    Raises ValueError with a message fit for the user, also for empty text.
    """
    parts = text.split()
    if len(parts) != 2:
        raise ValueError("Enter a date and time, e.g. 2026-11-24 09:30.")
    date = parse_date(parts[0])
    match = _TIME.match(parts[1])
    if date is None or not match:
        raise ValueError("Enter a date and time, e.g. 2026-11-24 09:30.")
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"There is no such time as {parts[1]}.")
    micro = int((match.group(4) or "").ljust(6, "0"))
    return dt.datetime.combine(date, dt.time(hour, minute, second, micro))


def parse_number(text: str, *, integer: bool = False) -> float | None:
    """Parse a typed number (a comma is accepted as decimal mark); empty means none.

    Raises ValueError with a message fit for the user for anything else, NaN and infinity
    included.
    """
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError("Enter a number, e.g. 3 or 2.5.") from None
    if not math.isfinite(value):
        raise ValueError("Enter a finite number.")
    if integer and not value.is_integer():
        raise ValueError("Enter a whole number.")
    return value


def _check_range(
    errors: list[FieldError], name: str, value: float | None, low: float, high: float, what: str
) -> None:
    if value is None:
        return
    if not math.isfinite(value) or value < low:
        errors.append(FieldError(name, f"{what} cannot be below {low:g}."))
    elif value > high:
        errors.append(FieldError(name, f"{what} cannot be above {high:g}."))


def validate_patient(data: PatientInput, today: dt.date) -> list[FieldError]:
    """All the ways `data` breaks the record rules, in form order; empty when valid."""
    errors: list[FieldError] = []
    name = data.name.strip()
    if not name:
        errors.append(FieldError("name", "A name is required."))
    elif len(name) > NAME_MAX_LENGTH:
        errors.append(FieldError("name", f"A name can be at most {NAME_MAX_LENGTH} characters."))

    dob = data.date_of_birth
    if dob is not None:
        if dob > today:
            errors.append(FieldError("date_of_birth", "The date of birth is in the future."))
        elif dob < EARLIEST_BIRTH:
            errors.append(
                FieldError("date_of_birth", f"The date of birth is before {EARLIEST_BIRTH:%Y}.")
            )

    if data.email.strip() and not _EMAIL.match(data.email.strip()):
        errors.append(FieldError("email", "Not an e-mail address, e.g. name@example.org."))

    profile = data.profile
    if profile.onset_date is not None:
        if profile.onset_date > today:
            errors.append(FieldError("profile.onset_date", "The onset date is in the future."))
        elif dob is not None and profile.onset_date < dob:
            errors.append(
                FieldError("profile.onset_date", "The onset date is before the date of birth.")
            )
    _check_range(
        errors,
        "profile.frequency_per_week",
        profile.frequency_per_week,
        0,
        MAX_FREQUENCY_PER_WEEK,
        "Frequency",
    )
    _check_range(
        errors,
        "profile.duration_minutes",
        profile.duration_minutes,
        0,
        MAX_DURATION_MINUTES,
        "Duration",
    )
    if profile.worst_severity is not None and not (
        SEVERITY_RANGE[0] <= profile.worst_severity <= SEVERITY_RANGE[1]
    ):
        errors.append(
            FieldError("profile.worst_severity", "Severity is a whole number from 0 to 10.")
        )

    for index, medication in enumerate(data.medications):
        if not medication.name.strip():
            errors.append(FieldError(f"medications.{index}", "A medication needs a name."))
        elif medication.since is not None and medication.since > today:
            errors.append(
                FieldError(f"medications.{index}", "The start date is in the future.")
            )

    lifestyle = data.lifestyle
    _check_range(
        errors,
        "lifestyle.exercise_hours_per_week",
        lifestyle.exercise_hours_per_week,
        0,
        168,
        "Exercise hours",
    )
    _check_range(
        errors,
        "lifestyle.fluid_litres_per_day",
        lifestyle.fluid_litres_per_day,
        0,
        20,
        "Fluid intake",
    )
    _check_range(
        errors,
        "lifestyle.alcohol_units_per_week",
        lifestyle.alcohol_units_per_week,
        0,
        500,
        "Alcohol units",
    )
    return errors

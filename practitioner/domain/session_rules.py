"""Rules for sessions, what changed since the last visit, and carrying a visit forward."""

from __future__ import annotations

import dataclasses
import datetime as dt

from practitioner.domain.session import (
    RETENTION_RANGE,
    SessionInput,
)
from practitioner.domain.validation import FieldError

MAX_DURATION_MINUTES = 600
MAX_ELECTRO_HZ = 200.0
FUTURE_LIMIT = dt.timedelta(days=1)

# Groups of fields the form marks when they differ from the previous visit.
COMPARED_FIELDS: dict[str, tuple[str, ...]] = {
    "subjective": ("course_since_last", "patient_report"),
    "tongue": ("tongue",),
    "pulse": ("pulse",),
    "patterns": ("patterns", "pattern_other"),
    "principles": ("principles", "principle_notes"),
    "points": ("points",),
    "modalities": ("modalities", "herbal_formula"),
    "advice": ("advice", "advice_notes"),
    "plan": ("plan", "next_visit"),
    "notes": ("notes",),
}

# What "new session from last visit" copies.
CARRIED_FIELDS = (
    "patterns",
    "pattern_other",
    "principles",
    "principle_notes",
    "points",
    "advice",
    "advice_notes",
)


def validate_session(
    data: SessionInput,
    *,
    born: dt.date | None,
    now: dt.datetime,
    finalising: bool = False,
) -> list[FieldError]:
    """All the ways `data` breaks the session rules, in form order; empty when valid."""
    errors: list[FieldError] = []
    if born is not None and data.started_at.date() < born:
        errors.append(FieldError("started_at", "The session is before the patient's birth."))
    elif data.started_at > now + FUTURE_LIMIT:
        errors.append(FieldError("started_at", "The session is more than a day in the future."))
    if data.duration_minutes is not None and not (
        0 <= data.duration_minutes <= MAX_DURATION_MINUTES
    ):
        errors.append(
            FieldError("duration_minutes", f"Duration is 0 to {MAX_DURATION_MINUTES} minutes.")
        )
    low, high = RETENTION_RANGE
    for index, point in enumerate(data.points):
        if not point.code.strip():
            errors.append(FieldError(f"points.{index}", "A point needs a code."))
        if point.retention_minutes is not None and not low <= point.retention_minutes <= high:
            message = f"{point.code}: retention is {low} to {high} minutes."
            errors.append(FieldError(f"points.{index}", message))
        if point.electro_hz is not None and not 0 < point.electro_hz <= MAX_ELECTRO_HZ:
            errors.append(
                FieldError(
                    f"points.{index}",
                    f"{point.code}: electro-acupuncture is above 0 and at most "
                    f"{MAX_ELECTRO_HZ:g} Hz.",
                )
            )
    if finalising and data.is_empty():
        errors.append(
            FieldError("session", "An empty session cannot be finalised: record what was done.")
        )
    return errors


def changed_groups(current: SessionInput, previous: SessionInput) -> set[str]:
    """Names of the `COMPARED_FIELDS` groups that differ from the previous visit.

    A group that is not carried forward and is still blank counts as "not recorded yet",
    not as a change; a carried group that was cleared is a change.
    """
    blank = SessionInput(started_at=current.started_at)
    changed = set()
    for group, names in COMPARED_FIELDS.items():
        if all(getattr(current, n) == getattr(previous, n) for n in names):
            continue
        carried = any(n in CARRIED_FIELDS for n in names)
        if carried or any(getattr(current, n) != getattr(blank, n) for n in names):
            changed.add(group)
    return changed


def carry_forward(previous: SessionInput, started_at: dt.datetime, practitioner: str) -> (
    SessionInput
):
    """A new visit pre-filled with the previous visit's pattern, principle, points, advice."""
    carried = {name: getattr(previous, name) for name in CARRIED_FIELDS}
    return dataclasses.replace(
        SessionInput(started_at=started_at, practitioner=practitioner), **carried
    )

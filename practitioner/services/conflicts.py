"""The version check every in-place update makes, and what a refused one reports.

An update first claims the row: `UPDATE … SET version = version + 1 WHERE id = ? AND
version = ?`. One statement, so it is atomic on SQLite and PostgreSQL alike: on
PostgreSQL a concurrent claim waits for the first one's row lock and then finds the
version moved on (rowcount 0). The rest of the update then runs while the row is held.
When the claim finds nothing, the caller loads the stored version in the same transaction
and raises `EditConflictError` with both sides.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee

from practitioner.db.models import AuditRow
from practitioner.domain.audit import AuditAction
from practitioner.domain.conflicts import EditConflict, EditConflictError
from practitioner.services.clock import aware

#: The audit action of a save that kept the practitioner's own edit over a newer version.
OVERRIDE = "override"
#: The audit action of a save of a text merged by hand from both versions.
MERGE = "merge"

# Audit actions that change a record (opening or exporting one does not).
_CHANGES = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.AMEND, AuditAction.FINALISE,
            AuditAction.ARCHIVE, AuditAction.RESTORE, AuditAction.IMPORT, OVERRIDE, MERGE)


def claim(model: type[peewee.Model], where: Any, expected_version: int) -> bool:
    """Move the row matching `where` from `expected_version` to the next; False when it
    is not at that version (or not there at all). Call inside the write transaction."""
    version = model.version  # type: ignore[attr-defined]
    claimed: int = (
        model.update({version: expected_version + 1})
        .where(where & (version == expected_version))
        .execute()
    )
    return claimed == 1


def last_change(entity: str, entity_id: int | None, *, patient_id: int | None = None,
                detail: str | None = None) -> tuple[str, dt.datetime | None]:
    """Who last changed a record and when (UTC), from the audit trail; ("", None) when
    the trail does not say. The trail is written in the same transaction as each change,
    so its newest change entry is the stored version's author."""
    query = AuditRow.select(AuditRow.practitioner, AuditRow.at).where(
        (AuditRow.entity == entity) & AuditRow.action.in_(_CHANGES)
    )
    if entity_id is not None:
        query = query.where(AuditRow.entity_id == entity_id)
    if patient_id is not None:
        query = query.where(AuditRow.patient_id == patient_id)
    if detail is not None:
        query = query.where(AuditRow.detail == detail)
    row = query.order_by(AuditRow.seq.desc()).first()
    if row is None:
        return "", None
    try:
        at = aware(dt.datetime.fromisoformat(str(row.at).rstrip("Z")))
    except ValueError:
        at = None
    return str(row.practitioner), at


def resolution_detail(choice: str, their_version: int) -> str:
    """The audit detail of a save that settled a conflict."""
    return f"{choice}: saved over version {their_version}"


def stale_save(kind: str, record_id: int, expected_version: int, mine: Any, theirs: Any, *,
               their_version: int, updated_at: dt.datetime | None, patient_id: int,
               changed: str, kept: str) -> EditConflictError:
    """The refusal of a save that found a newer stored version of a patient's record:
    both versions, who saved theirs and when (from the audit trail, whose entity names
    are the conflict kinds), and a message starting `changed` ("This session was
    changed") and saying where mine is (`kept`). Call inside the write transaction."""
    author, saved_at = last_change(kind, record_id, patient_id=patient_id)
    conflict = EditConflict(
        kind=kind, record_id=record_id, base_version=expected_version, mine=mine,
        theirs=theirs, their_version=their_version, their_author=author,
        their_saved_at=saved_at or updated_at,
    )
    who = f" by {author}" if author else ""
    return EditConflictError(
        conflict,
        f"{changed} elsewhere{who} since you opened it. Nothing was overwritten and {kept}: "
        "compare the two versions and choose which to keep.",
    )

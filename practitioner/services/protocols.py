"""Named point protocols the practitioner reuses across sessions."""

from __future__ import annotations

import peewee

from practitioner.db.errors import translated_errors
from practitioner.db.models import ProtocolPointRow, ProtocolRow
from practitioner.db.transactions import write_transaction
from practitioner.domain.audit import AuditAction
from practitioner.domain.session import RETENTION_RANGE, NeedledPoint, Protocol
from practitioner.domain.session_rules import MAX_ELECTRO_HZ
from practitioner.domain.validation import FieldError, ValidationError
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.clock import Clock, utc_now
from practitioner.services.sessions import point_from_row, points_rows


class ProtocolService:
    """Lists, saves and deletes protocols; each change is one transaction."""

    def __init__(self, clock: Clock = utc_now, audit: AuditService | None = None) -> None:
        self._clock = clock
        self._audit = audit or AuditService(clock=clock)

    def list_protocols(self) -> list[Protocol]:
        """Every protocol with its points, by name."""
        with translated_errors():
            rows = list(ProtocolRow.select().order_by(ProtocolRow.name))
            points: dict[int, list[NeedledPoint]] = {row.id: [] for row in rows}
            for point in ProtocolPointRow.select().order_by(ProtocolPointRow.position):
                points[point.protocol_id].append(point_from_row(point))
        return [Protocol(row.id, row.name, tuple(points[row.id]), row.notes) for row in rows]

    def save(
        self,
        name: str,
        points: tuple[NeedledPoint, ...],
        notes: str = "",
        protocol_id: int | None = None,
    ) -> Protocol:
        """Create a protocol, or replace protocol `protocol_id`. Raises ValidationError."""
        errors = []
        if not name.strip():
            errors.append(FieldError("name", "A protocol needs a name."))
        if not points:
            errors.append(FieldError("points", "A protocol needs at least one point."))
        low, high = RETENTION_RANGE
        for index, point in enumerate(points):
            if not point.code.strip():
                errors.append(FieldError(f"points.{index}", "A point needs a code."))
            if point.retention_minutes is not None and not low <= point.retention_minutes <= high:
                errors.append(FieldError(f"points.{index}",
                                         f"{point.code}: retention is {low} to {high} minutes."))
            if point.electro_hz is not None and not 0 < point.electro_hz <= MAX_ELECTRO_HZ:
                errors.append(FieldError(
                    f"points.{index}",
                    f"{point.code}: electro-acupuncture is above 0 and at most "
                    f"{MAX_ELECTRO_HZ:g} Hz.",
                ))
        if errors:
            raise ValidationError(errors)
        now = self._clock()
        try:
            with translated_errors(), write_transaction():
                if protocol_id is None:
                    row = ProtocolRow.create(name=name.strip(), notes=notes, created_at=now,
                                             updated_at=now)
                else:
                    found = ProtocolRow.get_or_none(ProtocolRow.id == protocol_id)
                    if found is None:
                        raise KnownError(ErrorKind.NOT_FOUND, "That protocol no longer exists.")
                    row = found
                    row.name, row.notes, row.updated_at = name.strip(), notes, now
                    row.save()
                    ProtocolPointRow.delete().where(ProtocolPointRow.protocol == row.id).execute()
                ProtocolPointRow.insert_many(
                    [{"protocol": row.id, **r} for r in points_rows(points)]
                ).execute()
                self._audit.record(
                    AuditAction.CREATE if protocol_id is None else AuditAction.UPDATE,
                    entity="protocol", entity_id=row.id,
                )
        except peewee.IntegrityError as exc:
            # Only the unique name is left for the database to catch; any other refusal
            # is a rule missed above and must not pass for a duplicate name.
            # (SQLite names the column "protocol.name", PostgreSQL the index "protocol_name".)
            if "protocol.name" not in str(exc) and '"protocol_name"' not in str(exc):
                raise
            raise ValidationError(
                [FieldError("name", f"There is already a protocol called “{name.strip()}”.")]
            ) from None
        return Protocol(row.id, row.name, points, row.notes)

    def delete(self, protocol_id: int) -> None:
        """Remove a protocol; sessions that used its points keep them."""
        with translated_errors(), write_transaction():
            if ProtocolRow.delete().where(ProtocolRow.id == protocol_id).execute():
                self._audit.record(AuditAction.DELETE, entity="protocol", entity_id=protocol_id)

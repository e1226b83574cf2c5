"""Unsaved session notes kept in the database while they are being written."""

from __future__ import annotations

import json

from practitioner.db.errors import translated_errors
from practitioner.db.models import DraftRow, PatientRow
from practitioner.db.transactions import write_transaction
from practitioner.domain.session import Draft, DraftSummary
from practitioner.services.clock import Clock, aware, utc_now


def draft_key(patient_id: int, session_id: int | None) -> str:
    """The one draft slot for a patient's new session, or for one existing session."""
    return f"session:{patient_id}:{'new' if session_id is None else session_id}"


def kept_key(patient_id: int, session_id: int | None) -> str:
    """The slot for a version set aside when its author chose another's version in an edit
    conflict: one per session, and one for the patient's profile (`session_id` None)."""
    return f"kept:{patient_id}:{'profile' if session_id is None else session_id}"


class DraftService:
    """Stores, finds and discards drafts; each call is one short transaction."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self._clock = clock

    def save(self, patient_id: int, session_id: int | None, payload: dict[str, object]) -> None:
        """Keep `payload` as the draft for this slot, replacing any earlier one."""
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        now = self._clock()
        with translated_errors(), write_transaction():
            (
                DraftRow.insert(
                    key=draft_key(patient_id, session_id),
                    patient=patient_id,
                    session=session_id,
                    payload=text,
                    updated_at=now,
                )
                .on_conflict(
                    conflict_target=[DraftRow.key],
                    update={DraftRow.payload: text, DraftRow.updated_at: now},
                )
                .execute()
            )

    def get(self, patient_id: int, session_id: int | None) -> Draft | None:
        """The draft in this slot, if any."""
        with translated_errors():
            row = DraftRow.get_or_none(DraftRow.key == draft_key(patient_id, session_id))
        if row is None:
            return None
        return Draft(row.patient_id, row.session_id, json.loads(row.payload),
                     aware(row.updated_at))

    def discard(self, patient_id: int, session_id: int | None) -> None:
        """Throw the draft in this slot away."""
        with translated_errors(), write_transaction():
            DraftRow.delete().where(DraftRow.key == draft_key(patient_id, session_id)).execute()

    def keep_aside(self, patient_id: int, session_id: int | None,
                   payload: dict[str, object]) -> None:
        """Keep a version its author set aside in an edit conflict ("keep theirs"), until
        they dismiss it. A session's save does not remove it (only its draft)."""
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        now = self._clock()
        with translated_errors(), write_transaction():
            (
                DraftRow.insert(key=kept_key(patient_id, session_id), patient=patient_id,
                                session=session_id, payload=text, updated_at=now)
                .on_conflict(conflict_target=[DraftRow.key],
                             update={DraftRow.payload: text, DraftRow.updated_at: now})
                .execute()
            )

    def kept_aside(self, patient_id: int, session_id: int | None) -> Draft | None:
        """The version set aside for this session (or profile), if any."""
        with translated_errors():
            row = DraftRow.get_or_none(DraftRow.key == kept_key(patient_id, session_id))
        if row is None:
            return None
        return Draft(row.patient_id, row.session_id, json.loads(row.payload),
                     aware(row.updated_at))

    def dismiss_kept(self, patient_id: int, session_id: int | None) -> None:
        """Throw away the version set aside for this session (or profile)."""
        with translated_errors(), write_transaction():
            DraftRow.delete().where(DraftRow.key == kept_key(patient_id, session_id)).execute()

    def summaries(self) -> list[DraftSummary]:
        """Every kept draft with its patient's name, newest first (versions set aside in
        a conflict are not drafts: their record shows them)."""
        query = (
            DraftRow.select(DraftRow.session, DraftRow.updated_at, PatientRow.id, PatientRow.name)
            .join(PatientRow)
            .where(DraftRow.key.startswith("session:"))
            .order_by(DraftRow.updated_at.desc(), DraftRow.id.desc())
        )
        with translated_errors():
            # The joined patient's own columns are read: a selected foreign-key column is
            # shadowed by the joined row in peewee's results.
            return [
                DraftSummary(row.patient.id, row.patient.name, row.session_id,
                             aware(row.updated_at))
                for row in query
            ]

    @staticmethod
    def delete_in_transaction(patient_id: int, session_id: int | None) -> None:
        """Drop a draft as part of the caller's transaction (a saved session's own)."""
        DraftRow.delete().where(DraftRow.key == draft_key(patient_id, session_id)).execute()


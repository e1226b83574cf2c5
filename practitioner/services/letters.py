"""Keep referral letters in the patient's record and read them back."""

from __future__ import annotations

from collections.abc import Iterable

from practitioner.db.errors import translated_errors
from practitioner.db.models import PatientRow, ReferralLetterRow
from practitioner.db.transactions import write_transaction
from practitioner.domain.audit import AuditAction
from practitioner.domain.letters import PDF_MAGIC, KeptLetter
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.clock import Clock, aware, utc_now
from practitioner.services.identity import UserSource, current


def _letter(row: ReferralLetterRow) -> KeptLetter:
    return KeptLetter(row.id, row.patient_id, aware(row.written_at), row.written_by,
                      row.recipient, row.body, bytes(row.pdf))


class LetterService:
    """Referral letters, kept as sent; they are never changed afterwards."""

    def __init__(self, clock: Clock = utc_now, user: UserSource = lambda: "",
                 audit: AuditService | None = None) -> None:
        self._clock = clock
        self._user = user
        self._audit = audit or AuditService(user=user, clock=clock)

    def keep(self, patient_id: int, recipient: str, body: str, pdf: bytes, *,
             entity: str = "referral_letter") -> KeptLetter:
        """Keep a letter that was just written as `pdf` (`entity` names what it is in the
        audit trail: a referral letter or a take-home sheet). Raises ValueError when `pdf`
        is not a PDF and KnownError(NOT_FOUND) for an unknown patient."""
        if not pdf.startswith(PDF_MAGIC):
            raise ValueError("a kept letter must be a PDF document")
        now = self._clock()
        with translated_errors("keeping the letter"), write_transaction():
            if not PatientRow.select().where(PatientRow.id == patient_id).exists():
                raise KnownError(ErrorKind.NOT_FOUND, f"There is no patient number {patient_id}.")
            row = ReferralLetterRow.create(patient=patient_id, written_at=now,
                                           written_by=current(self._user).name, recipient=recipient,
                                           body=body, pdf=pdf)
            self._audit.record(AuditAction.CREATE, entity=entity, entity_id=row.id,
                               patient_id=patient_id)
        return _letter(row)

    def letters(self, patient_id: int) -> list[KeptLetter]:
        """The patient's kept letters, newest first."""
        return sorted(self.letters_for_patients([patient_id])[patient_id],
                      key=lambda letter: (letter.written_at, letter.id), reverse=True)

    def letters_for_patients(self, patient_ids: Iterable[int]) -> dict[int, list[KeptLetter]]:
        """Each patient's kept letters, oldest first, in a fixed number of queries."""
        ids = list(patient_ids)
        found: dict[int, list[KeptLetter]] = {i: [] for i in ids}
        with translated_errors():
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for row in (ReferralLetterRow.select()
                            .where(ReferralLetterRow.patient.in_(chunk))
                            .order_by(ReferralLetterRow.written_at, ReferralLetterRow.id)):
                    found[row.patient_id].append(_letter(row))
        return found

"""Referral letters kept in the patient's record, exactly as they were sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class KeptLetter:
    """A letter as sent: who wrote it and when, to whom, its text and its PDF."""

    id: int
    patient_id: int
    written_at: dt.datetime  # aware UTC
    written_by: str
    recipient: str
    body: str
    pdf: bytes

    @property
    def summary(self) -> str:
        """One line naming the letter, for lists."""
        to = self.recipient or "no addressee"
        return f"{self.written_at:%Y-%m-%d %H:%M} UTC to {to}"

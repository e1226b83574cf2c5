"""Referral letters kept in the patient's record.

Must match the schema the migrations build; `tests/unit/db/test_migrations.py` checks it.
"""

from __future__ import annotations

from peewee import AutoField, BlobField, DateTimeField, ForeignKeyField, TextField

from practitioner.db.base import BaseModel
from practitioner.db.models.patient import PatientRow


class ReferralLetterRow(BaseModel):
    """A letter as it was sent: its text and the PDF; rows are never changed."""

    id = AutoField()
    patient = ForeignKeyField(PatientRow, backref="letters", on_delete="CASCADE")
    patient_id: int
    written_at = DateTimeField()
    written_by = TextField(default="")
    recipient = TextField(default="")
    body = TextField()
    pdf = BlobField()

    class Meta:
        table_name = "referral_letter"
        indexes = ((("patient", "written_at"), False),)

"""Tables of outcome tracking: session measures, PSFS activities and ratings, custom
measures and the cramp diary.

Must match the schema the migrations build; `tests/unit/db/test_migrations.py` checks it.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from practitioner.db.base import BaseModel
from practitioner.db.models.patient import PatientRow
from practitioner.db.models.session import SessionRow


class SessionMeasureRow(BaseModel):
    """One measure's value at one visit, by measure code (`custom:<id>` for custom ones)."""

    session = ForeignKeyField(SessionRow, backref="measures", on_delete="CASCADE")
    session_id: int
    code = CharField(max_length=32)
    value = FloatField()

    class Meta:
        table_name = "session_measure"
        indexes = ((("session", "code"), True),)


class PsfsActivityRow(BaseModel):
    """An activity the patient named for the Patient-Specific Functional Scale."""

    id = AutoField()
    patient = ForeignKeyField(PatientRow, backref="psfs_activities", on_delete="CASCADE")
    patient_id: int
    position = IntegerField()
    wording = TextField()
    version = IntegerField(default=1)

    class Meta:
        table_name = "psfs_activity"
        indexes = ((("patient", "position"), True),)


class SessionPsfsRow(BaseModel):
    """The rating (0–10) one activity got at one visit."""

    session = ForeignKeyField(SessionRow, backref="psfs", on_delete="CASCADE")
    session_id: int
    activity = ForeignKeyField(PsfsActivityRow, backref="ratings", on_delete="CASCADE")
    activity_id: int
    rating = IntegerField()

    class Meta:
        table_name = "session_psfs"
        indexes = ((("session", "activity"), True),)


class CustomMeasureRow(BaseModel):
    """A measure the practitioner defined; its code is `custom:<id>`."""

    id = AutoField()
    name = TextField(unique=True)
    unit = TextField(default="")
    low = FloatField()
    high = FloatField()
    integer = BooleanField(default=True)
    lower_is_better = BooleanField(default=True)
    minimal_important_change = FloatField(null=True)
    version = IntegerField(default=1)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "custom_measure"


class DiaryEntryRow(BaseModel):
    """One day of a patient's cramp diary."""

    patient = ForeignKeyField(PatientRow, backref="diary", on_delete="CASCADE")
    patient_id: int
    day = DateField()
    cramps = IntegerField()
    worst_severity = IntegerField(null=True)
    total_minutes = FloatField(null=True)
    sleep_disturbed = BooleanField(default=False)
    notes = TextField(default="")
    version = IntegerField(default=1)

    class Meta:
        table_name = "diary_entry"
        indexes = ((("patient", "day"), True),)

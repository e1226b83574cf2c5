"""Tables of the patient aggregate: the record, its cramp sites, coded answers, medications
and red-flag screening answers.

Must match the schema the migrations build; `tests/unit/db/test_migrations.py` checks it.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from practitioner.db.base import BaseModel
from practitioner.db.models.accounts import AccountRow


class PatientRow(BaseModel):
    """A patient: identity, cramp profile scalars, medical and lifestyle background."""

    id = AutoField()
    name = TextField()
    name_key = TextField(index=True)
    family_key = TextField(default="")  # the list's family-name order (migration 0010)
    date_of_birth = DateField(null=True, index=True)
    sex = CharField(max_length=16, default="unknown")
    phone = TextField(default="")
    email = TextField(default="")
    address = TextField(default="")
    notes = TextField(default="")
    onset_date = DateField(null=True)
    frequency_per_week = FloatField(null=True)
    duration_minutes = FloatField(null=True)
    worst_severity = IntegerField(null=True)
    conditions_notes = TextField(default="")
    exercise = TextField(default="")
    exercise_hours_per_week = FloatField(null=True)
    fluid_litres_per_day = FloatField(null=True)
    alcohol_units_per_week = FloatField(null=True)
    work_posture = CharField(max_length=32, default="unknown")
    version = IntegerField(default=1)
    created_at = DateTimeField()
    updated_at = DateTimeField()
    archived_at = DateTimeField(null=True, index=True)
    # Who made and who last changed the record (migration 0008; null before it).
    created_by = ForeignKeyField(AccountRow, null=True, index=False, backref="+")
    created_by_id: int | None
    updated_by = ForeignKeyField(AccountRow, null=True, index=False, backref="+")
    updated_by_id: int | None

    class Meta:
        table_name = "patient"
        indexes = ((("family_key", "id"), False),)


class CrampSiteRow(BaseModel):
    """One affected site: a muscle group on a side."""

    patient = ForeignKeyField(PatientRow, backref="sites", on_delete="CASCADE")
    patient_id: int
    muscle = CharField(max_length=32)
    side = CharField(max_length=8)

    class Meta:
        table_name = "cramp_site"
        indexes = ((("patient", "muscle", "side"), True),)


class PatientCodeRow(BaseModel):
    """A coded multiple-choice answer: a timing, trigger, relief or condition."""

    patient = ForeignKeyField(PatientRow, backref="codes", on_delete="CASCADE")
    patient_id: int
    category = CharField(max_length=16)
    code = CharField(max_length=48)

    class Meta:
        table_name = "patient_code"
        indexes = ((("patient", "category", "code"), True),)


class MedicationRow(BaseModel):
    """A current medication, kept in the order the practitioner entered it."""

    patient = ForeignKeyField(PatientRow, backref="medications", on_delete="CASCADE")
    patient_id: int
    position = IntegerField()
    name = TextField()
    dose = TextField(default="")
    since = DateField(null=True)

    class Meta:
        table_name = "medication"


class PatientScreenRow(BaseModel):
    """A red-flag screening question the patient answered yes (no row: no)."""

    patient = ForeignKeyField(PatientRow, backref="screen", on_delete="CASCADE")
    patient_id: int
    question = CharField(max_length=48)

    class Meta:
        table_name = "patient_screen"
        indexes = ((("patient", "question"), True),)


class PatientNameWordRow(BaseModel):
    """One word of a patient's name key, so a typed prefix finds names without a scan."""

    patient = ForeignKeyField(PatientRow, backref="name_words", on_delete="CASCADE")
    patient_id: int
    word = TextField()

    class Meta:
        table_name = "patient_name_word"
        indexes = ((("word", "patient"), True),)

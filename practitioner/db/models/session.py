"""Tables of treatment sessions, their kept revisions, point protocols and drafts.

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
from practitioner.db.models.accounts import AccountRow
from practitioner.db.models.patient import PatientRow


class SessionRow(BaseModel):
    """One visit; tongue and free-text fields inline, coded lists in session_code."""

    id = AutoField()
    patient = ForeignKeyField(PatientRow, backref="sessions", on_delete="CASCADE", index=True)
    patient_id: int
    started_at = DateTimeField(index=True)
    duration_minutes = IntegerField(null=True)
    practitioner = TextField(default="")
    course_since_last = TextField(default="")
    patient_report = TextField(default="")
    tongue_body_colour = CharField(max_length=24, null=True)
    tongue_coating_colour = CharField(max_length=24, null=True)
    tongue_coating_thickness = CharField(max_length=24, null=True)
    tongue_moisture = CharField(max_length=24, null=True)
    tongue_notes = TextField(default="")
    pulse_positions = TextField(default="[]")
    pulse_notes = TextField(default="")
    pattern_other = TextField(default="")
    principle_notes = TextField(default="")
    herbal_formula = TextField(default="")
    advice_notes = TextField(default="")
    plan = TextField(default="")
    next_visit = DateField(null=True)
    notes = TextField(default="")
    status = CharField(max_length=8, default="open")
    finalised_at = DateTimeField(null=True)
    finalised_by = TextField(default="")
    version = IntegerField(default=1)
    created_at = DateTimeField()
    updated_at = DateTimeField()
    # Migration 0008: the author (who wrote it) and who last changed it; a private note's
    # text is shown only to its author and administrators.
    created_by = ForeignKeyField(AccountRow, null=True, index=False, backref="+")
    created_by_id: int | None
    updated_by = ForeignKeyField(AccountRow, null=True, index=False, backref="+")
    updated_by_id: int | None
    private = BooleanField(default=False)

    class Meta:
        table_name = "treatment_session"
        indexes = ((("patient", "started_at"), False),)


class SessionCodeRow(BaseModel):
    """A coded answer of a session: tongue shape, pulse quality, pattern, principle…"""

    session = ForeignKeyField(SessionRow, backref="codes", on_delete="CASCADE")
    session_id: int
    category = CharField(max_length=16)
    code = CharField(max_length=48)

    class Meta:
        table_name = "session_code"
        indexes = ((("session", "category", "code"), True),)


class PointColumns(BaseModel):
    """The columns a needled point has, in a session or in a protocol (no table itself)."""

    position = IntegerField()
    code = CharField(max_length=16)
    side = CharField(max_length=12)
    technique = CharField(max_length=12)
    retention_minutes = IntegerField(null=True)
    electro_hz = FloatField(null=True)
    custom = BooleanField(default=False)


class SessionPointRow(PointColumns):
    """A point needled in a session, in the order entered."""

    session = ForeignKeyField(SessionRow, backref="points", on_delete="CASCADE")
    session_id: int

    class Meta:
        table_name = "session_point"


class SessionRevisionRow(BaseModel):
    """A superseded version of a final session; rows are never changed or deleted."""

    session = ForeignKeyField(SessionRow, backref="revisions", on_delete="CASCADE")
    session_id: int
    number = IntegerField()
    snapshot = TextField()
    recorded_at = DateTimeField()
    recorded_by = TextField(default="")
    replaced_at = DateTimeField()
    replaced_by = TextField(default="")
    reason = TextField(default="")
    # Migration 0008: the account that made the amendment which replaced this version.
    amended_by = ForeignKeyField(AccountRow, null=True, index=False, backref="+")
    amended_by_id: int | None

    class Meta:
        table_name = "session_revision"
        indexes = ((("session", "number"), True),)


class ProtocolRow(BaseModel):
    """A named point combination."""

    id = AutoField()
    name = TextField(unique=True)
    notes = TextField(default="")
    version = IntegerField(default=1)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "protocol"


class ProtocolPointRow(PointColumns):
    """A point of a protocol, in order."""

    protocol = ForeignKeyField(ProtocolRow, backref="points", on_delete="CASCADE")
    protocol_id: int

    class Meta:
        table_name = "protocol_point"


class DraftRow(BaseModel):
    """Unsaved form content, kept apart from finished records until saved or discarded."""

    id = AutoField()
    key = CharField(max_length=64, unique=True)
    patient = ForeignKeyField(PatientRow, backref="drafts", on_delete="CASCADE")
    patient_id: int
    session = ForeignKeyField(SessionRow, null=True, backref="drafts", on_delete="CASCADE")
    session_id: int | None
    payload = TextField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "draft"

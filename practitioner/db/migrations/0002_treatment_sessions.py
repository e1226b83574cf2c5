"""Treatment sessions, kept revisions, point protocols and unsaved drafts."""

from __future__ import annotations

from typing import Any

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

SIDES = "('bilateral', 'left', 'right')"
TECHNIQUES = "('even', 'tonify', 'reduce')"
SESSION_CODE_CATEGORIES = (
    "('tongue_shape', 'pulse', 'pattern', 'principle', 'modality', 'advice')"
)


def up(migrator: Any, db: Any) -> None:
    sqlite = isinstance(db, SqliteDatabase)

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Patient(Base):
        class Meta:
            table_name = "patient"

    class TreatmentSession(Base):
        id = AutoField()
        patient = ForeignKeyField(Patient, on_delete="CASCADE", index=True)
        started_at = DateTimeField(index=True)
        duration_minutes = IntegerField(
            null=True, constraints=[Check("duration_minutes BETWEEN 0 AND 600")]
        )
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
        next_visit = DateField(
            null=True,
            constraints=[Check("next_visit IS NULL OR date(next_visit) IS next_visit")]
            if sqlite
            else [],
        )
        notes = TextField(default="")
        status = CharField(
            max_length=8, default="open", constraints=[Check("status IN ('open', 'final')")]
        )
        finalised_at = DateTimeField(null=True)
        finalised_by = TextField(default="")
        version = IntegerField(default=1, constraints=[Check("version >= 1")])
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            table_name = "treatment_session"
            constraints = [Check("status = 'open' OR finalised_at IS NOT NULL")]

    class SessionCode(Base):
        session = ForeignKeyField(TreatmentSession, on_delete="CASCADE")
        category = CharField(
            max_length=16, constraints=[Check(f"category IN {SESSION_CODE_CATEGORIES}")]
        )
        code = CharField(max_length=48)

        class Meta:
            table_name = "session_code"
            indexes = ((("session", "category", "code"), True),)

    def point_fields() -> dict[str, Any]:
        return {
            "position": IntegerField(constraints=[Check("position >= 0")]),
            "code": CharField(max_length=16, constraints=[Check("length(trim(code)) > 0")]),
            "side": CharField(max_length=12, constraints=[Check(f"side IN {SIDES}")]),
            "technique": CharField(
                max_length=12, constraints=[Check(f"technique IN {TECHNIQUES}")]
            ),
            "retention_minutes": IntegerField(
                null=True, constraints=[Check("retention_minutes BETWEEN 0 AND 120")]
            ),
            "electro_hz": FloatField(
                null=True, constraints=[Check("electro_hz > 0 AND electro_hz <= 200")]
            ),
            "custom": BooleanField(default=False),
        }

    SessionPoint = type(
        "SessionPoint",
        (Base,),
        {
            "session": ForeignKeyField(TreatmentSession, on_delete="CASCADE"),
            **point_fields(),
            "Meta": type("Meta", (), {"table_name": "session_point"}),
        },
    )

    class SessionRevision(Base):
        session = ForeignKeyField(TreatmentSession, on_delete="CASCADE")
        number = IntegerField(constraints=[Check("number >= 1")])
        snapshot = TextField()
        recorded_at = DateTimeField()
        recorded_by = TextField(default="")
        replaced_at = DateTimeField()
        replaced_by = TextField(default="")
        reason = TextField(default="")

        class Meta:
            table_name = "session_revision"
            indexes = ((("session", "number"), True),)

    class Protocol(Base):
        id = AutoField()
        name = TextField(unique=True, constraints=[Check("length(trim(name)) > 0")])
        notes = TextField(default="")
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            table_name = "protocol"

    ProtocolPoint = type(
        "ProtocolPoint",
        (Base,),
        {
            "protocol": ForeignKeyField(Protocol, on_delete="CASCADE"),
            **point_fields(),
            "Meta": type("Meta", (), {"table_name": "protocol_point"}),
        },
    )

    class Draft(Base):
        id = AutoField()
        key = CharField(max_length=64, unique=True)
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        session = ForeignKeyField(TreatmentSession, null=True, on_delete="CASCADE")
        payload = TextField()
        updated_at = DateTimeField()

        class Meta:
            table_name = "draft"

    db.create_tables(
        [TreatmentSession, SessionCode, SessionPoint, SessionRevision, Protocol, ProtocolPoint,
         Draft]
    )
    if sqlite:
        # Kept revisions are the record of what was signed: never rewritten or removed
        # (a cascade from deleting the whole session aside).
        db.execute_sql(
            "CREATE TRIGGER session_revision_no_update BEFORE UPDATE ON session_revision "
            "BEGIN SELECT RAISE(ABORT, 'session revisions cannot be changed'); END"
        )
    else:
        for statement in POSTGRES_STATEMENTS:
            db.execute_sql(statement)


# PostgreSQL: the same refusal as a plpgsql trigger (check_violation, as SQLite's
# RAISE(ABORT) is a constraint failure too).
POSTGRES_STATEMENTS = (
    "CREATE FUNCTION session_revision_no_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'session revisions cannot be changed' "
    "USING ERRCODE = 'check_violation'; END $$",
    "CREATE TRIGGER session_revision_no_update BEFORE UPDATE ON session_revision "
    "FOR EACH ROW EXECUTE FUNCTION session_revision_no_update()",
)

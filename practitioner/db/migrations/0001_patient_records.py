"""Patient cramp records: patient, cramp_site, patient_code, medication."""

from __future__ import annotations

from typing import Any

from peewee import (
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


def _valid_date(column: str, sqlite: bool) -> list[Any]:
    # SQLite stores dates as text, so only a check keeps malformed ones out;
    # other engines have a real DATE type.
    if not sqlite:
        return []
    return [Check(f"{column} IS NULL OR date({column}) IS {column}")]


def up(migrator: Any, db: Any) -> None:
    sqlite = isinstance(db, SqliteDatabase)

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Patient(Base):
        name = TextField(constraints=[Check("length(trim(name)) > 0")])
        name_key = TextField(index=True)
        date_of_birth = DateField(
            null=True, index=True, constraints=_valid_date("date_of_birth", sqlite)
        )
        sex = CharField(
            max_length=16,
            default="unknown",
            constraints=[Check("sex IN ('female', 'male', 'intersex', 'unknown')")],
        )
        phone = TextField(default="")
        email = TextField(default="")
        address = TextField(default="")
        notes = TextField(default="")
        onset_date = DateField(null=True, constraints=_valid_date("onset_date", sqlite))
        frequency_per_week = FloatField(
            null=True, constraints=[Check("frequency_per_week BETWEEN 0 AND 200")]
        )
        duration_minutes = FloatField(
            null=True, constraints=[Check("duration_minutes BETWEEN 0 AND 1440")]
        )
        worst_severity = IntegerField(
            null=True, constraints=[Check("worst_severity BETWEEN 0 AND 10")]
        )
        conditions_notes = TextField(default="")
        exercise = TextField(default="")
        exercise_hours_per_week = FloatField(
            null=True, constraints=[Check("exercise_hours_per_week BETWEEN 0 AND 168")]
        )
        fluid_litres_per_day = FloatField(
            null=True, constraints=[Check("fluid_litres_per_day BETWEEN 0 AND 20")]
        )
        alcohol_units_per_week = FloatField(
            null=True, constraints=[Check("alcohol_units_per_week BETWEEN 0 AND 500")]
        )
        work_posture = CharField(max_length=32, default="unknown")
        version = IntegerField(default=1, constraints=[Check("version >= 1")])
        created_at = DateTimeField()
        updated_at = DateTimeField()
        archived_at = DateTimeField(null=True, index=True)

        class Meta:
            table_name = "patient"

    class CrampSite(Base):
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        muscle = CharField(max_length=32)
        side = CharField(max_length=8, constraints=[Check("side IN ('left', 'right', 'both')")])

        class Meta:
            table_name = "cramp_site"
            indexes = ((("patient", "muscle", "side"), True),)

    class PatientCode(Base):
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        category = CharField(
            max_length=16,
            constraints=[Check("category IN ('timing', 'trigger', 'relief', 'condition')")],
        )
        code = CharField(max_length=48)

        class Meta:
            table_name = "patient_code"
            indexes = ((("patient", "category", "code"), True),)

    class Medication(Base):
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        position = IntegerField(constraints=[Check("position >= 0")])
        name = TextField(constraints=[Check("length(trim(name)) > 0")])
        dose = TextField(default="")
        since = DateField(null=True, constraints=_valid_date("since", sqlite))

        class Meta:
            table_name = "medication"

    db.create_tables([Patient, CrampSite, PatientCode, Medication])

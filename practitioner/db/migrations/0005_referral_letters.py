"""Referral letters kept in the patient's record: the text as sent and the PDF itself.

A kept letter is what went to the physician; it is never rewritten (a cascade from
erasing the whole patient aside).
"""

from __future__ import annotations

from typing import Any

from peewee import (
    AutoField,
    BlobField,
    Check,
    DateTimeField,
    ForeignKeyField,
    Model,
    SqliteDatabase,
    TextField,
)


def up(migrator: Any, db: Any) -> None:
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Patient(Base):
        class Meta:
            table_name = "patient"

    class ReferralLetter(Base):
        id = AutoField()
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        written_at = DateTimeField()
        written_by = TextField(default="")
        recipient = TextField(default="")
        body = TextField()
        pdf = BlobField(constraints=[Check("length(pdf) > 0")])

        class Meta:
            table_name = "referral_letter"
            indexes = ((("patient", "written_at"), False),)

    db.create_tables([ReferralLetter])
    if isinstance(db, SqliteDatabase):
        db.execute_sql(
            "CREATE TRIGGER referral_letter_no_update BEFORE UPDATE ON referral_letter "
            "BEGIN SELECT RAISE(ABORT, 'kept letters cannot be changed'); END"
        )
    else:
        for statement in POSTGRES_STATEMENTS:
            db.execute_sql(statement)


POSTGRES_STATEMENTS = (
    "CREATE FUNCTION referral_letter_no_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'kept letters cannot be changed' "
    "USING ERRCODE = 'check_violation'; END $$",
    "CREATE TRIGGER referral_letter_no_update BEFORE UPDATE ON referral_letter "
    "FOR EACH ROW EXECUTE FUNCTION referral_letter_no_update()",
)

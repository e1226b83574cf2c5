"""Search-as-you-type without scanning: one row per word of each patient's name key.

A typed word must start a word of the name ("mar" finds Margaret, not Amara). Before
this, the list ran `name_key LIKE 'mar%' OR name_key LIKE '% mar%'`, which reads every
patient row; a range on `patient_name_word.word` reads only the matching words. The
patient service keeps the table in step with `patient.name_key`.

Also: the session timeline and a patient's latest visit read `treatment_session` by
patient in date order, which one composite index serves without a sort.
"""

from __future__ import annotations

from typing import Any

from peewee import ForeignKeyField, Model, TextField


def up(migrator: Any, db: Any) -> None:
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Patient(Base):
        name_key = TextField()

        class Meta:
            table_name = "patient"

    class PatientNameWord(Base):
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        word = TextField()

        class Meta:
            table_name = "patient_name_word"
            indexes = ((("word", "patient"), True),)

    db.create_tables([PatientNameWord])
    rows = [
        (patient_id, word)
        for patient_id, key in db.execute_sql("SELECT id, name_key FROM patient")
        for word in sorted(set(str(key).split()))
    ]
    for start in range(0, len(rows), 5000):
        PatientNameWord.insert_many(
            rows[start : start + 5000],
            fields=[PatientNameWord.patient, PatientNameWord.word],
        ).execute()
    db.execute_sql(
        "CREATE INDEX treatment_session_patient_id_started_at "
        "ON treatment_session (patient_id, started_at)"
    )

"""The patient list can be sorted by family name: `patient.family_key` is the name key
with its last word (the family name) first (`chloe obrien ng` → `ng chloe obrien`), and
one index on (family_key, id) serves the list's pages without a sort, as name_key does.

Filled here from each row's name key; the patient service keeps it in step afterwards.
"""

from __future__ import annotations

from typing import Any


def up(migrator: Any, db: Any) -> None:
    db.execute_sql("ALTER TABLE patient ADD COLUMN family_key TEXT NOT NULL DEFAULT ''")
    update = f"UPDATE patient SET family_key = {db.param} WHERE id = {db.param}"
    for patient_id, key in list(db.execute_sql("SELECT id, name_key FROM patient")):
        words = str(key).split()
        db.execute_sql(update, (" ".join(words[-1:] + words[:-1]), patient_id))
    db.execute_sql("CREATE INDEX patient_family_key_id ON patient (family_key, id)")

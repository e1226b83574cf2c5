"""Row versions for every editable row, so a save that started from an older version is
refused instead of overwriting someone else's change (clinic mode: several workstations).

Patients and treatment sessions carry a version since 0001/0002. This adds one to the
other rows a practitioner edits in place: point protocols, reference notes, custom
measures, diary days and PSFS activities. Existing rows start at version 1.

Rows that are never edited in place need none: red-flag reviews, session revisions,
referral letters and the audit trail are append-only, and a draft is a scratch copy of a
form that its own autosave replaces (the record it belongs to is versioned).

`ALTER TABLE … ADD COLUMN … NOT NULL DEFAULT 1` is the same statement on SQLite and
PostgreSQL, and unlike peewee's SQLite `add_not_null` it does not rebuild the tables (which
would drop the triggers 0003 put on custom_measure and diary_entry).
"""

from __future__ import annotations

from typing import Any

TABLES = ("protocol", "reference_note", "custom_measure", "diary_entry", "psfs_activity")


def up(migrator: Any, db: Any) -> None:
    for table in TABLES:
        db.execute_sql(
            f'ALTER TABLE "{table}" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1 '
            "CHECK (version >= 1)"
        )

"""Practitioner accounts, authors on records, and private session notes.

- `practitioner_account`: name (unique ignoring case: `name_key` holds the casefolded
  form), role, argon2id password hash, active flag, failed-login count for the growing
  pause, created_at. Accounts are deactivated, never deleted.
- Nullable author columns referring to an account: `patient.created_by_id` /
  `updated_by_id`, `treatment_session.created_by_id` / `updated_by_id`,
  `session_revision.amended_by_id` and `audit_log.author_id`. Rows written before this
  migration keep NULL there (their author's name is still in the text columns).
- `treatment_session.private`: the note's text is shown to its author and administrators
  only (enforced by the session service).

Only column additions (ALTER TABLE ... ADD COLUMN), which both engines do in place: the
audit trail's rows and its triggers are untouched, so entries written before this step
still verify (an entry's author id only joins its hash when it is set).
"""

from __future__ import annotations

from typing import Any

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

AUTHOR_COLUMNS = (
    ("patient", "created_by_id"),
    ("patient", "updated_by_id"),
    ("treatment_session", "created_by_id"),
    ("treatment_session", "updated_by_id"),
    ("session_revision", "amended_by_id"),
    ("audit_log", "author_id"),
)


def up(migrator: Any, db: Any) -> None:
    class PractitionerAccount(Model):
        id = AutoField()
        name = TextField()
        name_key = TextField(unique=True)
        role = CharField(max_length=16, default="practitioner")
        password_hash = TextField(default="")
        active = BooleanField(default=True)
        failed_logins = IntegerField(default=0)
        last_failed_at = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "practitioner_account"

    db.create_tables([PractitionerAccount])
    sqlite = isinstance(db, SqliteDatabase)
    # Plain ADD COLUMN on both engines. (peewee's SQLite migrator rebuilds the table for a
    # foreign key column, which trips the triggers that name these tables.)
    for table, column in AUTHOR_COLUMNS:
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" INTEGER '
                       'REFERENCES "practitioner_account" ("id")')
    flag = "INTEGER NOT NULL DEFAULT 0" if sqlite else "BOOLEAN NOT NULL DEFAULT FALSE"
    db.execute_sql(f'ALTER TABLE "treatment_session" ADD COLUMN "private" {flag}')

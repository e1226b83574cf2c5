"""The practitioner account table (migration 0008).

Accounts are never deleted, only deactivated, so the author columns that point at them
(on patients, sessions, revisions and audit entries) always resolve.

Must match the schema the migrations build; `tests/unit/db/test_migrations.py` checks it.
"""

from __future__ import annotations

from peewee import AutoField, BooleanField, CharField, DateTimeField, IntegerField, TextField

from practitioner.db.base import BaseModel

ACCOUNT_TABLE = "practitioner_account"


class AccountRow(BaseModel):
    """One practitioner who can sign in; `name_key` (casefolded) is unique."""

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
        table_name = ACCOUNT_TABLE

"""The audit trail table: append-only, hash-chained (see `practitioner.domain.audit`).

`patient_id` is a plain number, not a foreign key, so the trail outlives a purged patient.
The migration adds triggers that refuse UPDATE and DELETE and any insert that does not
continue the chain.

Must match the schema the migrations build; `tests/unit/db/test_migrations.py` checks it.
"""

from __future__ import annotations

from peewee import CharField, ForeignKeyField, IntegerField, TextField

from practitioner.db.base import BaseModel
from practitioner.db.models.accounts import AccountRow

AUDIT_TABLE = "audit_log"


class AuditRow(BaseModel):
    """One audit entry."""

    seq = IntegerField(primary_key=True)
    at = CharField(max_length=32)
    practitioner = TextField()
    action = CharField(max_length=32)
    entity = CharField(max_length=32, default="")
    entity_id = IntegerField(null=True)
    patient_id = IntegerField(null=True, index=True)
    detail = TextField(default="")
    prev_hash = CharField(max_length=64)
    hash = CharField(max_length=64, unique=True)
    # Migration 0008: the signed-in account; part of the hashed fields when set.
    author = ForeignKeyField(AccountRow, null=True, index=False, backref="+")
    author_id: int | None

    class Meta:
        table_name = AUDIT_TABLE

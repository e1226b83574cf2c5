"""Tables of the reference library: seeded entries, the practitioner's own notes on them,
what was inserted from them into session notes, and reviews of red flags.

The full-text index `reference_fts` (an FTS5 virtual table, SQLite only) is no model: the
reference service reads and writes it with SQL, and the migration tests check it.

Must match the schema the migrations build; `tests/unit/db/test_migrations.py` checks it.
"""

from __future__ import annotations

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from practitioner.db.base import BaseModel
from practitioner.db.models.patient import PatientRow
from practitioner.db.models.session import SessionRow

FTS_TABLE = "reference_fts"
FTS_COLUMNS = ("title", "synonyms", "summary", "body", "clues")


class ReferenceEntryRow(BaseModel):
    """One shipped reference entry, as last seeded: its whole content as JSON."""

    id = AutoField()
    slug = CharField(max_length=96, unique=True)
    kind = CharField(max_length=24)
    title = TextField()
    version = IntegerField()
    content = TextField()
    seeded_at = DateTimeField()

    class Meta:
        table_name = "reference_entry"


class ReferenceNoteRow(BaseModel):
    """The practitioner's own note on an entry, by slug; seeding never touches it."""

    id = AutoField()
    slug = CharField(max_length=96, unique=True)
    text = TextField()
    version = IntegerField(default=1)
    updated_at = DateTimeField()

    class Meta:
        table_name = "reference_note"


class SessionReferenceRow(BaseModel):
    """A paragraph of an entry that was inserted into a session's note, and its version."""

    id = AutoField()
    session = ForeignKeyField(SessionRow, backref="references", on_delete="CASCADE")
    session_id: int
    slug = CharField(max_length=96)
    entry_version = IntegerField()
    paragraph = IntegerField()
    inserted_at = DateTimeField()

    class Meta:
        table_name = "session_reference"


class RedFlagReviewRow(BaseModel):
    """What the practitioner did about one red flag of a patient."""

    id = AutoField()
    patient = ForeignKeyField(PatientRow, backref="red_flag_reviews", on_delete="CASCADE")
    patient_id: int
    flag_key = CharField(max_length=160)
    action = CharField(max_length=16)
    note = TextField(default="")
    recorded_at = DateTimeField()
    recorded_by = TextField(default="")

    class Meta:
        table_name = "red_flag_review"
        indexes = ((("patient", "flag_key"), False),)

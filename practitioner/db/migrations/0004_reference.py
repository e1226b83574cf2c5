"""The reference library (entries, full-text index, the practitioner's own notes), what
was inserted from it into session notes, red-flag screening answers on the patient record,
and what the practitioner did about each red flag.

The screening codes and review actions are frozen here as literals: a later change to the
domain needs a migration of its own.
"""

from __future__ import annotations

from typing import Any

from peewee import (
    AutoField,
    CharField,
    Check,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

SCREEN_CODES = (
    "calf_swelling_warmth",
    "pain_on_walking_relieved_by_rest",
    "sudden_cold_pale_limb",
    "severe_pain_after_injury_or_exercise",
    "progressive_weakness_or_wasting",
    "dark_urine",
    "tingling_around_mouth_or_spasm",
    "saddle_numbness_or_bladder_change",
    "confusion_or_large_water_intake",
)
REVIEW_ACTIONS = ("referred", "discussed", "not_applicable")

# Unstemmed words with prefix indexes: the search widens each typed word to its spellings
# and a light stem itself (practitioner.domain.reference_query). SQLite's porter stemmer
# also stems prefix query terms, which loses about one typed prefix in ten.
FTS_SQL = (
    "CREATE VIRTUAL TABLE reference_fts USING fts5("
    "title, synonyms, summary, body, clues, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
)


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


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
        class Meta:
            table_name = "treatment_session"

    class ReferenceEntry(Base):
        id = AutoField()
        slug = CharField(max_length=96, unique=True,
                         constraints=[Check("length(trim(slug)) > 0")])
        kind = CharField(max_length=24)
        title = TextField()
        version = IntegerField(constraints=[Check("version >= 1")])
        content = TextField()
        seeded_at = DateTimeField()

        class Meta:
            table_name = "reference_entry"

    class ReferenceNote(Base):
        id = AutoField()
        slug = CharField(max_length=96, unique=True)
        text = TextField()
        updated_at = DateTimeField()

        class Meta:
            table_name = "reference_note"

    class SessionReference(Base):
        id = AutoField()
        session = ForeignKeyField(TreatmentSession, on_delete="CASCADE")
        slug = CharField(max_length=96)
        entry_version = IntegerField(constraints=[Check("entry_version >= 1")])
        paragraph = IntegerField(constraints=[Check("paragraph >= 0")])
        inserted_at = DateTimeField()

        class Meta:
            table_name = "session_reference"

    class RedFlagReview(Base):
        id = AutoField()
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        flag_key = CharField(max_length=160, constraints=[Check("length(trim(flag_key)) > 0")])
        action = CharField(
            max_length=16, constraints=[Check(f"action IN ({_quoted(REVIEW_ACTIONS)})")]
        )
        note = TextField(default="")
        recorded_at = DateTimeField()
        recorded_by = TextField(default="")

        class Meta:
            table_name = "red_flag_review"
            indexes = ((("patient", "flag_key"), False),)

    class PatientScreen(Base):
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        question = CharField(
            max_length=48, constraints=[Check(f"question IN ({_quoted(SCREEN_CODES)})")]
        )

        class Meta:
            table_name = "patient_screen"
            indexes = ((("patient", "question"), True),)

    db.create_tables(
        [ReferenceEntry, ReferenceNote, SessionReference, RedFlagReview, PatientScreen]
    )
    if sqlite:
        # Full-text search needs SQLite's FTS5; other engines search with LIKE instead.
        db.execute_sql(FTS_SQL)
    else:
        for statement in POSTGRES_FTS:
            db.execute_sql(statement)


# PostgreSQL's own text search: the same five columns (kept for snippets) and a weighted
# tsvector the reference service fills from the folded words of each (title and synonyms
# weight A, summary B, clues C, body D), under a GIN index.
POSTGRES_FTS = (
    "CREATE TABLE reference_fts ("
    "rowid INTEGER PRIMARY KEY REFERENCES reference_entry (id) ON DELETE CASCADE, "
    "title TEXT NOT NULL, synonyms TEXT NOT NULL, summary TEXT NOT NULL, "
    "body TEXT NOT NULL, clues TEXT NOT NULL, document TSVECTOR NOT NULL)",
    "CREATE INDEX reference_fts_document ON reference_fts USING gin (document)",
)

"""Append to and read the audit trail. Knows nothing of patients or sessions.

`append` must run inside the caller's write transaction (IMMEDIATE on SQLite): reading
the last entry and inserting the next under the same write lock is what keeps the chain
from forking, and it makes the entry commit or roll back with the change it records. On
PostgreSQL there is no file-wide write lock, so appenders queue on a transaction-scoped
advisory lock instead: concurrent workstations take turns, each reading the head the
previous one committed.
"""

from __future__ import annotations

from peewee import PostgresqlDatabase, SqliteDatabase

from practitioner.db.base import database
from practitioner.db.models.audit import AUDIT_TABLE, AuditRow
from practitioner.db.models.patient import PatientRow
from practitioner.db.models.session import SessionRow
from practitioner.domain.audit import AuditEntry, AuditFields, chained, check_fields

# The advisory lock appenders queue on (PostgreSQL); any 64-bit number no other program uses.
APPEND_LOCK_KEY = 0x43524D50_0006
# PostgreSQL's counterpart of sqlite_sequence (migration 0006).
ISSUED_TABLE = "audit_issued"


def _entry(row: AuditRow) -> AuditEntry:
    fields = AuditFields(
        seq=row.seq, at=row.at, practitioner=row.practitioner, action=row.action,
        entity=row.entity, entity_id=row.entity_id, patient_id=row.patient_id,
        detail=row.detail, author_id=row.author_id,
    )
    return AuditEntry(fields, row.prev_hash, row.hash)


def last_entry() -> AuditEntry | None:
    """The newest entry, if any."""
    row = AuditRow.select().order_by(AuditRow.seq.desc()).first()
    return None if row is None else _entry(row)


def append(
    *, at: str, practitioner: str, action: str, entity: str = "",
    entity_id: int | None = None, patient_id: int | None = None, detail: str = "",
    author_id: int | None = None,
) -> AuditEntry:
    """Add one entry after the newest; call it inside the write transaction it records."""
    if not database.in_transaction():
        raise RuntimeError("audit entries are appended inside the change's transaction")
    if isinstance(database.obj, PostgresqlDatabase):
        # Held until this transaction ends; the head read below is then the newest one
        # committed (READ COMMITTED takes a fresh snapshot for each statement).
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK_KEY,))
    prev = last_entry()
    fields = AuditFields(prev.fields.seq + 1 if prev else 1, at, practitioner, action, entity,
                         entity_id, patient_id, detail, author_id)
    check_fields(fields)
    entry = chained(prev, fields)
    AuditRow.insert(
        seq=fields.seq, at=fields.at, practitioner=fields.practitioner, action=fields.action,
        entity=fields.entity, entity_id=fields.entity_id, patient_id=fields.patient_id,
        detail=fields.detail, author=fields.author_id, prev_hash=entry.prev_hash,
        hash=entry.hash,
    ).execute()
    return entry


def entries(patient_id: int | None = None) -> list[AuditEntry]:
    """Every entry in sequence order, or only those about `patient_id`."""
    select = AuditRow.select().order_by(AuditRow.seq)
    if patient_id is not None:
        select = select.where(AuditRow.patient_id == patient_id)
    return [_entry(row) for row in select]


def highest_issued() -> int | None:
    """The highest sequence number ever issued to the trail (SQLite's `sqlite_sequence`,
    PostgreSQL's `audit_issued`); None on another engine."""
    if isinstance(database.obj, PostgresqlDatabase):
        found = database.execute_sql(f"SELECT seq FROM {ISSUED_TABLE} WHERE id = 1").fetchone()
        return int(found[0]) if found else 0
    if not isinstance(database.obj, SqliteDatabase):
        return None
    row = database.execute_sql(
        "SELECT seq FROM sqlite_sequence WHERE name = ?", (AUDIT_TABLE,)
    ).fetchone()
    return int(row[0]) if row else 0


def trail_exists() -> bool:
    """Whether the records still have their audit trail table (it can be dropped)."""
    return bool(database.table_exists(AUDIT_TABLE))


def _recorded(entity: str, entity_id: int, actions: tuple[str, ...] = ()) -> bool:
    about = (AuditRow.entity == entity) & (AuditRow.entity_id == entity_id)
    if entity == "patient" and not actions:
        about |= AuditRow.patient_id == entity_id
    if actions:
        about &= AuditRow.action.in_(actions)
    return bool(AuditRow.select().where(about).exists())


def newest_unrecorded() -> str:
    """The newest patient or session whose making the trail does not record, or "".

    Every patient is made with a `create` (or `import`) entry and every session with a
    `create` entry (an imported one with its patient's `import`), in the same
    transaction, and whatever is done to them later is entered after it; a trail cut
    back or emptied (its sequence reset too, which the chain alone cannot show) loses
    them. Only the newest are asked about: records cloned in bulk for benchmarks
    (`services/datasets.py`) have no entries, and the newest records of a dataset are
    made through the services. A patient counts as recorded by any entry about it (files
    older than the trail have only later ones).
    """
    patient = PatientRow.select(PatientRow.id).order_by(PatientRow.id.desc()).first()
    if patient is not None and not _recorded("patient", patient.id):
        return f"patient {patient.id} exists, but no entry is about it"
    session = SessionRow.select(SessionRow.id, SessionRow.patient).order_by(
        SessionRow.id.desc()).first()
    if session is not None and not _recorded("session", session.id, ("create",)) \
            and not _recorded("patient", session.patient_id, ("import",)):
        return f"session {session.id} exists, but no entry records its making"
    return ""

"""The audit trail: an append-only, hash-chained log of who did what to which record.

On SQLite the table is created with AUTOINCREMENT, so `sqlite_sequence` keeps the highest
sequence number ever issued and entries cut off the end show up when the chain is
verified. Triggers refuse UPDATE and DELETE, and refuse an insert that does not continue
the chain (next number, previous entry's hash), so two writers can never fork it.

Depends only on 0001 (it refers to no other table: patient ids are plain numbers so the
trail outlives a purge).
"""

from __future__ import annotations

from typing import Any

from peewee import CharField, Check, IntegerField, Model, SqliteDatabase, TextField

GENESIS_HASH = "0" * 64

SQLITE_TABLE = (
    "CREATE TABLE audit_log ("
    "seq INTEGER PRIMARY KEY AUTOINCREMENT CHECK (seq >= 1), "
    "at VARCHAR(32) NOT NULL CHECK (at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'), "
    "practitioner TEXT NOT NULL, "
    "action VARCHAR(32) NOT NULL CHECK (length(action) BETWEEN 1 AND 32), "
    "entity VARCHAR(32) NOT NULL DEFAULT '', "
    "entity_id INTEGER, "
    "patient_id INTEGER, "
    "detail TEXT NOT NULL DEFAULT '', "
    "prev_hash VARCHAR(64) NOT NULL CHECK (length(prev_hash) = 64), "
    "hash VARCHAR(64) NOT NULL CHECK (length(hash) = 64))"
)

SQLITE_STATEMENTS = (
    SQLITE_TABLE,
    'CREATE INDEX "auditrow_patient_id" ON "audit_log" ("patient_id")',
    'CREATE UNIQUE INDEX "auditrow_hash" ON "audit_log" ("hash")',
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_continues_chain BEFORE INSERT ON audit_log "
    "WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit_log) "
    f"OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM audit_log ORDER BY seq DESC "
    f"LIMIT 1), '{GENESIS_HASH}') "
    "BEGIN SELECT RAISE(ABORT, 'audit_log entry does not continue the chain'); END",
)


def up(migrator: Any, db: Any) -> None:
    if isinstance(db, SqliteDatabase):
        for statement in SQLITE_STATEMENTS:
            db.execute_sql(statement)
        return

    class AuditLog(Model):
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

        class Meta:
            database = db
            table_name = "audit_log"
            constraints = [
                Check("seq >= 1"),
                Check("at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*Z$'"),
                Check("length(action) BETWEEN 1 AND 32"),
                Check("length(prev_hash) = 64"),
                Check("length(hash) = 64"),
            ]

    db.create_tables([AuditLog])
    schema = str(db.execute_sql("SELECT current_schema()").fetchone()[0]).replace('"', '""')
    for statement in postgres_statements(f'"{schema}"'):
        db.execute_sql(statement)


# PostgreSQL: the same protections as plpgsql triggers (TRUNCATE fires no row trigger, so
# it has its own). `audit_issued` plays sqlite_sequence's part: the highest number ever
# issued, raised by the insert trigger in the same transaction, so entries cut off the end
# show up. Its function runs as the schema owner (SECURITY DEFINER): the application role
# gets no right to change that row itself (resources/sql/clinic-server-setup.sql).
def postgres_statements(schema: str) -> tuple[str, ...]:
    """The PostgreSQL protections, for the tables in the (quoted) `schema`."""
    return (
        "CREATE TABLE audit_issued (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "seq INTEGER NOT NULL CHECK (seq >= 0))",
        "INSERT INTO audit_issued (id, seq) VALUES (1, 0)",
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'check_violation'; "
        "END $$",
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
        "CREATE FUNCTION audit_log_continues_chain() RETURNS trigger LANGUAGE plpgsql "
        f"SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$ "
        "DECLARE last_seq INTEGER; last_hash VARCHAR(64); "
        "BEGIN "
        "SELECT a.seq, a.hash INTO last_seq, last_hash FROM audit_log AS a "
        "ORDER BY a.seq DESC LIMIT 1; "
        "IF NEW.seq IS DISTINCT FROM coalesce(last_seq, 0) + 1 "
        f"OR NEW.prev_hash IS DISTINCT FROM coalesce(last_hash, '{GENESIS_HASH}') THEN "
        "RAISE EXCEPTION 'audit_log entry does not continue the chain' "
        "USING ERRCODE = 'check_violation'; END IF; "
        "UPDATE audit_issued SET seq = greatest(seq, NEW.seq) WHERE id = 1; "
        "RETURN NEW; END $$",
        "CREATE TRIGGER audit_log_continues_chain BEFORE INSERT ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_continues_chain()",
        # Rights the owner's default privileges gave other roles on the new tables (and on
        # the migration history): only the owner may change or remove what is there.
        "DO $$ DECLARE found RECORD; BEGIN "
        "FOR found IN SELECT DISTINCT c.relname, a.grantee FROM pg_class AS c, "
        "aclexplode(c.relacl) AS a WHERE c.oid IN ('audit_log'::regclass, "
        "'audit_issued'::regclass, 'schema_migration'::regclass) "
        "AND a.grantee <> c.relowner "
        "AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP "
        "EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE' "
        "|| CASE WHEN found.relname = 'audit_log' THEN '' ELSE ', INSERT' END "
        "|| ' ON ' || quote_ident(found.relname) || ' FROM ' "
        "|| CASE WHEN found.grantee = 0 THEN 'PUBLIC' "
        "ELSE quote_ident(pg_get_userbyid(found.grantee)) END; "
        "END LOOP; END $$",
    )

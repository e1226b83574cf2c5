"""Clinic mode's engine: the server address is checked before anything is sent, failures
become clear KnownErrors, the migrated schema matches the models, the audit trail and the
kept letters are protected by the server itself, the application role cannot change the
audit trail, and `check` names a durability setting that is off.

The tests that need a server use `$PRACTITIONER_TEST_POSTGRES_URL` (skipped without it).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import peewee
import psycopg
import pytest
from playhouse.schema_diff import diff_models

from practitioner.db import audit as audit_db
from practitioner.db import server
from practitioner.db.base import database
from practitioner.db.connection import close_database
from practitioner.db.errors import classify, translated_errors
from practitioner.db.models import MODELS
from practitioner.db.server import (
    connect_postgres,
    connection_settings,
    open_postgres,
    server_health,
)
from practitioner.db.transactions import write_transaction
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.letters import LetterService
from practitioner.services.patients import PatientService
from practitioner.services.reference import ReferenceService
from tests.helpers.db_fixtures import (
    PostgresRecords,
    PostgresTestServer,
    open_test_records,
    with_database,
)
from tests.helpers.demo_inputs import ann
from tests.helpers.reference_library import fixture_entries

SETUP_SQL = Path(__file__).resolve().parents[3] / "resources" / "sql" / \
    "clinic-server-setup.sql"
AUDIT_ROW = ("INSERT INTO audit_log (seq, at, practitioner, action, entity, entity_id, "
             "patient_id, detail, prev_hash, hash) VALUES (%s, '2025-01-01T00:00:00Z', 'x', "
             "'open', '', NULL, NULL, '', %s, %s)")


@pytest.fixture(autouse=True)
def _close_at_end() -> Iterator[None]:
    yield
    if database.obj is not None and not database.is_closed():
        if database.in_transaction():
            database.rollback()
        close_database()


@pytest.fixture
def records(request: pytest.FixtureRequest, tmp_path: Path) -> PostgresRecords:
    """Empty migrated records on the test server, open and bound to the models."""
    open_test_records(request, "postgres", tmp_path)
    found: PostgresRecords = request.getfixturevalue("postgres_records")
    return found


def _known(action: object) -> KnownError:
    with pytest.raises(KnownError) as caught:
        action()  # type: ignore[operator]
    assert "\n" not in caught.value.message
    return caught.value


# --- the address, checked before anything is sent -------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [("mysql://me@localhost/cramp", ErrorKind.BAD_URL),
     ("clinic-server/cramp", ErrorKind.BAD_URL),
     ("postgresql://me@localhost", ErrorKind.BAD_URL),
     ("postgresql://me@localhost/", ErrorKind.BAD_URL),
     ("postgresql://me@localhost:99999/cramp", ErrorKind.BAD_URL),
     ("postgresql://me@localhost/cramp?color=blue", ErrorKind.BAD_URL),
     ("postgresql://me@clinic-server/cramp", ErrorKind.INSECURE),
     ("postgresql://me@192.168.1.20/cramp?sslmode=prefer", ErrorKind.INSECURE),
     ("postgresql://me@192.168.1.20/cramp?sslmode=disable", ErrorKind.INSECURE)],
)
def test_an_unusable_address_is_refused_before_connecting(url: str, kind: ErrorKind) -> None:
    error = _known(lambda: connection_settings(url))
    assert error.kind is kind, error.message
    assert error.message.endswith(".")


@pytest.mark.parametrize(
    "url",
    ["postgresql://me:hunter2@clinic/cramp?sslmode=require",
     "postgresql://me@clinic/cramp?sslmode=require&password=hunter2",
     "postgresql://me:hunter2@localhost:99999/cramp",
     "mysql://me:hunter2@localhost/cramp"],
)
def test_a_password_in_the_address_is_refused_and_never_repeated(url: str) -> None:
    error = _known(lambda: open_postgres(url))
    assert error.kind is ErrorKind.BAD_URL
    assert "hunter2" not in error.message


@pytest.mark.parametrize(
    "url",
    ["postgresql://me@localhost/cramp", "postgresql://me@127.0.0.1:5433/cramp",
     "postgresql://me@[::1]/cramp", "postgresql:///cramp?host=/var/run/postgresql",
     "postgresql:///cramp", "postgres://me@clinic-server/cramp?sslmode=require",
     "postgresql://me@clinic-server/cramp?sslmode=verify-full&sslrootcert=/etc/ca.pem"],
)
def test_local_servers_and_encrypted_remote_ones_are_accepted(url: str) -> None:
    shown, settings = connection_settings(url)
    assert settings["dbname"] == "cramp" and shown.startswith(url.split(":", 1)[0])
    assert settings["connect_timeout"] == server.CONNECT_TIMEOUT_SECONDS
    assert f"statement_timeout={server.STATEMENT_TIMEOUT_MS}" in settings["options"]
    assert f"lock_timeout={server.LOCK_TIMEOUT_MS}" in settings["options"]
    # A hung network fails a call within seconds instead of freezing the window.
    assert settings["tcp_user_timeout"] == server.TCP_USER_TIMEOUT_MS
    assert (settings["keepalives_idle"], settings["keepalives_interval"],
            settings["keepalives_count"]) == server.KEEPALIVE_SECONDS


@pytest.mark.parametrize(
    ("sqlstate", "kind"),
    [("40001", ErrorKind.SERVER_BUSY), ("40P01", ErrorKind.SERVER_BUSY),
     ("55P03", ErrorKind.SERVER_BUSY), ("57014", ErrorKind.SERVER_BUSY),
     ("53200", ErrorKind.SERVER_BUSY), ("53100", ErrorKind.DISK_FULL),
     ("42501", ErrorKind.PERMISSION_DENIED), ("25006", ErrorKind.PERMISSION_DENIED),
     ("28P01", ErrorKind.AUTH_FAILED), ("3D000", ErrorKind.NO_SUCH_DATABASE),
     ("57P01", ErrorKind.CONNECTION_LOST), ("08006", ErrorKind.CONNECTION_LOST),
     ("23505", None), ("23514", None), ("42601", None)],
)
def test_server_errors_are_classified_by_their_sqlstate(
    sqlstate: str, kind: ErrorKind | None
) -> None:
    class ServerError(psycopg.DatabaseError):
        pass

    driver = ServerError("from the server")
    driver.sqlstate = sqlstate  # type: ignore[misc]
    wrapped = peewee.OperationalError("wrapped")
    wrapped.__context__ = driver
    assert classify(wrapped) is kind
    raised = KnownError if kind is not None else ServerError
    with pytest.raises(raised), translated_errors():
        raise driver


# --- failures of a real server, named -------------------------------------------------


def test_no_server_at_the_address_is_unreachable(postgres_server: PostgresTestServer) -> None:
    error = _known(lambda: open_postgres("postgresql://postgres@127.0.0.1:1/cramp"))
    assert error.kind is ErrorKind.SERVER_UNREACHABLE
    assert "postgresql://postgres@127.0.0.1:1/cramp" in error.message
    assert database.obj is None or database.is_closed()


def test_a_missing_database_and_an_unknown_role_are_named(
    postgres_server: PostgresTestServer,
) -> None:
    missing = with_database(postgres_server.admin_url, f"no_such_db_{os.getpid()}")
    assert _known(lambda: open_postgres(missing)).kind is ErrorKind.NO_SUCH_DATABASE
    parts = postgres_server.admin_url.split("://", 1)[1].split("@", 1)[-1]
    nobody = f"postgresql://nobody_{os.getpid()}@{parts}"
    assert _known(lambda: open_postgres(nobody)).kind is ErrorKind.AUTH_FAILED


def test_the_password_is_used_but_never_kept_or_logged(
    postgres_records: PostgresRecords, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # The test server trusts local connections, so any password is accepted.
    db = open_postgres(postgres_records.url, password="s3cret-Pw")
    assert db.connect_params["password"] == "s3cret-Pw"
    assert "s3cret" not in db.safe_url and db.safe_url == postgres_records.url
    assert "s3cret" not in caplog.text


def test_the_connection_gives_up_on_a_hung_network_within_seconds(
    postgres_records: PostgresRecords,
) -> None:
    db = open_postgres(postgres_records.url)
    try:
        used = db.connection().info.get_parameters()
    finally:
        db.close()
    assert used["tcp_user_timeout"] == str(server.TCP_USER_TIMEOUT_MS)
    assert used["keepalives_count"] == str(server.KEEPALIVE_SECONDS[2])


def test_a_database_of_another_program_is_refused_untouched(
    postgres_server: PostgresTestServer,
) -> None:
    url = postgres_server.create_database("foreign")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    assert _known(lambda: open_postgres(url)).kind is ErrorKind.FOREIGN
    with psycopg.connect(url) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        assert [row[0] for row in tables] == ["invoices"]


def test_records_of_a_newer_app_are_refused(postgres_server: PostgresTestServer) -> None:
    url = postgres_server.migrated_database("newer")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO schema_migration (name, applied) "
                     "VALUES ('0999_from_the_future', now())")
    error = _known(lambda: open_postgres(url))
    assert error.kind is ErrorKind.TOO_NEW and "update the app" in error.message.lower()


# --- the schema ------------------------------------------------------------------------


def test_the_migrated_schema_matches_the_live_models(records: PostgresRecords) -> None:
    assert not diff_models(database.obj, list(MODELS))


def test_measures_are_kept_in_double_precision(records: PostgresRecords) -> None:
    [(kind,)] = database.execute_sql(
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_name = 'session_measure' AND column_name = 'value'").fetchall()
    assert kind == "double precision"


def test_the_full_text_index_is_a_weighted_tsvector_under_gin(records: PostgresRecords) -> None:
    [(definition,)] = database.execute_sql(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'reference_fts_document'"
    ).fetchall()
    assert "USING gin (document)" in definition
    ReferenceService().seed(fixture_entries())
    [(weights,)] = database.execute_sql(
        "SELECT document::text FROM reference_fts AS f JOIN reference_entry AS e "
        "ON e.id = f.rowid WHERE e.slug = 'idiopathic-nocturnal-leg-cramps'").fetchall()
    assert "'charley':" in weights and "A" in weights  # a synonym, weight class A
    plan = "\n".join(row[0] for row in database.execute_sql(
        "EXPLAIN SELECT rowid FROM reference_fts "
        "WHERE document @@ to_tsquery('simple', 'charl:*')"))
    assert "reference_fts" in plan


def test_the_session_carries_the_desktop_timeouts(records: PostgresRecords) -> None:
    shown = {name: database.execute_sql(f"SHOW {name}").fetchone()[0]
             for name in ("statement_timeout", "lock_timeout", "TimeZone")}
    assert shown == {"statement_timeout": "30s", "lock_timeout": "5s", "TimeZone": "UTC"}


def test_two_workstations_starting_together_migrate_once(
    postgres_server: PostgresTestServer,
) -> None:
    url = postgres_server.create_database("race")
    failures: list[BaseException] = []

    def start() -> None:
        try:
            db = server.connect_postgres(url)
            try:
                server._migrate_once(db, server.MIGRATIONS_DIR)
            finally:
                db.close()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    with psycopg.connect(url) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM schema_migration")]
    assert len(names) == len(set(names)) == len(server.known_migrations())


# --- the server's own guards -----------------------------------------------------------


def test_the_audit_trail_refuses_update_delete_truncate_and_a_fork(
    records: PostgresRecords,
) -> None:
    audit = AuditService(user=lambda: "Dr Test")
    first = audit.record("open", entity="patient", entity_id=1, patient_id=1)
    for sql in ("UPDATE audit_log SET detail = 'x'", "DELETE FROM audit_log",
                "TRUNCATE audit_log"):
        with pytest.raises(peewee.IntegrityError, match="append-only"):
            database.execute_sql(sql)
    for seq, prev in ((1, "0" * 64), (3, first.hash), (2, "0" * 64)):
        with pytest.raises(peewee.IntegrityError, match="continue the chain"):
            database.execute_sql(AUDIT_ROW, (seq, prev, "f" * 64))
    assert audit.verify().intact and audit.verify().rows == 1


def test_the_highest_issued_number_is_kept_in_step_and_rolled_back_with_its_entry(
    records: PostgresRecords,
) -> None:
    audit = AuditService()
    for _ in range(3):
        audit.record("open")
    assert audit_db.highest_issued() == 3
    with pytest.raises(RuntimeError), write_transaction():
        audit.record("open")
        raise RuntimeError("rolled back")
    assert audit_db.highest_issued() == 3 and audit.verify().rows == 3


def test_a_cut_off_end_is_caught_by_the_issued_number(records: PostgresRecords) -> None:
    audit = AuditService()
    for _ in range(5):
        audit.record("open")
    # What a superuser with the triggers off could do: cut off the last two entries.
    with psycopg.connect(records.url, autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute("DELETE FROM audit_log WHERE seq >= 4")
    broken = audit.verify().broken
    assert broken is not None and broken.seq == 4


def test_a_kept_letter_and_a_signed_revision_cannot_be_rewritten(
    records: PostgresRecords,
) -> None:
    patient = PatientService().create(ann())
    kept = LetterService().keep(patient.id, "Dr", "As sent", b"%PDF-1.4 kept")
    with pytest.raises(peewee.IntegrityError, match="cannot be changed"):
        database.execute_sql("UPDATE referral_letter SET body = 'x' WHERE id = %s", (kept.id,))
    assert LetterService().letters(patient.id)[0].body == "As sent"


def test_concurrent_workstations_never_fork_the_audit_chain(records: PostgresRecords) -> None:
    """Four connections append at once; the advisory lock makes them take turns."""
    errors: list[BaseException] = []

    def write(name: str) -> None:
        audit = AuditService(user=lambda: name)
        try:
            for _ in range(40):
                audit.record("open", entity="patient", entity_id=1, patient_id=1)
        except BaseException as exc:
            errors.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=write, args=(f"ws {n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    result = AuditService().verify()
    assert result.intact and result.rows == 160


# --- errors while working --------------------------------------------------------------


def test_a_row_held_by_another_workstation_is_a_retryable_busy_error(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "LOCK_TIMEOUT_MS", 200)
    open_test_records(request, "postgres", tmp_path)
    patients = PatientService()
    patient = patients.create(ann())
    records: PostgresRecords = request.getfixturevalue("postgres_records")
    with psycopg.connect(records.url) as other:
        other.execute("SELECT id FROM patient WHERE id = %s FOR UPDATE", (patient.id,))
        error = _known(lambda: patients.archive(patient.id))
        other.rollback()
    assert error.kind is ErrorKind.SERVER_BUSY and "save again" in error.message
    patients.archive(patient.id)  # once the other workstation is done
    assert patients.get(patient.id).archived


def test_a_dropped_connection_reconnects_outside_a_transaction(
    records: PostgresRecords,
) -> None:
    patients = PatientService()
    patients.create(ann())
    pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(records.url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert patients.count() == 1  # reconnected and ran again
    pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(records.url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with write_transaction():  # BEGIN finds the connection gone: nothing done yet, so
        database.execute_sql(  # it reconnects and begins afresh
            "UPDATE patient SET notes = 'after the restart' WHERE notes = ''")
    assert database.execute_sql("SELECT pg_backend_pid()").fetchone()[0] != pid
    assert patients.list_patients() and patients.get(
        patients.list_patients()[0].id).data.notes == "after the restart"


def test_a_broken_connection_is_noticed_and_dropped(records: PostgresRecords) -> None:
    db = database.obj
    assert isinstance(db, server.ClinicDatabase) and not db.reconnect_if_broken()
    pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(records.url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(psycopg.OperationalError):
        db.connection().execute("SELECT 1")  # the driver finds out
    assert db.reconnect_if_broken() and db.is_closed()
    assert PatientService().count() == 0


def test_a_connection_lost_mid_save_is_reported_and_the_next_save_works(
    records: PostgresRecords,
) -> None:
    pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]

    def save_while_the_server_drops_us() -> None:
        with translated_errors(), write_transaction():
            database.execute_sql("SELECT 1")
            with psycopg.connect(records.url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            database.execute_sql("SELECT 1")

    error = _known(save_while_the_server_drops_us)
    assert error.kind is ErrorKind.CONNECTION_LOST, error.message
    assert PatientService().create(ann()).id >= 1


# --- the application role (resources/sql/clinic-server-setup.sql) ---------------------


@pytest.fixture
def clinic(postgres_server: PostgresTestServer) -> Iterator[dict[str, str]]:
    """The shipped setup SQL run under unique names; the owner's and the app's URLs."""
    tag = f"{os.getpid()}_{id(postgres_server) % 10_000}"
    names = {"cramp_owner": f"practitioner_test_owner_{tag}",
             "cramp_app": f"practitioner_test_app_{tag}",
             "cramp": f"practitioner_test_clinic_{tag}"}
    text = SETUP_SQL.read_text(encoding="utf-8")
    for example in sorted(names, key=len, reverse=True):
        text = text.replace(example, names[example])
    server_part, database_part = text.split(f"\\connect {names['cramp']}\n")
    with postgres_server.admin() as admin:
        for statement in server_part.split(";\n"):
            lines = [ln for ln in statement.splitlines() if not ln.startswith("--")]
            if "".join(lines).strip():
                admin.execute("\n".join(lines))
    url = with_database(postgres_server.admin_url, names["cramp"])
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(database_part)
    host = postgres_server.admin_url.split("://", 1)[1].split("@", 1)[-1].split("/", 1)[0]
    yield {"owner": f"postgresql://{names['cramp_owner']}@{host}/{names['cramp']}",
           "app": f"postgresql://{names['cramp_app']}@{host}/{names['cramp']}"}
    close_database()
    with postgres_server.admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{names["cramp"]}" WITH (FORCE)')
        for role in ("cramp_app", "cramp_owner"):
            admin.execute(f'DROP ROLE IF EXISTS "{names[role]}"')


def test_the_app_role_cannot_migrate_and_says_who_can(clinic: dict[str, str]) -> None:
    error = _known(lambda: open_postgres(clinic["app"]))
    assert error.kind is ErrorKind.PERMISSION_DENIED
    assert "owner" in error.message


def test_the_app_role_writes_records_but_cannot_change_the_audit_trail(
    clinic: dict[str, str],
) -> None:
    open_postgres(clinic["owner"])  # the first start, as the owner, migrates
    close_database()
    open_postgres(clinic["app"])
    patients = PatientService(audit=AuditService(user=lambda: "Dr App"))
    patient = patients.create(ann())
    patients.archive(patient.id)
    assert AuditService().verify().intact and audit_db.highest_issued() >= 2
    for sql in ("UPDATE audit_log SET detail = 'x'", "DELETE FROM audit_log",
                "TRUNCATE audit_log", "UPDATE audit_issued SET seq = 0",
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete",
                "DELETE FROM schema_migration"):
        with pytest.raises(KnownError) as caught, translated_errors():
            database.execute_sql(sql)
        assert caught.value.kind is ErrorKind.PERMISSION_DENIED, sql
    health = server_health(database.obj)
    assert not health.warnings and not health.notes, health


# --- check -----------------------------------------------------------------------------


def test_check_passes_a_durable_server_and_names_each_setting_that_is_off(
    records: PostgresRecords,
) -> None:
    health = server_health(database.obj)
    assert health.warnings == ()
    assert health.settings == {"fsync": "on", "full_page_writes": "on",
                               "synchronous_commit": "on"}
    assert health.schema_version == health.latest
    database.execute_sql("SET synchronous_commit = off")
    [warning] = server_health(database.obj).warnings
    assert warning.startswith("synchronous_commit is off") and "lost" in warning


def test_check_warns_when_the_audit_protection_is_disabled(records: PostgresRecords) -> None:
    database.execute_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
    try:
        [warning] = server_health(database.obj).warnings
    finally:
        database.execute_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update")
    assert "audit_log_no_update" in warning


@pytest.mark.slow
def test_the_check_command_on_a_server(records: PostgresRecords) -> None:
    close_database()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PGPASSWORD", None)
    ok = subprocess.run([sys.executable, "-m", "practitioner", "--db", records.url, "check"],
                        capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"ok: {records.url}: durability settings on")
    off = f"{records.url}?options=-c%20synchronous_commit%3Doff"
    warned = subprocess.run([sys.executable, "-m", "practitioner", "--db", off, "check"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert warned.returncode == 1
    assert "warning: synchronous_commit is off" in warned.stderr
    assert "Traceback" not in warned.stderr


def test_connect_postgres_changes_nothing(postgres_server: PostgresTestServer) -> None:
    url = postgres_server.create_database("untouched")
    db = connect_postgres(url)
    try:
        health = server_health(db)
    finally:
        db.close()
    assert health.schema_version == 0 and health.notes
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                            ).fetchone() == (0,)

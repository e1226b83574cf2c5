"""Clinic mode: open the shared records on a PostgreSQL server, migrated, bound to the models.

The address is a `postgresql://user@host[:port]/dbname[?sslmode=…]` URL (parsed with
`playhouse.db_url`). The password never travels in it: it is passed separately (from a
prompt, the OS keyring or `$PGPASSWORD`) and is kept out of every URL this module keeps or
logs (`ClinicDatabase.safe_url`). A server that is not on this computer must be reached
over TLS (`sslmode=require`, `verify-ca` or `verify-full`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import peewee
from playhouse.db_url import parse as parse_db_url
from playhouse.shortcuts import ReconnectMixin

from practitioner.db.base import database
from practitioner.db.errors import MESSAGES, known_error
from practitioner.db.migrate import HISTORY_TABLE, MIGRATIONS_DIR, known_migrations, migrate
from practitioner.errors import ErrorKind, KnownError

log = logging.getLogger(__name__)

SCHEMES = ("postgresql", "postgres")
SECURE_SSLMODES = ("require", "verify-ca", "verify-full")
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})
CONNECT_TIMEOUT_SECONDS = 10
# A desktop app: a statement that runs half a minute is a hung server or a runaway
# query; a row lock held by another workstation for 5 s is as long as SQLite's busy
# timeout; a transaction left open by a frozen workstation must not hold locks for ever.
STATEMENT_TIMEOUT_MS = 30_000
LOCK_TIMEOUT_MS = 5_000
IDLE_IN_TRANSACTION_TIMEOUT_MS = 300_000
# The window polls and saves on the GUI thread: a network that hangs (rather than refuses)
# must fail a call within seconds, not after the operating system's TCP give-up time
# (many minutes), so the form is never frozen that long. Keepalives find a dead link
# while idle; the user timeout bounds data left unacknowledged.
TCP_USER_TIMEOUT_MS = 15_000
KEEPALIVE_SECONDS = (10, 5, 3)  # idle, interval, probes
# Taken (per session) while migrating, so two workstations starting together do not
# both run the same step. Any 64-bit number no other program uses.
MIGRATION_LOCK_KEY = 0x43524D50_0001
# peewee's FloatField is REAL (single precision, ~6 digits) on PostgreSQL; SQLite's REAL
# is a double, and so must a measure's value be on the server.
FIELD_TYPES = {"FLOAT": "DOUBLE PRECISION"}
# libpq settings a URL may carry besides sslmode.
_PASSED_THROUGH = frozenset({
    "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "target_session_attrs",
    "application_name", "options", "connect_timeout", "keepalives", "keepalives_idle",
    "keepalives_interval", "keepalives_count", "tcp_user_timeout",
})


class ClinicDatabase(ReconnectMixin, peewee.PostgresqlDatabase):  # type: ignore[misc]
    """The shared records on a PostgreSQL server.

    Outside a transaction a statement that finds its connection dropped (the server was
    restarted, the network blinked) reconnects once and runs again; inside one it fails,
    as silently replaying half a transaction could lose or double a change.
    `safe_url` is the address without any password, fit to show and log.
    """

    reconnect_errors = (
        (peewee.OperationalError, "terminating connection"),
        (peewee.OperationalError, "server closed the connection"),
        (peewee.OperationalError, "the connection is closed"),
        (peewee.OperationalError, "the connection is lost"),
        (peewee.OperationalError, "consuming input failed"),
        (peewee.OperationalError, "sending query failed"),
        (peewee.InterfaceError, "the connection is closed"),
        (peewee.InterfaceError, "connection already closed"),
    )

    safe_url: str = ""

    def reconnect_if_broken(self) -> bool:
        """Drop a connection the server or the network broke (peewee's
        `is_connection_usable`), so the next statement opens a fresh one; never while a
        transaction is open on it. Returns whether one was dropped."""
        if self.is_closed() or self.in_transaction() or self.is_connection_usable():
            return False
        self.close()
        return True


def is_local_host(host: str) -> bool:
    """Whether `host` is this computer: empty or a socket folder (Unix socket), or loopback."""
    return host.lower() in LOCAL_HOSTS or host.startswith("/")


def _bad_url(url_text: str, why: str) -> KnownError:
    return KnownError(ErrorKind.BAD_URL, f"Cannot use the clinic server address "
                                         f"“{url_text}”: {why}")


def connection_settings(url: str) -> tuple[str, dict[str, Any]]:
    """Check a clinic server URL; return it without any password, and the driver settings.

    Raises KnownError(BAD_URL) for a URL that is not a usable PostgreSQL address, and
    KnownError(INSECURE) for a remote server reached without TLS.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise _bad_url(_masked(url), f"{exc}.") from exc
    shown = _without_password(parts) if parts.scheme in SCHEMES else _masked(url)
    if parts.scheme not in SCHEMES:
        raise _bad_url(shown, "it must start with postgresql:// (for example "
                              "postgresql://maria@clinic-server/cramp?sslmode=require).")
    if parts.password is not None or "password" in dict(parse_qsl(parts.query)):
        raise _bad_url(_masked(shown), "leave the password out of the address; it is asked "
                                       "for (or read from PGPASSWORD) when connecting.")
    settings: dict[str, Any] = parse_db_url(_without_password(parts), unquote_user=True)
    name = str(settings.pop("database", "") or "")
    if not name or "/" in name:
        raise _bad_url(shown, "it must end with the database name, as in "
                              "postgresql://user@host/dbname.")
    unknown = sorted(set(settings) - {"user", "host", "port", "dbname", "password"}
                     - _PASSED_THROUGH)
    if unknown:
        raise _bad_url(shown, f"unknown setting {', '.join(unknown)}.")
    host = str(settings.get("host", "") or "")
    if not is_local_host(host) and settings.get("sslmode") not in SECURE_SSLMODES:
        raise KnownError(
            ErrorKind.INSECURE,
            f"The clinic server {host} is not on this computer, so the connection must be "
            "encrypted: add ?sslmode=require (or verify-ca / verify-full, which also check "
            f"the server's certificate) to the address {shown}.",
        )
    if port is not None:
        settings["port"] = port
    settings["dbname"] = name
    settings.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    settings.setdefault("application_name", "cramp-practitioner")
    settings.setdefault("keepalives", 1)
    idle, interval, probes = KEEPALIVE_SECONDS
    settings.setdefault("keepalives_idle", idle)
    settings.setdefault("keepalives_interval", interval)
    settings.setdefault("keepalives_count", probes)
    settings.setdefault("tcp_user_timeout", TCP_USER_TIMEOUT_MS)
    settings["options"] = " ".join(filter(None, [
        f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        f"-c lock_timeout={LOCK_TIMEOUT_MS}",
        f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_TIMEOUT_MS}",
        "-c TimeZone=UTC",
        str(settings.get("options") or ""),
    ]))
    return shown, settings


def _masked(text: str) -> str:
    """`text` with anything that may be a password (user:…@, password=…) blanked out."""
    text = re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:***@", text)
    return re.sub(r"(?i)(password=)[^&]*", r"\1***", text)


def _without_password(parts: Any) -> str:
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{netloc}{parts.path}{query}"


def _as_known(exc: BaseException, shown: str) -> KnownError:
    known = known_error(exc)
    if known is None:
        return KnownError(ErrorKind.SERVER_UNREACHABLE,
                          f"{MESSAGES[ErrorKind.SERVER_UNREACHABLE]} ({shown}: "
                          f"{_first_line(exc)})")
    return KnownError(known.kind, f"{known.message} ({shown})")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def connect_postgres(url: str, password: str | None = None) -> ClinicDatabase:
    """Connect to the clinic server at `url` without changing anything, and without
    binding the live models (for `check`). Raises KnownError as `open_postgres` does."""
    shown, settings = connection_settings(url)
    name = settings.pop("dbname")
    if password is not None:
        settings["password"] = password
    db = ClinicDatabase(name, field_types=FIELD_TYPES, **settings)
    db.safe_url = shown
    try:
        db.connect()
    except peewee.PeeweeException as exc:
        _close_quietly(db)
        raise _as_known(exc, shown) from exc
    return db


def open_postgres(
    url: str, password: str | None = None, *, migrations_dir: Any = MIGRATIONS_DIR
) -> ClinicDatabase:
    """Connect to the clinic server at `url`, migrate its schema, bind the live models.

    `password` is the role's password (None: the server needs none, or libpq finds it in
    `~/.pgpass`). Raises KnownError for a bad or insecure address, an unreachable server,
    a refused login, a missing database, a database that belongs to another program or a
    newer app, and a role that may not migrate a schema that needs it.
    """
    db = connect_postgres(url, password)
    shown = db.safe_url
    try:
        _refuse_incompatible(db, shown, migrations_dir)
        _migrate_once(db, migrations_dir)
    except peewee.PeeweeException as exc:
        _close_quietly(db)
        raise _as_known(exc, shown) from exc
    except BaseException:
        _close_quietly(db)
        raise
    log.info("opened clinic records at %s", shown)
    database.initialize(db)
    return db


def _close_quietly(db: peewee.Database) -> None:
    try:
        if db.in_transaction():
            db.rollback()
        db.close()
    except peewee.PeeweeException:
        db.dispose()


def _rows(db: peewee.Database, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    cursor = db.execute_sql(sql, params)  # type: ignore[no-untyped-call]
    return list(cursor.fetchall()) if cursor.description else []


def _tables(db: peewee.Database) -> set[str]:
    return {str(row[0]) for row in _rows(
        db, "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema()")}


def _refuse_incompatible(db: peewee.Database, shown: str, migrations_dir: Any) -> None:
    tables = _tables(db)
    if not tables:
        return
    if HISTORY_TABLE not in tables:
        raise KnownError(
            ErrorKind.FOREIGN,
            f"The database at {shown} holds tables of another program, not Cramp "
            "Practitioner. It was not changed: use an empty database of its own.",
        )
    applied = {str(row[0]) for row in _rows(db, f'SELECT name FROM "{HISTORY_TABLE}"')}
    known = known_migrations(migrations_dir)
    unknown = sorted(applied - {m.name for m in known})
    if unknown:
        latest = max((m.idx for m in known), default=0)
        raise KnownError(
            ErrorKind.TOO_NEW,
            f"The clinic records at {shown} were written by a newer version of Cramp "
            f"Practitioner (this app knows the schema up to {latest}). Please update the "
            "app. Nothing was changed.",
        )


def _migrate_once(db: peewee.Database, migrations_dir: Any) -> None:
    """Run pending migrations while holding a server-wide lock, so that workstations
    started together take turns (the second finds nothing left to do)."""
    _rows(db, "SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
    try:
        try:
            migrate(db, migrations_dir)
        except peewee.PeeweeException as exc:
            known = known_error(exc)
            if known is not None and known.kind is ErrorKind.PERMISSION_DENIED:
                raise KnownError(
                    ErrorKind.PERMISSION_DENIED,
                    "The clinic records need a schema update that this account may not "
                    "make. Ask the administrator to start this version of the app once "
                    "with the database owner's account (see the README, Clinic mode).",
                ) from exc
            raise
    finally:
        if db.in_transaction():
            db.rollback()
        _rows(db, "SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))


def is_server(db: peewee.Database | None = None) -> bool:
    """Whether the open records (or `db`) are on a PostgreSQL server."""
    target = database.obj if db is None else db
    return isinstance(target, peewee.PostgresqlDatabase)


# Settings without which a commit the server reported can be lost or the database torn
# by a crash or power cut, and what each risks.
DURABILITY_SETTINGS: dict[str, str] = {
    "fsync": "a crash or power cut can corrupt the whole database",
    "synchronous_commit": "a save reported as done can be lost in a crash",
    "full_page_writes": "a power cut can leave torn pages that recovery cannot repair",
}
AUDIT_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_truncate",
                  "audit_log_continues_chain")


@dataclass(frozen=True)
class ServerHealth:
    """What `check` found on a clinic server. `warnings` name each unsafe setting or
    missing protection (empty when healthy); `notes` are worth knowing but not wrong."""

    safe_url: str
    schema_version: int
    latest: int
    settings: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def server_health(db: peewee.Database, migrations_dir: Any = MIGRATIONS_DIR) -> ServerHealth:
    """Check a connected clinic server: durability settings (as this session sees them),
    the schema version, the audit trail's protections, and what this role may do to it."""
    shown = str(getattr(db, "safe_url", "") or "the clinic server")
    names = tuple(DURABILITY_SETTINGS)
    settings = {str(name): str(value) for name, value in _rows(
        db, "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", (list(names),))}
    warnings = [
        f"{name} is {settings.get(name, 'unknown')} on the clinic server: {risk}. Set "
        f"{name} = on in postgresql.conf (and for synchronous_commit also check ALTER "
        "DATABASE/ROLE … SET), then reload the server."
        if name == "synchronous_commit" else
        f"{name} is {settings.get(name, 'unknown')} on the clinic server: {risk}. Set "
        f"{name} = on in postgresql.conf, then reload the server."
        for name, risk in DURABILITY_SETTINGS.items() if settings.get(name) == "off"
    ]
    known = known_migrations(migrations_dir)
    latest = max((m.idx for m in known), default=0)
    tables = _tables(db)
    version = 0
    notes: list[str] = []
    if HISTORY_TABLE in tables:
        by_name = {m.name: m.idx for m in known}
        applied = [str(r[0]) for r in _rows(db, f'SELECT name FROM "{HISTORY_TABLE}"')]
        version = max((by_name.get(name, latest + 1) for name in applied), default=0)
    if version > latest:
        warnings.append(f"The records were written by a newer version of Cramp Practitioner "
                        f"(schema {version}; this app knows up to {latest}).")
    elif version < latest:
        notes.append(f"schema version {version} of {latest}: it will be upgraded when the "
                     "app is next started with the database owner's account")
    if "audit_log" in tables:
        enabled = {str(r[0]) for r in _rows(
            db, "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
            "AND tgenabled <> 'D'")}
        missing = [name for name in AUDIT_TRIGGERS if name not in enabled]
        if missing:
            warnings.append("The audit trail's protections are missing or disabled (trigger "
                            f"{', '.join(missing)}): restore them from migration 0006.")
        [(may_change,)] = _rows(
            db, "SELECT has_table_privilege('audit_log', 'UPDATE') OR "
            "has_table_privilege('audit_log', 'DELETE') OR "
            "has_table_privilege('audit_log', 'TRUNCATE')")
        if may_change:
            notes.append("this account may change or remove audit entries (an owner or "
                         "superuser): connect the workstations with the application role "
                         "(README, Clinic mode)")
    return ServerHealth(shown, version, latest, settings, tuple(warnings), tuple(notes))

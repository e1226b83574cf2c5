"""Error taxonomy: what the environment did (KnownError) versus what we got wrong (BugError)."""

from __future__ import annotations

import enum


class PractitionerError(Exception):
    """Base of every error the app raises on purpose."""


class ErrorKind(enum.Enum):
    """Why a database or file operation failed, in terms a practitioner can act on."""

    LOCKED = "locked"
    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"
    CANNOT_OPEN = "cannot_open"
    MISSING = "missing"  # the open file was moved or deleted (its folder, its drive)
    NOT_A_DATABASE = "not_a_database"
    DAMAGED = "damaged"
    AUDIT_BROKEN = "audit_broken"  # the audit trail was tampered with (or cut, or dropped)
    TOO_NEW = "too_new"
    FOREIGN = "foreign"
    CONFLICT = "conflict"
    NOT_FOUND = "not_found"
    PASSPHRASE = "passphrase"
    LOGIN = "login"  # a wrong name or password, or a pause after too many of them
    NOT_ALLOWED = "not_allowed"  # the signed-in account's role does not permit it
    # Clinic mode (a PostgreSQL server):
    BAD_URL = "bad_url"  # the server address cannot be used as given
    INSECURE = "insecure"  # a remote server without sslmode=require/verify-ca/verify-full
    SERVER_UNREACHABLE = "server_unreachable"  # no server answers at that address
    CONNECTION_LOST = "connection_lost"  # the server went away mid-session
    AUTH_FAILED = "auth_failed"  # wrong user name or password
    NO_SUCH_DATABASE = "no_such_database"
    PERMISSION_DENIED = "permission_denied"  # the server role may not do this
    SERVER_BUSY = "server_busy"  # a clash with another workstation: trying again works


class KnownError(PractitionerError):
    """A failure caused by the environment; its message is fit to show the user as is."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class BugError(PractitionerError):
    """A failure that is our fault; shown politely, logged in full."""

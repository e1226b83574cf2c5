"""The audit trail's rules: what an entry holds, how entries are chained, how a chain is
checked.

Each entry's hash is SHA-256 over the previous entry's hash and a canonical serialisation
of the entry's own fields, so changing, removing, reordering or inserting any entry breaks
every later link. Entries hold identifiers and field names only, never patient text.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

GENESIS_HASH = "0" * 64
_ACTION = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_DETAIL = 200
NO_CHANGE = "no field changed"


class AuditAction:
    """The actions the app records (an action is any short snake_case word)."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    ARCHIVE = "archive"
    RESTORE = "restore"
    FINALISE = "finalise"
    AMEND = "amend"
    OPEN = "open"
    IMPORT = "import"
    EXPORT = "export"
    PRINT = "print"
    REPORT = "report"
    PURGE = "purge"
    PURGE_REFUSED = "purge_refused"
    BACKUP = "backup"
    RESTORE_BACKUP = "restore_backup"
    LOCK = "lock"
    UNLOCK = "unlock"
    UNLOCK_FAILED = "unlock_failed"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    ACCOUNT_CREATE = "account_create"
    ACCOUNT_PASSWORD = "account_password"
    ACCOUNT_DEACTIVATE = "account_deactivate"


@dataclass(frozen=True)
class AuditFields:
    """What one entry says: when (UTC, ISO 8601 with Z), who, what, to which record."""

    seq: int
    at: str
    practitioner: str
    action: str
    entity: str = ""
    entity_id: int | None = None
    patient_id: int | None = None
    detail: str = ""
    # The signed-in account's id (entries written before accounts existed have none).
    author_id: int | None = None


@dataclass(frozen=True)
class AuditEntry:
    """A stored entry with its place in the chain."""

    fields: AuditFields
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    """The first entry that is not what the chain says it should be, and why."""

    seq: int
    reason: str


def check_fields(fields: AuditFields) -> None:
    """Raise ValueError when `fields` cannot be recorded as they are."""
    if not _ACTION.match(fields.action):
        raise ValueError(f"audit action must be a short snake_case word: {fields.action!r}")
    if len(fields.detail) > MAX_DETAIL or "\n" in fields.detail:
        raise ValueError("audit detail must be one short line")


def changed_fields(old: Any, new: Any) -> str:
    """A detail naming the top-level fields that differ between two dataclasses of the
    same type (names only, never values), shortened to fit an entry."""
    names = [f.name for f in fields(old) if getattr(old, f.name) != getattr(new, f.name)]
    text = "fields: " + ", ".join(names) if names else NO_CHANGE
    if len(text) > MAX_DETAIL:
        text = text[: MAX_DETAIL - 4].rsplit(",", 1)[0] + ", …"
    return text


def canonical(fields: AuditFields) -> bytes:
    """The fields as one unambiguous byte string: a JSON array in a fixed order.

    The author id is appended only when there is one, so entries written before accounts
    existed (and entries by a name with no account) hash exactly as they always did, and
    setting or clearing an author id afterwards breaks the entry's hash.
    """
    values: list[object] = [fields.seq, fields.at, fields.practitioner, fields.action,
                            fields.entity, fields.entity_id, fields.patient_id, fields.detail]
    if fields.author_id is not None:
        values.append(fields.author_id)
    return json.dumps(values, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def chain_hash(prev_hash: str, fields: AuditFields) -> str:
    """SHA-256 of the previous hash followed by the canonical fields, as hex."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(fields)).hexdigest()


def chained(prev: AuditEntry | None, fields: AuditFields) -> AuditEntry:
    """The entry for `fields` following `prev` (None for the first entry)."""
    prev_hash = prev.hash if prev else GENESIS_HASH
    return AuditEntry(fields, prev_hash, chain_hash(prev_hash, fields))


def first_break(
    entries: Iterable[AuditEntry],
    *,
    highest_issued: int | None = None,
    anchor: tuple[int, str] | None = None,
) -> ChainBreak | None:
    """The first place where `entries` (in stored order) stop being a valid chain.

    `highest_issued` is the largest sequence number ever handed out (the database keeps
    it apart from the rows): entries missing at the end show as a break there. `anchor`
    is a (seq, hash) pair held outside the database, which a valid chain must contain.
    """
    prev: AuditEntry | None = None
    anchor_seen = anchor is None
    for entry in entries:
        expected_seq = prev.fields.seq + 1 if prev else 1
        seq = entry.fields.seq
        if seq != expected_seq:
            missing = seq > expected_seq
            return ChainBreak(expected_seq if missing else seq,
                              "entry missing" if missing else "entry out of order")
        expected_prev = prev.hash if prev else GENESIS_HASH
        if entry.prev_hash != expected_prev:
            return ChainBreak(seq, "link to the previous entry does not match")
        if chain_hash(entry.prev_hash, entry.fields) != entry.hash:
            return ChainBreak(seq, "entry was altered")
        if anchor is not None and seq == anchor[0]:
            if entry.hash != anchor[1]:
                return ChainBreak(seq, "entry differs from the externally held hash")
            anchor_seen = True
        prev = entry
    last = prev.fields.seq if prev else 0
    if highest_issued is not None and highest_issued > last:
        return ChainBreak(last + 1, f"entries {last + 1} to {highest_issued} were removed")
    if not anchor_seen and anchor is not None:
        return ChainBreak(last + 1, f"entries up to {anchor[0]} were removed")
    return None

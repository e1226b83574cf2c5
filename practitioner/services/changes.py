"""What changed in the records since a window last looked, and keeping its connection alive.

The change counter is the audit trail's newest `seq`. Every write that changes a record
appends an audit entry in its own transaction (services/audit.py), so an entry exists
exactly when its change was committed, it names the patient, and the chain's `seq` only
grows: appends are serialised (each reads the newest entry to chain from it), so a
higher `seq` never commits before a lower one. Polling it is one primary-key range read
that returns nothing when nothing changed, on SQLite and on PostgreSQL alike, and it costs
the writers nothing extra (a separate counter row would be one more hot row every write
transaction has to lock). Entries about looking at records (open, export, print, lock…)
are not changes and are skipped.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import cast

import peewee

from practitioner.db.base import database
from practitioner.db.errors import translated_errors
from practitioner.db.models import AuditRow
from practitioner.domain.audit import AuditAction
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService

log = logging.getLogger(__name__)

#: Audit actions that record someone looking at or copying records, not changing them.
ACCESS_ACTIONS = frozenset({
    AuditAction.OPEN, AuditAction.EXPORT, AuditAction.PRINT, AuditAction.REPORT,
    AuditAction.BACKUP, AuditAction.RESTORE_BACKUP, AuditAction.LOCK, AuditAction.UNLOCK,
    AuditAction.UNLOCK_FAILED, AuditAction.PURGE_REFUSED,
})

#: Failures that mean the database server (or the connection to it) went away.
CONNECTION_LOST_KINDS = frozenset({ErrorKind.CONNECTION_LOST, ErrorKind.SERVER_UNREACHABLE})

#: Entries read per query; a window far behind catches up over several reads.
BATCH = 1000

LOST_MESSAGE = ("The connection to the clinic server was lost. Nothing you typed was lost: "
                "the app reconnects as soon as the server answers again.")


def is_connection_lost(exc: KnownError) -> bool:
    """Whether `exc` says the database server or the connection to it went away."""
    return exc.kind in CONNECTION_LOST_KINDS


@dataclass(frozen=True)
class ChangeSet:
    """What changed since a token: pass `token` to the next `changes_since` call.

    `patient_ids` and `shared` are changes made elsewhere (another workstation, another
    program); `own_patient_ids` are this window's own, which it has shown already.
    `shared` names the kinds of records without a patient that changed (protocol,
    custom_measure, reference_note…).
    """

    token: int
    patient_ids: frozenset[int] = frozenset()
    own_patient_ids: frozenset[int] = frozenset()
    shared: frozenset[str] = frozenset()

    @property
    def elsewhere(self) -> bool:
        """Whether anything was changed by someone other than this window."""
        return bool(self.patient_ids or self.shared)


class ChangeService:
    """Polls the change counter for one window, and reconnects its connection.

    `own` are the audit services the window's services write through: entries appended
    through them are the window's own changes.
    """

    def __init__(self, own: Sequence[AuditService] = ()) -> None:
        self._own = tuple(own)

    def current_token(self) -> int:
        """The token for "now": changes after this moment are reported by `changes_since`."""
        with connection_errors_translated(), translated_errors():
            value = AuditRow.select(peewee.fn.MAX(AuditRow.seq)).scalar()
        return int(value or 0)

    def changes_since(self, token: int) -> ChangeSet:
        """The records changed after `token`, split into this window's own and others'."""
        patients: set[int] = set()
        own_patients: set[int] = set()
        shared: set[str] = set()
        last = token
        while True:
            query = (AuditRow.select(AuditRow.seq, AuditRow.hash, AuditRow.action,
                                     AuditRow.entity, AuditRow.patient_id)
                     .where(AuditRow.seq > last).order_by(AuditRow.seq).limit(BATCH).tuples())
            with connection_errors_translated(), translated_errors():
                rows = cast(list[tuple[int, str, str, str, int | None]], list(query))
            for seq, hash_, action, entity, patient_id in rows:
                last = seq
                if action in ACCESS_ACTIONS:
                    continue
                if any(audit.wrote(seq, hash_) for audit in self._own):
                    if patient_id is not None:
                        own_patients.add(patient_id)
                elif patient_id is not None:
                    patients.add(patient_id)
                else:
                    shared.add(entity or action)
            if len(rows) < BATCH:
                break
        for audit in self._own:
            audit.forget_written(last)
        return ChangeSet(last, frozenset(patients), frozenset(own_patients), frozenset(shared))

    def reconnect(self) -> None:
        """Drop this thread's connection and open a fresh one that answers a query.

        Raises KnownError (of a connection-lost kind on a server) while it cannot.
        """
        db = database.obj
        if db is None:
            raise KnownError(ErrorKind.CONNECTION_LOST, LOST_MESSAGE)
        _discard_connection(db)
        with connection_errors_translated(), translated_errors():
            db.connect(reuse_if_open=True)
            db.execute_sql("SELECT 1").fetchone()


def _discard_connection(db: peewee.Database) -> None:
    """Forget this thread's connection even when it is broken or mid-transaction."""
    if db.is_closed():
        return
    try:
        if db.in_transaction():
            db.rollback()
    except Exception:  # a broken connection cannot roll back; it is dropped
        log.debug("rollback on a broken connection failed", exc_info=True)
    try:
        db.close()
    except Exception:  # the same: its state is reset below
        log.debug("closing a broken connection failed", exc_info=True)
    if not db.is_closed():
        # peewee refuses to close inside a transaction it still counts as open; the
        # connection is dead, so only its per-thread bookkeeping is left to reset.
        getattr(db, "_state").reset()  # noqa: B009 - peewee's private per-thread state


@contextlib.contextmanager
def connection_errors_translated() -> Iterator[None]:
    """Report a driver's "connection gone" errors as KnownError(CONNECTION_LOST).

    `translated_errors` names the SQLite causes (and the server's, once the PostgreSQL
    error mapping classifies them); what it leaves untranslated — peewee's
    InterfaceError/OperationalError from a dead server connection — is a lost connection
    whenever the database is a server. Put it outside `translated_errors`.
    """
    try:
        yield
    except (peewee.InterfaceError, peewee.OperationalError) as exc:
        if isinstance(database.obj, peewee.SqliteDatabase):
            raise
        raise KnownError(ErrorKind.CONNECTION_LOST, LOST_MESSAGE) from exc

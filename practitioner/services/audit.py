"""Recording and checking the audit trail: who did what to which record, and when.

Services call `record` inside their own write transaction, so an entry exists exactly when
the change it describes was committed. Called on its own (an export, a print, a backup) it
runs a short transaction of its own. Details name ids and field names, never patient text.
"""

from __future__ import annotations

import datetime as dt
import getpass
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from practitioner.db import audit
from practitioner.db.base import database
from practitioner.db.errors import translated_errors
from practitioner.db.transactions import write_transaction
from practitioner.domain.accounts import Identity
from practitioner.domain.audit import AuditEntry, ChainBreak, first_break
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.clock import Clock, utc_now
from practitioner.services.identity import UserSource, current

log = logging.getLogger(__name__)


def os_user() -> str:
    """The computer's user name, or "unknown" where the platform has none."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def iso_z(moment: dt.datetime) -> str:
    """A naive UTC time as ISO 8601 with a Z, to the microsecond."""
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def storable(text: str) -> str:
    """`text` with any lone surrogate (a file name's undecodable byte, say) written as
    its escape, `\\udcff`: the trail stores UTF-8, which cannot hold one."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass(frozen=True)
class Verification:
    """The outcome of checking the whole trail."""

    rows: int
    broken: ChainBreak | None
    head: AuditEntry | None

    @property
    def intact(self) -> bool:
        return self.broken is None


class AuditService:
    """Appends to, lists and verifies the audit trail as one practitioner (the signed-in
    account: its name and id are stamped on every entry)."""

    def __init__(self, user: UserSource = os_user, clock: Clock = utc_now) -> None:
        self._user = user
        self._clock = clock
        # (seq, hash) of the entries appended through this service, so the window's own
        # changes can be told from another workstation's (services/changes.py). The hash
        # tells a rolled-back entry from another's committed one at the same seq.
        self._written: set[tuple[int, str]] = set()
        self._written_lock = threading.Lock()

    def identity(self) -> Identity:
        """Who the entries are written as, now."""
        return current(self._user)

    def record(
        self, action: str, *, entity: str = "", entity_id: int | None = None,
        patient_id: int | None = None, detail: str = "", author: Identity | None = None,
    ) -> AuditEntry:
        """Append one entry (as `author` when given, else as the current identity);
        inside a caller's transaction it commits with that change."""
        who = author or self.identity()
        with translated_errors(), write_transaction():
            entry = audit.append(
                at=iso_z(self._clock()), practitioner=storable(who.name or os_user()),
                action=action, entity=entity, entity_id=entity_id, patient_id=patient_id,
                detail=storable(detail), author_id=who.id,
            )
        with self._written_lock:
            self._written.add((entry.fields.seq, entry.hash))
        return entry

    def wrote(self, seq: int, hash_: str) -> bool:
        """Whether the entry `seq` with this hash was appended through this service."""
        with self._written_lock:
            return (seq, hash_) in self._written

    def forget_written(self, up_to: int) -> None:
        """Drop the memory of own entries up to `up_to` (already reported by changes)."""
        with self._written_lock:
            self._written = {item for item in self._written if item[0] > up_to}

    def record_access(self, action: str, patient_ids: Iterable[int], detail: str = "") -> int:
        """One entry per patient whose record was opened, exported or printed, in one
        transaction; returns how many were written.

        A records file that can only be read (a damaged file opened read-only so what is
        readable can still be exported) cannot take entries: then none is written, the
        log says so, and the caller goes on, as refusing to show a record would not
        protect it.
        """
        ids = list(patient_ids)
        try:
            with translated_errors(), write_transaction():
                for patient_id in ids:
                    self.record(action, entity="patient", entity_id=patient_id,
                                patient_id=patient_id, detail=detail)
        except KnownError as exc:
            if exc.kind is not ErrorKind.READ_ONLY:
                raise
            log.warning("%s of %d records not audited: the records file is read-only",
                        action, len(ids))
            return 0
        return len(ids)

    def trail(self, patient_id: int | None = None) -> list[AuditEntry]:
        """Entries oldest first: all of them, or those about one patient."""
        with translated_errors():
            return audit.entries(patient_id)

    def refuse_if_broken(self, records: str) -> None:
        """Raise KnownError (AUDIT_BROKEN) when the trail of the open `records` was
        tampered with: nothing may be added to records whose history cannot be trusted."""
        broken = self.verify().broken
        if broken is not None:
            raise KnownError(ErrorKind.AUDIT_BROKEN, f"The audit trail of {records} is broken "
                             f"at entry {broken.seq}: {broken.reason}. Nothing is added to "
                             "records whose history was changed: check them with “audit "
                             "verify”, and restore a backup from before the change.")

    def verify(self, anchor: tuple[int, str] | None = None) -> Verification:
        """Check every link of the chain; names the first entry that was tampered with."""
        with translated_errors(), database.atomic():
            if not audit.trail_exists():
                return Verification(0, ChainBreak(1, "the audit trail table is missing (it "
                                                  "was dropped)"), None)
            found = audit.entries()
            broken = first_break(found, highest_issued=audit.highest_issued(), anchor=anchor)
            if broken is None:
                unrecorded = audit.newest_unrecorded()
                if unrecorded:
                    last = found[-1].fields.seq if found else 0
                    broken = ChainBreak(last + 1, f"{unrecorded}: entries were removed")
        return Verification(len(found), broken, found[-1] if found else None)

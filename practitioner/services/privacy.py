"""The patient's right to erasure, within the retention the practice must keep.

A purge deletes the patient row, and with it (ON DELETE CASCADE) every row that refers to
the patient: sessions and their codes, points, measures, revisions and cited references,
PSFS activities and ratings, the diary, red-flag reviews, screening answers and drafts. The
audit trail keeps its entries (ids only, never text) and gains one saying the record was
purged. Then VACUUM rewrites the file and the WAL is checkpointed and truncated, so the
deleted text is gone from the file's bytes, not merely unlinked (the reference full-text
index holds library text only, never patient text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import peewee

from practitioner.db.base import database
from practitioner.db.cipher import passphrase_of
from practitioner.db.dialect import is_postgres
from practitioner.db.errors import translated_errors
from practitioner.db.models import PatientRow, SessionRow
from practitioner.db.transactions import write_transaction
from practitioner.domain.audit import AuditAction
from practitioner.domain.retention import DEFAULT_RETENTION_YEARS, Retention, retention
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.backups import BackupService
from practitioner.services.settings_file import ini_setting

RETENTION_KEY = "privacy/retention_years"

Backup = Callable[[], Path | None]


class ErasureBlockedError(KnownError):
    """The record is still inside its retention period."""

    def __init__(self, patient_id: int, kept: Retention) -> None:
        super().__init__(
            ErrorKind.CONFLICT,
            f"Patient {patient_id}'s record must be kept until "
            f"{kept.erasable_from.isoformat()} ({kept.reason}); it can be erased from then on.",
        )
        self.retention = kept


@dataclass(frozen=True)
class PurgeResult:
    """What a purge did: the backup taken first, and whether the WAL was emptied."""

    patient_id: int
    backup: Path | None
    wal_truncated: bool


def retention_years_from(settings_file: Path) -> int:
    """`privacy/retention_years` from an INI settings file (the default if unset or bad)."""
    try:
        value = int(ini_setting(settings_file, RETENTION_KEY) or DEFAULT_RETENTION_YEARS)
    except ValueError:
        return DEFAULT_RETENTION_YEARS
    return value if value >= 0 else DEFAULT_RETENTION_YEARS


def backup_beside_database() -> Path:
    """The backup taken before a purge, named and kept like every other backup."""
    records = Path(database.obj.database)
    return BackupService(records, passphrase=passphrase_of(database.obj)).before("purge").path


class PrivacyService:
    """Retention of records and their permanent erasure."""

    def __init__(
        self,
        audit: AuditService | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        retention_years: int = DEFAULT_RETENTION_YEARS,
        backup: Backup | None = backup_beside_database,
    ) -> None:
        self._audit = audit or AuditService()
        self._today = today
        self._years = retention_years
        self._backup = backup

    def today(self) -> dt.date:
        """The day retention is measured against."""
        return self._today()

    def retention_of(self, patient_id: int) -> Retention:
        """How long the record must be kept. Raises KnownError(NOT_FOUND)."""
        with translated_errors():
            row = PatientRow.get_or_none(PatientRow.id == patient_id)
            if row is None:
                raise KnownError(ErrorKind.NOT_FOUND, f"There is no patient number {patient_id}.")
            last = SessionRow.select(peewee.fn.max(SessionRow.started_at)).where(
                SessionRow.patient == patient_id
            ).scalar()
        last_visit = _as_date(last)
        return retention(last_visit=last_visit, recorded=row.created_at.date(),
                         born=row.date_of_birth, years=self._years)

    def refuse_if_kept(self, patient_id: int) -> Retention:
        """Raise ErasureBlockedError, and audit the refusal, while the record must be kept."""
        kept = self.retention_of(patient_id)
        if not kept.allows(self._today()):
            self._audit.record(AuditAction.PURGE_REFUSED, entity="patient",
                               entity_id=patient_id, patient_id=patient_id,
                               detail=f"retention until {kept.erasable_from.isoformat()}")
            raise ErasureBlockedError(patient_id, kept)
        return kept

    def purge(self, patient_id: int) -> PurgeResult:
        """Erase every trace of the patient, once the retention period is over.

        Raises ErasureBlockedError (and audits the refusal) inside the retention period, and
        KnownError(NOT_FOUND) for an unknown patient, KnownError(PERMISSION_DENIED) on a clinic
        server (erasure there is the administrator's). A backup is taken first.
        """
        self.refuse_if_kept(patient_id)
        if is_postgres():
            # The server keeps deleted rows until it is vacuumed, and in its write-ahead
            # log and backups: erasure there is the administrator's to carry out.
            raise KnownError(ErrorKind.PERMISSION_DENIED,
                             "Permanent erasure on a clinic server is not done from the "
                             "app: ask the administrator, who can erase the patient on the "
                             "server and in its backups.")
        with translated_errors():
            saved = self._backup() if self._backup else None
            with write_transaction():
                deleted = PatientRow.delete().where(PatientRow.id == patient_id).execute()
                if not deleted:
                    raise KnownError(ErrorKind.NOT_FOUND,
                                     f"There is no patient number {patient_id}.")
                self._audit.record(AuditAction.PURGE, entity="patient", entity_id=patient_id,
                                   patient_id=patient_id, detail="record erased")
            database.execute_sql("VACUUM")
            busy, _, _ = database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return PurgeResult(patient_id, saved, wal_truncated=busy == 0)


def _as_date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])

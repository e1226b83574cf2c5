"""The lock screen's events reach the audit trail, as the composition root wires them."""

from __future__ import annotations

from pathlib import Path

import peewee

from practitioner.app import audit_security_event
from practitioner.db.base import database
from practitioner.services.audit import AuditService


def test_lock_unlock_and_failed_unlock_are_audited(db_path: Path) -> None:
    audit = AuditService(user=lambda: "Dr Test")
    sink = audit_security_event(audit)
    for event in ("lock", "unlock_failed", "unlock"):
        sink(event)
    actions = [e.fields.action for e in audit.trail()]
    assert actions[-3:] == ["lock", "unlock_failed", "unlock"]
    assert audit.verify().intact


def test_a_read_only_trail_does_not_stop_the_lock_screen(db_path: Path) -> None:
    writable = database.obj
    read_only = peewee.SqliteDatabase(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    database.initialize(read_only)
    try:
        audit_security_event(AuditService())("lock")  # logged, not raised
    finally:
        read_only.close()
        database.initialize(writable)

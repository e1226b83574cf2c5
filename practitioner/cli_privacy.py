"""The command line's audit and privacy commands: `audit verify`, `audit show`, `purge`.

Kept apart from `practitioner.cli`, which wires them in; like it, never imports Qt. Their
grammar is in `practitioner.cli_grammar`.
"""

from __future__ import annotations

import argparse
import json

from practitioner.domain.audit import AuditEntry
from practitioner.errors import ErrorKind, KnownError
from practitioner.paths import data_dir
from practitioner.services.audit import AuditService
from practitioner.services.privacy import PrivacyService, retention_years_from

COMMANDS = ("audit", "purge")


def format_entry(entry: AuditEntry) -> str:
    """One entry as a line: seq, time, practitioner, action, what, patient, detail."""
    f = entry.fields
    what = f.entity + (f" {f.entity_id}" if f.entity_id is not None else "")
    patient = f"patient {f.patient_id}" if f.patient_id is not None else "-"
    return "\t".join([str(f.seq), f.at, f.practitioner, f.action, what or "-", patient,
                      f.detail])


def run(args: argparse.Namespace, audit: AuditService) -> tuple[int, str]:
    """Run an audit or purge command on the open records; (exit code, text to print)."""
    if args.command == "audit" and args.action == "verify":
        result = audit.verify(anchor=args.anchor)
        if args.json:
            broken = result.broken
            return int(broken is not None), json.dumps({
                "ok": broken is None, "rows": result.rows,
                "head": f"{result.head.fields.seq}:{result.head.hash}" if result.head else None,
                "broken_at": broken.seq if broken else None,
                "reason": broken.reason if broken else None,
            }, ensure_ascii=False)
        if result.broken is not None:
            return 1, (f"audit trail broken at row {result.broken.seq}: "
                       f"{result.broken.reason}")
        head = (f"; head {result.head.fields.seq}:{result.head.hash}"
                if result.head else "")
        return 0, f"audit trail intact: {result.rows} rows{head}"
    if args.command == "audit":
        return 0, "\n".join(format_entry(e) for e in audit.trail(args.patient))
    years = retention_years_from(data_dir() / "settings.ini")
    privacy = PrivacyService(audit, retention_years=years)
    if not args.force_after_retention:
        kept = privacy.retention_of(args.patient)
        verdict = "may be erased now" if kept.allows(privacy.today()) else "must be kept"
        return 0, (f"Patient {args.patient} {verdict}: erasure allowed from "
                   f"{kept.erasable_from.isoformat()} ({kept.reason}). Nothing was changed; "
                   "add --force-after-retention to erase.")
    done = privacy.purge(args.patient)
    if not done.wal_truncated:
        raise KnownError(ErrorKind.LOCKED, f"Patient {args.patient} was erased, but another "
                         "program holds the records open, so traces may remain in the "
                         "write-ahead log until it closes.")
    saved = f" A backup taken just before is at {done.backup}." if done.backup else ""
    return 0, f"Patient {args.patient} was erased permanently.{saved}"



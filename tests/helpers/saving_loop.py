"""Save treatment sessions with their measures and points in a loop, through the real
services, and acknowledge each on stdout only after the save has returned; the kill test
SIGKILLs this process at random moments.

Every other visit is also amended once (an update rewrites all its child rows). Each
stored version's content follows from the visit's number and version alone
(`expected_visit`), so a reader can tell a whole visit from a half-saved one.

Usage: python -m tests.helpers.saving_loop RECORDS PATIENT_ID FIRST_NUMBER
RECORDS is a records file or a clinic server's postgresql:// URL.
Prints "SAVED <session id> <number> <version>" per acknowledged save.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

from practitioner.db.connection import open_sqlite
from practitioner.db.server import SCHEMES, open_postgres, server_health
from practitioner.domain.outcomes import SessionMeasures
from practitioner.domain.session import NeedledPoint, NeedleSide, SessionInput, Technique
from practitioner.services.sessions import SessionService
from tests.helpers.pragmas import REQUIRED, reported
from tests.helpers.session_inputs import full_session

ACK = "SAVED"
_FIRST_VISIT = dt.datetime(2020, 1, 6, 9, 0)
_POINTS = ("LR3", "GB34", "BL57", "SP6", "ST36", "KI3", "LI4", "BL40")


def expected_visit(number: int, version: int) -> SessionInput:
    """The content visit `number` has at `version` (1 when created, 2 once amended)."""
    points = tuple(
        NeedledPoint(code, NeedleSide.BILATERAL, Technique.EVEN, 20 + version, None)
        for code in _POINTS[: 1 + (number + version) % len(_POINTS)]
    )
    measures = SessionMeasures(values=(
        ("cramps_per_week", float((number + version) % 20)),
        ("sleep_disturbance", float(number % 11)),
        ("worst_severity", float((number * 3 + version) % 11)),
    ))
    return dataclasses.replace(
        full_session(_FIRST_VISIT + dt.timedelta(hours=number)),
        notes=f"kill-test visit {number} version {version} " + "x" * (number % 400),
        points=points,
        measures=measures,
    )


def number_and_version(notes: str) -> tuple[int, int]:
    """Read back which visit and version a stored note says it is."""
    words = notes.split()
    return int(words[2]), int(words[4])


def main(records: str, patient_id: str, first: str) -> int:
    # The kill test proves nothing on a weaker connection or server.
    if records.startswith(tuple(f"{scheme}://" for scheme in SCHEMES)):
        warnings = server_health(open_postgres(records)).warnings
        if warnings:
            print(f"not durable: {warnings}", file=sys.stderr, flush=True)
            return 1
    else:
        settings = reported(open_sqlite(Path(records)).connection())
        if settings != REQUIRED:
            print(f"not durable: {settings}", file=sys.stderr, flush=True)
            return 1
    sessions = SessionService()
    number = int(first)
    while True:
        saved = sessions.create(int(patient_id), expected_visit(number, 1))
        print(f"{ACK} {saved.id} {number} 1", flush=True)
        if number % 2:
            amended = sessions.update(saved.id, expected_visit(number, 2), saved.version)
            print(f"{ACK} {amended.id} {number} 2", flush=True)
        number += 1


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))

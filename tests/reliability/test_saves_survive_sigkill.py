"""No save the app acknowledged is lost, and nothing is ever half-saved, when the process
is killed outright (SIGKILL) at random moments while it saves sessions in a loop.

One records file is carried across all the kills, as a practice's file is across crashes.
After each kill the file is opened again and checked: every acknowledged save is there
and whole, every stored session (acknowledged or not) is whole, and SQLite's own
integrity and foreign-key checks pass.

On PostgreSQL (when a test server is configured) the same: a workstation killed
mid-save leaves the server with every save it acknowledged, whole, and nothing half-done.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from practitioner.db.connection import close_database
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import ENGINES, PostgresTestServer, open_records_at
from tests.helpers.demo_inputs import ann
from tests.helpers.saving_loop import ACK, expected_visit, number_and_version

ROOT = Path(__file__).resolve().parents[2]
KILLS = 50
SEED = 20261124
MAX_ACKS_BEFORE_KILL = 4
MAX_EXTRA_DELAY_S = 0.04  # about a save or two: lands the kill inside transactions too
PATIENCE_S = 60.0  # a loaded CI machine; only reached if the helper hangs or dies


@dataclass(frozen=True)
class Ack:
    session_id: int
    number: int
    version: int


def _parse(lines: list[bytes]) -> list[Ack]:
    acks = []
    for line in lines:
        word, session_id, number, version = line.decode().split()
        assert word == ACK, line
        acks.append(Ack(int(session_id), int(number), int(version)))
    return acks


class _Reader:
    """Whole stdout lines of a child, read straight from the pipe (no hidden buffering)."""

    def __init__(self, fd: int) -> None:
        self._fd, self._pending, self.lines = fd, b"", list[bytes]()

    def poll(self, timeout: float) -> bool:
        """Read what arrives within `timeout`; False at end of file."""
        ready, _, _ = select.select([self._fd], [], [], max(timeout, 0.0))
        if not ready:
            return True
        chunk = os.read(self._fd, 65536)
        self._pending += chunk
        *whole, self._pending = self._pending.split(b"\n")
        self.lines += whole
        return bool(chunk)


def _run_and_kill(records: Path | str, patient_id: int, first: int,
                  rng: random.Random) -> list[Ack]:
    """Start the saving loop, SIGKILL it at a random moment, return every ack it printed."""
    wanted = rng.randint(0, MAX_ACKS_BEFORE_KILL)
    extra = rng.uniform(0.0, MAX_EXTRA_DELAY_S)
    with subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.saving_loop", str(records), str(patient_id),
         str(first)],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        reader = _Reader(child.stdout.fileno())
        give_up = time.monotonic() + PATIENCE_S
        alive = True
        while alive and len(reader.lines) < wanted and time.monotonic() < give_up:
            alive = reader.poll(give_up - time.monotonic())
        kill_at = time.monotonic() + extra
        while alive and time.monotonic() < kill_at:
            alive = reader.poll(kill_at - time.monotonic())
        child.send_signal(signal.SIGKILL)
        while reader.poll(PATIENCE_S):  # whatever it printed before dying counts too
            pass
        errors = child.stderr.read().decode(errors="replace")
        child.wait(timeout=PATIENCE_S)
    assert child.returncode == -signal.SIGKILL, f"the saving loop ended by itself: {errors}"
    assert len(reader.lines) >= wanted, f"too few saves before the kill: {errors}"
    return _parse(reader.lines)


def _integrity(records: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    conn = sqlite3.connect(records)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchall(),
                conn.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        conn.close()


def _check_after_kill(records: Path | str, patient_id: int,
                      acknowledged: dict[int, Ack]) -> int:
    """Assert the file is whole and holds every acknowledged save; the next visit number."""
    if isinstance(records, Path):
        assert _integrity(records) == ([("ok",)], [])
    open_records_at(records)
    try:
        stored = SessionService().for_patients([patient_id]).get(patient_id, [])
    finally:
        close_database()
    by_id = {}
    for session in stored:
        number, version = number_and_version(session.data.notes)
        # Whole: the visit row and every child row (codes, points, measures) belong to
        # one and the same saved version; a half-saved visit cannot match.
        assert session.version == version, session.id
        assert session.data == expected_visit(number, version), (session.id, number, version)
        by_id[session.id] = (number, version)
    for ack in acknowledged.values():
        assert ack.session_id in by_id, f"acknowledged save lost: {ack}"
        number, version = by_id[ack.session_id]
        assert number == ack.number
        assert version >= ack.version, f"acknowledged amendment lost: {ack}"
    return 1 + max((number for number, _ in by_id.values()), default=-1)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_no_acknowledged_save_is_lost_or_half_saved_across_random_sigkills(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    records: Path | str = tmp_path / "records.db"
    if engine == "postgres":
        server: PostgresTestServer = request.getfixturevalue("postgres_server")
        records = server.migrated_database("kills")
    open_records_at(records)
    patient_id = PatientService().create(ann()).id
    close_database()
    rng = random.Random(SEED)
    acknowledged: dict[int, Ack] = {}
    first, kills, empty_runs = 0, 0, 0
    for _ in range(KILLS):
        acks = _run_and_kill(records, patient_id, first, rng)
        kills += 1
        empty_runs += not acks
        for ack in acks:
            previous = acknowledged.get(ack.session_id)
            if previous is None or ack.version > previous.version:
                acknowledged[ack.session_id] = ack
        first = _check_after_kill(records, patient_id, acknowledged)
    assert kills >= 50
    # The kills really landed amid saving, not all before the first one.
    assert len(acknowledged) >= KILLS and empty_runs < KILLS // 2

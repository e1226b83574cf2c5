"""A backup killed outright (SIGKILL) midway leaves every earlier backup byte-identical and
no final-named partial copy; the next backup clears the leftover and succeeds."""

from __future__ import annotations

import datetime as dt
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from practitioner.db.backup import PARTIAL_SUFFIX, backup_folder, opened_file
from practitioner.db.connection import close_database, inspect_file
from practitioner.domain.backup_policy import backup_file_name
from practitioner.services.backups import BackupService
from tests.helpers.files import sha256
from tests.helpers.records import demo_records

ROOT = Path(__file__).resolve().parents[2]


def _earlier_backups(records: Path) -> dict[Path, str]:
    times = iter(dt.datetime(2025, 1, 1, 9, n) for n in range(3))
    with opened_file(records, read_only=True) as source:
        service = BackupService(records, source=lambda: source, clock=lambda: next(times))
        for _ in range(3):
            service.back_up("manual")
    return {p: sha256(p) for p in backup_folder(records).iterdir()}


def _kill_after(records: Path, target: Path, pages: int) -> int:
    """Start a slow backup, let it copy `pages` pages, SIGKILL it; returns its page total."""
    with subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.slow_backup", str(records), str(target)],
        cwd=ROOT, env=dict(os.environ), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    ) as child:
        assert child.stdin is not None and child.stdout is not None
        total = 0
        try:
            for n in range(pages):
                ready, _, _ = select.select([child.stdout], [], [], 60)
                line = child.stdout.readline().split() if ready else []
                assert line[:1] == ["page"], f"no progress from the backup: {line}"
                total = int(line[2])
                if n < pages - 1:
                    child.stdin.write("\n")
                    child.stdin.flush()
            # The child now waits inside the backup, its copy half written.
            assert (target.parent / (target.name + PARTIAL_SUFFIX)).is_file()
        finally:
            child.send_signal(signal.SIGKILL)
            child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return total


@pytest.mark.slow
@pytest.mark.parametrize(("pages", "onto_existing"), [(1, False), (40, False), (25, True)])
def test_sigkill_during_a_backup_leaves_earlier_backups_untouched(
    migrated_template: Path, tmp_path: Path, pages: int, onto_existing: bool
) -> None:
    records = demo_records(migrated_template, tmp_path / "records.db", patients=30)
    earlier = _earlier_backups(records)
    assert len(earlier) == 3
    if onto_existing:  # Even a backup aimed at an existing name must not touch it first.
        target = sorted(earlier)[0]
    else:
        target = backup_folder(records) / backup_file_name(
            records.stem, dt.datetime(2026, 1, 1, 12), "auto")
    total = _kill_after(records, target, pages)
    assert total > pages  # Killed midway, not after the copy was complete.

    assert {p: sha256(p) for p in earlier} == earlier
    finals = {p for p in backup_folder(records).iterdir() if PARTIAL_SUFFIX not in p.name}
    assert finals == set(earlier)
    for path in earlier:
        assert inspect_file(path, full_check=True).table_count > 0

    # The next backup clears the leftover temporary file and succeeds.
    with opened_file(records, read_only=True) as source:
        made = BackupService(records, source=lambda: source).back_up("manual")
    close_database()
    assert not list(backup_folder(records).glob(f"*{PARTIAL_SUFFIX}*"))
    assert inspect_file(made.path, full_check=True).table_count > 0

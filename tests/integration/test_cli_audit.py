"""`audit verify`, `audit show` and `purge` on the command line, run as real processes."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.helpers.cli import assert_one_line_failure, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cwd = tmp_path_factory.mktemp("cli-audit")
    path = cwd / "demo.db"
    result = run_cli(cwd, "--db", path, "demo", "--patients", "4")
    assert result.returncode == 0, result.stderr
    return path


def _copy(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "records.db"
    shutil.copyfile(demo_db, path)
    return path


def _raw(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for name in ("audit_log_no_update", "audit_log_no_delete"):
        conn.execute(f"DROP TRIGGER {name}")
    for sql in statements:
        conn.execute(sql)
    conn.close()


def test_an_untouched_trail_verifies_and_prints_its_head(demo_db: Path, tmp_path: Path) -> None:
    path = _copy(demo_db, tmp_path)
    result = run_cli(tmp_path, "--db", path, "audit", "verify")
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(r"audit trail intact: (\d+) rows; head (\d+):([0-9a-f]{64})\n",
                         result.stdout)
    assert match and match[1] == match[2] and int(match[1]) > 10
    anchored = run_cli(tmp_path, "--db", path, "audit", "verify", "--anchor",
                       f"{match[2]}:{match[3]}")
    assert anchored.returncode == 0, anchored.stderr


@pytest.mark.parametrize(("statements", "seq", "reason"), [
    (["UPDATE audit_log SET practitioner = 'Mallory' WHERE seq = 7"], 7, "entry was altered"),
    (["DELETE FROM audit_log WHERE seq = 5"], 5, "entry missing"),
    (["UPDATE audit_log SET seq = 1000 WHERE seq = 3",
      "UPDATE audit_log SET seq = 3 WHERE seq = 4",
      "UPDATE audit_log SET seq = 4 WHERE seq = 1000"], 3,
     "link to the previous entry does not match"),
    (["DELETE FROM audit_log WHERE seq >= 9"], 9, "were removed"),
])
def test_tampering_is_reported_at_the_first_bad_row(
    demo_db: Path, tmp_path: Path, statements: list[str], seq: int, reason: str
) -> None:
    path = _copy(demo_db, tmp_path)
    _raw(path, *statements)
    result = run_cli(tmp_path, "--db", path, "audit", "verify")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"audit trail broken at row {seq}: ")
    assert reason in result.stderr and result.stderr.count("\n") == 1


def test_show_lists_one_patient_and_an_export_adds_an_entry(
    demo_db: Path, tmp_path: Path
) -> None:
    path = _copy(demo_db, tmp_path)
    export = run_cli(tmp_path, "--db", path, "export", "--format", "json", "--patient", "2",
                     "--out", tmp_path / "p2.json")
    assert export.returncode == 0, export.stderr
    shown = run_cli(tmp_path, "--db", path, "audit", "show", "--patient", "2")
    lines = shown.stdout.splitlines()
    assert lines and all(line.split("\t")[5] == "patient 2" for line in lines)
    assert lines[-1].split("\t")[3:] == ["export", "patient 2", "patient 2",
                                        "json via command line"]


def test_purge_inside_retention_is_refused_with_the_date(demo_db: Path, tmp_path: Path) -> None:
    path = _copy(demo_db, tmp_path)
    dry = run_cli(tmp_path, "--db", path, "purge", "--patient", "1")
    assert dry.returncode == 0 and "must be kept: erasure allowed from " in dry.stdout
    line = assert_one_line_failure(
        run_cli(tmp_path, "--db", path, "purge", "--patient", "1", "--force-after-retention"))
    assert re.search(r"must be kept until \d{4}-\d\d-\d\d", line)

"""`backup [--to DIR]`, `restore FILE` and the backup before `import`, as real subprocesses."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.helpers.cli import assert_one_line_failure, run_cli
from tests.helpers.db_fixtures import RECORDS_PATIENTS
from tests.helpers.files import sha256
from tests.helpers.records import DAMAGE

pytestmark = pytest.mark.slow


def _patients(path: Path) -> int:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM patient").fetchone()[0])


def test_backup_restore_round_trip(records: Path, tmp_path: Path) -> None:
    made = run_cli(tmp_path, "--db", records, "backup")
    assert made.returncode == 0, made.stderr
    [backup] = (tmp_path / "backups").iterdir()
    assert made.stdout.strip() == f"Backed up {records} to {backup}."
    assert backup.name.endswith(".manual.db")

    added = run_cli(tmp_path, "--db", records, "demo", "--patients", "3", "--seed", "9")
    assert added.returncode == 0, added.stderr
    assert _patients(records) == RECORDS_PATIENTS + 3

    restored = run_cli(tmp_path, "--db", records, "restore", backup)
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout and "before-restore" in restored.stdout
    assert _patients(records) == RECORDS_PATIENTS
    assert _patients(tmp_path / "records.db.before-restore") == RECORDS_PATIENTS + 3
    check = run_cli(tmp_path, "--db", records, "check")
    assert check.returncode == 0 and check.stdout.startswith("ok:")


def test_backup_to_a_chosen_folder(records: Path, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--db", records, "backup", "--to", tmp_path / "usb")
    assert result.returncode == 0, result.stderr
    [copy] = (tmp_path / "usb").iterdir()
    assert _patients(copy) == RECORDS_PATIENTS
    assert not (tmp_path / "backups").exists()


def test_a_damaged_file_is_never_backed_up_over_good_backups(
    records: Path, tmp_path: Path
) -> None:
    assert run_cli(tmp_path, "--db", records, "backup").returncode == 0
    [good] = (tmp_path / "backups").iterdir()
    before = sha256(good)
    DAMAGE["byte-flipped"](records)
    line = assert_one_line_failure(run_cli(tmp_path, "--db", records, "backup"))
    assert "damaged" in line
    assert [p.name for p in (tmp_path / "backups").iterdir()] == [good.name]
    assert sha256(good) == before


def test_restore_refuses_a_file_that_is_not_a_backup(records: Path, tmp_path: Path) -> None:
    before = sha256(records)
    stranger = tmp_path / "other.db"
    with closing(sqlite3.connect(stranger)) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    line = assert_one_line_failure(run_cli(tmp_path, "--db", records, "restore", stranger))
    assert "belongs to another program" in line
    assert sha256(records) == before
    assert not (tmp_path / "records.db.before-restore").exists()


def test_import_backs_up_first(records: Path, tmp_path: Path) -> None:
    exported = run_cli(tmp_path, "--db", records, "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "target.db"
    shutil.copyfile(records, target)
    result = run_cli(tmp_path, "--db", target, "import", path, "--on-duplicate", "new")
    assert result.returncode == 0, result.stderr
    [backup] = (tmp_path / "backups").glob("target.*.before-import.db")
    assert f"Backed up first to {backup}" in result.stderr
    assert _patients(backup) == RECORDS_PATIENTS  # The state before the import.
    assert _patients(target) == 2 * RECORDS_PATIENTS


def test_backup_uses_the_folder_and_count_set_in_preferences(
    records: Path, tmp_path: Path,
) -> None:
    folder = tmp_path / "usb"
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "settings.ini").write_text(
        f"[backups]\nfolder={folder}\nkeep=1\n", encoding="utf-8")
    for _ in range(2):
        made = run_cli(tmp_path, "--db", records, "backup")
        assert made.returncode == 0, made.stderr
    [backup] = folder.iterdir()  # rotation kept one
    assert made.stdout.strip() == f"Backed up {records} to {backup}."
    assert not (tmp_path / "backups").exists()

"""Files the app creates are its user's alone: 0600 files and 0700 folders, checked on
what real runs of the GUI and the command line leave behind, with a permissive umask
inherited from the shell."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="POSIX file modes"),
]


def _run(cwd: Path, data: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CRAMP_PRACTITIONER_DATA_DIR=str(data))
    result = subprocess.run([sys.executable, *map(str, args)], env=env, cwd=cwd,
                            capture_output=True, text=True, timeout=120, umask=0o022,
                            check=False)
    assert result.returncode == 0, result.stderr
    return result


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_gui_and_cli_create_owner_only_files_and_folders(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run(tmp_path, data, ROOT / "main.py", "--quit-after-startup")
    db = data / "records.db"
    cli = ("-m", "practitioner")
    _run(tmp_path, data, *cli, "demo", "--patients", "3")
    out = tmp_path / "exports"
    out.mkdir()  # exports go into a folder the practitioner chose; the app makes none
    _run(tmp_path, data, *cli, "export", "--format", "json", "--out", out / "all.json")
    _run(tmp_path, data, *cli, "export", "--format", "csv", "--out", out / "all.csv")
    settings = data / "settings.ini"
    with settings.open("a", encoding="utf-8") as handle:
        handle.write("\n[privacy]\nretention_years=0\n")
    purged = _run(tmp_path, data, *cli, "purge", "--patient", "1",
                  "--force-after-retention")
    assert "erased permanently" in purged.stdout
    # Hold the file open so the WAL and shared-memory files outlive the next run.
    holder = sqlite3.connect(db)
    try:
        holder.execute("SELECT count(*) FROM patient").fetchone()
        _run(tmp_path, data, *cli, "audit", "verify")
        files = [db, Path(f"{db}-wal"), Path(f"{db}-shm"), settings,
                 *(data / "backups").iterdir(), *out.iterdir()]
        assert len(files) >= 8, files
        modes = {str(p.relative_to(tmp_path)): _mode(p) for p in files}
    finally:
        holder.close()
    assert set(modes.values()) == {0o600}, modes
    folders = {str(p.relative_to(tmp_path)): _mode(p) for p in (data, data / "backups")}
    assert set(folders.values()) == {0o700}, folders

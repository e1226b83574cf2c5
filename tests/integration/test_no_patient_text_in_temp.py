"""Exports and reports from the command line leave no patient text in temporary or cache
folders, the data folder or the log (stderr)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from practitioner.db.connection import close_database, open_sqlite
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import full_session

pytestmark = pytest.mark.slow

MARKER = "TEMPMARKER-c41b"


def _files_with_marker(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and MARKER.encode() in p.read_bytes()]


def test_exports_and_reports_leave_no_patient_text_behind(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    open_sqlite(db)
    try:
        patient = PatientService().create(ann(name=f"Ann {MARKER}", notes=MARKER))
        SessionService().create(patient.id, full_session(notes=MARKER))
    finally:
        close_database()
    scratch = {name: tmp_path / name for name in ("tmp", "cache", "data", "out")}
    for folder in scratch.values():
        folder.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch["tmp"]), XDG_CACHE_HOME=str(scratch["cache"]),
               CRAMP_PRACTITIONER_DATA_DIR=str(scratch["data"]), QT_QPA_PLATFORM="offscreen")
    out = scratch["out"]
    for args in (["export", "--format", "json", "--out", out / "all.json"],
                 ["export", "--format", "csv", "--out", out / "all.csv"],
                 ["report", "--patient", "1", "--out", out / "report.pdf"],
                 ["audit", "show"]):
        result = subprocess.run([sys.executable, "-m", "practitioner", "--db", db, *args],
                                env=env, cwd=tmp_path, capture_output=True, text=True,
                                timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        assert MARKER not in result.stderr
        if args[0] == "audit":
            assert MARKER not in result.stdout
    assert _files_with_marker(out), "the exports themselves hold the text: the scan works"
    for name in ("tmp", "cache", "data"):
        assert _files_with_marker(scratch[name]) == [], name

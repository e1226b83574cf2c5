"""Starting the app: a new file is created properly, a bad file gets a clear dialog."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from practitioner import app
from practitioner.db.connection import close_database, open_sqlite
from tests.helpers.modals import Reply, answering

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quit_after_startup_leaves_a_healthy_wal_database(tmp_path: Path) -> None:
    db = tmp_path / "NEW.db"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--db", str(db), "--quit-after-startup"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "patient" in tables


@pytest.mark.slow
def test_default_database_is_created_in_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CRAMP_PRACTITIONER_DATA_DIR=str(data))
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--quit-after-startup"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (data / "records.db").is_file()
    assert (data / "settings.ini").is_file()


@pytest.mark.parametrize("content", [b"this is a text file, not records\n", b""])
def test_a_file_that_is_not_a_database_gets_a_dialog_and_is_left_alone(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    bad = tmp_path / "notes.db"
    bad.write_bytes(content or b"SQLite format 3\x00" + b"\xff" * 200)
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    with answering(Reply("Cannot open the records", "OK")) as seen:
        assert app.main(["--db", str(bad), "--quit-after-startup"]) == 1
    [text] = [d.text for d in seen.dialogs]
    assert "not a Cramp Practitioner records file" in text
    assert "Traceback" not in text
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before


def test_an_unwritable_location_gets_a_dialog(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with answering(Reply("Cannot open the records", "OK")) as seen:
        assert app.main(["--db", str(blocker / "records.db")]) == 1
    [text] = [d.text for d in seen.dialogs]
    assert str(blocker) in text


def test_a_database_from_a_newer_version_gets_a_dialog_and_is_left_alone(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    future = tmp_path / "future.db"
    open_sqlite(future)
    close_database()
    with sqlite3.connect(future) as conn:
        conn.execute(
            "INSERT INTO schema_migration (name, applied) VALUES ('0999_future', '2030-01-01')"
        )
    conn.close()
    before = hashlib.sha256(future.read_bytes()).hexdigest()
    with answering(Reply("Cannot open the records", "OK")) as seen:
        assert app.main(["--db", str(future)]) == 1
    [text] = [d.text for d in seen.dialogs]
    assert "newer version of Cramp Practitioner" in text
    assert hashlib.sha256(future.read_bytes()).hexdigest() == before


LAZY_CHART_PROBE = """
import sys
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from practitioner.app import build_window
from practitioner.ui.messages import Messages
app = QApplication([])
folder = Path(sys.argv[1])
window = build_window(folder / "demo.db", Messages(),
                      QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat), demo=True)
window.show()
window.open_first_patient()
app.processEvents()
before = "pyqtgraph" in sys.modules
window.workspace.tabs.setCurrentWidget(window.workspace.outcomes)
app.processEvents()
print(before, "pyqtgraph" in sys.modules, window.workspace.outcomes.chart is not None)
"""


@pytest.mark.slow
def test_the_chart_library_loads_only_when_the_outcomes_tab_is_opened(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", LAZY_CHART_PROBE, str(tmp_path)],
        env=dict(os.environ), cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]

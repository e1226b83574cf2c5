"""First paint pays only for what it shows: the heavy modules stay unloaded until used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from practitioner.db.connection import close_database, open_sqlite

# Loaded on first use only: charts (pyqtgraph, numpy), PDF/printing, the benchmark runner,
# the PostgreSQL driver (clinic mode).
LAZY = ("pyqtgraph", "numpy", "PySide6.QtPrintSupport", "PySide6.QtPdf", "practitioner.bench",
        "psycopg")
# Not loaded before the window's first paint: the database layer, the services, the
# panels and the dialogs come after it.
AFTER_FIRST_PAINT = ("peewee", "sqlite3", "practitioner.db", "practitioner.services",
                     "practitioner.content", "practitioner.ui.messages",
                     "practitioner.ui.pages.patient_workspace",
                     "practitioner.ui.widgets.patient_list_panel")

PROBE = """
import sys
sys.argv = ["main.py", "--db", sys.argv[1], "--quit-after-startup"]
from practitioner import app
first_paint = []
wait = app._wait_for_paint
def watched(*args, **kwargs):
    painted = wait(*args, **kwargs)
    if not first_paint:
        first_paint.append(painted)
        first_paint.append([m for m in {after!r} if m in sys.modules])
    return painted
app._wait_for_paint = watched
code = app.main()
print(" ".join(sorted(m for m in {lazy!r} if m in sys.modules)))
print(first_paint[0], " ".join(first_paint[1]))
raise SystemExit(code)
"""


def _probe(tmp_path: Path) -> list[str]:
    path = tmp_path / "records.db"
    open_sqlite(path)
    close_database()
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(lazy=LAZY, after=AFTER_FIRST_PAINT), str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "startup: first-paint" in done.stderr
    return done.stdout.split("\n")


@pytest.mark.slow
def test_start_up_does_not_import_heavy_modules(tmp_path: Path) -> None:
    lazy, _ = _probe(tmp_path)[:2]
    assert lazy.strip() == "", f"imported at start-up: {lazy}"


@pytest.mark.slow
def test_the_window_is_painted_before_the_database_and_services_are_loaded(
    tmp_path: Path,
) -> None:
    _, first_paint = _probe(tmp_path)[:2]
    painted, *loaded = first_paint.split()
    assert painted == "True"
    assert loaded == [], f"imported before the first paint: {loaded}"

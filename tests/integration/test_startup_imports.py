"""First paint pays only for what it shows: the heavy modules stay unloaded until used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from practitioner.db.connection import close_database, open_sqlite

# Loaded on first use only: charts (pyqtgraph, numpy), PDF/printing, the benchmark runner.
LAZY = ("pyqtgraph", "numpy", "PySide6.QtPrintSupport", "PySide6.QtPdf", "practitioner.bench")

PROBE = """
import sys
sys.argv = ["main.py", "--db", sys.argv[1], "--quit-after-startup"]
from practitioner.app import main
code = main()
print(" ".join(sorted(m for m in {lazy!r} if m in sys.modules)))
raise SystemExit(code)
"""


@pytest.mark.slow
def test_start_up_does_not_import_heavy_modules(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    open_sqlite(path)
    close_database()
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(lazy=LAZY), str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"imported at start-up: {done.stdout}"

"""The chart survives many redraws: some PySide6 releases corrupt memory under pyqtgraph
and abort the whole process, so this runs in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REDRAWS = """
import datetime as dt
from PySide6.QtWidgets import QApplication
from practitioner.domain.outcomes import STANDARD_MEASURES, DiaryWeek
from practitioner.ui.widgets.outcome_chart import ChartVisit, OutcomeChart
app = QApplication([])
chart = OutcomeChart()
chart.show()
start = dt.datetime(2024, 1, 1, 10)
visits = [ChartVisit(start + dt.timedelta(weeks=i), {"cramps_per_week": float(i % 9),
          "worst_severity": float(i % 7)}, f"visit {i}") for i in range(150)]
weeks = [DiaryWeek(dt.date(2023, 1, 2) + dt.timedelta(weeks=i), 7, 3, 4) for i in range(157)]
for n in range(80):
    chart.show_data(STANDARD_MEASURES, visits, weeks)
    chart.chooser.setCurrentIndex(n % 2)
    app.processEvents()
print("redrawn", len(chart.series()))
"""


@pytest.mark.slow
def test_eighty_redraws_of_a_long_chart_do_not_crash(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", REDRAWS], env=dict(os.environ),
                            cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["redrawn", "150"]

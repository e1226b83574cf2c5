"""Every figure of `python -m practitioner bench`, as one benchmark run: start-up and its
memory against the bare-Qt floor (subprocesses), then search, reference search, opening a
big record, saving, scrolling and memory through the real main window.

Not part of the default run. `CRAMP_BENCH_SIZE` picks the dataset (default M).
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QApplication
from pytest_benchmark.fixture import BenchmarkFixture

from practitioner.bench.figures import Figure, table
from practitioner.bench.runner import dataset, gui_figures, startup_figures

SIZE = os.environ.get("CRAMP_BENCH_SIZE", "M")


def test_every_figure_meets_its_target(benchmark: BenchmarkFixture, qapp: QApplication) -> None:
    path = dataset(SIZE, 1, progress=False)
    measured: list[Figure] = []

    def measure() -> None:
        figures, floor_rss = startup_figures(path)
        measured.extend(figures + gui_figures(path, floor_rss))

    benchmark.pedantic(measure, rounds=1, iterations=1)  # type: ignore[no-untyped-call]
    benchmark.extra_info.update({f.name: f.as_dict() for f in measured})
    print("\n" + table(measured))
    missed = [f.name for f in measured if not f.met]
    assert missed == [], missed

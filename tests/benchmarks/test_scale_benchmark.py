"""Issue 8's figures on a synthetic dataset, as pytest-benchmark runs.

Not part of the default run (the project's addopts skip benchmarks). Run with

    python -m pytest tests/benchmarks -p no:randomly --benchmark-only

The dataset size is $CRAMP_BENCH_SIZE (S, M or L; default M), generated on first use and
cached under the data folder like `python -m practitioner bench` does (set
$CRAMP_PRACTITIONER_DATA_DIR to share one cache between runs). Generating L from scratch
is timed too when $CRAMP_BENCH_GENERATE_L is set (it writes a 2 GB file).

`python -m practitioner bench` measures the same figures, and start-up and memory against
the bare-Qt floor, in one table.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from practitioner.bench.figures import p95
from practitioner.bench.runner import TYPED, dataset
from practitioner.db.base import database
from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.demo_scale import Size
from practitioner.services.datasets import generate_dataset
from practitioner.services.patients import BROAD_SEARCH, PatientService
from practitioner.services.sessions import SessionService

SIZE = os.environ.get("CRAMP_BENCH_SIZE", "M")
KEYSTROKES = [word[:n] for word in TYPED for n in range(1, len(word) + 1)]


@pytest.fixture(scope="module")
def records() -> Iterator[Path]:
    path = dataset(SIZE, 1, progress=False)
    open_sqlite(path)
    yield path
    close_database()


def test_patient_search_keystroke_p95_within_one_frame(
    benchmark: BenchmarkFixture, records: Path
) -> None:
    patients = PatientService()

    def keystroke(text: str) -> None:
        patients.count_matching(text, at_most=BROAD_SEARCH)
        patients.page(text)

    times = []
    for _ in range(5):
        for text in KEYSTROKES:
            start = time.perf_counter()
            keystroke(text)
            times.append((time.perf_counter() - start) * 1000)
    benchmark.pedantic(lambda: [keystroke(t) for t in KEYSTROKES], rounds=5,  # type: ignore[no-untyped-call]
                       iterations=1)
    benchmark.extra_info.update(size=SIZE, p95_ms=round(p95(times), 3))
    assert p95(times) <= 16.0


def test_session_timeline_of_150_visits(benchmark: BenchmarkFixture, records: Path) -> None:
    heavy = int(database.execute_sql("SELECT max(id) FROM patient").fetchone()[0])
    sessions = SessionService()
    found = benchmark(sessions.timeline, heavy)
    assert len(found) >= 150


def test_generating_l_takes_at_most_a_minute(
    benchmark: BenchmarkFixture, tmp_path: Path
) -> None:
    if not os.environ.get("CRAMP_BENCH_GENERATE_L"):
        pytest.skip("set CRAMP_BENCH_GENERATE_L=1 to time generating L (a 2 GB file)")
    start = time.perf_counter()
    made = benchmark.pedantic(generate_dataset, args=(tmp_path / "l.db", Size.L.value, 1),  # type: ignore[no-untyped-call]
                              rounds=1, iterations=1)
    elapsed = time.perf_counter() - start
    assert made.patients == 100_000 and made.sessions > 900_000
    assert elapsed <= 60.0, elapsed

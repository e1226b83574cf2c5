"""Search per keystroke with the forgiving search: p95 within 5 ms.

Not part of the default run (the project's addopts skip benchmarks). Run with

    python -m pytest tests/benchmarks/test_forgiving_search_benchmark.py -p no:randomly \
        --benchmark-only -s

Every query of our own query set (tests/data/reference_queries.csv) is typed one
keystroke at a time: each prefix of it is a search, as the pane runs one per keystroke,
so half-typed words, typos being corrected, codes and brands are all in the sample.

The budget is held on the CPU time each search costs (time.process_time: SQLite runs in
this thread). Wall time is reported too, but on a shared machine it mostly measures the
wait for a core: with 2 cores and a load of 7, the wall p95 of the search before this
change was 9.8 ms against a CPU p95 of 1.9 ms.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from practitioner.content.reference import load_reference
from practitioner.db.connection import close_database, open_sqlite
from practitioner.services.reference import ReferenceService

BUDGET_MS = 5.0
QUERIES = Path(__file__).parents[1] / "data" / "reference_queries.csv"


def _keystrokes() -> list[str]:
    typed: list[str] = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query = line.split("|")[0]
            typed += [query[:n] for n in range(1, len(query) + 1)]
    return typed


@pytest.fixture
def library(tmp_path: Path) -> Iterator[ReferenceService]:
    open_sqlite(tmp_path / "library.db")
    service = ReferenceService()
    service.seed(load_reference())
    yield service
    close_database()


def test_forgiving_search_p95_per_keystroke_is_within_budget(
    benchmark: BenchmarkFixture, library: ReferenceService
) -> None:
    keystrokes = _keystrokes()
    for text in keystrokes:  # warm caches: the library, the vocabulary, SQLite's pages
        library.search(text)
    timings: list[float] = []
    wall: list[float] = []
    for text in keystrokes:
        start, cpu = time.perf_counter(), time.process_time()
        library.search(text)
        timings.append((time.process_time() - cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)

    benchmark.pedantic(lambda: [library.search(t) for t in keystrokes[:200]],  # type: ignore[no-untyped-call]
                       rounds=3, iterations=1)
    ordered = sorted(timings)
    p50 = ordered[len(ordered) // 2]
    p95 = ordered[round(0.95 * (len(ordered) - 1))]
    wall_p95 = sorted(wall)[round(0.95 * (len(wall) - 1))]
    benchmark.extra_info.update(keystrokes=len(timings), cpu_p50_ms=round(p50, 3),
                                cpu_p95_ms=round(p95, 3), cpu_max_ms=round(ordered[-1], 3),
                                wall_p95_ms=round(wall_p95, 3))
    print(f"\nforgiving search, {len(timings)} keystrokes: CPU p50 {p50:.3f} ms, "
          f"p95 {p95:.3f} ms, max {ordered[-1]:.3f} ms; wall p95 {wall_p95:.3f} ms")
    assert p95 <= BUDGET_MS, p95

"""Search as you type over the shipped reference library: p95 per query within 5 ms.

Not part of the default run (the project's addopts skip benchmarks). Run with

    python -m pytest tests/benchmarks -p no:randomly --benchmark-only

Each of ~30 realistic queries (whole words, words half typed, British and American
spellings, lay terms, drug names, long phrases) is timed on its own, many times; the 95th
percentile of those times is held to the issue's 5 ms budget. A floor is measured in the
same run on the same file: a trivial one-row SELECT through the same connection. The ratio
of search to floor is recorded and bounded loosely, so that a slow machine does not hide a
search that scans the table or runs a query per hit.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from practitioner.content.reference import load_reference
from practitioner.db.base import database
from practitioner.db.connection import close_database, open_sqlite
from practitioner.services.reference import ReferenceService

BUDGET_MS = 5.0
# Measured at about 120x a one-row SELECT (p95 1.1 ms against 9 µs, 59 entries): an FTS5
# MATCH ranked by bm25 with four snippets per hit, then the hits built in Python. The
# bound leaves room for noise and a library twice the size, not for a scan per keystroke.
MAX_RATIO = 400.0
ROUNDS = 40

QUERIES = (
    "cramp", "cramps at night", "charley horse", "charlie horse", "night cramps",
    "claudication", "claud", "pain on walking relieved by rest", "calf swelling",
    "anaemia", "anemia", "hypoglycemia", "hypogly", "ischemia", "oedema",
    "magnesium", "low potassium", "calcium", "thyroid", "dialysis", "cirrhosis",
    "pregnancy", "Symbicort", "indapamide", "omeprazole", "statin dark urine",
    "liquorice", "Gan Cao", "liver governs sinews", "GB34", "stretching", "massage",
    "tonic water quinine", "restless legs", "spinal stenosis", "diab",
)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A records file holding the seeded shipped library."""
    path = tmp_path_factory.mktemp("bench") / "library.db"
    open_sqlite(path)
    try:
        ReferenceService().seed(load_reference())
    finally:
        close_database()
    yield path


@pytest.fixture
def library(records: Path) -> Iterator[ReferenceService]:
    open_sqlite(records)
    yield ReferenceService()
    close_database()


def _timed_ms(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def test_search_p95_is_within_budget(benchmark: BenchmarkFixture,
                                     library: ReferenceService) -> None:
    entries = library.count()
    assert entries >= 30, "the shipped library is smaller than the benchmark claims"
    assert all(library.search(q) for q in QUERIES if q not in ("GB34",)), [
        q for q in QUERIES if not library.search(q)]

    for query in QUERIES:  # warm the page cache and peewee's query paths
        library.search(query)
    cursor = database.connection().cursor()

    def floor_query() -> object:
        return cursor.execute("SELECT slug, title, kind FROM reference_entry WHERE id = ?",
                              (1,)).fetchall()

    search_ms: list[float] = []
    floor_ms: list[float] = []
    for _ in range(ROUNDS):
        for query in QUERIES:
            search_ms.append(_timed_ms(lambda q=query: library.search(q)))  # type: ignore[misc]
            floor_ms.append(_timed_ms(floor_query))

    def every_query() -> None:
        for query in QUERIES:
            library.search(query)

    benchmark.pedantic(every_query, rounds=15, iterations=1, warmup_rounds=2)  # type: ignore[no-untyped-call]

    p50, p95 = _percentile(search_ms, 0.50), _percentile(search_ms, 0.95)
    floor_p50, floor_p95 = _percentile(floor_ms, 0.50), _percentile(floor_ms, 0.95)
    ratio = p95 / floor_p95
    benchmark.extra_info.update(
        entries=entries, queries=len(QUERIES), samples=len(search_ms),
        search_p50_ms=round(p50, 3), search_p95_ms=round(p95, 3),
        search_max_ms=round(max(search_ms), 3),
        search_mean_ms=round(statistics.fmean(search_ms), 3),
        floor_p50_ms=round(floor_p50, 4), floor_p95_ms=round(floor_p95, 4),
        ratio_p95_to_floor=round(ratio, 1), budget_ms=BUDGET_MS,
    )
    print(f"\nreference search over {entries} entries, {len(search_ms)} timed queries: "
          f"p50 {p50:.3f} ms, p95 {p95:.3f} ms, max {max(search_ms):.3f} ms; "
          f"floor p50 {floor_p50:.4f} ms, p95 {floor_p95:.4f} ms; p95 ratio {ratio:.0f}x")

    assert p95 <= BUDGET_MS, (p95, BUDGET_MS)
    assert ratio <= MAX_RATIO, (p95, floor_p95)

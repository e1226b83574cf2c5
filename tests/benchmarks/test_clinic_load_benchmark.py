"""Clinic load test (issue 9): ten simulated workstations (processes) for 60 s on one
PostgreSQL server — searches, record opens and saves on a few hot records, so saves
collide. Not part of the default run (a benchmark); needs a server:

    PRACTITIONER_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python -m pytest tests/benchmarks/test_clinic_load_benchmark.py -p no:randomly \\
        --benchmark-only -s

`python -m practitioner bench --clinic URL` runs the same and prints the table. The run
creates its own uniquely named database and drops it afterwards.
"""

from __future__ import annotations

import os

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from practitioner.bench.clinic_load import SAVE_P95_TARGET_MS, LoadResult, run_clinic_load
from tests.helpers.db_fixtures import NO_SERVER, POSTGRES_URL_ENV

WORKSTATIONS = int(os.environ.get("CRAMP_CLINIC_WORKSTATIONS", "10"))
SECONDS = float(os.environ.get("CRAMP_CLINIC_SECONDS", "60"))


def test_ten_workstations_lose_no_update_and_save_within_target(
    benchmark: BenchmarkFixture,
) -> None:
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        pytest.skip(NO_SERVER)
    result: LoadResult = benchmark.pedantic(
        run_clinic_load, args=(url,), kwargs={"workstations": WORKSTATIONS,
                                              "seconds": SECONDS}, rounds=1, iterations=1)
    print("\n" + result.table())
    benchmark.extra_info.update({
        "saves": result.saves, "conflicts": result.conflicts,
        "lost_updates": result.lost_updates, "errors": result.errors,
        "save_p95_ms": round(result.save_p95_ms, 1),
    })
    assert result.conflicts > 0, "the hot records should make workstations collide"
    assert result.lost_updates == 0
    assert result.chain_breaks == 0
    assert result.deadlocks_unhandled == 0
    assert result.errors == {}
    assert result.overrides_audited == result.overrides_acknowledged
    assert result.save_p95_ms <= SAVE_P95_TARGET_MS

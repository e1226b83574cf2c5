"""`bench --clinic URL`, the clinic load test, from the command line: a short real run on
the test server (when one is configured) finds no lost update or error and leaves no
database behind; an unreachable server is one line on stderr."""

from __future__ import annotations

import json
import os
from pathlib import Path

import psycopg
import pytest

from tests.helpers.cli import assert_one_line_failure, run_cli
from tests.helpers.db_fixtures import NO_SERVER, POSTGRES_URL_ENV

pytestmark = pytest.mark.slow


def _load_databases(url: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        return {str(r[0]) for r in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'clinic_load_%'")}


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "bench", "--clinic", "postgresql://nobody@127.0.0.1:1/x",
                     "--seconds", "1")
    line = assert_one_line_failure(result)
    assert "Cannot create the load test's database" in line


def test_a_short_run_loses_nothing_and_drops_its_database(tmp_path: Path) -> None:
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        pytest.skip(NO_SERVER)
    before = _load_databases(url)

    result = run_cli(tmp_path, "bench", "--clinic", url, "--workstations", "2",
                     "--seconds", "3", "--patients", "30", "--json")

    figures = json.loads(result.stdout)
    assert (figures["lost_updates"], figures["chain_breaks"], figures["errors"],
            figures["deadlocks_unhandled"]) == (0, 0, {}, 0), result.stderr
    assert figures["saves"] > 0 and figures["searches"] > 0 and figures["opens"] > 0
    assert _load_databases(url) <= before

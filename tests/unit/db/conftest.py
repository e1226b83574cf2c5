"""Database-layer tests that use the records (`db_path`) run on SQLite and, when a test
server is configured, on PostgreSQL; those about SQLite files are marked `sqlite_only`."""

from __future__ import annotations

import pytest

from tests.helpers.db_fixtures import parametrize_engines


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_engines(metafunc)

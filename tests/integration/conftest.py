"""Fixtures shared by these tests; defined in tests/helpers/db_fixtures.py."""

from tests.helpers.db_fixtures import (  # noqa: F401
    clock,
    db_path,
    migrated_template,
    patients,
)

"""Run the numbered migrations with peewee's runner, one transaction per step."""

from __future__ import annotations

from pathlib import Path

import peewee
from playhouse.migrations import Migration, Runner

from practitioner.paths import shipped

MIGRATIONS_DIR = shipped("practitioner", "db", "migrations")
HISTORY_TABLE = "schema_migration"


def known_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files this version of the app ships, in order."""
    found: list[Migration] = Migration.load_directory(str(directory))
    return found


def migrate(db: peewee.Database, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every pending migration in order; returns the names applied.

    Each step and its history row commit together (the runner's `migration_context`,
    which also turns SQLite foreign keys off during table rebuilds). On SQLite the file's
    `user_version` is then stamped with the step's number.
    """
    runner = Runner(db, str(directory), table_name=HISTORY_TABLE)
    applied: list[str] = []
    for migration in runner.status():
        if migration.applied or migration.path is None:
            continue
        applied.extend(runner.up(target=migration.name))
        if isinstance(db, peewee.SqliteDatabase):
            db.pragma("user_version", migration.idx)
    return applied

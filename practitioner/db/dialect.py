"""Small differences between the two engines that services' own SQL has to respect."""

from __future__ import annotations

import peewee

from practitioner.db.base import database


def is_postgres() -> bool:
    """Whether the open records are on a PostgreSQL server (clinic mode)."""
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def portable(sql: str) -> str:
    """`sql` written with SQLite's `?` placeholders, made fit for the open database's
    driver (psycopg takes `%s`, and reads a literal `%` as the start of one)."""
    if not is_postgres():
        return sql
    return sql.replace("%", "%%").replace("?", "%s")

"""Running service calls on a worker thread.

peewee gives every thread its own SQLite connection (opened on first use with the same
pragmas), so a worker never shares the GUI thread's connection; it must close its own when
its work is done, or the file stays open from a pool thread after the records are closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from practitioner.db.base import database

T = TypeVar("T")


def on_own_connection(work: Callable[[], T]) -> T:
    """Run `work` (on a worker thread) and close this thread's connection afterwards."""
    try:
        return work()
    finally:
        if not database.is_closed():
            database.close()

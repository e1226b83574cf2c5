"""Real faults on the PostgreSQL records the test has open, switched on and off.

The server refuses writes (`default_transaction_read_only`, as a standby or a server put
into read-only mode does), or another session holds a table lock longer than the app
waits. Stopping the server itself is `tests/helpers/pg_cluster.py`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg

from practitioner.db.base import database
from practitioner.errors import ErrorKind
from tests.helpers.faults import Fault

LOCK_WAIT_MS = 150


@dataclass
class ReadOnlyServer(Fault):
    """Every transaction of the app's session is read-only until `remove`."""

    kind: ErrorKind = ErrorKind.PERMISSION_DENIED
    says: str = "does not allow"

    def apply(self) -> None:
        database.execute_sql("SET default_transaction_read_only = on")

    def remove(self) -> None:
        database.execute_sql("SET default_transaction_read_only = off")


@dataclass
class LockedTable(Fault):
    """Another session holds an exclusive lock on `table` (e.g. a long maintenance job)."""

    url: str = ""
    table: str = "draft"
    kind: ErrorKind = ErrorKind.SERVER_BUSY
    says: str = "Another workstation"
    _holder: psycopg.Connection[tuple[object, ...]] | None = field(default=None, repr=False)

    def apply(self) -> None:
        database.execute_sql(f"SET lock_timeout = {LOCK_WAIT_MS}")
        self._holder = psycopg.connect(self.url)
        self._holder.execute(f'LOCK TABLE "{self.table}" IN ACCESS EXCLUSIVE MODE')

    def remove(self) -> None:
        assert self._holder is not None
        self._holder.rollback()
        self._holder.close()
        database.execute_sql("RESET lock_timeout")

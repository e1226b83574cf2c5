"""peewee without its PostgreSQL driver until a PostgreSQL database is made.

peewee imports psycopg when it is itself imported, and so does playhouse.migrate (through
playhouse.cockroachdb), which costs every start of a solo practice (SQLite only) ~90 ms
and ~20 MiB. `import_peewee` loads both with psycopg and playhouse.cockroachdb held back
(`import` of them fails meanwhile; both are optional there), and makes the first
`peewee.PostgresqlDatabase` (or subclass) load psycopg into peewee, so clinic mode works
without knowing. Where psycopg was loaded already, nothing changes. (CockroachDB, which
the app does not support, then gets the PostgreSQL migrator.)
"""

from __future__ import annotations

import sys
from typing import Any

DRIVER = "psycopg"
HELD_BACK = (DRIVER, "playhouse.cockroachdb")


def import_peewee() -> None:
    """Import peewee and playhouse.migrate, if nobody has, without psycopg; see the
    module's docstring."""
    if "peewee" in sys.modules or DRIVER in sys.modules:
        return
    held = [name for name in HELD_BACK if name not in sys.modules]
    for name in held:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` fails
    try:
        import peewee
        import playhouse.migrate  # noqa: F401
    finally:
        for name in held:
            del sys.modules[name]
    if getattr(peewee, "psycopg", None) is None:
        original = peewee.PostgresqlDatabase.init

        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            load_driver()
            original(self, *args, **kwargs)

        setattr(peewee.PostgresqlDatabase, "init", init)  # noqa: B010


def load_driver() -> None:
    """Give peewee psycopg (3) as its own import would have; a no-op when it has it, or
    when psycopg is not installed (peewee then says so when connecting)."""
    import peewee

    if getattr(peewee, "psycopg", None) is not None:
        return
    try:
        import psycopg
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb
    except ImportError:
        return
    for name, value in (("psycopg", psycopg), ("TransactionStatus", TransactionStatus),
                        ("Json_pg3", Json), ("Jsonb_pg3", Jsonb)):
        setattr(peewee, name, value)
    adapter: Any = peewee.Psycopg3Adapter
    adapter.txn_idle = TransactionStatus.IDLE
    adapter.txn_inerror = TransactionStatus.INERROR
    adapter.txn_unknown = TransactionStatus.UNKNOWN

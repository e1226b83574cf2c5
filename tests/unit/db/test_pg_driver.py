"""peewee loads without the PostgreSQL driver, and a PostgreSQL database still works."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
import practitioner.db.connection
held_back = "psycopg" not in sys.modules
import peewee
from playhouse.postgres_ext import PostgresqlExtDatabase
db = peewee.PostgresqlDatabase("test", host="127.0.0.1", user="postgres")
ext = PostgresqlExtDatabase("test", host="127.0.0.1", user="postgres")
from psycopg.pq import TransactionStatus
ok = type(db._adapter).__name__ == "Psycopg3Adapter"
ok = ok and peewee.Psycopg3Adapter.txn_idle is TransactionStatus.IDLE
try:
    with db.atomic():
        value = db.execute_sql("SELECT %s::jsonb", (peewee.Json_pg3({"a": 1}),)).fetchone()[0]
        ok = ok and value == {"a": 1} and db._adapter.txn_status(db.connection()) \\
            == TransactionStatus.INTRANS
    ok = ok and ext.execute_sql("SELECT 3").fetchone()[0] == 3
    served = True
except peewee.OperationalError:
    served = False  # no server here: the driver was still loaded and chosen
print(held_back, ok, served)
"""


@pytest.mark.slow
def test_peewee_loads_without_psycopg_and_postgresql_still_works() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    held_back, ok, _served = done.stdout.split()
    assert held_back == "True"
    assert ok == "True"

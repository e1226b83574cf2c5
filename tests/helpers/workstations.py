"""Another workstation, for tests: services on a connection of their own.

peewee keeps one connection per thread, so work run on another thread goes through a
second connection to the same records, as another workstation's would; it writes through
its own services (its own audit service), so the window under test sees its changes as
made elsewhere.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from practitioner.db.base import database

T = TypeVar("T")


def at_another_workstation(work: Callable[[], T]) -> T:
    """Run `work` on its own connection (another thread) and return what it returned."""
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # handed back to the test's thread
            failure.append(exc)
        finally:
            if not database.is_closed():
                database.close()

    thread = threading.Thread(target=run, name="other-workstation")
    thread.start()
    thread.join(timeout=60)
    if failure:
        raise failure[0]
    assert result, "the other workstation did not finish"
    return result[0]

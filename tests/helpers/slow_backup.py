"""A backup that waits for the test between pages, so it can be killed mid-copy.

Run as `python -m tests.helpers.slow_backup RECORDS TARGET`: after each page copied it
prints `page <remaining> <total>` and waits for a line on stdin before going on.
"""

from __future__ import annotations

import sys
from pathlib import Path

from practitioner.db.backup import backup_sqlite, opened_file


def _progress(status: int, remaining: int, total: int) -> None:
    print(f"page {remaining} {total}", flush=True)
    sys.stdin.readline()


def main(records: str, target: str) -> None:
    with opened_file(Path(records), read_only=True) as source:
        backup_sqlite(source, Path(target), pages=1, progress=_progress)
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

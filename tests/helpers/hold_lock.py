"""Hold the one-instance lock on a records file until killed.

Run as `python -m tests.helpers.hold_lock RECORDS`: prints `locked` once it holds the lock,
then waits for stdin to close.
"""

from __future__ import annotations

import sys
from pathlib import Path

from practitioner.instance_lock import acquire

if __name__ == "__main__":
    lock = acquire(Path(sys.argv[1]))
    print("locked", flush=True)
    sys.stdin.read()
    lock.release()

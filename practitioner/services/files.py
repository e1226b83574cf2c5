"""Write export files so that a failure never leaves half a file under a final name."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path


def write_files_atomically(files: Sequence[tuple[Path, str]],
                           before_replace: Callable[[], None] = lambda: None) -> None:
    """Write every (path, text) as UTF-8: all temporary files first, then each moved into
    place with os.replace. The folders must exist. On failure (disk full, unwritable or
    missing folder) no temporary file is left and no final name holds a partial file;
    OSError says why. `before_replace` runs once every temporary file is written (an
    export's audit entry): when it raises, no final name is touched either."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, text in files:
            if not path.parent.is_dir():
                raise FileNotFoundError(errno.ENOENT, "there is no such folder",
                                        str(path.parent))
            if path.is_dir():
                raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
            if path.exists() and not path.is_file():  # a device or pipe: never replace it
                raise OSError(errno.EINVAL, "it is a device or pipe, not a file", str(path))
            fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                        dir=path.parent)
            temps.append((temp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        before_replace()
        for temp, path in temps:
            os.replace(temp, path)
    finally:
        for temp, _ in temps:
            Path(temp).unlink(missing_ok=True)

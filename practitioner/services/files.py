"""Write export files so that a failure never leaves half a file under a final name, and
overwrite files that held plain text before they are deleted."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO


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


def _zero_fill(handle: BinaryIO) -> None:
    """Overwrite the whole open file with zeros and flush them to the disk."""
    size = handle.seek(0, os.SEEK_END)
    handle.seek(0)
    block = bytes(min(size, 1 << 20))
    while size > 0:
        size -= handle.write(block[:size])
    handle.flush()
    os.fsync(handle.fileno())


def overwrite_and_delete(path: Path) -> None:
    """Overwrite `path` with zeros, then delete it, so its text does not linger in the
    blocks it freed (on file systems that write in place). Raises OSError."""
    with path.open("r+b") as handle:
        _zero_fill(handle)
    path.unlink()


def replace_overwriting(new: Path, old: Path) -> None:
    """Move `new` into `old`'s place (atomically), then overwrite the replaced file's
    bytes with zeros through a handle opened before the move. Raises OSError."""
    with old.open("r+b") as handle:
        os.replace(new, old)
        _zero_fill(handle)

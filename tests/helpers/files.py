"""Helpers that look at or damage files on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path

PAGE_SIZE = 4096


def sha256(path: Path) -> str:
    """The hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def overwrite_pages(path: Path, pages: list[int], count: int = 200) -> None:
    """Overwrite the first `count` bytes of each 1-based page in `pages` with 0xFF."""
    with path.open("r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * PAGE_SIZE)
            handle.write(b"\xff" * count)


def page_count(path: Path) -> int:
    """How many pages a (checkpointed) SQLite file has, from its size."""
    return path.stat().st_size // PAGE_SIZE

"""The small reference library the tests use (tests/data/reference/), and ways to get it."""

from __future__ import annotations

import functools
from pathlib import Path

from practitioner.content.reference import Entry, load_reference

FIXTURE_LIBRARY = Path(__file__).resolve().parent.parent / "data" / "reference"


@functools.cache
def fixture_entries() -> tuple[Entry, ...]:
    """Every entry of the fixture library, loaded and checked like the shipped one."""
    return load_reference(FIXTURE_LIBRARY)


def fixture_entry(slug: str) -> Entry:
    """One entry of the fixture library."""
    return next(e for e in fixture_entries() if e.slug == slug)

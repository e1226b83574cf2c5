"""Real records files for the backup and integrity tests: demo data, and damaged copies."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from practitioner.db.connection import close_database, open_sqlite
from practitioner.services.demo import fill_demo
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.files import overwrite_pages, page_count


def demo_records(template: Path, path: Path, patients: int = 12, seed: int = 3) -> Path:
    """A closed, checkpointed records file at `path` filled with demo patients."""
    shutil.copyfile(template, path)
    open_sqlite(path)
    try:
        fill_demo(PatientService(), patients, seed, sessions=SessionService())
    finally:
        close_database()
    return path


def flip_page(path: Path) -> None:
    """Damage one page in the middle of the file (its header), leaving page 1 whole."""
    overwrite_pages(path, [max(2, page_count(path) // 2)])


def _last_schema_page(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute(
            "SELECT max(pageno) FROM dbstat WHERE name = 'sqlite_schema'").fetchone()[0])
    except sqlite3.OperationalError:  # An SQLite built without dbstat.
        return 0
    finally:
        conn.close()


def truncate(path: Path) -> None:
    """Cut the last quarter of the file's pages, as a full disk or a bad copy would; the
    list of tables survives (without it nothing at all could be read)."""
    total = page_count(path)
    keep = max(_last_schema_page(path), total * 3 // 4)
    assert keep < total, f"too small a file to truncate below its schema ({keep}/{total})"
    with path.open("r+b") as handle:
        handle.truncate(keep * 4096)


DAMAGE = {"byte-flipped": flip_page, "truncated": truncate}

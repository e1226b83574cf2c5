"""Synthetic datasets of a named size (S, M, L) for measuring performance.

Building 100,000 patients and a million visits one service call at a time would take
hours, so a dataset is grown from a small pool: `template_patients` demo patients are made
through the real services (validated, with visits, measures and PSFS ratings), then cloned
block by block with INSERT … SELECT, each clone getting a name and birth date of its own.
Long diaries are drawn once and shared; one "heavy" patient (150 visits, three years of
diary) is added last, through the services, for the "open a big record" figure.

Generation writes only into a new file, with `synchronous=OFF` while it runs (a crash
leaves a half-built file, which is never renamed into place), and restores the normal
pragmas before closing. The same size, seed and day always give the same records (the
signing times aside).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from practitioner.db.base import database
from practitioner.db.connection import close_database, open_sqlite
from practitioner.db.errors import translated_errors
from practitioner.db.transactions import write_transaction
from practitioner.domain.demo import demo_patient
from practitioner.domain.demo_scale import (
    HEAVY_DIARY_DAYS,
    HEAVY_SESSIONS,
    DatasetSize,
    long_diary,
    scaled_name,
)
from practitioner.domain.demo_sessions import DEMO_PRACTITIONER
from practitioner.domain.search import family_key, name_key
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.demo import add_demo_course, fill_demo
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService, name_words
from practitioner.services.sessions import SessionService

Progress = Callable[[str], None]

#: Bumped whenever the generator would make different records: cached datasets are
#: named with it, so a stale cache is never measured.
GENERATOR_VERSION = 2

# How many distinct long diaries are drawn; patients with a diary share them round-robin.
_DIARY_SERIES = 8


@dataclass(frozen=True)
class Dataset:
    """What a generated dataset holds."""

    path: Path
    size: str
    seed: int
    patients: int
    sessions: int
    diary_days: int
    heavy_patient_id: int


def generate_dataset(
    path: Path,
    size: DatasetSize,
    seed: int,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Dataset:
    """Build the dataset `size` into the new file `path`. Raises KnownError(CANNOT_OPEN)
    when `path` exists already (generation never touches someone's records)."""
    day = today or dt.date.today()
    say = progress or (lambda _text: None)
    if path.exists():
        raise KnownError(ErrorKind.CANNOT_OPEN,
                         f"{path} exists already; datasets are generated into a new file.")
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    open_sqlite(partial)
    try:
        # A new, not yet usable file: no journal, no fsync and, while clones are copied
        # from rows that satisfy them, no foreign-key lookups. All restored below.
        database.pragma("journal_mode", "OFF")
        database.pragma("synchronous", "OFF")
        database.pragma("cache_size", -256 * 1024)  # KiB: 256 MiB while generating
        say(f"building {size.template_patients} template patients")
        _template(size, seed, day)
        say("cloning")
        database.pragma("foreign_keys", 0)
        _clone(size, seed)
        database.pragma("foreign_keys", 1)
        say("diaries")
        _diaries(size, seed, day)
        say("heavy patient")
        heavy = _heavy_patient(seed, day)
        database.execute_sql("ANALYZE")
        counts = {
            table: int(database.execute_sql(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("patient", "treatment_session", "diary_entry")
        }
        database.pragma("journal_mode", "WAL")
        database.pragma("synchronous", "FULL")
    finally:
        close_database()
    os.replace(partial, path)
    return Dataset(path, size.code, seed, counts["patient"], counts["treatment_session"],
                   counts["diary_entry"], heavy)


def _template(size: DatasetSize, seed: int, day: dt.date) -> None:
    """The pool: demo patients through the services, visits around the size's mean."""
    mean = size.sessions_per_patient
    low, high = max(1, round(mean * 0.5)), max(2, round(mean * 1.5))
    fill_demo(
        PatientService(today=lambda: day), size.template_patients, seed, today=day,
        sessions=SessionService(user=lambda: DEMO_PRACTITIONER),
        sessions_per_patient=(low, high), outcomes=OutcomeService(today=lambda: day),
    )
    # Diaries come from `_diaries`, so that exactly `diary_share` of patients have one.
    database.execute_sql("DELETE FROM diary_entry")


def _columns(table: str) -> list[str]:
    return [str(row[1]) for row in database.execute_sql(f"PRAGMA table_info({table})")]


def _children(parent: str) -> list[str]:
    """Tables with rows that point at `parent` (by foreign key)."""
    tables = [str(r[0]) for r in database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    found = []
    for table in tables:
        targets = {str(r[2]) for r in database.execute_sql(f"PRAGMA foreign_key_list({table})")}
        if parent in targets and database.execute_sql(
                f"SELECT 1 FROM {table} LIMIT 1").fetchone():
            found.append(table)
    return found


def _clone(size: DatasetSize, seed: int) -> None:
    """Clone the template patients, with everything they own, up to `size.patients - 1`
    patients (the heavy patient comes last)."""
    patients = int(database.execute_sql("SELECT count(*) FROM patient").fetchone()[0])
    sessions = int(database.execute_sql("SELECT max(id) FROM treatment_session").fetchone()[0])
    activities = int(database.execute_sql(
        "SELECT coalesce(max(id), 0) FROM psfs_activity").fetchone()[0])
    wanted = size.patients - 1
    blocks = math.ceil(wanted / patients)
    if blocks <= 1:
        return
    conn = database.connection()
    with translated_errors(), write_transaction():
        _clone_patients(conn, patients, wanted, seed)
        database.execute_sql("CREATE TEMP TABLE clone_block (k INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO temp.clone_block VALUES (?)",
                         [(k,) for k in range(1, blocks)])
        shift = {
            "patient_id": f"t.patient_id + b.k * {patients}",
            "session_id": f"t.session_id + b.k * {sessions}",
            "activity_id": f"t.activity_id + b.k * {activities}",
        }
        owned_by_patient = [t for t in _children("patient") if t != "patient_name_word"]
        own_ids = {"psfs_activity": activities, "treatment_session": sessions}
        for table in sorted(owned_by_patient, key=lambda t: t not in own_ids):
            _insert_clones(table, shift, own_ids.get(table), "t.patient_id", patients, wanted)
        for table in _children("treatment_session"):
            if table not in owned_by_patient:
                _insert_clones(table, shift, None, "(SELECT s.patient_id FROM "
                               "treatment_session AS s WHERE s.id = t.session_id)",
                               patients, wanted)
        database.execute_sql("DROP TABLE temp.clone_block")


def _insert_clones(table: str, shift: dict[str, str], own_id: int | None, owner: str,
                   patients: int, wanted: int) -> None:
    """Copy the template rows of `table` once per clone block. The template rows are
    snapshotted first: reading a table while inserting into it makes SQLite buffer the
    whole result."""
    columns = [c for c in _columns(table) if c != "id" or own_id is not None]
    values = [
        f"t.id + b.k * {own_id}" if c == "id" else shift.get(c, f"t.{c}") for c in columns
    ]
    names = ", ".join(f'"{c}"' for c in columns)
    indexes = [str(r[0]) for r in database.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL", (table,))]
    triggers = [str(r[0]) for r in database.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,))]
    # Both are put back after the insert: an index rebuilt in one sort is cheaper than
    # kept up row by row, and the copies are of rows that already passed the triggers.
    for kind in ("index", "trigger"):
        for (name,) in database.execute_sql(
                "SELECT name FROM sqlite_master WHERE type = ? AND tbl_name = ? "
                "AND sql IS NOT NULL", (kind, table)).fetchall():
            database.execute_sql(f'DROP {kind.upper()} "{name}"')
    database.execute_sql(
        f"CREATE TEMP TABLE template_rows AS SELECT t.*, {owner} AS owner_id FROM {table} AS t"
    )
    database.execute_sql(
        f"INSERT INTO main.{table} ({names}) SELECT {', '.join(values)} "
        "FROM temp.clone_block AS b CROSS JOIN temp.template_rows AS t "
        f"WHERE t.owner_id + b.k * {patients} <= {wanted}"
    )
    database.execute_sql("DROP TABLE temp.template_rows")
    for statement in indexes + triggers:
        database.execute_sql(statement)


def _clone_patients(conn: sqlite3.Connection, template: int, wanted: int, seed: int) -> None:
    """Patient rows for ids template+1 … wanted, each a template patient's record under
    a name, birth date and contact details of its own."""
    columns = _columns("patient")
    rows = {int(r[0]): list(r) for r in conn.execute(
        f"SELECT {', '.join(columns)} FROM patient ORDER BY id")}
    at = {c: i for i, c in enumerate(columns)}
    rng = random.Random(f"dataset-names:{seed}")
    clones = []
    words = []
    for new_id in range(template + 1, wanted + 1):
        row = list(rows[(new_id - 1) % template + 1])
        name = scaled_name(rng)
        key = name_key(name)
        row[at["id"]] = new_id
        row[at["name"]] = name
        row[at["name_key"]] = key
        row[at["family_key"]] = family_key(name)
        born = row[at["date_of_birth"]]
        if born:  # earlier only: visits and onset stay after the birth date
            shifted = dt.date.fromisoformat(str(born)) - dt.timedelta(days=rng.randint(0, 400))
            row[at["date_of_birth"]] = shifted.isoformat()
        row[at["phone"]] = f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
        if row[at["email"]]:
            row[at["email"]] = f"{key.replace(' ', '.')}{new_id}@example.org"
        clones.append(row)
        words += [(new_id, word) for word in name_words(key)]
    marks = ", ".join("?" for _ in columns)
    conn.executemany(f"INSERT INTO patient ({', '.join(columns)}) VALUES ({marks})", clones)
    conn.executemany("INSERT INTO patient_name_word (patient_id, word) VALUES (?, ?)", words)


def _diaries(size: DatasetSize, seed: int, day: dt.date) -> None:
    """Daily diaries of `size.diary_days` for every (1/diary_share)-th patient."""
    rng = random.Random(f"dataset-diaries:{seed}")
    yesterday = day - dt.timedelta(days=1)
    series = [
        [(e.day.isoformat(), e.cramps, e.worst_severity, e.total_minutes,
          int(e.sleep_disturbed), e.notes) for e in long_diary(rng, yesterday, size.diary_days)]
        for _ in range(_DIARY_SERIES)
    ]
    every = max(1, round(1 / size.diary_share))
    ids = [int(r[0]) for r in database.execute_sql(
        "SELECT id FROM patient WHERE id % ? = 0 ORDER BY id", (every,))]
    conn = database.connection()
    with translated_errors(), write_transaction():
        for n, patient_id in enumerate(ids):
            conn.executemany(
                "INSERT INTO diary_entry (patient_id, day, cramps, worst_severity, "
                "total_minutes, sleep_disturbed, notes) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(patient_id, *entry) for entry in series[n % _DIARY_SERIES]],
            )


def _heavy_patient(seed: int, day: dt.date) -> int:
    """A patient six years into their cramps with 150 visits and three years of diary,
    made through the services. Returns their id."""
    rng = random.Random(f"dataset-heavy:{seed}")
    data = demo_patient(rng, day)
    born = day.replace(year=day.year - 58)
    data = replace(data, name=scaled_name(rng), date_of_birth=born,
                   profile=replace(data.profile, onset_date=day.replace(year=day.year - 6)))
    outcomes = OutcomeService(today=lambda: day)
    patient = PatientService(today=lambda: day).create(data)
    with translated_errors(), write_transaction():
        add_demo_course(patient.id, data, HEAVY_SESSIONS, day, rng, random.Random(seed),
                        SessionService(user=lambda: DEMO_PRACTITIONER),
                        outcomes)
        outcomes.import_diary(patient.id, long_diary(rng, day - dt.timedelta(days=1),
                                                     HEAVY_DIARY_DAYS),
                              replace_existing=True)
    return patient.id

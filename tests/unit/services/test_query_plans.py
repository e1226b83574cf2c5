"""Every query the patient list, patient search, session timeline and reference search run
uses an index (EXPLAIN QUERY PLAN shows no full scan of a big table), and the number of
queries does not grow with the number of rows shown (no N+1).

Runs on the S dataset (300 patients, one with 150 visits), generated once per module.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playhouse.test_utils import count_queries

from practitioner.content.reference import load_reference
from practitioner.db.base import database
from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.demo_scale import Size
from practitioner.services.datasets import Dataset, generate_dataset
from practitioner.services.patients import BROAD_SEARCH, PatientService
from practitioner.services.reference import ReferenceService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import TODAY

BIG_TABLES = {
    "patient", "patient_name_word", "cramp_site", "patient_code", "medication",
    "treatment_session", "session_code", "session_point", "session_measure", "session_psfs",
    "psfs_activity", "diary_entry", "reference_entry",
}
SEARCHES = ("", "m", "mar", "okafor", "chen w", "1975", "1975-03", "zz", "o'b")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    path = tmp_path_factory.mktemp("plans") / "s.db"
    made = generate_dataset(path, Size.S.value, seed=3, today=TODAY)
    open_sqlite(path)
    try:
        ReferenceService().seed(load_reference())
    finally:
        close_database()
    return made


@pytest.fixture
def records(dataset: Dataset) -> Iterator[Dataset]:
    open_sqlite(dataset.path)
    yield dataset
    close_database()


def statements(action: Callable[[], object]) -> list[str]:
    """The SELECT statements `action` runs, with their values filled in."""
    seen: list[str] = []
    conn = database.connection()
    conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def full_scans(sql: str) -> list[str]:
    """Plan lines that read a whole big table. Walking an index in order is allowed
    only under a LIMIT (one page of the list, then the walk stops)."""
    conn: sqlite3.Connection = database.connection()
    bad = []
    for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"):
        line = str(row[3])
        match = re.match(r"SCAN (\w+)", line)
        if not match or match.group(1) not in BIG_TABLES or "VIRTUAL TABLE" in line:
            continue
        if "USING" in line and " LIMIT " in sql.upper():
            continue
        bad.append(line)
    return bad


@pytest.mark.parametrize("text", SEARCHES)
@pytest.mark.parametrize("archived", [False, True])
def test_patient_list_and_search_never_scan(records: Dataset, text: str,
                                            archived: bool) -> None:
    patients = PatientService()

    def run() -> None:
        first = patients.page(text, include_archived=archived, limit=20)
        patients.count_matching(text, include_archived=archived, at_most=1000)
        if first:
            patients.page(text, include_archived=archived, after=first[-1], limit=20)

    queries = statements(run)
    assert queries
    for sql in queries:
        assert not full_scans(sql), sql


@pytest.mark.parametrize("text", ["m", "1975", "chen w"])
def test_a_broad_search_walks_the_name_index_one_page_only(records: Dataset,
                                                            text: str) -> None:
    patients = PatientService()
    # At S nothing is broad; claim it is, to check the plan a big practice would get.
    queries = statements(lambda: patients.page(text, matches=BROAD_SEARCH, limit=20))
    assert queries and all("INDEXED BY patient_name_key" in q for q in queries)
    for sql in queries:
        assert not full_scans(sql), sql
    assert patients.page(text, matches=BROAD_SEARCH) == patients.page(text, matches=0)


def test_the_scan_check_catches_the_old_like_search(records: Dataset) -> None:
    old = "SELECT id FROM patient WHERE name_key LIKE 'mar%' OR name_key LIKE '% mar%'"
    assert full_scans(old)


def test_session_timeline_never_scans(records: Dataset) -> None:
    sessions = SessionService()
    for sql in statements(lambda: sessions.timeline(records.heavy_patient_id)):
        assert not full_scans(sql), sql


@pytest.mark.parametrize("query", ["cramp", "night cramps", "magnes", "GB34", "statin urine"])
def test_reference_search_never_scans(records: Dataset, query: str) -> None:
    reference = ReferenceService()
    for sql in statements(lambda: reference.search(query)):
        assert not full_scans(sql), sql


def _queries(action: Callable[[], object]) -> int:
    with count_queries() as counter:
        action()
    return int(counter.count)


def test_patient_pages_take_the_same_queries_however_long(records: Dataset) -> None:
    patients = PatientService()
    short = _queries(lambda: patients.page("", limit=5))
    long = _queries(lambda: patients.page("", limit=250))
    assert len(patients.page("", limit=250)) == 250
    assert short == long <= 2


def test_session_timeline_takes_the_same_queries_for_150_visits(records: Dataset) -> None:
    sessions = SessionService()
    few_id = database.execute_sql(
        "SELECT patient_id FROM treatment_session GROUP BY patient_id "
        "HAVING count(*) BETWEEN 2 AND 5 LIMIT 1").fetchone()[0]
    assert len(sessions.timeline(records.heavy_patient_id)) == 150
    assert _queries(lambda: sessions.timeline(few_id)) == _queries(
        lambda: sessions.timeline(records.heavy_patient_id))


def test_reference_search_takes_the_same_queries_for_more_hits(records: Dataset) -> None:
    reference = ReferenceService()
    assert len(reference.search("cramp", limit=20)) > 3
    assert _queries(lambda: reference.search("cramp", limit=1)) == _queries(
        lambda: reference.search("cramp", limit=20))


def test_the_dataset_is_whole_and_consistent(records: Dataset) -> None:
    assert records.patients == Size.S.value.patients
    conn = database.connection()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    words = conn.execute("SELECT count(DISTINCT patient_id) FROM patient_name_word")
    assert words.fetchone()[0] == records.patients
    heavy_diary = conn.execute("SELECT count(*) FROM diary_entry WHERE patient_id = ?",
                               (records.heavy_patient_id,)).fetchone()[0]
    assert heavy_diary > 900


def test_the_dataset_keeps_every_trigger_and_index_of_the_schema(
    records: Dataset, migrated_template: Path
) -> None:
    """Cloning drops a table's indexes and triggers for speed: all must be back, alike."""
    sql = ("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') "
           "AND sql IS NOT NULL ORDER BY type, name")
    fresh = sqlite3.connect(migrated_template)
    try:
        expected = fresh.execute(sql).fetchall()
    finally:
        fresh.close()
    assert database.connection().execute(sql).fetchall() == expected


def test_the_same_seed_gives_the_same_records(dataset: Dataset, tmp_path: Path) -> None:
    again = generate_dataset(tmp_path / "again.db", Size.S.value, seed=3, today=TODAY)
    sql = "SELECT name, date_of_birth FROM patient ORDER BY id"
    first, second = sqlite3.connect(dataset.path), sqlite3.connect(again.path)
    try:
        assert first.execute(sql).fetchall() == second.execute(sql).fetchall()
        assert (again.sessions, again.diary_days) == (dataset.sessions, dataset.diary_days)
    finally:
        first.close()
        second.close()

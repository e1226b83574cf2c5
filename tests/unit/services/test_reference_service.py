"""ReferenceService against a real, migrated SQLite file: seeding, notes, flags for a
stored patient, red-flag reviews, and what went into session notes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from practitioner.content.reference import Entry
from practitioner.db.base import database
from practitioner.db.dialect import is_postgres, portable
from practitioner.db.models import ReferenceEntryRow, ReferenceNoteRow, SessionRow
from practitioner.domain.conflicts import EditConflictError
from practitioner.domain.patient import Condition, Medication
from practitioner.domain.screen import RedFlagScreen
from practitioner.domain.validation import ValidationError
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.export import export_json
from practitioner.services.patients import PatientService
from practitioner.services.reference import ReferenceService, citation_of
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import NOW, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.reference_library import fixture_entries, fixture_entry
from tests.helpers.session_inputs import full_session

UTC_NOW = NOW.replace(tzinfo=dt.UTC)


@pytest.fixture
def library(patients: PatientService, clock: FakeClock) -> ReferenceService:
    """A ReferenceService on the test's records file, seeded with the fixture library."""
    service = ReferenceService(clock=clock, user=lambda: "Dr Lee", patients=patients)
    service.seed(fixture_entries())
    return service


def _dump(path: Path) -> list[tuple[object, ...]]:
    """Every row of the reference tables and the index, straight from the file (or, on
    PostgreSQL, as committed: the connection is outside any transaction)."""
    if is_postgres():
        return [(table, *row) for table in ("reference_entry", "reference_note", "reference_fts")
                for row in database.execute_sql(f"SELECT * FROM {table} ORDER BY 1")]
    conn = sqlite3.connect(path)
    try:
        rows: list[tuple[object, ...]] = []
        for table in ("reference_entry", "reference_note", "reference_fts"):
            query = f"SELECT rowid, * FROM {table} ORDER BY rowid"
            rows += [(table, *row) for row in conn.execute(query)]
        return rows
    finally:
        conn.close()


def _index_count() -> int:
    count: int = database.execute_sql("SELECT count(*) FROM reference_fts").fetchone()[0]
    return count


def _changed(entry: Entry, **changes: object) -> Entry:
    return dataclasses.replace(entry, **changes)  # type: ignore[arg-type]


# --- seeding -----------------------------------------------------------------------------


def test_the_first_seed_adds_every_entry_and_indexes_it(db_path: Path, clock: FakeClock) -> None:
    service = ReferenceService(clock=clock)
    result = service.seed(fixture_entries())
    assert sorted(result.added) == sorted(e.slug for e in fixture_entries())
    assert (result.updated, result.removed, result.unchanged) == ((), (), 0)
    assert service.count() == _index_count() == len(fixture_entries())
    row = ReferenceEntryRow.get(ReferenceEntryRow.slug == "statins")
    assert (row.kind, row.version, row.seeded_at) == ("medication", 1, NOW)


def test_seeding_twice_changes_nothing(
    library: ReferenceService, db_path: Path, clock: FakeClock
) -> None:
    before = _dump(db_path)
    clock.advance(days=1)
    result = library.seed(fixture_entries())
    assert not result.changed
    assert result.unchanged == len(fixture_entries())
    assert _dump(db_path) == before


def test_a_new_version_updates_the_entry_and_its_index_keeping_notes(
    library: ReferenceService, clock: FakeClock
) -> None:
    library.save_note("statins", "Ask about brand switches.")
    later = clock.advance(days=30)
    entries = [
        _changed(e, version=2, title="Statins (HMG-CoA reductase inhibitors)",
                 body=e.body + "\n\nA new paragraph about zebrafish.")
        if e.slug == "statins" else e
        for e in fixture_entries()
    ]

    result = library.seed(entries)

    assert (result.added, result.updated, result.removed) == ((), ("statins",), ())
    stored = library.get("statins")
    assert stored.version == 2 and stored.title.startswith("Statins (HMG")
    assert ReferenceEntryRow.get(ReferenceEntryRow.slug == "statins").seeded_at == later
    assert [h.slug for h in library.search("zebrafish")] == ["statins"]
    assert library.note("statins") == "Ask about brand switches."
    assert _index_count() == len(entries)


def test_changed_text_without_a_new_version_is_still_updated(library: ReferenceService) -> None:
    entries = [_changed(e, summary="Quokkas and cramps.") if e.slug == "diabetes" else e
               for e in fixture_entries()]
    assert library.seed(entries).updated == ("diabetes",)
    assert [h.slug for h in library.search("quokkas")] == ["diabetes"]


def test_an_entry_no_longer_shipped_is_removed_but_its_note_is_kept(
    library: ReferenceService,
) -> None:
    library.save_note("tcm-points", "My own point notes.")
    kept = [e for e in fixture_entries() if e.slug != "tcm-points"]

    result = library.seed(kept)

    assert result.removed == ("tcm-points",)
    assert library.search("GB34") == []
    assert _index_count() == len(kept)
    with pytest.raises(KnownError) as caught:
        library.get("tcm-points")
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert ReferenceNoteRow.select().where(ReferenceNoteRow.slug == "tcm-points").exists()
    # Shipped again later, the entry finds its note.
    library.seed(fixture_entries())
    assert library.note("tcm-points") == "My own point notes."
    assert [h.slug for h in library.search("GB34")] == ["tcm-points"]


def test_a_damaged_index_is_rebuilt_by_seeding(library: ReferenceService) -> None:
    database.execute_sql(
        "DELETE FROM reference_fts WHERE rowid = "
        "(SELECT id FROM reference_entry WHERE slug = 'idiopathic-nocturnal-leg-cramps')"
    )
    assert library.search("charley horse") == []

    result = library.seed(fixture_entries())

    assert result.reindexed and result.changed
    assert _index_count() == len(fixture_entries())
    assert library.search("charley horse")[0].slug == "idiopathic-nocturnal-leg-cramps"
    assert not library.seed(fixture_entries()).changed


def test_an_index_built_differently_is_rebuilt_by_seeding(library: ReferenceService) -> None:
    # As left by an app that indexed other text (here: without the synonyms).
    database.execute_sql("UPDATE reference_fts SET synonyms = ''" + (
        ", document = to_tsvector('simple', title)" if is_postgres() else ""))
    assert library.search("charley horse") == []

    assert library.seed(fixture_entries()).reindexed

    assert library.search("charley horse")[0].slug == "idiopathic-nocturnal-leg-cramps"


def test_the_same_slug_twice_is_refused_and_nothing_is_seeded(db_path: Path) -> None:
    service = ReferenceService()
    entry = fixture_entry("statins")
    with pytest.raises(KnownError, match="given twice"):
        service.seed([entry, entry])
    assert service.count() == 0


# --- reading and notes ---------------------------------------------------------------------


def test_get_returns_the_entry_as_shipped(library: ReferenceService) -> None:
    assert library.get("diuretics-thiazide") == fixture_entry("diuretics-thiazide")


def test_entries_are_listed_by_kind_then_title(library: ReferenceService) -> None:
    entries = library.entries()
    assert len(entries) == len(fixture_entries())
    assert entries[0].kind == "cause"
    assert [e.slug for e in library.entries_for_kind("self-care")] == ["stretching"]
    titles = [e.title for e in library.entries_for_kind("red-flag")]
    assert titles == sorted(titles, key=str.casefold)


def test_notes_are_saved_replaced_and_removed(library: ReferenceService) -> None:
    assert library.note("diabetes") == ""
    library.save_note("diabetes", "Check HbA1c letter.")
    library.save_note("diabetes", "Check HbA1c letter.\nSecond line.")
    assert library.note("diabetes") == "Check HbA1c letter.\nSecond line."
    assert library.noted_slugs() == {"diabetes"}
    library.save_note("diabetes", "   ")
    assert library.note("diabetes") == ""
    assert library.noted_slugs() == set()


def test_a_note_on_an_unknown_entry_is_refused(library: ReferenceService) -> None:
    with pytest.raises(KnownError) as caught:
        library.save_note("no-such-entry", "text")
    assert caught.value.kind is ErrorKind.NOT_FOUND


# --- flags for stored patients and red-flag reviews -----------------------------------------


def test_flags_for_a_stored_patient_use_their_medications_and_screen(
    library: ReferenceService, patients: PatientService
) -> None:
    patient = patients.create(ann(
        medications=(Medication("Bendroflumethiazide", "2.5 mg"),),
        screen=RedFlagScreen(pain_on_walking_relieved_by_rest=True),
    ))
    assert patients.get(patient.id).data.screen.pain_on_walking_relieved_by_rest

    flags = library.flags_for_patient(patient.id)

    assert [(f.entry, f.level) for f in flags] == [
        ("red-flag-claudication", "refer"), ("diuretics-thiazide", "caution")]
    assert flags[0].title == "Claudication"


def test_flags_for_names_and_conditions(library: ReferenceService) -> None:
    flags = library.flags_for(["Indapamide 2.5mg", "Symbicort", "omeprazole", " "],
                              [Condition.DIABETES])
    assert [f.entry for f in flags] == [
        "diuretics-thiazide", "long-acting-beta-agonists", "proton-pump-inhibitors", "diabetes"]


def test_flags_for_an_unknown_patient_is_not_found(library: ReferenceService) -> None:
    with pytest.raises(KnownError) as caught:
        library.flags_for_patient(404)
    assert caught.value.kind is ErrorKind.NOT_FOUND


def test_a_review_closes_its_red_flag_only(
    library: ReferenceService, patients: PatientService
) -> None:
    patient = patients.create(ann(screen=RedFlagScreen(calf_swelling_warmth=True,
                                                       dark_urine=True)))
    assert [f.key for f in library.open_red_flags(patient.id)] == [
        "red-flag-dvt", "red-flag-dark-urine"]

    review = library.record_review(patient.id, "red-flag-dvt", "referred",
                                   " Sent to the GP today. ")

    assert review.recorded_at == UTC_NOW and review.recorded_by == "Dr Lee"
    assert review.note == "Sent to the GP today."
    assert [f.key for f in library.open_red_flags(patient.id)] == ["red-flag-dark-urine"]
    assert library.reviews(patient.id) == [review]


@pytest.mark.parametrize(("key", "action", "field"),
                         [("red-flag-dvt", "ignored", "action"), (" ", "discussed", "key")])
def test_a_bad_review_is_refused(
    library: ReferenceService, patients: PatientService, key: str, action: str, field: str
) -> None:
    patient = patients.create(ann())
    with pytest.raises(ValidationError) as caught:
        library.record_review(patient.id, key, action)
    assert [e.field for e in caught.value.errors] == [field]
    assert library.reviews(patient.id) == []


def test_a_review_of_an_unknown_patient_is_not_found(library: ReferenceService) -> None:
    with pytest.raises(KnownError) as caught:
        library.record_review(404, "red-flag-dvt", "discussed")
    assert caught.value.kind is ErrorKind.NOT_FOUND


def test_reviews_and_screen_answers_are_exported(
    library: ReferenceService, patients: PatientService
) -> None:
    patient = patients.create(ann(screen=RedFlagScreen(dark_urine=True)))
    library.record_review(patient.id, "red-flag-dark-urine", "not_applicable", "Beetroot.")

    [record] = json.loads(export_json(patients, patient.id, reference=library))["patients"]

    assert record["red_flag_screen"]["dark_urine"] is True
    assert record["red_flag_screen"]["calf_swelling_warmth"] is False
    assert record["red_flag_reviews"] == [{
        "key": "red-flag-dark-urine", "action": "not_applicable", "note": "Beetroot.",
        "recorded_at": UTC_NOW.isoformat(), "recorded_by": "Dr Lee",
    }]


def test_a_patients_reviews_go_with_the_patient(
    library: ReferenceService, patients: PatientService
) -> None:
    patient = patients.create(ann())
    library.record_review(patient.id, "red-flag-dvt", "discussed")
    database.execute_sql(portable("DELETE FROM patient WHERE id = ?"), (patient.id,))
    assert library.reviews_for_patients([patient.id]) == {patient.id: []}


# --- into the note -------------------------------------------------------------------------


def test_a_paragraph_is_cited_with_its_entry_version_and_sources(
    library: ReferenceService,
) -> None:
    cited = library.cite("stretching", 0)
    entry = fixture_entry("stretching")
    assert cited.text == entry.paragraphs[0]
    assert (cited.slug, cited.version, cited.paragraph) == ("stretching", 1, 0)
    assert cited.citation == citation_of(entry)
    assert "Stretching" in cited.citation and entry.sources[0].citation in cited.citation
    assert cited.note_text == f"{entry.paragraphs[0]}\n[{cited.citation}]"
    with pytest.raises(KnownError):
        library.cite("stretching", len(entry.paragraphs))


def test_what_went_into_a_session_note_is_kept_with_the_session(
    library: ReferenceService, patients: PatientService
) -> None:
    patient = patients.create(ann())
    session = SessionService().create(patient.id, full_session())

    first = library.record_reference(session.id, "stretching", 1, 0)
    second = library.record_reference(session.id, "statins", 2, 1)

    assert library.references_for_session(session.id) == [first, second]
    assert (second.slug, second.version, second.paragraph) == ("statins", 2, 1)
    SessionRow.delete().where(SessionRow.id == session.id).execute()
    assert library.references_for_session(session.id) == []


def test_a_reference_for_an_unknown_session_is_refused(library: ReferenceService) -> None:
    with pytest.raises(KnownError) as caught:
        library.record_reference(404, "stretching", 1, 0)
    assert caught.value.kind is ErrorKind.NOT_FOUND
    with pytest.raises(ValueError):
        library.record_reference(404, "stretching", 0, 0)


def test_a_practice_review_is_a_dated_line_in_the_entry_note(library: ReferenceService) -> None:
    library.save_note("diabetes", "Check HbA1c letter.")
    version = library.note_version("diabetes")
    note = library.record_practice_review("diabetes", "checked against our policy",
                                          expected_version=version)
    assert note == library.note("diabetes")
    first, second = note.split("\n")
    assert first == "Check HbA1c letter."
    assert second.startswith(f"Practice review {NOW:%Y-%m-%d} by Dr Lee, content version ")
    assert second.endswith(": checked against our policy")
    with pytest.raises(EditConflictError):  # a stale version writes nothing
        library.record_practice_review("diabetes", expected_version=version)
    assert library.note("diabetes") == note


def test_a_practice_review_of_an_unknown_entry_is_refused(library: ReferenceService) -> None:
    with pytest.raises(KnownError) as caught:
        library.record_practice_review("no-such-entry")
    assert caught.value.kind is ErrorKind.NOT_FOUND

"""Every row edited in place carries a version: protocols, reference notes, custom
measures and diary days. A save naming an older version is refused with both versions,
and nothing is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from practitioner.db.models import (
    CustomMeasureRow,
    DiaryEntryRow,
    ProtocolRow,
    ReferenceNoteRow,
)
from practitioner.domain.conflicts import EditConflictError
from practitioner.domain.outcomes import DiaryEntry
from practitioner.domain.session import NeedledPoint
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.protocols import ProtocolService
from practitioner.services.reference import ReferenceService
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.reference_library import fixture_entries

POINTS = (NeedledPoint("GB34"), NeedledPoint("LR3"))


@pytest.fixture
def protocols(db_path: Path, clock: FakeClock) -> ProtocolService:
    return ProtocolService(clock=clock)


@pytest.fixture
def library(patients: PatientService, clock: FakeClock) -> ReferenceService:
    service = ReferenceService(clock=clock, user=lambda: "Dr Lee", patients=patients)
    service.seed(fixture_entries())
    return service


@pytest.fixture
def outcomes(patients: PatientService, clock: FakeClock) -> OutcomeService:
    return OutcomeService(clock=clock, today=lambda: TODAY)


def test_a_protocol_replaced_from_an_older_listing_is_refused(
    protocols: ProtocolService,
) -> None:
    created = protocols.save("Calf cramps", POINTS)
    assert created.version == 1
    listed = protocols.list_protocols()[0]
    newer = protocols.save("Calf cramps", POINTS[:1], "theirs", protocol_id=created.id,
                           expected_version=listed.version)
    assert newer.version == 2

    with pytest.raises(EditConflictError) as caught:
        protocols.save("Calf cramps", POINTS[1:], "mine", protocol_id=created.id,
                       expected_version=listed.version)

    conflict = caught.value.conflict
    assert (conflict.theirs.notes, conflict.mine.notes, conflict.their_version) == (
        "theirs", "mine", 2)
    assert protocols.list_protocols() == [newer]


def test_a_reference_note_saved_over_a_newer_one_is_refused_with_both_texts(
    library: ReferenceService,
) -> None:
    slug = fixture_entries()[0].slug
    assert library.note_version(slug) == 0
    library.save_note(slug, "Theirs.", expected_version=0)
    assert library.note_version(slug) == 1

    with pytest.raises(EditConflictError) as caught:
        library.save_note(slug, "Mine.", expected_version=0)

    conflict = caught.value.conflict
    assert (conflict.mine, conflict.theirs, conflict.their_version) == ("Mine.", "Theirs.", 1)
    assert conflict.their_author != "" and conflict.their_saved_at is not None
    assert library.note(slug) == "Theirs."
    library.save_note(slug, "Theirs.\n\nMine.", expected_version=1)
    assert (library.note(slug), library.note_version(slug)) == ("Theirs.\n\nMine.", 2)


def test_a_custom_measure_changed_from_an_older_version_is_refused(
    outcomes: OutcomeService,
) -> None:
    made = outcomes.save_custom_measure("Stairs", "", 0, 20, True, False, 2)
    measure_id = int(made.code.split(":")[1])
    version = outcomes.custom_measure_version(measure_id)
    outcomes.save_custom_measure("Stairs climbed", "", 0, 20, True, False, 2,
                                 measure_id=measure_id, expected_version=version)
    with pytest.raises(EditConflictError):
        outcomes.save_custom_measure("Stair flights", "", 0, 30, True, False, 2,
                                     measure_id=measure_id, expected_version=version)
    row = CustomMeasureRow.get_by_id(measure_id)
    assert (row.name, row.high, row.version) == ("Stairs climbed", 20, 2)


def test_a_diary_day_replaced_from_an_older_version_is_refused(
    outcomes: OutcomeService, patients: PatientService,
) -> None:
    patient_id = patients.create(ann()).id
    day = TODAY - dt.timedelta(days=1)
    outcomes.save_diary_entry(patient_id, DiaryEntry(day, 2))
    version = outcomes.diary_version(patient_id, day)
    outcomes.save_diary_entry(patient_id, DiaryEntry(day, 3), replace=True,
                              expected_version=version)
    with pytest.raises(EditConflictError) as caught:
        outcomes.save_diary_entry(patient_id, DiaryEntry(day, 5), replace=True,
                                  expected_version=version)
    assert (caught.value.conflict.theirs.cramps, caught.value.conflict.mine.cramps) == (3, 5)
    assert [e.cramps for e in outcomes.diary(patient_id)] == [3]
    assert outcomes.diary_version(patient_id, day) > version


@pytest.mark.parametrize("model", [ProtocolRow, ReferenceNoteRow, CustomMeasureRow,
                                   DiaryEntryRow])
def test_editable_rows_have_a_version_starting_at_one(db_path: Path, model: type) -> None:
    assert model.version.default == 1
    assert "version" in {c.name for c in model._meta.database.get_columns(
        model._meta.table_name)}


def test_a_psfs_list_saved_over_a_newer_one_is_refused_with_both_lists(
    outcomes: OutcomeService, patients: PatientService,
) -> None:
    patient_id = patients.create(ann()).id
    shown = outcomes.set_psfs_activities(patient_id, ["Climbing stairs"], expected=[])
    theirs = outcomes.set_psfs_activities(patient_id, ["Climbing stairs", "Walking"],
                                          expected=shown)

    with pytest.raises(EditConflictError) as caught:
        outcomes.set_psfs_activities(patient_id, ["Climbing stairs", "Gardening"],
                                     expected=shown)

    conflict = caught.value.conflict
    assert [a.wording for a in conflict.theirs] == ["Climbing stairs", "Walking"]
    assert [a.wording for a in conflict.mine] == ["Climbing stairs", "Gardening"]
    assert outcomes.psfs_activities(patient_id) == theirs

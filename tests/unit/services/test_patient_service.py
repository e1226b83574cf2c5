"""PatientService against a real, migrated SQLite file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from playhouse.test_utils import count_queries

from practitioner.db.models import CrampSiteRow, MedicationRow, PatientCodeRow, PatientScreenRow
from practitioner.domain.patient import (
    Condition,
    CrampProfile,
    CrampSite,
    CrampTiming,
    Lifestyle,
    Medication,
    MuscleGroup,
    PatientInput,
    Side,
    Trigger,
    WorkPosture,
)
from practitioner.domain.screen import RedFlagScreen
from practitioner.domain.validation import ValidationError
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.demo import fill_demo
from practitioner.services.export import export_json
from practitioner.services.patients import PatientService
from tests.helpers.db_fixtures import NOW, TODAY, FakeClock
from tests.helpers.demo_inputs import ann, full_record

UTC_NOW = NOW.replace(tzinfo=dt.UTC)


def _child_rows(patient_id: int) -> dict[str, int]:
    return {
        model.__name__: model.select().where(model.patient == patient_id).count()
        for model in (CrampSiteRow, PatientCodeRow, MedicationRow, PatientScreenRow)
    }


# --- create and get -----------------------------------------------------------------------


def test_create_then_get_round_trips_every_field(patients: PatientService) -> None:
    data = full_record()
    created = patients.create(data)

    loaded = patients.get(created.id)

    assert loaded == created
    assert loaded.data == data
    assert [m.name for m in loaded.data.medications] == ["Simvastatin", "Amlodipine", "Metformin"]
    assert loaded.version == 1
    assert loaded.created_at == loaded.updated_at == UTC_NOW
    assert loaded.archived_at is None
    assert not loaded.archived


def test_every_field_really_differs_from_its_default() -> None:
    # Guards the round-trip test: a field left at its default would not prove anything.
    data, blank = full_record(), PatientInput(name="")
    for part, default in (
        (data, blank),
        (data.profile, CrampProfile()),
        (data.lifestyle, Lifestyle()),
        (data.screen, RedFlagScreen()),
    ):
        for field in dataclasses.fields(part):
            assert getattr(part, field.name) != getattr(default, field.name), field.name


def test_create_stores_sites_once_in_form_order(patients: PatientService) -> None:
    shuffled = (
        CrampSite(MuscleGroup.HAND, Side.LEFT),
        CrampSite(MuscleGroup.CALF_GASTROCNEMIUS, Side.BOTH),
        CrampSite(MuscleGroup.HAND, Side.LEFT),
        CrampSite(MuscleGroup.SOLEUS, Side.RIGHT),
    )
    created = patients.create(ann(profile=CrampProfile(sites=shuffled)))
    assert created.data.profile.sites == (
        CrampSite(MuscleGroup.CALF_GASTROCNEMIUS, Side.BOTH),
        CrampSite(MuscleGroup.SOLEUS, Side.RIGHT),
        CrampSite(MuscleGroup.HAND, Side.LEFT),
    )


def test_create_trims_the_name_and_contact_fields(patients: PatientService) -> None:
    created = patients.create(ann(name="  Ann Lee ", phone=" 0123 ", email=" a@example.org "))
    assert (created.data.name, created.data.phone, created.data.email) == (
        "Ann Lee",
        "0123",
        "a@example.org",
    )


def test_invalid_input_raises_validation_error_and_writes_nothing(
    patients: PatientService,
) -> None:
    patients.create(ann())
    bad = ann(name=" ", profile=CrampProfile(worst_severity=11))

    with pytest.raises(ValidationError) as caught:
        patients.create(bad)

    assert [e.field for e in caught.value.errors] == ["name", "profile.worst_severity"]
    assert patients.count() == 1


def test_validation_uses_the_injected_today(db_path: Path, clock: FakeClock) -> None:
    service = PatientService(clock=clock, today=lambda: dt.date(1980, 1, 1))
    with pytest.raises(ValidationError):
        service.create(ann(date_of_birth=dt.date(1990, 1, 1)))
    assert service.count() == 0


def test_get_of_a_missing_patient_is_not_found(patients: PatientService) -> None:
    with pytest.raises(KnownError) as caught:
        patients.get(404)
    assert caught.value.kind is ErrorKind.NOT_FOUND


# --- update -------------------------------------------------------------------------------


def test_update_bumps_version_and_replaces_child_rows(
    patients: PatientService, clock: FakeClock
) -> None:
    created = patients.create(full_record())
    assert _child_rows(created.id) == {"CrampSiteRow": 4, "PatientCodeRow": 9, "MedicationRow": 3,
                                       "PatientScreenRow": 9}
    later = clock.advance(days=2)
    changed = dataclasses.replace(
        full_record(),
        name="Margaret Smith-Jones",
        profile=CrampProfile(
            sites=(CrampSite(MuscleGroup.HAMSTRING, Side.LEFT),),
            timings=frozenset({CrampTiming.DURING_EXERCISE}),
            triggers=frozenset({Trigger.OVERUSE}),
            reliefs=frozenset(),
            worst_severity=3,
        ),
        conditions=frozenset({Condition.ANAEMIA}),
        medications=(Medication("Ferrous sulfate", "200 mg daily"),),
        lifestyle=Lifestyle(work_posture=WorkPosture.PHYSICAL_LABOUR),
        screen=RedFlagScreen(dark_urine=True),
    )

    updated = patients.update(created.id, changed, expected_version=1)

    assert updated.version == 2
    assert updated.data == changed
    assert patients.get(created.id).data == changed
    assert updated.created_at == UTC_NOW
    assert updated.updated_at == later.replace(tzinfo=dt.UTC)
    assert _child_rows(created.id) == {"CrampSiteRow": 1, "PatientCodeRow": 3, "MedicationRow": 1,
                                       "PatientScreenRow": 1}


def test_update_of_only_one_patient_leaves_others_alone(patients: PatientService) -> None:
    first = patients.create(full_record())
    second = patients.create(full_record())
    patients.update(first.id, ann(), expected_version=1)
    assert patients.get(second.id) == second


def test_update_with_a_stale_version_is_a_conflict_and_writes_nothing(
    patients: PatientService, clock: FakeClock
) -> None:
    created = patients.create(full_record())
    clock.advance(minutes=5)
    current = patients.update(created.id, ann(name="Margaret Jones"), expected_version=1)
    children = _child_rows(created.id)

    with pytest.raises(KnownError) as caught:
        patients.update(created.id, full_record(), expected_version=1)

    assert caught.value.kind is ErrorKind.CONFLICT
    assert patients.get(created.id) == current
    assert _child_rows(created.id) == children


def test_update_with_invalid_input_writes_nothing(patients: PatientService) -> None:
    created = patients.create(full_record())
    with pytest.raises(ValidationError):
        patients.update(created.id, ann(email="not-an-address"), expected_version=1)
    assert patients.get(created.id) == created


def test_update_of_a_missing_patient_is_not_found(patients: PatientService) -> None:
    with pytest.raises(KnownError) as caught:
        patients.update(404, ann(), expected_version=1)
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert patients.count() == 0


# --- archive and restore ------------------------------------------------------------------


def test_archive_hides_and_restore_brings_back(patients: PatientService, clock: FakeClock) -> None:
    kept = patients.create(ann(name="Kept Patient"))
    gone = patients.create(ann(name="Gone Patient"))
    archived_at = clock.advance(hours=1)

    archived = patients.archive(gone.id)

    assert archived.archived
    assert archived.archived_at == archived_at.replace(tzinfo=dt.UTC)
    assert archived.version == gone.version + 1
    assert [p.id for p in patients.list_patients()] == [kept.id]
    listed = patients.list_patients(include_archived=True)
    assert [(p.id, p.archived) for p in listed] == [(gone.id, True), (kept.id, False)]
    assert patients.count() == 2

    restored = patients.restore(gone.id)

    assert not restored.archived
    assert restored.version == gone.version + 2
    assert [p.id for p in patients.list_patients()] == [gone.id, kept.id]


def test_archive_of_a_missing_patient_is_not_found(patients: PatientService) -> None:
    with pytest.raises(KnownError) as caught:
        patients.archive(404)
    assert caught.value.kind is ErrorKind.NOT_FOUND


# --- search -------------------------------------------------------------------------------


@pytest.fixture
def searchable(patients: PatientService) -> PatientService:
    for name, born in (
        ("Margaret Smith", dt.date(1975, 3, 14)),
        ("Amara Jones", dt.date(1975, 7, 2)),
        ("José Álvarez", dt.date(1980, 3, 14)),
        ("Mark O'Brien", dt.date(1975, 3, 30)),
        ("Anne-Marie Dubois", None),
    ):
        patients.create(ann(name=name, date_of_birth=born))
    return patients


def _names(service: PatientService, query: str) -> list[str]:
    return [p.name for p in service.list_patients(query)]


def test_empty_query_lists_everyone_by_name(searchable: PatientService) -> None:
    assert _names(searchable, "") == [
        "Amara Jones",
        "Anne-Marie Dubois",
        "José Álvarez",
        "Margaret Smith",
        "Mark O'Brien",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mar", ["Anne-Marie Dubois", "Margaret Smith", "Mark O'Brien"]),
        ("marg", ["Margaret Smith"]),
        ("MARGARET", ["Margaret Smith"]),
        ("smi", ["Margaret Smith"]),
        ("mar smi", ["Margaret Smith"]),
        ("jose", ["José Álvarez"]),
        ("alvarez", ["José Álvarez"]),
        ("JOSÉ", ["José Álvarez"]),
        ("obrien", ["Mark O'Brien"]),
        ("o'brien", ["Mark O'Brien"]),
        ("ara", []),
        ("ith", []),
        ("zed", []),
    ],
)
def test_search_by_word_prefix_accent_and_case_blind(
    searchable: PatientService, query: str, expected: list[str]
) -> None:
    assert _names(searchable, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("1975", ["Amara Jones", "Margaret Smith", "Mark O'Brien"]),
        ("1975-03", ["Margaret Smith", "Mark O'Brien"]),
        ("1975-3", ["Margaret Smith", "Mark O'Brien"]),
        ("14.03.1975", ["Margaret Smith"]),
        ("1975-03-14", ["Margaret Smith"]),
        ("14/03/1980", ["José Álvarez"]),
        ("1990", []),
    ],
)
def test_search_by_birth_date(searchable: PatientService, query: str, expected: list[str]) -> None:
    assert _names(searchable, query) == expected


@pytest.mark.parametrize("query", ["%", "_", "%%", "__", "m%", "m_r", "%a%"])
def test_typed_like_wildcards_match_literally(searchable: PatientService, query: str) -> None:
    found = _names(searchable, query)
    assert len(found) < len(_names(searchable, ""))
    assert all(query.strip("%") in name.lower() for name in found)


def test_search_skips_archived_unless_asked(searchable: PatientService) -> None:
    margaret = next(p for p in searchable.list_patients("margaret"))
    searchable.archive(margaret.id)
    assert _names(searchable, "mar") == ["Anne-Marie Dubois", "Mark O'Brien"]
    assert [p.name for p in searchable.list_patients("marg", include_archived=True)] == [
        "Margaret Smith"
    ]


# --- whole records, export ----------------------------------------------------------------


def _count_all_patients_queries(service: PatientService) -> tuple[int, int]:
    with count_queries() as counter:
        loaded = service.all_patients()
    return counter.count, len(loaded)


def test_all_patients_uses_a_constant_number_of_queries(patients: PatientService) -> None:
    fill_demo(patients, 5, seed=11, today=TODAY)
    few, few_loaded = _count_all_patients_queries(patients)
    fill_demo(patients, 45, seed=12, today=TODAY)
    many, many_loaded = _count_all_patients_queries(patients)

    assert (few_loaded, many_loaded) == (5, 50)
    assert few == many
    assert few <= 5  # patients, then codes, sites, medications and screening answers


def test_all_patients_includes_archived_unless_told_not_to(patients: PatientService) -> None:
    kept = patients.create(ann(name="Kept"))
    gone = patients.create(ann(name="Gone"))
    patients.archive(gone.id)
    assert [p.id for p in patients.all_patients()] == [gone.id, kept.id]
    assert [p.id for p in patients.all_patients(include_archived=False)] == [kept.id]


def test_all_patients_loads_the_same_records_as_get(patients: PatientService) -> None:
    fill_demo(patients, 12, seed=4, today=TODAY)
    assert {p.id: p for p in patients.all_patients()} == {
        s.id: patients.get(s.id) for s in patients.list_patients(include_archived=True)
    }


def test_export_json_holds_every_patient(patients: PatientService) -> None:
    fill_demo(patients, 7, seed=2, today=TODAY)
    gone = patients.list_patients()[0]
    patients.archive(gone.id)

    document = json.loads(export_json(patients))

    assert document["format"] == "cramp-practitioner/patients"
    assert document["exported_at"] == NOW.isoformat() + "+00:00"  # UTC, with its offset
    assert len(document["patients"]) == 7
    for record in document["patients"]:
        assert {"cramp_profile", "conditions", "medications"} <= record.keys()
        assert {"sites", "timings", "worst_severity"} <= record["cramp_profile"].keys()
    assert [r["id"] for r in document["patients"] if r["archived"]] == [gone.id]


def test_export_json_of_one_patient(patients: PatientService) -> None:
    patients.create(ann())
    margaret = patients.create(full_record())

    document = json.loads(export_json(patients, margaret.id))

    assert [r["id"] for r in document["patients"]] == [margaret.id]
    record = document["patients"][0]
    assert record["name"] == "Margaret Smith"
    assert record["conditions"] == ["diabetes", "thyroid_disorder"]
    assert [m["name"] for m in record["medications"]] == [
        "Simvastatin",
        "Amlodipine",
        "Metformin",
    ]
    assert record["cramp_profile"]["reliefs"] == ["stretching", "walking", "warmth"]


def test_export_json_of_a_missing_patient_is_not_found(patients: PatientService) -> None:
    with pytest.raises(KnownError) as caught:
        export_json(patients, 404)
    assert caught.value.kind is ErrorKind.NOT_FOUND


def test_the_list_pages_by_family_name_when_asked(patients: PatientService) -> None:
    names = ["Zoe Adams", "Ann Young", "Chloé O'Brien-Ng", "Bob Adams", "Ann Brown"]
    for name in names:
        patients.create(PatientInput(name=name))
    by_first = [p.name for p in patients.page()]
    assert by_first == ["Ann Brown", "Ann Young", "Bob Adams", "Chloé O'Brien-Ng", "Zoe Adams"]
    first = patients.page(by_family=True, limit=2)
    rest = patients.page(by_family=True, after=first[-1])
    assert [p.name for p in first + rest] == [
        "Bob Adams", "Zoe Adams", "Ann Brown", "Chloé O'Brien-Ng", "Ann Young"]
    # Renaming moves the patient to the new family name's place.
    young = next(p for p in rest if p.name == "Ann Young")
    record = patients.get(young.id)
    patients.update(young.id, dataclasses.replace(record.data, name="Ann Abbott"),
                    record.version)
    assert patients.page(by_family=True)[0].name == "Ann Abbott"
    assert [p.name for p in patients.page("ann", by_family=True)] == ["Ann Abbott", "Ann Brown"]

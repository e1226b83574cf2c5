"""DraftService and ProtocolService against a real, migrated SQLite file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from practitioner.db.models import DraftRow, ProtocolPointRow
from practitioner.domain.session import Draft, DraftSummary, NeedledPoint, NeedleSide, Technique
from practitioner.domain.validation import ValidationError
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.drafts import DraftService
from practitioner.services.patients import PatientService
from practitioner.services.protocols import ProtocolService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import NOW, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import full_session

UTC_NOW = NOW.replace(tzinfo=dt.UTC)

CALF = (
    NeedledPoint("GB34", NeedleSide.BILATERAL, Technique.EVEN, 20, 2.0),
    NeedledPoint("BL57", NeedleSide.LEFT, Technique.REDUCE, 20, 2.0),
    NeedledPoint("LR3", NeedleSide.BILATERAL, Technique.REDUCE, None, None),
    NeedledPoint("Bafeng", NeedleSide.RIGHT, Technique.EVEN, 0, None, custom=True),
)
NOURISH = (
    NeedledPoint("SP6", technique=Technique.TONIFY, retention_minutes=25),
    NeedledPoint("LR8", technique=Technique.TONIFY, retention_minutes=25),
)


@pytest.fixture
def drafts(db_path: Path, clock: FakeClock) -> DraftService:
    return DraftService(clock=clock)


@pytest.fixture
def protocols(db_path: Path, clock: FakeClock) -> ProtocolService:
    return ProtocolService(clock=clock)


@pytest.fixture
def ann_id(patients: PatientService) -> int:
    return patients.create(ann()).id


# --- drafts -------------------------------------------------------------------------------


def test_a_saved_draft_comes_back_with_its_time(drafts: DraftService, ann_id: int) -> None:
    payload: dict[str, object] = {
        "plan": "Weekly ×4 — then review",
        "tongue_notes": "淡白舌, thin coating; Zunge blass; язык бледный",
        "points": ["GB34", "BL57"],
        "retention": "2O",  # Unparseable text must survive as typed.
        "nested": {"emoji": "🦵", "empty": None, "flag": True, "number": 2.5},
    }
    drafts.save(ann_id, None, payload)

    assert drafts.get(ann_id, None) == Draft(ann_id, None, payload, UTC_NOW)
    stored = DraftRow.get().payload
    assert "淡白舌" in stored and "🦵" in stored  # Kept as text, not \\u escapes.


def test_saving_again_replaces_the_draft_in_its_slot(
    drafts: DraftService, ann_id: int, clock: FakeClock
) -> None:
    drafts.save(ann_id, None, {"plan": "first"})
    later = clock.advance(minutes=3)
    drafts.save(ann_id, None, {"plan": "second"})

    assert drafts.get(ann_id, None) == Draft(ann_id, None, {"plan": "second"},
                                             later.replace(tzinfo=dt.UTC))
    assert DraftRow.select().count() == 1


def test_each_session_has_its_own_draft_slot(
    drafts: DraftService, ann_id: int, patients: PatientService, clock: FakeClock
) -> None:
    sessions = SessionService(clock=clock, local_clock=clock)
    visit = sessions.create(ann_id, full_session())
    drafts.save(ann_id, None, {"plan": "new visit"})
    drafts.save(ann_id, visit.id, {"plan": "editing the old one"})

    new_draft, old_draft = drafts.get(ann_id, None), drafts.get(ann_id, visit.id)
    assert new_draft is not None and new_draft.payload == {"plan": "new visit"}
    assert old_draft is not None and old_draft.payload == {"plan": "editing the old one"}
    assert old_draft.session_id == visit.id


def test_get_of_an_empty_slot_is_none(drafts: DraftService, ann_id: int) -> None:
    assert drafts.get(ann_id, None) is None


def test_discard_removes_only_that_draft(drafts: DraftService, ann_id: int,
                                         patients: PatientService) -> None:
    bob = patients.create(ann(name="Bob Ray")).id
    drafts.save(ann_id, None, {"plan": "a"})
    drafts.save(bob, None, {"plan": "b"})

    drafts.discard(ann_id, None)
    drafts.discard(ann_id, None)  # Discarding nothing is fine.

    assert drafts.get(ann_id, None) is None
    assert drafts.get(bob, None) is not None


def test_summaries_name_the_patient_newest_first(
    drafts: DraftService, patients: PatientService, clock: FakeClock, ann_id: int
) -> None:
    zoe = patients.create(ann(name="Zoë Ørsted")).id
    bob = patients.create(ann(name="Bob Ray")).id
    drafts.save(zoe, None, {"plan": "oldest"})
    middle = clock.advance(minutes=1)
    drafts.save(ann_id, None, {"plan": "middle"})
    newest = clock.advance(minutes=1)
    drafts.save(bob, None, {"plan": "newest"})

    assert drafts.summaries() == [
        DraftSummary(bob, "Bob Ray", None, newest.replace(tzinfo=dt.UTC)),
        DraftSummary(ann_id, "Ann Lee", None, middle.replace(tzinfo=dt.UTC)),
        DraftSummary(zoe, "Zoë Ørsted", None, UTC_NOW),
    ]


def test_summaries_are_empty_without_drafts(drafts: DraftService) -> None:
    assert drafts.summaries() == []


# --- protocols ----------------------------------------------------------------------------


def test_a_protocol_round_trips_its_points_in_order(protocols: ProtocolService) -> None:
    saved = protocols.save("Calf cramps", CALF, notes="Night cramps, left calf.")

    (listed,) = protocols.list_protocols()

    assert listed == saved
    assert (listed.name, listed.points, listed.notes) == (
        "Calf cramps", CALF, "Night cramps, left calf."
    )


def test_protocols_are_listed_by_name(protocols: ProtocolService) -> None:
    protocols.save("Nourish Liver Blood", NOURISH)
    protocols.save("Calf cramps", CALF)
    protocols.save("  Acute calf  ", CALF[:1])

    listed = protocols.list_protocols()

    assert [p.name for p in listed] == ["Acute calf", "Calf cramps", "Nourish Liver Blood"]
    assert [len(p.points) for p in listed] == [1, 4, 2]


def test_update_replaces_name_points_and_notes(protocols: ProtocolService) -> None:
    saved = protocols.save("Calf cramps", CALF)

    updated = protocols.save("Calf and foot", NOURISH, "Changed.", protocol_id=saved.id)

    assert updated.id == saved.id
    assert protocols.list_protocols() == [updated]
    assert (updated.name, updated.points, updated.notes) == ("Calf and foot", NOURISH,
                                                             "Changed.")
    assert ProtocolPointRow.select().count() == len(NOURISH)


def test_updating_a_missing_protocol_is_not_found(protocols: ProtocolService) -> None:
    with pytest.raises(KnownError) as caught:
        protocols.save("Calf cramps", CALF, protocol_id=404)
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert protocols.list_protocols() == []


def test_delete_removes_the_protocol_and_its_points(protocols: ProtocolService) -> None:
    gone = protocols.save("Calf cramps", CALF)
    kept = protocols.save("Nourish Liver Blood", NOURISH)

    protocols.delete(gone.id)

    assert protocols.list_protocols() == [kept]
    assert ProtocolPointRow.select().count() == len(NOURISH)


@pytest.mark.parametrize("name", ["Calf cramps", "  Calf cramps "])
def test_a_duplicate_name_is_an_error_on_the_name(
    protocols: ProtocolService, name: str
) -> None:
    first = protocols.save("Calf cramps", CALF)

    with pytest.raises(ValidationError) as caught:
        protocols.save(name, NOURISH)

    assert [e.field for e in caught.value.errors] == ["name"]
    assert protocols.list_protocols() == [first]


def test_renaming_onto_another_protocols_name_changes_nothing(
    protocols: ProtocolService,
) -> None:
    calf = protocols.save("Calf cramps", CALF)
    nourish = protocols.save("Nourish Liver Blood", NOURISH)

    with pytest.raises(ValidationError) as caught:
        protocols.save("Calf cramps", CALF[:1], protocol_id=nourish.id)

    assert [e.field for e in caught.value.errors] == ["name"]
    assert protocols.list_protocols() == [calf, nourish]


@pytest.mark.parametrize(
    ("name", "points", "fields"),
    [
        ("", CALF, ["name"]),
        ("   ", CALF, ["name"]),
        ("Calf cramps", (), ["points"]),
        ("", (), ["name", "points"]),
        ("Calf cramps", (NeedledPoint("GB34", retention_minutes=121),), ["points.0"]),
        ("Calf cramps", (NeedledPoint("LR3"), NeedledPoint("GB34", electro_hz=0.0)),
         ["points.1"]),
        ("Calf cramps", (NeedledPoint("GB34", electro_hz=250.0),), ["points.0"]),
        ("Calf cramps", (NeedledPoint("  "),), ["points.0"]),
    ],
    ids=["empty-name", "blank-name", "no-points", "neither", "retention-121", "ea-0-hz",
         "ea-250-hz", "blank-code"],
)
def test_bad_protocols_are_refused_field_by_field(
    protocols: ProtocolService, name: str, points: tuple[NeedledPoint, ...], fields: list[str]
) -> None:
    with pytest.raises(ValidationError) as caught:
        protocols.save(name, points)
    assert [e.field for e in caught.value.errors] == fields
    assert protocols.list_protocols() == []

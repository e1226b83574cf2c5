"""Every change a service commits leaves exactly one audit entry (two when a session is
also signed), with the practitioner, UTC time, action, record and patient, and no text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import peewee
import pytest

from practitioner.db.base import database
from practitioner.domain.outcomes import DiaryEntry
from practitioner.domain.session import NeedledPoint, NeedleSide, Technique
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.export import export_json
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.protocols import ProtocolService
from practitioner.services.record_import import import_document
from practitioner.services.reference import ReferenceService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.demo_inputs import full_record
from tests.helpers.session_inputs import full_session

USER = "Dr Audit"
MARKER = "ZQX-private-words"


@dataclasses.dataclass
class World:
    audit: AuditService
    patients: PatientService
    sessions: SessionService
    outcomes: OutcomeService
    protocols: ProtocolService
    reference: ReferenceService
    patient_id: int


@pytest.fixture
def world(db_path: Path, clock: FakeClock) -> World:
    audit = AuditService(user=lambda: USER, clock=clock)
    patients = PatientService(clock=clock, today=lambda: TODAY, audit=audit)
    world = World(
        audit, patients,
        SessionService(clock=clock, local_clock=lambda: dt.datetime(2025, 1, 15, 10),
                       user=lambda: USER, audit=audit),
        OutcomeService(clock=clock, today=lambda: TODAY, audit=audit),
        ProtocolService(clock=clock, audit=audit),
        ReferenceService(clock=clock, user=lambda: USER, patients=patients, audit=audit,
                         full_text=False),
        patients.create(full_record()).id,
    )
    return world


def _session(w: World, finalise: bool = False) -> int:
    return w.sessions.create(w.patient_id, full_session(notes=MARKER), finalise=finalise).id


def _update_patient(w: World) -> None:
    current = w.patients.get(w.patient_id)
    w.patients.update(w.patient_id, dataclasses.replace(current.data, notes=MARKER),
                      current.version)


def _amend(w: World) -> None:
    session = w.sessions.get(_session(w, finalise=True))
    w.sessions.update(session.id, dataclasses.replace(session.data, plan=MARKER),
                      session.version, reason=MARKER)


def _finalise(w: World) -> None:
    session = w.sessions.get(_session(w))
    w.sessions.finalise(session.id, session.version)


POINTS = (NeedledPoint("GB34", NeedleSide.BILATERAL, Technique.EVEN, 20, None),)

# (what, how to set it up, the change itself, expected (action, entity, patient?, detail))
CASES: list[tuple[str, Callable[[World], object], Callable[[World], object],
                  tuple[str, str, bool, str]]] = [
    ("patient created", lambda w: None,
     lambda w: w.patients.create(full_record()), ("create", "patient", True, "")),
    ("patient updated", lambda w: None, _update_patient,
     ("update", "patient", True, "fields: notes")),
    ("patient archived", lambda w: None, lambda w: w.patients.archive(w.patient_id),
     ("archive", "patient", True, "")),
    ("patient opened", lambda w: None, lambda w: w.patients.open_record(w.patient_id),
     ("open", "patient", True, "")),
    ("session created", lambda w: None, lambda w: _session(w),
     ("create", "session", True, "")),
    ("session finalised", lambda w: None, _finalise, ("finalise", "session", True, "")),
    ("session amended", lambda w: None, _amend, ("amend", "session", True, "fields: plan")),
    ("diary day added", lambda w: None,
     lambda w: w.outcomes.save_diary_entry(w.patient_id, DiaryEntry(TODAY, 2, notes=MARKER)),
     ("create", "diary_entry", True, "day 2025-01-15")),
    ("diary day deleted",
     lambda w: w.outcomes.save_diary_entry(w.patient_id, DiaryEntry(TODAY, 2)),
     lambda w: w.outcomes.delete_diary_entry(w.patient_id, TODAY),
     ("delete", "diary_entry", True, "day 2025-01-15")),
    ("psfs activities set", lambda w: None,
     lambda w: w.outcomes.set_psfs_activities(w.patient_id, [MARKER]),
     ("update", "psfs_activity", True, "1 activities")),
    ("protocol saved", lambda w: None, lambda w: w.protocols.save(MARKER, POINTS),
     ("create", "protocol", False, "")),
    ("custom measure", lambda w: None,
     lambda w: w.outcomes.save_custom_measure("Grip", "kg", 0, 80, True, False, None),
     ("create", "custom_measure", False, "")),
]


@pytest.mark.parametrize(("name", "setup", "change", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_each_change_leaves_one_entry(
    world: World, clock: FakeClock, name: str, setup: Callable[[World], object],
    change: Callable[[World], object], expected: tuple[str, str, bool, str],
) -> None:
    setup(world)
    clock.advance(minutes=5)
    before = len(world.audit.trail())
    change(world)
    new = world.audit.trail()[before:]
    action, entity, about_patient, detail = expected
    mine = [e for e in new if e.fields.action == action]
    assert len(mine) == 1, [e.fields for e in new]
    fields = mine[0].fields
    assert (fields.entity, fields.detail) == (entity, detail)
    assert fields.practitioner == USER
    assert fields.at == clock.current.isoformat(timespec="microseconds") + "Z"
    if about_patient:
        assert fields.patient_id is not None
    for entry in new:
        assert MARKER not in repr(entry.fields)
    assert world.audit.verify().intact


def test_a_new_final_session_is_created_then_signed(world: World) -> None:
    _session(world, finalise=True)
    actions = [e.fields.action for e in world.audit.trail(world.patient_id)]
    assert actions[-2:] == ["create", "finalise"]


def test_the_trail_of_one_patient_leaves_out_the_others(world: World) -> None:
    other = world.patients.create(full_record()).id
    world.patients.open_record(other)
    assert {e.fields.patient_id for e in world.audit.trail(world.patient_id)} == {
        world.patient_id}


@pytest.mark.sqlite_only  # a damaged file, opened read-only
def test_a_read_only_file_still_opens_records_without_entries(
    world: World, db_path: Path
) -> None:
    before = len(world.audit.trail())
    writable = database.obj
    # Read-only for every connection, as a damaged file is opened (reconnects included).
    read_only = peewee.SqliteDatabase(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    database.initialize(read_only)
    try:
        assert world.patients.open_record(world.patient_id).id == world.patient_id
        assert world.audit.record_access("export", [world.patient_id]) == 0
        with pytest.raises(KnownError) as caught:
            world.patients.archive(world.patient_id)
        assert caught.value.kind is ErrorKind.READ_ONLY
    finally:
        read_only.close()
        database.initialize(writable)
    assert len(world.audit.trail()) == before


def test_each_imported_patient_gets_an_import_entry(world: World) -> None:
    document = json.loads(export_json(world.patients, world.patient_id, world.sessions))
    result = import_document(document, "new", world.audit)
    [new_id] = result.patient_ids
    [entry] = [e for e in world.audit.trail(new_id) if e.fields.action == "import"]
    assert entry.fields.detail == "from $.patients[0]"
    assert entry.fields.practitioner == USER

"""No lost updates: two workstations load the same record, both edit, both save — the
second save is refused with both versions and nothing is overwritten. On SQLite (two
database objects, each with its own connection, on one file) and on PostgreSQL (two
connections; skipped, with the reason, when no server is configured)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practitioner.db.base import database
from practitioner.db.models import AuditRow, PatientRow, SessionRow
from practitioner.domain.conflicts import ConflictChoice, EditConflictError
from practitioner.domain.session import Session, SessionInput
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import NOW, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import full_session
from tests.helpers.workstations import ENGINES, Workstation, workstations


@pytest.fixture
def pair(request: pytest.FixtureRequest, engine: str,
         tmp_path: Path) -> Iterator[tuple[Workstation, Workstation]]:
    """Two workstations, Dr Ash's and Dr Birch's, on one new set of records (on each
    engine: `engine` is parametrised by this folder's conftest)."""
    with workstations(request, engine, tmp_path) as (ash, birch):
        yield ash, birch


def _note(data: SessionInput, text: str) -> SessionInput:
    return dataclasses.replace(data, notes=text)


def _session(ash: Workstation) -> tuple[int, int]:
    patient = ash.run(ash.patients.create, ann())
    session = ash.run(ash.sessions.create, patient.id, full_session(notes="First note."))
    return patient.id, session.id


def test_the_second_session_save_gets_the_conflict_with_both_texts(
    pair: tuple[Workstation, Workstation],
) -> None:
    ash, birch = pair
    _, session_id = _session(ash)
    at_ash = ash.run(ash.sessions.get, session_id)
    at_birch = birch.run(birch.sessions.get, session_id)
    assert at_ash.version == at_birch.version == 1

    ash.run(ash.sessions.update, session_id, _note(at_ash.data, "Ash: calf better."), 1)
    with pytest.raises(EditConflictError) as caught:
        birch.run(birch.sessions.update, session_id,
                  _note(at_birch.data, "Birch: calf worse at night."), 1)

    conflict = caught.value.conflict
    assert caught.value.kind is ErrorKind.CONFLICT  # existing CONFLICT handling still applies
    assert (conflict.kind, conflict.record_id) == ("session", session_id)
    assert conflict.mine.notes == "Birch: calf worse at night."
    assert conflict.theirs.notes == "Ash: calf better."
    assert (conflict.base_version, conflict.their_version) == (1, 2)
    assert conflict.their_author == "Dr Ash"
    assert conflict.their_saved_at is not None
    assert conflict.differing == ("notes",)
    # Nothing was overwritten, seen from either connection.
    for station in (ash, birch):
        stored = station.run(station.sessions.get, session_id)
        assert (stored.data.notes, stored.version) == ("Ash: calf better.", 2)


def test_the_second_profile_save_gets_the_conflict_with_both_versions(
    pair: tuple[Workstation, Workstation],
) -> None:
    ash, birch = pair
    patient_id = ash.run(ash.patients.create, ann(phone="0100")).id
    at_ash = ash.run(ash.patients.get, patient_id)
    at_birch = birch.run(birch.patients.get, patient_id)

    ash.run(ash.patients.update, patient_id,
            dataclasses.replace(at_ash.data, phone="0111", notes="Moved house."), 1)
    mine = dataclasses.replace(at_birch.data, phone="0222")
    with pytest.raises(EditConflictError) as caught:
        birch.run(birch.patients.update, patient_id, mine, 1)

    conflict = caught.value.conflict
    assert conflict.mine == mine
    assert (conflict.theirs.phone, conflict.theirs.notes) == ("0111", "Moved house.")
    assert conflict.differing == ("phone", "notes")
    assert (conflict.their_version, conflict.their_author) == (2, "Dr Ash")
    for station in (ash, birch):
        stored = station.run(station.patients.get, patient_id)
        assert (stored.data.phone, stored.version) == ("0111", 2)


def test_keeping_mine_saves_on_their_version_and_is_audited_as_an_override(
    pair: tuple[Workstation, Workstation],
) -> None:
    ash, birch = pair
    patient_id, session_id = _session(ash)
    at_birch = birch.run(birch.sessions.get, session_id)
    at_ash = ash.run(ash.sessions.get, session_id)
    ash.run(ash.sessions.update, session_id, _note(at_ash.data, "Ash's."), 1)
    mine = _note(at_birch.data, "Birch's.")
    with pytest.raises(EditConflictError) as caught:
        birch.run(birch.sessions.update, session_id, mine, 1)

    kept = birch.run(birch.sessions.update, session_id, mine,
                     caught.value.conflict.their_version, resolution=ConflictChoice.KEEP_MINE)

    assert (kept.data.notes, kept.version) == ("Birch's.", 3)
    with birch.active():
        last = AuditRow.select().order_by(AuditRow.seq.desc()).first()
    assert (last.action, last.practitioner, last.entity_id, last.patient_id) == (
        "override", "Dr Birch", session_id, patient_id)
    assert last.detail == "keep_mine: saved over version 2"


def test_a_merge_is_saved_on_their_version_and_audited(
    pair: tuple[Workstation, Workstation],
) -> None:
    ash, birch = pair
    patient_id = ash.run(ash.patients.create, ann()).id
    at_birch = birch.run(birch.patients.get, patient_id)
    ash.run(ash.patients.update, patient_id, ann(notes="Ash's notes."), 1)
    with pytest.raises(EditConflictError) as caught:
        birch.run(birch.patients.update, patient_id,
                  dataclasses.replace(at_birch.data, notes="Birch's notes."), 1)
    merged = dataclasses.replace(caught.value.conflict.theirs,
                                 notes="Ash's notes.\n\nBirch's notes.")

    saved = birch.run(birch.patients.update, patient_id, merged, 2,
                      resolution=ConflictChoice.MERGE)

    assert (saved.data.notes, saved.version) == ("Ash's notes.\n\nBirch's notes.", 3)
    with ash.active():
        actions = [r.action for r in AuditRow.select().where(AuditRow.patient_id == patient_id)
                   .order_by(AuditRow.seq)]
    assert actions[-2:] == ["update", "merge"]


def test_a_stale_save_after_a_merge_still_conflicts(
    pair: tuple[Workstation, Workstation],
) -> None:
    """Settling one conflict moves the version on again: a third, older form conflicts."""
    ash, birch = pair
    patient_id = ash.run(ash.patients.create, ann()).id
    ash.run(ash.patients.update, patient_id, ann(notes="One."), 1)
    birch.run(birch.patients.update, patient_id, ann(notes="Two."), 2,
              resolution=ConflictChoice.KEEP_MINE)
    with pytest.raises(EditConflictError) as caught:
        ash.run(ash.patients.update, patient_id, ann(notes="Three."), 2)
    assert (caught.value.conflict.theirs.notes, caught.value.conflict.their_version) == (
        "Two.", 3)


def test_a_refused_save_writes_nothing_at_all(pair: tuple[Workstation, Workstation]) -> None:
    ash, birch = pair
    _, session_id = _session(ash)
    at_birch = birch.run(birch.sessions.get, session_id)
    ash.run(ash.sessions.update, session_id, _note(at_birch.data, "Ash."), 1)
    with ash.active():
        before = (AuditRow.select().count(), list(SessionRow.select().dicts()),
                  list(PatientRow.select().dicts()))

    with pytest.raises(EditConflictError):
        birch.run(birch.sessions.update, session_id,
                  dataclasses.replace(at_birch.data, notes="Birch.", plan="Other plan."), 1)

    with ash.active():
        after = (AuditRow.select().count(), list(SessionRow.select().dicts()),
                 list(PatientRow.select().dicts()))
    assert after == before


def test_a_save_of_a_record_deleted_elsewhere_is_not_found(
    pair: tuple[Workstation, Workstation],
) -> None:
    ash, _ = pair
    with pytest.raises(KnownError) as caught:
        ash.run(ash.sessions.update, 999, full_session(), 1)
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert not isinstance(caught.value, EditConflictError)


def test_archiving_moves_the_version_on_so_an_open_form_conflicts(
    pair: tuple[Workstation, Workstation],
) -> None:
    ash, birch = pair
    patient_id = ash.run(ash.patients.create, ann()).id
    birch.run(birch.patients.archive, patient_id)
    with pytest.raises(EditConflictError) as caught:
        ash.run(ash.patients.update, patient_id, ann(phone="1"), 1)
    assert caught.value.conflict.their_version == 2


# --- interleavings --------------------------------------------------------------------

STEPS = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(("load", "save", "save"))),
                 min_size=1, max_size=14)


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_interleaved_saves_never_lose_an_acknowledged_write(
    engine: str, steps: list[tuple[int, str]], request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Three workstations load and save one session in any order. Every save either is
    acknowledged or is refused with the stored text as theirs; each acknowledged save
    started from the version the previous acknowledged save produced (so its author had
    seen it), and the stored note is the last acknowledged one."""
    folder = tmp_path_factory.mktemp("interleaved")
    with workstations(request, engine, folder, ("Dr Ash", "Dr Birch", "Dr Cedar")) as stations:
        _, session_id = _session(stations[0])
        loaded = {i: s.run(s.sessions.get, session_id) for i, s in enumerate(stations)}
        acknowledged: list[tuple[int, int, str]] = []  # (based on, saved as, text)
        for number, (who, step) in enumerate(steps):
            station = stations[who]
            if step == "load":
                loaded[who] = station.run(station.sessions.get, session_id)
                continue
            text = f"{station.name}, edit {number}."
            base = loaded[who]
            try:
                saved = station.run(station.sessions.update, session_id,
                                    _note(base.data, text), base.version)
            except EditConflictError as exc:
                conflict = exc.conflict
                assert conflict.mine.notes == text
                assert conflict.theirs.notes == (acknowledged[-1][2] if acknowledged
                                                 else "First note.")
                assert conflict.their_version == 1 + len(acknowledged) > base.version
                continue
            acknowledged.append((base.version, saved.version, text))
            loaded[who] = saved
        for k, (based_on, saved_as, _) in enumerate(acknowledged):
            assert (based_on, saved_as) == (1 + k, 2 + k)
        for station in stations:
            stored = station.run(station.sessions.get, session_id)
            assert stored.data.notes == (acknowledged[-1][2] if acknowledged else "First note.")
            assert stored.version == 1 + len(acknowledged)


# --- truly simultaneous saves ----------------------------------------------------------


def test_simultaneous_saves_from_two_threads_one_wins_one_conflicts(
    db_path: Path, patients: PatientService,
) -> None:
    """Two threads (each gets its own connection from the one database object) load the
    same version and save at the same moment, ten times over: each time exactly one save
    is acknowledged and the other is refused with the winner's text as theirs."""
    sessions = SessionService(clock=lambda: NOW, local_clock=lambda: NOW)
    patient_id = patients.create(ann()).id
    session_id = sessions.create(patient_id, full_session(notes="Start.")).id
    for round_number in range(10):
        loaded = sessions.get(session_id)
        start = threading.Barrier(2)

        def save(text: str, loaded: Session = loaded,
                 start: threading.Barrier = start) -> object:
            start.wait()
            try:
                return sessions.update(session_id, _note(loaded.data, text), loaded.version)
            except EditConflictError as exc:
                return exc
            finally:
                database.close()  # this thread's own connection

        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(save, [f"A{round_number}", f"B{round_number}"]))

        saved = [o for o in outcomes if isinstance(o, Session)]
        refused = [o for o in outcomes if isinstance(o, EditConflictError)]
        assert (len(saved), len(refused)) == (1, 1), outcomes
        assert refused[0].conflict.theirs.notes == saved[0].data.notes
        assert refused[0].conflict.their_version == saved[0].version == loaded.version + 1
        assert sessions.get(session_id).data.notes == saved[0].data.notes


# --- what an acknowledged save returns -------------------------------------------------


def test_an_acknowledged_save_returns_exactly_what_is_stored(
    db_path: Path, patients: PatientService, clock: FakeClock,
) -> None:
    """`update` builds its answer from what it wrote instead of reading it all back; for
    open, finalising and amending saves (with measures, PSFS ratings and points) that
    answer must be what `get` reads."""
    from practitioner.domain.outcomes import SessionMeasures
    from practitioner.services.outcomes import OutcomeService

    sessions = SessionService(clock=clock, local_clock=lambda: NOW, user=lambda: "Dr Ash")
    patient_id = patients.create(ann()).id
    walk, sleep = (a.id for a in OutcomeService(clock=clock).set_psfs_activities(
        patient_id, ["Walking", "Sleeping"]))
    created = sessions.create(patient_id, full_session(notes="One."))
    steps = [
        dict(notes="Two.", measures=dataclasses.replace(
            created.data.measures, psfs=((walk, 3.0), (sleep, 5.0)))),
        dict(notes="Three.", practitioner="  Dr Birch  "),
        dict(notes="Four."),
    ]
    current = created
    for number, changes in enumerate(steps):
        clock.advance(minutes=5, microseconds=123457)
        saved = sessions.update(current.id, dataclasses.replace(current.data, **changes),
                                current.version, finalise=number == 1,
                                reason="Corrected." if number == 2 else "",
                                private=number == 1)
        assert saved == sessions.get(current.id)
        current = saved
    assert current.final and len(current.revisions) == 1
    assert isinstance(current.data.measures, SessionMeasures)


def test_an_acknowledged_profile_save_returns_exactly_what_is_stored(
    db_path: Path, patients: PatientService, clock: FakeClock,
) -> None:
    from practitioner.domain.patient import (
        Condition,
        CrampProfile,
        CrampSite,
        Lifestyle,
        Medication,
        MuscleGroup,
        Side,
    )
    from practitioner.domain.screen import RedFlagScreen

    created = patients.create(ann())
    calf = CrampSite(MuscleGroup.CALF_GASTROCNEMIUS, Side.LEFT)
    foot = CrampSite(MuscleGroup.FOOT_PLANTAR, Side.BOTH)
    typed = ann(
        name="  Ann  Lee ", phone=" 0100 ", email="ann@example.org ", address=" 1 Lane\n",
        notes="  Keeps spaces.  ", conditions=frozenset({Condition.KIDNEY_DISEASE}),
        profile=CrampProfile(sites=(foot, calf, foot), frequency_per_week=3,
                             duration_minutes=2.5, worst_severity=7),
        medications=(Medication(" Indapamide ", " 2.5 mg ", None),),
        lifestyle=Lifestyle(exercise=" walking ", fluid_litres_per_day=1.5),
        screen=RedFlagScreen(dark_urine=True),
    )
    clock.advance(minutes=3, microseconds=654321)
    saved = patients.update(created.id, typed, created.version)
    assert saved == patients.get(created.id)
    archived = patients.archive(created.id)
    again = patients.update(created.id, dataclasses.replace(typed, notes="x"),
                            archived.version)
    assert again == patients.get(created.id) and again.archived

"""SessionService against a real, migrated SQLite file: record, sign, amend, carry forward."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import peewee
import pytest
from playhouse.test_utils import count_queries

from practitioner.db.base import database
from practitioner.db.dialect import portable
from practitioner.db.models import (
    DraftRow,
    SessionCodeRow,
    SessionPointRow,
    SessionRevisionRow,
    SessionRow,
)
from practitioner.domain.demo_sessions import DEMO_PRACTITIONER
from practitioner.domain.serialize import EXPORT_VERSION
from practitioner.domain.session import (
    NeedledPoint,
    Pattern,
    Pulse,
    SessionInput,
    SessionStatus,
    Tongue,
)
from practitioner.domain.session_serialize import session_to_dict
from practitioner.domain.validation import ValidationError
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.demo import fill_demo
from practitioner.services.drafts import DraftService
from practitioner.services.export import export_json
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import NOW, TODAY, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import VISIT, full_session

UTC_NOW = NOW.replace(tzinfo=dt.UTC)
BORN = dt.date(1975, 3, 14)  # Ann Lee's birthday, from `ann()`.


class User:
    """Who the service thinks is working; tests change `name` between calls."""

    def __init__(self, name: str = "Dr Lee") -> None:
        self.name = name

    def __call__(self) -> str:
        return self.name


@pytest.fixture
def user() -> User:
    return User()


@pytest.fixture
def sessions(patients: PatientService, clock: FakeClock, user: User) -> SessionService:
    """A SessionService on the test's records file; UTC and wall clock both `clock`."""
    return SessionService(clock=clock, local_clock=clock, user=user)


@pytest.fixture
def patient_id(patients: PatientService) -> int:
    return patients.create(ann()).id


@pytest.fixture
def drafts(clock: FakeClock, db_path: object) -> DraftService:
    return DraftService(clock=clock)


def _row_counts() -> dict[str, int]:
    return {
        model.__name__: model.select().count()
        for model in (SessionRow, SessionCodeRow, SessionPointRow, SessionRevisionRow)
    }


def _amend(data: SessionInput, text: str) -> SessionInput:
    return dataclasses.replace(data, plan=text)


# --- create and get -----------------------------------------------------------------------


def test_every_field_of_the_full_session_differs_from_its_default() -> None:
    # Guards the round-trip test: a field left at its default would prove nothing.
    data = full_session()
    for part, default in (
        (data, SessionInput(started_at=VISIT)),
        (data.tongue, Tongue()),
        (data.pulse, Pulse()),
    ):
        for field in dataclasses.fields(part):
            if field.name != "started_at":
                assert getattr(part, field.name) != getattr(default, field.name), field.name
    for field in dataclasses.fields(NeedledPoint):
        if field.name != "code":
            values = {getattr(point, field.name) for point in data.points}
            assert values - {field.default}, field.name
    assert any(not qualities for _, _, qualities in data.pulse.positions)


def test_create_then_get_round_trips_every_field(
    sessions: SessionService, patient_id: int
) -> None:
    data = full_session()

    created = sessions.create(patient_id, data)
    loaded = sessions.get(created.id)

    assert loaded == created
    assert loaded.data == data
    assert [p.code for p in loaded.data.points] == ["LR3", "GB34", "BL57", "SP6", "Anmian"]
    assert loaded.data.pulse.positions == data.pulse.positions
    assert loaded.patient_id == patient_id
    assert loaded.status is SessionStatus.OPEN
    assert (loaded.version, loaded.finalised_at, loaded.finalised_by) == (1, None, "")
    assert loaded.created_at == loaded.updated_at == UTC_NOW
    assert loaded.revisions == ()


def test_get_of_a_missing_session_is_not_found(sessions: SessionService) -> None:
    with pytest.raises(KnownError) as caught:
        sessions.get(404)
    assert caught.value.kind is ErrorKind.NOT_FOUND


def test_create_for_a_missing_patient_is_not_found(sessions: SessionService) -> None:
    with pytest.raises(KnownError) as caught:
        sessions.create(404, full_session())
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert _row_counts()["SessionRow"] == 0


def test_timeline_is_newest_first_with_patterns_and_point_codes(
    sessions: SessionService, patient_id: int, patients: PatientService
) -> None:
    other = patients.create(ann(name="Bob Ray"))
    sessions.create(other.id, full_session(VISIT - dt.timedelta(days=1)))
    first = sessions.create(
        patient_id,
        full_session(
            VISIT - dt.timedelta(days=14),
            patterns=frozenset({Pattern.COLD_IN_LIVER_CHANNEL}),
            points=(NeedledPoint("LR3"), NeedledPoint("BL23")),
        ),
    )
    latest = sessions.create(patient_id, full_session(VISIT), finalise=True)
    middle = sessions.create(
        patient_id, full_session(VISIT - dt.timedelta(days=7), patterns=frozenset())
    )

    timeline = sessions.timeline(patient_id)

    assert [s.id for s in timeline] == [latest.id, middle.id, first.id]
    assert [s.started_at for s in timeline] == [
        VISIT, VISIT - dt.timedelta(days=7), VISIT - dt.timedelta(days=14)
    ]
    assert timeline[0].patterns == (Pattern.LIVER_BLOOD_DEFICIENCY, Pattern.OTHER)
    assert timeline[0].point_codes == ("LR3", "GB34", "BL57", "SP6", "Anmian")
    assert timeline[0].status is SessionStatus.FINAL
    assert timeline[1].patterns == ()
    assert timeline[2].patterns == (Pattern.COLD_IN_LIVER_CHANNEL,)
    assert timeline[2].point_codes == ("LR3", "BL23")
    assert not any(s.amended for s in timeline)


# --- validation ---------------------------------------------------------------------------


def _with_point(**changes: object) -> SessionInput:
    point = dataclasses.replace(NeedledPoint("GB34", retention_minutes=20), **changes)  # type: ignore[arg-type]
    return full_session(points=(NeedledPoint("LR3"), point))


@pytest.mark.parametrize(
    ("data", "finalise", "field"),
    [
        (full_session(dt.datetime.combine(BORN - dt.timedelta(days=1), dt.time(9))), False,
         "started_at"),
        (full_session(NOW + dt.timedelta(days=1, minutes=1)), False, "started_at"),
        (_with_point(retention_minutes=121), False, "points.1"),
        (_with_point(retention_minutes=-1), False, "points.1"),
        (_with_point(electro_hz=0.0), False, "points.1"),
        (SessionInput(started_at=VISIT, practitioner="Dr Lee", duration_minutes=30), True,
         "session"),
    ],
    ids=["before-birth", "over-a-day-ahead", "retention-121", "retention-minus-1", "ea-0-hz",
         "finalising-empty"],
)
def test_invalid_sessions_are_refused_and_nothing_is_written(
    sessions: SessionService, patient_id: int, data: SessionInput, finalise: bool, field: str
) -> None:
    before = _row_counts()
    with pytest.raises(ValidationError) as caught:
        sessions.create(patient_id, data, finalise=finalise)
    assert [e.field for e in caught.value.errors] == [field]
    assert _row_counts() == before == dict.fromkeys(before, 0)


def test_the_limits_themselves_are_accepted(sessions: SessionService, patient_id: int) -> None:
    born_day = dt.datetime.combine(BORN, dt.time(0, 0))
    a_day_ahead = NOW + dt.timedelta(days=1)
    for started_at in (born_day, a_day_ahead):
        sessions.create(patient_id, full_session(started_at))
    for retention in (0, 120):
        sessions.create(patient_id, _with_point(retention_minutes=retention))
    assert len(sessions.timeline(patient_id)) == 4


def test_an_invalid_update_changes_nothing(sessions: SessionService, patient_id: int) -> None:
    created = sessions.create(patient_id, full_session())
    with pytest.raises(ValidationError):
        sessions.update(created.id, _with_point(retention_minutes=121), created.version)
    assert sessions.get(created.id) == created


def test_an_empty_open_session_may_be_saved_but_not_finalised(
    sessions: SessionService, patient_id: int
) -> None:
    empty = sessions.create(patient_id, sessions.blank())
    with pytest.raises(ValidationError) as caught:
        sessions.finalise(empty.id, empty.version)
    assert [e.field for e in caught.value.errors] == ["session"]
    assert sessions.get(empty.id).status is SessionStatus.OPEN


# --- finalise and amend -------------------------------------------------------------------


def test_finalise_signs_with_the_user_and_the_time(
    sessions: SessionService, patient_id: int, clock: FakeClock, user: User
) -> None:
    created = sessions.create(patient_id, full_session())
    signed_at = clock.advance(minutes=50)
    user.name = "Dr Kim"

    signed = sessions.finalise(created.id, created.version)

    assert signed.status is SessionStatus.FINAL
    assert signed.final
    assert signed.finalised_at == signed_at.replace(tzinfo=dt.UTC)
    assert signed.finalised_by == "Dr Kim"
    assert signed.version == 2
    assert signed.data == created.data
    assert signed.revisions == ()
    assert sessions.get(created.id) == signed


def test_finalising_again_keeps_the_first_signature(
    sessions: SessionService, patient_id: int, clock: FakeClock, user: User
) -> None:
    signed = sessions.create(patient_id, full_session(), finalise=True)
    clock.advance(days=1)
    user.name = "Dr Kim"

    again = sessions.finalise(signed.id, signed.version)

    assert (again.finalised_at, again.finalised_by) == (UTC_NOW, "Dr Lee")
    assert again.revisions == ()


def test_create_can_finalise_at_once(
    sessions: SessionService, patient_id: int, user: User
) -> None:
    signed = sessions.create(patient_id, full_session(), finalise=True)
    assert (signed.status, signed.finalised_at, signed.finalised_by) == (
        SessionStatus.FINAL, UTC_NOW, user.name
    )


def test_amending_keeps_each_superseded_text_with_who_when_and_why(
    sessions: SessionService, patient_id: int, clock: FakeClock, user: User
) -> None:
    original = sessions.create(patient_id, full_session(), finalise=True)  # Dr Lee at NOW
    first_at = clock.advance(days=2)
    user.name = "Dr Kim"
    once = sessions.update(original.id, _amend(original.data, "Fortnightly."),
                           original.version, reason="Plan was mistyped")
    second_at = clock.advance(hours=3)
    user.name = "Dr Park"
    twice = sessions.update(once.id, _amend(once.data, "Monthly."), once.version,
                            reason="  Patient moving away  ")

    assert twice.data.plan == "Monthly."
    assert twice.status is SessionStatus.FINAL
    assert (twice.finalised_at, twice.finalised_by) == (UTC_NOW, "Dr Lee")
    assert twice.version == 3
    first, second = twice.revisions
    assert (first.number, first.data) == (1, original.data)
    assert (first.recorded_at, first.recorded_by) == (UTC_NOW, "Dr Lee")
    assert (first.replaced_at, first.replaced_by) == (first_at.replace(tzinfo=dt.UTC), "Dr Kim")
    assert first.reason == "Plan was mistyped"
    assert (second.number, second.data) == (2, once.data)
    assert (second.recorded_at, second.recorded_by) == (first.replaced_at, first.replaced_by)
    assert (second.replaced_at, second.replaced_by) == (
        second_at.replace(tzinfo=dt.UTC), "Dr Park"
    )
    assert second.reason == "Patient moving away"
    assert sessions.get(original.id) == twice
    assert [s.amended for s in sessions.timeline(patient_id)] == [True]


def test_amending_with_identical_data_adds_no_revision(
    sessions: SessionService, patient_id: int, clock: FakeClock
) -> None:
    signed = sessions.create(patient_id, full_session(), finalise=True)
    clock.advance(minutes=5)

    again = sessions.update(signed.id, signed.data, signed.version, reason="No change")

    assert again.revisions == ()
    assert again.data == signed.data
    assert _row_counts()["SessionRevisionRow"] == 0


def test_amending_with_what_only_differs_before_storage_adds_no_revision(
    sessions: SessionService, patient_id: int
) -> None:
    # The form may hand back the practitioner with stray spaces or a time with
    # microseconds; both are normalised when stored, so nothing was really changed.
    signed = sessions.create(patient_id, full_session(), finalise=True)
    same = dataclasses.replace(
        signed.data,
        practitioner=f"  {signed.data.practitioner} ",
        started_at=signed.data.started_at.replace(microsecond=123),
    )

    again = sessions.update(signed.id, same, signed.version)

    assert again.revisions == ()
    assert again.data == signed.data


def test_updating_an_open_session_keeps_no_revision(
    sessions: SessionService, patient_id: int
) -> None:
    created = sessions.create(patient_id, full_session())
    changed = sessions.update(created.id, _amend(created.data, "Changed."), created.version)
    assert (changed.data.plan, changed.version, changed.revisions) == ("Changed.", 2, ())
    assert changed.status is SessionStatus.OPEN


def test_a_stale_version_is_a_conflict_and_changes_nothing(
    sessions: SessionService, patient_id: int
) -> None:
    created = sessions.create(patient_id, full_session())
    newer = sessions.update(created.id, _amend(created.data, "First edit."), created.version)

    with pytest.raises(KnownError) as caught:
        sessions.update(created.id, _amend(created.data, "Second edit."), created.version)

    assert caught.value.kind is ErrorKind.CONFLICT
    assert sessions.get(created.id) == newer


def test_update_of_a_missing_session_is_not_found(sessions: SessionService) -> None:
    with pytest.raises(KnownError) as caught:
        sessions.update(404, full_session(), 1)
    assert caught.value.kind is ErrorKind.NOT_FOUND


# --- drafts go with the save --------------------------------------------------------------


def test_creating_a_session_drops_the_patients_new_session_draft_only(
    sessions: SessionService, drafts: DraftService, patient_id: int, patients: PatientService
) -> None:
    other = patients.create(ann(name="Bob Ray")).id
    existing = sessions.create(patient_id, full_session())
    drafts.save(patient_id, None, {"plan": "typed"})
    drafts.save(patient_id, existing.id, {"plan": "editing"})
    drafts.save(other, None, {"plan": "someone else"})

    sessions.create(patient_id, full_session())

    assert drafts.get(patient_id, None) is None
    assert drafts.get(patient_id, existing.id) is not None
    assert drafts.get(other, None) is not None


def test_updating_a_session_drops_that_sessions_draft_only(
    sessions: SessionService, drafts: DraftService, patient_id: int
) -> None:
    edited = sessions.create(patient_id, full_session())
    untouched = sessions.create(patient_id, full_session())
    drafts.save(patient_id, edited.id, {"plan": "editing"})
    drafts.save(patient_id, untouched.id, {"plan": "also editing"})
    drafts.save(patient_id, None, {"plan": "new visit"})

    sessions.update(edited.id, _amend(edited.data, "Saved."), edited.version)

    assert drafts.get(patient_id, edited.id) is None
    assert drafts.get(patient_id, untouched.id) is not None
    assert drafts.get(patient_id, None) is not None


def test_a_failed_create_keeps_the_draft(
    sessions: SessionService, drafts: DraftService, patient_id: int
) -> None:
    drafts.save(patient_id, None, {"plan": "typed"})
    with pytest.raises(ValidationError):
        sessions.create(patient_id, _with_point(retention_minutes=121))
    assert drafts.get(patient_id, None) is not None


@pytest.mark.parametrize("failure", ["invalid", "stale"])
def test_a_failed_update_keeps_the_draft(
    sessions: SessionService, drafts: DraftService, patient_id: int, failure: str
) -> None:
    created = sessions.create(patient_id, full_session())
    drafts.save(patient_id, created.id, {"plan": "editing"})
    data, version = _with_point(retention_minutes=121), created.version
    if failure == "stale":
        data, version = full_session(), created.version + 1
    with pytest.raises((ValidationError, KnownError)):
        sessions.update(created.id, data, version)
    assert drafts.get(patient_id, created.id) is not None


def test_the_draft_is_dropped_in_the_same_transaction_as_the_save(
    sessions: SessionService, drafts: DraftService, patient_id: int
) -> None:
    drafts.save(patient_id, None, {"plan": "typed"})
    with pytest.raises(RuntimeError), database.atomic():
        sessions.create(patient_id, full_session())
        raise RuntimeError("the surrounding transaction fails after the save")
    assert sessions.timeline(patient_id) == []
    assert drafts.get(patient_id, None) is not None


# --- carrying a visit forward -------------------------------------------------------------


def test_from_last_visit_carries_the_treatment_but_not_the_findings(
    sessions: SessionService, patient_id: int, clock: FakeClock, user: User
) -> None:
    sessions.create(patient_id, full_session(VISIT - dt.timedelta(days=7), plan="Older."))
    latest = sessions.create(patient_id, full_session())
    now = clock.advance(days=6)
    user.name = "Dr Kim"

    data, previous = sessions.from_last_visit(patient_id)

    assert previous == latest
    old = latest.data
    assert (data.patterns, data.pattern_other) == (old.patterns, old.pattern_other)
    assert (data.principles, data.principle_notes) == (old.principles, old.principle_notes)
    assert data.points == old.points
    assert (data.advice, data.advice_notes) == (old.advice, old.advice_notes)
    assert (data.started_at, data.practitioner) == (now, "Dr Kim")
    assert data.tongue == Tongue()
    assert data.pulse == Pulse()
    assert (data.notes, data.course_since_last, data.patient_report) == ("", "", "")
    assert (data.plan, data.next_visit, data.modalities) == ("", None, frozenset())


def test_from_last_visit_without_visits_is_a_blank_one(
    sessions: SessionService, patient_id: int, user: User
) -> None:
    data, previous = sessions.from_last_visit(patient_id)
    assert previous is None
    assert data == SessionInput(started_at=NOW, practitioner=user.name)


# --- the database's own guards ------------------------------------------------------------


def test_kept_revisions_cannot_be_rewritten_with_raw_sql(
    sessions: SessionService, patient_id: int
) -> None:
    signed = sessions.create(patient_id, full_session(), finalise=True)
    amended = sessions.update(signed.id, _amend(signed.data, "New."), signed.version,
                              reason="Fix")

    with pytest.raises(peewee.IntegrityError, match="cannot be changed"):
        database.execute_sql("UPDATE session_revision SET reason = 'forged'")

    assert sessions.get(signed.id).revisions == amended.revisions


def _insert_session(patient_id: int, **values: object) -> None:
    """A session row written past the service (peewee fills the column defaults only)."""
    SessionRow.insert(
        patient=patient_id, started_at=VISIT, created_at=NOW, updated_at=NOW, **values
    ).execute()


def test_the_database_refuses_a_final_session_without_a_signing_time(patient_id: int) -> None:
    _insert_session(patient_id, status="open")  # The same row, open, is fine.
    with pytest.raises(peewee.IntegrityError, match=r"(?i)check"):
        _insert_session(patient_id, status="final", finalised_at=None)
    assert SessionRow.select().count() == 1


@pytest.mark.parametrize(("retention", "accepted"), [(120, True), (121, False), (-1, False)])
def test_the_database_refuses_a_point_retained_out_of_range(
    patient_id: int, retention: int, accepted: bool
) -> None:
    _insert_session(patient_id)
    session_id = SessionRow.select().get().id
    insert = (
        "INSERT INTO session_point (session_id, position, code, side, technique, "
        "retention_minutes, custom) VALUES (?, 0, 'GB34', 'bilateral', 'even', ?, FALSE)"
    )
    if accepted:
        database.execute_sql(portable(insert), (session_id, retention))
    else:
        with pytest.raises(peewee.IntegrityError, match=r"(?i)check"):
            database.execute_sql(portable(insert), (session_id, retention))
    assert SessionPointRow.select().count() == int(accepted)


# --- loading many, export -----------------------------------------------------------------


def _fill(patients: PatientService, sessions: SessionService, count: int, seed: int) -> None:
    fill_demo(patients, count, seed, today=TODAY, sessions=sessions)


def test_for_patients_loads_the_same_sessions_as_get_oldest_first(
    patients: PatientService, sessions: SessionService
) -> None:
    _fill(patients, sessions, 6, seed=5)
    lonely = patients.create(ann(name="No Visits")).id
    ids = [p.id for p in patients.list_patients()]

    loaded = sessions.for_patients([*ids, 404])

    assert loaded.keys() == {*ids, 404}
    assert loaded[lonely] == loaded[404] == []
    for patient_id in ids:
        if patient_id == lonely:
            continue
        timeline = sessions.timeline(patient_id)
        assert timeline
        assert loaded[patient_id] == [sessions.get(s.id) for s in reversed(timeline)]


def test_for_patients_uses_a_constant_number_of_queries(
    patients: PatientService, sessions: SessionService
) -> None:
    def count(ids: list[int]) -> tuple[int, int]:
        with count_queries() as counter:
            loaded = sessions.for_patients(ids)
        return counter.count, sum(len(v) for v in loaded.values())

    _fill(patients, sessions, 2, seed=21)
    few, few_sessions = count([p.id for p in patients.list_patients()])
    _fill(patients, sessions, 20, seed=22)
    many, many_sessions = count([p.id for p in patients.list_patients()])

    assert 0 < few_sessions < many_sessions
    # Sessions, codes, points, revisions, measure values, PSFS ratings.
    assert few == many <= 6


def test_for_patients_keeps_amended_revisions(
    sessions: SessionService, patient_id: int
) -> None:
    signed = sessions.create(patient_id, full_session(), finalise=True)
    amended = sessions.update(signed.id, _amend(signed.data, "New."), signed.version,
                              reason="Fix")
    assert sessions.for_patients([patient_id]) == {patient_id: [amended]}


def test_export_json_holds_each_patients_sessions_oldest_first(
    patients: PatientService, sessions: SessionService
) -> None:
    _fill(patients, sessions, 4, seed=8)
    lonely = patients.create(ann(name="No Visits")).id

    document = json.loads(export_json(patients, sessions=sessions))

    assert document["format_version"] == EXPORT_VERSION
    for record in document["patients"]:
        expected = [{**session_to_dict(s), "references": []}
                    for s in sessions.for_patients([record["id"]])[record["id"]]]
        assert record["sessions"] == expected
        assert (record["sessions"] == []) == (record["id"] == lonely)
        starts = [s["started_at"] for s in record["sessions"]]
        assert starts == sorted(starts)


def test_export_json_of_one_patient_holds_only_their_sessions(
    patients: PatientService, sessions: SessionService, patient_id: int
) -> None:
    other = patients.create(ann(name="Bob Ray")).id
    mine = sessions.create(patient_id, full_session())
    sessions.create(other, full_session())

    document = json.loads(export_json(patients, patient_id, sessions))

    (record,) = document["patients"]
    assert [s["id"] for s in record["sessions"]] == [mine.id]
    session = record["sessions"][0]
    assert session["points"][1] == {
        "code": "GB34", "side": "bilateral", "technique": "even", "retention_minutes": 25,
        "electro_hz": 2.5, "custom": False,
    }
    assert session["pulse"]["positions"][0] == {
        "hand": "left", "position": "guan", "qualities": ["thready", "wiry"]
    }


def test_export_json_uses_a_constant_number_of_queries(
    patients: PatientService, sessions: SessionService
) -> None:
    def count() -> int:
        with count_queries() as counter:
            export_json(patients, sessions=sessions)
        return counter.count

    _fill(patients, sessions, 3, seed=31)
    few = count()
    _fill(patients, sessions, 15, seed=32)
    assert count() == few


# --- demo fill ----------------------------------------------------------------------------


def test_fill_demo_adds_valid_sessions_signing_all_but_maybe_the_latest(
    patients: PatientService, sessions: SessionService
) -> None:
    added = fill_demo(patients, 12, seed=3, today=TODAY, sessions=sessions,
                      sessions_per_patient=(2, 5))

    assert added.patients == 12
    loaded = sessions.for_patients(p.id for p in patients.list_patients())
    assert added.sessions == sum(len(v) for v in loaded.values()) == SessionRow.select().count()
    open_latest = 0
    for visits in loaded.values():
        assert 1 <= len(visits) <= 5
        assert all(v.final for v in visits[:-1])
        open_latest += not visits[-1].final
        assert all(v.data.practitioner == DEMO_PRACTITIONER for v in visits)
        assert all(v.data.started_at.date() < TODAY for v in visits)
    assert 0 < open_latest < 12


def _without_activity_ids(data: SessionInput) -> SessionInput:
    # PostgreSQL does not hand out the ids of deleted rows again, SQLite may: compare the
    # PSFS ratings by the activities' order instead.
    psfs = data.measures.psfs
    ids = sorted({activity for activity, _ in psfs})
    measures = dataclasses.replace(
        data.measures, psfs=tuple((ids.index(activity), rating) for activity, rating in psfs))
    return dataclasses.replace(data, measures=measures)


def test_fill_demo_with_the_same_seed_gives_the_same_sessions(
    patients: PatientService, sessions: SessionService
) -> None:
    def visits_by_name() -> dict[str, list[SessionInput]]:
        names = {p.id: p.name for p in patients.list_patients()}
        return {
            names[pid]: [_without_activity_ids(s.data) for s in found]
            for pid, found in sessions.for_patients(names).items()
        }

    fill_demo(patients, 5, seed=9, today=TODAY, sessions=sessions)
    first = visits_by_name()
    database.execute_sql("DELETE FROM patient")  # Cascades to their sessions.
    assert SessionRow.select().count() == 0
    fill_demo(patients, 5, seed=9, today=TODAY, sessions=sessions)

    assert visits_by_name() == first


def test_fill_demo_without_sessions_adds_only_patients(patients: PatientService) -> None:
    added = fill_demo(patients, 3, seed=1, today=TODAY)
    assert (added.patients, added.sessions) == (3, 0)
    assert SessionRow.select().count() == 0


def test_fill_demo_is_one_transaction(
    patients: PatientService, sessions: SessionService, clock: FakeClock
) -> None:
    # With the wall clock far in the past every demo visit is "in the future": the first
    # session fails validation, and the patients already added must go with it.
    clock.current = dt.datetime(2020, 1, 1, 12, 0)
    with pytest.raises(ValidationError):
        fill_demo(patients, 4, seed=2, today=TODAY, sessions=sessions)
    assert patients.count() == 0
    assert DraftRow.select().count() == SessionRow.select().count() == 0

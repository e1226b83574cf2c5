"""Outcome measures recorded with a session: stored in the session's transaction, read
back everywhere a session is, validated against the standard and custom definitions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest
from playhouse.test_utils import count_queries

from practitioner.db.models import (
    SessionMeasureRow,
    SessionPsfsRow,
    SessionRevisionRow,
    SessionRow,
)
from practitioner.domain.outcomes import SessionMeasures
from practitioner.domain.session import SessionInput
from practitioner.domain.validation import ValidationError
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import VISIT, full_session

WEEK = dt.timedelta(days=7)


@pytest.fixture
def sessions(patients: PatientService, clock: FakeClock) -> SessionService:
    return SessionService(clock=clock, local_clock=clock, user=lambda: "Dr Lee")


@pytest.fixture
def outcomes(patients: PatientService, clock: FakeClock) -> OutcomeService:
    return OutcomeService(clock=clock, today=lambda: TODAY)


@pytest.fixture
def patient_id(patients: PatientService) -> int:
    return patients.create(ann()).id


@pytest.fixture
def activities(outcomes: OutcomeService, patient_id: int) -> list[int]:
    found = outcomes.set_psfs_activities(
        patient_id, ["Walking the dog in the morning", "Sleeping through the night"]
    )
    return [a.id for a in found]


def measured(started_at: dt.datetime = VISIT, values: dict[str, float] | None = None,
             psfs: dict[int, float] | None = None) -> SessionInput:
    measures = SessionMeasures(
        values=tuple(sorted((values or {}).items())),
        psfs=tuple(sorted((psfs or {}).items())),
    )
    return full_session(started_at, measures=measures)


def _counts() -> tuple[int, int, int]:
    return (SessionRow.select().count(), SessionMeasureRow.select().count(),
            SessionPsfsRow.select().count())


# --- stored and read back -----------------------------------------------------------------


def test_measures_and_psfs_ratings_round_trip_through_every_reader(
    sessions: SessionService, patient_id: int, activities: list[int]
) -> None:
    walk, sleep = activities
    data = measured(values={"cramps_per_week": 4, "worst_severity": 7,
                            "duration_minutes": 2.5, "disturbed_nights": 3,
                            "sleep_disturbance": 6},
                    psfs={walk: 3, sleep: 5})

    created = sessions.create(patient_id, data)

    assert created.data.measures == data.measures
    assert sessions.get(created.id) == created
    assert sessions.latest(patient_id) == created
    assert sessions.for_patients([patient_id]) == {patient_id: [created]}
    assert _counts() == (1, 5, 2)


def test_measures_come_back_in_code_order_whatever_order_they_were_given(
    sessions: SessionService, patient_id: int, activities: list[int]
) -> None:
    walk, sleep = activities
    data = full_session(measures=SessionMeasures(
        values=(("worst_severity", 7), ("cramps_per_week", 4)),
        psfs=((sleep, 5), (walk, 3)),
    ))
    created = sessions.create(patient_id, data)
    assert created.data.measures == SessionMeasures(
        values=(("cramps_per_week", 4.0), ("worst_severity", 7.0)),
        psfs=((walk, 3.0), (sleep, 5.0)),
    )


def test_update_replaces_the_measures(
    sessions: SessionService, patient_id: int, activities: list[int]
) -> None:
    walk, sleep = activities
    created = sessions.create(patient_id, measured(values={"cramps_per_week": 4,
                                                           "worst_severity": 7},
                                                   psfs={walk: 3, sleep: 5}))
    changed = measured(values={"cramps_per_week": 2}, psfs={sleep: 6})

    updated = sessions.update(created.id, changed, created.version)

    assert updated.data.measures == changed.measures
    assert sessions.get(created.id).data.measures == changed.measures
    assert _counts() == (1, 1, 1)


def test_amending_keeps_the_signed_measures_in_the_revision(
    sessions: SessionService, patient_id: int, activities: list[int]
) -> None:
    walk, _ = activities
    signed = sessions.create(patient_id, measured(values={"worst_severity": 7},
                                                  psfs={walk: 3}), finalise=True)
    amended = sessions.update(signed.id, measured(values={"worst_severity": 6},
                                                  psfs={walk: 4}),
                              signed.version, reason="Misread the scale")

    (revision,) = amended.revisions
    assert revision.data.measures == signed.data.measures
    assert amended.data.measures.get("worst_severity") == 6
    assert sessions.get(signed.id) == amended


def test_amending_with_the_same_measures_in_another_order_adds_no_revision(
    sessions: SessionService, patient_id: int
) -> None:
    signed = sessions.create(patient_id, measured(values={"cramps_per_week": 4,
                                                          "worst_severity": 7}),
                             finalise=True)
    shuffled = dataclasses.replace(signed.data, measures=SessionMeasures(
        values=(("worst_severity", 7), ("cramps_per_week", 4))
    ))
    again = sessions.update(signed.id, shuffled, signed.version)
    assert again.revisions == ()
    assert SessionRevisionRow.select().count() == 0


def test_the_timeline_shows_the_headline_figures(
    sessions: SessionService, patient_id: int
) -> None:
    first = sessions.create(patient_id, measured(VISIT - 2 * WEEK, {"cramps_per_week": 6,
                                                                    "worst_severity": 8}))
    blank = sessions.create(patient_id, measured(VISIT - WEEK, {"duration_minutes": 2}))
    latest = sessions.create(patient_id, measured(VISIT, {"cramps_per_week": 2}))

    timeline = sessions.timeline(patient_id)

    assert [(s.id, s.cramps_per_week, s.worst_severity) for s in timeline] == [
        (latest.id, 2.0, None), (blank.id, None, None), (first.id, 6.0, 8.0)
    ]


def test_the_timeline_reads_in_a_fixed_number_of_queries(
    sessions: SessionService, patient_id: int
) -> None:
    def queries() -> int:
        with count_queries() as counter:
            sessions.timeline(patient_id)
        return int(counter.count)

    sessions.create(patient_id, measured(VISIT - 20 * WEEK, {"cramps_per_week": 6}))
    few = queries()
    for week in range(19):
        sessions.create(patient_id, measured(VISIT - week * WEEK, {"cramps_per_week": 3,
                                                                    "pgic": 3}))
    assert queries() == few


# --- validation at the service ------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [({"worst_severity": 11}, "measures.worst_severity"),
     ({"worst_severity": -1}, "measures.worst_severity"),
     ({"worst_severity": 6.5}, "measures.worst_severity"),
     ({"cramps_per_week": math.nan}, "measures.cramps_per_week"),
     ({"duration_minutes": math.inf}, "measures.duration_minutes"),
     ({"disturbed_nights": 8}, "measures.disturbed_nights"),
     ({"sleep_disturbance": -0.5}, "measures.sleep_disturbance"),
     ({"pgic": 8}, "measures.pgic"),
     ({"no_such_measure": 1}, "measures.no_such_measure"),
     ({"custom:99": 1}, "measures.custom:99")],
    ids=repr,
)
def test_bad_measures_are_refused_and_nothing_is_written(
    sessions: SessionService, patient_id: int, values: dict[str, float], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        sessions.create(patient_id, measured(values=values))
    assert [e.field for e in caught.value.errors] == [field]
    assert _counts() == (0, 0, 0)


def test_a_measure_given_twice_is_refused(sessions: SessionService, patient_id: int) -> None:
    data = full_session(measures=SessionMeasures(values=(("pgic", 2), ("pgic", 3))))
    with pytest.raises(ValidationError) as caught:
        sessions.create(patient_id, data)
    assert "measures.pgic" in [e.field for e in caught.value.errors]
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize("rating", [11, -1, 2.5, math.nan])
def test_a_psfs_rating_out_of_range_is_refused(
    sessions: SessionService, patient_id: int, activities: list[int], rating: float
) -> None:
    walk, sleep = activities
    with pytest.raises(ValidationError) as caught:
        sessions.create(patient_id, measured(psfs={walk: 5, sleep: rating}))
    assert [e.field for e in caught.value.errors] == [f"measures.psfs.{sleep}"]
    assert _counts() == (0, 0, 0)


def test_another_patients_activity_cannot_be_rated(
    sessions: SessionService, outcomes: OutcomeService, patients: PatientService,
    patient_id: int, activities: list[int],
) -> None:
    other = patients.create(ann(name="Bob Ray")).id
    (theirs,) = outcomes.set_psfs_activities(other, ["Running for the bus"])
    with pytest.raises(ValidationError) as caught:
        sessions.create(patient_id, measured(psfs={activities[0]: 5, theirs.id: 5}))
    assert [e.field for e in caught.value.errors] == [f"measures.psfs.{theirs.id}"]
    assert _counts() == (0, 0, 0)


def test_pgic_is_refused_at_the_first_session(
    sessions: SessionService, patient_id: int
) -> None:
    with pytest.raises(ValidationError) as caught:
        sessions.create(patient_id, measured(values={"pgic": 2, "worst_severity": 5}))
    assert [e.field for e in caught.value.errors] == ["measures.pgic"]
    assert "second session" in caught.value.errors[0].message
    assert _counts() == (0, 0, 0)


def test_pgic_is_accepted_from_the_second_session_on(
    sessions: SessionService, patient_id: int
) -> None:
    sessions.create(patient_id, measured(VISIT - WEEK, {"worst_severity": 7}))
    second = sessions.create(patient_id, measured(VISIT, {"pgic": 2}))
    assert second.data.measures.get("pgic") == 2


def test_a_session_dated_before_every_other_one_is_a_first_session(
    sessions: SessionService, patient_id: int
) -> None:
    hour = dt.timedelta(hours=1)
    sessions.create(patient_id, measured(VISIT, {"worst_severity": 7}))
    for started_at in (VISIT - WEEK, VISIT - hour, VISIT):
        with pytest.raises(ValidationError):
            sessions.create(patient_id, measured(started_at, {"pgic": 3}))
    # Later the same day is a second session.
    later = sessions.create(patient_id, measured(VISIT + hour, {"pgic": 3}))
    assert later.data.measures.get("pgic") == 3
    assert _counts() == (2, 2, 0)


def test_updating_a_session_does_not_count_it_as_its_own_earlier_visit(
    sessions: SessionService, patient_id: int
) -> None:
    first = sessions.create(patient_id, measured(VISIT - WEEK, {"worst_severity": 7}))
    second = sessions.create(patient_id, measured(VISIT, {"worst_severity": 5}))

    with pytest.raises(ValidationError) as caught:
        sessions.update(first.id, measured(VISIT - WEEK, {"pgic": 3}), first.version)
    assert [e.field for e in caught.value.errors] == ["measures.pgic"]
    assert sessions.get(first.id) == first

    updated = sessions.update(second.id, measured(VISIT, {"pgic": 3}), second.version)
    assert updated.data.measures.get("pgic") == 3


def test_an_invalid_update_keeps_the_stored_measures(
    sessions: SessionService, patient_id: int, activities: list[int]
) -> None:
    created = sessions.create(patient_id, measured(values={"worst_severity": 7},
                                                   psfs={activities[0]: 4}))
    with pytest.raises(ValidationError):
        sessions.update(created.id, measured(values={"worst_severity": 12}), created.version)
    assert sessions.get(created.id) == created
    assert _counts() == (1, 1, 1)


def test_custom_measures_are_checked_against_their_own_definition(
    sessions: SessionService, outcomes: OutcomeService, patient_id: int
) -> None:
    stairs = outcomes.save_custom_measure("Flights of stairs", "flights", 0, 20, True, False, 2)

    with pytest.raises(ValidationError) as caught:
        sessions.create(patient_id, measured(values={stairs.code: 21}))
    assert [e.field for e in caught.value.errors] == [f"measures.{stairs.code}"]
    with pytest.raises(ValidationError):
        sessions.create(patient_id, measured(values={stairs.code: 2.5}))
    assert _counts() == (0, 0, 0)

    created = sessions.create(patient_id, measured(values={stairs.code: 12}))
    assert created.data.measures.get(stairs.code) == 12

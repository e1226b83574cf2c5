"""Demo records come with outcomes, and the JSON export carries them: measures, PSFS
activities, diary and progress."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from playhouse.test_utils import count_queries

from practitioner.app import DEMO_PATIENTS, DEMO_SEED
from practitioner.db.base import database
from practitioner.db.models import (
    DiaryEntryRow,
    PsfsActivityRow,
    SessionMeasureRow,
    SessionPsfsRow,
    SessionRow,
)
from practitioner.domain.outcome_serialize import progress_to_dict
from practitioner.domain.outcomes import DiaryEntry, Flag, SessionMeasures
from practitioner.domain.serialize import EXPORT_VERSION
from practitioner.domain.validation import ValidationError
from practitioner.services.demo import DEMO_CONFLICTS, fill_demo
from practitioner.services.export import export_json
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import VISIT, full_session


@pytest.fixture
def sessions(patients: PatientService, clock: FakeClock) -> SessionService:
    return SessionService(clock=clock, local_clock=clock, user=lambda: "Dr Lee")


@pytest.fixture
def outcomes(patients: PatientService, clock: FakeClock) -> OutcomeService:
    return OutcomeService(clock=clock, today=lambda: TODAY)


# --- demo ---------------------------------------------------------------------------------


def test_every_demo_visit_has_measures_and_rates_the_patients_activities(
    patients: PatientService, sessions: SessionService, outcomes: OutcomeService
) -> None:
    added = fill_demo(patients, 20, seed=5, today=TODAY, sessions=sessions)

    ids = [p.id for p in patients.list_patients()]
    loaded = sessions.for_patients(ids)
    activities = outcomes.psfs_for_patients(ids)
    diaries = outcomes.diary_for_patients(ids)
    for patient_id in ids:
        visits, mine = loaded[patient_id], activities[patient_id]
        assert visits and 2 <= len(mine) <= 3
        for index, visit in enumerate(visits):
            measures = visit.data.measures
            assert measures.get("cramps_per_week") is not None
            assert (measures.get("pgic") is None) == (index == 0)
            assert [a for a, _ in measures.psfs] == sorted(a.id for a in mine)
        diary = diaries[patient_id]
        if diary:
            first, last = visits[0].data.started_at.date(), visits[-1].data.started_at.date()
            assert first - dt.timedelta(days=28) <= diary[0].day and diary[-1].day < last
    keepers = sum(1 for d in diaries.values() if d)
    assert 0 < keepers < len(ids)
    assert added.diary_days == DiaryEntryRow.select().count() > 0


def test_demo_outcomes_are_the_same_for_the_same_seed(
    patients: PatientService, sessions: SessionService, outcomes: OutcomeService
) -> None:
    def by_name() -> dict[str, Any]:
        names = {p.id: p.name for p in patients.list_patients()}
        activities = outcomes.psfs_for_patients(names)
        wordings = {a.id: a.wording for found in activities.values() for a in found}

        def readable(m: SessionMeasures) -> tuple[object, ...]:
            return m.values, sorted((wordings[a], r) for a, r in m.psfs)

        return {
            names[pid]: (
                [readable(s.data.measures) for s in found],
                [a.wording for a in activities[pid]],
                outcomes.diary(pid),
                outcomes.progress(pid),
            )
            for pid, found in sessions.for_patients(names).items()
        }

    fill_demo(patients, 8, seed=9, today=TODAY, sessions=sessions)
    first = by_name()
    database.execute_sql("DELETE FROM patient")  # Cascades to everything they had.
    fill_demo(patients, 8, seed=9, today=TODAY, sessions=sessions)

    assert by_name() == first
    assert any(diary for _, _, diary, _ in first.values())


def test_demo_without_sessions_adds_no_outcomes(patients: PatientService) -> None:
    added = fill_demo(patients, 3, seed=1, today=TODAY)
    assert (added.sessions, added.diary_days) == (0, 0)
    assert PsfsActivityRow.select().count() == DiaryEntryRow.select().count() == 0


def test_a_failed_demo_fill_leaves_no_outcomes_behind(
    patients: PatientService, sessions: SessionService, clock: FakeClock
) -> None:
    clock.current = dt.datetime(2020, 1, 1, 12, 0)  # Every demo visit is "in the future".
    with pytest.raises(ValidationError):
        fill_demo(patients, 4, seed=2, today=TODAY, sessions=sessions)
    for model in (PsfsActivityRow, SessionMeasureRow, SessionPsfsRow, DiaryEntryRow,
                  SessionRow):
        assert model.select().count() == 0, model.__name__


# --- export -------------------------------------------------------------------------------


def test_the_export_carries_measures_activities_diary_and_progress(
    patients: PatientService, sessions: SessionService, outcomes: OutcomeService
) -> None:
    patient_id = patients.create(ann()).id
    lonely = patients.create(ann(name="No Visits")).id
    stairs = outcomes.save_custom_measure("Flights of stairs", "flights", 0, 20, True,
                                          False, 2)
    walk, sleep = outcomes.set_psfs_activities(patient_id, ["Walking the dog", "Sleeping"])
    sessions.create(patient_id, full_session(
        VISIT - dt.timedelta(days=7),
        measures=SessionMeasures(values=(("cramps_per_week", 6), (stairs.code, 2)),
                                 psfs=((walk.id, 3), (sleep.id, 2))),
    ))
    sessions.create(patient_id, full_session(
        VISIT,
        measures=SessionMeasures(values=(("cramps_per_week", 2), ("pgic", 2),
                                         (stairs.code, 8)),
                                 psfs=((walk.id, 6), (sleep.id, 6))),
    ))
    day = DiaryEntry(TODAY - dt.timedelta(days=1), 2, 6, 3.5, True, "Woke at 3 am.")
    outcomes.save_diary_entry(patient_id, day)

    document = json.loads(export_json(patients, sessions=sessions, outcomes=outcomes))

    assert document["format_version"] == EXPORT_VERSION
    codes = [d["code"] for d in document["measure_definitions"]]
    assert codes[:6] == ["cramps_per_week", "worst_severity", "duration_minutes",
                         "disturbed_nights", "sleep_disturbance", "pgic"]
    assert codes[6:] == [stairs.code]
    assert document["measure_definitions"][6]["name"] == "Flights of stairs"
    record, empty = document["patients"]
    assert record["psfs_activities"] == [
        {"id": walk.id, "position": 0, "wording": "Walking the dog"},
        {"id": sleep.id, "position": 1, "wording": "Sleeping"},
    ]
    assert record["diary"] == [{
        "day": day.day.isoformat(), "cramps": 2, "worst_severity": 6, "total_minutes": 3.5,
        "sleep_disturbed": True, "notes": "Woke at 3 am.",
    }]
    assert record["sessions"][1]["measures"] == {
        "values": {"cramps_per_week": 2.0, "pgic": 2.0, stairs.code: 8.0},
        "psfs": {str(walk.id): 6.0, str(sleep.id): 6.0},
    }
    progress = record["progress"]
    assert progress == progress_to_dict(outcomes.progress(patient_id))
    cramps = next(m for m in progress["measures"] if m["code"] == "cramps_per_week")
    assert cramps == {
        "code": "cramps_per_week", "name": "Cramps per week", "baseline": 6.0,
        "baseline_date": (VISIT - dt.timedelta(days=7)).date().isoformat(), "latest": 2.0,
        "latest_date": VISIT.date().isoformat(), "count": 2, "change": -4.0,
        "change_percent": -66.6667, "trend": "better",
    }
    assert progress["flags"] == ["psfs_important", "responder"]
    assert empty["id"] == lonely
    assert (empty["psfs_activities"], empty["diary"]) == ([], [])
    assert empty["progress"]["measures"] == []


def test_the_export_of_demo_records_reads_in_a_fixed_number_of_queries(
    patients: PatientService, sessions: SessionService, outcomes: OutcomeService
) -> None:
    def count() -> int:
        with count_queries() as counter:
            export_json(patients, sessions=sessions, outcomes=outcomes)
        return int(counter.count)

    fill_demo(patients, 3, seed=51, today=TODAY, sessions=sessions)
    few = count()
    fill_demo(patients, 15, seed=52, today=TODAY, sessions=sessions)
    assert DiaryEntryRow.select().count() > 0
    assert count() == few


def test_demo_diaries_agree_with_the_visits_except_two_that_show_the_notice(
    patients: PatientService, sessions: SessionService, outcomes: OutcomeService
) -> None:
    fill_demo(patients, DEMO_PATIENTS, DEMO_SEED, today=TODAY, sessions=sessions)
    ids = [p.id for p in patients.list_patients()]
    progress = {pid: outcomes.progress(pid) for pid in ids}
    from_diary = [pid for pid, p in progress.items()
                  if (row := p.for_code("cramps_per_week")) and row.source.startswith("diary")]
    disagreeing = [pid for pid, p in progress.items() if p.disagreements]
    assert len(disagreeing) == DEMO_CONFLICTS
    assert len(from_diary) > 2 * DEMO_CONFLICTS, "most diaries speak, and agree"
    for pid in disagreeing:
        assert "Cramps per week: worse in the diary" in progress[pid].disagreements[0]
        assert Flag.RESPONDER not in progress[pid].flags

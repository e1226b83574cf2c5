"""OutcomeService against a real, migrated SQLite file: measure definitions, PSFS
activities, the cramp diary, progress from stored sessions, and the caseload."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest
from playhouse.test_utils import count_queries

from practitioner.db.base import database
from practitioner.db.models import CustomMeasureRow, DiaryEntryRow, PsfsActivityRow
from practitioner.domain.outcomes import (
    STANDARD_MEASURES,
    DiaryEntry,
    Flag,
    SessionMeasures,
    Thresholds,
    Trend,
    diary_weeks,
)
from practitioner.domain.session import NeedledPoint, Pattern, SessionInput
from practitioner.domain.validation import ValidationError
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.bundle import Services
from practitioner.services.demo import fill_demo
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import VISIT, full_session

WEEK = dt.timedelta(days=7)
DAY = dt.timedelta(days=1)


@pytest.fixture
def outcomes(patients: PatientService, clock: FakeClock) -> OutcomeService:
    return OutcomeService(clock=clock, today=lambda: TODAY)


@pytest.fixture
def sessions(patients: PatientService, clock: FakeClock) -> SessionService:
    return SessionService(clock=clock, local_clock=clock, user=lambda: "Dr Lee")


@pytest.fixture
def patient_id(patients: PatientService) -> int:
    return patients.create(ann()).id


def visit(started_at: dt.datetime, values: dict[str, float],
          psfs: dict[int, float] | None = None, **changes: object) -> SessionInput:
    return full_session(
        started_at,
        measures=SessionMeasures(values=tuple(sorted(values.items())),
                                 psfs=tuple(sorted((psfs or {}).items()))),
        **changes,
    )


def entry(day: dt.date, cramps: int = 1, **changes: object) -> DiaryEntry:
    return dataclasses.replace(DiaryEntry(day, cramps), **changes)  # type: ignore[arg-type]


def test_the_services_bundle_has_an_outcome_service(db_path: object) -> None:
    assert isinstance(Services().outcomes, OutcomeService)


# --- measure definitions ------------------------------------------------------------------


def test_definitions_are_the_standard_ones_then_the_custom_ones(
    outcomes: OutcomeService,
) -> None:
    assert outcomes.definitions() == list(STANDARD_MEASURES)
    stairs = outcomes.save_custom_measure("Flights of stairs", "flights", 0, 20, True,
                                          False, 2)
    mymop = outcomes.save_custom_measure("  MYMOP symptom 1 ", "", 0, 6, True, True, None)

    assert outcomes.definitions() == [*STANDARD_MEASURES, stairs, mymop]
    assert (stairs.code, mymop.code) == (
        f"custom:{CustomMeasureRow.get(CustomMeasureRow.name == 'Flights of stairs').id}",
        f"custom:{CustomMeasureRow.get(CustomMeasureRow.name == 'MYMOP symptom 1').id}",
    )
    assert (stairs.name, stairs.unit, stairs.low, stairs.high) == (
        "Flights of stairs", "flights", 0, 20
    )
    assert (stairs.integer, stairs.lower_is_better, stairs.minimal_important_change) == (
        True, False, 2
    )
    assert mymop.name == "MYMOP symptom 1"
    assert mymop.minimal_important_change is None
    assert not stairs.from_second_session


def test_a_custom_measure_can_be_changed_keeping_its_code(outcomes: OutcomeService) -> None:
    first = outcomes.save_custom_measure("Stairs", "", 0, 20, True, False, 2)
    changed = outcomes.save_custom_measure("Flights of stairs", "flights", 0, 30, True,
                                           False, 3, measure_id=int(first.code[7:]))
    assert changed.code == first.code
    assert outcomes.definitions()[-1] == changed
    assert CustomMeasureRow.select().count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"name": "  "}, "name"),
     ({"name": "x" * 101}, "name"),
     ({"unit": "u" * 41}, "unit"),
     ({"low": 5, "high": 5}, "high"),
     ({"low": 6, "high": 5}, "high"),
     ({"low": math.nan}, "low"),
     ({"high": math.inf}, "high"),
     ({"low": 0.5}, "low"),
     ({"minimal_important_change": -1}, "minimal_important_change"),
     ({"minimal_important_change": math.nan}, "minimal_important_change"),
     ({"minimal_important_change": 25}, "minimal_important_change"),
     ({"name": "Worst cramp severity"}, "name"),
     ({"name": "cramps PER week"}, "name")],
    ids=repr,
)
def test_a_bad_custom_measure_is_refused_and_nothing_is_written(
    outcomes: OutcomeService, changes: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {"name": "Stairs", "unit": "flights", "low": 0, "high": 20,
                                 "integer": True, "lower_is_better": False,
                                 "minimal_important_change": 2, **changes}
    with pytest.raises(ValidationError) as caught:
        outcomes.save_custom_measure(**values)  # type: ignore[arg-type]
    assert [e.field for e in caught.value.errors] == [field]
    assert CustomMeasureRow.select().count() == 0


def test_custom_measure_names_are_unique_ignoring_case(outcomes: OutcomeService) -> None:
    stairs = outcomes.save_custom_measure("Stairs", "", 0, 20, True, False, None)
    with pytest.raises(ValidationError) as caught:
        outcomes.save_custom_measure("STAIRS", "", 0, 10, True, False, None)
    assert [e.field for e in caught.value.errors] == ["name"]
    same = outcomes.save_custom_measure("stairs", "", 0, 20, True, False, None,
                                        measure_id=int(stairs.code[7:]))
    assert same.name == "stairs"
    assert CustomMeasureRow.select().count() == 1


def test_a_custom_measure_cannot_be_narrowed_under_recorded_values(
    outcomes: OutcomeService, sessions: SessionService, patient_id: int
) -> None:
    stairs = outcomes.save_custom_measure("Stairs", "", 0, 20, False, False, None)
    sessions.create(patient_id, visit(VISIT, {stairs.code: 12.5}))
    measure_id = int(stairs.code[7:])

    for low, high, integer in ((0, 10, False), (13, 20, False), (0, 20, True)):
        with pytest.raises(ValidationError) as caught:
            outcomes.save_custom_measure("Stairs", "", low, high, integer, False, None,
                                         measure_id=measure_id)
        assert "1 recorded visit" in caught.value.errors[0].message
    assert outcomes.definitions()[-1] == stairs
    wider = outcomes.save_custom_measure("Stairs", "", 0, 40, False, False, None,
                                         measure_id=measure_id)
    assert wider.high == 40


def test_changing_a_missing_custom_measure_is_not_found(outcomes: OutcomeService) -> None:
    with pytest.raises(KnownError) as caught:
        outcomes.save_custom_measure("Stairs", "", 0, 20, True, False, None, measure_id=404)
    assert caught.value.kind is ErrorKind.NOT_FOUND


# --- PSFS activities ----------------------------------------------------------------------


def _wordings(outcomes: OutcomeService, patient_id: int) -> list[str]:
    return [a.wording for a in outcomes.psfs_activities(patient_id)]


def test_activities_are_kept_in_order_in_the_patients_words(
    outcomes: OutcomeService, patient_id: int
) -> None:
    stored = outcomes.set_psfs_activities(
        patient_id, ["  Walking the dog in the morning ", "Sleeping through the night"]
    )
    assert [a.wording for a in stored] == ["Walking the dog in the morning",
                                           "Sleeping through the night"]
    assert outcomes.psfs_activities(patient_id) == stored
    assert len({a.id for a in stored}) == 2


@pytest.mark.parametrize(
    ("wordings", "field"),
    [(["a", "b", "c", "d", "e", "f"], "psfs"),
     (["Walking", "  "], "psfs.1"),
     (["Walking", "walking "], "psfs.1"),
     (["x" * 201], "psfs.0")],
    ids=["six", "blank", "twice", "too-long"],
)
def test_bad_activity_lists_are_refused_and_nothing_changes(
    outcomes: OutcomeService, patient_id: int, wordings: list[str], field: str
) -> None:
    before = outcomes.set_psfs_activities(patient_id, ["Climbing stairs at work"])
    with pytest.raises(ValidationError) as caught:
        outcomes.set_psfs_activities(patient_id, wordings)
    assert field in [e.field for e in caught.value.errors]
    assert outcomes.psfs_activities(patient_id) == before


def test_activities_of_a_missing_patient_are_not_found(outcomes: OutcomeService) -> None:
    with pytest.raises(KnownError) as caught:
        outcomes.set_psfs_activities(404, ["Walking"])
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert outcomes.psfs_activities(404) == []


def _rate(sessions: SessionService, patient_id: int, ratings: dict[int, float],
          started_at: dt.datetime = VISIT) -> int:
    return sessions.create(patient_id, visit(started_at, {}, ratings)).id


def test_a_kept_wording_keeps_its_id_and_ratings_even_when_it_moves(
    outcomes: OutcomeService, sessions: SessionService, patient_id: int
) -> None:
    walk, sleep, stairs = outcomes.set_psfs_activities(patient_id, ["Walk", "Sleep", "Stairs"])
    session_id = _rate(sessions, patient_id, {walk.id: 3, sleep.id: 5})

    after = outcomes.set_psfs_activities(patient_id, ["Sleep", "Walk"])

    assert [(a.id, a.wording) for a in after] == [(sleep.id, "Sleep"), (walk.id, "Walk")]
    assert stairs.id not in {a.id for a in after}  # Never rated: removed.
    assert sessions.get(session_id).data.measures.psfs == ((walk.id, 3.0), (sleep.id, 5.0))


def test_a_new_wording_in_the_same_place_rewords_the_activity(
    outcomes: OutcomeService, sessions: SessionService, patient_id: int
) -> None:
    walk, sleep = outcomes.set_psfs_activities(patient_id, ["Walking the dgo", "Sleep"])
    session_id = _rate(sessions, patient_id, {walk.id: 4})

    after = outcomes.set_psfs_activities(patient_id, ["Walking the dog", "Sleep", "Stairs"])

    assert [a.id for a in after[:2]] == [walk.id, sleep.id]
    assert after[0].wording == "Walking the dog"
    assert sessions.get(session_id).data.measures.psfs == ((walk.id, 4.0),)


def test_a_rated_activity_cannot_be_removed(
    outcomes: OutcomeService, sessions: SessionService, patient_id: int
) -> None:
    before = outcomes.set_psfs_activities(patient_id, ["Walk", "Sleep"])
    _rate(sessions, patient_id, {before[1].id: 6})

    with pytest.raises(ValidationError) as caught:
        outcomes.set_psfs_activities(patient_id, ["Walk"])

    assert "Sleep" in caught.value.errors[0].message
    assert outcomes.psfs_activities(patient_id) == before


def test_setting_the_same_list_changes_nothing(
    outcomes: OutcomeService, patient_id: int
) -> None:
    before = outcomes.set_psfs_activities(patient_id, ["Walk", "Sleep"])
    rows = [(r.id, r.position, r.wording) for r in PsfsActivityRow.select()]
    assert outcomes.set_psfs_activities(patient_id, ["Walk", "Sleep"]) == before
    assert [(r.id, r.position, r.wording) for r in PsfsActivityRow.select()] == rows
    assert outcomes.set_psfs_activities(patient_id, []) == []


# --- the diary ----------------------------------------------------------------------------


def test_diary_days_are_stored_and_read_in_date_order(
    outcomes: OutcomeService, patient_id: int
) -> None:
    late = entry(TODAY, 3, worst_severity=7, total_minutes=4.5, sleep_disturbed=True,
                 notes="Woke at 3 am.")
    early = entry(TODAY - 2 * DAY, 0)

    assert outcomes.save_diary_entry(patient_id, late) == late
    assert outcomes.save_diary_entry(patient_id, early) == early

    assert outcomes.diary(patient_id) == [early, late]


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"day": TODAY + DAY}, "day"),
     ({"cramps": -1}, "cramps"),
     ({"cramps": 201}, "cramps"),
     ({"cramps": 2.5}, "cramps"),
     ({"worst_severity": 11}, "worst_severity"),
     ({"worst_severity": -1}, "worst_severity"),
     ({"total_minutes": 1441}, "total_minutes"),
     ({"total_minutes": math.nan}, "total_minutes")],
    ids=repr,
)
def test_a_bad_diary_day_is_refused(
    outcomes: OutcomeService, patient_id: int, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        outcomes.save_diary_entry(patient_id, dataclasses.replace(entry(TODAY), **changes))  # type: ignore[arg-type]
    assert [e.field for e in caught.value.errors] == [field]
    assert DiaryEntryRow.select().count() == 0


def test_a_day_already_in_the_diary_is_refused_unless_replacing(
    outcomes: OutcomeService, patient_id: int
) -> None:
    first = outcomes.save_diary_entry(patient_id, entry(TODAY, 1))
    with pytest.raises(ValidationError) as caught:
        outcomes.save_diary_entry(patient_id, entry(TODAY, 5))
    assert [e.field for e in caught.value.errors] == ["day"]
    assert TODAY.isoformat() in caught.value.errors[0].message
    assert outcomes.diary(patient_id) == [first]

    replaced = outcomes.save_diary_entry(patient_id, entry(TODAY, 5, notes="Bad night"),
                                         replace=True)
    assert outcomes.diary(patient_id) == [replaced]
    assert replaced.cramps == 5


def test_a_diary_day_can_be_deleted(outcomes: OutcomeService, patient_id: int) -> None:
    kept = outcomes.save_diary_entry(patient_id, entry(TODAY - DAY))
    outcomes.save_diary_entry(patient_id, entry(TODAY))
    outcomes.delete_diary_entry(patient_id, TODAY)
    assert outcomes.diary(patient_id) == [kept]
    with pytest.raises(KnownError) as caught:
        outcomes.delete_diary_entry(patient_id, TODAY)
    assert caught.value.kind is ErrorKind.NOT_FOUND


def test_the_diary_of_a_missing_patient_is_not_found(outcomes: OutcomeService) -> None:
    with pytest.raises(KnownError) as caught:
        outcomes.save_diary_entry(404, entry(TODAY))
    assert caught.value.kind is ErrorKind.NOT_FOUND
    with pytest.raises(KnownError):
        outcomes.import_diary(404, [entry(TODAY)], replace_existing=False)
    assert DiaryEntryRow.select().count() == 0


def test_import_writes_every_day_in_one_go(outcomes: OutcomeService, patient_id: int) -> None:
    days = [entry(TODAY - n * DAY, n % 4, sleep_disturbed=n % 3 == 0) for n in range(1100)]
    assert outcomes.import_diary(patient_id, days, replace_existing=False) == 1100
    assert outcomes.diary(patient_id) == sorted(days, key=lambda e: e.day)


def test_an_import_with_one_bad_day_writes_nothing(
    outcomes: OutcomeService, patient_id: int
) -> None:
    days = [entry(TODAY - 3 * DAY), entry(TODAY - 2 * DAY, 300), entry(TODAY + DAY)]
    with pytest.raises(ValidationError) as caught:
        outcomes.import_diary(patient_id, days, replace_existing=True)
    assert [e.field for e in caught.value.errors] == ["entries.1.cramps", "entries.2.day"]
    assert DiaryEntryRow.select().count() == 0


def test_an_import_naming_a_day_twice_lists_the_dates_and_writes_nothing(
    outcomes: OutcomeService, patient_id: int
) -> None:
    twice = [TODAY - 5 * DAY, TODAY - 2 * DAY]
    days = [entry(d) for d in (*twice, TODAY - 3 * DAY, *reversed(twice))]
    with pytest.raises(ValidationError) as caught:
        outcomes.import_diary(patient_id, days, replace_existing=True)
    (error,) = caught.value.errors
    assert error.field == "day"
    assert error.message.endswith(f"{twice[0].isoformat()}, {twice[1].isoformat()}.")
    assert DiaryEntryRow.select().count() == 0


def test_an_import_over_stored_days_is_refused_unless_replacing(
    outcomes: OutcomeService, patient_id: int
) -> None:
    stored = [outcomes.save_diary_entry(patient_id, entry(TODAY - n * DAY, 1))
              for n in (1, 4)]
    days = [entry(TODAY - n * DAY, 7) for n in range(6)]

    with pytest.raises(ValidationError) as caught:
        outcomes.import_diary(patient_id, days, replace_existing=False)
    message = caught.value.errors[0].message
    assert (TODAY - 4 * DAY).isoformat() in message and (TODAY - DAY).isoformat() in message
    assert (TODAY - 2 * DAY).isoformat() not in message
    assert outcomes.diary(patient_id) == sorted(stored, key=lambda e: e.day)

    assert outcomes.import_diary(patient_id, days, replace_existing=True) == 6
    assert [e.cramps for e in outcomes.diary(patient_id)] == [7] * 6


def test_an_import_is_one_transaction(outcomes: OutcomeService, patient_id: int) -> None:
    with pytest.raises(RuntimeError), database.atomic():
        outcomes.import_diary(patient_id, [entry(TODAY)], replace_existing=False)
        raise RuntimeError("the surrounding transaction fails after the import")
    assert outcomes.diary(patient_id) == []


def test_weekly_figures_come_from_the_diary(outcomes: OutcomeService, patient_id: int) -> None:
    days = [entry(TODAY - n * DAY, n % 3, sleep_disturbed=n % 3 > 0) for n in range(20)]
    outcomes.import_diary(patient_id, days, replace_existing=False)
    weeks = outcomes.weekly_diary(patient_id)
    assert weeks == diary_weeks(sorted(days, key=lambda e: e.day))
    assert sum(w.days_recorded for w in weeks) == 20
    assert all(w.start.weekday() == 0 for w in weeks)


# --- progress -----------------------------------------------------------------------------


def test_progress_compares_the_first_and_latest_stored_visits(
    outcomes: OutcomeService, sessions: SessionService, patient_id: int
) -> None:
    walk, sleep = outcomes.set_psfs_activities(patient_id, ["Walk", "Sleep"])
    # Recorded out of date order: progress goes by the visit dates.
    sessions.create(patient_id, visit(VISIT - 2 * WEEK, {"cramps_per_week": 6,
                                                         "worst_severity": 8},
                                      {walk.id: 3, sleep.id: 4}))
    sessions.create(patient_id, visit(VISIT, {"cramps_per_week": 2, "worst_severity": 5,
                                              "pgic": 2}, {walk.id: 7, sleep.id: 6}))
    sessions.create(patient_id, visit(VISIT - WEEK, {"cramps_per_week": 4, "pgic": 3}))

    progress = outcomes.progress(patient_id)

    cramps = progress.for_code("cramps_per_week")
    assert cramps is not None
    assert (cramps.baseline, cramps.latest, cramps.count) == (6, 2, 3)
    assert cramps.baseline_date == (VISIT - 2 * WEEK).date()
    assert cramps.change_percent == pytest.approx(-66.667, abs=0.01)
    assert cramps.trend is Trend.BETTER
    pgic = progress.for_code("pgic")
    assert pgic is not None and (pgic.baseline, pgic.latest) == (3, 2)
    psfs = progress.for_code("psfs_average")
    assert psfs is not None and (psfs.baseline, psfs.latest) == (3.5, 6.5)
    assert progress.flags == {Flag.RESPONDER, Flag.SEVERITY_IMPORTANT, Flag.PSFS_IMPORTANT}

    strict = outcomes.progress(patient_id, Thresholds(responder_percent=70, psfs_points=4))
    assert strict.flags == {Flag.SEVERITY_IMPORTANT}


def test_progress_includes_custom_measures(
    outcomes: OutcomeService, sessions: SessionService, patient_id: int
) -> None:
    stairs = outcomes.save_custom_measure("Stairs", "flights", 0, 20, True, False, 2)
    sessions.create(patient_id, visit(VISIT - WEEK, {stairs.code: 3}))
    sessions.create(patient_id, visit(VISIT, {stairs.code: 8}))
    row = outcomes.progress(patient_id).for_code(stairs.code)
    assert row is not None and row.definition == stairs
    assert (row.change, row.trend) == (5, Trend.BETTER)


def test_progress_reads_in_a_fixed_number_of_queries(
    outcomes: OutcomeService, sessions: SessionService, patient_id: int
) -> None:
    def queries() -> int:
        with count_queries() as counter:
            outcomes.progress(patient_id)
        return int(counter.count)

    (walk,) = outcomes.set_psfs_activities(patient_id, ["Walk"])
    sessions.create(patient_id, visit(VISIT - 30 * WEEK, {"cramps_per_week": 9}, {walk.id: 2}))
    few = queries()
    for week in range(20):
        sessions.create(patient_id, visit(VISIT - week * WEEK, {"cramps_per_week": 3,
                                                                 "pgic": 2}, {walk.id: 6}))
    assert queries() == few <= 5  # the diary is read too


def test_progress_without_visits_is_empty(outcomes: OutcomeService, patient_id: int) -> None:
    progress = outcomes.progress(patient_id)
    assert (progress.measures, progress.flags) == ((), frozenset())


# --- the caseload -------------------------------------------------------------------------


def test_caseload_courses_hold_every_current_patients_visits_in_date_order(
    outcomes: OutcomeService, sessions: SessionService, patients: PatientService,
    patient_id: int,
) -> None:
    archived = patients.create(ann(name="Archived Person")).id
    lonely = patients.create(ann(name="No Visits")).id
    sessions.create(archived, visit(VISIT, {"cramps_per_week": 1}))
    patients.archive(archived)
    later = sessions.create(patient_id, visit(VISIT, {"cramps_per_week": 2},
                                              patterns=frozenset({Pattern.BLOOD_STASIS}),
                                              points=(NeedledPoint("SP10"),)))
    earlier = sessions.create(patient_id, visit(VISIT - WEEK, {"cramps_per_week": 5}))

    courses = {c.patient_id: c for c in outcomes.caseload_courses()}

    assert courses.keys() == {patient_id, lonely}
    assert courses[lonely].visits == ()
    first, second = courses[patient_id].visits
    assert first.day == earlier.data.started_at.date()
    assert first.patterns == earlier.data.patterns
    assert first.point_codes == {p.code for p in earlier.data.points}
    assert first.measures == earlier.data.measures
    assert (second.patterns, second.point_codes) == (frozenset({Pattern.BLOOD_STASIS}),
                                                     frozenset({"SP10"}))
    assert second.measures == later.data.measures


def test_one_patients_course_is_the_one_the_caseload_holds(
    outcomes: OutcomeService, sessions: SessionService, patients: PatientService,
    patient_id: int,
) -> None:
    sessions.create(patient_id, visit(VISIT - WEEK, {"cramps_per_week": 5}))
    sessions.create(patient_id, visit(VISIT, {"cramps_per_week": 2}))
    other = patients.create(ann(name="Bob Ray")).id
    sessions.create(other, visit(VISIT, {"cramps_per_week": 9}))

    course = outcomes.course(patient_id)

    assert course in outcomes.caseload_courses()
    assert [v.measures.get("cramps_per_week") for v in course.visits] == [5, 2]
    patients.archive(patient_id)
    assert outcomes.course(patient_id) == course
    with pytest.raises(KnownError) as caught:
        outcomes.course(404)
    assert caught.value.kind is ErrorKind.NOT_FOUND


def test_caseload_courses_use_a_constant_number_of_queries(
    outcomes: OutcomeService, sessions: SessionService, patients: PatientService
) -> None:
    def count() -> tuple[int, int]:
        with count_queries() as counter:
            courses = outcomes.caseload_courses()
        return counter.count, len(courses)

    fill_demo(patients, 3, seed=41, today=TODAY, sessions=sessions, outcomes=outcomes)
    few, few_patients = count()
    fill_demo(patients, 12, seed=42, today=TODAY, sessions=sessions, outcomes=outcomes)
    many, many_patients = count()

    assert (few_patients, many_patients) == (3, 15)
    assert few == many <= 7  # the diaries are read too

"""ReportService gathers a patient's record, visits, progress and flags for a report."""

from __future__ import annotations

import datetime as dt
from html import escape

import pytest

from practitioner.content.reference import load_reference
from practitioner.domain.outcome_text import JUDGING_ENTRY
from practitioner.domain.outcomes import SessionMeasures
from practitioner.domain.patient import Medication
from practitioner.domain.report_content import ReportKind, report_html
from practitioner.domain.screen import RedFlagScreen
from practitioner.errors import KnownError
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.reference import ReferenceService
from practitioner.services.reports import ReportService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.reference_library import fixture_entries
from tests.helpers.session_inputs import full_session


@pytest.fixture
def reports(patients: PatientService, clock: FakeClock) -> ReportService:
    library = ReferenceService(clock=clock, user=lambda: "Dr Lee", patients=patients)
    library.seed(fixture_entries())
    return ReportService(
        patients,
        SessionService(clock=clock, local_clock=clock, user=lambda: "Dr Lee"),
        OutcomeService(clock=clock, today=lambda: TODAY),
        library,
        today=lambda: TODAY,
    )


def _patient_with_visits(patients: PatientService, clock: FakeClock, **changes: object) -> int:
    patient = patients.create(ann(medications=(Medication("Indapamide", "2.5mg"),), **changes))
    sessions = SessionService(clock=clock, local_clock=clock, user=lambda: "Dr Lee")
    for day, cramps, severity in ((dt.datetime(2024, 12, 1, 10), 8, 7),
                                  (dt.datetime(2025, 1, 10, 10), 3, 4)):
        values = (("cramps_per_week", float(cramps)), ("worst_severity", float(severity)))
        sessions.create(patient.id, full_session(day, measures=SessionMeasures(values=values)))
    return patient.id


def test_a_progress_report_has_visits_changes_and_the_responder_flag(
    patients: PatientService, clock: FakeClock, reports: ReportService
) -> None:
    patient_id = _patient_with_visits(patients, clock)
    data = reports.build(patient_id, practice="Orchard Clinic")
    assert data.kind is ReportKind.PROGRESS
    assert data.patient_name == "Ann Lee" and data.generated_on == TODAY
    assert [v.day for v in data.visits] == [dt.date(2024, 12, 1), dt.date(2025, 1, 10)]
    assert data.visits[0].measures[:2] == ("8", "7")
    by_name = {c.measure: c for c in data.changes}
    cramps = by_name["Cramps per week"]
    assert (cramps.baseline, cramps.latest, cramps.trend) == (
        "8", "3", "fewer cramps ▼, improved")
    assert cramps.change == "−5 (−63%)"
    assert ("Responder: cramps/week down by at least half — session answers, 2024-12-01 vs "
            "2025-01-10") in data.outcome_flags
    assert "Clinically important change in severity — session answers, 2024-12-01 vs 2025-01-10" \
        in data.outcome_flags
    assert data.medications == ("Indapamide 2.5mg",)
    assert data.flags == ()  # a progress report does not list the reference flags
    assert [v for _, v in data.chart] == [8.0, 3.0]
    html = report_html(data)
    assert "Ann Lee" in html and "Cramps per week" in html and "Orchard Clinic" in html
    assert "Cramps per week (cramps)" not in html, "the unit is said once"
    assert "Worst cramp severity (0–10)" in html


def test_the_report_gives_the_season_caveat_with_both_months_and_the_library_entry(
    patients: PatientService, clock: FakeClock, reports: ReportService
) -> None:
    patient_id = _patient_with_visits(patients, clock)
    data = reports.build(patient_id)
    assert data.outcome_months == "baseline: December 2024 · latest: January 2025"
    assert data.outcome_season_note == "", "both months are winter"
    assert "regress toward the mean" in data.outcome_caveat
    assert data.outcome_caveat_entry == "", "the fixture library has no such entry"

    entry = next(e for e in load_reference() if e.slug == JUDGING_ENTRY)
    library = ReferenceService(clock=clock, user=lambda: "Dr Lee", patients=patients)
    library.seed((entry,))
    with_entry = ReportService(
        patients, SessionService(clock=clock, local_clock=clock, user=lambda: "Dr Lee"),
        OutcomeService(clock=clock, today=lambda: TODAY), library, today=lambda: TODAY,
    ).build(patient_id)
    html = report_html(with_entry)
    assert escape("baseline: December 2024 · latest: January 2025") in html
    assert escape(entry.title) in html and "regress toward the mean" in html


def test_a_report_with_one_visit_has_no_caveat(
    patients: PatientService, clock: FakeClock, reports: ReportService
) -> None:
    patient = patients.create(ann())
    SessionService(clock=clock, local_clock=clock, user=lambda: "Dr Lee").create(
        patient.id, full_session(dt.datetime(2024, 7, 1, 10), measures=SessionMeasures(
            values=(("cramps_per_week", 8.0),))))
    data = reports.build(patient.id)
    assert data.outcome_caveat == "" and "Before crediting" not in report_html(data)


def test_a_referral_letter_lists_flags_red_flags_reasons_and_sources(
    patients: PatientService, clock: FakeClock, reports: ReportService
) -> None:
    patient_id = _patient_with_visits(
        patients, clock, screen=RedFlagScreen(pain_on_walking_relieved_by_rest=True))
    data = reports.build(patient_id, ReportKind.REFERRAL, recipient="Dr Grey")
    red = [f for f in data.flags if f.is_red]
    assert red and "refer rather than treat" in red[0].reason
    thiazide = [f for f in data.flags if "thiazide" in f.reason.casefold()]
    assert thiazide and thiazide[0].sources
    assert data.letter_body.startswith("Dear Dr Grey,")
    html = report_html(data)
    for flag in data.flags:
        assert escape(flag.reason) in html
    assert "RED FLAG" in html and "Indapamide 2.5mg" in html


def test_a_recorded_review_is_shown_with_the_red_flag(
    patients: PatientService, clock: FakeClock, reports: ReportService
) -> None:
    patient_id = _patient_with_visits(
        patients, clock, screen=RedFlagScreen(pain_on_walking_relieved_by_rest=True))
    library = ReferenceService(clock=clock, user=lambda: "Dr Lee", patients=patients)
    key = next(f.key for f in library.flags_for_patient(patient_id) if f.level == "refer")
    library.record_review(patient_id, key, "referred", "Letter sent")
    data = reports.build(patient_id, ReportKind.REFERRAL)
    red = next(f for f in data.flags if f.is_red)
    assert red.review.startswith("Referred on ") and red.review.endswith("by Dr Lee: Letter sent")


def test_an_unknown_patient_is_not_found(reports: ReportService) -> None:
    with pytest.raises(KnownError):
        reports.build(999)

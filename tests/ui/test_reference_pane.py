"""The reference pane in use: search as you type, flags for the open patient, the red-flag
banner until acted on, and a paragraph inserted into a note with its citation."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

from practitioner.content.reference import load_reference
from practitioner.domain.patient import Medication, Patient, PatientInput
from practitioner.domain.screen import RedFlagScreen
from practitioner.services.bundle import Services
from practitioner.ui.dialogs.red_flag_review import RedFlagReview
from practitioner.ui.main_window import MainWindow
from tests.helpers.fakes import FakeMessages


@pytest.fixture
def seeded(services: Services) -> Services:
    services.reference.seed(load_reference())
    return services


@pytest.fixture
def flagged_patient(seeded: Services) -> Patient:
    """On a thiazide diuretic, with calf pain on walking that rest relieves."""
    return seeded.patients.create(PatientInput(
        name="Joan Walker",
        date_of_birth=dt.date(1949, 5, 2),
        medications=(Medication("Indapamide 2.5 mg", "once daily"),),
        screen=RedFlagScreen(pain_on_walking_relieved_by_rest=True),
    ))


def test_a_diuretic_and_walking_pain_raise_a_medication_flag_and_a_red_flag_banner(
    qtbot: QtBot, window: MainWindow, seeded: Services, flagged_patient: Patient,
    messages: FakeMessages,
) -> None:
    window.refresh_list()
    assert window.workspace.open_patient(flagged_patient.id)
    relevant = window.reference.relevant.toPlainText()
    assert "Indapamide" in relevant or "indapamide" in relevant
    assert "thiazide" in relevant.lower()
    banner = window.workspace.red_flags
    assert banner.isVisible()
    assert "claudication" in banner.text.text().lower()

    messages.red_flag_reviews = [RedFlagReview(banner.flags[0].key, "referred", "GP letter")]
    banner.review_button.click()
    assert not banner.isVisible(), "a red flag acted on leaves the banner"
    assert seeded.reference.open_red_flags(flagged_patient.id) == []


def test_search_as_you_type_and_insert_a_paragraph_with_its_citation(
    qtbot: QtBot, window: MainWindow, seeded: Services, flagged_patient: Patient,
) -> None:
    window.refresh_list()
    window.workspace.open_patient(flagged_patient.id)
    pane = window.reference
    qtbot.keyClicks(pane.search, "charley horse")
    qtbot.waitUntil(lambda: pane.results.count() > 0
                    and pane.results.item(0).data(256) is not None)
    pane.open_entry("stretching")
    entry = pane.entry()
    assert entry is not None
    sessions = window.workspace.sessions
    sessions.new_session()
    pane.insert_paragraph(0)
    notes = sessions.form.notes.toPlainText()
    assert entry.paragraphs[0] in notes
    assert entry.sources[0].citation.split(".")[0] in notes, "the citation travels along"
    sessions.form.points.add_code("BL57")
    assert sessions.save()
    saved = sessions._session
    assert saved is not None
    [used] = seeded.reference.references_for_session(saved.id)
    assert (used.slug, used.version, used.paragraph) == ("stretching", entry.version, 0)


def test_check_a_medication_and_keep_own_notes_across_reseeding(
    window: MainWindow, seeded: Services
) -> None:
    pane = window.reference
    pane.medication.setText("Symbicort")
    pane.check_medication()
    assert "beta" in pane.medication_answer.text().lower()
    pane.open_entry("statins")
    pane.note.setPlainText("Ask about new aches since starting.")
    pane.save_note()
    seeded.reference.seed(load_reference())
    pane.open_entry("statins")
    assert pane.note.toPlainText() == "Ask about new aches since starting."
    pane.medication.setText("vitamin c")
    pane.check_medication()
    assert "not among" in pane.medication_answer.text()


def test_hostile_search_text_never_breaks_the_pane(
    window: MainWindow, seeded: Services
) -> None:
    pane = window.reference
    for text in ('"', "NEAR(", "a* OR -b", "🦵 cramp", "x" * 10_000, "^title:"):
        pane.search.setText(text)
        pane.run_search()
    assert isinstance(pane.results.count(), int)


def test_screening_answers_are_saved_from_the_profile_form(
    window: MainWindow, seeded: Services,
) -> None:
    window.new_patient()
    form = window.workspace.form
    form.name.setText("Screened Patient")
    form.red_flag_boxes["dark_urine"].setChecked(True)
    assert window.workspace.save()
    saved = window.workspace.patient
    assert saved is not None and saved.data.screen.dark_urine
    assert window.workspace.red_flags.isVisible()
    assert "urine" in window.workspace.red_flags.text.text().lower()


def test_an_entry_shows_its_review_history_and_records_the_practice_review(
    window: MainWindow, seeded: Services
) -> None:
    pane = window.reference
    pane.open_entry("red-flag-tetany")
    shown = pane.view.toPlainText()
    assert "Review history" in shown and "Hyperventilation added" in shown
    assert "First written" in shown
    pane.note.setPlainText("Our protocol: slow breathing first.")  # typed, not yet saved
    pane.review_button.click()
    note = seeded.reference.note("red-flag-tetany")
    assert note.startswith("Our protocol: slow breathing first.\nPractice review ")
    assert "content version 2" in note
    assert pane.note.toPlainText() == note
    pane.review_button.click()  # a second review adds a second line
    assert seeded.reference.note("red-flag-tetany").count("Practice review ") == 2

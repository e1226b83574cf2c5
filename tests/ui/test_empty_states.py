"""Empty states say the next step, and their button takes it: the new patient's Sessions
and Outcomes tabs, a search with no match (patients and reference), and a caseload table
with no rows; no developer wording reaches the clinician."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QTabWidget
from pytestqt.qtbot import QtBot

from practitioner import app
from practitioner.domain.outcomes import Thresholds
from practitioner.domain.patient import PatientInput
from practitioner.domain.what_worked import GroupRate, GroupTable
from practitioner.services.bundle import Services
from practitioner.ui import theme
from practitioner.ui.dialogs.caseload import CaseloadDialog
from practitioner.ui.look import redress_all
from practitioner.ui.main_window import MainWindow
from practitioner.ui.theme import Choice, contrast
from practitioner.ui.widgets.empty_state import EmptyState


def _shown(state: EmptyState) -> bool:
    return state.isVisibleTo(state.window())


def test_a_new_patients_sessions_tab_asks_to_save_first_and_its_button_saves(
    window: MainWindow, services: Services
) -> None:
    window.new_patient()
    workspace = window.workspace
    workspace.show_sessions()
    page = workspace.sessions
    assert _shown(page.empty)
    assert "save the patient first" in page.empty.text()
    assert page.empty.button.text() == "Save patient" and page.empty.button.isEnabled()
    workspace.form.name.setText("Grace Kim")
    page.empty.button.click()
    assert workspace.patient is not None and workspace.patient.data.name == "Grace Kim"
    assert workspace.tabs.currentWidget() is page  # still where the practitioner was
    assert "No sessions yet" in page.empty.text()
    assert page.new_button.isEnabled()
    page.empty.button.click()  # "New session"
    assert page.is_open()


def test_save_patient_from_the_sessions_tab_shows_what_stops_the_save(
    window: MainWindow, services: Services
) -> None:
    window.new_patient()
    window.workspace.show_sessions()
    window.workspace.sessions.empty.button.click()  # no name typed
    assert window.workspace.patient is None
    assert window.workspace.tabs.currentIndex() == window.workspace.PROFILE_TAB


def test_a_new_patients_outcomes_tab_says_what_appears_and_when(
    window: MainWindow, services: Services
) -> None:
    window.new_patient()
    workspace = window.workspace
    outcomes = workspace.outcomes
    workspace.tabs.setCurrentWidget(outcomes)
    assert _shown(outcomes.unsaved)
    assert "save the patient first" in outcomes.unsaved.text()
    assert "two sessions or two diary days" in outcomes.unsaved.text()
    workspace.form.name.setText("Grace Kim")
    outcomes.unsaved.button.click()
    assert workspace.patient is not None
    assert not _shown(outcomes.unsaved) and _shown(outcomes.too_few)
    assert "appear after two sessions or two diary days (none yet)" in outcomes.too_few.text()
    assert outcomes.too_few.second.text() == "Add diary day"
    outcomes.too_few.second.click()
    assert outcomes.detail_tabs.currentWidget() is outcomes.diary
    assert QApplication.focusWidget() is outcomes.diary.day
    outcomes.too_few.button.click()  # "New session"
    assert workspace.tabs.currentWidget() is workspace.sessions
    assert workspace.sessions.is_open()


def test_outcomes_show_progress_once_two_diary_days_are_recorded(
    window: MainWindow, services: Services
) -> None:
    patient = services.patients.create(PatientInput(name="Ann Lee"))
    window.refresh_list()
    window.workspace.open_patient(patient.id)
    outcomes = window.workspace.outcomes
    window.workspace.tabs.setCurrentWidget(outcomes)
    assert _shown(outcomes.too_few)
    for day in ("2025-01-10", "2025-01-11"):
        outcomes.diary.day.setText(day)
        outcomes.diary.cramps.setText("2")
        outcomes.diary.add_button.click()
        assert outcomes.diary.error.isHidden(), outcomes.diary.error.text()
    assert not _shown(outcomes.too_few)


def test_a_patient_search_with_no_match_offers_clearing_it_or_a_new_patient(
    window: MainWindow, services: Services
) -> None:
    services.patients.create(PatientInput(name="Ann Lee"))
    panel = window.patient_list
    panel.search.setText("Zebedee")
    panel.flush_search()
    assert _shown(panel.empty) and not _shown_table(window)
    assert "No patient matches “Zebedee”" in panel.empty.text()
    panel.empty.button.click()  # Clear search
    assert panel.search.text() == "" and _shown_table(window)
    assert panel.model.rowCount() == 1
    panel.search.setText("Zebedee")
    panel.flush_search()
    panel.empty.second.click()  # New patient
    assert window.workspace.is_open() and window.workspace.patient is None


def _shown_table(window: MainWindow) -> bool:
    return window.patient_list.table.isVisibleTo(window)


def test_an_empty_patient_list_offers_the_first_patient(window: MainWindow) -> None:
    panel = window.patient_list
    assert _shown(panel.empty) and "No patients yet" in panel.empty.text()
    assert panel.empty.second.isHidden()
    panel.empty.button.click()
    assert window.workspace.is_open() and window.workspace.patient is None


def test_a_reference_search_with_no_match_says_so_and_clears(window: MainWindow) -> None:
    pane = window.reference
    pane.search.setText("qqxzzqq")
    pane.run_search()
    assert _shown(pane.no_match) and "Nothing in the reference matches" in pane.no_match.text()
    pane.no_match.button.click()
    assert pane.search.text() == "" and not _shown(pane.no_match)
    assert pane.search.hasFocus() or QApplication.focusWidget() is pane.search


def test_an_empty_caseload_table_says_why_and_how_rows_come(qtbot: QtBot) -> None:
    by_protocol = GroupTable("By protocol", "protocol", (), caseload=4, grouped=0,
                             in_several=0)
    by_pattern = GroupTable("By pattern", "pattern", (GroupRate("Blood", 6, 3, 0),),
                            caseload=4, grouped=4, in_several=0)
    dialog = CaseloadDialog([by_pattern, by_protocol], "thresholds")
    qtbot.addWidget(dialog)
    empty = dialog.tabs.findChildren(EmptyState)
    assert len(empty) == 1 and empty[0].parentWidget() is dialog.tabs.widget(1)
    assert "Apply one in a session note" in empty[0].text() and "Ctrl+P" in empty[0].text()


def test_no_developer_wording_in_the_thresholds_shown_to_clinicians() -> None:
    for line in Thresholds().sources:
        assert "project" not in line.lower(), line
        assert "outcomes/" not in line, line  # a settings key


def test_empty_state_buttons_are_reachable_by_keyboard(qtbot: QtBot) -> None:
    state = EmptyState("file-plus", "Nothing yet.", "Do it")
    qtbot.addWidget(state)
    assert state.button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert state.second.isHidden()


def test_with_no_patient_open_the_workspace_offers_a_new_one(window: MainWindow) -> None:
    workspace = window.workspace
    assert _shown(workspace.nobody) and "Choose a patient on the left" in workspace.nobody.text()
    workspace.nobody.button.click()
    assert workspace.is_open() and workspace.patient is None
    assert workspace.form.name.hasFocus() or QApplication.focusWidget() is workspace.form.name


@pytest.fixture
def app_style(qapp: QApplication) -> Iterator[None]:
    """The app's own style, as a start sets it; the system theme put back after."""
    before = qapp.style().name()
    app._load_style(qapp)
    yield
    theme.apply(Choice.SYSTEM)
    redress_all()
    qapp.setStyle(before)


@pytest.mark.parametrize("choice", [Choice.LIGHT, Choice.DARK])
def test_an_empty_states_line_reads_on_a_tab_pane(
    qtbot: QtBot, app_style: None, choice: Choice
) -> None:
    theme.apply(choice)
    tabs = QTabWidget()
    state = EmptyState("chart-line", "Progress appears after two sessions.", "New session")
    tabs.addTab(state, "Outcomes")
    qtbot.addWidget(tabs)
    tabs.show()
    qtbot.waitExposed(tabs)
    # Grabbed from the tab widget: the pane it draws is the label's real background.
    label = state.label
    image = tabs.grab(QRect(label.mapTo(tabs, QPoint(0, 0)), label.size())).toImage()
    counts = Counter(image.pixel(x, y) for x in range(image.width())
                     for y in range(image.height()))
    background = QColor.fromRgb(counts.most_common(1)[0][0])
    ratio = max(contrast(QColor.fromRgb(p), background) for p in counts)
    assert ratio >= 4.5, f"{choice.value}: {ratio:.2f}"


def test_a_patient_with_visits_is_offered_a_session_from_the_last_one(
    window: MainWindow, services: Services
) -> None:
    patient = services.patients.create(PatientInput(name="Ann Lee"))
    window.refresh_list()
    window.workspace.open_patient(patient.id)
    page = window.workspace.sessions
    window.workspace.show_sessions()
    page.new_session()
    page.form.notes.setPlainText("First visit.")
    assert page.save(), page.status.text()
    window.workspace.open_patient(patient.id)  # reopened: no note open
    assert _shown(page.empty) and "Choose a visit on the left" in page.empty.text()
    assert page.empty.button.text() == "From last visit"
    page.empty.button.click()
    assert page.is_open() and "carried forward" in page.banner.text()
    page.discard_draft()

"""Changes made at another workstation appear within a few seconds, and never disturb a
form being edited."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from practitioner.domain.patient import Patient, PatientInput
from practitioner.domain.session import SessionInput
from practitioner.services.audit import AuditService
from practitioner.services.bundle import Services
from practitioner.services.changes import ChangeService
from practitioner.services.drafts import DraftService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from practitioner.ui.live_updates import POLL_MS
from practitioner.ui.main_window import MainWindow
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.fakes import FakeMessages
from tests.helpers.ui_fixtures import write_note
from tests.helpers.workstations import at_another_workstation
from tests.ui.conftest import PRACTITIONER, VISIT_NOW, make_window

#: "Within a few seconds": two polls and a margin for a loaded test machine.
WITHIN_MS = 2 * POLL_MS + 2000


@pytest.fixture
def services(db_path: Path, clock: FakeClock) -> Services:
    """This window's services, writing through one audit service as the app's do."""
    audit = AuditService(clock=clock, user=lambda: PRACTITIONER)
    return Services(
        patients=PatientService(clock=clock, today=lambda: TODAY, audit=audit),
        sessions=SessionService(clock=clock, local_clock=lambda: VISIT_NOW,
                                user=lambda: PRACTITIONER, audit=audit),
        drafts=DraftService(clock=clock),
        audit=audit,
        changes=ChangeService([audit]),
    )


@pytest.fixture
def live_window(
    qtbot: QtBot, services: Services, messages: FakeMessages, settings_path: Path
) -> Iterator[MainWindow]:
    main = make_window(services, messages, settings_path)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.live.start()
    yield main
    main.live.stop()
    main.workspace.form.mark_saved()
    main.workspace.sessions.form.set_session(services.sessions.blank())


def _other_patients() -> PatientService:
    return PatientService(today=lambda: TODAY)  # its own audit service: "elsewhere"


def _rename_elsewhere(patient_id: int, name: str) -> Patient:
    def work() -> Patient:
        other = _other_patients()
        current = other.get(patient_id)
        return other.update(patient_id, dataclasses.replace(current.data, name=name),
                            current.version)
    return at_another_workstation(work)


def _names(window: MainWindow) -> list[str]:
    model = window.patient_list.model
    return [str(model.index(row, model.NAME_COLUMN).data()) for row in range(model.rowCount())]


def _create(services: Services, name: str) -> Patient:
    return services.patients.create(PatientInput(name=name, date_of_birth=dt.date(1960, 5, 1)))


BOTH_ENGINES = pytest.mark.parametrize("engine", ["sqlite", "postgres"], indirect=True)


@BOTH_ENGINES
def test_a_patient_added_elsewhere_appears_in_the_list_within_a_few_seconds(
    qtbot: QtBot, live_window: MainWindow, services: Services,
) -> None:
    _create(services, "Ann Local")
    live_window.refresh_list()

    at_another_workstation(lambda: _other_patients().create(
        PatientInput(name="Zora Elsewhere", date_of_birth=dt.date(1971, 2, 3))))

    qtbot.waitUntil(lambda: "Zora Elsewhere" in _names(live_window), timeout=WITHIN_MS)


def test_the_list_keeps_its_selection_and_scroll_position(
    qtbot: QtBot, live_window: MainWindow, services: Services,
) -> None:
    made = [_create(services, f"Patient {n:03d}") for n in range(260)]  # more than a page
    live_window.refresh_list()
    panel = live_window.patient_list
    table = panel.table
    while panel.model.rowCount() < len(made):
        table.scrollToBottom()
        qtbot.wait(10)
    chosen = made[230]
    assert live_window.workspace.open_patient(chosen.id)
    panel.select_patient(chosen.id)
    bar = table.verticalScrollBar()
    bar.setValue(bar.maximum() - 3)
    position = bar.value()

    _rename_elsewhere(made[240].id, "Patient 240 renamed")

    qtbot.waitUntil(lambda: "Patient 240 renamed" in _names(live_window), timeout=WITHIN_MS)
    assert bar.value() == position
    assert panel.model.patient_id_at(table.currentIndex().row()) == chosen.id


@BOTH_ENGINES
def test_an_open_record_without_edits_is_reloaded(
    qtbot: QtBot, live_window: MainWindow, services: Services,
) -> None:
    patient = _create(services, "Margaret Haddad")
    live_window.refresh_list()
    workspace = live_window.workspace
    assert workspace.open_patient(patient.id)

    _rename_elsewhere(patient.id, "Margaret Haddad-Smith")

    qtbot.waitUntil(lambda: workspace.title.text() == "Margaret Haddad-Smith",
                    timeout=WITHIN_MS)
    assert workspace.form.name.text() == "Margaret Haddad-Smith"
    assert not workspace.is_dirty()
    assert workspace.changed_notice.isHidden()
    assert workspace.patient is not None and workspace.patient.version == 2


@BOTH_ENGINES
def test_a_profile_being_edited_is_not_touched_and_a_notice_offers_the_reload(
    qtbot: QtBot, live_window: MainWindow, services: Services, messages: FakeMessages,
) -> None:
    patient = _create(services, "Margaret Haddad")
    live_window.refresh_list()
    workspace = live_window.workspace
    assert workspace.open_patient(patient.id)
    form = workspace.form
    form.notes.setFocus()
    qtbot.keyClicks(form.notes, "Typed here, not saved yet")
    form.name.setCursorPosition(3)

    _rename_elsewhere(patient.id, "Margaret Haddad-Smith")

    qtbot.waitUntil(workspace.changed_notice.isVisible, timeout=WITHIN_MS)
    assert form.notes.toPlainText() == "Typed here, not saved yet"
    assert form.name.text() == "Margaret Haddad"
    assert form.name.cursorPosition() == 3
    assert form.notes.hasFocus()
    assert workspace.is_dirty()
    assert messages.errors == [] and messages.confirmations == [], "nothing modal"
    assert "Changed at another workstation" in workspace.changed_notice.label.text()
    assert "Margaret Haddad-Smith" in _names(live_window), "the list is refreshed anyway"

    messages.confirm_answer = False
    workspace.changed_notice.reload_button.click()
    assert form.notes.toPlainText() == "Typed here, not saved yet", "reload declined"
    messages.confirm_answer = True
    workspace.changed_notice.reload_button.click()
    assert form.name.text() == "Margaret Haddad-Smith"
    assert workspace.changed_notice.isHidden()


def test_a_session_note_being_written_is_not_touched_while_the_timeline_updates(
    qtbot: QtBot, live_window: MainWindow, services: Services,
) -> None:
    patient = _create(services, "Margaret Haddad")
    page = write_note(qtbot, live_window, patient.id, "Left calf, three nights this week")
    workspace = live_window.workspace

    at_another_workstation(lambda: SessionService(local_clock=lambda: VISIT_NOW).create(
        patient.id, SessionInput(started_at=dt.datetime(2025, 1, 10, 9, 0),
                                 notes="Recorded at the front desk")))

    qtbot.waitUntil(lambda: len(page.timeline.session_ids()) == 1, timeout=WITHIN_MS)
    qtbot.waitUntil(workspace.changed_notice.isVisible, timeout=WITHIN_MS)
    assert page.form.notes.toPlainText() == "Left calf, three nights this week"
    assert page.form.notes.hasFocus()
    assert page.is_open() and page.has_unsaved_note()


def test_an_open_visit_changed_elsewhere_is_shown_as_stored_when_not_being_edited(
    qtbot: QtBot, live_window: MainWindow, services: Services,
) -> None:
    patient = _create(services, "Margaret Haddad")
    session = services.sessions.create(
        patient.id, SessionInput(started_at=dt.datetime(2025, 1, 10, 9, 0), notes="First"))
    live_window.refresh_list()
    workspace = live_window.workspace
    assert workspace.open_patient(patient.id)
    workspace.show_sessions()
    page = workspace.sessions
    page.open_session(session.id)

    def amend() -> None:
        other = SessionService(local_clock=lambda: VISIT_NOW)
        stored = other.get(session.id)
        other.update(session.id, dataclasses.replace(stored.data, notes="Corrected"),
                     stored.version)

    at_another_workstation(amend)

    qtbot.waitUntil(lambda: page.form.notes.toPlainText() == "Corrected", timeout=WITHIN_MS)
    assert not page.has_unsaved_note()
    assert workspace.changed_notice.isHidden()


def test_this_windows_own_saves_are_not_announced(
    qtbot: QtBot, live_window: MainWindow, services: Services,
) -> None:
    patient = _create(services, "Margaret Haddad")
    live_window.refresh_list()
    live_window.live.poll()
    workspace = live_window.workspace
    assert workspace.open_patient(patient.id)
    workspace.form.notes.setFocus()
    qtbot.keyClicks(workspace.form.notes, "Saved here")
    assert workspace.save()
    workspace.form.notes.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(workspace.form.notes, " and more typed")

    found = live_window.live.poll()

    assert found is not None and found.own_patient_ids == {patient.id}
    assert not found.elsewhere
    assert workspace.changed_notice.isHidden()
    assert workspace.form.notes.toPlainText() == "Saved here and more typed"


def test_activity_wordings_being_typed_on_the_outcomes_tab_are_not_touched(
    qtbot: QtBot, live_window: MainWindow, services: Services,
) -> None:
    patient = _create(services, "Margaret Haddad")
    live_window.refresh_list()
    workspace = live_window.workspace
    assert workspace.open_patient(patient.id)
    workspace.tabs.setCurrentIndex(workspace.OUTCOMES_TAB)
    first = workspace.outcomes.activities[0]
    first.setFocus()
    qtbot.keyClicks(first, "Climbing stairs")

    _rename_elsewhere(patient.id, "Margaret Haddad-Smith")

    qtbot.waitUntil(workspace.changed_notice.isVisible, timeout=WITHIN_MS)
    assert first.text() == "Climbing stairs"
    workspace.changed_notice.reload_button.click()
    assert workspace.title.text() == "Margaret Haddad-Smith"
    assert first.text() == "Climbing stairs", "Reload keeps typed activity wordings too"


def test_saving_the_note_after_the_notice_shows_the_other_workstations_change(
    qtbot: QtBot, live_window: MainWindow, services: Services,
) -> None:
    patient = _create(services, "Margaret Haddad")
    page = write_note(qtbot, live_window, patient.id, "Left calf, three nights this week")
    workspace = live_window.workspace
    _rename_elsewhere(patient.id, "Margaret Haddad-Smith")
    qtbot.waitUntil(workspace.changed_notice.isVisible, timeout=WITHIN_MS)
    assert workspace.title.text() == "Margaret Haddad"

    assert page.save() is True

    assert workspace.changed_notice.isHidden()
    assert workspace.title.text() == "Margaret Haddad-Smith"
    assert page.form.notes.toPlainText() == "Left calf, three nights this week"

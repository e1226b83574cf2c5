"""The patient most window tests work on, the window with it open, and a session note
typed as a user types it. Registered for every test by the top conftest; `services` and
`window` come from the test's own folder."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from practitioner.domain.patient import Patient, PatientInput
from practitioner.services.bundle import Services
from practitioner.ui.main_window import MainWindow
from practitioner.ui.pages.sessions_page import SessionsPage

PATIENT = PatientInput(name="Margaret Haddad", date_of_birth=dt.date(1967, 9, 3))


@pytest.fixture
def patient(services: Services) -> Patient:
    """`PATIENT`, stored in the test's records."""
    return services.patients.create(PATIENT)


@pytest.fixture
def opened(qtbot: QtBot, window: MainWindow, patient: Patient) -> MainWindow:
    """The window, active, with `patient` open."""
    window.refresh_list()
    assert window.workspace.open_patient(patient.id)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def write_note(qtbot: QtBot, window: MainWindow, patient_id: int, text: str) -> SessionsPage:
    """Open the patient, start a new session note and type `text` into its notes, key by
    key; returns the sessions page."""
    window.refresh_list()
    assert window.workspace.open_patient(patient_id)
    window.workspace.show_sessions()
    page = window.workspace.sessions
    page.new_session()
    page.form.notes.setFocus()
    qtbot.keyClicks(page.form.notes, text)
    return page

"""Reports from the window: the preview dialog, letter edits, and saving as PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytestqt.qtbot import QtBot

from practitioner.content.reference import load_reference
from practitioner.domain.patient import Medication, PatientInput
from practitioner.domain.report_content import ReportKind
from practitioner.domain.screen import RedFlagScreen
from practitioner.services.bundle import Services
from practitioner.ui.dialogs.report_dialog import ReportDialog
from practitioner.ui.main_window import MainWindow
from tests.helpers.fakes import FakeMessages


def test_referral_letter_is_previewed_edited_and_saved_as_pdf(
    qtbot: QtBot, window: MainWindow, services: Services, messages: FakeMessages,
    tmp_path: Path,
) -> None:
    services.reference.seed(load_reference())
    patient = services.patients.create(PatientInput(
        name="Mateo Fernández", date_of_birth=dt.date(1952, 6, 1),
        medications=(Medication("Indapamide 2.5 mg"),),
        screen=RedFlagScreen(pain_on_walking_relieved_by_rest=True),
    ))
    window.refresh_list()
    window.workspace.open_patient(patient.id)
    window.actions.referral_letter.trigger()
    [data] = messages.reports
    assert data.kind is ReportKind.REFERRAL and data.patient_name == "Mateo Fernández"
    assert data.flags, "the letter carries the flags raised for this record"

    dialog = ReportDialog(data)
    qtbot.addWidget(dialog)
    dialog.recipient.setText("Dr A. Okafor")
    dialog.body.setPlainText("Please review his walking pain.")
    assert "Please review his walking pain." in dialog.preview.toPlainText()
    assert "Dr A. Okafor" in dialog.preview.toPlainText()
    target = tmp_path / "letter.pdf"
    assert dialog.save_pdf(target)
    assert target.read_bytes().startswith(b"%PDF")


def test_a_report_needs_an_open_patient(window: MainWindow, messages: FakeMessages) -> None:
    window.actions.progress_report.trigger()
    assert messages.reports == []
    assert messages.errors and messages.errors[0][0] == "No patient open"

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
from practitioner.ui.dialogs.letters_dialog import LettersDialog
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
    window.commands.referral_letter.trigger()
    [data] = messages.reports
    assert data.kind is ReportKind.REFERRAL and data.patient_name == "Mateo Fernández"
    assert data.flags, "the letter carries the flags raised for this record"

    [keep] = messages.letter_keepers
    dialog = ReportDialog(data, keep=keep)
    qtbot.addWidget(dialog)
    dialog.recipient.setText("Dr A. Okafor")
    dialog.body.setPlainText("Please review his walking pain.")
    assert "Please review his walking pain." in dialog.preview.toPlainText()
    assert "Dr A. Okafor" in dialog.preview.toPlainText()
    target = tmp_path / "letter.pdf"
    assert dialog.save_pdf(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert "kept in the patient's record" in dialog.status.text()

    [kept] = services.letters.letters(patient.id)
    assert (kept.recipient, kept.body) == ("Dr A. Okafor", "Please review his walking pain.")
    assert kept.pdf == target.read_bytes(), "the record keeps exactly the letter sent"
    window.commands.kept_letters.trigger()
    assert messages.letters_shown == [[kept]]


def test_kept_letters_list_shows_the_text_and_saves_an_exact_copy(
    qtbot: QtBot, services: Services, tmp_path: Path,
) -> None:
    patient = services.patients.create(PatientInput(name="Ana Lima"))
    first = services.letters.keep(patient.id, "Dr One", "First letter", b"%PDF-1.4 one")
    second = services.letters.keep(patient.id, "Dr Two", "Second letter", b"%PDF-1.4 two")
    dialog = LettersDialog("Ana Lima", services.letters.letters(patient.id))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert dialog.selected() == second and dialog.text.toPlainText() == "Second letter"
    dialog.table.selectRow(1)
    assert dialog.selected() == first and dialog.text.toPlainText() == "First letter"
    copy = tmp_path / "copy.pdf"
    assert dialog.save_copy(copy)
    assert copy.read_bytes() == b"%PDF-1.4 one"
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert not dialog.save_copy(blocked / "copy.pdf")
    assert "Not saved" in dialog.status.text()


def test_no_kept_letters_says_how_letters_get_there(qtbot: QtBot) -> None:
    dialog = LettersDialog("Ana Lima", [])
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()
    assert "No letters kept yet" in dialog.empty.text()


def test_a_progress_report_is_not_kept_as_a_letter(
    qtbot: QtBot, window: MainWindow, services: Services, messages: FakeMessages,
    tmp_path: Path,
) -> None:
    patient = services.patients.create(PatientInput(name="Ana Lima"))
    window.refresh_list()
    window.workspace.open_patient(patient.id)
    window.commands.progress_report.trigger()
    [data], [keep] = messages.reports, messages.letter_keepers
    dialog = ReportDialog(data, keep=keep)
    qtbot.addWidget(dialog)
    assert dialog.save_pdf(tmp_path / "report.pdf")
    assert services.letters.letters(patient.id) == []
    task = dialog.save_pdf_in_background(tmp_path / "again.pdf")
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    assert task.error is None and task.result == (tmp_path / "again.pdf").read_bytes()
    assert "Saved" in dialog.status.text() and dialog.save_button.isEnabled()
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    task = dialog.save_pdf_in_background(blocked / "report.pdf")
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    assert "Not saved" in dialog.status.text()


def test_a_report_needs_an_open_patient(window: MainWindow, messages: FakeMessages) -> None:
    window.commands.progress_report.trigger()
    assert messages.reports == []
    assert messages.errors and messages.errors[0][0] == "No patient open"

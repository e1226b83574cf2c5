"""The Patient menu's privacy actions: audit trail viewer, export for the patient, and
permanent deletion within retention; and no patient text reaches the log."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from practitioner.domain.patient import Patient
from practitioner.process_privacy import protect_process
from practitioner.services.bundle import Services
from practitioner.ui.dialogs.audit_trail import AuditTrailDialog, entry_cells
from practitioner.ui.main_window import MainWindow
from tests.helpers.fakes import FakeMessages
from tests.helpers.session_inputs import full_session
from tests.helpers.ui_fixtures import write_note

MARKER = "LOGMARKER-5d1e"


def _menu_texts(window: MainWindow) -> list[str]:
    menu = window.menuBar().actions()[0].menu()
    return [a.text() for a in menu.actions()]


def test_the_actions_are_in_the_patient_menu(window: MainWindow) -> None:
    texts = _menu_texts(window)
    for text in ("Audit &trail…", "E&xport record for patient…",
                 "&Delete patient permanently…"):
        assert text in texts


def test_opening_a_record_is_audited_and_shown_in_the_viewer(
    qtbot: QtBot, opened: MainWindow, services: Services, messages: FakeMessages,
    patient: Patient,
) -> None:
    opened.privacy.show_trail.trigger()
    [(title, entries)] = messages.audit_trails
    assert str(patient.id) in title
    assert [e.fields.action for e in entries] == ["create", "open"]
    dialog = AuditTrailDialog(title, entries)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(1, 2).text() == "open"
    assert dialog.table.item(1, 3).text() == f"patient {patient.id}"
    assert entry_cells(entries[0])[1]  # a practitioner is always named


def test_export_for_the_patient_writes_json_and_pdf_owner_only(
    opened: MainWindow, services: Services, messages: FakeMessages, patient: Patient,
    tmp_path: Path,
) -> None:
    messages.folder = str(tmp_path)
    written = opened.privacy.export_for_patient()
    assert [p.name for p in written] == [f"patient-{patient.id}-record.json",
                                         f"patient-{patient.id}-progress-report.pdf"]
    document = json.loads(written[0].read_text(encoding="utf-8"))
    assert [p["name"] for p in document["patients"]] == [patient.data.name]
    assert written[1].read_bytes().startswith(b"%PDF")
    if os.name == "posix":
        assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o600}
    last = services.audit.trail(patient.id)[-1].fields
    assert (last.action, last.detail) == ("export", "json and pdf for patient")
    assert messages.infos and "not encrypted" in messages.infos[-1][1]


def test_cancelling_the_folder_writes_nothing(
    opened: MainWindow, services: Services, messages: FakeMessages, patient: Patient,
) -> None:
    assert opened.privacy.export_for_patient() == []
    assert services.audit.trail(patient.id)[-1].fields.action == "open"


def test_deletion_inside_retention_is_refused_with_the_date(
    opened: MainWindow, services: Services, messages: FakeMessages, patient: Patient,
) -> None:
    services.sessions.create(patient.id, full_session())  # a visit on 2025-01-14
    assert not opened.privacy.erase_patient()
    title, text = messages.errors[-1]
    assert title == "The record must be kept"
    assert "2035-01-14" in text
    assert messages.confirmations == []
    assert services.patients.get(patient.id)
    assert services.audit.trail(patient.id)[-1].fields.action == "purge_refused"


def test_deletion_after_retention_erases_the_patient_once_confirmed(
    opened: MainWindow, services: Services, messages: FakeMessages, patient: Patient,
) -> None:
    opened._settings.setValue("privacy/retention_years", 0)
    messages.confirm_answer = False
    assert not opened.privacy.erase_patient()
    assert services.patients.count() == 1
    messages.confirm_answer = True
    assert opened.privacy.erase_patient()
    assert services.patients.count() == 0
    assert opened.workspace.patient is None
    assert opened.patient_list.model.rowCount() == 0
    assert services.audit.trail(patient.id)[-1].fields.action == "purge"
    assert services.audit.verify().intact
    title, text = messages.infos[-1]
    assert title == "Patient deleted" and "before-purge" in text


def test_a_saved_or_printed_report_is_audited(
    opened: MainWindow, services: Services, messages: FakeMessages, patient: Patient,
) -> None:
    opened.commands.progress_report.trigger()
    [produced] = messages.report_outputs
    assert produced is not None
    produced("pdf")
    produced("print")
    actions = [(e.fields.action, e.fields.detail) for e in services.audit.trail(patient.id)]
    assert actions[-2:] == [("report", "progress pdf"), ("print", "progress print")]


def test_no_patient_text_reaches_the_log(
    qtbot: QtBot, opened: MainWindow, services: Services, messages: FakeMessages,
    patient: Patient, caplog: pytest.LogCaptureFixture, tmp_path: Path,
) -> None:
    protect_process()  # as app.main and cli.main do first
    caplog.set_level(logging.DEBUG)
    page = write_note(qtbot, opened, patient.id, f"Note with {MARKER}")
    qtbot.waitUntil(lambda: services.drafts.get(patient.id, None) is not None, timeout=2000)
    page.form.points.add_code("GB34")
    assert page.save_and_finalise()
    messages.folder = str(tmp_path)
    assert opened.privacy.export_for_patient()
    opened.privacy.show_audit_trail()
    opened.commands.progress_report.trigger()
    assert any(MARKER in s.data.notes for s in services.sessions.for_patients(
        [patient.id])[patient.id])
    # The capture sees DEBUG records of any logger (without protect_process, peewee's
    # query log put the note text here).
    logging.getLogger("practitioner.probe").debug("probe")
    assert [r.getMessage() for r in caplog.records][-1] == "probe"
    for record in caplog.records:
        assert MARKER not in record.getMessage()
        assert patient.data.name not in record.getMessage()


def test_a_note_being_typed_is_not_written_back_after_deletion(
    qtbot: QtBot, opened: MainWindow, services: Services, messages: FakeMessages,
    patient: Patient,
) -> None:
    opened._settings.setValue("privacy/retention_years", 0)
    write_note(qtbot, opened, patient.id, "half a note")
    opened.workspace.form.notes.setPlainText("unsaved profile edit")
    assert opened.privacy.erase_patient()
    assert services.drafts.summaries() == []
    assert services.patients.count() == 0
    assert messages.unsaved_prompts == []

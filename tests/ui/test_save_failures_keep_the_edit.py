"""A save that fails for a reason outside the app names the cause, keeps every typed
character in the form (and the session note's draft), and the same Save works once the
cause is gone. Each fault is real: see tests/helpers/faults.py."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.patient import Patient
from practitioner.services.bundle import Services
from practitioner.ui.main_window import MainWindow
from practitioner.ui.messages import Answer
from tests.helpers.fakes import FakeMessages
from tests.helpers.faults import FAULTS, LONG_TEXT, Damaged, Fault
from tests.helpers.ui_fixtures import write_note

TYPED_NAME = "Orla Byrne"
TYPED_NOTE = "Night cramps in both calves, worse after long shifts."


@pytest.fixture
def db_path(migrated_template: Path, tmp_path: Path) -> Iterator[Path]:
    """The records in a folder of their own, so that folder can be taken away."""
    path = tmp_path / "records" / "records.db"
    path.parent.mkdir()
    shutil.copyfile(migrated_template, path)
    open_sqlite(path)
    yield path
    close_database()


def _fault(name: str, records: Path, table: str) -> Fault:
    fault = FAULTS[name](records)
    if isinstance(fault, Damaged):
        fault.table = table
    return fault


def _assert_told(messages: FakeMessages, title: str, fault: Fault) -> None:
    shown_title, text = messages.errors[-1]
    assert shown_title == title
    assert fault.says in text
    assert "Nothing you typed was lost" in text
    assert "Traceback" not in text


def _healthy(records: Path) -> None:
    conn = sqlite3.connect(records)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


@pytest.mark.parametrize("name", list(FAULTS))
def test_the_profile_form_keeps_its_text_and_saves_once_the_cause_is_gone(
    qtbot: QtBot, window: MainWindow, services: Services, messages: FakeMessages,
    db_path: Path, name: str,
) -> None:
    window.new_patient()
    form = window.workspace.form
    qtbot.keyClicks(form.name, TYPED_NAME)
    form.notes.setFocus()
    qtbot.keyClicks(form.notes, TYPED_NOTE)
    form.notes.insertPlainText(LONG_TEXT)  # a long paste: needs pages the disk lacks
    fault = _fault(name, db_path, "patient")
    fault.apply()

    assert window.workspace.save() is False
    _assert_told(messages, "Not saved", fault)
    assert window.workspace.save() is False, "a retry before the cause is gone must fail"
    assert len(messages.errors) == 2
    assert form.name.text() == TYPED_NAME
    assert form.notes.toPlainText() == TYPED_NOTE + LONG_TEXT
    assert window.workspace.is_dirty()

    fault.remove()
    assert services.patients.count() == 0, "nothing was half-saved"
    assert window.workspace.save() is True
    [summary] = services.patients.list_patients()
    stored = services.patients.get(summary.id).data
    assert (stored.name, stored.notes) == (TYPED_NAME, TYPED_NOTE + LONG_TEXT)
    assert not window.workspace.is_dirty()
    assert len(messages.errors) == 2
    _healthy(db_path)


@pytest.mark.parametrize("name", list(FAULTS))
def test_the_session_note_keeps_its_text_and_draft_and_saves_once_the_cause_is_gone(
    qtbot: QtBot, window: MainWindow, services: Services, messages: FakeMessages,
    db_path: Path, patient: Patient, name: str,
) -> None:
    page = write_note(qtbot, window, patient.id, TYPED_NOTE)
    page.form.notes.insertPlainText(LONG_TEXT)
    page.flush_draft()
    typed = page.form.notes.toPlainText()
    assert services.drafts.get(patient.id, None) is not None
    fault = _fault(name, db_path, "treatment_session")
    fault.apply()

    assert page.save() is False
    _assert_told(messages, "Session not saved", fault)
    assert page.save() is False, "a retry before the cause is gone must fail"
    assert page.form.notes.toPlainText() == typed
    assert page.form.is_dirty()

    fault.remove()
    assert services.sessions.timeline(patient.id) == [], "nothing was half-saved"
    draft = services.drafts.get(patient.id, None)
    assert draft is not None and draft.payload["f_notes"] == typed, "the draft was kept"
    assert page.save() is True
    [summary] = services.sessions.timeline(patient.id)
    assert services.sessions.get(summary.id).data.notes == typed
    assert services.drafts.get(patient.id, None) is None
    assert len(messages.errors) == 2
    _healthy(db_path)



@pytest.mark.parametrize("name", ["disk-full", "locked", "folder-missing"])
def test_a_note_that_cannot_even_be_kept_as_a_draft_is_not_dropped_by_leaving_it(
    qtbot: QtBot, window: MainWindow, services: Services, messages: FakeMessages,
    db_path: Path, patient: Patient, name: str,
) -> None:
    page = write_note(qtbot, window, patient.id, TYPED_NOTE)
    page.form.notes.insertPlainText(LONG_TEXT)
    typed = page.form.notes.toPlainText()
    fault = FAULTS[name](db_path)
    fault.apply()

    messages.unsaved_answers = [Answer.CANCEL, Answer.CANCEL, Answer.SAVE]
    assert window.close() is False, "closing must not drop the note"
    page.new_session()
    assert window.workspace.can_leave() is False, "a failed Save keeps the record open"
    assert len(messages.unsaved_prompts) == 3
    assert "could not be kept as a draft" in messages.unsaved_prompts[0]
    assert page.form.notes.toPlainText() == typed
    assert window.isVisible()

    fault.remove()
    assert window.workspace.can_leave() is True
    draft = services.drafts.get(patient.id, None)
    assert draft is not None and draft.payload["f_notes"] == typed
    assert len(messages.unsaved_prompts) == 3


def test_a_draft_that_cannot_be_discarded_says_why_and_keeps_the_note(
    qtbot: QtBot, window: MainWindow, services: Services, messages: FakeMessages,
    db_path: Path, patient: Patient,
) -> None:
    page = write_note(qtbot, window, patient.id, TYPED_NOTE)
    assert page.flush_draft()
    fault = FAULTS["locked"](db_path)
    fault.apply()

    page.discard_draft()

    _assert_told(messages, "Draft not discarded", fault)
    assert page.form.notes.toPlainText() == TYPED_NOTE
    fault.remove()
    page.discard_draft()
    assert services.drafts.get(patient.id, None) is None
    assert len(messages.errors) == 1

"""A half-written session note, and profile edits, survive the app being killed outright
(SIGKILL)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from practitioner.app import build_window
from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.patient import PatientInput
from practitioner.domain.session import DraftForm, DraftSummary
from practitioner.services.patients import PatientService
from practitioner.ui.main_window import MainWindow
from tests.helpers.fakes import FakeMessages
from tests.helpers.typing_session import READY

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Left calf cramped twice; stretching helped"


def _type_then_sigkill(records: Path, settings: Path, form: DraftForm) -> None:
    """Type TEXT into `form` in the real app in its own process, then SIGKILL it once the
    draft is stored."""
    with subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.typing_session", str(records), str(settings),
         TEXT, form.value],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    ) as app:
        assert app.stdout is not None
        try:
            ready, _, _ = select.select([app.stdout], [], [], 90)
            line = app.stdout.readline().strip() if ready else ""
        finally:
            app.send_signal(signal.SIGKILL)
            _, errors = app.communicate(timeout=30)
        assert line == READY, f"the app never reported the draft as stored: {errors}"
    assert app.returncode == -signal.SIGKILL


def _typed_killed_and_restarted(qtbot: QtBot, tmp_path: Path, form: DraftForm,
                                ) -> tuple[MainWindow, DraftSummary]:
    """Type into `form` of a patient's record, SIGKILL the app, start it again and take
    the draft it offers: the window and the draft offered."""
    records = tmp_path / "records.db"
    settings = tmp_path / "settings.ini"
    open_sqlite(records)
    PatientService().create(PatientInput(name="Priya Nguyen"))
    close_database()
    _type_then_sigkill(records, settings, form)

    messages = FakeMessages(draft_choice=0)
    window = build_window(records, messages, QSettings(str(settings),
                                                       QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.offer_recovered_drafts()
    [[offered]] = messages.drafts_offered
    return window, offered


@pytest.mark.slow
def test_a_draft_typed_before_sigkill_is_offered_on_the_next_start(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, offered = _typed_killed_and_restarted(qtbot, tmp_path, DraftForm.SESSION)
    assert offered.patient_name == "Priya Nguyen"
    assert offered.session_id is None
    assert window.workspace.sessions.form.notes.toPlainText() == TEXT
    close_database()


@pytest.mark.slow
def test_profile_edits_typed_before_sigkill_come_back_on_the_next_start(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, offered = _typed_killed_and_restarted(qtbot, tmp_path, DraftForm.PROFILE)
    assert (offered.patient_name, offered.form) == ("Priya Nguyen", DraftForm.PROFILE)
    workspace = window.workspace
    assert workspace.form.conditions_notes.toPlainText() == TEXT
    assert "Restored your unsaved draft" in workspace.save_status.text()
    assert not workspace.sessions.is_open()
    assert workspace.save()
    assert workspace.patient is not None and workspace.patient.data.conditions_notes == TEXT
    close_database()

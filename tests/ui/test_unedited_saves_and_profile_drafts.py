"""Nothing typed is lost and nothing unedited is changed: profile edits are kept as a
draft like a session note, and saving a record or note without editing it changes
nothing, whatever precision its stored values have."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from practitioner.db.base import database
from practitioner.domain.outcomes import SessionMeasures
from practitioner.domain.patient import CrampProfile, Lifestyle, Patient, PatientInput
from practitioner.domain.session import DraftForm, NeedledPoint, SessionInput
from practitioner.services.bundle import Services
from practitioner.ui.main_window import MainWindow
from tests.helpers.fakes import FakeMessages
from tests.ui.conftest import VISIT_NOW, make_window


def _audit_rows() -> int:
    return int(database.execute_sql("SELECT count(*) FROM audit_log").fetchone()[0])


@pytest.fixture
def patient(services: Services) -> Patient:
    """A record whose numbers do not survive a 6-digit display (`f"{x:g}"`)."""
    return services.patients.create(PatientInput(
        name="Helga Brandt", date_of_birth=dt.date(1961, 4, 30),
        profile=CrampProfile(frequency_per_week=1.2345678, duration_minutes=0.0000125),
        lifestyle=Lifestyle(exercise_hours_per_week=12.3456789, fluid_litres_per_day=1.75),
        conditions_notes="Thyroid reviewed.",
    ))


# --- unedited saves ------------------------------------------------------------------


def test_saving_an_unedited_profile_changes_nothing(
    opened: MainWindow, services: Services, patient: Patient
) -> None:
    workspace = opened.workspace
    assert not workspace.form.is_dirty()
    audited = _audit_rows()
    assert workspace.save()
    stored = services.patients.get(patient.id)
    assert stored == patient, "same data, same version, same updated_at"
    assert _audit_rows() == audited


def test_saving_an_unedited_final_session_asks_nothing_and_changes_nothing(
    opened: MainWindow, services: Services, patient: Patient, messages: FakeMessages
) -> None:
    created = services.sessions.create(patient.id, SessionInput(
        started_at=(VISIT_NOW - dt.timedelta(days=2)).replace(minute=15, second=42),
        duration_minutes=40, practitioner="Dr Test",
        points=(NeedledPoint("GB34", retention_minutes=20, electro_hz=2.123456789),),
        measures=SessionMeasures(values=(("worst_severity", 6.0),)),
    ), finalise=True)
    page = opened.workspace.sessions
    page.refresh_timeline()
    page.open_session(created.id)
    assert not page.form.is_dirty()
    audited = _audit_rows()
    assert page.save()
    assert messages.text_prompts == [], "no amendment reason is asked for an unedited save"
    stored = services.sessions.get(created.id)
    assert stored == created, "no new version, no revision"
    assert _audit_rows() == audited


def test_an_edit_to_one_field_leaves_the_others_exactly_as_stored(
    opened: MainWindow, services: Services, patient: Patient
) -> None:
    form = opened.workspace.form
    form.conditions_notes.setPlainText("Thyroid reviewed. Statins stopped.")
    assert opened.workspace.save()
    stored = services.patients.get(patient.id)
    assert stored.data == dataclasses.replace(
        patient.data, conditions_notes="Thyroid reviewed. Statins stopped.")
    assert stored.version == patient.version + 1


# --- profile drafts ------------------------------------------------------------------


def _type_intake(qtbot: QtBot, window: MainWindow) -> None:
    form = window.workspace.form
    form.conditions_notes.setFocus()
    form.conditions_notes.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(form.conditions_notes, " Statins stopped in May.")
    form.frequency.setFocus()  # focus leaving a field keeps the draft at once
    form.frequency.selectAll()
    qtbot.keyClicks(form.frequency, "4,5x")  # not a number yet: kept as typed


def test_profile_edits_are_kept_as_a_draft_and_offered_at_the_next_start(
    qtbot: QtBot, opened: MainWindow, services: Services, patient: Patient,
    settings_path: Path,
) -> None:
    _type_intake(qtbot, opened)
    qtbot.waitUntil(lambda: (draft := services.drafts.get(
        patient.id, None, DraftForm.PROFILE)) is not None
        and draft.payload.get("frequency") == "4,5x", timeout=2000)
    # The first window is left as it is (as if the process died): a new one starts.
    messages = FakeMessages(draft_choice=0)
    again = make_window(services, messages, settings_path)
    qtbot.addWidget(again)
    again.show()
    again.offer_recovered_drafts()
    [[offered]] = messages.drafts_offered
    assert (offered.patient_id, offered.form) == (patient.id, DraftForm.PROFILE)
    workspace = again.workspace
    assert workspace.patient is not None and workspace.patient.id == patient.id
    assert workspace.tabs.currentIndex() == workspace.PROFILE_TAB
    assert workspace.form.conditions_notes.toPlainText() == (
        "Thyroid reviewed. Statins stopped in May.")
    assert workspace.form.frequency.text() == "4,5x"
    assert "Restored your unsaved draft" in workspace.save_status.text()
    assert workspace.is_dirty()

    workspace.form.frequency.setText("4.5")
    assert workspace.save()
    assert services.drafts.get(patient.id, None, DraftForm.PROFILE) is None
    assert services.drafts.summaries() == []
    stored = services.patients.get(patient.id).data
    assert stored.profile.frequency_per_week == 4.5
    assert stored.conditions_notes == "Thyroid reviewed. Statins stopped in May."
    opened.workspace.form.mark_saved()


def test_cancelling_profile_edits_throws_their_draft_away(
    qtbot: QtBot, opened: MainWindow, services: Services, patient: Patient,
    messages: FakeMessages,
) -> None:
    _type_intake(qtbot, opened)
    assert opened.workspace.flush_drafts()
    assert services.drafts.get(patient.id, None, DraftForm.PROFILE) is not None
    opened.workspace.cancel_edits()
    assert messages.confirmations, "dropping typed text is confirmed"
    assert services.drafts.get(patient.id, None, DraftForm.PROFILE) is None
    assert opened.workspace.form.conditions_notes.toPlainText() == "Thyroid reviewed."
    assert opened.workspace.open_patient(patient.id)
    assert opened.workspace.save_status.text() == ""


def test_a_profile_draft_does_not_open_a_session_note(
    qtbot: QtBot, opened: MainWindow, services: Services, patient: Patient
) -> None:
    _type_intake(qtbot, opened)
    assert opened.workspace.flush_drafts()
    assert opened.workspace.open_patient(patient.id)
    assert not opened.workspace.sessions.is_open()
    assert opened.workspace.form.frequency.text() == "4,5x"
    opened.workspace.form.mark_saved()

"""When a save meets a version saved elsewhere meanwhile, the practitioner sees both side
by side and chooses: keep mine, keep theirs (mine set aside until dismissed), merge by
hand, or cancel (the form untouched). Nothing is overwritten silently.

"Elsewhere" is a second SessionService/PatientService working as Dr Other on the same
records; the service tests show the same with two real connections."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from practitioner.db.models import AuditRow
from practitioner.domain.conflicts import ConflictChoice, EditConflict
from practitioner.domain.patient import Patient, PatientInput
from practitioner.domain.session import SessionInput
from practitioner.services.audit import AuditService
from practitioner.services.bundle import Services
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from practitioner.ui.dialogs.conflict_dialog import ConflictDialog, ConflictResolution
from practitioner.ui.main_window import MainWindow
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.fakes import FakeMessages
from tests.ui.conftest import VISIT_NOW

OTHER = "Dr Other"
KEEP_MINE = ConflictResolution(ConflictChoice.KEEP_MINE)
KEEP_THEIRS = ConflictResolution(ConflictChoice.KEEP_THEIRS)


@pytest.fixture
def elsewhere(clock: FakeClock) -> tuple[PatientService, SessionService]:
    """Dr Other's services, saving behind the window's back."""
    audit = AuditService(user=lambda: OTHER, clock=clock)
    return (PatientService(clock=clock, today=lambda: TODAY, audit=audit),
            SessionService(clock=clock, local_clock=lambda: VISIT_NOW, user=lambda: OTHER,
                           audit=audit))


@pytest.fixture
def session_id(services: Services, patient: Patient) -> int:
    return services.sessions.create(
        patient.id, SessionInput(started_at=VISIT_NOW, notes="First note.")).id


@pytest.fixture
def note_open(qtbot: QtBot, window: MainWindow, patient: Patient, session_id: int,
              elsewhere: tuple[PatientService, SessionService]) -> MainWindow:
    """The window with the session note open, typed into, and saved elsewhere meanwhile."""
    assert window.workspace.open_patient(patient.id)
    page = window.workspace.sessions
    page.open_session(session_id)
    assert page.is_open()
    stored = elsewhere[1].get(session_id)
    elsewhere[1].update(session_id, dataclasses.replace(stored.data, notes="Theirs: calf."),
                        stored.version)
    page.form.notes.setPlainText("Mine: thigh.")
    return window


def _last_actions(count: int) -> list[tuple[str, str]]:
    rows = AuditRow.select().order_by(AuditRow.seq.desc()).limit(count)
    return [(r.action, r.practitioner) for r in reversed(list(rows))]


# --- the session note ------------------------------------------------------------------


def test_session_save_shows_both_texts_and_keep_mine_saves_over_theirs(
    note_open: MainWindow, messages: FakeMessages, services: Services, session_id: int,
) -> None:
    messages.conflict_answers = [KEEP_MINE]
    page = note_open.workspace.sessions

    assert page.save()

    [conflict] = messages.conflicts
    assert (conflict.mine.notes, conflict.theirs.notes) == ("Mine: thigh.", "Theirs: calf.")
    assert conflict.their_author == OTHER
    stored = services.sessions.get(session_id)
    assert (stored.data.notes, stored.version) == ("Mine: thigh.", 3)
    assert page.form.notes.toPlainText() == "Mine: thigh." and not page.form.is_dirty()
    assert [a for a, _ in _last_actions(2)] == ["update", "override"]


def test_session_cancel_leaves_the_form_and_the_stored_note_as_they_were(
    note_open: MainWindow, messages: FakeMessages, services: Services, session_id: int,
    patient: Patient,
) -> None:
    page = note_open.workspace.sessions

    assert not page.save()  # no scripted answer: Cancel

    assert len(messages.conflicts) == 1
    assert page.form.notes.toPlainText() == "Mine: thigh." and page.form.is_dirty()
    assert services.sessions.get(session_id).data.notes == "Theirs: calf."
    assert "changed elsewhere" in page.status.text()
    draft = services.drafts.get(patient.id, session_id)
    assert draft is not None and "Mine: thigh." in draft.payload.values()
    assert messages.errors == []


def test_session_keep_theirs_shows_theirs_and_keeps_mine_until_dismissed(
    qtbot: QtBot, note_open: MainWindow, messages: FakeMessages, services: Services,
    session_id: int, patient: Patient,
) -> None:
    messages.conflict_answers = [KEEP_THEIRS]
    page = note_open.workspace.sessions

    assert not page.save()

    assert page.form.notes.toPlainText() == "Theirs: calf." and not page.form.is_dirty()
    assert services.sessions.get(session_id).data.notes == "Theirs: calf."
    assert page.kept.isVisible() and "Mine: thigh." in page.kept.text.toPlainText()
    kept = services.drafts.kept_aside(patient.id, session_id)
    assert kept is not None and kept.payload["texts"] == {"notes": "Mine: thigh."}
    # Leaving and coming back still shows it: it is in the records, not only on screen.
    note_open.workspace.open_patient(patient.id)
    page.open_session(session_id)
    assert page.kept.isVisible() and "Mine: thigh." in page.kept.text.toPlainText()
    # Saving their version with an edit does not drop mine; only dismissing does.
    page.form.plan.setPlainText("Review in a week.")
    assert page.save()
    assert services.drafts.kept_aside(patient.id, session_id) is not None
    qtbot.mouseClick(page.kept.use_button, Qt.MouseButton.LeftButton)
    assert page.form.notes.toPlainText() == "Mine: thigh." and page.form.is_dirty()
    qtbot.mouseClick(page.kept.dismiss_button, Qt.MouseButton.LeftButton)
    assert not page.kept.isVisible()
    assert services.drafts.kept_aside(patient.id, session_id) is None


def test_session_merge_by_hand_saves_the_merged_text_on_their_version(
    note_open: MainWindow, messages: FakeMessages, services: Services, session_id: int,
) -> None:
    messages.conflict_answers = [ConflictResolution(
        ConflictChoice.MERGE, {"notes": "Theirs: calf. Mine: thigh."})]
    page = note_open.workspace.sessions

    assert page.save()

    stored = services.sessions.get(session_id)
    assert (stored.data.notes, stored.version) == ("Theirs: calf. Mine: thigh.", 3)
    assert page.form.notes.toPlainText() == "Theirs: calf. Mine: thigh."
    assert [a for a, _ in _last_actions(2)] == ["update", "merge"]


# --- the patient profile ------------------------------------------------------------------


@pytest.fixture
def profile_open(window: MainWindow, patient: Patient,
                 elsewhere: tuple[PatientService, SessionService]) -> MainWindow:
    assert window.workspace.open_patient(patient.id)
    elsewhere[0].update(patient.id, dataclasses.replace(patient.data, notes="Theirs.",
                                                        phone="0111"), patient.version)
    window.workspace.form.notes.setPlainText("Mine.")
    window.workspace.form.email.setText("m@example.org")
    return window


def test_profile_keep_mine_saves_over_theirs_and_is_audited(
    profile_open: MainWindow, messages: FakeMessages, services: Services, patient: Patient,
) -> None:
    messages.conflict_answers = [KEEP_MINE]

    assert profile_open.workspace.save()

    [conflict] = messages.conflicts
    assert set(conflict.differing) == {"phone", "email", "notes"}
    stored = services.patients.get(patient.id)
    assert (stored.data.notes, stored.data.email, stored.data.phone, stored.version) == (
        "Mine.", "m@example.org", "", 3)
    assert [a for a, _ in _last_actions(2)] == ["update", "override"]


def test_profile_cancel_keeps_the_typed_text(
    profile_open: MainWindow, messages: FakeMessages, services: Services, patient: Patient,
) -> None:
    assert not profile_open.workspace.save()
    form = profile_open.workspace.form
    assert (form.notes.toPlainText(), form.email.text()) == ("Mine.", "m@example.org")
    assert form.is_dirty()
    assert services.patients.get(patient.id).data.notes == "Theirs."
    assert profile_open.workspace.save_status.text() == "Not saved: changed elsewhere"


def test_profile_keep_theirs_then_use_mine_and_dismiss(
    qtbot: QtBot, profile_open: MainWindow, messages: FakeMessages, services: Services,
    patient: Patient,
) -> None:
    messages.conflict_answers = [KEEP_THEIRS]
    workspace = profile_open.workspace

    assert not workspace.save()

    assert workspace.form.notes.toPlainText() == "Theirs." and not workspace.form.is_dirty()
    assert workspace.kept.isVisible() and "Mine." in workspace.kept.text.toPlainText()
    assert services.drafts.kept_aside(patient.id, None) is not None
    qtbot.mouseClick(workspace.kept.use_button, Qt.MouseButton.LeftButton)
    assert (workspace.form.notes.toPlainText(), workspace.form.email.text()) == (
        "Mine.", "m@example.org")
    assert workspace.form.is_dirty()  # an unsaved change over their stored version
    assert workspace.save()  # now on their version: no conflict
    assert services.patients.get(patient.id).data.notes == "Mine."
    qtbot.mouseClick(workspace.kept.dismiss_button, Qt.MouseButton.LeftButton)
    assert services.drafts.kept_aside(patient.id, None) is None
    assert services.drafts.summaries() == []  # never offered as a session draft


def test_profile_merge_saves_merged_notes_with_my_other_fields(
    profile_open: MainWindow, messages: FakeMessages, services: Services, patient: Patient,
) -> None:
    messages.conflict_answers = [ConflictResolution(ConflictChoice.MERGE,
                                                    {"notes": "Theirs. Mine."})]
    assert profile_open.workspace.save()
    stored = services.patients.get(patient.id).data
    assert (stored.notes, stored.email) == ("Theirs. Mine.", "m@example.org")


# --- the dialog itself -------------------------------------------------------------------


def _conflict() -> EditConflict[SessionInput]:
    base = SessionInput(started_at=VISIT_NOW, notes="Same.", plan="Weekly.")
    return EditConflict(
        "session", 7, 1, mine=dataclasses.replace(base, notes="Mine: thigh.", plan="Daily."),
        theirs=dataclasses.replace(base, notes="Theirs: calf."), their_version=2,
        their_author=OTHER, their_saved_at=dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def dialog(qtbot: QtBot) -> ConflictDialog:
    shown = ConflictDialog(_conflict(), "session note")
    qtbot.addWidget(shown)
    shown.show()
    return shown


def test_the_dialog_highlights_what_differs_and_shows_the_texts_side_by_side(
    dialog: ConflictDialog,
) -> None:
    assert dialog.highlighted_fields() == ["Plan", "Notes"]
    theirs, mine = dialog.side_by_side["notes"]
    assert (theirs.toPlainText(), mine.toPlainText()) == ("Theirs: calf.", "Mine: thigh.")
    assert theirs.isReadOnly() and mine.isReadOnly()
    assert OTHER in dialog.summary.text() and "version 2" in dialog.summary.text()


@pytest.mark.parametrize(("button", "choice"), [
    ("keep_mine_button", ConflictChoice.KEEP_MINE),
    ("keep_theirs_button", ConflictChoice.KEEP_THEIRS),
])
def test_the_dialog_returns_keep_mine_or_keep_theirs(
    qtbot: QtBot, dialog: ConflictDialog, button: str, choice: str,
) -> None:
    qtbot.mouseClick(getattr(dialog, button), Qt.MouseButton.LeftButton)
    assert dialog.value() == ConflictResolution(choice)


def test_the_dialog_merges_by_hand_from_both_texts(qtbot: QtBot, dialog: ConflictDialog
                                                   ) -> None:
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    box = dialog.merge_boxes["notes"]
    assert box.toPlainText() == "Theirs: calf.\nMine: thigh."
    assert set(dialog.merge_boxes) == {"plan", "notes"}
    box.setPlainText("Calf and thigh.")
    qtbot.mouseClick(dialog.save_merge_button, Qt.MouseButton.LeftButton)
    resolution = dialog.value()
    assert resolution is not None and resolution.choice == ConflictChoice.MERGE
    merged = resolution.merged(_conflict())
    assert (merged.notes, merged.plan) == ("Calf and thigh.", "Weekly.\nDaily.")


def test_the_dialog_cancel_chooses_nothing(qtbot: QtBot, dialog: ConflictDialog) -> None:
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.value() is None and not dialog.isVisible()


# --- other versioned rows: an inline message and the stored version shown ----------------


def test_a_reference_note_saved_elsewhere_keeps_both_texts_in_the_box(
    window: MainWindow, services: Services, messages: FakeMessages,
) -> None:
    from practitioner.content.reference import load_reference

    services.reference.seed(load_reference())
    pane = window.reference
    pane.open_entry("statins")
    services.reference.save_note("statins", "Theirs: check CK.",
                                 expected_version=services.reference.note_version("statins"))
    pane.note.setPlainText("Mine: ask about aches.")

    pane.save_note()

    [(title, text)] = messages.errors
    assert title == "Note not saved" and "changed elsewhere" in text
    assert services.reference.note("statins") == "Theirs: check CK."
    assert pane.note.toPlainText() == "Theirs: check CK.\nMine: ask about aches."
    pane.save_note()  # now on their version
    assert services.reference.note("statins") == "Theirs: check CK.\nMine: ask about aches."
    assert len(messages.errors) == 1


def test_psfs_activities_saved_elsewhere_are_shown_again_with_mine_in_the_message(
    window: MainWindow, services: Services, messages: FakeMessages, patient: Patient,
) -> None:
    assert window.workspace.open_patient(patient.id)
    page = window.workspace.outcomes
    page.refresh()
    services.outcomes.set_psfs_activities(patient.id, ["Walking the dog"])
    page.activities[0].setText("Climbing stairs")

    page.save_activities()

    [(title, text)] = messages.errors
    assert title == "Activities not saved" and "Climbing stairs" in text
    assert [a.wording for a in services.outcomes.psfs_activities(patient.id)] == [
        "Walking the dog"]
    assert page.activities[0].text() == "Walking the dog"


def test_a_profile_conflict_shows_short_fields_in_the_table_and_groups_field_by_field(
    qtbot: QtBot,
) -> None:
    from practitioner.domain.patient import CrampProfile

    base = PatientInput(name="Margaret Haddad", phone="0100", notes="Night cramps.",
                        profile=CrampProfile(frequency_per_week=4, worst_severity=7))
    conflict = EditConflict(
        "patient", 1, 1,
        mine=dataclasses.replace(base, notes="Night cramps.\nWalking.",
                                 profile=CrampProfile(frequency_per_week=4, worst_severity=6)),
        theirs=dataclasses.replace(base, phone="0111",
                                   profile=CrampProfile(frequency_per_week=3, worst_severity=7)),
        their_version=2)
    dialog = ConflictDialog(conflict, "patient profile")
    qtbot.addWidget(dialog)

    assert dialog.highlighted_fields() == [
        "Phone", "Notes", "Cramp profile › Frequency per week", "Cramp profile › Worst severity"]
    assert set(dialog.side_by_side) == set(dialog.merge_boxes) == {"notes"}
    rows = {dialog.table.item(r, 0).text(): (dialog.table.item(r, 1).text(),
                                             dialog.table.item(r, 2).text())
            for r in range(dialog.table.rowCount())}
    assert rows["Phone"] == ("0111", "0100")
    assert rows["Cramp profile › Worst severity"] == ("7", "6")

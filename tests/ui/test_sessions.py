"""Recording sessions through the real widgets: keyboard entry, protocols, carry forward,
finalise and amend, drafts kept across patient switches and window closes."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from practitioner.domain.patient import Patient, PatientInput
from practitioner.domain.session import (
    NeedledPoint,
    NeedleSide,
    Pattern,
    PulseQuality,
    SessionInput,
    Technique,
    Tongue,
    TongueBodyColour,
    TreatmentPrinciple,
)
from practitioner.services.bundle import Services
from practitioner.ui.dialogs.session_history import history_text
from practitioner.ui.main_window import MainWindow
from tests.helpers.fakes import FakeMessages
from tests.helpers.ui_fixtures import write_note
from tests.ui.conftest import PRACTITIONER, VISIT_NOW, make_window

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


class Keyboard:
    """Sends keys to whatever has focus, as a user's keyboard does, and counts presses."""

    def __init__(self, qtbot: QtBot, window: MainWindow) -> None:
        self.qtbot, self.window, self.presses = qtbot, window, 0

    def target(self) -> QWidget:
        return QApplication.focusWidget() or self.window

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
              ) -> None:
        self.presses += 1
        self.qtbot.keyClick(self.target(), key, modifier)

    def type(self, text: str) -> None:
        """Type `text`; its characters are not counted as extra presses."""
        self.qtbot.keyClicks(self.target(), text)


def previous_visit(services: Services, patient: Patient) -> None:
    services.sessions.create(
        patient.id,
        SessionInput(
            started_at=VISIT_NOW - dt.timedelta(days=7),
            tongue=Tongue(body_colour=TongueBodyColour.PALE),
            patterns=frozenset({Pattern.LIVER_BLOOD_DEFICIENCY}),
            principles=frozenset({TreatmentPrinciple.NOURISH_LIVER_BLOOD}),
            points=(NeedledPoint("GB34", retention_minutes=20), NeedledPoint("SP6")),
            notes="Cramps four nights a week.",
        ),
        finalise=True,
    )


def test_record_a_full_session_by_keyboard(
    qtbot: QtBot, opened: MainWindow, services: Services, patient: Patient
) -> None:
    keys = Keyboard(qtbot, opened)
    page = opened.workspace.sessions
    keys.press(Qt.Key.Key_N, CTRL_SHIFT)
    qtbot.waitUntil(lambda: page.form.started_at.hasFocus())
    assert page.form.started_at.text() == "2025-01-15 10:00"
    keys.press(Qt.Key.Key_R, ALT)
    keys.type("40")
    keys.press(Qt.Key.Key_C, ALT)
    keys.type("Cramps down to two nights a week.")
    keys.press(Qt.Key.Key_B, ALT)
    assert page.form.tongue_body.hasFocus()
    keys.press(Qt.Key.Key_Down)  # Pale
    keys.press(Qt.Key.Key_L, ALT)
    assert page.form.pulse_qualities.boxes[PulseQuality.WIRY].hasFocus()
    keys.press(Qt.Key.Key_Space)  # Wiry
    keys.press(Qt.Key.Key_P, ALT)
    for typed in ("gb 34", "BL-57", "lr3"):
        keys.type(typed)
        keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_N, ALT)
    keys.type("Responded well; calves softer after needling.")
    keys.press(Qt.Key.Key_S, CTRL)

    qtbot.waitUntil(lambda: page.timeline.count() == 1 and page.form.is_dirty() is False)
    [summary] = services.sessions.timeline(patient.id)
    saved = services.sessions.get(summary.id).data
    assert saved.started_at == VISIT_NOW
    assert saved.duration_minutes == 40
    assert saved.course_since_last == "Cramps down to two nights a week."
    assert saved.tongue.body_colour is TongueBodyColour.PALE
    assert saved.pulse.qualities == {PulseQuality.WIRY}
    assert [p.code for p in saved.points] == ["GB34", "BL57", "LR3"]
    assert saved.notes == "Responded well; calves softer after needling."
    assert saved.practitioner == PRACTITIONER
    assert services.drafts.get(patient.id, None) is None


def test_follow_up_visit_takes_at_most_twenty_extra_key_presses(
    qtbot: QtBot, opened: MainWindow, services: Services, patient: Patient
) -> None:
    previous_visit(services, patient)
    services.protocols.save("Calf cramp base", (NeedledPoint("BL57"), NeedledPoint("LR3")))
    opened.workspace.sessions.protocols.reload()
    page = opened.workspace.sessions
    sentence = "Slept through five nights this week."
    keys = Keyboard(qtbot, opened)

    keys.press(Qt.Key.Key_2, CTRL)  # Sessions tab
    keys.press(Qt.Key.Key_L, CTRL_SHIFT)  # new session from last visit
    keys.press(Qt.Key.Key_P, CTRL)  # protocol chooser
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)  # apply
    keys.press(Qt.Key.Key_N, ALT)  # notes
    keys.type(sentence)
    keys.press(Qt.Key.Key_S, CTRL)  # save

    assert keys.presses <= 20
    qtbot.waitUntil(lambda: len(services.sessions.timeline(patient.id)) == 2)
    latest = services.sessions.latest(patient.id)
    assert latest is not None
    assert latest.data.notes == sentence
    assert [p.code for p in latest.data.points] == ["GB34", "SP6", "BL57", "LR3"]
    assert latest.data.patterns == {Pattern.LIVER_BLOOD_DEFICIENCY}
    assert page.timeline.count() == 2


def test_unknown_point_code_gets_suggestions_and_custom_points_are_deliberate(
    qtbot: QtBot, opened: MainWindow
) -> None:
    page = opened.workspace.sessions
    page.new_session()
    table = page.form.points
    qtbot.keyClicks(table.entry, "GB99")
    qtbot.keyClick(table.entry, Qt.Key.Key_Return)
    assert table.table.rowCount() == 0
    assert table.suggestions.isVisible()
    assert "not in the points catalogue" in table.suggestions.text()
    assert "GB" in table.suggestions.text()
    assert table.entry.text() == "GB99", "what was typed stays"
    table.add_custom.click()
    assert table.raw() == [("GB99", "bilateral", "even", "", "", True)]
    assert not table.suggestions.isVisible()


def test_bad_session_input_is_refused_inline_and_kept(
    qtbot: QtBot, opened: MainWindow, services: Services, patient: Patient
) -> None:
    page = opened.workspace.sessions
    page.new_session()
    form = page.form
    form.started_at.setText("1950-01-01 09:00")
    table = form.points
    table.add_code("GB34")
    table.table.item(0, 4).setText("121")
    form.notes.setPlainText("Keep me.")
    assert page.save() is False
    assert "before the patient's birth" in form.errors["started_at"].text()
    assert "retention is 0 to 120 minutes" in form.errors["points"].text()
    form.started_at.setText("2025-01-17 09:00")  # two days ahead of VISIT_NOW's day
    assert page.save() is False
    assert "more than a day in the future" in form.errors["started_at"].text()
    assert services.sessions.timeline(patient.id) == []
    assert form.notes.toPlainText() == "Keep me."


def test_an_empty_session_cannot_be_finalised(
    opened: MainWindow, services: Services, patient: Patient
) -> None:
    page = opened.workspace.sessions
    page.new_session()
    assert page.save_and_finalise() is False
    assert "empty session cannot be finalised" in page.status.text()
    assert services.sessions.timeline(patient.id) == []


def test_carry_forward_marks_what_differs_from_the_last_visit(
    qtbot: QtBot, opened: MainWindow, services: Services, patient: Patient
) -> None:
    previous_visit(services, patient)
    page = opened.workspace.sessions
    opened.commands.session_from_last.trigger()
    form = page.form
    assert [row[0] for row in form.points.raw()] == ["GB34", "SP6"]
    assert form.patterns.value() == {Pattern.LIVER_BLOOD_DEFICIENCY}
    assert form.notes.toPlainText() == "", "notes are not carried"
    marked = {name for name, box in form.groups.items() if box.property("changed")}
    assert marked == set()

    form.points.add_code("ST36")
    form.tongue_body.setCurrentIndex(form.tongue_body.findData(TongueBodyColour.RED))
    form.patterns.boxes[Pattern.LIVER_BLOOD_DEFICIENCY].setChecked(False)
    marked = {name for name, box in form.groups.items() if box.property("changed")}
    assert marked == {"points", "tongue", "patterns"}
    assert "changed since 2025-01-08" in form.groups["points"].title()
    form.tongue_body.setCurrentIndex(form.tongue_body.findData(TongueBodyColour.PALE))
    marked = {name for name, box in form.groups.items() if box.property("changed")}
    assert marked == {"points", "patterns"}


def test_finalise_then_amend_keeps_both_versions_in_the_history(
    qtbot: QtBot, opened: MainWindow, services: Services, messages: FakeMessages,
    patient: Patient,
) -> None:
    page = opened.workspace.sessions
    page.new_session()
    page.form.notes.setPlainText("Original note.")
    page.form.points.add_code("GB34")
    assert page.save_and_finalise()
    session = services.sessions.latest(patient.id)
    assert session is not None and session.final
    assert session.finalised_by == PRACTITIONER
    assert not page.finalise_button.isEnabled()

    page.form.notes.setPlainText("Amended note.")
    messages.text_answers = [None]
    assert page.save() is False, "cancelling the reason prompt keeps the form as it is"
    assert page.form.notes.toPlainText() == "Amended note."
    messages.text_answers = ["Wrong calf noted"]
    assert page.save()

    amended = services.sessions.get(session.id)
    assert amended.data.notes == "Amended note."
    [revision] = amended.revisions
    assert revision.data.notes == "Original note."
    assert revision.replaced_by == PRACTITIONER
    assert revision.reason == "Wrong calf noted"
    page.history_button.click()
    [shown] = messages.histories
    text = history_text(shown)
    assert "Version 1" in text and "Original note." in text
    assert "Version 2 (current, final)" in text and "Amended note." in text
    assert "reason: Wrong calf noted" in text
    assert "amended" in page.timeline.item(0).text()


def test_a_protocol_is_created_from_the_points_and_applied_with_one_action(
    qtbot: QtBot, opened: MainWindow, services: Services, messages: FakeMessages
) -> None:
    page = opened.workspace.sessions
    page.new_session()
    for code in ("GB34", "BL57", "LR3"):
        page.form.points.add_code(code)
    messages.text_answers = ["Calf cramp base"]
    page.protocols.save_action.trigger()
    [protocol] = services.protocols.list_protocols()
    assert protocol.name == "Calf cramp base"
    assert [p.code for p in protocol.points] == ["GB34", "BL57", "LR3"]

    page.new_session()
    page.protocols.picker.setCurrentIndex(1)
    page.protocols.apply_button.click()
    assert [row[0] for row in page.form.points.raw()] == ["GB34", "BL57", "LR3"]
    page.protocols.apply_button.click()
    assert len(page.form.points.raw()) == 3, "applying twice adds nothing twice"

    table = page.form.points
    table.table.selectRow(1)
    qtbot.keyClick(table.table, Qt.Key.Key_Delete)
    assert [row[0] for row in table.raw()] == ["GB34", "LR3"]


def test_drafts_are_kept_when_switching_patient_and_restored_on_return(
    qtbot: QtBot, opened: MainWindow, services: Services, patient: Patient,
    messages: FakeMessages,
) -> None:
    other = services.patients.create(PatientInput(name="Zofia Novak"))
    page = write_note(qtbot, opened, patient.id, "Half-written note")
    # Drafts are promised within 2 s of the last keystroke.
    qtbot.waitUntil(lambda: services.drafts.get(patient.id, None) is not None, timeout=2000)

    qtbot.keyClicks(page.form.notes, " and more")
    opened.patient_list.select_patient(None)
    opened._on_patient_selected(other.id)  # what a click on another patient does
    assert messages.unsaved_prompts == [], "a session note is kept as a draft, not asked about"
    draft = services.drafts.get(patient.id, None)
    assert draft is not None
    assert draft.payload["f_notes"] == "Half-written note and more"

    opened._on_patient_selected(patient.id)
    assert page.is_open()
    assert page.form.notes.toPlainText() == "Half-written note and more"
    assert "Restored your unsaved draft" in page.banner.text()


def test_closing_the_window_keeps_the_draft_and_the_next_start_offers_it(
    qtbot: QtBot, opened: MainWindow, services: Services, patient: Patient, tmp_path: object,
    settings_path: object,
) -> None:
    page = opened.workspace.sessions
    page.new_session()
    page.form.notes.setPlainText("Typed just before closing")
    page.form.points.add_code("GB34")
    assert opened.close()
    draft = services.drafts.get(patient.id, None)
    assert draft is not None and draft.payload["f_notes"] == "Typed just before closing"

    messages = FakeMessages(draft_choice=0)
    reopened = make_window(services, messages, settings_path)  # type: ignore[arg-type]
    qtbot.addWidget(reopened)
    reopened.show()
    reopened.offer_recovered_drafts()
    [[offered]] = messages.drafts_offered
    assert offered.patient_name == "Margaret Haddad"
    form = reopened.workspace.sessions.form
    assert reopened.workspace.tabs.currentWidget() is reopened.workspace.sessions
    assert form.notes.toPlainText() == "Typed just before closing"
    assert [row[0] for row in form.points.raw()] == ["GB34"]

    assert reopened.workspace.sessions.save()
    assert services.drafts.summaries() == [], "saving the session removes its draft"


def test_points_keep_side_technique_and_timing(
    opened: MainWindow, services: Services, patient: Patient
) -> None:
    page = opened.workspace.sessions
    page.new_session()
    page.form.add_points((NeedledPoint("GB34", NeedleSide.LEFT, Technique.REDUCE, 25, 4.0),))
    page.form.notes.setPlainText("EA on the left.")
    assert page.save()
    latest = services.sessions.latest(patient.id)
    assert latest is not None
    assert latest.data.points == (NeedledPoint("GB34", NeedleSide.LEFT, Technique.REDUCE, 25, 4.0),)

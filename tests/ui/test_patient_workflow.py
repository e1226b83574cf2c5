"""Create, edit, find, archive and restore patients through the real widgets."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from practitioner.domain.patient import (
    CrampSite,
    CrampTiming,
    MuscleGroup,
    PatientInput,
    Side,
    Trigger,
)
from practitioner.services.patients import PatientService
from practitioner.ui.main_window import MainWindow
from practitioner.ui.messages import Answer
from tests.helpers.fakes import FakeMessages

CTRL = Qt.KeyboardModifier.ControlModifier


def listed_names(window: MainWindow) -> list[str]:
    model = window.patient_list.model
    return [
        model.data(model.index(row, model.NAME_COLUMN)) for row in range(model.rowCount())
    ]


def retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Replace the text as a user would; QTest can only type ASCII, so the rest is inserted
    the way an input method would."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:
        edit.insert(text)


def activate(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_create_a_patient_by_keyboard(
    qtbot: QtBot, window: MainWindow, patients: PatientService
) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    form = window.workspace.form
    qtbot.waitUntil(form.name.hasFocus)
    qtbot.keyClicks(form.name, "Margaret O'Brien")
    qtbot.keyClicks(form.date_of_birth, "14.03.1958")
    form.sites.combos[MuscleGroup.CALF_GASTROCNEMIUS].setCurrentIndex(
        form.sites.combos[MuscleGroup.CALF_GASTROCNEMIUS].findData(Side.BOTH)
    )
    form.timings.boxes[CrampTiming.NOCTURNAL].click()
    form.triggers.boxes[Trigger.HOT_WEATHER].click()
    qtbot.keyClicks(form.frequency, "3,5")
    qtbot.keyClicks(form.severity, "7")
    form.medications.add_row(("Atorvastatin", "20 mg", "2020-05-01"))
    qtbot.keyClick(form.severity, Qt.Key.Key_S, CTRL)

    qtbot.waitUntil(lambda: listed_names(window) == ["Margaret O'Brien"])
    [summary] = patients.list_patients()
    saved = patients.get(summary.id).data
    assert saved.date_of_birth == dt.date(1958, 3, 14)
    assert saved.profile.sites == (CrampSite(MuscleGroup.CALF_GASTROCNEMIUS, Side.BOTH),)
    assert saved.profile.timings == {CrampTiming.NOCTURNAL}
    assert saved.profile.triggers == {Trigger.HOT_WEATHER}
    assert saved.profile.frequency_per_week == 3.5
    assert saved.profile.worst_severity == 7
    assert [m.name for m in saved.medications] == ["Atorvastatin"]
    assert not window.workspace.is_dirty()
    assert window.workspace.title.text() == "Margaret O'Brien"


def test_bad_input_is_shown_inline_and_nothing_is_saved_or_lost(
    qtbot: QtBot, window: MainWindow, patients: PatientService
) -> None:
    window.new_patient()
    form = window.workspace.form
    qtbot.keyClicks(form.date_of_birth, "2999-01-01")
    qtbot.keyClicks(form.frequency, "-2")
    qtbot.keyClicks(form.duration, "-1")
    qtbot.keyClicks(form.severity, "11")
    qtbot.keyClicks(form.onset_date, "31.02.2020")

    assert window.workspace.save() is False

    expected = {
        "name": "A name is required.",
        "date_of_birth": "The date of birth is in the future.",
        "profile.frequency_per_week": "Frequency cannot be below 0.",
        "profile.duration_minutes": "Duration cannot be below 0.",
        "profile.worst_severity": "Severity is a whole number from 0 to 10.",
        "profile.onset_date": "There is no such day as 31.02.2020.",
    }
    for key, message in expected.items():
        label = form.errors[key]
        assert label.isVisible(), key
        assert label.text() == message
    assert patients.count() == 0
    assert form.date_of_birth.text() == "2999-01-01"
    assert form.frequency.text() == "-2"
    assert form.severity.text() == "11"
    assert form.onset_date.text() == "31.02.2020"

    retype(qtbot, form.name, "Fixed Name")
    retype(qtbot, form.date_of_birth, "1970-01-01")
    for edit in (form.frequency, form.duration, form.severity, form.onset_date):
        retype(qtbot, edit, "")
    assert window.workspace.save() is True
    assert not any(label.isVisible() for label in form.errors.values())
    assert patients.count() == 1


def test_edit_find_archive_and_restore(
    qtbot: QtBot, window: MainWindow, patients: PatientService, messages: FakeMessages
) -> None:
    first = patients.create(PatientInput(name="Joan Novak", date_of_birth=dt.date(1947, 7, 19)))
    patients.create(PatientInput(name="Kenji Tanaka", date_of_birth=dt.date(1975, 3, 14)))
    window.refresh_list()
    assert listed_names(window) == ["Joan Novak", "Kenji Tanaka"]

    # Edit through the form.
    window.patient_list.table.selectRow(0)
    qtbot.waitUntil(lambda: window.workspace.patient is not None)
    retype(qtbot, window.workspace.form.name, "Joan Nováková")
    assert window.workspace.save()
    assert patients.get(first.id).data.name == "Joan Nováková"
    assert patients.get(first.id).version == 2

    # Find as you type: by accent-free name, then by birth year.
    qtbot.keyClicks(window.patient_list.search, "novakova")
    qtbot.waitUntil(lambda: listed_names(window) == ["Joan Nováková"])
    retype(qtbot, window.patient_list.search, "1975")
    qtbot.waitUntil(lambda: listed_names(window) == ["Kenji Tanaka"])
    retype(qtbot, window.patient_list.search, "zzz")
    qtbot.waitUntil(lambda: listed_names(window) == [])
    assert "No patient matches" in window.patient_list.empty.text()
    retype(qtbot, window.patient_list.search, "")
    qtbot.waitUntil(lambda: len(listed_names(window)) == 2)

    # Archive hides; "show archived" shows; restore brings back.
    window.workspace.open_patient(first.id)
    window.workspace.archive_button.click()
    assert messages.confirmations, "archiving asks first"
    assert listed_names(window) == ["Kenji Tanaka"]
    assert patients.get(first.id).archived
    window.commands.show_archived.trigger()
    assert window.patient_list.show_archived.isChecked()
    qtbot.waitUntil(lambda: "Joan Nováková  (archived)" in listed_names(window))
    assert window.workspace.archive_button.text() == "Restore"
    window.workspace.archive_button.click()
    assert not patients.get(first.id).archived
    window.patient_list.show_archived.setChecked(False)
    qtbot.waitUntil(lambda: listed_names(window) == ["Joan Nováková", "Kenji Tanaka"])


def test_declined_archive_changes_nothing(
    window: MainWindow, patients: PatientService, messages: FakeMessages
) -> None:
    patient = patients.create(PatientInput(name="Rosa Rossi"))
    window.refresh_list()
    window.workspace.open_patient(patient.id)
    messages.confirm_answer = False
    window.workspace.archive_button.click()
    assert not patients.get(patient.id).archived
    assert listed_names(window) == ["Rosa Rossi"]


@pytest.mark.parametrize(
    ("answer", "expected_name", "stays"),
    [
        (Answer.CANCEL, "Aoife Murphy", True),
        (Answer.DISCARD, "Aoife Murphy", False),
        (Answer.SAVE, "Aoife Murphy-Walsh", False),
    ],
)
def test_switching_patient_never_drops_unsaved_edits_silently(
    qtbot: QtBot,
    window: MainWindow,
    patients: PatientService,
    messages: FakeMessages,
    answer: Answer,
    expected_name: str,
    stays: bool,
) -> None:
    aoife = patients.create(PatientInput(name="Aoife Murphy"))
    patients.create(PatientInput(name="Peter Walker"))
    window.refresh_list()
    window.patient_list.table.selectRow(0)
    qtbot.waitUntil(lambda: window.workspace.patient is not None)
    retype(qtbot, window.workspace.form.name, "Aoife Murphy-Walsh")
    messages.unsaved_answers = [answer]

    window.patient_list.table.selectRow(1)

    assert messages.unsaved_prompts == ["Aoife Murphy"]
    assert patients.get(aoife.id).data.name == expected_name
    shown = window.workspace.patient
    assert shown is not None
    if stays:
        assert shown.id == aoife.id
        assert window.workspace.form.name.text() == "Aoife Murphy-Walsh"
        assert window.patient_list.table.currentIndex().row() == 0
    else:
        assert shown.data.name == "Peter Walker"


def test_closing_the_window_asks_about_unsaved_edits(
    qtbot: QtBot, window: MainWindow, patients: PatientService, messages: FakeMessages
) -> None:
    window.new_patient()
    qtbot.keyClicks(window.workspace.form.name, "Half-written patient")
    messages.unsaved_answers = [Answer.CANCEL]
    assert window.close() is False
    assert window.isVisible()
    assert window.workspace.form.name.text() == "Half-written patient"

    messages.unsaved_answers = [Answer.SAVE]
    assert window.close() is True
    assert [p.name for p in patients.list_patients()] == ["Half-written patient"]


def test_escape_cancels_edits_after_confirming(
    qtbot: QtBot, window: MainWindow, patients: PatientService, messages: FakeMessages
) -> None:
    patient = patients.create(PatientInput(name="Hannah Andersson"))
    window.refresh_list()
    window.workspace.open_patient(patient.id)
    activate(qtbot, window)
    retype(qtbot, window.workspace.form.name, "Typo")
    messages.confirm_answer = False
    qtbot.keyClick(window.workspace.form.name, Qt.Key.Key_Escape)
    assert window.workspace.form.name.text() == "Typo"
    messages.confirm_answer = True
    qtbot.keyClick(window.workspace.form.name, Qt.Key.Key_Escape)
    assert window.workspace.form.name.text() == "Hannah Andersson"
    assert not window.workspace.is_dirty()


def test_ctrl_f_focuses_search(qtbot: QtBot, window: MainWindow) -> None:
    activate(qtbot, window)
    window.workspace.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    qtbot.waitUntil(window.patient_list.search.hasFocus)


def test_a_medication_cell_still_being_typed_is_saved(
    qtbot: QtBot, window: MainWindow, patients: PatientService
) -> None:
    window.new_patient()
    form = window.workspace.form
    qtbot.keyClicks(form.name, "Samuel Khan")
    form.medications.add_button.click()
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "Furosemide")
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: patients.count() == 1)
    [summary] = patients.list_patients()
    assert [m.name for m in patients.get(summary.id).data.medications] == ["Furosemide"]

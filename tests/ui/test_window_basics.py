"""Window-level promises: accessible names, remembered layout, a sound list model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from practitioner.domain.patient import PatientInput, PatientSummary
from practitioner.services.bundle import Services
from practitioner.services.patients import PatientService
from practitioner.ui.main_window import MainWindow
from practitioner.ui.models.patient_list_model import PatientListModel
from tests.helpers.fakes import FakeMessages
from tests.ui.conftest import make_window

INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QPlainTextEdit, QAbstractItemView,
               QTabWidget)


def test_every_interactive_widget_has_an_accessible_name(
    window: MainWindow, patients: PatientService
) -> None:
    patient = patients.create(PatientInput(name="Grace Kim"))
    window.refresh_list()
    window.workspace.open_patient(patient.id)
    window.workspace.form.medications.add_row(("Metformin", "500 mg", ""))
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in window.findChildren(QWidget)
        if isinstance(w, INTERACTIVE)
        and not w.accessibleName()
        and w.window() is window  # combo-box popups are Qt's own top-level lists
        # Qt's own internals (scroll-area viewports' corner buttons, tab scrollers, the
        # item views' inline editors) are named by Qt's accessibility layer itself.
        and not w.objectName().startswith("qt_")
        and w.parent() is not None
        and type(w.parent()).__name__ not in {"QTabBar", "QTableCornerButton"}
        and type(w).__name__ not in {"QToolButton", "QTableCornerButton"}
    ]
    assert unnamed == []


def test_window_geometry_and_dock_state_are_remembered(
    qtbot: QtBot, services: Services, tmp_path: Path
) -> None:
    ini = tmp_path / "layout.ini"
    first = make_window(services, FakeMessages(), ini)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(1400, 900)
    first.show_reference(False)
    qtbot.waitUntil(lambda: first.size().width() == 1400)
    assert first.close()

    second = make_window(services, FakeMessages(), ini)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (1400, 900)
    assert not second.reference_shown() and not second.toggle_reference.isChecked()


def test_patient_list_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = PatientListModel()
    model.set_patients(
        [
            PatientSummary(1, "Ahmed Dubois", dt.date(1955, 9, 16), False),
            PatientSummary(2, "Zofia Novak", None, True),
        ]
    )
    qtmodeltester.check(model)
    assert model.row_of(2) == 1
    assert model.data(model.index(1, model.NAME_COLUMN)) == "Zofia Novak  (archived)"
    assert model.data(model.index(1, model.BIRTH_COLUMN)) == ""


def test_empty_list_explains_how_to_start(window: MainWindow) -> None:
    assert window.patient_list.model.rowCount() == 0
    assert "Ctrl+N" in window.patient_list.empty.text()
    assert window.workspace.stack.currentIndex() == 0

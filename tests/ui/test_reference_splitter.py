"""The reference pane as a working surface: a splitter pane that is remembered, collapses
and comes back (F9); a flags box as tall as its text; a patient list by family name."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from practitioner.content.reference import load_reference
from practitioner.domain.patient import PatientInput
from practitioner.domain.reference_flags import Flag
from practitioner.services.bundle import Services
from practitioner.ui.main_window import MainWindow
from tests.helpers.fakes import FakeMessages
from tests.ui.conftest import make_window


def shown(qtbot: QtBot, window: MainWindow) -> MainWindow:
    qtbot.addWidget(window)
    window.resize(1366, 696)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # shortcuts need the active window
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_the_pane_is_resized_collapsed_restored_and_remembered(
    qtbot: QtBot, services: Services, tmp_path: Path
) -> None:
    ini = tmp_path / "layout.ini"
    first = shown(qtbot, make_window(services, FakeMessages(), ini))
    assert first.splitter.indexOf(first.reference) == 2
    records, work, pane = first.splitter.sizes()
    first.splitter.setSizes([records, work - 120, pane + 120])
    wide = first.splitter.sizes()[2]
    assert wide > pane, "the pane widens when dragged"
    assert first.close()

    second = shown(qtbot, make_window(services, FakeMessages(), ini))
    assert second.splitter.sizes()[2] == wide
    assert second.reference_shown() and second.toggle_reference.isChecked()
    records, work, pane = second.splitter.sizes()
    second.splitter.setSizes([records, work + pane, 0])  # dragged shut
    assert not second.reference_shown()
    qtbot.keyClick(second.patient_list.search, Qt.Key.Key_F9)
    assert second.reference_shown() and second.splitter.sizes()[2] > 100
    assert second.toggle_reference.isChecked()
    qtbot.keyClick(second.patient_list.search, Qt.Key.Key_F9)
    assert not second.reference.isVisible() and not second.toggle_reference.isChecked()
    assert second.close()

    third = shown(qtbot, make_window(services, FakeMessages(), ini))
    assert not third.reference_shown() and not third.toggle_reference.isChecked()
    third.commands.find_reference.trigger()  # Ctrl+R opens it again
    assert third.reference_shown() and third.toggle_reference.isChecked()


def test_the_flags_box_is_as_tall_as_its_flags(
    qtbot: QtBot, services: Services, settings_path: Path
) -> None:
    patient = services.patients.create(PatientInput(name="Iris Long"))
    window = shown(qtbot, make_window(services, FakeMessages(), settings_path))
    window.workspace.open_patient(patient.id)
    box = window.reference.relevant
    reason = ("A long reason that wraps over several lines in a pane of an ordinary width, "
              "so that a box of a fixed height would cut it off half way through. ")
    for count in (1, 3):  # taller with each flag, never cut
        window.reference.show_patient_flags(
            [Flag(f"entry-{n}", reason, "caution", f"key-{n}") for n in range(count)])
        qtbot.waitUntil(lambda: box.verticalScrollBar().maximum() == 0)
        assert box.height() >= box.document().size().height()
    window.reference.show_patient_flags(
        [Flag(f"entry-{n}", reason * 2, "caution", f"key-{n}") for n in range(12)])
    qtbot.waitUntil(lambda: box.verticalScrollBar().maximum() > 0)  # capped, scrolls
    assert box.height() <= box.fontMetrics().lineSpacing() * box.MOST_LINES + 2 * box.frameWidth()
    window.reference.set_patient(None)
    qtbot.waitUntil(lambda: box.height() < box.fontMetrics().lineSpacing() * 5)


def test_the_list_sorts_by_family_name_switchably_and_remembers(
    qtbot: QtBot, services: Services, settings_path: Path
) -> None:
    for name in ("Zoe Adams", "Ann Young", "Bob Brown-Abbott Kowalczykowska-Wiśniewska"):
        services.patients.create(PatientInput(name=name))
    window = shown(qtbot, make_window(services, FakeMessages(), settings_path))
    panel = window.patient_list

    def names() -> list[str]:
        return [panel.model.index(r, 0).data() for r in range(panel.model.rowCount())]

    assert names() == ["Zoe Adams", "Bob Brown-Abbott Kowalczykowska-Wiśniewska", "Ann Young"]
    assert not panel.table.wordWrap()
    long_name = panel.model.index(1, 0)
    assert long_name.data(Qt.ItemDataRole.ToolTipRole).startswith(long_name.data())
    header = panel.table.horizontalHeader()
    header.sectionClicked.emit(0)
    assert names() == ["Ann Young", "Bob Brown-Abbott Kowalczykowska-Wiśniewska", "Zoe Adams"]
    assert window.close()
    again = shown(qtbot, make_window(services, FakeMessages(), settings_path))
    assert not again.patient_list.by_family()
    assert again.patient_list.model.index(0, 0).data() == "Ann Young"


def test_the_results_list_takes_the_room_the_flags_leave(
    qtbot: QtBot, services: Services, settings_path: Path
) -> None:
    services.reference.seed(load_reference())
    window = shown(qtbot, make_window(services, FakeMessages(), settings_path))
    pane = window.reference
    pane.search.setText("cramp")
    pane.run_search()
    assert pane.results.count() > 10
    row = pane.results.visualItemRect(pane.results.item(0)).height()
    rows = pane.results.viewport().height() // row
    assert rows >= 8, f"{rows} result rows of {row} px shown"

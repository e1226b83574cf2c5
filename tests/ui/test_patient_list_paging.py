"""The patient list holds pages, not the whole practice: it fetches the next page as the
view scrolls to the end, and says how many match without listing them all."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from practitioner.db.base import database
from practitioner.db.models import PatientRow
from practitioner.domain.patient import PatientSummary
from practitioner.domain.search import family_key
from practitioner.services.bundle import Services
from practitioner.services.patients import BROAD_SEARCH, PAGE_SIZE, write_name_words
from practitioner.ui.main_window import MainWindow
from practitioner.ui.models.patient_list_model import PatientListModel
from practitioner.ui.widgets.tables import TextTableModel


def _summaries(start: int, count: int) -> list[PatientSummary]:
    return [PatientSummary(i, f"Patient {i:05d}", dt.date(1970, 1, 1), False)
            for i in range(start, start + count)]


def test_the_model_fetches_pages_on_demand_and_passes_the_model_tester(
    qtmodeltester: ModelTester,
) -> None:
    asked: list[int] = []

    def next_page(last: PatientSummary) -> list[PatientSummary]:
        asked.append(last.id)
        return _summaries(last.id + 1, 10) if last.id < 25 else []

    model = PatientListModel()
    model.set_patients(_summaries(1, 10), next_page)
    assert model.rowCount() == 10 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 20 and asked == [10]
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 30 and asked == [10, 20, 30]


def _many_patients(count: int) -> None:
    """Bare patient rows straight into the file: the list only reads name and birth."""
    now = dt.datetime(2025, 1, 15, 9, 30)
    with database.atomic():
        for n in range(count):
            name = f"Maria Test{n:05d}"
            patient_id = PatientRow.insert(
                name=name, name_key=name.lower(), family_key=family_key(name),
                date_of_birth=dt.date(1980, 5, 1),
                created_at=now, updated_at=now).execute()
            write_name_words(int(patient_id), name.lower())


def test_scrolling_the_window_list_fetches_the_next_page_only(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    _many_patients(2 * PAGE_SIZE + 50)
    window.refresh_list()
    panel = window.patient_list
    assert panel.model.rowCount() == PAGE_SIZE
    assert panel.status.text() == f"{2 * PAGE_SIZE + 50} patients"
    panel.table.scrollToBottom()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 * PAGE_SIZE)
    names = [panel.model.data(panel.model.index(r, 0)) for r in range(2 * PAGE_SIZE)]
    assert names == sorted(names) and len(set(names)) == len(names)


def test_a_broad_search_says_at_least(window: MainWindow,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    services = window._services
    original = services.patients.count_matching

    def capped(*args: object, **kwargs: object) -> int:
        return BROAD_SEARCH if original(*args, **kwargs) else 0  # type: ignore[arg-type]

    monkeypatch.setattr(services.patients, "count_matching", capped)
    _many_patients(3)
    window.patient_list.search.setText("maria")
    window.patient_list.flush_search()
    assert window.patient_list.status.text() == "5,000 or more patients"
    assert window.patient_list.model.rowCount() == 3


def test_the_text_table_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = TextTableModel(["Day", "Cramps"])
    model.set_rows([("2025-01-02", "1"), ("2025-01-01", "0")])
    qtmodeltester.check(model)
    assert model.text(1, 0) == "2025-01-01" and model.text(5, 0) == ""

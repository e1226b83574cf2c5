"""Records in and out from the window: JSON and CSV export, and JSON import with the
practitioner choosing what happens to patients already present."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

import practitioner.ui.record_transfer as record_transfer
from practitioner.db.base import database
from practitioner.domain.patient import PatientInput
from practitioner.services.bundle import Services
from practitioner.ui.main_window import MainWindow
from tests.helpers.fakes import FakeMessages


def _two_patients(services: Services) -> None:
    services.patients.create(PatientInput(name="Ana Lima", notes="@SUM(1) at night"))
    services.patients.create(PatientInput(name="Bo Chen"))


def _import(window: MainWindow, qtbot: QtBot) -> None:
    """Trigger Import… and wait for the background import to end."""
    window.commands.import_records.trigger()
    task = window.transfer.task
    if task is not None:
        qtbot.waitUntil(lambda: not task.running, timeout=10_000)


def test_export_then_import_as_new_patients(
    window: MainWindow, services: Services, messages: FakeMessages, tmp_path: Path,
    qtbot: QtBot,
) -> None:
    _two_patients(services)
    window.refresh_list()
    messages.save_file = str(tmp_path / "all.json")
    window.commands.export_json.trigger()
    document = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert [p["name"] for p in document["patients"]] == ["Ana Lima", "Bo Chen"]
    assert messages.infos[-1][0] == "Export finished"

    messages.open_file = str(tmp_path / "all.json")
    messages.choice_answer = 0  # skip patients already here
    _import(window, qtbot)
    assert "holds 2 patients" in messages.choices[-1][0]
    assert services.patients.count() == 2
    assert "skipped 2" in messages.infos[-1][1]

    messages.choice_answer = 1  # import them as new patients
    _import(window, qtbot)
    assert services.patients.count() == 4
    assert window.patient_list.model.rowCount() == 4, "the list shows what was imported"
    assert messages.errors == []


def test_cancelling_the_duplicate_question_imports_nothing(
    window: MainWindow, services: Services, messages: FakeMessages, tmp_path: Path
) -> None:
    _two_patients(services)
    messages.save_file = str(tmp_path / "all.json")
    window.commands.export_json.trigger()
    messages.open_file, messages.choice_answer = str(tmp_path / "all.json"), None
    window.commands.import_records.trigger()
    assert services.patients.count() == 2 and messages.infos[-1][1].startswith("Wrote")


def test_a_damaged_or_hostile_file_is_refused_with_its_reason(
    window: MainWindow, services: Services, messages: FakeMessages, tmp_path: Path,
    qtbot: QtBot,
) -> None:
    _two_patients(services)
    messages.save_file = str(tmp_path / "all.json")
    window.commands.export_json.trigger()
    text = (tmp_path / "all.json").read_text(encoding="utf-8")
    (tmp_path / "cut.json").write_text(text[: len(text) // 2], encoding="utf-8")
    document = json.loads(text)
    document["patients"][1]["date_of_birth"] = "2999-01-01"
    (tmp_path / "future.json").write_text(json.dumps(document), encoding="utf-8")

    for name, reason in (("cut.json", "not valid JSON (line"),
                         ("future.json", "$.patients[1].date_of_birth")):
        messages.open_file = str(tmp_path / name)
        _import(window, qtbot)
        title, text = messages.errors[-1]
        assert title == "Import refused" and reason in text and "nothing was imported" in text
    assert services.patients.count() == 2


def test_an_unwritable_export_says_why_and_leaves_no_file(
    window: MainWindow, services: Services, messages: FakeMessages, tmp_path: Path
) -> None:
    _two_patients(services)
    out = tmp_path / "out"
    out.mkdir()
    blocker = out / "not-a-folder"
    blocker.write_text("x")
    messages.save_file = str(blocker / "all.json")
    window.commands.export_json.trigger()
    title, text = messages.errors[-1]
    assert title == "Export failed" and "Nothing was written" in text
    assert sorted(p.name for p in out.iterdir()) == ["not-a-folder"]


def test_csv_export_writes_sessions_and_diary_files(
    window: MainWindow, services: Services, messages: FakeMessages, tmp_path: Path
) -> None:
    _two_patients(services)
    out = tmp_path / "out"
    out.mkdir()
    messages.save_file = str(out / "records.csv")
    window.commands.export_csv.trigger()
    assert messages.errors == []
    assert sorted(p.name for p in out.iterdir()) == [
        "records-diary.csv", "records-dictionary.csv", "records-sessions.csv"]
    for name in ("records-diary.csv", "records-sessions.csv"):
        with (out / name).open(encoding="utf-8", newline="") as handle:
            assert "patient_id" in next(csv.reader(handle))
    assert "records-sessions.csv" in messages.infos[-1][1]
    assert "records-dictionary.csv" in messages.infos[-1][1]


def test_import_runs_off_the_gui_thread_on_its_own_connection(
    window: MainWindow, services: Services, messages: FakeMessages, tmp_path: Path,
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _two_patients(services)
    messages.save_file = str(tmp_path / "all.json")
    window.commands.export_json.trigger()
    real = record_transfer.import_file
    gui_ran = threading.Event()
    seen: dict[str, Any] = {}

    def slow_import(*args: Any, **kwargs: Any) -> Any:
        seen["thread"] = threading.get_ident()
        seen["connection"] = database.connection()
        seen["pragmas"] = (database.pragma("foreign_keys"), database.pragma("synchronous"),
                           database.pragma("journal_mode"))
        # Only a GUI event loop that keeps running while this waits can set the event.
        seen["gui_ran"] = gui_ran.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(record_transfer, "import_file", slow_import)
    messages.open_file, messages.choice_answer = str(tmp_path / "all.json"), 1
    QTimer.singleShot(50, gui_ran.set)
    _import(window, qtbot)
    assert seen["gui_ran"], "the window was frozen during the import"
    assert seen["thread"] != threading.get_ident()
    assert seen["connection"] is not database.connection()
    assert seen["pragmas"] == (1, 2, "wal"), "the worker's connection has the app's pragmas"
    assert services.patients.count() == 4
    assert "Imported 2 patients" in messages.infos[-1][1]
    assert messages.errors == []


def test_exports_from_the_window_are_audited_per_patient(
    window: MainWindow, services: Services, messages: FakeMessages, tmp_path: Path
) -> None:
    _two_patients(services)
    for action, name in ((window.commands.export_json, "all.json"),
                         (window.commands.export_csv, "all.csv")):
        messages.save_file = str(tmp_path / name)
        action.trigger()
    exports = [e.fields for e in services.audit.trail() if e.fields.action == "export"]
    assert [(e.patient_id, e.detail) for e in exports] == [
        (1, "json from the window"), (2, "json from the window"),
        (1, "csv from the window"), (2, "csv from the window")]

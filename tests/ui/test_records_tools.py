"""Tools › Back up now, Restore…, Check records; automatic backups; damaged records shown
read-only with a banner offering the newest verified backup."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from practitioner import app
from practitioner.app import build_window
from practitioner.db.backup import opened_file
from practitioner.db.connection import close_database
from practitioner.services.accounts import AccountService
from practitioner.services.backups import BackupService
from practitioner.services.bundle import Services
from practitioner.ui.main_window import MainWindow
from practitioner.ui.records_tools import RecordsTools
from tests.helpers.demo_inputs import ann
from tests.helpers.fakes import FakeMessages
from tests.helpers.files import sha256
from tests.helpers.modals import Reply, answering
from tests.helpers.records import DAMAGE, demo_records


@pytest.fixture
def backups(db_path: Path) -> BackupService:
    return BackupService(db_path)


@pytest.fixture
def tools(window: MainWindow, backups: BackupService, messages: FakeMessages) -> RecordsTools:
    made = RecordsTools(window, backups, messages)
    backups.start_tracking()
    return made


def _listed(window: MainWindow) -> int:
    return window.patient_list.model.rowCount()


def test_the_tools_menu_offers_backup_restore_and_check(
    window: MainWindow, tools: RecordsTools
) -> None:
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    titles = [a.text() for a in menus["&Tools"].actions()]
    assert titles == ["&Back up now", "&Restore…", "&Check records", "", "&Preferences…"]
    assert window.findChild(RecordsTools) is tools


def test_back_up_now_shows_where_the_backup_went(
    tools: RecordsTools, messages: FakeMessages, db_path: Path
) -> None:
    made = tools.back_up_now()
    assert made is not None and made.path.is_file()
    [(title, text)] = messages.infos
    assert title == "Backup made" and str(made.path) in text


def test_check_records_reports_the_full_check(
    tools: RecordsTools, messages: FakeMessages
) -> None:
    assert tools.check_records()
    [(title, text)] = messages.infos
    assert title == "Records checked" and "passed the full check" in text


def test_restore_asks_with_the_date_then_reopens_the_restored_records(
    window: MainWindow, tools: RecordsTools, services: Services, backups: BackupService,
    messages: FakeMessages, db_path: Path,
) -> None:
    services.patients.create(ann())
    snapshot = backups.back_up("manual")
    services.patients.create(ann(name="Bo Chen"))
    window.refresh_list()
    assert _listed(window) == 2
    messages.open_file = str(snapshot.path)

    assert tools.choose_and_restore()
    assert messages.open_dirs == [str(backups.folder)]
    asked, resumed = messages.confirmations
    assert snapshot.when_text in asked and "records.db.before-restore" in asked
    assert "Automatic backups are paused" in resumed
    assert _listed(window) == 1
    assert db_path.with_name("records.db.before-restore").is_file()
    assert not backups.suspended  # The fake confirmed the restored records.
    services.patients.create(ann(name="Cy Diaz"))  # The reopened records take edits.


def test_a_declined_restore_changes_nothing(
    window: MainWindow, tools: RecordsTools, services: Services, backups: BackupService,
    messages: FakeMessages, db_path: Path,
) -> None:
    snapshot = backups.back_up("manual")
    services.patients.create(ann())
    messages.confirm_answer = False
    assert not tools.restore(snapshot.path)
    assert services.patients.count() == 1
    assert not db_path.with_name("records.db.before-restore").exists()


def test_a_file_that_is_not_a_backup_is_refused_with_a_message(
    tools: RecordsTools, messages: FakeMessages, tmp_path: Path, services: Services
) -> None:
    services.patients.create(ann())
    stranger = tmp_path / "notes.db"
    stranger.write_text("not records", encoding="utf-8")
    assert not tools.restore(stranger)
    [(title, text)] = messages.errors
    assert title == "This backup cannot be restored" and "not a Cramp" in text
    assert messages.confirmations == []
    assert services.patients.count() == 1


def test_automatic_backups_run_on_the_timer_only_after_changes(
    qtbot: QtBot, window: MainWindow, backups: BackupService, messages: FakeMessages,
    services: Services,
) -> None:
    tools = RecordsTools(window, backups, messages, interval_ms=20)
    backups.start_tracking()
    ticks: list[int] = []
    tools.timer.timeout.connect(lambda: ticks.append(1))
    try:
        qtbot.waitUntil(lambda: len(ticks) >= 3)
        assert backups.list_backups() == []  # Nothing changed, nothing backed up.
        services.patients.create(ann())
        qtbot.waitUntil(lambda: len(backups.list_backups()) == 1)
    finally:
        tools.timer.stop()  # Else it would back up the next test's records.
    [made] = backups.list_backups()
    assert made.reason == "auto"
    assert messages.errors == []


@pytest.fixture
def clinic(migrated_template: Path, tmp_path: Path) -> Iterator[Path]:
    """Records with 30 demo patients and one verified backup beside them."""
    folder = tmp_path / "clinic"
    folder.mkdir()
    records = demo_records(migrated_template, folder / "records.db", patients=30)
    with opened_file(records, read_only=True) as source:
        BackupService(records, source=lambda: source).back_up("manual")
    yield records
    close_database()


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_records_open_read_only_with_a_banner_and_are_never_written(
    qtbot: QtBot, clinic: Path, tmp_path: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    DAMAGE[damage](clinic)
    damaged_hash = sha256(clinic)
    messages = FakeMessages()
    window = build_window(clinic, messages,
                          QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    tools = window.findChild(RecordsTools)
    assert isinstance(tools, RecordsTools)
    assert tools.banner.isVisible()
    text = tools.banner.label.text()
    assert "damaged and open read-only" in text and "newest verified backup" in text
    assert tools.banner.restore_button.isVisible()
    assert not tools.back_up_action.isEnabled()

    # Browse: list, open a patient, try a change; a refused write names the damage.
    window.open_first_patient()
    window.workspace.start_new()
    window.workspace.form.name.setText("Dee Evans")
    assert not window.workspace.save()
    assert any("open read-only" in body for _, body in messages.errors)
    assert window.workspace.form.name.text() == "Dee Evans"  # What was typed is kept.
    window.workspace.form.mark_saved()
    assert not tools.check_records()
    assert tools.back_up_automatically("close") is None
    window.close()
    close_database()
    assert sha256(clinic) == damaged_hash
    assert not any(title == "Something went wrong" for title, _ in messages.errors)


def test_the_banner_restores_the_newest_backup_and_keeps_the_damaged_file(
    qtbot: QtBot, clinic: Path, tmp_path: Path
) -> None:
    DAMAGE["byte-flipped"](clinic)
    damaged_hash = sha256(clinic)
    messages = FakeMessages()
    window = build_window(clinic, messages,
                          QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    tools = window.findChild(RecordsTools)
    assert isinstance(tools, RecordsTools)
    tools.banner.restore_button.click()
    assert "records.db.damaged" in messages.confirmations[0]
    assert not tools.banner.isVisibleTo(window)
    assert sha256(clinic.with_name("records.db.damaged")) == damaged_hash
    assert _listed(window) == 30
    assert tools.check_records()


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_the_app_starts_on_damaged_records_with_a_warning(
    no_event_loop: None, clinic: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    DAMAGE[damage](clinic)
    before = sha256(clinic)
    with answering(Reply("The records are damaged", "OK")) as seen:
        assert app.main(["--db", str(clinic), "--quit-after-startup"]) == 0
    [text] = [d.text for d in seen.dialogs]
    assert "read-only" in text and "is damaged" in text
    assert sha256(clinic) == before


def test_a_records_file_in_a_synced_folder_gets_a_warning(
    no_event_loop: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    records = tmp_path / "Dropbox" / "records.db"
    with answering(Reply("Records in a risky place", "OK")) as seen:
        assert app.main(["--db", str(records), "--quit-after-startup"]) == 0
    [text] = [d.text for d in seen.dialogs]
    assert "cloud-sync folder (Dropbox)" in text


def test_start_clears_leftovers_and_closing_backs_up_what_changed(
    qtbot: QtBot, clinic: Path, tmp_path: Path
) -> None:
    from practitioner import instance_lock
    from practitioner.services.patients import PatientService

    (clinic.parent / "backups" / "records.20250101T000000000.auto.db.partial").write_bytes(
        b"half a backup")
    lock = instance_lock.acquire(clinic)
    window = build_window(clinic, FakeMessages(),
                          QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    backups = BackupService(clinic)
    before = backups.list_backups()
    assert not list(backups.folder.glob("*.partial"))  # A crashed backup's leftover went.
    app.close_records(window, lock)
    assert backups.list_backups() == before
    lock = instance_lock.acquire(clinic)
    window = build_window(clinic, FakeMessages(),
                          QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    PatientService().create(ann())
    app.close_records(window, lock)
    newest = backups.list_backups()[0]
    assert newest.reason == "close" and newest not in before


def test_an_import_from_the_window_is_backed_up_first_and_audited(
    qtbot: QtBot, clinic: Path, tmp_path: Path
) -> None:
    from practitioner.services.export import export_json
    from practitioner.services.patients import PatientService

    messages = FakeMessages()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("practitioner/name", "Dr Importer")
    window = build_window(clinic, messages, settings)
    qtbot.addWidget(window)
    exported = tmp_path / "all.json"
    exported.write_text(export_json(PatientService()), encoding="utf-8")
    before = BackupService(clinic).list_backups()
    entries_before = len(window._services.audit.trail())
    messages.open_file, messages.choice_answer = str(exported), 1  # import as new patients
    window.commands.import_records.trigger()
    task = window.transfer.task
    assert task is not None
    qtbot.waitUntil(lambda: not task.running, timeout=20_000)
    assert messages.errors == []
    newest = BackupService(clinic).list_backups()[0]
    assert newest.reason == "before-import" and newest not in before
    imports = [e for e in window._services.audit.trail()[entries_before:]
               if e.fields.action == "import"]
    assert len(imports) == 30 and {e.fields.practitioner for e in imports} == {"Dr Importer"}


def _typed_before_the_check(window: MainWindow) -> None:
    window.workspace.start_new()
    window.workspace.form.name.setText("Dee Evans")


def test_damage_found_by_the_check_after_start_reopens_read_only_and_keeps_the_typing(
    qtbot: QtBot, clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    DAMAGE["byte-flipped"](clinic)  # pages only: the file opens, the page check fails
    damaged_hash = sha256(clinic)
    messages = FakeMessages()
    window = build_window(clinic, messages,
                          QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                          check_later=True)
    qtbot.addWidget(window)
    window.show()
    tools = window.findChild(RecordsTools)
    assert isinstance(tools, RecordsTools)
    assert tools.check_running and tools.banner.isHidden()  # the window came first
    _typed_before_the_check(window)

    qtbot.waitUntil(lambda: not tools.check_running, timeout=20_000)
    assert tools.banner.isVisible()
    assert "damaged and open read-only" in tools.banner.label.text()
    assert not tools.back_up_action.isEnabled()
    [(title, text)] = messages.warnings
    assert title == "The records are damaged" and "is damaged" in text
    assert window.workspace.form.name.text() == "Dee Evans"  # nothing typed was lost
    assert not window.workspace.save()  # ...and saving it is refused with the reason
    assert any("open read-only" in body for _, body in messages.errors)
    assert window.workspace.form.name.text() == "Dee Evans"
    assert _listed(window) > 0  # still browsable
    window.workspace.form.mark_saved()
    assert tools.back_up_automatically("close") is None
    window.close()
    close_database()
    assert sha256(clinic) == damaged_hash
    assert not any(title == "Something went wrong" for title, _ in messages.errors)


def test_healthy_records_pass_the_check_after_start_and_get_the_library(
    qtbot: QtBot, clinic: Path, tmp_path: Path
) -> None:
    messages = FakeMessages()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = build_window(clinic, messages, settings, check_later=True)
    qtbot.addWidget(window)
    tools = window.findChild(RecordsTools)
    assert isinstance(tools, RecordsTools) and tools.check_running
    assert window.services.reference.search("cramp") == []  # not seeded before the check
    # Nor is the solo practitioner's account made: the file is not known to be whole yet.
    assert window.services.audit.identity().id is None
    assert AccountService().existing_identity(app.practitioner_name(settings)) is None
    qtbot.waitUntil(lambda: not tools.check_running, timeout=20_000)
    assert tools.banner.isHidden() and tools.back_up_action.isEnabled()
    assert messages.warnings == [] and messages.errors == []
    assert window.services.reference.search("cramp")  # seeded after the check
    made = AccountService().existing_identity(app.practitioner_name(settings))
    assert made is not None and window.services.audit.identity() == made  # signs as it
    window.workspace.start_new()
    window.workspace.form.name.setText("Dee Evans")
    assert window.workspace.save()


def test_closing_during_the_check_after_start_stops_it(
    qtbot: QtBot, clinic: Path, tmp_path: Path
) -> None:
    from practitioner import instance_lock

    lock = instance_lock.acquire(clinic)
    window = build_window(clinic, FakeMessages(),
                          QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                          check_later=True)
    qtbot.addWidget(window)
    tools = window.findChild(RecordsTools)
    assert isinstance(tools, RecordsTools)
    app.close_records(window, lock)  # interrupts the check and waits for its thread
    assert not tools.check_running
    assert instance_lock.acquire(clinic).release() is None

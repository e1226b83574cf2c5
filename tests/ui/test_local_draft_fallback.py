"""The session note's autosave falls back to this computer when the records file cannot be
written, and the kept draft goes back into the records once it can."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from practitioner.domain.patient import Patient
from practitioner.services.audit import AuditService
from practitioner.services.bundle import Services
from practitioner.services.changes import ChangeService
from practitioner.services.drafts import DraftService, LocalDrafts
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from practitioner.ui.main_window import MainWindow
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.fakes import FakeMessages
from tests.helpers.faults import FAULTS, LONG_TEXT
from tests.helpers.ui_fixtures import write_note
from tests.ui.conftest import PRACTITIONER, VISIT_NOW, make_window

TYPED = "Woken by calf cramps four nights; stretching before bed helps. "


@pytest.fixture
def local(tmp_path_factory: pytest.TempPathFactory) -> LocalDrafts:
    # Not beside the records: one fault moves the records' folder away.
    return LocalDrafts(tmp_path_factory.mktemp("appdata") / "drafts")


@pytest.fixture
def services(db_path: Path, clock: FakeClock, local: LocalDrafts) -> Services:
    audit = AuditService(clock=clock, user=lambda: PRACTITIONER)
    return Services(
        patients=PatientService(clock=clock, today=lambda: TODAY, audit=audit),
        sessions=SessionService(clock=clock, local_clock=lambda: VISIT_NOW,
                                user=lambda: PRACTITIONER, audit=audit),
        drafts=DraftService(clock=clock, local=local),
        audit=audit,
        changes=ChangeService([audit]),
    )


@pytest.fixture
def window(qtbot: QtBot, services: Services, messages: FakeMessages,
           settings_path: Path) -> Iterator[MainWindow]:
    main = make_window(services, messages, settings_path)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.workspace.sessions.form.set_session(services.sessions.blank())


@pytest.mark.parametrize("name", ["disk-full", "locked", "folder-missing"])
def test_an_unwritable_records_file_keeps_the_draft_on_this_computer(
    qtbot: QtBot, window: MainWindow, services: Services, messages: FakeMessages,
    db_path: Path, patient: Patient, local: LocalDrafts, name: str,
) -> None:
    page = write_note(qtbot, window, patient.id, TYPED)
    page.form.notes.insertPlainText(LONG_TEXT)
    typed = page.form.notes.toPlainText()
    fault = FAULTS[name](db_path)
    fault.apply()

    qtbot.keyClicks(page.form.notes, "x")  # the autosave timer runs after a keystroke
    typed += "x"
    qtbot.waitUntil(lambda: "kept on this computer" in page.status.text(), timeout=5000)
    [kept] = services.drafts.local_drafts()
    assert kept.payload["f_notes"] == typed
    assert [p.stat().st_mode & 0o777 for p in local.folder.iterdir()] == [0o600]
    assert page.save() is False, "the save fails while the file cannot be written"
    assert page.form.notes.toPlainText() == typed
    assert window.workspace.can_leave(), "the text is safe: no question is needed"
    assert messages.unsaved_prompts == []

    fault.remove()
    window.offer_recovered_drafts()
    assert services.drafts.local_drafts() == []
    stored = services.drafts.get(patient.id, None)
    assert stored is not None and stored.payload["f_notes"] == typed
    assert page.save() is True
    assert services.drafts.get(patient.id, None) is None
    assert services.drafts.local_drafts() == []

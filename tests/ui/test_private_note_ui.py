"""The session editor's "Private note" checkbox: its author marks a note private; another
practitioner opening it sees "Private note" instead of the text and cannot save over it;
the timeline says which notes are private."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from practitioner.db.models import DraftRow, SessionRow
from practitioner.domain.accounts import PRIVATE_NOTE, Identity
from practitioner.domain.patient import PatientInput
from practitioner.services.accounts import AccountService
from practitioner.services.audit import AuditService
from practitioner.services.bundle import Services
from practitioner.services.drafts import DraftService
from practitioner.services.identity import SignedIn
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from practitioner.ui.main_window import MainWindow
from practitioner.ui.messages import Answer
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.fakes import FakeMessages
from tests.helpers.ui_fixtures import write_note
from tests.ui.conftest import VISIT_NOW, make_window

SECRET = "Spoke about the divorce; keep this between us."


class Clinic(NamedTuple):
    who: SignedIn
    lee: Identity
    kim: Identity
    window: MainWindow
    patient_id: int


@pytest.fixture
def clinic(qtbot: QtBot, db_path: Path, clock: FakeClock, messages: FakeMessages,
           settings_path: Path) -> Iterator[Clinic]:
    who = SignedIn(Identity(None, "setup"))
    accounts = AccountService(user=who, hasher=PasswordHasher(time_cost=1, memory_cost=1024))
    who.switch(accounts.create("Dr Admin", "administrator password").identity)
    lee = accounts.create("Dr Lee", "practitioner password").identity
    kim = accounts.create("Dr Kim", "practitioner password").identity
    audit = AuditService(user=who, clock=clock)
    patients = PatientService(clock=clock, today=lambda: TODAY, audit=audit)
    services = Services(patients=patients, drafts=DraftService(clock=clock), audit=audit,
                        sessions=SessionService(clock=clock, local_clock=lambda: VISIT_NOW,
                                                user=who, audit=audit))
    patient_id = patients.create(PatientInput(name="Margaret Haddad",
                                              date_of_birth=dt.date(1967, 9, 3))).id
    window = make_window(services, messages, settings_path)
    qtbot.addWidget(window)
    window.show()
    yield Clinic(who, lee, kim, window, patient_id)
    # Close now, dropping any edit: a window left open would keep writing drafts into
    # whichever records file a later test opens.
    messages.default_unsaved = Answer.DISCARD
    assert window.close()


def test_the_author_marks_a_note_private_and_another_practitioner_cannot_read_it(
    qtbot: QtBot, clinic: Clinic,
) -> None:
    clinic.who.switch(clinic.lee)
    window = clinic.window
    page = write_note(qtbot, window, clinic.patient_id, SECRET)
    assert not page.private_box.isChecked()
    qtbot.mouseClick(page.private_box, Qt.MouseButton.LeftButton)
    assert page.save()

    row = SessionRow.get()
    assert row.private and row.notes == SECRET and row.created_by_id == clinic.lee.id
    assert "private note" in page.timeline.item(0).text()
    assert page.banner.text().endswith("Private note.")

    clinic.who.switch(clinic.kim)
    page.open_session(row.id)
    assert page.form.notes.toPlainText() == PRIVATE_NOTE
    assert SECRET not in page.form.report.toPlainText()
    assert "only its author and administrators" in page.banner.text()
    assert page.private_box.isChecked() and not page.private_box.isEnabled()
    assert not page.save_button.isEnabled() and not page.finalise_button.isEnabled()
    # Ctrl+S reaches the service, which refuses: nothing is overwritten.
    assert not page.save()
    assert "private" in clinic.window._messages.errors[-1][1]
    assert SessionRow.get().notes == SECRET
    # Nor is the placeholder kept as a draft that could later be restored over the text.
    page.form.notes.setPlainText("typed over the placeholder")
    assert page.flush_draft()
    assert DraftRow.select().count() == 0


def test_unticking_private_by_its_author_makes_the_note_readable_again(
    qtbot: QtBot, clinic: Clinic,
) -> None:
    clinic.who.switch(clinic.lee)
    page = write_note(qtbot, clinic.window, clinic.patient_id, SECRET)
    page.private_box.setChecked(True)
    assert page.save()
    page.private_box.setChecked(False)
    assert page.save()
    assert not SessionRow.get().private
    clinic.who.switch(clinic.kim)
    page.open_session(SessionRow.get().id)
    assert page.form.notes.toPlainText() == SECRET and page.save_button.isEnabled()

"""The GUI and encryption: first run offers a passphrase, a wrong one is asked again,
cancelling exits cleanly, and the passphrase can be changed from the Security menu."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from practitioner import app
from practitioner.db.cipher import WRONG_PASSPHRASE, FileKind, file_kind
from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.session import Draft
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.patients import PatientService
from practitioner.ui.dialogs.passphrase import (
    ChangePassphraseDialog,
    NewPassphrase,
    NewPassphraseDialog,
    PassphraseChange,
)
from practitioner.ui.main_window import MainWindow
from practitioner.ui.records_tools import RecordsTools
from tests.helpers.demo_inputs import ann
from tests.helpers.fakes import FakeMessages
from tests.helpers.modals import Reply, answering

PASSPHRASE = "correct horse 'battery' staple"


@pytest.fixture(autouse=True)
def _closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CRAMP_PRACTITIONER_PASSPHRASE", raising=False)
    yield
    close_database()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _open(qtbot: QtBot, path: Path, messages: FakeMessages, settings: QSettings
          ) -> MainWindow | None:
    window = app.open_window(path, messages, settings)
    if window is not None:
        qtbot.addWidget(window)
    return window


def _encrypted_records(path: Path) -> None:
    open_sqlite(path, passphrase=PASSPHRASE)
    PatientService().create(ann(name="Secret Sam"))
    close_database()


def test_first_run_offers_a_passphrase_and_encrypts(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    path = tmp_path / "records.db"
    messages = FakeMessages(new_passphrase=NewPassphrase(PASSPHRASE))
    window = _open(qtbot, path, messages, settings)
    assert window is not None and messages.new_passphrase_asked == 1
    assert file_kind(path) is FileKind.ENCRYPTED
    window.security.lock_now()
    assert messages.pin_intros == [], "the lock screen asks for the passphrase"
    window.security.screen.unlock_requested.emit(PASSPHRASE)
    assert not window.security.is_locked()


def test_encrypted_records_keep_no_draft_outside_the_encrypted_file(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    """A draft the records cannot take is kept on this computer as plain JSON: for
    encrypted records it stays in the form instead (plain records do get the fallback)."""
    encrypted, plain = tmp_path / "encrypted.db", tmp_path / "plain.db"
    window = _open(qtbot, encrypted, FakeMessages(new_passphrase=NewPassphrase(PASSPHRASE)),
                   settings)
    assert window is not None and window.services.drafts.local is None
    window.close()
    close_database()
    window = _open(qtbot, plain, FakeMessages(new_passphrase=NewPassphrase(None)), settings)
    assert window is not None and window.services.drafts.local is not None


def test_first_run_no_passphrase_is_an_explicit_choice(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    path = tmp_path / "records.db"
    messages = FakeMessages(new_passphrase=NewPassphrase(None))
    assert _open(qtbot, path, messages, settings) is not None
    assert file_kind(path) is FileKind.PLAIN


def test_cancelling_the_first_run_question_creates_nothing(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    path = tmp_path / "records.db"
    assert _open(qtbot, path, FakeMessages(new_passphrase=None), settings) is None
    assert not path.exists()


def test_a_wrong_passphrase_is_asked_again_then_the_right_one_opens(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    path = tmp_path / "records.db"
    _encrypted_records(path)
    messages = FakeMessages(passphrases=["wrong one", PASSPHRASE])
    window = _open(qtbot, path, messages, settings)
    assert window is not None
    first, second = messages.passphrase_problems
    assert first == ""
    assert WRONG_PASSPHRASE in second
    assert messages.errors == []
    assert [p.name for p in PatientService().list_patients("")] == ["Secret Sam"]


def test_cancelling_the_passphrase_prompt_exits_cleanly(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    # Restyling every widget earlier tests left alive costs seconds and tests nothing here.
    monkeypatch.setattr(app, "_load_style", lambda _app: None)
    path = tmp_path / "records.db"
    _encrypted_records(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with answering(Reply("Passphrase", "OK", {"Passphrase": "wrong one"}),
                   Reply("Passphrase", "Cancel")) as seen:
        assert app.main(["--db", str(path), "--quit-after-startup"]) == 0
    assert seen.titles() == ["Passphrase", "Passphrase"]  # No error after the cancel.
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_change_passphrase_from_the_menu(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    path = tmp_path / "records.db"
    _encrypted_records(path)
    new = "a new clinic passphrase"
    messages = FakeMessages(passphrases=[PASSPHRASE], passphrase_changes=[
        PassphraseChange("not it", new, new), PassphraseChange(PASSPHRASE, new, new)])
    window = _open(qtbot, path, messages, settings)
    assert window is not None
    window.commands.change_passphrase.trigger()
    assert messages.passphrase_change_problems[0] == ""
    assert WRONG_PASSPHRASE in messages.passphrase_change_problems[1]
    assert messages.infos and "changed" in messages.infos[-1][1]

    window.security.lock_now()
    window.security.screen.unlock_requested.emit(PASSPHRASE)
    assert window.security.is_locked(), "the old passphrase no longer unlocks"
    window.security.screen.unlock_requested.emit(new)
    assert not window.security.is_locked()
    close_database()
    with pytest.raises(Exception, match=WRONG_PASSPHRASE):
        open_sqlite(path, passphrase=PASSPHRASE)
    open_sqlite(path, passphrase=new)
    assert [p.name for p in PatientService().list_patients("")] == ["Secret Sam"]


def test_the_first_run_dialog_checks_length_and_confirmation(qtbot: QtBot) -> None:
    dialog = NewPassphraseDialog()
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("short")
    dialog.confirmation.setText("short")
    dialog.buttons.accepted.emit()
    assert "at least" in dialog.problem.text() and not dialog.result()
    dialog.passphrase.setText("long enough passphrase")
    dialog.confirmation.setText("long enough passphrasE")
    dialog.buttons.accepted.emit()
    assert "differ" in dialog.problem.text()
    dialog.no_passphrase.click()
    assert dialog.unencrypted and dialog.result()


def test_the_change_dialog_needs_the_current_passphrase(qtbot: QtBot) -> None:
    dialog = ChangePassphraseDialog()
    qtbot.addWidget(dialog)
    dialog.new.setText("long enough passphrase")
    dialog.confirmation.setText("long enough passphrase")
    dialog.buttons.accepted.emit()
    assert dialog.problem.text() == "Enter the current passphrase."


def test_encrypt_records_from_the_menu(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    path = tmp_path / "records.db"
    messages = FakeMessages(new_passphrase=NewPassphrase(None))
    window = _open(qtbot, path, messages, settings)
    assert window is not None and file_kind(path) is FileKind.PLAIN
    patient = PatientService().create(ann(name="Plain Pat"))
    tools = window.findChild(RecordsTools)
    assert isinstance(tools, RecordsTools)
    plain_backup = tools.back_up_automatically("close")
    local = window.services.drafts.local
    assert plain_backup is not None and local is not None
    draft = local.save(Draft(patient.id, None, {"notes": "Plain Pat's cramps"},
                             dt.datetime.now(dt.UTC)))
    messages.new_passphrase = NewPassphrase(PASSPHRASE)
    window.commands.encrypt.trigger()
    assert messages.errors == []
    assert "now encrypted" in messages.infos[-1][1]
    assert str(plain_backup.path) in messages.infos[-1][1]
    assert file_kind(path) is FileKind.ENCRYPTED
    assert file_kind(plain_backup.path) is FileKind.ENCRYPTED
    assert not draft.exists() and window.services.drafts.local is None
    # The backup at close is made, encrypted, by the service made over the plain file.
    PatientService().create(ann(name="Encrypted Eve"))
    made = tools.back_up_automatically("close")
    assert messages.errors == []
    assert made is not None and file_kind(made.path) is FileKind.ENCRYPTED
    assert sorted(p.name for p in PatientService().list_patients("")) == [
        "Encrypted Eve", "Plain Pat"]
    window.security.lock_now()
    assert messages.pin_intros == []
    window.security.screen.unlock_requested.emit(PASSPHRASE)
    assert not window.security.is_locked()


def test_a_short_passphrase_from_the_environment_creates_no_records(
    qtbot: QtBot, tmp_path: Path, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's scripted start keeps the same rule as the first-run dialog."""
    monkeypatch.setenv("CRAMP_PRACTITIONER_PASSPHRASE", "abc")
    path = tmp_path / "records.db"
    with pytest.raises(KnownError, match="at least") as refused:
        _open(qtbot, path, FakeMessages(), settings)
    assert refused.value.kind is ErrorKind.PASSPHRASE
    assert not path.exists()

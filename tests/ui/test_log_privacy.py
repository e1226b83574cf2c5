"""The log and crash files help support without holding patient text (issue 15, item 5)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from practitioner import app, logs
from practitioner.errors import ErrorKind, KnownError
from practitioner.paths import data_dir
from practitioner.services.bundle import Services
from practitioner.services.settings_file import ini_setting
from practitioner.ui.main_window import MainWindow
from tests.helpers.demo_inputs import ann
from tests.helpers.fakes import FakeMessages
from tests.helpers.modals import Reply, answering
from tests.helpers.session_inputs import full_session

MARKER = "Qzx-Patient-Marker-4417"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def root_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Whatever a test sets up on the root logger is undone after it."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def _written(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in sorted(folder.iterdir()) if p.is_file())


@pytest.mark.qt_no_exception_capture
@pytest.mark.usefixtures("root_logging")
def test_saved_patient_text_and_errors_about_it_reach_no_log_or_crash_file(
    window: MainWindow, services: Services, messages: FakeMessages, qtbot: QtBot,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "logs"
    log_file = logs.setup_logging(verbose=True, folder=folder)
    assert logs.enable_crash_file(folder) == folder / logs.CRASH_NAME
    app._install_excepthook(messages, log_file)
    patient = services.patients.create(ann(name=f"Ann {MARKER}", notes=MARKER))
    services.sessions.create(patient.id, full_session(patient_report=f"Said {MARKER}"))
    window.refresh_list()
    assert window.workspace.open_patient(patient.id)

    def broken_slot() -> None:  # as a bug that quotes the record in its message would
        raise ValueError(f"cannot format {window.workspace.patient.data.name!r}")  # type: ignore[union-attr]

    def refused_slot() -> None:
        raise KnownError(ErrorKind.NOT_FOUND, f"{MARKER} is not in the records.")

    for slot in (broken_slot, refused_slot):
        button = QPushButton()
        qtbot.addWidget(button)
        button.clicked.connect(slot)
        button.click()

    for handler in logging.getLogger().handlers:
        handler.flush()
    written = _written(folder)
    assert MARKER not in written
    assert "ValueError" in written and "broken_slot" in written  # where, for support
    assert "known error shown to the user: not_found" in written
    # The dialog names the file the details went to.
    assert messages.errors[0][0] == "Something went wrong"
    assert str(log_file) in messages.errors[0][1]


@pytest.mark.usefixtures("root_logging")
def test_verbose_adds_this_apps_debug_lines_but_never_a_librarys(tmp_path: Path) -> None:
    quiet, loud = tmp_path / "quiet", tmp_path / "loud"
    for folder, verbose in ((quiet, False), (loud, True)):
        logs.setup_logging(verbose=verbose, folder=folder)
        logging.getLogger("practitioner.test").debug("our debug line")
        logging.getLogger("peewee").debug("('SELECT …', ['%s'])", MARKER)
        logging.getLogger("practitioner.test").info("an info line")
    logs.setup_logging(folder=tmp_path / "other")  # closes the files above
    assert "our debug line" not in _written(quiet) and "an info line" in _written(quiet)
    assert "our debug line" in _written(loud)
    assert MARKER not in _written(quiet) + _written(loud)


def test_a_chained_exception_is_logged_by_type_and_place_only() -> None:
    try:
        try:
            raise KeyError(MARKER)
        except KeyError as exc:
            raise RuntimeError(f"while saving {MARKER}") from exc
    except RuntimeError as exc:
        text = logs.describe_exception(type(exc), exc, exc.__traceback__)
    assert "builtins.RuntimeError" in text and "builtins.KeyError" in text
    assert "test_a_chained_exception" in text and MARKER not in text


def test_a_native_crash_is_written_and_offered_once(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    script = ("import faulthandler, sys; from pathlib import Path; from practitioner import logs; "
              f"logs.enable_crash_file(Path(sys.argv[1])); note = {MARKER!r}; "
              "faulthandler._sigsegv()")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", script, str(folder)], env=env,
                            capture_output=True, timeout=60)
    assert result.returncode != 0
    kept = logs.take_last_crash(folder)
    assert kept is not None and kept.name.startswith("crash-")
    text = kept.read_text(encoding="utf-8")
    assert "Fatal Python error" in text and MARKER not in text
    assert logs.take_last_crash(folder) is None  # taken aside: not offered twice


@pytest.mark.usefixtures("root_logging", "no_event_loop")
def test_the_start_offers_the_last_crash_report_and_writes_the_log(tmp_path: Path) -> None:
    folder = data_dir() / "logs"
    folder.mkdir(parents=True)
    (folder / logs.CRASH_NAME).write_text("Fatal Python error: Segmentation fault\n")

    with answering(Reply("Cramp Practitioner stopped unexpectedly", "Show report"),
                   Reply("Crash report", "OK"),
                   Reply("Protect your records", "No passphrase"),
                   Reply("Welcome to Cramp Practitioner", "OK", {"Your name": "Dr Jane Doe"}),
                   ) as seen:
        assert app.main(["--db", str(tmp_path / "r.db")]) == 0
    assert "stopped because of a fault" in seen.dialogs[0].text
    assert (folder / logs.CRASH_NAME).stat().st_size == 0  # this run's, empty
    [kept] = folder.glob("crash-*.log")
    assert "Segmentation fault" in kept.read_text()
    assert str(kept) in seen.dialogs[1].text
    assert "Cramp Practitioner" in (folder / logs.LOG_NAME).read_text(encoding="utf-8")
    assert ini_setting(data_dir() / "settings.ini", "practitioner/name") == "Dr Jane Doe"

    # An unattended start offers nothing and asks nothing; the next crash is kept aside too.
    (folder / logs.CRASH_NAME).write_text("Fatal Python error: Aborted\n")
    with answering() as quiet:
        assert app.main(["--db", str(tmp_path / "r.db"), "--quit-after-startup"]) == 0
    assert quiet.dialogs == []
    assert len(list(folder.glob("crash-*.log"))) == 2


def test_the_command_line_writes_the_log_file(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT),
               CRAMP_PRACTITIONER_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run(
        [sys.executable, "-m", "practitioner", "--verbose", "--db", str(tmp_path / "r.db"),
         "reference", "search", "magnesium"],
        env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    written = (tmp_path / "data" / "logs" / logs.LOG_NAME).read_text(encoding="utf-8")
    assert "command line" in written and "reference" in written


def test_no_log_call_passes_an_error_message_or_a_repr() -> None:
    """KnownError messages and reprs may quote a patient: log calls give kinds and types."""
    import ast

    levels = {"debug", "info", "warning", "error", "exception", "critical"}
    found = []
    for path in (ROOT / "practitioner").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in levels and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in {"log", "logger", "logging"}):
                continue
            first = node.args[0] if node.args else None
            quoted = isinstance(first, ast.Constant) and "%r" in str(first.value)
            messages = any(isinstance(a, ast.Attribute) and a.attr == "message"
                           for arg in node.args[1:] for a in ast.walk(arg))
            if quoted or messages or isinstance(first, ast.JoinedStr):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []

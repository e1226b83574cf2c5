"""Answering the app's modal dialogs the way a user does, for tests that start the real app.

A timer looks for `QApplication.activeModalWidget()`; for each dialog that opens it takes
the next scripted `Reply`, checks the dialog's title, types into its line edits (found by
their accessible names) and clicks its button (found by its text). Every dialog seen is
recorded with the text of its labels, so a test can assert what the user was told.

    with answering(Reply("Administrator account", "Create account",
                         {"Name": "Dr Admin", "Password": PW, "Password again": PW})) as seen:
        assert app.main(["--db", url, "--quit-after-startup"]) == 0
    assert seen.titles() == ["Administrator account"]

A dialog nobody scripted is cancelled (so a test never hangs) and, like a scripted reply
never used or a field that is not there, fails the test when the block ends.

`run_main_py` runs `main.py` in a child process with the same answers (the child installs
this timer, then runs `main.py` as `python main.py` would).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

ROOT = Path(__file__).resolve().parents[2]
TICK_MS = 20


@dataclass(frozen=True)
class Reply:
    """What the user does in one dialog: the dialog expected (its title), what is typed
    into which field (by accessible name), and the button clicked (by its text)."""

    title: str
    button: str
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    """A dialog as the user saw it: its title and the text of its visible labels."""

    title: str
    text: str


@dataclass
class Transcript:
    """The dialogs seen, in order, and what went wrong answering them."""

    dialogs: list[Seen] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def titles(self) -> list[str]:
        return [d.title for d in self.dialogs]


def dialog_text(widget: QWidget) -> str:
    """The text a user reads in `widget`: a message box's text and informative text, or
    every visible label of a dialog, in order."""
    if isinstance(widget, QMessageBox):
        return "\n".join(t for t in (widget.text(), widget.informativeText()) if t)
    return "\n".join(_plain(label.text()) for label in widget.findChildren(QLabel)
                     if label.isVisible() and label.text())


def _plain(text: str) -> str:
    return text.replace("&", "")


class ModalAnswerer(QObject):
    """Answers modal dialogs from a timer, in the order of `replies`."""

    def __init__(self, replies: list[Reply]) -> None:
        super().__init__()
        self.replies = list(replies)
        self.transcript = Transcript()
        self.active = False

    def start(self) -> None:
        self.active = True
        QTimer.singleShot(TICK_MS, self._tick)

    def stop(self) -> None:
        self.active = False

    def _tick(self) -> None:
        if not self.active:
            return
        # The next look is scheduled first: a click may open another dialog whose own
        # event loop runs inside this call, and that dialog needs answering too.
        QTimer.singleShot(TICK_MS, self._tick)
        widget = QApplication.activeModalWidget()
        if widget is None or not widget.isVisible():
            return
        self._answer(widget)

    def _answer(self, widget: QWidget) -> None:
        title = widget.windowTitle()
        self.transcript.dialogs.append(Seen(title, dialog_text(widget)))
        if not self.replies:
            self._give_up(widget, f"unexpected dialog {title!r}: {dialog_text(widget)!r}")
            return
        reply = self.replies.pop(0)
        if reply.title != title:
            self._give_up(widget, f"expected dialog {reply.title!r}, got {title!r}: "
                          f"{dialog_text(widget)!r}")
            return
        edits = {edit.accessibleName(): edit for edit in widget.findChildren(QLineEdit)
                 if edit.isVisible()}
        for name, text in reply.fields.items():
            edit = edits.get(name)
            if edit is None:
                self._give_up(widget, f"{title!r} has no field {name!r} (has {sorted(edits)})")
                return
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            edit.selectAll()
            QTest.keyClicks(edit, text)
        buttons = [b for b in widget.findChildren(QAbstractButton)
                   if b.isVisible() and _plain(b.text()) == reply.button]
        if len(buttons) != 1:
            names = sorted(_plain(b.text()) for b in widget.findChildren(QAbstractButton)
                           if b.isVisible())
            self._give_up(widget, f"{title!r} has no one button {reply.button!r} ({names})")
            return
        QTest.mouseClick(buttons[0], Qt.MouseButton.LeftButton)

    def _give_up(self, widget: QWidget, problem: str) -> None:
        self.transcript.problems.append(problem)
        if isinstance(widget, QDialog):
            widget.reject()
        else:
            widget.close()


@contextmanager
def answering(*replies: Reply) -> Iterator[Transcript]:
    """Answer the dialogs opened inside the block with `replies`, in order; fails the test
    at the end of the block on an unexpected dialog or a reply left unused."""
    assert QApplication.instance() is not None, "answering needs a QApplication (qapp)"
    answerer = ModalAnswerer(list(replies))
    answerer.start()
    try:
        yield answerer.transcript
    finally:
        answerer.stop()
    problems = list(answerer.transcript.problems)
    if answerer.replies:
        problems.append(f"dialogs never shown: {[r.title for r in answerer.replies]}")
    assert not problems, "; ".join(problems)


# -- main.py in a child process ----------------------------------------------------------

_CHILD = """
import json, runpy, sys
from PySide6.QtWidgets import QApplication
from tests.helpers.modals import ModalAnswerer, Reply
app = QApplication(["main.py"])
answerer = ModalAnswerer([Reply(r["title"], r["button"], r["fields"])
                          for r in json.loads(sys.argv[1])])
answerer.start()
sys.argv = ["main.py", *sys.argv[2:]]
try:
    runpy.run_path({main!r}, run_name="__main__")
finally:
    answerer.stop()
    print("MODALS " + json.dumps({{
        "seen": [[d.title, d.text] for d in answerer.transcript.dialogs],
        "problems": answerer.transcript.problems,
        "unused": [r.title for r in answerer.replies]}}), file=sys.stderr)
"""


@dataclass
class ChildRun:
    """A finished `main.py` child: exit code, its stderr, and the dialogs it showed."""

    returncode: int
    stderr: str
    transcript: Transcript
    unused: list[str]


def run_main_py(args: list[str], *replies: Reply, env: Mapping[str, str] | None = None,
                timeout: float = 120) -> ChildRun:
    """Run `python main.py *args` in a child process (offscreen) answering its dialogs
    with `replies`; without replies it is plain `python main.py`."""
    environment = dict(os.environ if env is None else env)
    environment.setdefault("QT_QPA_PLATFORM", "offscreen")
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), environment.get("PYTHONPATH", "")) if p)
    main = str(ROOT / "main.py")
    if replies:
        code = _CHILD.format(main=main)
        script = json.dumps([{"title": r.title, "button": r.button, "fields": dict(r.fields)}
                             for r in replies])
        command = [sys.executable, "-c", code, script, *args]
    else:
        command = [sys.executable, main, *args]
    done = subprocess.run(command, env=environment, capture_output=True, text=True,
                          errors="replace", timeout=timeout, check=False)
    transcript, unused = Transcript(), []
    for line in done.stderr.splitlines():
        if line.startswith("MODALS "):
            report = json.loads(line.removeprefix("MODALS "))
            transcript = Transcript([Seen(t, x) for t, x in report["seen"]],
                                    report["problems"])
            unused = report["unused"]
    return ChildRun(done.returncode, done.stderr, transcript, unused)

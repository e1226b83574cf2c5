"""Long work off the GUI thread, with progress shown and the window kept responsive.

`run_in_background` runs a callable on Qt's thread pool and calls back on the GUI thread
with its result or its exception; a progress dialog (modal to the window, so nothing else
changes the records meanwhile) shows what is happening. The callable gets a `report`
function for progress: `report(done, total, text)` (total 0: unknown, a busy bar).

Database work inside the callable gets the worker thread's own connection
(`practitioner.services.threads.on_own_connection` closes it at the end).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from practitioner.services.threads import on_own_connection

Report = Callable[[int, int, str], None]
Work = Callable[[Report], Any]


class _Signals(QObject):
    """Carries a job's news from its thread to the GUI thread (queued connections).

    Signals:
        progress(int, int, str): done, total and what is being done.
        finished(object): the callable's result.
        failed(object): the exception it raised.
    """

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Work, signals: _Signals) -> None:
        super().__init__()
        self._work = work
        self._signals = signals

    def run(self) -> None:
        def report(done: int, total: int, text: str) -> None:
            self._signals.progress.emit(done, total, text)

        try:
            result = on_own_connection(lambda: self._work(report))
        except BaseException as exc:  # handed to the GUI thread, never lost in the pool
            self._signals.failed.emit(exc)
        else:
            self._signals.finished.emit(result)


class BackgroundTask(QObject):
    """One piece of work running off the GUI thread (see `run_in_background`).

    Signals:
        done(): emitted on the GUI thread after the callbacks ran.
    """

    done = Signal()

    def __init__(self, parent: QWidget, title: str, work: Work,
                 on_result: Callable[[Any], None],
                 on_error: Callable[[BaseException], None]) -> None:
        super().__init__(parent)
        self.result: Any = None
        self.error: BaseException | None = None
        self._on_result = on_result
        self._on_error = on_error
        self.dialog = QProgressDialog(title, "", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setCancelButton(None)  # work in a transaction is all or nothing
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)  # quick work shows no dialog at all
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self._signals = _Signals()
        self._signals.progress.connect(self._on_progress)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self.running = True
        QThreadPool.globalInstance().start(_Job(work, self._signals))

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(done if total else 0)
        if text:
            self.dialog.setLabelText(text)

    def _finish(self) -> None:
        self.running = False
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()

    def _on_finished(self, result: Any) -> None:
        self.result = result
        self._finish()
        self._on_result(result)
        self.done.emit()

    def _on_failed(self, error: BaseException) -> None:
        self.error = error
        self._finish()
        self._on_error(error)
        self.done.emit()


def run_in_background(parent: QWidget, title: str, work: Work,
                      on_result: Callable[[Any], None],
                      on_error: Callable[[BaseException], None]) -> BackgroundTask:
    """Start `work(report)` on a worker thread; `on_result(result)` or `on_error(exc)`
    then runs on the GUI thread. The returned task's `done` signal follows them."""
    return BackgroundTask(parent, title, work, on_result, on_error)

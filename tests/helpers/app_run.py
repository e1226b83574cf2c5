"""Run `practitioner.app.main` in the test process without its event loop.

Once `QApplication.exec()` has returned, Qt no longer activates windows in this process,
which would break every later GUI test; so in-process runs of `main` skip the loop (the
startup work before it and the closing work after it still run) and close the window.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QMainWindow


@pytest.fixture
def no_event_loop(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(QApplication, "exec", lambda *_: 0)
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow):
            widget.close()
            widget.deleteLater()

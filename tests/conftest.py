"""Settings for every test: Qt runs offscreen and nothing touches the real user folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from practitioner.paths import DATA_DIR_ENV

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

# Before any Qt import: tests never need a display. The offscreen screen is given a
# desktop size (its default is 800x800, smaller than the window's minimum).
_SCREEN = Path(__file__).with_name("data") / "offscreen-screen.json"
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"

pytest_plugins = [
    "tests.helpers.db_fixtures", "tests.helpers.app_run", "tests.helpers.pg_cluster",
    "tests.helpers.ui_fixtures",
]


@pytest.fixture(scope="session", autouse=True)
def _qapplication_first(qapp: QApplication) -> QApplication:
    """Each worker's Qt application is a QApplication, made before any test: a command
    run in-process (`report` writes its PDF through Qt) would otherwise make a bare
    QGuiApplication first, on which no later test could build a widget."""
    return qapp


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app's data folder into the test's own temporary folder."""
    folder = tmp_path / "appdata"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Captured output naming a path with undecodable bytes (lone surrogates) is escaped:
    pytest-xdist's workers send reports as UTF-8 and would otherwise crash on it."""
    outcome = yield
    report = outcome.get_result()
    report.sections = [(title, text.encode("utf-8", "backslashreplace").decode("utf-8"))
                       for title, text in report.sections]

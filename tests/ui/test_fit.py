"""Every page and dialog fits the screens practitioners use, with the reference pane open:
a 1366×768 laptop and a 1280×800 one, each less a taskbar. Font metrics are measured
against geometry (tests/helpers/fit.py): no clipped text, no form scrolling sideways."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QApplication, QDialog, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from practitioner import app
from practitioner.ui.look import AppStyle
from practitioner.ui.main_window import TITLE_BAR_ALLOWANCE, MainWindow
from tests.helpers.fakes import FakeMessages
from tests.helpers.fit import misfits
from tests.ui.test_mnemonics import dialogs

#: The available screens (desktop less a taskbar) of the laptops practitioners use.
SCREENS = {"1366x768": (1366, 728), "1280x800": (1280, 760)}


def settle(qtbot: QtBot, widget: QWidget) -> None:
    """Let layouts and deferred size changes run."""
    QApplication.processEvents()
    qtbot.wait(1)  # posted layout requests
    QApplication.processEvents()
    widget.updateGeometry()


@pytest.fixture(autouse=True)
def app_style(qapp: QApplication) -> Iterator[None]:
    """The style the app runs with (its metrics decide what fits)."""
    before = qapp.style().name()
    style = AppStyle()
    qapp.setStyle(style)
    yield
    qapp.setStyle(before)


@pytest.fixture(params=list(SCREENS), ids=list(SCREENS))
def screen_size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return SCREENS[request.param]


@pytest.fixture
def demo_window(qtbot: QtBot, tmp_path: Path, screen_size: tuple[int, int]) -> MainWindow:
    """The demo records in a window sized to the screen, reference pane open."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = app.build_window(tmp_path / "records.db", FakeMessages(), settings, demo=True)
    qtbot.addWidget(window)
    width, height = screen_size
    window.resize(width, height - TITLE_BAR_ALLOWANCE)
    window.show()
    qtbot.waitExposed(window)
    window.show_reference(True)
    window.refresh_list()
    window.open_first_patient()
    return window


def fits_in(window: QWidget, size: tuple[int, int]) -> list[str]:
    width, height = size
    wanted = window.minimumSizeHint().expandedTo(window.minimumSize())
    if wanted.width() > width or wanted.height() > height - TITLE_BAR_ALLOWANCE:
        return [f"{window.windowTitle()!r} needs at least {wanted.width()}×{wanted.height()}"]
    return []


def dialog_misfits(qtbot: QtBot, dialogs: Iterable[QDialog],
                   screen_size: tuple[int, int]) -> list[str]:
    """What does not fit in each of `dialogs`, shown one at a time."""
    found = []
    for dialog in dialogs:
        dialog.show()
        qtbot.waitExposed(dialog)
        settle(qtbot, dialog)
        found += fits_in(dialog, screen_size)
        found += [f"{dialog.windowTitle()}: {problem}" for problem in misfits(dialog)]
        dialog.close()
    return found


def test_every_page_fits_with_the_reference_pane_open(
    qtbot: QtBot, demo_window: MainWindow, screen_size: tuple[int, int]
) -> None:
    window = demo_window
    width, height = screen_size
    assert (window.width(), window.height()) == (width, height - TITLE_BAR_ALLOWANCE)
    assert window.reference_shown()
    workspace = window.workspace
    assert workspace.patient is not None
    pane = window.reference
    pane.search.setText("cramp")
    pane.run_search()
    pane.open_entry(str(pane.results.item(0).data(256)))
    pane.search.clear()  # its placeholder must fit too
    found = fits_in(window, screen_size)
    sub_tabs: list[str] = []
    for index, page in enumerate(("profile", "sessions", "outcomes")):
        workspace.tabs.setCurrentIndex(index)
        if page == "sessions":
            summaries = window.services.sessions.timeline(workspace.patient.id)
            workspace.sessions.open_session(summaries[-1].id)
        settle(qtbot, window)
        found += [f"{page}: {problem}" for problem in misfits(window)]
        for inner in workspace.tabs.currentWidget().findChildren(QTabWidget):
            for tab in range(inner.count()):  # every sub-tab of the page too
                inner.setCurrentIndex(tab)
                sub_tabs.append(inner.tabText(tab))
                settle(qtbot, window)
                found += [f"{page} › {inner.tabText(tab)}: {problem}"
                          for problem in misfits(inner)]
    assert len(sub_tabs) >= 3, sub_tabs
    workspace.tabs.setCurrentIndex(1)
    workspace.sessions.new_session()
    settle(qtbot, window)
    found += [f"new session: {problem}" for problem in misfits(window)]
    workspace.form.mark_saved()
    window.security.lock()
    settle(qtbot, window)
    found += [f"lock screen: {problem}" for problem in misfits(window)]
    assert not found, "\n".join(found)


def test_every_dialog_fits(
    qtbot: QtBot, db_path: Path, screen_size: tuple[int, int]
) -> None:
    found = dialog_misfits(qtbot, dialogs(qtbot, db_path), screen_size)
    assert not found, "\n".join(found)


def test_the_first_window_fits_the_available_screen(qtbot: QtBot, tmp_path: Path) -> None:
    screen = QApplication.primaryScreen()
    available = screen.availableGeometry()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    # A geometry saved on a bigger monitor is not restored off this screen.
    big = MainWindow.opening(settings)
    qtbot.addWidget(big)
    big.setGeometry(QRect(0, 0, available.width() + 600, available.height() + 400))
    settings.setValue("window/geometry", big.saveGeometry())
    window = MainWindow.opening(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.width() <= available.width()
    assert window.height() <= available.height() - TITLE_BAR_ALLOWANCE



def test_the_record_s_dialogs_fit(
    qtbot: QtBot, demo_window: MainWindow, screen_size: tuple[int, int]
) -> None:
    from practitioner.domain.report_content import ReportKind
    from practitioner.ui.dialogs.audit_trail import AuditTrailDialog
    from practitioner.ui.dialogs.caseload import CaseloadDialog
    from practitioner.ui.dialogs.draft_recovery import DraftRecoveryDialog
    from practitioner.ui.dialogs.letters_dialog import LettersDialog
    from practitioner.ui.dialogs.red_flag_review import RedFlagReviewDialog
    from practitioner.ui.dialogs.report_dialog import ReportDialog
    from practitioner.ui.dialogs.session_history import SessionHistoryDialog

    window = demo_window
    messages = window._messages
    assert isinstance(messages, FakeMessages)
    window.show_report(ReportKind.PROGRESS)
    window.show_report(ReportKind.REFERRAL)
    window.show_caseload()
    built: list[QDialog] = [ReportDialog(data, window) for data in messages.reports]
    built += [CaseloadDialog(tables, "", window) for tables in messages.caseloads]
    flags = window.services.reference.flags_for(["indapamide"], [])
    built.append(RedFlagReviewDialog(flags, window))
    patient = window.workspace.patient
    assert patient is not None
    [*_, latest] = window.services.sessions.timeline(patient.id)
    built += [
        SessionHistoryDialog(window.services.sessions.get(latest.id), window),
        AuditTrailDialog("Audit trail", window.services.audit.trail(patient.id), window),
        LettersDialog(patient.data.name, [], window),
        DraftRecoveryDialog([], window),
    ]
    found = dialog_misfits(qtbot, built, screen_size)
    assert not found, "\n".join(found)

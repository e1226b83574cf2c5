"""Looks like a product: every action's icon reads on the light and the dark palette, the
consultation toolbar shares the menus' actions, headings come from one type hierarchy, and
the title and status bar name the records file and the practitioner, never the computer's
user or a path."""

from __future__ import annotations

import dataclasses
import getpass
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QFont, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QMenu
from pytestqt.qtbot import QtBot

from practitioner import app, paths
from practitioner.domain.patient import PatientInput
from practitioner.ui import icons, preferences, theme, typography
from practitioner.ui.actions import ICONS, REFERENCE_ICON, Actions
from practitioner.ui.look import redress_all
from practitioner.ui.main_window import MainWindow
from practitioner.ui.theme import DARK, LIGHT, Choice, Theme, contrast
from practitioner.ui.widgets.lock_screen import LockScreen
from tests.helpers.fakes import FakeMessages

# A non-text element must reach 3:1 against what it sits on (WCAG 2.1, 1.4.11).
ICON_FLOOR = 3.0


def _ink(image: QImage) -> QColor:
    """The colour an icon draws with: its most common opaque pixel."""
    counts: Counter[int] = Counter(
        image.pixel(x, y) for x in range(image.width()) for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255)
    assert counts, "the icon draws nothing"
    return QColor.fromRgb(counts.most_common(1)[0][0])


def test_every_action_but_the_view_toggles_has_a_shipped_icon() -> None:
    checkable = {"show_archived"}
    assert set(ICONS) == {f.name for f in dataclasses.fields(Actions)} - checkable
    for name in [*ICONS.values(), REFERENCE_ICON]:
        assert icons.icon_path(name).is_file(), name
    licence = paths.shipped("resources", "icons", "lucide", "LICENSE")
    assert "ISC" in licence.read_text(encoding="utf-8")


@pytest.mark.parametrize("t", [LIGHT, DARK], ids=["light", "dark"])
def test_each_icon_reads_on_the_window_background(qapp: QApplication, t: Theme) -> None:
    palette = theme.palette_of(t)
    low = []
    for name in sorted({*ICONS.values(), REFERENCE_ICON}):
        drawn = icons.icon(name, palette)
        assert not drawn.isNull(), name
        ink = _ink(drawn.pixmap(48, 48).toImage())
        ratio = contrast(ink, t.window)
        if ratio < ICON_FLOOR:
            low.append(f"{name}: {ratio:.2f}")
    assert low == []


@pytest.fixture
def system_theme_after(qapp: QApplication) -> Iterator[None]:
    yield
    theme.apply(Choice.SYSTEM)
    redress_all()


def test_the_actions_icons_follow_a_theme_change(
    window: MainWindow, system_theme_after: None
) -> None:
    actions = [getattr(window.commands, field) for field in ICONS]
    assert all(not action.icon().isNull() for action in actions)
    for choice, t in ((Choice.DARK, DARK), (Choice.LIGHT, LIGHT)):
        theme.apply(choice)
        redress_all()
        for action in (window.commands.save, window.commands.new_session):
            ink = _ink(action.icon().pixmap(48, 48).toImage())
            assert contrast(ink, t.window) >= ICON_FLOOR, (choice, action.text())


def test_the_toolbar_holds_the_consultation_actions_shared_with_the_menus(
    window: MainWindow,
) -> None:
    a = window.commands
    reference = window.toggle_reference
    shown = [action for action in window.toolbar.actions() if not action.isSeparator()]
    assert shown == [a.new_session, a.session_from_last, a.apply_protocol, a.save,
                     a.finalise, a.progress_report, reference]
    menus = {action for menu in window.menuBar().findChildren(QMenu)
             for action in menu.actions()}
    assert set(shown) <= menus  # the same QAction objects: one registry
    assert all(not action.icon().isNull() for action in shown)
    toggle = window.toolbar.toggleViewAction()
    view = next(m.menu() for m in window.menuBar().actions() if m.text() == "&View")
    assert isinstance(view, QMenu) and toggle in view.actions()
    toggle.trigger()
    assert window.toolbar.isHidden()
    toggle.trigger()
    assert not window.toolbar.isHidden()


def test_finalise_on_the_toolbar_finalises_the_open_note_or_says_how(
    window: MainWindow,
) -> None:
    window.commands.finalise.trigger()
    assert "Open a session note" in window.statusBar().currentMessage()
    patient = window.services.patients.create(PatientInput(name="Ann Lee"))
    window.refresh_list()
    window.workspace.open_patient(patient.id)
    window.commands.new_session.trigger()
    window.commands.finalise.trigger()
    assert "empty session cannot be finalised" in window.workspace.sessions.status.text()


@pytest.fixture
def app_style(qapp: QApplication) -> Iterator[None]:
    """The app's own style, as a start sets it; put back after."""
    before = qapp.style().name()
    app._load_style(qapp)
    yield
    qapp.setStyle(before)


def test_headings_come_from_one_type_hierarchy(
    qtbot: QtBot, app_style: None, window: MainWindow
) -> None:
    body = QApplication.font().pointSizeF()
    lock = LockScreen()
    qtbot.addWidget(lock)
    lock.show()
    window.workspace.start_new()
    assert lock.heading.font().pointSizeF() == pytest.approx(body * typography.DISPLAY.scale,
                                                             abs=0.1)
    assert lock.heading.font().weight() == QFont.Weight.DemiBold
    title = window.workspace.title
    assert title.font().pointSizeF() > window.workspace.subtitle.font().pointSizeF()
    assert title.font() == typography.font(typography.TITLE)
    subtitle_ink = window.workspace.subtitle.palette().color(QPalette.ColorRole.WindowText)
    assert subtitle_ink.name() == theme.for_palette().muted  # key facts muted


def _status(window: MainWindow) -> str:
    label = window.statusBar().findChild(QLabel, "signedIn")
    assert isinstance(label, QLabel)
    return label.text()


def test_the_title_names_the_records_file_and_the_status_the_practitioner(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("practitioner/name", "Dr Ana Lee")
    path = tmp_path / "folder" / "records.db"
    path.parent.mkdir()
    window = app.build_window(path, FakeMessages(), settings)
    qtbot.addWidget(window)
    assert window.windowTitle() == "Cramp Practitioner — records.db"
    assert str(tmp_path) not in window.windowTitle()
    assert _status(window) == "Working as Dr Ana Lee"


def test_without_a_name_the_status_asks_for_one_not_the_computers_user(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = app.build_window(tmp_path / "records.db", FakeMessages(), settings)
    qtbot.addWidget(window)
    status = _status(window)
    assert getpass.getuser() not in status.split()
    assert "Preferences" in status
    # The name given at the first start applies at once (app.main applies it so).
    window.apply_preferences(dataclasses.replace(preferences.load(settings),
                                                 practitioner_name="Dr Ana Lee"))
    assert _status(window) == "Working as Dr Ana Lee"

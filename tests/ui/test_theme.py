"""One palette-aware theme: readable semantic colours in light and dark, banners and the
chart that follow the palette, View › Theme remembered, and no colour outside theme.py."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStatusBar, QWidget
from pytestqt.qtbot import QtBot

from practitioner import app as app_module
from practitioner.domain.outcomes import CRAMPS_PER_WEEK
from practitioner.domain.reference_flags import Flag
from practitioner.services.changes import ChangeService
from practitioner.services.drafts import DraftService
from practitioner.ui import theme
from practitioner.ui.connection_status import ConnectionStatus
from practitioner.ui.look import banner_sheet
from practitioner.ui.main_window import MainWindow
from practitioner.ui.theme import DARK, LIGHT, Choice, Theme, contrast
from practitioner.ui.widgets.changed_elsewhere_notice import ChangedElsewhereNotice
from practitioner.ui.widgets.damaged_banner import DamagedBanner
from practitioner.ui.widgets.red_flag_banner import RedFlagBanner

FLOOR = 4.5  # WCAG AA, body text
UI = Path(__file__).resolve().parents[2] / "practitioner" / "ui"


@pytest.fixture
def app_style(qapp: QApplication) -> Iterator[None]:
    """The app's own style and the system theme, as a start sets them; put back after."""
    before = qapp.style().name()
    app_module._load_style(qapp)
    yield
    theme.apply(Choice.SYSTEM)
    qapp.setStyle(before)


def _backgrounds(t: Theme) -> dict[str, str]:
    palette = theme.palette_of(t)
    return {"window": t.window, "base": t.base,
            "alternate": palette.color(QPalette.ColorRole.AlternateBase).name()}


@pytest.mark.parametrize("t", [LIGHT, DARK], ids=["light", "dark"])
def test_every_semantic_foreground_reads_on_its_backgrounds(t: Theme) -> None:
    low = []
    for name, tone in t.tones().items():
        for where, background in {"own": tone.bg, **_backgrounds(t)}.items():
            if contrast(tone.fg, background) < FLOOR:
                low.append(f"{name} on {where}: {contrast(tone.fg, background):.2f}")
        if contrast(tone.bg, tone.fg) < FLOOR:  # the strong (inverted) banner
            low.append(f"{name} inverted: {contrast(tone.bg, tone.fg):.2f}")
    for where, background in _backgrounds(t).items():
        if contrast(t.muted, background) < FLOOR:
            low.append(f"muted on {where}: {contrast(t.muted, background):.2f}")
    chart = t.chart
    for name, colour in (("text", chart.text), ("muted", chart.muted)):
        if contrast(colour, chart.background) < FLOOR:
            low.append(f"chart {name}: {contrast(colour, chart.background):.2f}")
    assert not low


def test_the_platform_light_palette_is_the_light_theme(qapp: QApplication) -> None:
    """Under System the platform's palette is used: the light set must read on it too."""
    palette = qapp.style().standardPalette()
    assert not theme.is_dark(palette)
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        background = palette.color(role)
        for tone in LIGHT.tones().values():
            assert contrast(tone.fg, background) >= FLOOR
        assert contrast(LIGHT.muted, background) >= FLOOR


def _text_contrast(image: QImage) -> float:
    """The contrast of a rendered text on its background: the most common colour is the
    background, the pixel farthest from it is the text's."""
    counts: Counter[int] = Counter(image.pixel(x, y) for x in range(image.width())
                                   for y in range(image.height()))
    background = QColor.fromRgb(counts.most_common(1)[0][0])
    return max(contrast(QColor.fromRgb(p), background) for p in counts)


def _shown_banners(qtbot: QtBot) -> tuple[dict[str, QLabel], list[QWidget]]:
    """The banners' texts by name, and the banners (to keep them alive)."""
    damaged, changed, red = DamagedBanner(), ChangedElsewhereNotice(), RedFlagBanner()
    damaged.show_damage("The records are damaged.", "2026-01-01")
    red.show_flags([Flag(entry="statins", reason="Statins and muscle pain", level="refer",
                         key="statins")])
    bar = QStatusBar()
    connection = ConnectionStatus(ChangeService(), DraftService(), bar, bar)
    connection.banner.show()
    for widget in (damaged, changed, red, bar):
        qtbot.addWidget(widget)
        widget.show()
        qtbot.waitExposed(widget)
    return ({"damaged": damaged.label, "changed": changed.label, "red flag": red.text,
             "connection": connection.banner}, [damaged, changed, red, bar])


@pytest.mark.parametrize("choice", [Choice.LIGHT, Choice.DARK])
def test_banner_texts_read_in_light_and_dark(
    app_style: None, qtbot: QtBot, choice: Choice
) -> None:
    theme.apply(choice)
    labels, _shown = _shown_banners(qtbot)
    for name, label in labels.items():
        styled = label if label.objectName() == "connectionBanner" else label.parentWidget()
        qtbot.waitUntil(lambda styled=styled: styled.styleSheet() != "")
        ratio = _text_contrast(label.grab().toImage())
        assert ratio >= FLOOR, f"{name} banner in {choice.value}: {ratio:.2f}"


def test_banners_follow_a_palette_change_while_shown(
    app_style: None, qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    """The system switching to dark while the app runs (its palette changes): the banners
    already shown take the dark colours."""
    window = MainWindow.opening(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    from practitioner.ui.theme_menu import ThemeMenu

    ThemeMenu(window.menuBar().addMenu("&View"), window._settings, window)
    banner = DamagedBanner(window)
    banner.show_damage("Damaged.", None)
    window.show()
    qtbot.waitUntil(lambda: banner.styleSheet() == banner_sheet("damagedBanner", LIGHT))
    qapp.setPalette(theme.palette_of(DARK))  # as the platform does on a scheme change
    qtbot.waitUntil(lambda: banner.styleSheet() == banner_sheet("damagedBanner", DARK))
    assert _text_contrast(banner.label.grab().toImage()) >= FLOOR


def test_view_theme_applies_and_is_remembered(
    app_style: None, qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    path = str(tmp_path / "settings.ini")
    settings = QSettings(path, QSettings.Format.IniFormat)
    window = MainWindow.opening(settings)
    qtbot.addWidget(window)
    from practitioner.ui.theme_menu import ThemeMenu

    menu = ThemeMenu(window.menuBar().addMenu("&View"), settings, window)
    assert menu.actions[Choice.SYSTEM].isChecked()
    menu.actions[Choice.DARK].trigger()
    assert theme.is_dark(qapp.palette())
    settings.sync()
    assert theme.saved_choice(QSettings(path, QSettings.Format.IniFormat)) is Choice.DARK
    theme.apply(Choice.SYSTEM)  # a new start reads the choice before its first paint:
    again = MainWindow.opening(QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert theme.is_dark(qapp.palette())
    menu.actions[Choice.LIGHT].trigger()
    assert not theme.is_dark(qapp.palette())
    menu.actions[Choice.SYSTEM].trigger()
    assert qapp.palette().color(QPalette.ColorRole.Window) == \
        qapp.style().standardPalette().color(QPalette.ColorRole.Window)


def test_the_window_has_view_theme(window: MainWindow) -> None:
    menu = window.theme_menu.menu
    assert [a.text() for a in menu.actions()] == ["&System", "&Light", "&Dark"]
    assert menu.menuAction() in window._menus["&View"].actions()


@pytest.mark.parametrize("choice", [Choice.LIGHT, Choice.DARK])
def test_the_outcome_chart_text_reads_in_light_and_dark(
    app_style: None, qtbot: QtBot, choice: Choice
) -> None:
    import datetime as dt

    from practitioner.ui.widgets.outcome_chart import ChartVisit, OutcomeChart

    theme.apply(choice)
    chart = OutcomeChart()
    qtbot.addWidget(chart)
    day = dt.datetime(2025, 1, 1, 10)
    chart.show_data([CRAMPS_PER_WEEK], [
        ChartVisit(day + dt.timedelta(days=7 * i), {CRAMPS_PER_WEEK.code: v}, "")
        for i, v in enumerate((9.0, 6.0, 3.0))], [])
    chart.show()
    background = chart.plot.backgroundBrush().color()
    assert theme.is_dark(chart.palette()) is (choice is Choice.DARK)
    assert (background.lightnessF() < 0.5) is (choice is Choice.DARK)
    texts = {side: chart.plot.getAxis(side).textPen().color()
             for side in ("left", "bottom")}
    # The baseline is named in the legend (below the plot), not by a label on the line.
    texts["legend"] = QColor(chart.legend.opts["labelTextColor"])
    for name, colour in texts.items():
        assert contrast(colour, background) >= FLOOR, name


# Colours written into code: hex in a string, QColor from a literal or a name, Qt's named
# colours, pyqtgraph pens and brushes from numbers or letters, style-sheet colours.
HARD_CODED = re.compile(
    r"""["'][^"'\n]*#[0-9a-fA-F]{3,8}\b"""
    r"""|QColor\(\s*(["']|\d)|Qt\.GlobalColor\.|Qt\.(white|black|red|green|blue|gray)\b"""
    r"""|mk(Pen|Brush)\(\s*[\d("']|setBackground\(\s*["']"""
    r"""|(?<![-\w])(color|background)\s*:\s*[#a-z]|rgba?\("""
)


def test_no_hard_coded_colour_in_ui_outside_the_theme() -> None:
    found = []
    for path in sorted(UI.rglob("*.py")):
        if path.name == "theme.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HARD_CODED.search(line):
                found.append(f"{path.relative_to(UI)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)

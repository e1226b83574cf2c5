"""The app's icons: a selection of Lucide's monochrome SVGs (ISC licence, `LICENSE` beside
them in resources/icons/lucide), drawn in the palette's text colour.

Lucide over qtawesome: plain files the bundle ships as they are, no font loading at start
and no extra dependency; one stroke style for every action. Each SVG draws with
`currentColor`, replaced here by the palette's text colour (and its disabled and
highlighted text colours for those modes) before it is rendered, so an icon reads on the
light and the dark palette alike. `bind` remembers an icon's name on its action or button;
`retint` draws them again after the palette changed (`look.redress_all`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject
from PySide6.QtGui import QAction, QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QAbstractButton, QApplication

from practitioner import paths
from practitioner.ui.theme import TRANSPARENT

ICON_FOLDER = ("resources", "icons", "lucide")
NAME_PROPERTY = "practitionerIcon"
SIZES = (16, 20, 24, 32, 48)
# The palette colour each icon mode is drawn in.
MODES = (
    (QIcon.Mode.Normal, QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText),
    (QIcon.Mode.Active, QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText),
    (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText),
    (QIcon.Mode.Selected, QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText),
)


def icon_path(name: str) -> Path:
    """The shipped SVG of the icon called `name` (a Lucide name, e.g. "file-plus")."""
    return paths.shipped(*ICON_FOLDER, f"{name}.svg")


@cache
def _svg(name: str) -> str:
    return icon_path(name).read_text(encoding="utf-8")


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """The icon called `name`, drawn in `palette`'s text colours (default: the app's)."""
    palette = palette or QGuiApplication.palette()
    result = QIcon()
    for mode, group, role in MODES:
        svg = _svg(name).replace("currentColor", palette.color(group, role).name())
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        for size in SIZES:
            pixmap = QPixmap(size, size)
            pixmap.fill(QColor(TRANSPARENT))
            painter = QPainter(pixmap)
            renderer.render(painter)
            painter.end()
            result.addPixmap(pixmap, mode)
    return result


def bind(target: QAction | QAbstractButton, name: str) -> None:
    """Give `target` the icon `name`, and keep it in the palette's colours from now on."""
    target.setProperty(NAME_PROPERTY, name)
    target.setIcon(icon(name))


def retint() -> None:
    """Draw every bound icon again in the application palette's colours."""
    drawn: dict[str, QIcon] = {}
    for top in QApplication.topLevelWidgets():
        for target in (top, *top.findChildren(QObject)):
            if isinstance(target, (QAction, QAbstractButton)):
                name = target.property(NAME_PROPERTY)
                if isinstance(name, str) and name:
                    if name not in drawn:
                        drawn[name] = icon(name)
                    target.setIcon(drawn[name])

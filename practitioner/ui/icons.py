"""The app's icons: a selection of Lucide's monochrome SVGs (ISC licence, `LICENSE` beside
them in resources/icons/lucide), drawn in the palette's text colour.

Lucide over qtawesome: plain files the bundle ships as they are, no font loading at start
and no extra dependency; one stroke style for every action. Each SVG draws with
`currentColor`, replaced here by the palette's text colour (and its disabled and
highlighted text colours for those modes) when the icon is drawn, at the size asked for,
so an icon reads on the light and the dark palette alike. `bind` remembers an icon's name
on its action or button; `retint` sets them again after the palette changed
(`look.redress_all`), so what shows them repaints.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QPoint, QRect, QRectF, QSize
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QAbstractButton, QApplication

from practitioner import paths
from practitioner.ui.theme import TRANSPARENT

ICON_FOLDER = ("resources", "icons", "lucide")
NAME_PROPERTY = "practitionerIcon"
# The palette colour each icon mode is drawn in.
MODES = {
    QIcon.Mode.Normal: (QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText),
    QIcon.Mode.Active: (QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText),
    QIcon.Mode.Disabled: (QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText),
    QIcon.Mode.Selected: (QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText),
}


def icon_path(name: str) -> Path:
    """The shipped SVG of the icon called `name` (a Lucide name, e.g. "file-plus")."""
    return paths.shipped(*ICON_FOLDER, f"{name}.svg")


@cache
def _svg(name: str) -> str:
    return icon_path(name).read_text(encoding="utf-8")


@cache
def _renderer(name: str, colour: str) -> QSvgRenderer:
    return QSvgRenderer(QByteArray(_svg(name).replace("currentColor", colour).encode("utf-8")))


class _TintedSvg(QIconEngine):
    """Draws one icon, at the size asked for, in the colour of its mode in the palette
    (`palette`, else the application's at the time of drawing): nothing is drawn before a
    widget shows the icon."""

    def __init__(self, name: str, palette: QPalette | None) -> None:
        super().__init__()
        self._name, self._palette = name, palette

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State
              ) -> None:
        palette = self._palette or QGuiApplication.palette()
        group, role = MODES[mode]
        _renderer(self._name, palette.color(group, role).name()).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,
                     scale: float) -> QPixmap:
        pixels = size * scale
        pixmap = QPixmap(pixels)
        pixmap.fill(QColor(TRANSPARENT))
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), pixels), mode, state)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def clone(self) -> QIconEngine:
        return _TintedSvg(self._name, self._palette)


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """The icon called `name`, drawn in `palette`'s text colours (default: the app's)."""
    return QIcon(_TintedSvg(name, palette))


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

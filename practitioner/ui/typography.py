"""The app's type hierarchy, in one place: the size and weight of each kind of heading,
as a multiple of the application's body font (so it follows the desktop's font size).

Widgets take a level by object name; `look.dress` applies it when the widget is polished.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Level:
    """One step of the hierarchy: size relative to body text, and weight."""

    scale: float
    weight: QFont.Weight


DISPLAY = Level(2.0, QFont.Weight.DemiBold)     # a whole-window heading: the lock screen
TITLE = Level(1.7, QFont.Weight.DemiBold)       # the open record: the patient's name
HEADING = Level(1.3, QFont.Weight.DemiBold)     # a page's or an empty state's heading
LEAD = Level(1.15, QFont.Weight.Normal)         # an empty state's sentence
BODY = Level(1.0, QFont.Weight.Normal)          # everything else, muted subtitles too

# Object names → their level.
BY_NAME: dict[str, Level] = {
    "lockHeading": DISPLAY,
    "patientTitle": TITLE,
    "pageHeading": HEADING,
    "emptyState": LEAD,
    "patientSubtitle": BODY,
}


def font(level: Level) -> QFont:
    """The application's font at `level`."""
    result = QFont(QApplication.font())
    base = result.pointSizeF()
    if base > 0:
        result.setPointSizeF(round(base * level.scale, 1))
    else:  # a pixel-sized font
        result.setPixelSize(round(result.pixelSize() * level.scale))
    result.setWeight(level.weight)
    return result

"""The app's colours, in one place: semantic tones for the light and the dark palette.

Every colour the UI draws with comes from here (a test keeps hard-coded colours out of
the rest of `ui`). `for_palette` picks the light or the dark set from the palette in use,
so the app follows the system's colour scheme; View › Theme (`Choice`, kept in the
settings) overrides it. Where the platform cannot switch its own scheme (X11 without a
desktop theme, offscreen), the override sets the app's own light or dark palette.

Each foreground reaches at least 4.5:1 (WCAG AA for body text) on its own background and
on the window and base backgrounds of both palettes (tests/ui/test_theme.py measures it).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QGuiApplication, QPalette

SETTINGS_KEY = "view/theme"


@dataclass(frozen=True)
class Tone:
    """One meaning (danger, warning, …): its text, the background of its banners, and
    the border that frames them."""

    fg: str
    bg: str
    border: str


@dataclass(frozen=True)
class ChartColours:
    """The outcome chart's colours (its background is not the palette's: charts stay
    legible whatever the desktop's base colour is)."""

    background: str
    text: str      # axes, tick labels, axis titles, legend
    muted: str     # the baseline and its label
    line: str      # the measure's line and its session markers
    bars: str      # diary weeks (with alpha, #aarrggbb)
    band: str      # the minimal-important-change band (with alpha, #aarrggbb)


@dataclass(frozen=True)
class Theme:
    """The semantic colours of one palette (light or dark)."""

    dark: bool
    window: str
    base: str
    text: str
    danger: Tone
    warning: Tone
    success: Tone
    info: Tone
    muted: str     # secondary text (empty states, subtitles) on the window or base
    chart: ChartColours

    def tones(self) -> dict[str, Tone]:
        """The semantic tones by name."""
        return {"danger": self.danger, "warning": self.warning, "success": self.success,
                "info": self.info}


LIGHT = Theme(
    dark=False, window="#efefef", base="#ffffff", text="#1a1a1a",
    danger=Tone("#a4211b", "#fdecea", "#c62828"),
    warning=Tone("#6b4a00", "#fff4ce", "#c8a600"),
    success=Tone("#1b5e20", "#e8f5e9", "#2e7d32"),
    info=Tone("#0d47a1", "#e3f2fd", "#1565c0"),
    muted="#595959",
    chart=ChartColours(background="#ffffff", text="#262626", muted="#595959",
                       line="#1a5a9e", bars="#6e78a0dc", band="#38ffc400"),
)

DARK = Theme(
    dark=True, window="#2d2d2d", base="#1e1e1e", text="#e8e8e8",
    danger=Tone("#ffb4ab", "#4a1914", "#e57373"),
    warning=Tone("#ffd66e", "#3a2e00", "#c8a600"),
    success=Tone("#9bd5a0", "#15391c", "#66bb6a"),
    info=Tone("#a8c8ff", "#0f2c50", "#64b5f6"),
    muted="#b0b0b0",
    chart=ChartColours(background="#1e1e1e", text="#e0e0e0", muted="#b0b0b0",
                       line="#8ab8ff", bars="#6e5a78b4", band="#40ffc400"),
)

#: The background icons are drawn on (`ui/icons.py`).
TRANSPARENT = "#00000000"

#: Paper is white whatever the screen shows: the printed report's chart.
PRINT_PAPER, PRINT_INK, PRINT_GRID, PRINT_LINE = "#ffffff", "#000000", "#888888", "#1f5fa8"


class Choice(enum.Enum):
    """View › Theme: follow the system, or always light, or always dark."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


def is_dark(palette: QPalette) -> bool:
    """Whether `palette` is a dark one (light text on a dark window)."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightnessF() < text.lightnessF()


def for_palette(palette: QPalette | None = None) -> Theme:
    """The colours for `palette` (default: the application's)."""
    return DARK if is_dark(palette or QGuiApplication.palette()) else LIGHT


def palette_of(theme: Theme) -> QPalette:
    """The app's own palette for `theme`, set when the platform cannot switch scheme."""
    dark = theme.dark
    window, base, text = QColor(theme.window), QColor(theme.base), QColor(theme.text)
    button = QColor("#3a3a3a" if dark else "#e8e8e8")
    palette = QPalette(button, window)  # derives light, mid, dark and shadow
    role = QPalette.ColorRole
    for r, colour in (
        (role.Window, window), (role.WindowText, text), (role.Base, base),
        (role.AlternateBase, QColor("#262626" if dark else "#f5f5f5")), (role.Text, text),
        (role.Button, button), (role.ButtonText, text), (role.BrightText, QColor("#ffffff")),
        (role.ToolTipBase, QColor("#3a3a3a" if dark else "#ffffdc")),
        (role.ToolTipText, text),
        (role.Highlight, QColor("#3d6fc7" if dark else "#308cc6")),
        (role.HighlightedText, QColor("#ffffff")),
        (role.Link, QColor("#8ab4f8" if dark else "#0b57d0")),
        (role.LinkVisited, QColor("#c58af9" if dark else "#7b1fa2")),
        (role.PlaceholderText, QColor(theme.muted)),
    ):
        palette.setColor(r, colour)
    disabled = QColor("#808080" if dark else "#8c8c8c")
    for r in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, r, disabled)
    return palette


def saved_choice(settings: QSettings) -> Choice:
    """The theme chosen in View › Theme (System when never chosen or unreadable)."""
    try:
        return Choice(str(settings.value(SETTINGS_KEY, Choice.SYSTEM.value)))
    except ValueError:
        return Choice.SYSTEM


def save_choice(settings: QSettings, choice: Choice) -> None:
    """Remember `choice` for the next start."""
    settings.setValue(SETTINGS_KEY, choice.value)


def apply(choice: Choice) -> None:
    """Show the app in `choice`'s colours: the system's, or light or dark. Asks the
    platform first (native dialogs and title bars follow it); where it cannot switch,
    sets the app's own palette."""
    hints = QGuiApplication.styleHints()
    if choice is Choice.SYSTEM:
        hints.unsetColorScheme()
        QGuiApplication.setPalette(QPalette())  # back to the platform's palette
        return
    from PySide6.QtCore import Qt  # here: the frame paints before `Qt` is loaded

    wanted = LIGHT if choice is Choice.LIGHT else DARK
    hints.setColorScheme(Qt.ColorScheme.Dark if wanted.dark else Qt.ColorScheme.Light)
    QGuiApplication.setPalette(QPalette())
    if is_dark(QGuiApplication.palette()) != wanted.dark:
        QGuiApplication.setPalette(palette_of(wanted))


def contrast(foreground: str | QColor, background: str | QColor) -> float:
    """The WCAG 2 contrast ratio of two opaque colours (1 to 21)."""

    def luminance(colour: QColor) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
                + 0.0722 * channel(colour.blueF()))

    a, b = luminance(QColor(foreground)), luminance(QColor(background))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)

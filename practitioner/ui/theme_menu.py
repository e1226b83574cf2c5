"""View › Theme: System, Light or Dark, remembered; and the app kept in step with it.

With System the app follows the desktop's colour scheme, also when it changes while the
app runs; the widgets the app colours itself (banners, marks, the chart) are re-dressed
whenever the application's palette changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from practitioner.ui import theme
from practitioner.ui.look import redress_all

LABELS = {theme.Choice.SYSTEM: "&System", theme.Choice.LIGHT: "&Light",
          theme.Choice.DARK: "&Dark"}


class ThemeMenu(QObject):
    """The Theme submenu of `menu`; applies and saves the practitioner's choice."""

    def __init__(self, menu: QMenu, settings: QSettings, parent: QWidget) -> None:
        super().__init__(parent)
        self._settings = settings
        self.menu = menu.addMenu(self.tr("&Theme"))
        self.menu.setObjectName("themeMenu")
        group = QActionGroup(self)
        chosen = theme.saved_choice(settings)
        self.actions: dict[theme.Choice, QAction] = {}
        for choice, label in LABELS.items():
            action = QAction(self.tr(label), self)
            action.setCheckable(True)
            action.setChecked(choice is chosen)
            action.setStatusTip(self.tr("Follow the system's colour scheme")
                                if choice is theme.Choice.SYSTEM else
                                self.tr("Always show the app in %1 colours").replace(
                                    "%1", label.replace("&", "").lower()))
            action.triggered.connect(lambda _=False, c=choice: self.choose(c))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[choice] = action
        self._redress = QTimer(self)
        self._redress.setSingleShot(True)
        self._redress.setInterval(0)
        self._redress.timeout.connect(redress_all)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._redress.start)
        self._window = parent
        parent.installEventFilter(self)  # the window hears of every palette change

    def choose(self, choice: theme.Choice) -> None:
        """Show the app in `choice`'s colours and remember it."""
        theme.apply(choice)
        theme.save_choice(self._settings, choice)
        self.actions[choice].setChecked(True)
        redress_all()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.PaletteChange:
            self._redress.start()
        return False

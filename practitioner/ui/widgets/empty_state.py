"""What a page or list shows when it has nothing to show: an icon, one line saying the
next step, and one button that takes it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from practitioner.ui import icons

ICON_SIZE = 40


class EmptyState(QWidget):
    """The next step where there is nothing yet.

    Signals:
        action_requested(): the button was pressed.
        second_requested(): the second button (where there are two ways on) was pressed.
    """

    action_requested = Signal()
    second_requested = Signal()

    def __init__(self, icon_name: str, text: str = "", action: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._icon_name = icon_name
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName(self.tr("Empty"))
        self.label = QLabel()
        self.label.setObjectName("emptyState")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.button = QPushButton()
        self.button.clicked.connect(self.action_requested)
        self.second = QPushButton()
        self.second.clicked.connect(self.second_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        buttons.addWidget(self.second)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.picture)
        layout.addWidget(self.label)
        layout.addLayout(buttons)
        layout.addStretch(2)
        self._draw_icon()
        self.show_state(text, action)

    def show_state(self, text: str, action: str = "", second: str = "",
                   icon_name: str | None = None) -> None:
        """Say `text`; offer the button `action` and the `second` (none when empty)."""
        if icon_name is not None and icon_name != self._icon_name:
            self._icon_name = icon_name
            self._draw_icon()
        self.label.setText(text)
        self.button.setText(action)
        self.button.setAccessibleName(action.replace("&", "") or self.tr("Next step"))
        self.button.setVisible(bool(action))
        self.second.setText(second)
        self.second.setAccessibleName(second.replace("&", "") or self.tr("Other next step"))
        self.second.setVisible(bool(second))

    def text(self) -> str:
        """The line shown."""
        return self.label.text()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._draw_icon()

    def _draw_icon(self) -> None:
        self.picture.setPixmap(
            icons.icon(self._icon_name, self.palette()).pixmap(ICON_SIZE, ICON_SIZE,
                                                              QIcon.Mode.Disabled))

"""Notices when nobody has touched the app for a while."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress,
    QEvent.Type.ShortcutOverride,
})


class IdleWatcher(QObject):
    """Emits `idle` once no keyboard, mouse or touch input reached the application for
    the set interval; any input starts the count again. An interval of 0 never fires.

    An application-wide event filter sees the input of every window and dialog.
    """

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        """Fire after `minutes` without input; 0 turns the watcher off."""
        self.set_interval_ms(round(minutes * 60_000))

    def set_interval_ms(self, interval: int) -> None:
        """Fire after `interval` milliseconds without input; 0 turns the watcher off."""
        self._timer.stop()
        self._timer.setInterval(max(interval, 0))
        if interval > 0:
            self._timer.start()

    def interval_ms(self) -> int:
        """The idle time that locks, in milliseconds (0: never)."""
        return self._timer.interval() if self._timer.interval() > 0 else 0

    def remaining_ms(self) -> int:
        """Milliseconds left before `idle` fires; -1 when it is not counting."""
        return self._timer.remainingTime() if self._timer.isActive() else -1

    def restart(self) -> None:
        """Count the idle time from now."""
        if self._timer.interval() > 0:
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self._timer.isActive():
            self._timer.start()
        return False

"""Noticing that the database connection was lost, reconnecting, and saying so.

While the clinic server is away the forms keep their text and the session note's draft
is kept on this computer (services/drafts.py). This controller shows a banner in the
status bar, tries to reconnect with a growing pause between attempts, and once the
server answers again moves the drafts kept on this computer back into the records and
says "Reconnected".
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar

from practitioner.errors import KnownError
from practitioner.services.changes import ChangeService, is_connection_lost
from practitioner.services.drafts import DraftService

log = logging.getLogger(__name__)

#: Pauses before each reconnection attempt; the last one repeats until the server is back.
BACKOFF_MS = (500, 1000, 2000, 4000, 8000, 10000)
RECONNECTED_SHOWN_MS = 10000


class ConnectionStatus(QObject):
    """Watches for a lost connection and brings it back.

    Signals:
        lost(): the connection to the database went away.
        reconnected(int): it is back; the number of drafts moved back from this computer.
    """

    lost = Signal()
    reconnected = Signal(int)

    def __init__(self, changes: ChangeService, drafts: DraftService, status_bar: QStatusBar,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._changes = changes
        self._drafts = drafts
        self._status_bar = status_bar
        self._attempts = 0
        self._lost = False
        self.banner = QLabel(self.tr("Connection to the clinic server lost — your text is "
                                     "kept; reconnecting…"))
        self.banner.setObjectName("connectionBanner")
        self.banner.setAccessibleName(self.tr("Connection status"))
        self.banner.hide()
        status_bar.addPermanentWidget(self.banner)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.try_reconnect)

    @property
    def is_lost(self) -> bool:
        """Whether the connection is known to be gone (and being retried)."""
        return self._lost

    def report(self, exc: KnownError) -> bool:
        """Take note of a failure; True when it was a lost connection (now being retried)."""
        if not is_connection_lost(exc):
            return False
        if not self._lost:
            log.warning("connection to the database lost; reconnecting")
            self._lost, self._attempts = True, 0
            self._status_bar.clearMessage()
            self.banner.show()
            self._schedule()
            self.lost.emit()
        return True

    def try_reconnect(self) -> bool:
        """One reconnection attempt now; True when the connection is back."""
        if not self._lost:
            return True
        self._timer.stop()
        try:
            self._changes.reconnect()
        except KnownError as exc:
            if not is_connection_lost(exc):
                log.warning("reconnecting failed: %s", exc.kind.value)
            self._attempts += 1
            self._schedule()
            return False
        self._lost = False
        self.banner.hide()
        moved = self._restore_local_drafts()
        text = self.tr("Reconnected to the clinic server.")
        if moved:
            text += " " + (self.tr("1 note kept on this computer is back in the records as "
                                   "a draft.") if moved == 1 else
                           self.tr("%1 notes kept on this computer are back in the records "
                                   "as drafts.").replace("%1", str(moved)))
        self._status_bar.showMessage(text, RECONNECTED_SHOWN_MS)
        log.warning("reconnected to the database")
        self.reconnected.emit(moved)
        return True

    def _restore_local_drafts(self) -> int:
        try:
            return len(self._drafts.restore_local())
        except KnownError as exc:
            # The drafts stay on this computer; the next start or reconnection moves them.
            log.warning("local drafts not moved back yet: %s", exc.kind.value)
            return 0

    def _schedule(self) -> None:
        self._timer.start(BACKOFF_MS[min(self._attempts, len(BACKOFF_MS) - 1)])

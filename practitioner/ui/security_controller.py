"""The screen lock and the Security menu: lock on Ctrl+L or when idle, unlock with the
records' passphrase or the lock PIN, set the PIN, encrypt the records, change the passphrase.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QToolTip,
    QWidget,
)

from practitioner.errors import KnownError
from practitioner.services.security import SecurityService, hash_secret
from practitioner.ui.idle import IdleWatcher
from practitioner.ui.messages import Messages
from practitioner.ui.pages.patient_workspace import PatientWorkspace
from practitioner.ui.unlock import (
    PassphraseUnlock,
    PinUnlock,
    UnlockCheck,
    lock_after_minutes,
    unlock_pause_ms,
)
from practitioner.ui.widgets.lock_screen import LockScreen

# Called with "lock", "unlock" or "unlock_failed"; the composition root wires the audit trail.
SecurityEventSink = Callable[[str], None]


class SecurityController(QObject):
    """Puts `content` (the window's central widget) and a lock screen in a stack, and locks
    `window`: every dock, the menus, open dialogs, actions and the title are hidden too."""

    def __init__(
        self, window: QMainWindow, content: QWidget, workspace: PatientWorkspace,
        security: SecurityService, messages: Messages, settings: QSettings,
        unlock: UnlockCheck | None = None, events: SecurityEventSink | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._content = content
        self._workspace = workspace
        self._security = security
        self._messages = messages
        self._unlock: UnlockCheck = unlock or PinUnlock(settings)
        self._security_events = events or (lambda _event: None)
        self._failed_unlocks = 0
        self._title_before_lock = ""
        self._hidden_while_locked: list[QWidget] = []
        self._disabled_while_locked: list[QAction] = []
        self.unlock_pause_ms = unlock_pause_ms
        self.screen = LockScreen()
        self.pages = QStackedWidget()
        self.pages.addWidget(content)
        self.pages.addWidget(self.screen)
        window.setCentralWidget(self.pages)
        self.screen.unlock_requested.connect(self._on_unlock_requested)
        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self._on_idle)
        self.idle.set_minutes(lock_after_minutes(settings))

    def is_locked(self) -> bool:
        """True while the lock screen hides the records."""
        return self.pages.currentWidget() is self.screen

    def lock_now(self) -> None:
        """Ctrl+L: lock at once; without a passphrase or PIN, first offer to set a PIN."""
        if self.is_locked():
            return
        pin = self._unlock
        if isinstance(pin, PinUnlock) and not pin.is_set() and not pin.declined():
            chosen = self._messages.ask_new_pin(self._window, self.tr(
                "Set a PIN to unlock the screen. Without one, anyone at this computer can "
                "unlock it (Cancel locks without a PIN)."))
            if chosen is None:
                pin.decline()
            else:
                pin.set_pin(chosen)
        self.lock()

    def _on_idle(self) -> None:
        # A window already closed has nothing left to hide (its drafts were kept when it
        # closed, and its records may be closed too).
        if self._window.isVisible():
            self.lock()

    def lock(self) -> None:
        """Hide every patient detail behind the lock screen, after keeping drafts."""
        if self.is_locked():
            return
        self._workspace.flush_drafts()
        # Tooltips and popups (completion lists) are windows of their own.
        QToolTip.hideText()
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()
        # Open dialogs (reports, history) show patient data; a modal one ends here.
        for dialog in self._window.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        self._hidden_while_locked = [
            widget for widget in (*self._window.findChildren(QDockWidget),
                                  *self._window.findChildren(QToolBar), self._window.menuBar())
            if widget.isVisible()
        ]
        for widget in self._hidden_while_locked:
            widget.hide()
        # Every shortcut and menu entry is off, except the lock screen's own field's.
        self._disabled_while_locked = [
            action for action in self._window.findChildren(QAction)
            if action.isEnabled() and not self._belongs_to_screen(action)
        ]
        for action in self._disabled_while_locked:
            action.setEnabled(False)
        self._window.statusBar().clearMessage()
        self._title_before_lock = self._window.windowTitle()
        self._window.setWindowTitle(self.tr("Cramp Practitioner — locked"))
        self.pages.setCurrentWidget(self.screen)
        self.screen.prepare(self._unlock.what if self._unlock.is_set() else None)
        self._security_events("lock")  # audit: screen locked

    def _on_unlock_requested(self, secret: str) -> None:
        if self._unlock.is_set() and not self._unlock.matches(secret):
            self._failed_unlocks += 1
            self._security_events("unlock_failed")  # audit: failed unlock
            self.screen.show_failure(
                self.tr("Wrong %1").replace("%1", self._unlock.what),
                self.unlock_pause_ms(self._failed_unlocks))
            return
        self._failed_unlocks = 0
        self.pages.setCurrentWidget(self._content)
        for widget in self._hidden_while_locked:
            widget.show()
        for action in self._disabled_while_locked:
            action.setEnabled(True)
        self._hidden_while_locked, self._disabled_while_locked = [], []
        self._window.setWindowTitle(self._title_before_lock)
        self.idle.restart()
        self._security_events("unlock")  # audit: screen unlocked

    def set_pin(self) -> None:
        """Set or change the lock-screen PIN (used when the records are not encrypted)."""
        if not isinstance(self._unlock, PinUnlock):
            self._messages.info(self._window, self.tr("Lock screen PIN"), self.tr(
                "The records are encrypted: the lock screen asks for their passphrase."))
            return
        pin = self._messages.ask_new_pin(self._window, self.tr("The PIN unlocks the screen."))
        if pin is not None:
            self._unlock.set_pin(pin)

    def encrypt_records(self) -> None:
        """Encrypt the plain records file under a new passphrase."""
        security = self._security
        if security.is_encrypted():
            self._messages.info(self._window, self.tr("Encrypt records"),
                                self.tr("The records are already encrypted."))
            return
        if not self._workspace.can_leave():
            return
        choice = self._messages.ask_new_passphrase(self._window)
        if choice is None or choice.passphrase is None:
            return
        try:
            done = security.encrypt(choice.passphrase, choice.passphrase)
        except KnownError as exc:
            title = self.tr("Records not encrypted")
            if security.is_encrypted():  # Encrypted, but a plain copy is left: say which.
                self._unlock = PassphraseUnlock(hash_secret(choice.passphrase))
                title = self.tr("Plain copies left")
            self._messages.error(self._window, title, exc.message)
            return
        self._unlock = PassphraseUnlock(hash_secret(choice.passphrase))
        self._messages.info(self._window, self.tr("Encrypt records"), self.tr(
            "The records are now encrypted.") + "\n" + done.report())

    def change_passphrase(self) -> None:
        """Re-encrypt the records under a new passphrase, asking for the current one."""
        if not self._security.is_encrypted():
            self._messages.info(self._window, self.tr("Change passphrase"), self.tr(
                "These records are not encrypted, so they have no passphrase."))
            return
        problem = ""
        while (change := self._messages.ask_passphrase_change(self._window, problem)) is not None:
            try:
                done = self._security.change_passphrase(
                    change.current, change.new, change.confirmation)
            except KnownError as exc:
                problem = exc.message
                continue
            if isinstance(self._unlock, PassphraseUnlock):
                self._unlock.replace(change.new)
            self._messages.info(self._window, self.tr("Change passphrase"), "\n".join(
                filter(None, [self.tr("The passphrase was changed."), done.report()])))
            return

    def _belongs_to_screen(self, action: QAction) -> bool:
        owner = action.parent()
        return isinstance(owner, QWidget) and (
            owner is self.screen or self.screen.isAncestorOf(owner))

    def refuses_close(self) -> bool:
        """True (with the reason on the lock screen) when closing now would have to ask
        about unsaved edits, which would name the patient while locked."""
        if self.is_locked() and self._workspace.is_dirty():
            self.screen.show_failure(
                self.tr("Unlock first: there are unsaved changes to save or discard."), 0)
            return True
        return False

"""Choose, apply, save and delete point protocols from the session note."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QWidget,
)

from practitioner.domain.session import NeedledPoint, Protocol
from practitioner.domain.validation import ValidationError
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.protocols import ProtocolService
from practitioner.ui.messages import Messages

PointsReader = Callable[[], tuple[list[NeedledPoint], list[tuple[int, str]]]]


class ProtocolPicker(QComboBox):
    """Protocol chooser; Enter applies the chosen protocol.

    Signals:
        enter_pressed(): the user pressed Enter on the chooser.
    """

    enter_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


class ProtocolBar(QWidget):
    """Protocol chooser with Apply and a Manage menu (save the note's points, delete).

    Signals:
        apply_requested(Protocol): the chosen protocol should be added to the note.
        status(str): a short message about what just happened.
    """

    apply_requested = Signal(object)
    status = Signal(str)

    def __init__(
        self, protocols: ProtocolService, messages: Messages, current_points: PointsReader,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._protocols, self._messages, self._current_points = protocols, messages, current_points
        self.picker = ProtocolPicker()
        self.picker.setMinimumContentsLength(12)
        self.picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.setAccessibleName(self.tr("Point protocol"))
        self.apply_button = QPushButton(self.tr("Apply"))
        self.apply_button.setAccessibleName(self.tr("Apply protocol"))
        # A push button with a menu is sized for its menu arrow (a tool button's arrow
        # is drawn over its text).
        self.manage_button = QPushButton(self.tr("Manage…"))
        self.manage_button.setAccessibleName(self.tr("Manage protocols"))
        menu = QMenu(self.manage_button)
        self.save_action = menu.addAction(self.tr("Save points as protocol…"))
        self.delete_action = menu.addAction(self.tr("Delete chosen protocol…"))
        self.manage_button.setMenu(menu)
        label = QLabel(self.tr("Pr&otocol:"))
        label.setBuddy(self.picker)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.picker, 1)
        layout.addWidget(self.apply_button)
        layout.addWidget(self.manage_button)

        self.picker.enter_pressed.connect(self.apply)
        self.apply_button.clicked.connect(self.apply)
        self.save_action.triggered.connect(self.save_points_as_protocol)
        self.delete_action.triggered.connect(self.delete_chosen)
        self.reload()

    def reload(self) -> None:
        """Refill the chooser from the stored protocols."""
        self.picker.clear()
        self.picker.addItem(self.tr("Choose a protocol…"), None)
        try:
            protocols = self._protocols.list_protocols()
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot list protocols"), exc.message)
            return
        for protocol in protocols:
            codes = ", ".join(p.code for p in protocol.points)
            self.picker.addItem(f"{protocol.name}: {codes}", protocol)

    def focus_picker(self) -> None:
        """Put the keyboard on the chooser."""
        self.picker.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def apply(self) -> None:
        """Ask for the chosen protocol to be applied."""
        protocol = self.picker.currentData()
        if isinstance(protocol, Protocol):
            self.apply_requested.emit(protocol)

    def save_points_as_protocol(self) -> None:
        """Keep the note's points as a named protocol (an existing name is updated)."""
        points, problems = self._current_points()
        if problems or not points:
            self.status.emit(self.tr("Add valid points first."))
            return
        name = self._messages.ask_text(self, self.tr("Save protocol"), self.tr("Protocol name:"))
        if not name or not name.strip():
            return
        existing = {p.name: p for p in self._protocols.list_protocols()}
        target = existing.get(name.strip())
        if target is not None and not self._messages.confirm(
            self, self.tr("Update protocol"),
            self.tr("Replace the points of “%1”?").replace("%1", target.name),
            self.tr("Replace"),
        ):
            return
        try:
            self._protocols.save(name, tuple(points), protocol_id=target.id if target else None,
                                 expected_version=target.version if target else None)
        except ValidationError as exc:
            self._messages.error(self, self.tr("Protocol not saved"),
                                 "\n".join(e.message for e in exc.errors))
            return
        except KnownError as exc:
            self._messages.error(self, self.tr("Protocol not saved"), exc.message)
            if exc.kind is ErrorKind.CONFLICT:
                self.reload()  # show the stored version; the note's points are untouched
            return
        self.reload()
        self.status.emit(self.tr("Protocol “%1” saved.").replace("%1", name.strip()))

    def delete_chosen(self) -> None:
        """Delete the chosen protocol after confirming."""
        protocol = self.picker.currentData()
        if isinstance(protocol, Protocol) and self._messages.confirm(
            self, self.tr("Delete protocol"),
            self.tr("Delete the protocol “%1”? Sessions keep their points.").replace(
                "%1", protocol.name),
            self.tr("Delete"),
        ):
            try:
                self._protocols.delete(protocol.id)
            except KnownError as exc:
                self._messages.error(self, self.tr("Protocol not deleted"), exc.message)
                return
            self.reload()

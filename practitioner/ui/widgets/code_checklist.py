"""A group of checkboxes, one per member of a coded enum, for multiple-choice answers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QWidget

from practitioner.domain.patient import LabelledEnum
from practitioner.ui.widgets.flow_layout import ColumnFlowLayout

E = TypeVar("E", bound=LabelledEnum)


class CodeChecklist(QWidget, Generic[E]):
    """Checkboxes in up to `columns` columns (fewer when the width is short); the value
    is the set of checked members.

    Signals:
        changed(): a box was ticked or unticked.
    """

    changed = Signal()

    def __init__(
        self, members: Iterable[E], group_name: str, columns: int = 2,
        parent: QWidget | None = None, object_prefix: str = "",
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(group_name)
        self.boxes: dict[E, QCheckBox] = {}
        layout = ColumnFlowLayout(self, most_columns=columns)
        for member in members:
            box = QCheckBox(member.label)
            box.setAccessibleName(f"{group_name}: {member.label}")
            if object_prefix:
                box.setObjectName(f"{object_prefix}{member.value}")
            box.toggled.connect(self.changed)
            layout.addWidget(box)
            if not self.boxes:
                # A label's mnemonic focuses the group, which hands focus to its first box
                # (ClickFocus keeps the group itself out of the Tab chain).
                self.setFocusProxy(box)
                self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            self.boxes[member] = box

    def value(self) -> frozenset[E]:
        """The checked members."""
        return frozenset(member for member, box in self.boxes.items() if box.isChecked())

    def set_value(self, members: Iterable[E]) -> None:
        """Check exactly `members`."""
        chosen = set(members)
        for member, box in self.boxes.items():
            box.setChecked(member in chosen)

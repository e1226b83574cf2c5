"""Affected cramp sites: for each muscle group, which side (if any) cramps."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from practitioner.domain.patient import CrampSite, MuscleGroup, Side


class SitePicker(QWidget):
    """A side chooser per muscle group, in two columns.

    Signals:
        changed(): a side was chosen or cleared.
    """

    changed = Signal()
    NOT_AFFECTED = "—"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Affected sites"))
        self.combos: dict[MuscleGroup, QComboBox] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(10)
        layout.setColumnStretch(1, 1)
        layout.setColumnStretch(3, 1)
        half = (len(MuscleGroup) + 1) // 2
        for position, muscle in enumerate(MuscleGroup):
            combo = QComboBox()
            combo.addItem(self.NOT_AFFECTED, None)
            for side in Side:
                combo.addItem(side.label, side)
            combo.setAccessibleName(self.tr("Side affected: %1").replace("%1", muscle.label))
            combo.currentIndexChanged.connect(self.changed)
            label = QLabel(muscle.label)
            label.setBuddy(combo)
            row, column = position % half, (position // half) * 2
            layout.addWidget(label, row, column)
            layout.addWidget(combo, row, column + 1)
            if not self.combos:
                self.setFocusProxy(combo)
            self.combos[muscle] = combo

    def value(self) -> tuple[CrampSite, ...]:
        """The affected sites, in form order."""
        sites = []
        for muscle, combo in self.combos.items():
            side = combo.currentData()
            if isinstance(side, Side):
                sites.append(CrampSite(muscle, side))
        return tuple(sites)

    def set_value(self, sites: Iterable[CrampSite]) -> None:
        """Show exactly `sites`; a muscle listed twice shows as both sides."""
        chosen: dict[MuscleGroup, Side] = {}
        for site in sites:
            previous = chosen.get(site.muscle)
            chosen[site.muscle] = site.side if previous in (None, site.side) else Side.BOTH
        for muscle, combo in self.combos.items():
            side = chosen.get(muscle)
            combo.setCurrentIndex(0 if side is None else combo.findData(side))

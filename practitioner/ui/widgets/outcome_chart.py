"""A measure over the session dates: baseline line, minimal-important-change band, diary
weeks as bars, and session markers whose tooltip names the visit's pattern and points.

pyqtgraph is imported only when the first chart is built, so start-up does not pay for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QSaveFile, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from practitioner.domain.outcomes import CRAMPS_PER_WEEK, DiaryWeek, MeasureDefinition
from practitioner.ui.theme import ChartColours, for_palette


@dataclass(frozen=True)
class ChartVisit:
    """One visit as the chart shows it."""

    when: dt.datetime
    values: dict[str, float]
    tooltip: str


def _stamp(when: dt.datetime | dt.date) -> float:
    if not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time(12))
    return when.timestamp()


class OutcomeChart(QWidget):
    """Measure chooser above a pyqtgraph plot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg  # deferred: loading pyqtgraph and numpy is the costly part

        self._pg = pg
        self.chooser = QComboBox()
        self.chooser.setAccessibleName(self.tr("Measure shown in the chart"))
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setAccessibleName(self.tr("Outcome chart"))
        self.plot.addLegend(offset=(-10, 10))  # top right
        self._apply_colours()
        self.empty = QLabel(self.tr("No values recorded for this measure yet."))
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Chart:")))
        top.addWidget(self.chooser, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.empty)
        self._definitions: list[MeasureDefinition] = []
        self._visits: list[ChartVisit] = []
        self._weeks: list[DiaryWeek] = []
        self.chooser.currentIndexChanged.connect(self._redraw)

    def show_data(
        self,
        definitions: Sequence[MeasureDefinition],
        visits: Sequence[ChartVisit],
        weeks: Sequence[DiaryWeek],
    ) -> None:
        """Plot these visits and diary weeks; keeps the chosen measure when it still exists."""
        chosen = self.chooser.currentData()
        self._definitions, self._visits, self._weeks = list(definitions), list(visits), list(weeks)
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for definition in self._definitions:
            self.chooser.addItem(definition.name, definition.code)
        index = self.chooser.findData(chosen) if chosen else 0
        self.chooser.setCurrentIndex(max(index, 0))
        self.chooser.blockSignals(False)
        self._redraw()

    def series(self) -> list[tuple[float, float]]:
        """(time stamp, value) of the chosen measure, as plotted."""
        code = self.chooser.currentData()
        return [(_stamp(v.when), v.values[code]) for v in self._visits if code in v.values]

    def export_png(self, path: str) -> bool:
        """Save the chart as a PNG image, atomically; False when it could not be written."""
        image = self.plot.grab()
        target = QSaveFile(path)
        if not target.open(QSaveFile.OpenModeFlag.WriteOnly):
            return False
        if not image.save(target, "PNG"):
            target.cancelWriting()
            return False
        return target.commit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the theme changed
            self._apply_colours()
            self._redraw()

    def colours(self) -> ChartColours:
        """The chart's colours, for the palette in use."""
        return for_palette(self.palette()).chart

    def _apply_colours(self) -> None:
        colours = self.colours()
        # Text items pyqtgraph makes later (a title) take its default foreground, which
        # reads at under 3:1 on white: the theme's text instead.
        self._pg.setConfigOptions(foreground=colours.text)
        title = self.plot.getPlotItem().titleLabel
        if title.text:
            title.setText(title.text, color=colours.text)
        self.plot.setBackground(colours.background)
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setPen(colours.text)
            axis.setTextPen(colours.text)
        legend = self.plot.getPlotItem().legend
        if legend is not None:
            legend.setLabelTextColor(colours.text)
            legend.setBrush(colours.background)
            legend.setPen(colours.muted)

    def _redraw(self) -> None:
        pg = self._pg
        colours = self.colours()
        self.plot.clear()
        code = self.chooser.currentData()
        definition = next((d for d in self._definitions if d.code == code), None)
        points = self.series()
        has_bars = code == CRAMPS_PER_WEEK.code and bool(self._weeks)
        self.empty.setVisible(not points and not has_bars)
        self.plot.setVisible(bool(points) or has_bars)
        if definition is None:
            return
        if has_bars:
            week = 7 * 24 * 3600
            self.plot.addItem(pg.BarGraphItem(
                x=[_stamp(w.start) + week / 2 for w in self._weeks],
                height=[w.cramps_per_week for w in self._weeks],
                width=week * 0.8, brush=pg.mkBrush(QColor(colours.bars)), pen=None,
                name=self.tr("Diary: cramps per week"),
            ))
        if not points:
            return
        baseline = points[0][1]
        mic = definition.minimal_important_change
        if mic:
            band = pg.LinearRegionItem(values=(baseline - mic, baseline + mic),
                                       orientation="horizontal", movable=False,
                                       brush=pg.mkBrush(QColor(colours.band)),
                                       pen=pg.mkPen(None))
            self.plot.addItem(band)
        dashed = pg.mkPen(colours.muted, style=Qt.PenStyle.DashLine)
        self.plot.addItem(pg.InfiniteLine(pos=baseline, angle=0, label=self.tr("baseline"),
                                          pen=dashed, labelOpts={"color": colours.muted}))
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self.plot.plot(xs, ys, pen=pg.mkPen(colours.line, width=2), name=definition.name)
        tips = [v.tooltip for v in self._visits if code in v.values]
        markers = pg.ScatterPlotItem(
            x=xs, y=ys, data=tips, size=9, brush=pg.mkBrush(colours.line),
            pen=pg.mkPen(colours.line), hoverable=True, tip=_tip,
        )
        self.plot.addItem(markers)
        self.plot.setLabel("left", f"{definition.name} ({definition.unit})")


def _tip(x: float, y: float, data: Any) -> str:
    return f"{y:g}\n{data}"

"""A measure over the session dates: baseline line, minimal-important-change band, diary
weeks as bars, and session markers whose tooltip names the visit's pattern and points.

The legend sits below the plot, so it never covers data, and names every item drawn.
Date ticks carry their month, counted measures get whole-number ticks, and the PNG export
is drawn at twice the widget's resolution.

pyqtgraph is imported only when the first chart is built, so start-up does not pay for it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QRectF, QSaveFile, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.outcome_text import axis_title, format_value
from practitioner.domain.outcomes import CRAMPS_PER_WEEK, DiaryWeek, MeasureDefinition
from practitioner.ui.theme import ChartColours, for_palette


@dataclass(frozen=True)
class ChartVisit:
    """One visit as the chart shows it."""

    when: dt.datetime
    values: dict[str, float]
    tooltip: str


EXPORT_SCALE = 2  # the PNG export's pixels per widget pixel
LEGEND_ONE_ROW = 620  # px of chart width from which the legend's entries share one row
_DAY = 24 * 3600.0


def _stamp(when: dt.datetime | dt.date) -> float:
    if not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time(12))
    return when.timestamp()


def date_tick(stamp: float, spacing: float) -> str:
    """A date tick that always says its month: "3 Jun" between ticks days or weeks apart,
    "Jun 2026" when they are a month or more apart, the year alone beyond a year."""
    when = dt.datetime.fromtimestamp(stamp)
    if spacing >= 360 * _DAY:
        return f"{when:%Y}"
    if spacing >= 25 * _DAY:
        return f"{when:%b %Y}"
    return f"{when.day} {when:%b}"


def whole_ticks(levels: list[tuple[float, list[float]]], low: float, high: float
                ) -> list[tuple[float, list[float]]]:
    """Tick levels keeping whole numbers only: a count is never 2.5 cramps."""
    kept = [(spacing, [v for v in values if float(v).is_integer()])
            for spacing, values in levels if spacing >= 1]
    kept = [(spacing, values) for spacing, values in kept if values]
    if kept:
        return kept
    first, last = math.ceil(low), math.floor(high)
    return [(1.0, [float(v) for v in range(first, last + 1)])] if first <= last else []


class OutcomeChart(QWidget):
    """Measure chooser above a pyqtgraph plot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg  # deferred: loading pyqtgraph and numpy is the costly part

        self._pg = pg
        self.chooser = QComboBox()
        self.chooser.setAccessibleName(self.tr("Measure shown in the chart"))
        self.plot = pg.PlotWidget(axisItems={"bottom": _date_axis(pg)(orientation="bottom"),
                                             "left": _count_axis(pg)(orientation="left")})
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setAccessibleName(self.tr("Outcome chart"))
        # Below the plot (row 4 of the PlotItem's grid, under the bottom axis), so it can
        # never sit on the data; PlotItem.legend stays None and the chart fills it itself.
        self.legend = pg.LegendItem(colCount=2, verSpacing=-4)
        self.plot.getPlotItem().layout.addItem(self.legend, 4, 1)
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
            # The measure with its unit, once; the plot has no title of its own on screen.
            self.chooser.addItem(axis_title(definition), definition.code)
        index = self.chooser.findData(chosen) if chosen else 0
        self.chooser.setCurrentIndex(max(index, 0))
        self.chooser.blockSignals(False)
        self._redraw()

    def series(self) -> list[tuple[float, float]]:
        """(time stamp, value) of the chosen measure, as plotted."""
        code = self.chooser.currentData()
        return [(_stamp(v.when), v.values[code]) for v in self._visits if code in v.values]

    def legend_names(self) -> list[str]:
        """The legend's entries, in order."""
        return [label.text for _, label in self.legend.items]

    def render_png(self) -> QPixmap:
        """The chart as shown, at `EXPORT_SCALE` times the widget's pixels."""
        # The picture leaves the app without the chooser: it carries its title itself.
        self.plot.setTitle(self.chooser.currentText(), color=self.colours().text,
                           size="10pt")
        image = QPixmap(self.plot.size() * EXPORT_SCALE)
        image.fill(QColor(self.colours().background))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        # The view's scene, drawn again into the larger target: vector-sharp, not scaled.
        QGraphicsView.render(self.plot, painter, QRectF(image.rect()), self.plot.rect())
        painter.end()
        self.plot.setTitle(None)
        return image

    def export_png(self, path: str) -> bool:
        """Save the chart as a PNG image at twice the on-screen resolution, atomically;
        False when it could not be written."""
        image = self.render_png()
        target = QSaveFile(path)
        if not target.open(QSaveFile.OpenModeFlag.WriteOnly):
            return False
        if not image.save(target, "PNG"):
            target.cancelWriting()
            return False
        return target.commit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # One row of four entries when they fit, else two rows: the plot keeps its height.
        self.legend.setColumnCount(4 if event.size().width() >= LEGEND_ONE_ROW else 2)

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
        self.legend.setLabelTextColor(colours.text)
        for _, label in self.legend.items:
            label.setText(label.text, color=colours.text)

    def _redraw(self) -> None:
        pg = self._pg
        colours = self.colours()
        self.plot.clear()
        self.legend.clear()
        code = self.chooser.currentData()
        definition = next((d for d in self._definitions if d.code == code), None)
        points = self.series()
        has_bars = code == CRAMPS_PER_WEEK.code and bool(self._weeks)
        self.empty.setVisible(not points and not has_bars)
        self.plot.setVisible(bool(points) or has_bars)
        if definition is None:
            return
        left = self.plot.getAxis("left")
        left.whole = definition.integer
        # Above the plot, across: a rotated axis title is cut off on a short chart.
        if has_bars:
            week = 7 * _DAY
            bars = pg.BarGraphItem(
                x=[_stamp(w.start) + week / 2 for w in self._weeks],
                height=[w.cramps_per_week for w in self._weeks],
                width=week * 0.8, brush=pg.mkBrush(QColor(colours.bars)), pen=None,
            )
            self.plot.addItem(bars)
            self.legend.addItem(bars, self.tr("Diary weeks"))
        if not points:
            return
        baseline = points[0][1]
        mic = definition.minimal_important_change
        if mic:
            band_brush = pg.mkBrush(QColor(colours.band))
            band = pg.LinearRegionItem(values=(baseline - mic, baseline + mic),
                                       orientation="horizontal", movable=False,
                                       brush=band_brush, pen=pg.mkPen(None))
            self.plot.addItem(band)
            # A legend sample needs an item with a brush; the band has none of its own.
            self._band_sample = pg.BarGraphItem(x=[0], height=[1], width=1,
                                                brush=band_brush, pen=None)
            self.legend.addItem(self._band_sample, self.tr(
                "No important change (baseline ±%1)").replace(
                    "%1", format_value(mic, definition)))
        dashed = pg.mkPen(colours.muted, width=1.5, style=Qt.PenStyle.DashLine)
        self.plot.addItem(pg.InfiniteLine(pos=baseline, angle=0, pen=dashed))
        self._baseline_sample = pg.PlotDataItem(pen=dashed)
        self.legend.addItem(self._baseline_sample, self.tr("Baseline (%1)").replace(
            "%1", format_value(baseline, definition)))
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        line = self.plot.plot(xs, ys, pen=pg.mkPen(colours.line, width=2), symbol="o",
                              symbolSize=9, symbolBrush=pg.mkBrush(colours.line),
                              symbolPen=pg.mkPen(colours.line))
        self.legend.addItem(line, self.tr("Visits"))
        tips = [v.tooltip for v in self._visits if code in v.values]
        markers = pg.ScatterPlotItem(  # invisible twins of the line's symbols, for tooltips
            x=xs, y=ys, data=tips, size=9, brush=pg.mkBrush(None), pen=pg.mkPen(None),
            hoverable=True, tip=_tip,
        )
        self.plot.addItem(markers)


def _date_axis(pg: Any) -> Any:
    """A date axis whose ticks carry their month (`date_tick`)."""

    class DateAxis(pg.DateAxisItem):  # type: ignore[misc]
        def tickStrings(self, values: list[float], scale: float, spacing: float
                        ) -> list[str]:
            return [date_tick(value, spacing) for value in values]

    return DateAxis


def _count_axis(pg: Any) -> Any:
    """A value axis that, with `whole` set, ticks whole numbers only."""

    class CountAxis(pg.AxisItem):  # type: ignore[misc]
        whole = False

        def tickValues(self, low: float, high: float, size: float
                       ) -> list[tuple[float, list[float]]]:
            levels = super().tickValues(low, high, size)
            return whole_ticks(levels, low, high) if self.whole else levels

        def tickStrings(self, values: list[float], scale: float, spacing: float
                        ) -> list[str]:
            if self.whole:
                return [f"{value * scale:.0f}" for value in values]
            return list(super().tickStrings(values, scale, spacing))

    return CountAxis


def _tip(x: float, y: float, data: Any) -> str:
    return f"{format_value(y)}\n{data}"

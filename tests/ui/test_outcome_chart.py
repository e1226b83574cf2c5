"""The outcome chart reads at a glance (issue 17 item 3): whole-number ticks for counts,
months on date ticks, a legend entry for every item that never covers the data, and a PNG
export at twice the widget's resolution."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from practitioner.domain.outcomes import STANDARD_MEASURES, DiaryWeek
from practitioner.ui.widgets.outcome_chart import EXPORT_SCALE, ChartVisit, OutcomeChart

MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b|^\d{4}$")
START = dt.datetime(2026, 6, 3, 10)


@pytest.fixture
def chart(qtbot: QtBot) -> OutcomeChart:
    widget = OutcomeChart()
    qtbot.addWidget(widget)
    widget.resize(520, 420)
    widget.show()
    qtbot.waitExposed(widget)
    # Few cramps, so pyqtgraph on its own would tick 0.5 steps; diary weeks scaled to
    # fractions from part-recorded weeks.
    visits = [ChartVisit(START + dt.timedelta(days=10 * i),
                         {"cramps_per_week": float(v), "worst_severity": float(5 - i)},
                         f"visit {i}") for i, v in enumerate((3, 2, 2, 1))]
    weeks = [DiaryWeek(dt.date(2026, 5, 25) + dt.timedelta(weeks=i), 5, 2, 3)
             for i in range(6)]
    widget.show_data(STANDARD_MEASURES, visits, weeks)
    qtbot.waitUntil(lambda: widget.plot.getViewBox().viewRange()[1][1] > 0)
    return widget


def _ticks(chart: OutcomeChart, side: str) -> list[tuple[float, list[str]]]:
    """(spacing, tick strings) per level, as the axis draws them for the view's range."""
    axis = chart.plot.getAxis(side)
    low, high = chart.plot.getViewBox().viewRange()[0 if side == "bottom" else 1]
    size = axis.width() if side == "bottom" else axis.height()
    levels = axis.tickValues(low, high, size)
    return [(spacing, axis.tickStrings(values, 1.0, spacing)) for spacing, values in levels]


def _values(chart: OutcomeChart, side: str) -> list[float]:
    axis = chart.plot.getAxis(side)
    low, high = chart.plot.getViewBox().viewRange()[1]
    return [v for _, values in axis.tickValues(low, high, axis.height()) for v in values]


@pytest.mark.parametrize("measure", ["cramps_per_week", "worst_severity", "disturbed_nights"])
def test_count_axes_tick_whole_numbers(chart: OutcomeChart, measure: str) -> None:
    chart.chooser.setCurrentIndex(chart.chooser.findData(measure))
    values = _values(chart, "left")
    assert values and all(float(v).is_integer() for v in values), values
    strings = [s for _, level in _ticks(chart, "left") for s in level]
    assert strings and all(re.fullmatch(r"−?-?\d+", s) for s in strings), strings


@pytest.mark.parametrize("days", [12, 70, 400, 1500])
def test_date_ticks_carry_their_month(chart: OutcomeChart, days: int) -> None:
    first = START.timestamp()
    chart.plot.setXRange(first, first + days * 24 * 3600, padding=0)
    strings = [s for _, level in _ticks(chart, "bottom") for s in level]
    assert strings and all(MONTH.search(s) for s in strings), strings


def test_every_item_has_a_legend_entry_and_the_title_says_the_unit_once(
    chart: OutcomeChart,
) -> None:
    names = chart.legend_names()
    assert "Diary weeks" in names
    assert any(name.startswith("Baseline") for name in names)
    assert any("No important change" in name for name in names), "the yellow band"
    assert any(name.startswith("Visits") for name in names)
    assert len(names) == 4
    label = chart.chooser.currentText()
    assert label == "Cramps per week" and label.lower().count("cramps") == 1


def test_the_legend_never_covers_the_data(chart: OutcomeChart, qtbot: QtBot) -> None:
    box = chart.legend.sceneBoundingRect()
    view = chart.plot.getViewBox()
    assert not box.isEmpty()
    assert not box.intersects(view.sceneBoundingRect()), "the legend is outside the plot"
    points = [view.mapViewToScene(QPointF(x, y)) for x, y in chart.series()]
    assert points and not any(box.contains(p) for p in points)


def test_the_png_export_is_twice_the_widget(chart: OutcomeChart, tmp_path: Path) -> None:
    target = tmp_path / "chart.png"
    assert chart.export_png(str(target))
    image = QImage(str(target))
    assert (image.width(), image.height()) == (chart.plot.width() * EXPORT_SCALE,
                                               chart.plot.height() * EXPORT_SCALE)
    assert EXPORT_SCALE == 2
    # Drawn, not blank: more than the background colour on the picture.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 3

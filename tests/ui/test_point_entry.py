"""The points table of a session: entry by any notation or pinyin, location on hover."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from practitioner.content.points import load_points
from practitioner.ui.widgets.point_table import PointTable


def make_table(qtbot: QtBot) -> PointTable:
    table = PointTable(load_points())
    qtbot.addWidget(table)
    return table


def enter(qtbot: QtBot, table: PointTable, text: str) -> None:
    table.entry.setText(text)
    qtbot.keyClick(table.entry, Qt.Key.Key_Return)


def test_pinyin_english_channel_names_and_extra_points_are_entered(qtbot: QtBot) -> None:
    table = make_table(qtbot)
    for text in ("Zusanli", "liver 3", "zu san li", "Yintang", "ah shi", "Liv-2"):
        enter(qtbot, table, text)
    assert [row[0] for row in table.raw()] == ["ST36", "LR3", "EX-HN3", "AH-SHI", "LR2"]
    assert table.entry.text() == ""
    assert table.suggestions.isHidden()


def test_hovering_a_point_shows_its_location_and_cautions(qtbot: QtBot) -> None:
    table = make_table(qtbot)
    enter(qtbot, table, "GB21")
    gb21 = load_points().lookup("GB21")
    assert gb21 is not None
    for column in (0, 1):
        item = table.table.item(0, column)
        assert item is not None
        tip = item.data(Qt.ItemDataRole.ToolTipRole)
        assert gb21.location in tip
        assert "pneumothorax" in tip and "Traditionally avoided in pregnancy" in tip


def test_an_ambiguous_pinyin_offers_both_points_instead_of_guessing(qtbot: QtBot) -> None:
    table = make_table(qtbot)
    enter(qtbot, table, "Zhongdu")
    assert table.raw() == []
    assert "GB32" in table.suggestions.text() and "LR6" in table.suggestions.text()

"""Help › About and Help › Keyboard shortcuts: what support needs to know, and the keys."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from practitioner import __version__

LICENCE = "GPL-3.0-or-later"


@dataclass(frozen=True)
class AboutInfo:
    """The facts About shows, also copied as plain text for a support request."""

    version: str
    licence: str
    records: str  # a file path or a server's user@host:port/database, never a password
    data_folder: str
    log_file: str
    qt: str
    python: str

    @classmethod
    def gather(cls, records: str, data_folder: Path, log_file: Path | None) -> AboutInfo:
        """The running app's facts."""
        return cls(
            version=__version__, licence=LICENCE, records=records,
            data_folder=str(data_folder),
            log_file=str(log_file) if log_file is not None else "none (not writable)",
            qt=f"{qVersion()} (PySide6 {pyside_version})",
            python=f"{platform.python_version()} on {platform.system()} "
                   f"{platform.release()} ({sys.platform})",
        )

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) in the order shown."""
        return [("Version", self.version), ("Licence", self.licence),
                ("Records", self.records), ("Data folder", self.data_folder),
                ("Log file", self.log_file), ("Qt", self.qt), ("Python", self.python)]

    def text(self) -> str:
        """The facts as plain text, one per line."""
        return "Cramp Practitioner\n" + "\n".join(f"{k}: {v}" for k, v in self.rows())


class AboutDialog(QDialog):
    """Help › About: version, licence, records, folders, Qt and Python, with a Copy
    button that puts the same facts on the clipboard as text."""

    def __init__(self, info: AboutInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Cramp Practitioner"))
        self.setObjectName("aboutDialog")
        self.info = info
        title = QLabel(f"<h2>Cramp Practitioner {info.version}</h2>"
                       "<p>Records and reference for acupuncture practitioners treating "
                       "muscle cramps.</p>")
        title.setWordWrap(True)
        facts = QFormLayout()
        facts.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        for label, value in info.rows():
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setAccessibleName(self.tr(label))
            self.values[label] = shown
            facts.addRow(self.tr(label) + ":", shown)
        licence = QLabel(self.tr(
            "This program is free software: you can redistribute it and/or modify it under "
            "the terms of the GNU General Public License, version 3 or (at your option) "
            "any later version. It comes with ABSOLUTELY NO WARRANTY."))
        licence.setWordWrap(True)
        self.copy_button = QPushButton(self.tr("&Copy to clipboard"))
        self.copy_button.clicked.connect(self.copy)
        self.copied = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(facts)
        layout.addSpacing(layout.spacing() * 2)  # the licence apart from the facts
        layout.addWidget(licence)
        layout.addWidget(self.copied)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        # Wrapped labels ask for the height they need at a narrow guessed width; size the
        # dialog for the width it has, or a blank band sits above the buttons.
        self.resize(560, layout.totalHeightForWidth(560))

    def copy(self) -> None:
        """Put the facts on the clipboard as plain text."""
        QGuiApplication.clipboard().setText(self.info.text())
        self.copied.setText(self.tr("Copied: paste it into your message to support."))

    @classmethod
    def ask(cls, parent: QWidget | None, info: AboutInfo) -> None:
        """Show the facts until closed."""
        cls(info, parent).exec()


class ShortcutsDialog(QDialog):
    """Help › Keyboard shortcuts: a table made from the menus' actions when opened."""

    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None,
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.setObjectName("shortcutsDialog")
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Menu"), self.tr("Command"),
                                              self.tr("Keys")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                # Each menu's name once, on its first row.
                same_menu = column == 0 and row > 0 and rows[row - 1][0] == value
                self.table.setItem(row, column, QTableWidgetItem("" if same_menu else value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 600)

    @classmethod
    def ask(cls, parent: QWidget | None, rows: list[tuple[str, str, str]]) -> None:
        """Show the shortcuts until closed."""
        cls(rows, parent).exec()

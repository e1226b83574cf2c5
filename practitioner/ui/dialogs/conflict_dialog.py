"""Side by side: the version saved elsewhere and mine, when a save met a newer version.

The practitioner chooses: keep mine (saved over theirs, on their version number), keep
theirs (the form shows theirs; mine is kept aside until dismissed), or merge by hand (an
editable text prefilled with both, for each free-text field that differs). Cancel leaves
the form as it was. The dialog never touches the database: `ask()` returns the choice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.conflicts import (
    ConflictChoice,
    EditConflict,
    merged_start,
    note_fields,
    with_texts,
)
from practitioner.ui.theme import for_palette

# Labels for field names that read badly when derived ("notes" → "Notes" is fine).
_LABELS: dict[str, str] = {
    "date_of_birth": "Date of birth",
    "course_since_last": "Course since last visit",
    "patient_report": "Patient's report",
    "pattern_other": "Other pattern",
    "principle_notes": "Principle notes",
    "herbal_formula": "Herbal formula",
    "advice_notes": "Advice notes",
    "next_visit": "Next visit",
    "started_at": "Visit time",
    "duration_minutes": "Duration (minutes)",
    "conditions_notes": "Conditions notes",
    "screen": "Red-flag screening",
    "profile": "Cramp profile",
}


def field_label(name: str) -> str:
    """A readable label for a dataclass field name."""
    return _LABELS.get(name, name.replace("_", " ").capitalize())


def shown(value: Any) -> str:
    """A value as one line of text for the comparison table."""
    if value is None or value == "" or value == () or value == frozenset():
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, enum.Enum):
        return str(getattr(value, "label", "") or value.value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (frozenset, set)):
        return ", ".join(sorted(shown(v) for v in value))
    if isinstance(value, (tuple, list)):
        return ", ".join(shown(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = [f"{field_label(f.name)}: {shown(getattr(value, f.name))}"
                 for f in dataclasses.fields(value)
                 if shown(getattr(value, f.name)) not in ("—", "no")]
        return "; ".join(parts) or "—"
    return str(value)


def _is_group(value: Any) -> bool:
    """Whether `value` is a group of fields shown one row each (a nested dataclass)."""
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


@dataclass(frozen=True)
class ConflictResolution:
    """What the practitioner chose; `merged_texts` holds the merged free-text fields."""

    choice: str
    merged_texts: Mapping[str, str] = field(default_factory=dict)

    def merged(self, conflict: EditConflict[Any]) -> Any:
        """The value to save for a merge: mine, with each differing text as merged."""
        return with_texts(conflict.mine, self.merged_texts)


class ConflictDialog(QDialog):
    """Their version and mine side by side, and the three ways out."""

    def __init__(self, conflict: EditConflict[Any], what: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._conflict = conflict
        self._choice: str | None = None
        self.setWindowTitle(self.tr("Changed elsewhere: %1").replace("%1", what))
        self.setMinimumSize(820, 560)
        differing = conflict.differing
        texts = set(note_fields(conflict))

        who = conflict.their_author or self.tr("someone else")
        when = (conflict.their_saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
                if conflict.their_saved_at else self.tr("meanwhile"))
        self.summary = QLabel(self.tr(
            "%1 saved this record (version %2) at %3, after you opened version %4. Nothing "
            "has been overwritten. Fields that differ are highlighted; choose what to keep."
        ).replace("%1", who).replace("%2", str(conflict.their_version))
         .replace("%3", when).replace("%4", str(conflict.base_version)))
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("What happened"))

        # -- comparison page ------------------------------------------------------------
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName(self.tr("Their version and mine"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Field"), self.tr("Theirs (saved by %1)").replace("%1", who),
             self.tr("Mine (not saved)")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._fill_table(differing, texts)

        self.side_by_side: dict[str, tuple[QPlainTextEdit, QPlainTextEdit]] = {}
        texts_box = QWidget()
        grid = QGridLayout(texts_box)
        grid.setContentsMargins(0, 0, 0, 0)
        if any(n in texts for n in differing):
            grid.addWidget(QLabel(self.tr("<i>Theirs (saved by %1)</i>").replace("%1", who)),
                           0, 0)
            grid.addWidget(QLabel(self.tr("<i>Mine (not saved)</i>")), 0, 1)
        for row, name in enumerate((n for n in differing if n in texts), start=1):
            theirs = self._text_box(getattr(conflict.theirs, name), read_only=True)
            mine = self._text_box(getattr(conflict.mine, name), read_only=True)
            theirs.setAccessibleName(self.tr("Theirs: %1").replace("%1", field_label(name)))
            mine.setAccessibleName(self.tr("Mine: %1").replace("%1", field_label(name)))
            grid.addWidget(QLabel(f"<b>{field_label(name)}</b>"), 2 * row - 1, 0, 1, 2)
            grid.addWidget(theirs, 2 * row, 0)
            grid.addWidget(mine, 2 * row, 1)
            self.side_by_side[name] = (theirs, mine)
        compare = QWidget()
        compare_layout = QVBoxLayout(compare)
        compare_layout.setContentsMargins(0, 0, 0, 0)
        compare_layout.addWidget(self.table, 1)
        if self.side_by_side:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(texts_box)
            compare_layout.addWidget(scroll, 1)

        # -- merge page -----------------------------------------------------------------
        self.merge_boxes: dict[str, QPlainTextEdit] = {}
        merge = QWidget()
        merge_layout = QVBoxLayout(merge)
        merge_layout.setContentsMargins(0, 0, 0, 0)
        others = [field_label(n) for n in differing if n not in texts]
        intro = self.tr("Edit the merged text below: lines both versions share appear once; "
                        "where they differ, theirs come first, then yours. It will be saved "
                        "over their version.")
        if others:
            intro += " " + self.tr("For the other fields that differ (%1), yours are kept."
                                   ).replace("%1", ", ".join(others))
        merge_intro = QLabel(intro)
        merge_intro.setWordWrap(True)
        merge_layout.addWidget(merge_intro)
        for name, text in merged_start(conflict).items():
            box = self._text_box(text, read_only=False)
            box.setAccessibleName(self.tr("Merged %1").replace("%1", field_label(name)))
            merge_layout.addWidget(QLabel(f"<b>{field_label(name)}</b>"))
            merge_layout.addWidget(box, 1)
            self.merge_boxes[name] = box

        self.pages = QStackedWidget()
        self.pages.addWidget(compare)
        self.pages.addWidget(merge)

        # -- buttons --------------------------------------------------------------------
        self.keep_mine_button = QPushButton(self.tr("Keep mine"))
        self.keep_mine_button.setToolTip(self.tr("Save my version over theirs"))
        self.keep_theirs_button = QPushButton(self.tr("Keep theirs"))
        self.keep_theirs_button.setToolTip(
            self.tr("Show their version in the form; mine is kept aside until I dismiss it"))
        self.merge_button = QPushButton(self.tr("Merge by hand…"))
        self.merge_button.setEnabled(bool(self.merge_boxes))
        self.merge_button.setToolTip(self.tr("Edit one text made of both versions"))
        self.save_merge_button = QPushButton(self.tr("Save merged"))
        self.back_button = QPushButton(self.tr("Back"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Go back to my form, unsaved"))
        buttons = QHBoxLayout()
        for button in (self.keep_mine_button, self.keep_theirs_button, self.merge_button,
                       self.back_button, self.save_merge_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)

        self.keep_mine_button.clicked.connect(lambda: self._finish(ConflictChoice.KEEP_MINE))
        self.keep_theirs_button.clicked.connect(
            lambda: self._finish(ConflictChoice.KEEP_THEIRS))
        self.merge_button.clicked.connect(lambda: self._show_page(1))
        self.back_button.clicked.connect(lambda: self._show_page(0))
        self.save_merge_button.clicked.connect(lambda: self._finish(ConflictChoice.MERGE))
        self.cancel_button.clicked.connect(self.reject)
        self._show_page(0)

    def _fill_table(self, differing: tuple[str, ...], texts: set[str]) -> None:
        """One row per field, differing ones first and highlighted; a group of fields
        (the cramp profile, the tongue, the measures…) one row per field inside it."""
        conflict = self._conflict
        names = ([f.name for f in dataclasses.fields(conflict.mine)]
                 if dataclasses.is_dataclass(conflict.mine) else ["value"])
        ordered = [n for n in names if n in differing] + [n for n in names if n not in differing]
        for name in ordered:
            theirs = conflict.theirs if name == "value" else getattr(conflict.theirs, name)
            mine = conflict.mine if name == "value" else getattr(conflict.mine, name)
            if name in texts:
                below = self.tr("(side by side below)")
                self._add_row(field_label(name), below, below, True)
            elif _is_group(theirs) and type(theirs) is type(mine):
                for inner in dataclasses.fields(theirs):
                    a, b = getattr(theirs, inner.name), getattr(mine, inner.name)
                    if a != b or shown(a) != "—":
                        self._add_row(f"{field_label(name)} › {field_label(inner.name)}",
                                      shown(a), shown(b), a != b)
            elif name in differing or shown(theirs) != "—":
                self._add_row(field_label(name), shown(theirs), shown(mine),
                              name in differing)
        self.table.resizeRowsToContents()

    def _add_row(self, label: str, theirs: str, mine: str, differs: bool) -> None:
        bold = QFont()
        bold.setBold(True)
        row = self.table.rowCount()
        if differs:  # keep differing rows together at the top
            row = len(self.highlighted_fields())
        self.table.insertRow(row)
        for column, text in enumerate((label, theirs, mine)):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if differs:  # the row whose two versions differ
                tone = for_palette(self.table.palette()).warning
                item.setBackground(QBrush(QColor(tone.bg)))
                item.setForeground(QBrush(QColor(tone.fg)))
                item.setFont(bold)
            self.table.setItem(row, column, item)

    @staticmethod
    def _text_box(text: str, *, read_only: bool) -> QPlainTextEdit:
        box = QPlainTextEdit(text)
        box.setReadOnly(read_only)
        box.setMinimumHeight(90)
        return box

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        merging = index == 1
        for button in (self.keep_mine_button, self.keep_theirs_button, self.merge_button):
            button.setVisible(not merging)
        self.back_button.setVisible(merging)
        self.save_merge_button.setVisible(merging)
        if merging and self.merge_boxes:
            next(iter(self.merge_boxes.values())).setFocus()

    def highlighted_fields(self) -> list[str]:
        """The labels of the rows shown as differing (for tests and screen readers)."""
        labels = (self.table.item(row, 0) for row in range(self.table.rowCount()))
        return [item.text() for item in labels if item is not None and item.font().bold()]

    def _finish(self, choice: str) -> None:
        self._choice = choice
        self.accept()

    def value(self) -> ConflictResolution | None:
        """The choice made, or None when cancelled."""
        if self._choice is None:
            return None
        texts = ({name: box.toPlainText() for name, box in self.merge_boxes.items()}
                 if self._choice == ConflictChoice.MERGE else {})
        return ConflictResolution(self._choice, texts)

    @classmethod
    def ask(cls, conflict: EditConflict[Any], what: str,
            parent: QWidget | None = None) -> ConflictResolution | None:
        """Show the dialog; the practitioner's choice, or None for Cancel."""
        dialog = cls(conflict, what, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

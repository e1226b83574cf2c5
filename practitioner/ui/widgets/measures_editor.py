"""Outcome measures typed at a session: the standard set, custom measures, PSFS ratings."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from practitioner.domain.outcomes import (
    PGIC,
    PGIC_LABELS,
    PSFS_AVERAGE,
    MeasureDefinition,
    PsfsActivity,
    SessionMeasures,
)
from practitioner.domain.validation import FieldError, number_text, parse_number

NOT_ASKED = "—"


class MeasuresEditor(QWidget):
    """One field per measure, rebuilt for each patient (their PSFS activities differ).

    Signals:
        changed(): a value was typed or chosen.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Outcome measures"))
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.fields: dict[str, QLineEdit] = {}
        self.pgic: QComboBox | None = None
        self.psfs: dict[int, QLineEdit] = {}
        self._definitions: tuple[MeasureDefinition, ...] = ()

    def set_context(
        self,
        definitions: Sequence[MeasureDefinition],
        activities: Sequence[PsfsActivity],
        *,
        first_session: bool,
    ) -> None:
        """Lay out the fields for these measures and this patient's PSFS activities."""
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self.fields, self.psfs, self.pgic = {}, {}, None
        self._definitions = tuple(definitions)
        for definition in self._definitions:
            if definition.code == PGIC.code:
                combo = QComboBox()
                combo.setObjectName(f"f_measure_{definition.code}")
                combo.setAccessibleName(definition.name)
                combo.addItem(NOT_ASKED, None)
                for number, label in enumerate(PGIC_LABELS, start=1):
                    combo.addItem(label, number)
                combo.setEnabled(not first_session)
                combo.setToolTip(self.tr("Asked from the second session on.") if first_session
                                 else f"{definition.anchor_text()}\n{definition.source}")
                combo.currentIndexChanged.connect(self.changed)
                self.pgic = combo
                self._layout.addRow(definition.name, combo)
                continue
            edit = self._edit(f"f_measure_{definition.code}", definition.name,
                              definition.scale())
            edit.setToolTip(f"{definition.anchor_text()}\n{definition.source}".strip())
            self.fields[definition.code] = edit
            self._layout.addRow(definition.name, edit)
        if activities:
            heading = QLabel(self.tr("Function (PSFS): 0 = unable, 10 = as before"))
            heading.setWordWrap(True)
            self._layout.addRow(heading)
        for activity in activities:
            edit = self._edit(f"f_psfs_{activity.id}", activity.wording, PSFS_AVERAGE.scale())
            edit.setToolTip(PSFS_AVERAGE.anchor_text())
            self.psfs[activity.id] = edit
            self._layout.addRow(activity.wording, edit)
        first = next(iter(self.fields.values()), None)
        if first is not None:
            # A label's mnemonic focuses the editor, which hands focus to its first field.
            self.setFocusProxy(first)
            self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    def set_value(self, measures: SessionMeasures) -> None:
        """Show `measures`; fields without a value are left empty."""
        values = dict(measures.values)
        for code, edit in self.fields.items():
            value = values.get(code)
            edit.setText(number_text(value))
        if self.pgic is not None:
            pgic = values.get(PGIC.code)
            self.pgic.setCurrentIndex(0 if pgic is None else max(self.pgic.findData(int(pgic)), 0))
        ratings = dict(measures.psfs)
        for activity_id, edit in self.psfs.items():
            rating = ratings.get(activity_id)
            edit.setText(number_text(rating))

    def read(self) -> tuple[SessionMeasures, list[FieldError]]:
        """The typed measures, and errors for text that is not a number."""
        errors: list[FieldError] = []
        values: list[tuple[str, float]] = []
        for code, edit in self.fields.items():
            try:
                value = parse_number(edit.text())
            except ValueError as exc:
                errors.append(FieldError(f"measures.{code}", f"{edit.accessibleName()}: {exc}"))
                continue
            if value is not None:
                values.append((code, value))
        if self.pgic is not None and self.pgic.currentData() is not None:
            values.append((PGIC.code, float(self.pgic.currentData())))
        ratings: list[tuple[int, float]] = []
        for activity_id, edit in self.psfs.items():
            try:
                rating = parse_number(edit.text(), integer=True)
            except ValueError as exc:
                errors.append(FieldError(f"measures.psfs.{activity_id}",
                                         f"{edit.accessibleName()}: {exc}"))
                continue
            if rating is not None:
                ratings.append((activity_id, rating))
        return SessionMeasures(tuple(sorted(values)), tuple(sorted(ratings))), errors

    def _edit(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        edit.setMaximumWidth(180)
        edit.textChanged.connect(self.changed)
        return edit

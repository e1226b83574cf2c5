"""The session note: visit, subjective, tongue, pulse, pattern, treatment, advice, plan.

Like the profile form it only reads and shows values. `raw_state()` captures exactly what
is typed (parseable or not) so a draft can bring it back word for word.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.outcomes import MeasureDefinition, PsfsActivity
from practitioner.domain.patient import LabelledEnum
from practitioner.domain.points import PointCatalogue
from practitioner.domain.session import (
    HomeAdvice,
    Modality,
    NeedledPoint,
    Pattern,
    Pulse,
    PulseHand,
    PulsePosition,
    PulseQuality,
    SessionInput,
    Tongue,
    TongueBodyColour,
    TongueCoatingColour,
    TongueCoatingThickness,
    TongueMoisture,
    TongueShape,
    TreatmentPrinciple,
)
from practitioner.domain.validation import (
    FieldError,
    date_time_text,
    parse_date,
    parse_date_time,
    parse_number,
)
from practitioner.ui.widgets.code_checklist import CodeChecklist, E
from practitioner.ui.widgets.inline_error import InlineError, add_field_row
from practitioner.ui.widgets.measures_editor import MeasuresEditor
from practitioner.ui.widgets.point_table import PointTable

NOT_RECORDED = "—"
GROUP_TITLES = {
    "visit": "Visit",
    "subjective": "Subjective",
    "measures": "Outcome measures",
    "tongue": "Tongue",
    "pulse": "Pulse",
    "patterns": "Pattern differentiation",
    "principles": "Treatment principle",
    "points": "Acupuncture points",
    "modalities": "Other modalities and herbs",
    "advice": "Home advice",
    "plan": "Plan",
    "notes": "Notes",
}


class SessionForm(QWidget):
    """Editable view of one visit.

    Signals:
        edited(): anything in the form changed.
    """

    edited = Signal()

    def __init__(self, catalogue: PointCatalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors: dict[str, InlineError] = {}
        self.groups: dict[str, QGroupBox] = {}
        self._loaded: dict[str, Any] = {}

        self.started_at = self._line("started_at", "Date and time", "YYYY-MM-DD HH:MM")
        self.duration = self._line("duration", "Duration in minutes", "e.g. 45")
        self.practitioner = self._line("practitioner", "Practitioner", "")
        self.course = self._text("course", "Cramp course since last visit")
        self.report = self._text("report", "Patient's own report")
        self.tongue_body = self._combo("tongue_body", "Tongue body colour", TongueBodyColour)
        self.tongue_coating = self._combo("tongue_coating", "Tongue coating colour",
                                          TongueCoatingColour)
        self.tongue_thickness = self._combo("tongue_thickness", "Tongue coating thickness",
                                            TongueCoatingThickness)
        self.tongue_moisture = self._combo("tongue_moisture", "Tongue moisture", TongueMoisture)
        self.tongue_shapes = self._checks("tongue_shape_", "Tongue shape", TongueShape, 3)
        self.tongue_notes = self._line("tongue_notes", "Tongue notes", "")
        self.pulse_qualities = self._checks("pulse_", "Pulse qualities", PulseQuality, 5)
        self.pulse_positions: dict[tuple[PulseHand, PulsePosition], QComboBox] = {
            (hand, position): self._combo(
                f"pulse_{hand.value}_{position.value}",
                f"Pulse {hand.label.lower()} {position.label}",
                PulseQuality,
            )
            for hand in PulseHand
            for position in PulsePosition
        }
        self.pulse_notes = self._line("pulse_notes", "Pulse notes", "")
        self.patterns = self._checks("pattern_", "Patterns", Pattern, 2)
        self.pattern_other = self._line("pattern_other", "Other pattern", "")
        self.principles = self._checks("principle_", "Treatment principles",
                                       TreatmentPrinciple, 2)
        self.principle_notes = self._line("principle_notes", "Principle notes", "")
        self.points = PointTable(catalogue)
        self.modalities = self._checks("modality_", "Other modalities", Modality, 3)
        self.herbal_formula = self._line("herbal_formula", "Herbal formula", "")
        self.advice = self._checks("advice_", "Home advice", HomeAdvice, 2)
        self.advice_notes = self._line("advice_notes", "Advice notes", "")
        self.plan = self._text("plan", "Plan")
        self.next_visit = self._line("next_visit", "Next visit", "YYYY-MM-DD")
        self.notes = self._text("notes", "Session notes")
        self.points.changed.connect(self.edited)
        self.measures = MeasuresEditor()
        self.measures.changed.connect(self.edited)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        visit = self._group(layout, "visit")
        self._row(visit, "&Date and time", self.started_at, "started_at")
        self._row(visit, "Du&ration (min)", self.duration, "duration_minutes")
        self._row(visit, "Practitioner", self.practitioner)
        subjective = self._group(layout, "subjective")
        self._row(subjective, "&Course since last visit", self.course)
        self._row(subjective, "Patient's r&eport", self.report)
        measures = self._group(layout, "measures")
        self._row(measures, "&Measures", self.measures, "measures")
        tongue = self._group(layout, "tongue")
        self._row(tongue, "Tongue &body", self.tongue_body)
        self._row(tongue, "Coating colour", self.tongue_coating)
        self._row(tongue, "Coating thickness", self.tongue_thickness)
        self._row(tongue, "Moisture", self.tongue_moisture)
        self._row(tongue, "Shape", self.tongue_shapes)
        self._row(tongue, "Tongue notes", self.tongue_notes)
        pulse = self._group(layout, "pulse")
        self._row(pulse, "Pu&lse", self.pulse_qualities)
        pulse.addRow(QLabel(self.tr("By position")), self._position_grid())
        self._row(pulse, "Pulse notes", self.pulse_notes)
        patterns = self._group(layout, "patterns")
        self._row(patterns, "Pattern", self.patterns)
        self._row(patterns, "Other pattern", self.pattern_other)
        principles = self._group(layout, "principles")
        self._row(principles, "Principle", self.principles)
        self._row(principles, "Details", self.principle_notes)
        points = self._group(layout, "points")
        self._row(points, "&Points", self.points, "points")
        modalities = self._group(layout, "modalities")
        self._row(modalities, "Modalities", self.modalities)
        self._row(modalities, "Herbal &formula", self.herbal_formula)
        advice = self._group(layout, "advice")
        self._row(advice, "Advice", self.advice)
        self._row(advice, "Advice details", self.advice_notes)
        plan = self._group(layout, "plan")
        self._row(plan, "Pl&an", self.plan)
        self._row(plan, "Ne&xt visit", self.next_visit, "next_visit")
        notes = self._group(layout, "notes")
        self._row(notes, "&Notes", self.notes)
        layout.addStretch(1)

    # -- reading and writing ------------------------------------------------------------

    def set_session(self, data: SessionInput) -> None:
        """Show `data` and treat it as the unchanged state."""
        self.blockSignals(True)
        try:
            self.started_at.setText(date_time_text(data.started_at))
            self.duration.setText("" if data.duration_minutes is None
                                  else str(data.duration_minutes))
            self.practitioner.setText(data.practitioner)
            self.course.setPlainText(data.course_since_last)
            self.report.setPlainText(data.patient_report)
            tongue, pulse = data.tongue, data.pulse
            _select(self.tongue_body, tongue.body_colour)
            _select(self.tongue_coating, tongue.coating_colour)
            _select(self.tongue_thickness, tongue.coating_thickness)
            _select(self.tongue_moisture, tongue.moisture)
            self.tongue_shapes.set_value(tongue.shapes)
            self.tongue_notes.setText(tongue.notes)
            self.pulse_qualities.set_value(pulse.qualities)
            by_position = {(h, p): q for h, p, q in pulse.positions}
            for key, combo in self.pulse_positions.items():
                qualities = sorted(by_position.get(key, frozenset()), key=list(PulseQuality).index)
                _select(combo, qualities[0] if qualities else None)
            self.pulse_notes.setText(pulse.notes)
            self.patterns.set_value(data.patterns)
            self.pattern_other.setText(data.pattern_other)
            self.principles.set_value(data.principles)
            self.principle_notes.setText(data.principle_notes)
            self.points.set_points(data.points)
            self.modalities.set_value(data.modalities)
            self.herbal_formula.setText(data.herbal_formula)
            self.advice.set_value(data.advice)
            self.advice_notes.setText(data.advice_notes)
            self.plan.setPlainText(data.plan)
            self.next_visit.setText(data.next_visit.isoformat() if data.next_visit else "")
            self.notes.setPlainText(data.notes)
            self.measures.set_value(data.measures)
        finally:
            self.blockSignals(False)
        self.show_errors([])
        self._loaded = self.raw_state()
        self.edited.emit()

    def read(self) -> tuple[SessionInput | None, list[FieldError]]:
        """The visit as typed, plus errors for text that cannot be parsed.

        Returns None for the input when the date and time cannot be read.
        """
        errors: list[FieldError] = []
        try:
            started_at = parse_date_time(self.started_at.text())
        except ValueError as exc:
            errors.append(FieldError("started_at", str(exc)))
            started_at = None
        duration = _parse(errors, "duration_minutes",
                          lambda: parse_number(self.duration.text(), integer=True))
        next_visit = _parse(errors, "next_visit", lambda: parse_date(self.next_visit.text()))
        points, problems = self.points.points()
        errors += [FieldError(f"points.{row}", message) for row, message in problems]
        measures, measure_errors = self.measures.read()
        errors += measure_errors
        if started_at is None:
            return None, errors
        positions = tuple(
            (hand, position, frozenset({combo.currentData()}))
            for (hand, position), combo in self.pulse_positions.items()
            if combo.currentData() is not None
        )
        data = SessionInput(
            started_at=started_at,
            duration_minutes=None if duration is None else int(duration),
            practitioner=self.practitioner.text().strip(),
            course_since_last=self.course.toPlainText(),
            patient_report=self.report.toPlainText(),
            tongue=Tongue(
                body_colour=self.tongue_body.currentData(),
                coating_colour=self.tongue_coating.currentData(),
                coating_thickness=self.tongue_thickness.currentData(),
                shapes=self.tongue_shapes.value(),
                moisture=self.tongue_moisture.currentData(),
                notes=self.tongue_notes.text(),
            ),
            pulse=Pulse(self.pulse_qualities.value(), positions, self.pulse_notes.text()),
            patterns=self.patterns.value(),
            pattern_other=self.pattern_other.text(),
            principles=self.principles.value(),
            principle_notes=self.principle_notes.text(),
            points=tuple(points),
            modalities=self.modalities.value(),
            herbal_formula=self.herbal_formula.text(),
            advice=self.advice.value(),
            advice_notes=self.advice_notes.text(),
            plan=self.plan.toPlainText(),
            next_visit=next_visit,
            notes=self.notes.toPlainText(),
            measures=measures,
        )
        return data, errors

    def set_measures_context(
        self,
        definitions: Sequence[MeasureDefinition],
        activities: Sequence[PsfsActivity],
        *,
        first_session: bool,
    ) -> None:
        """Which measures and PSFS activities this patient's notes ask for."""
        self.measures.set_context(definitions, activities, first_session=first_session)

    def add_points(self, points: tuple[NeedledPoint, ...]) -> None:
        """Add a protocol's points to the visit."""
        self.points.add_points(points)

    def raw_state(self) -> dict[str, Any]:
        """Every value exactly as shown, keyed by field, for drafts."""
        state: dict[str, Any] = {"points": [list(row) for row in self.points.raw()]}
        for widget in self.findChildren(QWidget):
            name = widget.objectName()
            if not name.startswith("f_"):
                continue
            if isinstance(widget, QLineEdit):
                state[name] = widget.text()
            elif isinstance(widget, QPlainTextEdit):
                state[name] = widget.toPlainText()
            elif isinstance(widget, QComboBox):
                state[name] = widget.currentIndex()
            elif isinstance(widget, QCheckBox):
                state[name] = widget.isChecked()
        return state

    def restore_raw_state(self, state: dict[str, Any]) -> None:
        """Bring back a draft's values; the loaded (saved) state stays the reference."""
        for widget in self.findChildren(QWidget):
            name = widget.objectName()
            if name not in state:
                continue
            value = state[name]
            if isinstance(widget, QLineEdit) and isinstance(value, str):
                widget.setText(value)
            elif isinstance(widget, QPlainTextEdit) and isinstance(value, str):
                widget.setPlainText(value)
            elif isinstance(widget, QComboBox) and isinstance(value, int):
                widget.setCurrentIndex(value)
            elif isinstance(widget, QCheckBox) and isinstance(value, bool):
                widget.setChecked(value)
        rows = state.get("points")
        if isinstance(rows, list):
            self.points.set_raw(
                (str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), bool(r[5])) for r in rows
            )
        self.edited.emit()

    def is_dirty(self) -> bool:
        """Whether anything differs from what was last loaded."""
        return self.raw_state() != self._loaded

    def mark_changes(self, groups: set[str], since: str) -> None:
        """Flag the sections that differ from the previous visit (`since` names it)."""
        for name, box in self.groups.items():
            changed = name in groups
            title = self.tr(GROUP_TITLES[name])
            box.setTitle(f"{title}  ● {self.tr('changed since')} {since}" if changed else title)
            box.setProperty("changed", changed)
            box.style().unpolish(box)
            box.style().polish(box)

    def show_errors(self, errors: list[FieldError]) -> None:
        """Show each error next to its field and clear the rest; focus the first one."""
        by_key: dict[str, list[str]] = {}
        for error in errors:
            key = error.field.split(".")[0]
            by_key.setdefault(key, []).append(error.message)
        for key, label in self.errors.items():
            label.set_message("\n".join(by_key.get(key, [])) or None)
        for error in errors:
            key = error.field.split(".")[0]
            if key in self.errors:
                self.errors[key].field_widget.setFocus()
                break

    # -- building -----------------------------------------------------------------------

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"f_{name}")
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.edited)
        return edit

    def _text(self, name: str, accessible: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setObjectName(f"f_{name}")
        edit.setAccessibleName(accessible)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(64)
        edit.textChanged.connect(self.edited)
        return edit

    def _combo(self, name: str, accessible: str, kind: type[LabelledEnum]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"f_{name}")
        combo.setAccessibleName(accessible)
        combo.addItem(NOT_RECORDED, None)
        for member in kind:
            combo.addItem(member.label, member)
        combo.currentIndexChanged.connect(self.edited)
        return combo

    def _checks(self, prefix: str, accessible: str, kind: type[E], columns: int) -> (
        CodeChecklist[E]
    ):
        checklist = CodeChecklist(
            list(kind), accessible, columns=columns, object_prefix=f"f_{prefix}"
        )
        checklist.changed.connect(self.edited)
        return checklist

    def _position_grid(self) -> QWidget:
        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, position in enumerate(PulsePosition, start=1):
            grid.addWidget(QLabel(position.label), 0, column)
        for row, hand in enumerate(PulseHand, start=1):
            grid.addWidget(QLabel(hand.label), row, 0)
            for column, position in enumerate(PulsePosition, start=1):
                grid.addWidget(self.pulse_positions[(hand, position)], row, column)
        return grid_widget

    def _group(self, layout: QVBoxLayout, name: str) -> QFormLayout:
        box = QGroupBox(self.tr(GROUP_TITLES[name]))
        box.setObjectName(f"group_{name}")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # A field wider than the room beside its label goes under it: no sideways scroll.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.addWidget(box)
        self.groups[name] = box
        return form

    def _row(self, form: QFormLayout, label: str, widget: QWidget, key: str | None = None) -> None:
        focus = widget.entry if isinstance(widget, PointTable) else widget
        error = add_field_row(form, label, widget, focus=focus, with_error=key is not None)
        if key is not None and error is not None:
            self.errors[key] = error


def _select(combo: QComboBox, member: object) -> None:
    combo.setCurrentIndex(max(combo.findData(member), 0) if member is not None else 0)


def _parse(errors: list[FieldError], key: str, parse: Any) -> Any:
    try:
        return parse()
    except ValueError as exc:
        errors.append(FieldError(key, str(exc)))
        return None

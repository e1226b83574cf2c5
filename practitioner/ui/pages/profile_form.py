"""The patient record form: identity, cramp profile, medical background, lifestyle, notes.

The form only reads and shows values. It turns what was typed into a `PatientInput`,
reporting text it cannot parse as field errors, and shows any field errors inline; what
the user typed always stays in the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.patient import (
    Condition,
    CrampProfile,
    CrampSite,
    CrampTiming,
    Lifestyle,
    Medication,
    MuscleGroup,
    Patient,
    PatientInput,
    Relief,
    Sex,
    Side,
    Trigger,
    WorkPosture,
)
from practitioner.domain.screen import SCREEN_QUESTIONS, RedFlagScreen
from practitioner.domain.validation import FieldError, number_text, parse_date, parse_number
from practitioner.ui.widgets.code_checklist import CodeChecklist
from practitioner.ui.widgets.inline_error import InlineError, add_field_row
from practitioner.ui.widgets.medication_table import MedicationTable
from practitioner.ui.widgets.site_picker import SitePicker

DATE_HINT = "YYYY-MM-DD"
SHORT_FIELD_WIDTH = 170
T = TypeVar("T")


def _date_text(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


#: The form's fields by kind, as named in its drafts.
_LINES = ("name", "date_of_birth", "phone", "email", "address", "onset_date", "frequency",
          "duration", "severity", "exercise", "exercise_hours", "fluid", "alcohol")
_TEXTS = ("conditions_notes", "notes")
_CHECKLISTS = ("timings", "triggers", "reliefs", "conditions")
_COMBOS = ("sex", "posture")


def _sites(raw: Any) -> list[CrampSite]:
    """The sites a draft names (pairs of muscle and side codes), skipping any it cannot."""
    sites = []
    for pair in raw if isinstance(raw, list) else []:
        try:
            sites.append(CrampSite(MuscleGroup(pair[0]), Side(pair[1])))
        except (ValueError, TypeError, IndexError, KeyError):
            continue
    return sites


class ProfileForm(QWidget):
    """Editable view of one patient record.

    Signals:
        edited(): anything in the form changed.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors: dict[str, InlineError] = {}
        self._loaded: tuple[Any, ...] = ()

        self.name = self._line("Name", "Full name")
        self.date_of_birth = self._line("Date of birth", DATE_HINT)
        self.sex = self._combo("Sex", [(s.label, s) for s in Sex])
        self.phone = self._line("Phone", "")
        self.email = self._line("E-mail", "name@example.org")
        self.address = self._line("Address", "")

        self.sites = SitePicker()
        self.timings = CodeChecklist(list(CrampTiming), "When cramps happen")
        self.onset_date = self._line("Onset date", DATE_HINT)
        self.frequency = self._line("Cramps per week", "e.g. 3")
        self.duration = self._line("Typical duration in minutes", "e.g. 2")
        self.severity = self._line("Worst severity, 0 to 10", "0–10")
        self.triggers = CodeChecklist(list(Trigger), "Triggers")
        self.reliefs = CodeChecklist(list(Relief), "What relieves it", columns=3)

        self.conditions = CodeChecklist(list(Condition), "Current conditions")
        self.conditions_notes = self._text("Other conditions and history")
        self.medications = MedicationTable()

        self.exercise = self._line("Exercise", "e.g. road running")
        self.exercise_hours = self._line("Exercise hours per week", "e.g. 4")
        self.fluid = self._line("Fluid intake, litres per day", "e.g. 1.5")
        self.alcohol = self._line("Alcohol units per week", "e.g. 6")
        self.posture = self._combo("Work posture", [(p.label, p) for p in WorkPosture])

        self.notes = self._text("Practitioner notes")
        self.red_flag_boxes: dict[str, QCheckBox] = {}
        for question in SCREEN_QUESTIONS:
            box = QCheckBox(question.question)
            box.setAccessibleName(f"Red-flag screening: {question.question}")
            box.setToolTip(f"A yes suggests {question.meaning}.")
            box.toggled.connect(self.edited)
            self.red_flag_boxes[question.code] = box

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(10)
        identity = self._group(layout, "Identity")
        self._row(identity, "&Name *", self.name, "name")
        self._row(identity, "Date of &birth", self.date_of_birth, "date_of_birth")
        self._row(identity, "Se&x", self.sex)
        self._row(identity, "&Phone", self.phone)
        self._row(identity, "E-&mail", self.email, "email")
        self._row(identity, "A&ddress", self.address)

        profile = self._group(layout, "Cramp profile")
        self._row(profile, "Affected sites", self.sites)
        self._row(profile, "Timing", self.timings)
        self._row(profile, "&Onset date", self.onset_date, "profile.onset_date")
        self._row(profile, "&Frequency / week", self.frequency, "profile.frequency_per_week")
        self._row(profile, "Du&ration (min)", self.duration, "profile.duration_minutes")
        self._row(profile, "&Worst severity", self.severity, "profile.worst_severity")
        self._row(profile, "Triggers", self.triggers)
        self._row(profile, "Relieved by", self.reliefs)

        background = self._group(layout, "Medical background")
        self._row(background, "Conditions", self.conditions)
        self._row(background, "Other / details", self.conditions_notes)
        self._row(background, "Medications", self.medications, "medications")

        lifestyle = self._group(layout, "Lifestyle")
        self._row(lifestyle, "&Exercise", self.exercise)
        self._row(lifestyle, "Hours / week", self.exercise_hours,
                  "lifestyle.exercise_hours_per_week")
        self._row(lifestyle, "F&luids (L/day)", self.fluid, "lifestyle.fluid_litres_per_day")
        self._row(lifestyle, "&Alcohol (units/wk)", self.alcohol,
                  "lifestyle.alcohol_units_per_week")
        self._row(lifestyle, "Wor&k posture", self.posture)

        screening = self._group(layout, "Red-flag screening (ask at intake)")
        for box in self.red_flag_boxes.values():
            screening.addRow(box)

        notes = self._group(layout, "Practitioner notes")
        self._row(notes, "Notes", self.notes)
        layout.addStretch(1)

        for short in (self.date_of_birth, self.onset_date, self.frequency, self.duration,
                      self.severity, self.exercise_hours, self.fluid, self.alcohol):
            short.setMaximumWidth(SHORT_FIELD_WIDTH)
        for checklist in (self.timings, self.triggers, self.reliefs, self.conditions):
            checklist.changed.connect(self.edited)
        self.sites.changed.connect(self.edited)
        self.medications.changed.connect(self.edited)
        self.set_patient(None)

    # -- reading and writing ------------------------------------------------------------

    def set_patient(self, patient: Patient | PatientInput | None) -> None:
        """Show `patient` (or an empty form) and treat that as the unchanged state."""
        data = patient.data if isinstance(patient, Patient) else patient
        data = data or PatientInput(name="")
        self._fill(data)
        self.show_errors([])
        self._loaded = self._snapshot()
        self.edited.emit()

    def show_over(self, shown: PatientInput, stored: PatientInput) -> None:
        """Show `shown` with `stored` as the unchanged state: a version of one's own put
        back over a newer stored one is then an unsaved change."""
        self._fill(stored)
        self._loaded = self._snapshot()
        self._fill(shown)
        self.show_errors([])
        self.edited.emit()

    def _fill(self, data: PatientInput) -> None:
        profile, lifestyle = data.profile, data.lifestyle
        self.blockSignals(True)
        try:
            self.name.setText(data.name)
            self.date_of_birth.setText(_date_text(data.date_of_birth))
            self.sex.setCurrentIndex(self.sex.findData(data.sex))
            self.phone.setText(data.phone)
            self.email.setText(data.email)
            self.address.setText(data.address)
            self.sites.set_value(profile.sites)
            self.timings.set_value(profile.timings)
            self.onset_date.setText(_date_text(profile.onset_date))
            self.frequency.setText(number_text(profile.frequency_per_week))
            self.duration.setText(number_text(profile.duration_minutes))
            self.severity.setText(
                "" if profile.worst_severity is None else str(profile.worst_severity)
            )
            self.triggers.set_value(profile.triggers)
            self.reliefs.set_value(profile.reliefs)
            self.conditions.set_value(data.conditions)
            self.conditions_notes.setPlainText(data.conditions_notes)
            self.medications.set_value(
                [(m.name, m.dose, _date_text(m.since)) for m in data.medications]
            )
            self.exercise.setText(lifestyle.exercise)
            self.exercise_hours.setText(number_text(lifestyle.exercise_hours_per_week))
            self.fluid.setText(number_text(lifestyle.fluid_litres_per_day))
            self.alcohol.setText(number_text(lifestyle.alcohol_units_per_week))
            self.posture.setCurrentIndex(self.posture.findData(lifestyle.work_posture))
            self.notes.setPlainText(data.notes)
            for code, box in self.red_flag_boxes.items():
                box.setChecked(bool(getattr(data.screen, code)))
        finally:
            self.blockSignals(False)

    def is_dirty(self) -> bool:
        """Whether anything differs from what was last loaded or saved."""
        return self._snapshot() != self._loaded

    def raw_state(self) -> dict[str, Any]:
        """Every value exactly as shown (text that cannot be parsed too), for drafts."""
        state: dict[str, Any] = {name: getattr(self, name).text() for name in _LINES}
        state |= {name: getattr(self, name).toPlainText() for name in _TEXTS}
        state |= {name: sorted(m.value for m in getattr(self, name).value())
                  for name in _CHECKLISTS}
        state |= {name: getattr(self, name).currentIndex() for name in _COMBOS}
        state["sites"] = [[site.muscle.value, site.side.value] for site in self.sites.value()]
        state["medications"] = [list(row) for row in self.medications.value()]
        state["screen"] = {code: box.isChecked() for code, box in self.red_flag_boxes.items()}
        return state

    def restore_raw_state(self, state: dict[str, Any]) -> None:
        """Bring back a draft's values (what it lacks or cannot hold is left as shown); the
        loaded (saved) state stays the reference."""
        def strings(value: Any) -> list[str]:
            return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

        self.blockSignals(True)
        try:
            for name in _LINES:
                if isinstance(state.get(name), str):
                    getattr(self, name).setText(state[name])
            for name in _TEXTS:
                if isinstance(state.get(name), str):
                    getattr(self, name).setPlainText(state[name])
            for name in _CHECKLISTS:
                if name in state:
                    checklist = getattr(self, name)
                    codes = set(strings(state[name]))
                    checklist.set_value(m for m in checklist.boxes if m.value in codes)
            for name in _COMBOS:
                if isinstance(state.get(name), int):
                    getattr(self, name).setCurrentIndex(state[name])
            if "sites" in state:
                self.sites.set_value(_sites(state["sites"]))
            if isinstance(state.get("medications"), list):
                self.medications.set_value([
                    (row[0], row[1], row[2]) for row in map(strings, state["medications"])
                    if len(row) == 3])
            screen = state.get("screen")
            if isinstance(screen, dict):
                for code, box in self.red_flag_boxes.items():
                    if isinstance(screen.get(code), bool):
                        box.setChecked(screen[code])
        finally:
            self.blockSignals(False)
        self.edited.emit()

    def read(self) -> tuple[PatientInput, list[FieldError]]:
        """What the form holds, plus errors for any text that could not be parsed.

        A field that cannot be parsed is left empty in the returned input.
        """
        errors: list[FieldError] = []
        self.medications.commit_open_edit()

        def date(widget: QLineEdit, key: str) -> dt.date | None:
            return _parse(errors, key, lambda: parse_date(widget.text()))

        def number(widget: QLineEdit, key: str, integer: bool = False) -> float | None:
            return _parse(errors, key, lambda: parse_number(widget.text(), integer=integer))

        medications = []
        for index, (name, dose, since) in enumerate(self.medications.value()):
            since_date = _parse(errors, f"medications.{index}", partial(parse_date, since))
            medications.append(Medication(name.strip(), dose.strip(), since_date))
        severity = number(self.severity, "profile.worst_severity", integer=True)
        data = PatientInput(
            name=self.name.text(),
            date_of_birth=date(self.date_of_birth, "date_of_birth"),
            sex=self.sex.currentData(),
            phone=self.phone.text(),
            email=self.email.text(),
            address=self.address.text(),
            notes=self.notes.toPlainText(),
            profile=CrampProfile(
                sites=self.sites.value(),
                timings=self.timings.value(),
                onset_date=date(self.onset_date, "profile.onset_date"),
                frequency_per_week=number(self.frequency, "profile.frequency_per_week"),
                duration_minutes=number(self.duration, "profile.duration_minutes"),
                worst_severity=None if severity is None else int(severity),
                triggers=self.triggers.value(),
                reliefs=self.reliefs.value(),
            ),
            conditions=self.conditions.value(),
            conditions_notes=self.conditions_notes.toPlainText(),
            medications=tuple(medications),
            lifestyle=Lifestyle(
                exercise=self.exercise.text(),
                exercise_hours_per_week=number(
                    self.exercise_hours, "lifestyle.exercise_hours_per_week"
                ),
                fluid_litres_per_day=number(self.fluid, "lifestyle.fluid_litres_per_day"),
                alcohol_units_per_week=number(self.alcohol, "lifestyle.alcohol_units_per_week"),
                work_posture=self.posture.currentData(),
            ),
            screen=RedFlagScreen.from_codes(
                code for code, box in self.red_flag_boxes.items() if box.isChecked()),
        )
        return data, errors

    def show_errors(self, errors: list[FieldError]) -> None:
        """Show each error next to its field and clear the rest; focus the first one."""
        by_key: dict[str, list[str]] = {}
        for error in errors:
            key = "medications" if error.field.startswith("medications.") else error.field
            text = error.message
            if key != error.field:
                text = f"Row {int(error.field.split('.')[1]) + 1}: {text}"
            by_key.setdefault(key, []).append(text)
        for key, label in self.errors.items():
            label.set_message("\n".join(by_key.get(key, [])) or None)
        for error in errors:
            key = "medications" if error.field.startswith("medications.") else error.field
            if key in self.errors:
                self.errors[key].field_widget.setFocus()
                break

    def mark_saved(self) -> None:
        """Treat what the form holds now as the unchanged state."""
        self._loaded = self._snapshot()
        self.edited.emit()

    # -- building -----------------------------------------------------------------------

    def _snapshot(self) -> tuple[Any, ...]:
        texts = tuple(w.text() for w in self.findChildren(QLineEdit))
        plain = tuple(w.toPlainText() for w in self.findChildren(QPlainTextEdit))
        return (
            texts, plain, self.sex.currentIndex(), self.posture.currentIndex(),
            self.sites.value(), self.timings.value(), self.triggers.value(),
            self.reliefs.value(), self.conditions.value(), tuple(self.medications.value()),
            tuple(box.isChecked() for box in self.red_flag_boxes.values()),
        )

    def _line(self, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.edited)
        return edit

    def _combo(self, accessible: str, items: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(accessible)
        for label, value in items:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self.edited)
        return combo

    def _text(self, accessible: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setAccessibleName(accessible)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(72)
        edit.textChanged.connect(self.edited)
        return edit

    @staticmethod
    def _group(layout: QVBoxLayout, title: str) -> QFormLayout:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # A field wider than the room beside its label goes under it: no sideways scroll.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.addWidget(box)
        return form

    def _row(self, form: QFormLayout, label: str, widget: QWidget, key: str | None = None) -> None:
        error = add_field_row(form, label, widget, with_error=key is not None)
        if key is not None and error is not None:
            self.errors[key] = error


def _parse(errors: list[FieldError], key: str, parse: Callable[[], T]) -> T | None:
    try:
        return parse()
    except ValueError as exc:
        errors.append(FieldError(key, str(exc)))
        return None

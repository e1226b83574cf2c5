"""Define a practice's own outcome measure: name, unit, range, direction, important change."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.validation import number_text, parse_number


@dataclass(frozen=True)
class CustomMeasureInput:
    """What the dialog collects; the outcome service checks it again before storing it."""

    name: str
    unit: str
    low: float
    high: float
    integer: bool
    lower_is_better: bool
    minimal_important_change: float | None


class CustomMeasureDialog(QDialog):
    """A small form; problems with what was typed are shown under it and keep the text."""

    def __init__(self, initial: CustomMeasureInput | None = None, problem: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Custom outcome measure"))
        self.name = self._edit("Measure name", "e.g. Flights of stairs without cramp")
        self.unit = self._edit("Unit", "e.g. flights")
        self.low = self._edit("Lowest value", "0")
        self.high = self._edit("Highest value", "10")
        self.integer = QCheckBox(self.tr("Whole numbers only"))
        self.integer.setAccessibleName(self.tr("Whole numbers only"))
        self.integer.setChecked(True)
        self.lower_is_better = QCheckBox(self.tr("Lower is better"))
        self.lower_is_better.setAccessibleName(self.tr("Lower is better"))
        self.mic = self._edit("Minimal important change", "optional, e.g. 2")
        note = QLabel(self.tr("Licensed questionnaires are not bundled. If you hold a "
                              "licence (e.g. for MYMOP), enter its scores here as your own "
                              "measure, keeping its wording and scoring as licensed."))
        note.setWordWrap(True)
        self.problem = QLabel(problem)
        self.problem.setObjectName("inlineError")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(self.tr("Problem with the measure"))
        self.problem.setVisible(bool(problem))
        form = QFormLayout()
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("&Unit"), self.unit)
        form.addRow(self.tr("&Lowest"), self.low)
        form.addRow(self.tr("&Highest"), self.high)
        form.addRow("", self.integer)
        form.addRow("", self.lower_is_better)
        form.addRow(self.tr("Minimal important &change"), self.mic)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        if initial is not None:
            self.name.setText(initial.name)
            self.unit.setText(initial.unit)
            self.low.setText(number_text(initial.low))
            self.high.setText(number_text(initial.high))
            self.integer.setChecked(initial.integer)
            self.lower_is_better.setChecked(initial.lower_is_better)
            mic = initial.minimal_important_change
            self.mic.setText(number_text(mic))

    def value(self) -> CustomMeasureInput | None:
        """The typed measure, or None (with the reason shown) when a number is unreadable."""
        try:
            low = parse_number(self.low.text())
            high = parse_number(self.high.text())
            mic = parse_number(self.mic.text())
        except ValueError as exc:
            self._show(str(exc))
            return None
        if low is None or high is None:
            self._show(self.tr("Enter the lowest and highest values."))
            return None
        return CustomMeasureInput(self.name.text().strip(), self.unit.text().strip(), low,
                                  high, self.integer.isChecked(),
                                  self.lower_is_better.isChecked(), mic)

    def _on_accept(self) -> None:
        if self.value() is not None:
            self.accept()

    def _show(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def _edit(self, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        # Wide enough to show its example whole.
        edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(placeholder) + 16)
        return edit

    @classmethod
    def ask(cls, initial: CustomMeasureInput | None = None, problem: str = "",
            parent: QWidget | None = None) -> CustomMeasureInput | None:
        """Show the form; the measure typed, or None when cancelled."""
        dialog = cls(initial, problem, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

"""Tools › Preferences…: who signs, the practice's letterhead, outcome thresholds, the idle
lock, backups and the clinic server, each checked next to itself as it is typed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.preferences import Preferences, as_texts
from practitioner.services.preferences import check_preferences
from practitioner.ui import theme

Check = Callable[[dict[str, str]], tuple[Preferences | None, dict[str, str]]]

# (tab, [(field, label, hint, multi-line)]) in the order they are shown.
_PAGES: tuple[tuple[str, tuple[tuple[str, str, str, bool], ...]], ...] = (
    ("Practitioner and practice", (
        ("practitioner_name", "Your name", "as it signs letters, e.g. Dr Jane Doe", False),
        ("credentials", "Credentials", "optional, e.g. MBAcC, Lic.Ac.", False),
        ("practice_name", "Practice name", "heads reports and letters", False),
        ("practice_address", "Practice address", "up to 6 lines", True),
        ("letterhead", "Letterhead lines", "telephone, e-mail, registration; up to 4 lines",
         True),
    )),
    ("Outcomes and security", (
        ("responder_percent", "Responder: cramps/week down by (%)", "default 50", False),
        ("severity_points", "Severity change (points)", "default 2", False),
        ("severity_percent", "Severity change (%)", "default 30", False),
        ("psfs_points", "PSFS change (points)", "default 2", False),
        ("diary_min_days", "Diary days a 4-week period needs", "default 10, at most 28",
         False),
        ("lock_after_minutes", "Lock after idle (minutes)", "0 never locks; default 10",
         False),
    )),
    ("Backups and clinic", (
        ("backup_folder", "Backup folder", "empty: the backups folder beside the records",
         False),
        ("backups_to_keep", "Recent backups to keep", "default 10", False),
        ("clinic_host", "Clinic server", "name or address; empty for none", False),
        ("clinic_port", "Port", "default 5432", False),
        ("clinic_database", "Database", "", False),
        ("clinic_user", "Database user", "the password is never kept here", False),
    )),
)


class PreferencesDialog(QDialog):
    """The preferences form: `value()` gives what was typed once every field is valid.

    A problem shows in red under its field as soon as it is typed; Save is disabled
    while any field has one, and the first bad field gets the focus.
    """

    def __init__(self, initial: Preferences, parent: QWidget | None = None,
                 check: Check = check_preferences) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preferences"))
        self.setObjectName("preferencesDialog")
        self._check = check
        self._value: Preferences | None = initial
        self.edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.problems: dict[str, QLabel] = {}
        self._tab_of: dict[str, int] = {}
        self.tabs = QTabWidget()
        texts = as_texts(initial)
        for index, (title, rows) in enumerate(_PAGES):
            page = QWidget()
            form = QFormLayout(page)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            for name, label, hint, multi_line in rows:
                edit = self._edit(name, texts[name], hint, multi_line)
                edit.setAccessibleName(self.tr(label))
                problem = QLabel()
                problem.setObjectName("inlineError")
                problem.setWordWrap(True)
                problem.setAccessibleName(self.tr(f"Problem with {label.lower()}"))
                problem.hide()
                self.problems[name] = problem
                self._tab_of[name] = index
                column = QVBoxLayout()
                column.setSpacing(2)
                if name == "backup_folder":
                    row = QHBoxLayout()
                    row.addWidget(edit, 1)
                    browse = QPushButton(self.tr("Browse…"))
                    browse.clicked.connect(self._browse_folder)
                    row.addWidget(browse)
                    column.addLayout(row)
                else:
                    column.addWidget(edit)
                column.addWidget(problem)
                form.addRow(self.tr(label), column)
            self.tabs.addTab(page, self.tr(title))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)
        self._validate()

    def _edit(self, name: str, text: str, hint: str, multi_line: bool,
              ) -> QLineEdit | QPlainTextEdit:
        edit: QLineEdit | QPlainTextEdit
        if multi_line:
            edit = QPlainTextEdit(text)
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
            edit.textChanged.connect(self._validate)
        else:
            edit = QLineEdit(text)
            edit.textChanged.connect(self._validate)
        edit.setPlaceholderText(self.tr(hint))
        edit.setObjectName(name)
        edit.setMinimumWidth(320)
        self.edits[name] = edit
        return edit

    def texts(self) -> dict[str, str]:
        """What each field holds now, by field name."""
        return {name: edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
                for name, edit in self.edits.items()}

    def _validate(self) -> dict[str, str]:
        self._value, problems = self._check(self.texts())
        for name, label in self.problems.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)
        bad_tabs = {self._tab_of[name] for name in problems}
        for index in range(self.tabs.count()):  # a tab hiding a problem says so
            self.tabs.tabBar().setTabTextColor(
                index, QColor(theme.for_palette(self.palette()).danger.fg)
                if index in bad_tabs else QColor())
            self.tabs.setTabToolTip(index, self.tr("A field here needs attention")
                                    if index in bad_tabs else "")
        if hasattr(self, "buttons"):
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not problems)
        return problems

    def _browse_folder(self) -> None:
        edit = self.edits["backup_folder"]
        assert isinstance(edit, QLineEdit)
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Backup folder"), edit.text())
        if chosen:
            edit.setText(chosen)

    def accept(self) -> None:
        problems = self._validate()
        if problems:  # refused: the first bad field, on its tab, takes the focus
            first = next(name for name in self.edits if name in problems)
            self.tabs.setCurrentIndex(self._tab_of[first])
            self.edits[first].setFocus()
            return
        super().accept()

    def value(self) -> Preferences | None:
        """The preferences typed, or None while a field has a problem."""
        return self._value

    @classmethod
    def ask(cls, parent: QWidget | None, initial: Preferences) -> Preferences | None:
        """Show the dialog; the new preferences, or None when cancelled."""
        dialog = cls(initial, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value()


class NameDialog(QDialog):
    """The first start's question: the practitioner's name, checked as it is typed."""

    def __init__(self, parent: QWidget | None = None, check: Check = check_preferences,
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to Cramp Practitioner"))
        self._check = check
        intro = QLabel(self.tr("Your name signs session notes, reports and letters. "
                               "You can change it later in Tools › Preferences…"))
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. Dr Jane Doe"))
        self.name.setAccessibleName(self.tr("Your name"))
        self.problem = QLabel()
        self.problem.setObjectName("inlineError")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Your name"), self.name)
        form.addRow("", self.problem)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._validate)
        self._validate()
        self.problem.hide()  # no complaint before anything was typed
        self.setMinimumWidth(460)

    def _validate(self) -> str | None:
        _, problems = self._check({"practitioner_name": self.name.text()})
        problem = problems.get("practitioner_name")
        self.problem.setText(problem or "")
        self.problem.setVisible(problem is not None)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None)
        return problem

    def value(self) -> str:
        """The name typed, trimmed."""
        return self.name.text().strip()

    @classmethod
    def ask(cls, parent: QWidget | None) -> str | None:
        """Ask for the name; None when the practitioner chose not to say now."""
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog._validate() is not None:
            return None
        return dialog.value()

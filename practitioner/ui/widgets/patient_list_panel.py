"""The left-hand patient list: search as you type, show archived, pick a patient."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.patient import PatientSummary
from practitioner.ui.models.patient_list_model import NextPage, PatientListModel
from practitioner.ui.widgets.empty_state import EmptyState

SEARCH_DELAY_MS = 120


class PatientListPanel(QWidget):
    """Search box, patient table and the "new patient" button.

    The panel does not query anything itself: it asks for rows through `search_changed`
    and is given them with `show_patients`.

    Signals:
        search_changed(str, bool): the query text or "show archived" changed.
        patient_selected(int): the user picked a patient.
        new_patient_requested(): the user asked for a new patient.
        order_changed(bool): the user switched the order (True: by family name).
    """

    search_changed = Signal(str, bool)
    patient_selected = Signal(int)
    new_patient_requested = Signal()
    order_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Name or birth date (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search patients"))
        self.search.setAccessibleDescription(
            self.tr("Type part of a name, a birth year, or a date such as 1975-03-14")
        )
        self.show_archived = QCheckBox(self.tr("Show archived"))
        self.show_archived.setAccessibleName(self.tr("Show archived patients"))
        self.new_button = QPushButton(self.tr("New patient"))
        self.new_button.setAccessibleName(self.tr("New patient"))
        self.new_button.setToolTip(self.tr("Create a new patient record (Ctrl+N)"))

        self.model = PatientListModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Patient list"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        # One line per patient: a long name is elided, its tooltip gives it whole.
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setAccessibleName(self.tr("Row numbers"))
        header = self.table.horizontalHeader()
        header.setAccessibleName(self.tr("Patient list columns"))
        header.setSectionResizeMode(PatientListModel.NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(
            PatientListModel.BIRTH_COLUMN, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._on_header_clicked)
        self._by_family = True
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Patient list status"))

        options = QHBoxLayout()
        options.addWidget(self.show_archived)
        options.addStretch(1)
        options.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        layout.addLayout(options)
        self.empty = EmptyState("search-x")
        self.empty.action_requested.connect(self._on_empty_action)
        self.empty.second_requested.connect(self.new_patient_requested)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)
        layout.addWidget(self.list_stack, 1)
        layout.addWidget(self.status)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self._emit_search)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._on_return_pressed)
        self.show_archived.toggled.connect(self._emit_search)
        self.new_button.clicked.connect(self.new_patient_requested)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

    def by_family(self) -> bool:
        """True when the list is ordered by family name, False when by first name."""
        return self._by_family

    def set_by_family(self, by_family: bool) -> None:
        """Order the list by family name (True) or by the name as written."""
        self._by_family = by_family
        self.model.set_by_family(by_family)

    def _on_header_clicked(self, section: int) -> None:
        if section == PatientListModel.NAME_COLUMN:
            self.set_by_family(not self._by_family)
            self.order_changed.emit(self._by_family)

    def query(self) -> tuple[str, bool]:
        """The current search text and whether archived patients are included."""
        return self.search.text(), self.show_archived.isChecked()

    def show_patients(
        self,
        rows: list[PatientSummary],
        selected_id: int | None,
        next_page: NextPage | None = None,
        total: int | None = None,
        at_least: bool = False,
    ) -> None:
        """Show `rows` (the first page when `next_page` fetches more as the list is
        scrolled), keeping `selected_id` highlighted when it is among them. `total` is
        how many match in all (default: len(rows)); `at_least` when counting stopped."""
        with QSignalBlocker(self.table.selectionModel()):
            self.model.set_patients(rows, next_page)
            self.select_patient(selected_id)
        text, _ = self.query()
        self._show_empty(bool(rows), text.strip())
        if rows:
            count = len(rows) if total is None else total
            self.status.setText(
                self.tr("%1 or more patients").replace("%1", f"{count:,}")
                if at_least
                else self.tr("1 patient")
                if count == 1
                else self.tr("%1 patients").replace("%1", f"{count:,}")
            )
        else:  # the empty state in the list's place says it
            self.status.setText("")

    def _show_empty(self, listed: bool, text: str) -> None:
        self.list_stack.setCurrentWidget(self.table if listed else self.empty)
        if listed:
            return
        if text:
            self.empty.show_state(
                self.tr("No patient matches “%1”.").replace("%1", text),
                self.tr("Clear search"), self.tr("New patient"), icon_name="search-x")
        else:
            self.empty.show_state(self.tr("No patients yet: add the first one (Ctrl+N)."),
                                  self.tr("New patient"), icon_name="user-plus")

    def _on_empty_action(self) -> None:
        if self.search.text().strip():
            self.search.clear()
            self.flush_search()
            self.focus_search()
        else:
            self.new_patient_requested.emit()

    def select_patient(self, patient_id: int | None) -> None:
        """Highlight `patient_id` without announcing it as a new choice."""
        selection = self.table.selectionModel()
        with QSignalBlocker(selection):
            row = self.model.row_of(patient_id) if patient_id is not None else None
            if row is None:
                selection.clearSelection()
                selection.setCurrentIndex(
                    self.model.index(-1, -1), QItemSelectionModel.SelectionFlag.NoUpdate
                )
                return
            index = self.model.index(row, PatientListModel.NAME_COLUMN)
            selection.setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)

    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def flush_search(self) -> None:
        """Run a pending search now instead of after the typing pause."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._emit_search()

    def _emit_search(self) -> None:
        self.search_changed.emit(*self.query())

    def _on_return_pressed(self) -> None:
        self.flush_search()
        if self.model.rowCount() > 0:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            patient_id = self.model.patient_id_at(max(self.table.currentIndex().row(), 0))
            if patient_id is not None:
                self.patient_selected.emit(patient_id)

    def _on_current_row_changed(self, current: object, _previous: object) -> None:
        patient_id = self.model.patient_id_at(self.table.currentIndex().row())
        if patient_id is not None:
            self.patient_selected.emit(patient_id)

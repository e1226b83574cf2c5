"""A read-only table of one patient's audit entries: time, practitioner, action, what."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from practitioner.domain.audit import AuditEntry
from practitioner.ui.widgets.tables import fill_rows, read_only_table

COLUMNS = ("Time", "Practitioner", "Action", "What")


def _local_time(stamp: str) -> str:
    """A stored UTC stamp (ISO 8601, Z) in the computer's local time, to the second."""
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def entry_cells(entry: AuditEntry) -> tuple[str, str, str, str]:
    """How one entry reads in the table."""
    f = entry.fields
    what = f.entity.replace("_", " ")
    if f.entity_id is not None:
        what += f" {f.entity_id}"
    if f.detail:
        what += f" ({f.detail})"
    return _local_time(f.at), f.practitioner, f.action.replace("_", " "), what.strip()


class AuditTrailDialog(QDialog):
    """Who did what to one patient's record, and when; nothing here can be changed."""

    def __init__(self, title: str, entries: list[AuditEntry],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.table = read_only_table(COLUMNS, self.tr("Audit trail"))
        fill_rows(self.table, [entry_cells(e) for e in entries])
        self.table.resizeColumnsToContents()
        note = QLabel(self.tr("%n entries, oldest first. Times are local.", "",
                              len(entries)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(760, 480)

    @classmethod
    def show_for(cls, title: str, entries: list[AuditEntry],
                 parent: QWidget | None = None) -> None:
        """Show the trail modally."""
        cls(title, entries, parent).exec()

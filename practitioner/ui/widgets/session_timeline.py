"""The patient's visits, newest first: date, status, pattern, points, headline figures."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from practitioner.domain.session import SessionStatus, SessionSummary


def timeline_text(summary: SessionSummary) -> str:
    """How one visit reads in the timeline."""
    when = summary.started_at.strftime("%Y-%m-%d %H:%M")
    status = "final" if summary.status is SessionStatus.FINAL else "open"
    amended = ", amended" if summary.amended else ""
    amended += ", private note" if summary.private else ""
    figures = [
        f"{summary.cramps_per_week:g} cramps/wk" if summary.cramps_per_week is not None else "",
        f"worst {summary.worst_severity:g}/10" if summary.worst_severity is not None else "",
    ]
    headline = " · ".join(f for f in figures if f)
    patterns = ", ".join(p.label for p in summary.patterns) or "no pattern recorded"
    points = " ".join(summary.point_codes[:8]) + (" …" if len(summary.point_codes) > 8 else "")
    lines = [f"{when}  ·  {status}{amended}", patterns, points or "no points"]
    if headline:
        lines.append(headline)
    return "\n".join(lines)


class SessionTimeline(QListWidget):
    """One row per visit; a click or Enter opens it.

    Signals:
        session_chosen(int): the user picked a visit.
    """

    session_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Session timeline"))
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setSpacing(2)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.itemActivated.connect(self._on_item)
        self.itemClicked.connect(self._on_item)

    def show_sessions(self, rows: Sequence[SessionSummary], selected: int | None) -> None:
        """Show `rows`, keeping visit `selected` highlighted."""
        self.clear()
        for summary in rows:
            item = QListWidgetItem(timeline_text(summary))
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            item.setToolTip(", ".join(p.label for p in summary.patterns))
            self.addItem(item)
            if summary.id == selected:
                self.setCurrentItem(item)
        if not rows:
            placeholder = QListWidgetItem(self.tr("No sessions yet"))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(placeholder)

    def session_ids(self) -> list[int]:
        """The visits listed, newest first."""
        ids = [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]
        return [i for i in ids if isinstance(i, int)]

    def _on_item(self, item: QListWidgetItem) -> None:
        session_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(session_id, int):
            self.session_chosen.emit(session_id)

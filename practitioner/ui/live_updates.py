"""Showing changes made at other workstations within a few seconds.

Every `POLL_MS` the change counter is read (one indexed query, services/changes.py).
When another workstation changed something, the patient list is refreshed keeping its
selection and scroll position, and the open record is reloaded when nothing typed would
be touched; when the form holds unsaved edits, a notice offers the reload instead. The
window's own changes are not announced: it has shown them already.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QTimer, Signal

from practitioner.errors import KnownError
from practitioner.services.changes import ChangeService, ChangeSet
from practitioner.ui.connection_status import ConnectionStatus
from practitioner.ui.pages.patient_workspace import PatientWorkspace
from practitioner.ui.widgets.patient_list_panel import PatientListPanel

log = logging.getLogger(__name__)

POLL_MS = 2000  # changes elsewhere show within about two seconds


class LiveUpdates(QObject):
    """Polls for changes made elsewhere and shows them without disturbing edits.

    Signals:
        changed(object): a ChangeSet with changes made elsewhere was shown.
    """

    changed = Signal(object)

    def __init__(
        self,
        changes: ChangeService,
        patient_list: PatientListPanel,
        workspace: PatientWorkspace,
        refresh_list: Callable[[], None],
        connection: ConnectionStatus,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._changes = changes
        self._list = patient_list
        self._workspace = workspace
        self._refresh_list = refresh_list
        self._connection = connection
        self._token: int | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        connection.reconnected.connect(self._on_reconnected)

    def start(self) -> None:
        """Begin polling from the records as they are now."""
        try:
            self._token = self._changes.current_token()
        except KnownError as exc:
            self._connection.report(exc)
        self.timer.start()

    def stop(self) -> None:
        """Stop polling (the records are closing)."""
        self.timer.stop()

    def poll(self) -> ChangeSet | None:
        """Read what changed since the last poll and show it; None when nothing could be read."""
        if self._connection.is_lost:
            return None  # The connection controller is retrying; nothing to read meanwhile.
        if not self._list.isVisible():
            return None  # A closed (or not yet shown) window has nothing to refresh.
        try:
            if self._token is None:
                self._token = self._changes.current_token()
                return None
            found = self._changes.changes_since(self._token)
        except KnownError as exc:
            if not self._connection.report(exc):
                log.warning("reading changes failed: %s", exc.kind.value)
            return None
        self._token = found.token
        if found.elsewhere:
            self.show_changes(found)
        return found

    def show_changes(self, found: ChangeSet) -> None:
        """Refresh what `found` touched, leaving anything typed alone."""
        self._refresh_list_keeping_view()
        patient = self._workspace.patient
        if patient is not None and patient.id in found.patient_ids:
            self._workspace.changed_elsewhere()
        if "protocol" in found.shared:
            self._workspace.sessions.protocols.reload()
        if "custom_measure" in found.shared:
            self._workspace.sessions.reload_measure_context()
        self.changed.emit(found)

    def _refresh_list_keeping_view(self) -> None:
        table = self._list.table
        model = self._list.model
        bar = table.verticalScrollBar()
        position, loaded = bar.value(), model.rowCount()
        selected = model.patient_id_at(table.currentIndex().row())
        self._refresh_list()
        while model.rowCount() < loaded and model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        if selected is not None:
            self._list.select_patient(selected)  # it may be on a page fetched just now
        bar.setValue(position)

    def _on_reconnected(self, _moved: int) -> None:
        # The open note's text goes back into the records' drafts, and what changed
        # while the connection was away is shown.
        self._workspace.flush_drafts()
        self.poll()

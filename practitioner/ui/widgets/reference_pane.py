"""The reference pane: search as you type, read an entry with its sources, see what is
relevant to the open patient, check a medication, keep your own notes, and insert a
paragraph (with its citation) into the session note."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from practitioner.content.reference import Entry
from practitioner.domain.conflicts import EditConflictError, merged_text
from practitioner.domain.patient import Patient
from practitioner.domain.reference_flags import Flag
from practitioner.errors import KnownError
from practitioner.services.reference import ReferenceService
from practitioner.ui.messages import Messages
from practitioner.ui.widgets.empty_state import EmptyState

SEARCH_DELAY_MS = 80
URGENCY_TEXT = {
    "none": "No referral needed for this alone",
    "routine": "Refer routinely",
    "soon": "Refer soon (days)",
    "urgent": "Refer urgently (same day)",
    "emergency": "Emergency: send to emergency care now",
}
LEVEL_TEXT = {"info": "Note", "caution": "Caution", "refer": "REFER"}


class _SearchBox(QLineEdit):
    """Search field whose Down key moves into the results.

    Signals:
        down_pressed(): the user pressed Down.
    """

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)


class _GrowingBrowser(QTextBrowser):
    """A text browser as tall as its text at its width (up to `MOST_LINES` lines, then it
    scrolls), so no line is cut mid-way and a short list leaves room for the results."""

    MOST_LINES = 16

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self, *_: object) -> None:
        self.document().setTextWidth(self.viewport().width())
        wanted = math.ceil(self.document().size().height()) + 2 * self.frameWidth()
        most = self.fontMetrics().lineSpacing() * self.MOST_LINES + 2 * self.frameWidth()
        height = min(wanted, most)
        if height != self.height():
            self.setFixedHeight(height)


class ReferencePane(QWidget):
    """Everything in the reference pane.

    Signals:
        insert_requested(CitedParagraph): a paragraph, with its citation, to insert into
            the open session note.
    """

    insert_requested = Signal(object)

    def __init__(self, reference: ReferenceService, messages: Messages,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reference, self._messages = reference, messages
        self._patient: Patient | None = None
        self._entry: Entry | None = None
        self._note_version = 0  # the shown note's stored version (0: no note yet)
        self.search = _SearchBox()
        self.search.setPlaceholderText(self.tr("Search the reference (Ctrl+R)"))
        self.search.setToolTip(self.tr("Search causes, conditions, drugs, TCM patterns and "
                                       "points (Ctrl+R)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search the reference"))
        self.results = QListWidget()
        self.results.setAccessibleName(self.tr("Reference search results"))
        # One line a result, so many show at once; a long title is elided and its
        # tooltip gives it whole.
        self.results.setWordWrap(False)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.setUniformItemSizes(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.relevant = _GrowingBrowser()
        self.relevant.setAccessibleName(self.tr("Relevant to this patient"))
        self.relevant.setOpenLinks(False)
        self.medication = QLineEdit()
        self.medication.setPlaceholderText(self.tr("Check a medication, e.g. indapamide"))
        self.medication.setAccessibleName(self.tr("Check a medication"))
        self.medication_answer = QLabel()
        self.medication_answer.setWordWrap(True)
        self.medication_answer.setAccessibleName(self.tr("Medication check result"))
        self.view = QTextBrowser()
        self.view.setAccessibleName(self.tr("Reference entry"))
        self.view.setOpenLinks(False)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("Your own notes on this entry (kept across "
                                             "content updates)"))
        self.note.setAccessibleName(self.tr("Your notes on this entry"))
        self.note.setMaximumHeight(70)
        self.save_note_button = QPushButton(self.tr("Save note"))
        self.save_note_button.setAccessibleName(self.tr("Save your note on this entry"))
        self.review_button = QPushButton(self.tr("Record our review"))
        self.review_button.setToolTip(self.tr(
            "Add a dated line to the note saying your practice reviewed this entry"))
        self.review_button.setAccessibleName(self.tr("Record your practice's review of "
                                                     "this entry"))

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel(self.tr("<b>Relevant to this patient</b>")))
        top_layout.addWidget(self.relevant)
        top_layout.addWidget(self.medication)
        top_layout.addWidget(self.medication_answer)
        top_layout.addWidget(self.search)
        self.no_match = EmptyState("search-x")
        self.no_match.action_requested.connect(self._clear_search)
        self.result_stack = QStackedWidget()
        self.result_stack.addWidget(self.results)
        self.result_stack.addWidget(self.no_match)
        top_layout.addWidget(self.result_stack, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.view, 1)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note, 1)
        note_buttons = QVBoxLayout()
        note_buttons.addStretch(1)
        note_buttons.addWidget(self.review_button)
        note_buttons.addWidget(self.save_note_button)
        note_row.addLayout(note_buttons)
        bottom_layout.addLayout(note_row)
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("referenceSplitter")
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._open_first)
        self.search.down_pressed.connect(self._into_results)
        self.results.itemActivated.connect(self._on_result)
        self.results.itemClicked.connect(self._on_result)
        self.view.anchorClicked.connect(self._on_link)
        self.relevant.anchorClicked.connect(self._on_link)
        self.medication.returnPressed.connect(self.check_medication)
        self.save_note_button.clicked.connect(self.save_note)
        self.review_button.clicked.connect(self.record_review)
        self.show_patient_flags([])
        self.view.setHtml(self.tr("<p>Search the reference, or follow a flag above.</p>"))

    # -- search -------------------------------------------------------------------------

    def focus_search(self) -> None:
        """Ctrl+R: put the cursor in the search box."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def run_search(self) -> None:
        """Search now for what is typed."""
        self._debounce.stop()
        try:
            hits = self._reference.search(self.search.text())
        except KnownError as exc:
            self._messages.error(self, self.tr("Search failed"), exc.message)
            return
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.title}  ·  {hit.kind}")
            item.setData(Qt.ItemDataRole.UserRole, hit.slug)
            item.setToolTip(f"{hit.title} ({hit.kind})\n{hit.snippet}")
            self.results.addItem(item)
        typed = self.search.text().strip()
        self.result_stack.setCurrentWidget(self.no_match if typed and not hits
                                           else self.results)
        if typed and not hits:
            self.no_match.show_state(self.tr("Nothing in the reference matches “%1”: try "
                                             "another word or spelling.").replace("%1", typed),
                                     self.tr("Clear search"))

    def _clear_search(self) -> None:
        self.search.clear()
        self.run_search()
        self.focus_search()

    def _into_results(self) -> None:
        self.run_search()
        if self.results.count():
            self.results.setCurrentRow(0)
            self.results.setFocus(Qt.FocusReason.OtherFocusReason)

    def _open_first(self) -> None:
        self.run_search()
        item = self.results.item(0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            self.open_entry(str(item.data(Qt.ItemDataRole.UserRole)))

    def _on_result(self, item: QListWidgetItem) -> None:
        slug = item.data(Qt.ItemDataRole.UserRole)
        if slug:
            self.open_entry(str(slug))

    # -- entries ------------------------------------------------------------------------

    def open_entry(self, slug: str) -> None:
        """Show one entry, with its sources, links and your note."""
        try:
            entry = self._reference.get(slug)
            note = self._reference.note(slug)
            self._note_version = self._reference.note_version(slug)
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot open the entry"), exc.message)
            return
        self._entry = entry
        self.view.setHtml(self._entry_html(entry))
        self.note.setPlainText(note)

    def entry(self) -> Entry | None:
        """The entry shown."""
        return self._entry

    def insert_paragraph(self, index: int) -> None:
        """Offer paragraph `index` of the open entry, with its citation, to the note."""
        if self._entry is None:
            return
        try:
            cited = self._reference.cite(self._entry.slug, index)
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot insert the paragraph"), exc.message)
            return
        self.insert_requested.emit(cited)

    def save_note(self) -> None:
        """Keep your note on the open entry."""
        if self._entry is None:
            return
        slug, mine = self._entry.slug, self.note.toPlainText()
        try:
            self._reference.save_note(slug, mine, self._note_version)
            self._note_version = self._reference.note_version(slug)
        except EditConflictError as exc:
            # Nothing is lost: both texts go into the box, on the stored version, to be
            # merged by hand and saved again.
            theirs = str(exc.conflict.theirs)
            self._messages.error(self, self.tr("Note not saved"), exc.message + " " + self.tr(
                "Their note and yours are now both in the box: merge them and save again."))
            self.note.setPlainText(merged_text(theirs, mine))
            self._note_version = exc.conflict.their_version
        except KnownError as exc:
            self._messages.error(self, self.tr("Note not saved"), exc.message)

    def record_review(self) -> None:
        """Record the practice's review of the open entry in its note; any unsaved text
        in the note box is kept and saved with it."""
        if self._entry is None:
            return
        slug, typed = self._entry.slug, self.note.toPlainText()
        try:
            if typed != self._reference.note(slug):
                self._reference.save_note(slug, typed, self._note_version)
                self._note_version = self._reference.note_version(slug)
            text = self._reference.record_practice_review(slug, "", self._note_version)
            self._note_version = self._reference.note_version(slug)
        except EditConflictError as exc:
            self._messages.error(self, self.tr("Review not recorded"), exc.message + " " +
                                 self.tr("Their note and yours are now both in the box: "
                                         "merge them and save again."))
            self.note.setPlainText(merged_text(str(exc.conflict.theirs), typed))
            self._note_version = exc.conflict.their_version
            return
        except KnownError as exc:
            self._messages.error(self, self.tr("Review not recorded"), exc.message)
            return
        self.note.setPlainText(text)

    def _entry_html(self, entry: Entry) -> str:
        e = html.escape
        parts = [f"<h2>{e(entry.title)}</h2>",
                 f"<p><i>{e(entry.kind)}</i> · {e(URGENCY_TEXT[entry.refer.urgency])}</p>",
                 f"<p><b>{e(entry.summary)}</b></p>"]
        if entry.refer.advice:
            parts.append(f"<p><b>When to refer:</b> {e(entry.refer.advice)}</p>")
        if entry.clues:
            parts.append("<p><b>Clues</b></p><ul>"
                         + "".join(f"<li>{e(c)}</li>" for c in entry.clues) + "</ul>")
        for index, paragraph in enumerate(entry.paragraphs):
            parts.append(f"<p>{e(paragraph)} <a href='insert:{index}'>[insert into note]</a>"
                         "</p>")
        parts.append(f"<p><b>Evidence:</b> {e(entry.evidence)}</p>")
        parts.append("<p><b>Sources</b></p><ol>" + "".join(
            f"<li>{e(s.citation)} <i>({e(s.quality)})</i> <a href='{e(s.url)}'>{e(s.url)}</a>"
            "</li>" for s in entry.sources) + "</ol>")
        if entry.related:
            parts.append("<p><b>Related:</b> " + ", ".join(
                f"<a href='entry:{e(slug)}'>{e(slug)}</a>" for slug in entry.related) + "</p>")
        parts.append(f"<p><small>Last reviewed {entry.last_reviewed:%Y-%m-%d}, content "
                     f"version {entry.version}.</small></p>")
        if entry.history:
            parts.append("<p><b>Review history</b></p><ul>" + "".join(
                f"<li><small>{r.date:%Y-%m-%d}: {e(r.change)} <i>Checked: "
                f"{e('; '.join(r.checked))}</i></small></li>"
                for r in reversed(entry.history)) + "</ul>")
        return "".join(parts)

    def _on_link(self, url: QUrl) -> None:
        target = url.toString()
        if target.startswith("entry:"):
            self.open_entry(target.removeprefix("entry:"))
        elif target.startswith("insert:"):
            self.insert_paragraph(int(target.removeprefix("insert:")))

    # -- the open patient ---------------------------------------------------------------

    def set_patient(self, patient: Patient | None) -> None:
        """Compute what the library says about `patient`'s record."""
        self._patient = patient
        if patient is None:
            self.show_patient_flags([])
            return
        try:
            flags = self._reference.flags_for_patient(patient.id)
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot check the record"), exc.message)
            return
        self.show_patient_flags(flags)

    def show_patient_flags(self, flags: Sequence[Flag]) -> None:
        """List each flag with why it was raised, linked to its entry."""
        if self._patient is None:
            self.relevant.setHtml(self.tr("<p><i>Open a patient to see which causes and red "
                                          "flags their record points to.</i></p>"))
            return
        if not flags:
            self.relevant.setHtml(self.tr("<p>Nothing in this record points to a listed "
                                          "cause or red flag.</p>"))
            return
        order = {"refer": 0, "caution": 1, "info": 2}
        rows = "".join(
            f"<li><b>{LEVEL_TEXT[f.level]}</b> {html.escape(f.reason)} "
            f"<a href='entry:{html.escape(f.entry)}'>read</a></li>"
            for f in sorted(flags, key=lambda f: order.get(f.level, 3))
        )
        self.relevant.setHtml(f"<ul>{rows}</ul>")

    def check_medication(self) -> None:
        """Answer for any typed medication name."""
        name = self.medication.text().strip()
        if not name:
            self.medication_answer.setText("")
            return
        try:
            flags = self._reference.flags_for([name], [])
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot check the medication"), exc.message)
            return
        if flags:
            self.medication_answer.setText("\n".join(f.reason for f in flags))
            self.open_entry(flags[0].entry)
        else:
            self.medication_answer.setText(
                self.tr("“%1” is not among the medications the library links to cramps.")
                .replace("%1", name))

"""A prominent banner for red flags on the open record, until the practitioner records
what was done about each (referred, discussed, not applicable)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from practitioner.domain.reference_flags import Flag


class RedFlagBanner(QFrame):
    """Hidden while there is nothing to act on.

    Signals:
        review_requested(): the practitioner wants to record what was done.
        read_requested(str): open the entry with this slug.
    """

    review_requested = Signal()
    read_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("redFlagBanner")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAccessibleName(self.tr("Red flags on this record"))
        self.text.linkActivated.connect(lambda link: self.read_requested.emit(
            link.removeprefix("entry:")))
        self.review_button = QPushButton(self.tr("Record what was done…"))
        self.review_button.setAccessibleName(self.tr("Record what was done about a red flag"))
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.review_button)
        self.review_button.clicked.connect(self.review_requested)
        self.flags: list[Flag] = []
        self.hide()

    def show_flags(self, flags: Sequence[Flag]) -> None:
        """Show the open red flags, or hide when there are none."""
        self.flags = list(flags)
        if not self.flags:
            self.hide()
            return
        items = "; ".join(
            f"{html.escape(f.reason)} (<a href='entry:{html.escape(f.entry)}'>read</a>)"
            for f in self.flags
        )
        self.text.setText(f"<b>Red flag — consider referral:</b> {items}")
        self.show()

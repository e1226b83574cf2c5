"""The start-up list of recovered notes, on its own: the practitioner's pick is the draft
returned, and nothing picked returns nothing."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from practitioner.domain.session import DraftSummary
from practitioner.ui.dialogs.draft_recovery import DraftRecoveryDialog

WHEN = dt.datetime(2025, 1, 15, 10, 0, tzinfo=dt.UTC)
DRAFTS = [DraftSummary(1, "Margaret Haddad", None, WHEN),
          DraftSummary(2, "Zofia Novak", 7, WHEN)]


def test_the_chosen_row_is_the_draft_returned(qtbot: QtBot) -> None:
    dialog = DraftRecoveryDialog(DRAFTS)
    qtbot.addWidget(dialog)
    assert dialog.value() == DRAFTS[0], "the first is chosen to start with"
    dialog.list.setCurrentRow(1)
    assert dialog.value() == DRAFTS[1]
    assert "Zofia Novak — session no. 7" in dialog.list.item(1).text()


def test_no_row_chosen_returns_no_draft(qtbot: QtBot) -> None:
    dialog = DraftRecoveryDialog(DRAFTS)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(-1)
    assert dialog.value() is None
    empty = DraftRecoveryDialog([])
    qtbot.addWidget(empty)
    assert empty.value() is None

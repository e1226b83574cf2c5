"""Run the real app window in its own process, type into a new session note (or, with
`profile`, into the first patient's "Other conditions"), and report on stdout once the
draft is stored; the reliability tests then SIGKILL this process.

Usage: python -m tests.helpers.typing_session RECORDS.db SETTINGS.ini TEXT [profile]
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from practitioner.app import build_window
from practitioner.domain.session import DraftForm
from practitioner.services.drafts import DraftService
from practitioner.ui.messages import Messages

READY = "DRAFT-KEPT"


def main(records: str, settings_file: str, text: str, form: str = "session") -> int:
    app = QApplication([sys.argv[0]])
    settings = QSettings(settings_file, QSettings.Format.IniFormat)
    window = build_window(Path(records), Messages(), settings)
    window.show()
    patient_id = window.patient_list.model.patient_id_at(0)
    assert patient_id is not None, "the records need a patient"
    window.workspace.open_patient(patient_id)
    if form == DraftForm.PROFILE.value:
        field, key = window.workspace.form.conditions_notes, "conditions_notes"
    else:
        window.workspace.sessions.new_session()
        field, key = window.workspace.sessions.form.notes, "f_notes"
    field.setFocus()
    QTest.keyClicks(field, text)

    drafts = DraftService()
    poll = QTimer()

    def report_when_kept() -> None:
        draft = drafts.get(patient_id, None, DraftForm(form))
        if draft is not None and draft.payload.get(key) == text:
            poll.stop()
            print(READY, flush=True)

    poll.timeout.connect(report_when_kept)
    poll.start(50)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:5]))

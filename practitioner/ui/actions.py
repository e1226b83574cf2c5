"""The window's actions and their keyboard shortcuts, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from practitioner.ui import icons

# Each action's icon (a Lucide name, `ui/icons.py`); the checkable view toggles have none.
ICONS: dict[str, str] = {
    "new_patient": "user-plus", "find": "search", "save": "save", "cancel_edit": "undo-2",
    "archive": "archive", "show_profile": "user", "show_sessions": "notebook-pen",
    "show_outcomes": "chart-line", "caseload": "chart-column", "progress_report": "file-text",
    "referral_letter": "mail", "kept_letters": "files", "export_json": "file-output",
    "take_home": "house",
    "export_csv": "sheet", "import_records": "file-input", "find_reference": "book-open",
    "new_session": "file-plus", "session_from_last": "copy-plus",
    "apply_protocol": "list-checks", "finalise": "file-check", "lock": "lock",
    "change_passphrase": "key-round", "encrypt": "shield", "set_pin": "hash",
    "quit": "log-out", "preferences": "settings", "about": "info", "shortcuts": "keyboard",
    "open_data_folder": "folder-open", "open_log_folder": "scroll-text",
}
# Icons of actions made elsewhere: the reference pane's F9 toggle.
REFERENCE_ICON = "panel-right"


@dataclass(frozen=True)
class Actions:
    """Every QAction of the main window."""

    new_patient: QAction
    find: QAction
    save: QAction
    cancel_edit: QAction
    archive: QAction
    show_profile: QAction
    show_sessions: QAction
    show_outcomes: QAction
    caseload: QAction
    progress_report: QAction
    referral_letter: QAction
    kept_letters: QAction
    take_home: QAction
    export_json: QAction
    export_csv: QAction
    import_records: QAction
    find_reference: QAction
    new_session: QAction
    session_from_last: QAction
    apply_protocol: QAction
    finalise: QAction
    show_archived: QAction
    lock: QAction
    change_passphrase: QAction
    encrypt: QAction
    set_pin: QAction
    quit: QAction
    preferences: QAction
    about: QAction
    shortcuts: QAction
    open_data_folder: QAction
    open_log_folder: QAction


def _action(
    parent: QWidget, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str,
    tip: str,
) -> QAction:
    action = QAction(text, parent)
    action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({keys})" if keys else tip)
    parent.addAction(action)
    return action


def build_actions(window: QWidget) -> Actions:
    """Create the actions, owned by and active anywhere in `window`."""
    show_archived = _action(window, "Show &archived patients", "Ctrl+Shift+A",
                            "Include archived patients in the list")
    show_archived.setCheckable(True)
    actions = Actions(
        new_patient=_action(window, "&New patient", "Ctrl+N", "Create a new patient record"),
        find=_action(window, "&Find patient", "Ctrl+F", "Search patients by name or birth date"),
        save=_action(window, "&Save", "Ctrl+S", "Save the open record"),
        cancel_edit=_action(window, "&Cancel edits", "Esc", "Go back to the saved record"),
        archive=_action(window, "&Archive / restore patient", "Ctrl+E",
                        "Archive the open patient, or restore an archived one"),
        show_archived=show_archived,
        show_profile=_action(window, "&Profile", "Ctrl+1", "Show the patient's profile"),
        show_sessions=_action(window, "&Sessions", "Ctrl+2", "Show the patient's sessions"),
        show_outcomes=_action(window, "&Outcomes", "Ctrl+3", "Show the patient's outcomes"),
        find_reference=_action(window, "Search the &reference", "Ctrl+R",
                               "Search causes, conditions, medications and TCM"),
        progress_report=_action(window, "Progress &report…", "Ctrl+Shift+P",
                                "Preview, print or save the open patient's progress report"),
        referral_letter=_action(window, "Referral &letter…", "Ctrl+Shift+R",
                                "Write to the patient's physician about flags and progress"),
        kept_letters=_action(window, "&Kept letters…", "Ctrl+Shift+T",
                             "The referral letters kept in the open patient's record"),
        take_home=_action(window, "&Take-home sheet…", "Ctrl+Shift+H",
                          "Print the visit's self-care, warning signs and a blank cramp "
                          "diary for the patient"),
        export_json=_action(window, "&Export all records (JSON)…", "",
                            "Every patient's whole record as one JSON file"),
        export_csv=_action(window, "Export for a s&preadsheet (CSV)…", "",
                           "Sessions, measures and diary as spreadsheet-safe CSV files"),
        import_records=_action(window, "&Import records…", "",
                               "Import a JSON export from this or another computer"),
        caseload=_action(window, "What &worked across the caseload…", "Ctrl+Shift+W",
                         "Responder rates by pattern and by protocol"),
        new_session=_action(window, "New &session", "Ctrl+Shift+N",
                            "Start an empty session note for the open patient"),
        session_from_last=_action(window, "New session from &last visit", "Ctrl+Shift+L",
                                  "Start a session pre-filled from the last visit"),
        apply_protocol=_action(window, "Apply &protocol", "Ctrl+P",
                               "Choose a point protocol for the open session"),
        finalise=_action(window, "&Finalise session", "",
                         "Save and sign the open session note; later changes are kept as "
                         "amendments"),
        lock=_action(window, "&Lock screen", "Ctrl+L",
                     "Hide all patient data until the passphrase or PIN is entered"),
        change_passphrase=_action(window, "Change &passphrase…", "",
                                  "Re-encrypt the records under a new passphrase"),
        encrypt=_action(window, "&Encrypt records…", "",
                        "Encrypt the records file on disk with a passphrase"),
        set_pin=_action(window, "Set lock P&IN…", "",
                        "The PIN that unlocks the screen when the records are not encrypted"),
        quit=_action(window, "&Quit", QKeySequence.StandardKey.Quit, "Close Cramp Practitioner"),
        preferences=_action(window, "&Preferences…", _standard_or(
            QKeySequence.StandardKey.Preferences, "Ctrl+,"),
            "Your name, the practice's letterhead, thresholds, locking, backups"),
        about=_action(window, "&About Cramp Practitioner", "",
                      "Version, licence, records and folders in use"),
        shortcuts=_action(window, "&Keyboard shortcuts", QKeySequence.StandardKey.HelpContents,
                          "Every command's keys"),
        open_data_folder=_action(window, "Open &data folder", "",
                                 "Show the folder holding the records and settings"),
        open_log_folder=_action(window, "Open &log folder", "",
                                "Show the folder holding the log files, for support"),
    )
    for field, name in ICONS.items():
        icons.bind(getattr(actions, field), name)
    return actions


def _standard_or(key: QKeySequence.StandardKey, fallback: str) -> QKeySequence:
    """The platform's key for `key`, or `fallback` where it has none (Linux, Windows)."""
    keys = QKeySequence.keyBindings(key)
    return keys[0] if keys else QKeySequence(fallback)


def shortcut_rows(menus: list[QMenu]) -> list[tuple[str, str, str]]:
    """(menu, command, keys) for every action with keys in `menus`, in menu order: what
    Help › Keyboard shortcuts shows, made from the actions themselves."""
    rows: list[tuple[str, str, str]] = []
    for menu in menus:
        for action in menu.actions():
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                             for k in action.shortcuts() if not k.isEmpty())
            if keys and not action.isSeparator():
                rows.append((_plain(menu.title()), _plain(action.text()), keys))
    return rows


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")

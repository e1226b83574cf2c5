"""The Help menu's commands (About, Keyboard shortcuts, the data and log folders) and the
start's offer to show the last native crash."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMenu, QWidget

from practitioner.logs import current_log_file, log_folder
from practitioner.paths import data_dir
from practitioner.ui.actions import shortcut_rows
from practitioner.ui.dialogs.about_dialog import AboutInfo
from practitioner.ui.messages import Messages

MAX_CRASH_CHARS = 20_000


def show_about(messages: Messages, parent: QWidget, records: str) -> None:
    """Help › About for the records described by `records` (a path or a server)."""
    messages.show_about(parent, AboutInfo.gather(records, data_dir(), current_log_file()))


def show_shortcuts(messages: Messages, parent: QWidget, menus: list[QMenu]) -> None:
    """Help › Keyboard shortcuts, made from `menus` as they are now."""
    messages.show_shortcuts(parent, shortcut_rows(menus))


def open_folder(messages: Messages, parent: QWidget, folder: Path) -> None:
    """Show `folder` in the file manager (made first if missing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        messages.error(parent, "Cannot open the folder",
                       f"{folder} cannot be made: {exc.strerror}.")
        return
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        messages.error(parent, "Cannot open the folder",
                       f"No file manager answered. The folder is {folder}.")


def open_data_folder(messages: Messages, parent: QWidget) -> None:
    """Help › Open data folder."""
    open_folder(messages, parent, data_dir())


def open_log_folder(messages: Messages, parent: QWidget) -> None:
    """Help › Open log folder."""
    open_folder(messages, parent, log_folder())


def offer_crash_report(messages: Messages, parent: QWidget | None, report: Path) -> None:
    """At start, after a native crash last time: offer to show its report (`report`, taken
    aside already, so this is offered once)."""
    if not messages.confirm(
            parent, "Cramp Practitioner stopped unexpectedly",
            "The app stopped because of a fault last time. A crash report was kept in "
            f"{report}; it holds no patient details. Show it?", "Show report"):
        return
    try:
        text = report.read_text(encoding="utf-8", errors="replace")[:MAX_CRASH_CHARS]
    except OSError as exc:
        messages.error(parent, "Cannot read the crash report", f"{report}: {exc.strerror}.")
        return
    messages.show_details(parent, "Crash report",
                          f"Send this file to support if the problem comes back: {report}",
                          text)

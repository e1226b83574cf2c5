"""How the desktop knows the app: its icon and the .desktop file that names it."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from practitioner.paths import shipped

# The AppStream id: the .desktop and metainfo files in resources/linux/ carry this name.
APP_ID = "org.cramppractitioner.CrampPractitioner"
ICON_NAME = "cramp-practitioner"


def app_icon() -> QIcon:
    """The app icon in every size rendered from its SVG (.packaging/make_icons.py)."""
    icon = QIcon()
    for png in sorted(shipped("resources", "icons").glob(f"{ICON_NAME}-*.png")):
        icon.addFile(str(png))
    return icon


def identify(app: QApplication) -> None:
    """Give every window the app icon, and tell Wayland which .desktop file is ours."""
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(APP_ID)

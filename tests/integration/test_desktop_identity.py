"""The desktop knows the app: name, organisation and version from the package metadata, an
icon made from its SVG, a .desktop file and AppStream metainfo that validate."""

from __future__ import annotations

import configparser
import importlib.util
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QIcon, QImage
from PySide6.QtWidgets import QApplication

import practitioner
from practitioner import app, paths
from practitioner.ui.app_identity import APP_ID, ICON_NAME
from tests.helpers.modals import Reply, answering

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
LINUX = ROOT / "resources" / "linux"
ICONS = ROOT / "resources" / "icons"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
DESKTOP = LINUX / f"{APP_ID}.desktop"


def _make_icons() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_icons",
                                                  ROOT / ".packaging" / "make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _differing_pixels(a: QImage, b: QImage) -> int:
    """Pixels that differ visibly (antialiasing may vary a little between Qt versions)."""
    a = a.convertToFormat(QImage.Format.Format_ARGB32)
    b = b.convertToFormat(QImage.Format.Format_ARGB32)
    assert a.size() == b.size()
    count = 0
    for y in range(a.height()):
        for x in range(a.width()):
            pa, pb = a.pixel(x, y), b.pixel(x, y)
            if max(abs((pa >> s & 0xFF) - (pb >> s & 0xFF)) for s in (0, 8, 16, 24)) > 24:
                count += 1
    return count


def test_name_organisation_and_version_come_from_the_package_metadata() -> None:
    assert practitioner.__version__ == PROJECT["version"] == metadata.version("cramp-practitioner")
    assert PROJECT["authors"][0]["name"] == practitioner.ORGANIZATION
    assert practitioner.DISPLAY_NAME == "Cramp Practitioner"
    # The data folder and settings keep the names of the first release.
    assert (paths.APP_NAME, paths.ORGANIZATION) == ("CrampPractitioner", "CrampPractitioner")


def test_the_checked_in_icons_are_rendered_from_the_svg(qapp: object, tmp_path: Path) -> None:
    make_icons = _make_icons()
    for size in make_icons.SIZES:
        shipped = QImage(str(ICONS / f"{ICON_NAME}-{size}.png"))
        assert (shipped.width(), shipped.height()) == (size, size)
    fresh = tmp_path / "64.png"
    make_icons.render(ICONS / f"{ICON_NAME}.svg", 64, fresh)
    assert _differing_pixels(QImage(str(fresh)), QImage(str(ICONS / f"{ICON_NAME}-64.png"))) \
        < 64 * 64 // 100, "the PNGs are stale: run python .packaging/make_icons.py"
    assert (ICONS / f"{ICON_NAME}.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (ICONS / f"{ICON_NAME}.icns").read_bytes()[:4] == b"icns"


def test_every_window_gets_the_app_icon(qapp: QApplication, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    QApplication.setWindowIcon(QIcon())
    bad = tmp_path / "notes.db"
    bad.write_text("not records")  # start-up stops at the first dialog: enough to see
    with answering(Reply("Cannot open the records", "OK")):
        assert app.main(["--db", str(bad), "--quit-after-startup"]) == 1
    sizes = {s.width() for s in QApplication.windowIcon().availableSizes()}
    assert {16, 32, 48, 256} <= sizes
    assert QApplication.desktopFileName() == APP_ID


def test_the_desktop_file_starts_the_installed_app_with_its_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(DESKTOP, encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    program, *arguments = desktop["Exec"].split()
    assert program in PROJECT["gui-scripts"]
    app.parse_args(arguments)  # the app takes what the launcher passes (no stray %f)
    assert desktop["Icon"] == ICON_NAME
    assert desktop["Categories"].endswith(";")
    main_categories = {"AudioVideo", "Development", "Education", "Game", "Graphics",
                       "Network", "Office", "Science", "Settings", "System", "Utility"}
    assert main_categories & set(desktop["Categories"].split(";"))


def test_the_metainfo_names_this_app_and_version() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("project_license") == PROJECT["license"]
    assert root.findtext("icon") == ICON_NAME
    releases = [r.get("version") for r in root.iter("release")]
    assert releases[0] == PROJECT["version"], "add a <release> for the new version"
    binaries = {b.text for b in root.iter("binary")}
    assert binaries == set(PROJECT["gui-scripts"]) | set(PROJECT["scripts"])


@pytest.mark.skipif(shutil.which("appstreamcli") is None,
                    reason="appstreamcli absent (Debian package `appstream`)")
def test_the_metainfo_and_desktop_file_validate_with_appstreamcli(tmp_path: Path) -> None:
    share = tmp_path / "usr" / "share"
    for folder, source in (("metainfo", METAINFO), ("applications", DESKTOP)):
        (share / folder).mkdir(parents=True)
        shutil.copy(source, share / folder / source.name)
    icons = share / "icons" / "hicolor" / "256x256" / "apps"
    icons.mkdir(parents=True)
    shutil.copy(ICONS / f"{ICON_NAME}-256.png", icons / f"{ICON_NAME}.png")
    for command in (["validate", "--no-net", str(METAINFO)],
                    ["validate-tree", "--no-net", str(tmp_path)]):
        result = subprocess.run(["appstreamcli", *command], capture_output=True, text=True,
                                timeout=60, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "E:" not in result.stdout and "W:" not in result.stdout, result.stdout

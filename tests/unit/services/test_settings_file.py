"""The command line reads settings.ini as the window's QSettings wrote it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from practitioner.services.privacy import retention_years_from
from practitioner.services.settings_file import ini_setting


def test_values_written_by_qsettings_read_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    settings.setValue("practitioner/name", 'Dr Zoë "Zo" O\'Neil, MSc')
    settings.setValue("privacy/retention_years", 12)
    settings.sync()
    assert ini_setting(path, "practitioner/name") == 'Dr Zoë "Zo" O\'Neil, MSc'
    assert retention_years_from(path) == 12


def test_missing_or_bad_values_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    assert ini_setting(path, "practitioner/name") is None
    assert retention_years_from(path) == 10
    path.write_text("[privacy]\nretention_years=-3\n", encoding="utf-8")
    assert retention_years_from(path) == 10
    path.write_text("not an ini file", encoding="utf-8")
    assert retention_years_from(path) == 10

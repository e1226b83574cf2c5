"""The licence and the third-party notices: the app is GPL-3.0-or-later, and the notices
are generated from the installed packages, naming every runtime dependency."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _notices_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "third_party_notices", ROOT / ".packaging" / "third_party_notices.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_project_is_gpl_3_or_later_with_its_licence_text() -> None:
    assert PROJECT["license"] == "GPL-3.0-or-later"
    for name in PROJECT["license-files"]:
        assert "GNU GENERAL PUBLIC LICENSE" in (ROOT / name).read_text(encoding="utf-8")
        assert "Version 3, 29 June 2007" in (ROOT / name).read_text(encoding="utf-8")


def test_the_notices_name_every_runtime_dependency_with_its_licence_text() -> None:
    text = _notices_script().notices()
    listed = {re.sub(r"[-_.]+", "-", line[2:].split()[0]).lower()
              for line in text.splitlines() if line.startswith("- ")}
    for requirement in PROJECT["dependencies"]:
        name = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]
        assert re.sub(r"[-_.]+", "-", name).lower() in listed, name
    assert "psycopg-binary" in listed  # reached through the `binary` extra
    assert not {"pytest", "hypothesis", "mypy", "ruff", "pyinstaller"} & listed
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text  # the LGPL-3.0 text for Qt
    assert "Copyright (c) 2010 Charles Leifer" in text  # a dependency's own licence file
    assert "Lucide icons" in text and "ISC License" in text  # the bundled action icons

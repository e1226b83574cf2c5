"""The wheel works anywhere: built from this checkout, installed into a fresh virtual
environment outside the source tree, both entry points open records and find the shipped
reference content and migrations."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_wheel_lists_every_package_folder_and_resources_folder() -> None:
    """pyproject.toml lists packages by hand (to map `resources/` in): none may be missed."""
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "practitioner").rglob("__init__.py")}
    resources = {".".join(("practitioner", "_resources", *p.relative_to(ROOT / "resources").parts))
                 for p in (ROOT / "resources").rglob("*") if p.is_dir()}
    assert listed == on_disk | resources | {"practitioner._resources"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a fresh virtual environment with the wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools leaves build/ and *.egg-info in the tree it builds.
    source = work / "source"
    for name in ("practitioner", "resources", "pyproject.toml", "README.md"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(work / "dist"), str(source)], check=True, cwd=work, env=_clean_env(),
                   timeout=300)
    (wheel,) = (work / "dist").glob("cramp_practitioner-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("points.json", "search_terms.toml", "reference/low-magnesium.toml"):
        assert f"practitioner/_resources/content/{shipped}" in names, shipped
    assert "practitioner/db/migrations/0001_patient_records.py" in names
    assert not any(n.startswith(("tests/", "resources/")) for n in names), names
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True, timeout=120)
    scripts = work / "venv" / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([scripts / "python", "-m", "pip", "install", "-q", str(wheel)],
                   check=True, cwd=work, env=_clean_env(), timeout=600)
    return scripts


def _clean_env() -> dict[str, str]:
    """This process's environment without what would lead Python back to the checkout."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def _run(scripts: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = _clean_env() | {"CRAMP_PRACTITIONER_DATA_DIR": str(cwd / "data"),
                          "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([str(scripts / args[0]), *args[1:]], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


@pytest.mark.slow
def test_installed_wheel_runs_both_entry_points_outside_the_checkout(
        installed: Path, tmp_path: Path) -> None:
    located = _run(installed, tmp_path, "python", "-c",
                   "import practitioner.paths as p; print(p.__file__); "
                   "print(p.shipped('resources', 'content', 'points.json'))")
    assert str(ROOT) not in located.stdout
    assert "_resources" in located.stdout
    _run(installed, tmp_path, "cramp-practitioner", "--db", str(tmp_path / "new.db"),
         "--quit-after-startup")
    assert (tmp_path / "new.db").is_file()
    demo = _run(installed, tmp_path, "cramp-practitioner-cli", "demo", "--patients", "3")
    assert demo.stdout.strip()
    _run(installed, tmp_path, "cramp-practitioner-cli", "check")
    found = _run(installed, tmp_path, "cramp-practitioner-cli", "reference", "search",
                 "magnesium")
    assert "magnesium" in found.stdout.lower()
    # A typo (rapidfuzz) and a brand name (only the shipped search_terms.toml knows it).
    typo = _run(installed, tmp_path, "cramp-practitioner-cli", "reference", "search", "magnesum")
    assert "low-magnesium" in typo.stdout
    brand = _run(installed, tmp_path, "cramp-practitioner-cli", "reference", "search", "ventolin")
    assert "salbutamol" in brand.stdout
    version = _run(installed, tmp_path, "cramp-practitioner-cli", "--version")
    assert PYPROJECT["project"]["version"] in version.stdout

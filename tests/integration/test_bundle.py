"""The Linux one-folder bundle built from .packaging/cramp-practitioner.spec starts on a new
records file and on the demo, answers a reference search through its command line, carries
its licences, holds no test or development package, and stays within its size.

Building takes minutes, so this runs only when asked: `.ci/bundle` (which builds it), or
PRACTITIONER_BUNDLE=<folder of an already built bundle>.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE_ENV = "PRACTITIONER_BUNDLE"
MAX_BYTES = 220_000_000
# Test and development tools: none of them may be inside (as a folder or a module).
DEVELOPMENT = ("pytest", "_pytest", "pytestqt", "pytest_benchmark", "pytest_randomly",
               "hypothesis", "mypy", "ruff", "importlinter", "grimp", "PyInstaller", "pip",
               "setuptools", "build", "PIL", "tests")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get(BUNDLE_ENV),
                       reason=f"the bundle test is opt-in: .ci/bundle, or {BUNDLE_ENV}=<folder>"),
]


@pytest.fixture(scope="module")
def bundle() -> Path:
    folder = Path(os.environ[BUNDLE_ENV])
    assert (folder / "cramp-practitioner").is_file(), f"no bundle in {folder}"
    return folder


def _run(bundle: Path, cwd: Path, exe: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env |= {"CRAMP_PRACTITIONER_DATA_DIR": str(cwd / "data"), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([str(bundle / exe), *args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def test_the_bundle_starts_on_a_new_records_file(bundle: Path, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    _run(bundle, tmp_path, "cramp-practitioner", "--db", str(db), "--quit-after-startup")
    with sqlite3.connect(db) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert {"patient", "schema_migration"} <= tables


def test_the_bundle_opens_the_demo(bundle: Path, tmp_path: Path) -> None:
    _run(bundle, tmp_path, "cramp-practitioner", "--demo", "--quit-after-startup")


def test_the_bundled_command_line_answers_a_reference_search(
        bundle: Path, tmp_path: Path) -> None:
    found = _run(bundle, tmp_path, "cramp-practitioner-cli", "reference", "search", "magnesium")
    assert "magnesium" in found.stdout.lower()
    # A typo (rapidfuzz) and a brand name (only the shipped search_terms.toml knows it).
    typo = _run(bundle, tmp_path, "cramp-practitioner-cli", "reference", "search", "magnesum")
    assert "low-magnesium" in typo.stdout
    brand = _run(bundle, tmp_path, "cramp-practitioner-cli", "reference", "search", "ventolin")
    assert "salbutamol" in brand.stdout
    version = _run(bundle, tmp_path, "cramp-practitioner-cli", "--version")
    assert version.stdout.split()[-1][0].isdigit()


def _bundled_modules(exe: Path) -> Iterator[str]:
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(exe))
    for name in archive.toc:
        if name.endswith(".pyz"):
            yield from archive.open_embedded_archive(name).toc


def test_no_test_or_development_package_is_inside(bundle: Path) -> None:
    pytest.importorskip("PyInstaller")
    files = {p.relative_to(bundle).parts[1] for p in (bundle / "_internal").rglob("*")
             if len(p.relative_to(bundle).parts) > 1}
    assert not {f for f in files if f.split("-")[0] in DEVELOPMENT or
                f.removesuffix(".py") in DEVELOPMENT}
    for exe in ("cramp-practitioner", "cramp-practitioner-cli"):
        modules = set(_bundled_modules(bundle / exe))
        assert "practitioner.app" in modules or "practitioner.reporting" in modules
        assert not {m for m in modules if m.split(".")[0] in DEVELOPMENT}, exe


def test_the_bundle_carries_its_licences_and_stays_small(bundle: Path) -> None:
    assert "GNU GENERAL PUBLIC LICENSE" in (bundle / "LICENSE.txt").read_text()
    notices = (bundle / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    for name in ("PySide6_Essentials", "peewee", "sqlcipher3", "numpy", "rapidfuzz",
                 "GNU Lesser General Public License"):
        assert name in notices
    assert not [p for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]
    # PyInstaller links some libraries into the top folder: count each file once.
    size = sum(p.lstat().st_size for p in bundle.rglob("*") if not p.is_dir() or p.is_symlink())
    assert size <= MAX_BYTES, f"{size / 1e6:.0f} MB"

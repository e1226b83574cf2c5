"""Write the third-party notices of everything the app installs with it, generated from the
installed packages' metadata (importlib.metadata), never kept by hand.

    python .packaging/third_party_notices.py OUT.txt

Walks the runtime requirements of `cramp-practitioner` (not its test or build extras) in
the current environment and writes, for each distribution: name, version, licence, home
page and the full text of every licence or notice file the distribution ships.
"""

from __future__ import annotations

import platform
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT_DISTRIBUTION = "cramp-practitioner"
LICENCE_FILE = re.compile(r"(^|/)(licen[cs]e|copying|notice|authors)[^/]*$", re.IGNORECASE)
QT_NOTE = """\
The Qt libraries inside PySide6 are used under the GNU Lesser General Public License v3
(LGPL-3.0). They are shipped as separate, unmodified shared libraries (PySide6/Qt/lib in the
bundle folder), so you may replace them with your own build of the same Qt version; the
source of Qt is at https://download.qt.io/official_releases/qt/ and of PySide6 at
https://download.qt.io/official_releases/QtForPython/. PySide6 and shiboken6 ship no licence
file of their own: the LGPL-3.0 text is at the end of this file, and the GPL-3.0 text is the
app's own LICENSE.
"""
LGPL_TEXT = Path(__file__).resolve().parent.parent / "resources" / "licenses" / "LGPL-3.0.txt"
# Bundled files, not a Python distribution: the toolbar and menu icons.
LUCIDE_LICENCE = LGPL_TEXT.parent.parent / "icons" / "lucide" / "LICENSE"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions(root: str = ROOT_DISTRIBUTION) -> list[metadata.Distribution]:
    """`root`'s installed runtime requirements, transitively, without extras; sorted by
    name. `root` itself is not included."""
    found: dict[str, metadata.Distribution] = {}
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while todo:
        name, extras = todo.pop()
        for text in metadata.distribution(name).requires or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker and not any(marker.evaluate({"extra": e}) for e in extras | {""}):
                continue
            key = _norm(requirement.name)
            try:
                found.setdefault(key, metadata.distribution(requirement.name))
            except metadata.PackageNotFoundError:
                continue  # an optional requirement not installed here (other platform)
            todo.append((requirement.name, frozenset(requirement.extras)))
    return sorted(found.values(), key=lambda d: _norm(d.metadata["Name"]))


def licence_of(dist: metadata.Distribution) -> str:
    """The distribution's licence as its metadata states it."""
    meta = dist.metadata
    declared = meta.get("License-Expression") or meta.get("License") or ""
    if declared and len(declared) < 200 and "\n" not in declared.strip():
        return declared.strip()
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    first_line = (declared.strip().splitlines() or [""])[0]
    return "; ".join(classifiers) or first_line or "see its licence text below"


def licence_texts(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """(file name, text) of every licence or notice file the distribution ships."""
    texts = []
    for file in dist.files or []:
        if LICENCE_FILE.search(str(file)) and not str(file).endswith((".py", ".pyc")):
            try:
                path = Path(str(file.locate()))
                texts.append((str(file), path.read_text(encoding="utf-8", errors="replace")))
            except OSError:
                continue
    return texts


def notices() -> str:
    """The whole notices document."""
    dists = runtime_distributions()
    rule = "=" * 78
    parts = [
        "Cramp Practitioner: third-party notices",
        "",
        "Cramp Practitioner is free software under the GNU General Public License v3 or later",
        "(LICENSE). It is shipped with the following software, each under its own licence.",
        "This file was generated from the installed packages' metadata.",
        "",
        f"- Python {platform.python_version()}: PSF-2.0 (https://docs.python.org/3/license.html)",
        *(f"- {d.metadata['Name']} {d.version}: {licence_of(d)}" for d in dists),
        "",
        QT_NOTE,
    ]
    for dist in dists:
        meta = dist.metadata
        home = meta.get("Home-page") or next(
            (u.split(",", 1)[1].strip() for u in meta.get_all("Project-URL") or []), "")
        parts += [rule, f"{meta['Name']} {dist.version}", f"Licence: {licence_of(dist)}"]
        if home:
            parts.append(f"Home page: {home}")
        for name, text in licence_texts(dist):
            parts += ["", f"--- {name} ---", text.rstrip()]
        parts.append("")
    parts += [rule, "Lucide icons (resources/icons/lucide, a selection of lucide-static 1.87.0)",
              "Licence: ISC", "Home page: https://lucide.dev", "",
              LUCIDE_LICENCE.read_text(encoding="utf-8").rstrip(), ""]
    parts += [rule, "GNU Lesser General Public License v3 (Qt, PySide6, shiboken6, psycopg)",
              "", LGPL_TEXT.read_text(encoding="utf-8").rstrip()]
    return "\n".join(parts) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: third_party_notices.py OUT.txt", file=sys.stderr)
        return 2
    Path(argv[0]).write_text(notices(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

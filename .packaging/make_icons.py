"""Render the app icon's SVG source to the PNG sizes, the Windows .ico and the macOS .icns.

Run from the checkout after changing resources/icons/cramp-practitioner.svg:
    python .packaging/make_icons.py
Qt (QSvgRenderer, part of PySide6-Essentials) draws the PNGs; Pillow (the `build` extra)
packs them into .ico and .icns.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
NAME = "cramp-practitioner"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int, out: Path) -> None:
    """Draw `svg` as a square `size` PNG with a transparent ground."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"error: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out)):
        raise SystemExit(f"error: cannot write {out}")


def main() -> int:
    from PIL import Image  # only here: rendering (and the test of it) needs Qt alone

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (Qt painting needs one)
    svg = ICONS / f"{NAME}.svg"
    pngs = {size: ICONS / f"{NAME}-{size}.png" for size in SIZES}
    for size, out in pngs.items():
        render(svg, size, out)
    largest = Image.open(pngs[max(SIZES)])
    largest.save(ICONS / f"{NAME}.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    largest.save(ICONS / f"{NAME}.icns")
    print(f"wrote {len(pngs)} PNGs, {NAME}.ico and {NAME}.icns to {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

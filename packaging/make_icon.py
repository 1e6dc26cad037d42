"""Render ``resources/icons/aapdesk.svg`` into the Windows icon ``packaging/windows/aapdesk.ico``.

Run after changing the SVG: ``.venv/bin/python packaging/make_icon.py``. The .ico is committed
because a Windows build should not depend on an SVG renderer: PyInstaller only turns PNG
files into .ico (through Pillow), not SVG. Qt's own SVG renderer (QtSvg, in
PySide6-Essentials) draws each size, so small sizes are rendered, not downscaled.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "aapdesk.svg"
ICO = ROOT / "packaging" / "windows" / "aapdesk.ico"
#: The sizes Windows picks from for the taskbar, Start menu, Explorer and desktop (100 % to 200 % scaling).
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # QPainter needs one
    images = [Image.open(io.BytesIO(render_png(size))) for size in SIZES]
    ICO.parent.mkdir(parents=True, exist_ok=True)
    # Pillow writes one entry per size, each from the rendered image of that size (append_images).
    largest = images[-1]
    largest.save(ICO, format="ICO", sizes=[(s, s) for s in SIZES], append_images=images[:-1])
    print(f"{ICO.relative_to(ROOT)} : {len(SIZES)} tailles, {ICO.stat().st_size // 1024} Ko")
    return 0


if __name__ == "__main__":
    sys.exit(main())

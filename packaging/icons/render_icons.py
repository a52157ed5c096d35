"""Render the app icon from SVG: hicolor PNGs for Linux, ``doccritic.ico`` for Windows, ``doccritic.icns`` for macOS.

    python packaging/icons/render_icons.py      (any Python with PySide6; runs offscreen)

Sources: ``doccritic.svg``, and ``doccritic-<size>.svg`` where a size has its own drawing (16 and 24 px: the same
mark redrawn on the pixel grid so it stays crisp in a menu, a title bar or a taskbar). Only PySide6 is
needed (QtSvg ships in PySide6-Essentials); the ``.ico`` and ``.icns`` containers are written here with
PNG payloads, so neither Pillow nor macOS's ``iconutil`` is required. ``--check`` renders to a temporary
folder and fails if the committed files are out of date.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# (type, pixel size) pairs macOS reads from an .icns; every entry is a PNG.
ICNS_ENTRIES = (
    ("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512),
    ("ic11", 32), ("ic12", 64), ("ic13", 256), ("ic14", 512), ("ic10", 1024),
)


def source_for(size: int) -> Path:
    own = HERE / f"doccritic-{size}.svg"
    return own if own.exists() else HERE / "doccritic.svg"


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(source_for(size)))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: cannot read {source_for(size)}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """An .ico whose entries are PNGs (Windows Vista and later read them at every size)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, payload = b"", b""
    for size in sizes:
        data = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset + len(payload))
        payload += data
    return header + entries + payload


def icns(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(struct.pack(">4sI", kind.encode(), 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_ENTRIES)
    return struct.pack(">4sI", b"icns", 8 + len(body)) + body


def render_all(out: Path) -> list[Path]:
    sizes = sorted(set(HICOLOR_SIZES) | set(ICO_SIZES) | {size for _, size in ICNS_ENTRIES})
    pngs = {size: render_png(size) for size in sizes}
    written = []
    for size in HICOLOR_SIZES:
        path = out / "hicolor" / f"{size}x{size}" / "apps" / "doccritic.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pngs[size])
        written.append(path)
    scalable = out / "hicolor" / "scalable" / "apps" / "doccritic.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes((HERE / "doccritic.svg").read_bytes())
    written.append(scalable)
    (out / "doccritic.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
    (out / "doccritic.icns").write_bytes(icns(pngs))
    written += [out / "doccritic.ico", out / "doccritic.icns"]
    return written


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - QtSvg needs one
    for path in render_all(HERE):
        print(path.relative_to(HERE.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The extension's toolbar icons, drawn here (no image library, no third-party art).

Two overlapping circles, the overlap darker: two people's worlds and what they share.
``browser/icons/N.png`` are these drawings; a test keeps them equal, and
``python -m havewemet.extension.icons`` writes them again after a change here.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

SIZES = (16, 32, 48, 128)
_LEFT = (0x2E, 0x6F, 0xB7)  # blue
_RIGHT = (0x3C, 0x9A, 0x5A)  # green
_BOTH = (0x1F, 0x3A, 0x5C)  # the overlap


def _coverage(x: float, y: float, cx: float, cy: float, r: float) -> float:
    """How much of the pixel at (x, y) the circle covers (4 x 4 samples)."""
    inside = 0
    for i in range(4):
        for j in range(4):
            dx, dy = x + (i + 0.5) / 4 - cx, y + (j + 0.5) / 4 - cy
            inside += dx * dx + dy * dy <= r * r
    return inside / 16


def draw(size: int) -> bytes:
    """The icon as an RGBA PNG of ``size`` x ``size`` pixels."""
    r = size * 0.3
    left, right, cy = size * 0.36, size * 0.64, size / 2
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            a = _coverage(x, y, left, cy, r)
            b = _coverage(x, y, right, cy, r)
            both = min(a, b)
            alpha = max(a, b)
            if alpha == 0:
                row += bytes(4)
                continue
            weights = ((a - both, _LEFT), (b - both, _RIGHT), (both, _BOTH))
            total = sum(w for w, _ in weights) or 1
            rgb = [round(sum(w * c[k] for w, c in weights) / total) for k in range(3)]
            row += bytes([*rgb, round(255 * alpha)])
        rows.append(bytes(row))
    return png(size, rows)


def png(size: int, rows: list[bytes]) -> bytes:
    """A square RGBA PNG from its rows (each a filter byte, then 4 bytes a pixel)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def write_icons(folder: Path) -> list[Path]:
    """Write every size into ``folder`` (``16.png`` ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for s in SIZES:
        p = folder / f"{s}.png"
        p.write_bytes(draw(s))
        out.append(p)
    return out


if __name__ == "__main__":
    write_icons(Path(__file__).resolve().parent / "browser" / "icons")

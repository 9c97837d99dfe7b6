"""Draw the app icons (a barbell on teal) as PNG files, with no imaging library.

Run once when the design changes: ``python tools/make_icons.py``; the PNGs are committed.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

TEAL = (15, 118, 110)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "icons"


def png(width: int, pixels: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\0" + row for row in pixels)
    header = struct.pack(">IIBBBBB", width, len(pixels), 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def barbell(size: int, safe: float) -> bytes:
    """A barbell centred in the icon, kept within ``safe`` of the size (maskable icons crop)."""
    half = size / 2
    span = size * safe / 2

    def inside(x: float, y: float) -> bool:
        dx, dy = abs(x - half), abs(y - half)
        bar = dx <= span * 0.95 and dy <= size * 0.035
        plate = span * 0.45 <= dx <= span * 0.62 and dy <= span * 0.55
        small = span * 0.66 <= dx <= span * 0.78 and dy <= span * 0.38
        return bar or plate or small

    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            row.extend(WHITE if inside(x + 0.5, y + 0.5) else TEAL)
        rows.append(bytes(row))
    return png(size, rows)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / "icon-192.png").write_bytes(barbell(192, 0.8))
    (OUT / "icon-512.png").write_bytes(barbell(512, 0.8))
    (OUT / "icon-maskable-512.png").write_bytes(barbell(512, 0.6))


if __name__ == "__main__":
    main()

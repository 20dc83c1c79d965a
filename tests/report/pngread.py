"""Just enough PNG decoding (stdlib zlib) to count a screenshot's colours: 8-bit RGB/RGBA only."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def read_png(path: Path, *, keep_alpha: bool = False) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB bytes) of a non-interlaced 8-bit RGB or RGBA PNG (RGBA rows
    with `keep_alpha`, from an RGBA PNG: a transparent overlay's screenshot)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "unsupported PNG"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        previous = line
        if channels == 4 and keep_alpha:
            rows.append(bytes(line))
        elif channels == 4:
            rgb = bytearray(width * 3)
            rgb[0::3], rgb[1::3], rgb[2::3] = line[0::4], line[1::4], line[2::4]
            rows.append(bytes(rgb))
        else:
            rows.append(bytes(line))
    return width, height, rows


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def rows_with(rows: list[bytes], colour: str, *, at_least: int = 3) -> list[int]:
    """Indexes of the rows holding at least `at_least` pixels of exactly `colour`."""
    needle = bytes(hex_rgb(colour))
    found = []
    for y, row in enumerate(rows):
        hits, start = 0, 0
        while hits < at_least:
            i = row.find(needle, start)
            if i < 0:
                break
            if i % 3 == 0:
                hits += 1
            start = i + 1
        if hits >= at_least:
            found.append(y)
    return found

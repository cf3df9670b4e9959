"""Where a photo was taken, taken out of the copy that is published, without touching its pixels.

Phones write the place of every photo into it: the EXIF GPS block, XMP (which repeats the GPS
and often adds a city or a place name), IPTC (city, sub-location, country), the maker's notes,
and, in multi-picture JPEGs, more EXIF in the pictures after the first. A newsroom's photo of a
source's house must not tell where the house is. `strip_location` rewrites the file's
containers — JPEG segments, PNG chunks, WebP chunks — dropping those parts and keeping the
rest byte for byte: the compressed pixels, the colour profile, and the EXIF orientation, so that
the photo still shows the right way up. Nothing is decoded or encoded again, so no quality is
lost.

The copy is kept in the image cache under the hash of the original's bytes, like the resized
images; a file with nothing to remove is published as it is.
"""
from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

from .images import write_atomically

STRIP_VERSION = 1  # bump when what is removed changes: the cached copies are then made again
STRIPPED_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")

_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_INTEROP_IFD = 0xA005
_MAKER_NOTE = 0x927C  # the camera maker's own block: undocumented, some hold positions
_UNCHANGED = ".same"  # the cache's note that a file had nothing to remove


class NotWellFormed(Exception):
    """The file does not follow its format far enough to be rewritten safely."""


def strip_location(source_path: Path, cache_dir: Path) -> Path:
    """The path of a copy of the image without its location data, or `source_path` when it
    holds none. Raises NotWellFormed when the file cannot be taken apart, and OSError."""
    data = source_path.read_bytes()
    suffix = source_path.suffix.lower()
    key = hashlib.sha256(b"\0".join([str(STRIP_VERSION).encode(), suffix.encode(),
                                     hashlib.sha256(data).digest()])).hexdigest()
    stripped_path = cache_dir / f"{key}{suffix}"
    if stripped_path.is_file():
        return stripped_path
    if (cache_dir / f"{key}{_UNCHANGED}").is_file():
        return source_path
    stripped = without_location(data)
    cache_dir.mkdir(parents=True, exist_ok=True)
    if stripped == data:
        write_atomically(cache_dir / f"{key}{_UNCHANGED}", b"")
        return source_path
    write_atomically(stripped_path, stripped)
    return stripped_path


def without_location(data: bytes) -> bytes:
    """The image's bytes without GPS, XMP, IPTC and makers' notes (the same bytes when it has
    none). The format is told by the bytes, not the name: a PNG saved as .jpg is cleaned too,
    and a file that is none of the three (a phone's HEIC renamed .jpg) raises NotWellFormed."""
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    if data.startswith(_PNG_SIGNATURE):
        return _png(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    raise NotWellFormed


def _clean_exif(tiff: bytes) -> bytes | None:
    """EXIF (TIFF bytes, without the "Exif\\0\\0" of JPEG) without its GPS block and makers'
    notes; the same bytes when it has neither, None when it cannot be read (then it is dropped
    whole: a block nobody can read may hold anything).

    Edited in place rather than written anew, so that every other value — a photographer's
    name in UTF-8, the thumbnail — stays byte for byte: the two entries are taken out of their
    directories and the bytes they pointed to are zeroed.
    """
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return None
    order = "<" if tiff[:2] == b"II" else ">"
    buffer = bytearray(tiff)
    try:
        if struct.unpack_from(order + "H", buffer, 2)[0] != 42:
            return None
        first = struct.unpack_from(order + "I", buffer, 4)[0]
        exif_ifd = _entry_value(buffer, order, first, _EXIF_IFD)
        changed = _remove_entry(buffer, order, first, _GPS_IFD, points_to_ifd=True)
        if exif_ifd is not None:
            changed = _remove_entry(buffer, order, exif_ifd, _MAKER_NOTE) or changed
    except (struct.error, IndexError, ValueError):
        return None
    return bytes(buffer) if changed else tiff


# TIFF field types → bytes per value (BYTE, ASCII, SHORT, LONG, RATIONAL, SBYTE, UNDEFINED,
# SSHORT, SLONG, SRATIONAL, FLOAT, DOUBLE, IFD).
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}


def _entries(buffer: bytearray, order: str, ifd: int) -> list[tuple[int, int, int, int, int]]:
    """(position, tag, type, count, value field) of each entry of the directory at `ifd`."""
    count = struct.unpack_from(order + "H", buffer, ifd)[0]
    if ifd + 2 + 12 * count + 4 > len(buffer):
        raise ValueError("directory beyond the block")
    return [(ifd + 2 + 12 * index, *struct.unpack_from(order + "HHII", buffer, ifd + 2 + 12 * index))
            for index in range(count)]


def _entry_value(buffer: bytearray, order: str, ifd: int, tag: int) -> int | None:
    return next((value for _at, found, _kind, _count, value in _entries(buffer, order, ifd)
                 if found == tag), None)


def _zero_value(buffer: bytearray, order: str, kind: int, count: int, value: int) -> None:
    """Zero the bytes an entry's value lies in, when they lie outside the entry."""
    size = _TYPE_SIZES.get(kind, 1) * count
    if size > 4:
        if value + size > len(buffer):
            raise ValueError("value beyond the block")
        buffer[value:value + size] = bytes(size)


def _remove_entry(buffer: bytearray, order: str, ifd: int, tag: int,
                  points_to_ifd: bool = False) -> bool:
    """Take the entry `tag` out of the directory at `ifd` and zero what it pointed to (with
    `points_to_ifd`, the whole directory it points to and its values); whether it was there."""
    entries = _entries(buffer, order, ifd)
    index = next((i for i, entry in enumerate(entries) if entry[1] == tag), None)
    if index is None:
        return False
    _at, _tag, kind, count, value = entries[index]
    if points_to_ifd:
        for _at2, _tag2, kind2, count2, value2 in _entries(buffer, order, value):
            _zero_value(buffer, order, kind2, count2, value2)
        size = 2 + 12 * struct.unpack_from(order + "H", buffer, value)[0] + 4
        buffer[value:value + size] = bytes(size)
    else:
        _zero_value(buffer, order, kind, count, value)
    total = len(entries)
    start = ifd + 2 + 12 * index
    end = ifd + 2 + 12 * total + 4  # the entries and the next directory's offset
    buffer[start:end - 12] = buffer[start + 12:end]
    buffer[end - 12:end] = bytes(12)
    struct.pack_into(order + "H", buffer, ifd, total - 1)
    return True


# --- JPEG ------------------------------------------------------------------------------------

_XMP_PREFIXES = (b"http://ns.adobe.com/xap/1.0/\0", b"http://ns.adobe.com/xmp/extension/\0")


def _jpeg(data: bytes) -> bytes:
    """The JPEG's segments up to the end of its first picture, without XMP (APP1), IPTC
    (APP13) and the multi-picture index (APP2 "MPF"), its EXIF cleaned. What follows the first
    picture — the other pictures of a multi-picture file, makers' trailers — is left out."""
    if not data.startswith(b"\xff\xd8"):
        raise NotWellFormed
    out = [b"\xff\xd8"]
    position = 2
    while True:
        marker, position = _next_marker(data, position)
        if marker == 0xD9:  # end of the picture
            out.append(b"\xff\xd9")
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length follows
            out.append(bytes((0xFF, marker)))
            continue
        if position + 2 > len(data):
            raise NotWellFormed
        length = struct.unpack(">H", data[position:position + 2])[0]
        end = position + length
        if length < 2 or end > len(data):
            raise NotWellFormed
        payload = data[position + 2:end]
        segment = data[position - 2:end]
        if marker == 0xE1 and payload.startswith(b"Exif\0\0"):
            tiff = _clean_exif(payload[6:])
            if tiff is not None:
                out.append(segment if tiff == payload[6:] else _jpeg_segment(0xE1, b"Exif\0\0" + tiff))
        elif marker == 0xE1 and payload.startswith(_XMP_PREFIXES):
            pass
        elif marker == 0xED or (marker == 0xE2 and payload.startswith(b"MPF\0")):
            pass
        else:
            out.append(segment)
        position = end
        if marker == 0xDA:  # start of scan: the compressed data runs to the next marker
            scan_end = _end_of_scan(data, position)
            out.append(data[position:scan_end])
            position = scan_end


def _next_marker(data: bytes, position: int) -> tuple[int, int]:
    """(marker, position after it) of the marker at `position`, fill bytes skipped."""
    if position >= len(data) or data[position] != 0xFF:
        raise NotWellFormed
    while position < len(data) and data[position] == 0xFF:
        position += 1
    if position >= len(data):
        raise NotWellFormed
    return data[position], position + 1


def _end_of_scan(data: bytes, position: int) -> int:
    """Where the entropy-coded data starting at `position` ends: at the first 0xFF that is
    neither a stuffed 0xFF00 nor a restart marker."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            raise NotWellFormed
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position += 2
        elif following == 0xFF:
            position += 1
        else:
            return position


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    if len(payload) + 2 > 0xFFFF:
        raise NotWellFormed
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


# --- PNG -------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt")


def _png(data: bytes) -> bytes:
    """The PNG's chunks up to IEND without XMP and the raw EXIF, XMP and IPTC profiles other
    tools keep in text chunks, its eXIf cleaned."""
    if not data.startswith(_PNG_SIGNATURE):
        raise NotWellFormed
    out = [_PNG_SIGNATURE]
    position = len(_PNG_SIGNATURE)
    while True:
        if position + 8 > len(data):
            raise NotWellFormed
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        end = position + 12 + length
        if end > len(data):
            raise NotWellFormed
        body = data[position + 8:position + 8 + length]
        chunk = data[position:end]
        if kind == b"eXIf":
            tiff = _clean_exif(body)
            if tiff is not None:
                out.append(chunk if tiff == body else _png_chunk(b"eXIf", tiff))
        elif kind in _TEXT_CHUNKS and _is_metadata_keyword(body.split(b"\0", 1)[0]):
            pass
        else:
            out.append(chunk)
        position = end
        if kind == b"IEND":
            return b"".join(out)


def _is_metadata_keyword(keyword: bytes) -> bool:
    """XMP, and the "Raw profile type exif/xmp/iptc/APP1" chunks ImageMagick writes."""
    return keyword == b"XML:com.adobe.xmp" or keyword.lower().startswith(b"raw profile type")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + \
        struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


# --- WebP ------------------------------------------------------------------------------------

_VP8X_EXIF = 0x08
_VP8X_XMP = 0x04


def _webp(data: bytes) -> bytes:
    """The WebP without its "XMP " chunk, its EXIF chunk cleaned, the VP8X flags to match."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise NotWellFormed
    size = struct.unpack("<I", data[4:8])[0]
    if size + 8 > len(data) or size < 4:
        raise NotWellFormed
    chunks = []
    position, riff_end = 12, 8 + size
    while position < riff_end:
        if position + 8 > riff_end:
            raise NotWellFormed
        kind, length = struct.unpack("<4sI", data[position:position + 8])
        end = position + 8 + length + (length & 1)
        if position + 8 + length > riff_end:
            raise NotWellFormed
        chunks.append((kind, data[position + 8:position + 8 + length], data[position:min(end, riff_end)]))
        position = end
    out, has_exif = [], False
    for kind, body, chunk in chunks:
        if kind == b"EXIF":
            # Some writers keep JPEG's "Exif\0\0" before the TIFF bytes.
            prefix = b"Exif\0\0" if body.startswith(b"Exif\0\0") else b""
            tiff = _clean_exif(body[len(prefix):])
            if tiff is not None:
                has_exif = True
                out.append(chunk if tiff == body[len(prefix):] else _webp_chunk(b"EXIF", prefix + tiff))
        elif kind != b"XMP ":
            out.append(chunk)
    if [c for _k, _b, c in chunks] == out:
        return data
    if out and out[0][:4] == b"VP8X" and len(out[0]) >= 9:
        flags = out[0][8] & ~(_VP8X_XMP | _VP8X_EXIF) | (_VP8X_EXIF if has_exif else 0)
        out[0] = out[0][:8] + bytes((flags,)) + out[0][9:]
    body = b"WEBP" + b"".join(out)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _webp_chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b"")

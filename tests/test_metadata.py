"""Location data out of published photos: JPEG, PNG and WebP rewritten without GPS, XMP, IPTC
and makers' notes, pixels, colour profile and orientation untouched, cached by content."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms, ImageOps

from bantin.metadata import NotWellFormed, strip_location, without_location

GPS = {1: "N", 2: (21.0, 1.0, 42.0), 3: "E", 4: (105.0, 50.0, 7.0)}
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
       b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
       b'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" exif:GPSLatitude="21,1.7N" '
       b'photoshop:City="Ba Vi"/></rdf:RDF></x:xmpmeta>')


def _exif(orientation: int = 6, gps: bool = True) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Canon"  # Make: kept
    exif[0x8298] = "Ban bien tap"  # Copyright: kept
    exif[0x8769] = {0x9003: "2024:07:05 09:00:00", 0x927C: b"MAKER-NOTE-WITH-PLACE"}
    if gps:
        exif[0x8825] = GPS
    return exif.tobytes()


def _picture(width: int = 64, height: int = 32) -> Image.Image:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    for x in range(width // 2):  # something that is not uniform, to tell the orientation
        image.putpixel((x, 0), (0, 0, 255))
    return image


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def _phone_jpeg(**save) -> bytes:
    """A JPEG as phones write it: EXIF with GPS, XMP with the place, IPTC, a trailer."""
    buffer = io.BytesIO()
    _picture().save(buffer, "JPEG", exif=_exif(), quality=90,
                    icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
                    **save)
    data = buffer.getvalue()
    extra = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP) + \
        _segment(0xED, b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x0b\x1c\x02\x5a\0\x05Ba Vi")
    return data[:2] + extra + data[2:] + b"TRAILER 21.0283N 105.8342E"


def _decoded(data: bytes) -> tuple:
    image = Image.open(io.BytesIO(data))
    return image.size, image.tobytes(), image.getexif().get(0x0112)


def test_a_phone_jpeg_loses_where_it_was_taken_and_nothing_else():
    original = _phone_jpeg()

    stripped = without_location(original)

    assert b"Ba Vi" not in stripped and b"TRAILER" not in stripped
    assert b"MAKER-NOTE" not in stripped and b"ns.adobe.com/xap" not in stripped
    image = Image.open(io.BytesIO(stripped))
    exif = image.getexif()
    assert 0x8825 not in exif and exif.get_ifd(0x8825) == {}
    assert exif[0x0112] == 6 and exif[0x010F] == "Canon" and exif[0x8298] == "Ban bien tap"
    assert exif.get_ifd(0x8769) == {0x9003: "2024:07:05 09:00:00"}
    assert image.info["icc_profile"] == Image.open(io.BytesIO(original)).info["icc_profile"]
    # The same pixels, not encoded again, and the same way up once the orientation is applied.
    assert _decoded(stripped) == _decoded(original)
    assert ImageOps.exif_transpose(image).size == (32, 64)


def test_a_progressive_jpeg_keeps_every_scan():
    original = _phone_jpeg(progressive=True)

    stripped = without_location(original)

    assert _decoded(stripped) == _decoded(original)
    assert stripped.count(b"\xff\xda") == original.count(b"\xff\xda") > 1
    assert 0x8825 not in Image.open(io.BytesIO(stripped)).getexif()


def test_a_multi_picture_jpeg_keeps_only_its_first_picture():
    buffer = io.BytesIO()
    second = Image.new("RGB", (16, 16), (1, 2, 3))
    _picture().save(buffer, "MPO", save_all=True, append_images=[second], exif=_exif())
    original = buffer.getvalue()
    assert Image.open(io.BytesIO(original)).n_frames == 2

    stripped = without_location(original)

    image = Image.open(io.BytesIO(stripped))
    assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
    assert image.size == (64, 32) and 0x8825 not in image.getexif()
    assert b"MPF\0" not in stripped


def test_a_jpeg_without_location_is_left_byte_for_byte():
    buffer = io.BytesIO()
    _picture().save(buffer, "JPEG", exif=_exif(gps=False).replace(b"MAKER-NOTE-WITH-PLACE",
                                                                   b"x" * 21))
    # A maker's note is taken out however harmless it looks; without one, nothing is touched.
    plain = io.BytesIO()
    _picture().save(plain, "JPEG", quality=80)

    assert without_location(plain.getvalue()) == plain.getvalue()
    assert b"x" * 21 not in without_location(buffer.getvalue())


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_a_png_loses_exif_gps_and_xmp_and_keeps_its_other_text():
    buffer = io.BytesIO()
    _picture().save(buffer, "PNG", exif=_exif())
    data = buffer.getvalue()
    end = data.rindex(b"IEND") - 4
    data = data[:end] + _png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + XMP) + \
        _png_chunk(b"tEXt", b"Raw profile type exif\0\nexif\n 12\nBa Vi 21.0N\n") + \
        _png_chunk(b"tEXt", b"Title\0Hop dan") + data[end:]

    stripped = without_location(data)

    image = Image.open(io.BytesIO(stripped))
    image.load()
    assert b"Ba Vi" not in stripped and b"MAKER-NOTE" not in stripped
    assert image.getexif()[0x0112] == 6 and 0x8825 not in image.getexif()
    assert image.info["Title"] == "Hop dan"
    assert image.tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_a_webp_loses_exif_gps_and_xmp_and_its_flags_say_so():
    buffer = io.BytesIO()
    _picture().save(buffer, "WEBP", exif=_exif(), xmp=XMP, lossless=True)
    original = buffer.getvalue()
    assert b"Ba Vi" in original

    stripped = without_location(original)

    assert b"Ba Vi" not in stripped and b"XMP " not in stripped
    assert struct.unpack("<I", stripped[4:8])[0] == len(stripped) - 8
    assert stripped[12:16] == b"VP8X" and stripped[20] & 0x04 == 0 and stripped[20] & 0x08
    image = Image.open(io.BytesIO(stripped))
    assert image.getexif()[0x0112] == 6 and 0x8825 not in image.getexif()
    assert image.tobytes() == Image.open(io.BytesIO(original)).tobytes()


@pytest.mark.parametrize("data", [b"\xff\xd8\xff\xe1\x00", b"\xff\xd8\xff\xda\x00\x02\x01\x02",
                                  b"\x00\x00\x00\x18ftypheic heic with GPS", b"not an image"])
def test_a_file_that_cannot_be_taken_apart_is_refused(data):
    with pytest.raises(NotWellFormed):
        without_location(data)


def test_the_copy_is_cached_by_content(tmp_path):
    source = tmp_path / "content" / "hop-dan.jpg"
    source.parent.mkdir()
    source.write_bytes(_phone_jpeg())
    cache = tmp_path / "cache"

    copy = strip_location(source, cache)
    made = copy.stat().st_mtime_ns

    assert copy.parent == cache and copy.read_bytes() == without_location(source.read_bytes())
    assert strip_location(source, cache) == copy and copy.stat().st_mtime_ns == made
    moved = tmp_path / "content" / "doi-ten.jpg"  # renamed: the same bytes, the same copy
    source.rename(moved)
    assert strip_location(moved, cache) == copy


def test_a_file_with_nothing_to_remove_is_published_itself(tmp_path):
    source = tmp_path / "a.jpg"
    buffer = io.BytesIO()
    _picture().save(buffer, "JPEG")
    source.write_bytes(buffer.getvalue())

    assert strip_location(source, tmp_path / "cache") == source
    assert strip_location(source, tmp_path / "cache") == source  # from the cache's note
    assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".same"]


def test_the_rest_of_exif_stays_byte_for_byte():
    # An Artist in UTF-8, as Vietnamese names are often written, then a GPS block with its
    # rationals out of line: only the GPS entry and the bytes it pointed to change.
    artist = "Nguyễn Văn A".encode() + b"\0"
    gps_at = 8 + 2 + 24 + 4
    artist_at = gps_at + 2 + 12 + 4
    latitude_at = artist_at + len(artist)
    tiff = (b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 2)
            + struct.pack("<HHII", 0x013B, 2, len(artist), artist_at)
            + struct.pack("<HHII", 0x8825, 4, 1, gps_at) + struct.pack("<I", 0)
            + struct.pack("<H", 1) + struct.pack("<HHII", 2, 5, 3, latitude_at) + b"\0" * 4
            + artist + struct.pack("<6I", 21, 1, 1, 1, 42, 1))
    buffer = io.BytesIO()
    _picture().save(buffer, "JPEG", exif=b"Exif\0\0" + tiff)

    stripped = without_location(buffer.getvalue())

    exif = Image.open(io.BytesIO(stripped)).info["exif"][6:]
    assert exif[:8] == tiff[:8] and struct.unpack_from("<H", exif, 8) == (1,)
    assert exif[10:22] == tiff[10:22]  # the Artist entry, where it was
    assert exif[artist_at:latitude_at] == artist
    assert exif[gps_at:artist_at] == bytes(artist_at - gps_at)
    assert exif[latitude_at:] == bytes(24) and len(exif) == len(tiff)

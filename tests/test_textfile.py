"""Reading user text files: UTF-8 with or without BOM, any line endings, NFC; other encodings refused."""
from __future__ import annotations

import codecs
import unicodedata

import pytest

from bantin.textfile import decode_text, read_text_file

SAVE_AS_UTF8 = "save the file as UTF-8 (in most editors: Save As → Encoding → UTF-8)"


def test_plain_utf8():
    assert decode_text("title: Hà Nội\n".encode("utf-8"), "content/a.md") == ("title: Hà Nội\n", [])


def test_utf8_bom_is_dropped():
    text, problems = decode_text(codecs.BOM_UTF8 + "---\ntitle: Hà Nội\n".encode(), "content/a.md")

    assert (text, problems) == ("---\ntitle: Hà Nội\n", [])


def test_crlf_and_bare_cr_become_lf():
    text, problems = decode_text(b"---\r\ntitle: A\rdate: 2024-07-05\r\n---\r\n", "content/a.md")

    assert (text, problems) == ("---\ntitle: A\ndate: 2024-07-05\n---\n", [])


def test_decomposed_text_becomes_nfc():
    decomposed = unicodedata.normalize("NFD", "Khánh Thượng")
    text, _ = decode_text(decomposed.encode("utf-8"), "content/a.md")

    assert text == "Khánh Thượng"
    assert unicodedata.is_normalized("NFC", text)


def test_windows_1258_bytes_are_refused_with_their_line():
    data = b"---\ntitle: Tin moi\n" + "locality: Đông Anh\n".encode("cp1258")

    text, problems = decode_text(data, "content/2024/dong-anh.md")

    assert text is None
    assert [p.format() for p in problems] == [
        "content/2024/dong-anh.md:3: the file is not UTF-8 (byte 0xd0 cannot be read; "
        f"it may be Windows-1258 or Latin-1) — {SAVE_AS_UTF8}"]


def test_latin1_bytes_are_refused_with_their_line():
    text, problems = decode_text("a\nb\ncafé\n".encode("latin-1"), "content/a.md")

    assert text is None
    assert [p.format() for p in problems] == [
        "content/a.md:3: the file is not UTF-8 (byte 0xe9 cannot be read; "
        f"it may be Windows-1258 or Latin-1) — {SAVE_AS_UTF8}"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused(encoding):
    text, problems = decode_text("---\ntitle: Hà Nội\n".encode(encoding), "content/a.md")

    assert text is None
    assert [p.format() for p in problems] == [
        f"content/a.md: the file is UTF-16, not UTF-8 — {SAVE_AS_UTF8}"]


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_is_named_as_such(encoding):
    data = "---\ntitle: Hà Nội\n".encode(encoding)
    if encoding != "utf-32":
        data = (codecs.BOM_UTF32_LE if encoding.endswith("le") else codecs.BOM_UTF32_BE) + data
    text, problems = decode_text(data, "content/a.md")

    assert text is None
    assert [p.format() for p in problems] == [
        f"content/a.md: the file is UTF-32, not UTF-8 — {SAVE_AS_UTF8}"]


def test_empty_file_is_empty_text():
    assert decode_text(b"", "content/a.md") == ("", [])


def test_read_text_file_reads_from_disk(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(codecs.BOM_UTF8 + "xã Ba Vì\r\n".encode())

    assert read_text_file(path, "content/a.md") == ("xã Ba Vì\n", [])


def test_read_text_file_reports_a_missing_file(tmp_path):
    text, problems = read_text_file(tmp_path / "missing.md", "content/missing.md")

    assert text is None
    assert [p.format() for p in problems] == [
        "content/missing.md: cannot read the file: No such file or directory"]

"""Reading user text files: UTF-8 (BOM or not), any line endings, normalised to NFC."""
from __future__ import annotations

import codecs
from pathlib import Path

from .messages import _
from .problems import Problem
from .text import nfc

_SAVE_AS_UTF8 = _("save the file as UTF-8 (in most editors: Save As → Encoding → UTF-8)")


def read_text_file(path: Path, shown_path: str) -> tuple[str | None, list[Problem]]:
    """The file's text with LF line endings in NFC, or None and the problem that stopped it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [Problem(shown_path, None, _("cannot read the file: {reason}",
                                                  reason=error.strerror), code="unreadable-file")]
    return decode_text(data, shown_path)


def decode_text(data: bytes, shown_path: str) -> tuple[str | None, list[Problem]]:
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE 00 00
        return None, [Problem(shown_path, None, _("the file is UTF-32, not UTF-8"), _SAVE_AS_UTF8,
                              code="not-utf8")]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
            len(data) > 1 and (data[0] == 0 or data[1] == 0)):
        return None, [Problem(shown_path, None, _("the file is UTF-16, not UTF-8"), _SAVE_AS_UTF8,
                              code="not-utf8")]
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, [Problem(shown_path, line,
                              _("the file is not UTF-8 (byte 0x{byte:02x} cannot be read; it may "
                                "be Windows-1258 or Latin-1)", byte=data[error.start]),
                              _SAVE_AS_UTF8, code="not-utf8")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return nfc(text), []

"""Vietnamese-aware text handling: NFC, folding for matching, slugs and alphabetical order."""
from __future__ import annotations

import functools
import re
import unicodedata

from slugify import slugify as _slugify

# Vietnamese letters in dictionary order; the Latin letters Vietnamese does not use (f j w z)
# slot in where the Latin alphabet puts them, so English names sort sensibly too.
_ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# Tone marks, in the order dictionaries use: ngang (none), huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a letter of its own (ă â ê ô ơ ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _NoMarks(dict):
    """str.translate's table dropping every combining mark, filled in as characters are met
    (so the many folds of a build go at the speed of a table, not of a Python loop)."""

    def __missing__(self, code: int):
        self[code] = None if unicodedata.combining(chr(code)) else code
        return self[code]


_NO_MARKS = _NoMarks()


def fold(text: str) -> str:
    """Text for loose matching: NFC, lower case, no diacritics (đ → d), single spaces."""
    decomposed = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    return " ".join(decomposed.translate(_NO_MARKS).split())


def loose_key(text: str) -> str:
    """Text for exact-but-forgiving matching: NFC, lower case, single spaces; diacritics kept."""
    return " ".join(nfc(text).casefold().split())


# A slug becomes a folder name: file systems refuse names over 255 bytes, so a slug made from
# a very long title is cut at a word boundary, far above any real headline's.
MAX_SLUG_LENGTH = 200


@functools.lru_cache(maxsize=65536)  # pure, and called for every name many times a build
def slugify(text: str) -> str:
    """A URL slug: ASCII, lower case, hyphens (Đà Nẵng → da-nang), at most MAX_SLUG_LENGTH long."""
    return _slugify(nfc(text).replace("đ", "d").replace("Đ", "D"), max_length=MAX_SLUG_LENGTH,
                    word_boundary=True)


def sort_key(text: str) -> tuple:
    """Key for Vietnamese alphabetical order: letters first, then tones, then case.

    Đ sorts after D, Ă and Â after A, tones after the base letter (a à ả ã á ạ), compared
    letter by letter over the whole text before any tone is considered, as dictionaries do.
    """
    letters, tones, cases = [], [], []
    for char in unicodedata.normalize("NFD", text):
        if char in _TONE_RANK:
            if tones:
                tones[-1] = _TONE_RANK[char]
            continue
        if char in _LETTER_MARKS and letters and letters[-1][0] == 1:
            base = _ALPHABET[letters[-1][1]]
            marked = unicodedata.normalize("NFC", base + char)
            if marked in _LETTER_RANK:
                letters[-1] = (1, _LETTER_RANK[marked])
            continue
        if unicodedata.combining(char):
            continue
        lower = char.lower()
        if lower in _LETTER_RANK:
            letters.append((1, _LETTER_RANK[lower]))
        elif lower.isdigit():
            letters.append((0, ord(lower)))
        elif lower.isspace() or lower in "-_":
            letters.append((0, 0))
        else:
            letters.append((2, ord(lower)))
        tones.append(0)
        cases.append(0 if char == lower else 1)
    return (tuple(letters), tuple(tones), tuple(cases), nfc(text))


# Control characters (but tab and line ends) and U+FFFE/U+FFFF, which are not characters:
# XML cannot hold any of them, and none belongs in a page.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


def strip_control_characters(text: str) -> str:
    return _CONTROL.sub("", text)


# Names Windows refuses for any file or folder, whatever the extension.
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                     *(f"lpt{i}" for i in range(10))}


def is_reserved_name(slug: str) -> bool:
    """A slug that makes a folder Windows cannot create (so the site could not be checked out)."""
    return slug.split(".", 1)[0].casefold() in _WINDOWS_RESERVED

"""Messages in the reader's language: English in the code, the other languages in locale/*.po.

A message is made in English where the mistake is found — `_("unknown key '{key}'", key=…)`
— and keeps how it was made, so that it can be shown in another language when it is printed.
Its English text never changes with the language: tools (`check --format json`) and tests see
the same words whatever the reader's language. The catalogues are gettext `.po` files, read
with Babel only when a message is first shown in a language other than English.

Updating the catalogues after a message changed (tests/test_messages.py fails until it is done):

    pybabel extract -k _ -k _n:1,2 --no-default-keywords --no-location -o bantin.pot bantin
    pybabel update -i bantin.pot -l vi -o bantin/locale/vi.po --no-fuzzy-matching -w 100

then translate the entries left empty in vi.po (bantin.pot is not kept: the code is the source).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

LANGUAGES = ("vi", "en")  # the languages of the messages, as of the site (`language:`)
SOURCE_LANGUAGE = "en"  # the language of the code
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGE_VARIABLE = "BANTIN_LANG"
# Consulted, in this order, only when there is no site.yaml to take the language from.
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class Message(str):
    """English text that remembers its template and values, to be shown in another language.

    It is a `str` (the English text), so it compares, sorts, hashes and prints as one.
    """

    template: str
    plural: str | None
    params: dict

    def __new__(cls, template: str, params: dict | None = None, plural: str | None = None):
        params = dict(params or {})
        chosen = plural if plural is not None and params.get("count") != 1 else template
        self = super().__new__(cls, chosen.format(**params) if params else chosen)
        self.template, self.plural, self.params = template, plural, params
        return self

    def __reduce__(self):  # pickled as it was made, not as plain text
        return Message, (self.template, self.params, self.plural)


def _(template: str, /, **params) -> Message:
    """A message: `template` is English, with `{name}` fields filled in from `params`."""
    return Message(template, params)


def _n(singular: str, plural: str, count: int, /, **params) -> Message:
    """A message whose English depends on `count` ("1 error", "2 errors"); {count} is filled in."""
    return Message(singular, {"count": count, **params}, plural)


def translate(text, language: str) -> str:
    """`text` in `language`: a Message is translated (its values too), anything else is as is.

    A message the catalogue does not have stays in English (tests/test_messages.py makes sure
    every message has its translation).
    """
    if not isinstance(text, Message) or language == SOURCE_LANGUAGE:
        return str(text)
    catalogue = _catalogue(language)
    forms = catalogue.get(text.template)
    if not forms:
        return str(text)
    params = {name: _localised(value, language) for name, value in text.params.items()}
    return forms[0 if text.plural is None else _plural_index(language, params["count"])] \
        .format(**params)


def choose_language(option: str | None = None, site_language=None, environ=None) -> str:
    """The language to speak: `--lang`, then BANTIN_LANG, then the site's `language`, then the
    system's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), then Vietnamese.

    `site_language` may be a function that reads it, called only when needed. The site's
    language comes before the system's on purpose: a site is written for its
    readers, its editors follow the guide in that language, and the system's setting is often
    only what the computer came with (GitHub's runners say C.UTF-8, many laptops en_US).
    """
    environ = os.environ if environ is None else environ
    for value in (option, environ.get(LANGUAGE_VARIABLE), site_language):
        if callable(value):  # the site's language, read only when nothing above said otherwise
            value = value()
        language = _language_of(value)
        if language:
            return language
    for name in _LOCALE_VARIABLES:
        for value in (environ.get(name) or "").split(":"):  # LANGUAGE is a list: vi:en
            language = _language_of(value)
            if language:
                return language
    return "vi"


def _language_of(value: str | None) -> str:
    """"vi", "en" from "vi_VN.UTF-8", "en-GB", "EN" …; "" for C, POSIX and others."""
    code = (value or "").strip().replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()
    return code if code in LANGUAGES else ""


def _localised(value, language: str):
    if isinstance(value, Message):
        return translate(value, language)
    if isinstance(value, float) and language == "vi":
        return _DecimalComma(value)
    return value


class _DecimalComma(float):
    """A number that Vietnamese writes with a decimal comma: 0,42 giây."""

    def __format__(self, spec: str) -> str:
        return format(float(self), spec).replace(".", ",")


def _plural_index(language: str, count: int) -> int:
    return 0 if language == "vi" or count == 1 else 1  # Vietnamese has a single form


@functools.lru_cache(maxsize=None)  # a catalogue is read once per process, when first needed
def _catalogue(language: str) -> dict[str, tuple[str, ...]]:
    """{English template: translated forms} of a language's .po file; {} when there is none.

    Babel takes a tenth of a second to import and read a catalogue, which every build that
    prints its summary in Vietnamese would pay; so, as Python does for modules, what it read is
    kept in __pycache__/ beside the file, under the .po file's hash, and read from there (in a
    millisecond) until the .po file changes. A folder that cannot be written only costs time.
    """
    path = LOCALE_DIR / f"{language}.po"
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return {}
    cache_path = LOCALE_DIR / "__pycache__" / f"{language}-{digest}.json"
    try:
        return {key: tuple(forms) for key, forms in
                json.loads(cache_path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError):
        pass
    entries = read_catalogue(path)
    _write_cache(cache_path, entries)
    return entries


def _write_cache(cache_path: Path, entries: dict) -> None:
    try:
        cache_path.parent.mkdir(exist_ok=True)
        for stale in cache_path.parent.glob(cache_path.name.split("-")[0] + "-*.json"):
            stale.unlink(missing_ok=True)
        temporary = cache_path.with_name(f".{cache_path.name}.{os.getpid()}")
        temporary.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, cache_path)
    except OSError:
        pass


def read_catalogue(path: Path) -> dict[str, tuple[str, ...]]:
    """The translated, non-fuzzy entries of a .po file (Babel reads it; no compiled .mo needed)."""
    from babel.messages.pofile import read_po  # only when a message is shown in another language

    with path.open("rb") as file:
        catalog = read_po(file, locale=path.stem)
    entries = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(forms):
            entries[key] = tuple(forms)
    return entries

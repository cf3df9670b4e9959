"""Typed reading of YAML mappings: every wrong type or unknown key becomes a Problem on its line."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from .messages import _
from .problems import ERROR, Problem, did_you_mean
from .text import strip_control_characters
from .yamlfile import INVALID, YamlDocument

_TYPE_NAMES = {str: _("text"), int: _("a whole number"), bool: _("true or false"),
               list: _("a list"), dict: _("a mapping of keys to values")}
_TYPE_HINTS = {str: _("write it as text; put it in quotes if it looks like a list, a number or "
                      "true/false"),
               int: _("write a whole number, such as 10"), bool: _("write true or false"),
               list: _("write a list, such as [a, b], or one `- item` per line below it"),
               dict: _("write its keys on the lines below it, each indented by two spaces")}


class FieldReader:
    """Reads typed fields out of one YAML document, appending a Problem for each mistake."""

    def __init__(self, document: YamlDocument, path: str, problems: list[Problem]):
        self.document = document
        self.path = path
        self.problems = problems
        # key prefix → what it is, said the way people say it ("locality 'Ba Vì'"), so that a
        # problem names the locality rather than `localities[6]`.
        self.owners: dict[tuple, str] = {}

    def name_owner(self, key: tuple, owner: str) -> None:
        """Problems about fields below `key` start with `owner` and name the fields from there."""
        self.owners[key] = owner

    def problem(self, key: tuple, message: str, hint: str = "", code: str = "invalid-value",
                severity: str = ERROR) -> None:
        owner = self._owner(key)
        if owner is not None:
            message = _("{owner}: {message}", owner=self.owners[owner], message=message)
        self.problems.append(Problem(self.path, self.document.line(*key), message, hint, severity,
                                     code))

    def check_keys(self, mapping: dict, key: tuple, allowed, what: str) -> None:
        """Report every key of `mapping` that is not in `allowed`, with a did-you-mean."""
        for name in mapping:
            if name not in allowed:
                hint = did_you_mean(str(name), allowed) or \
                    _("known keys: {keys}", keys=", ".join(sorted(allowed)))
                if self._owner(key + (name,)) is None:
                    message = _("unknown key '{key}' in {what}", key=self._dotted(key + (name,)),
                                what=what)
                else:
                    message = _("unknown key '{key}'", key=self._dotted(key + (name,)))
                self.problem(key + (name,), message, hint, code="unknown-key")

    def value(self, mapping: dict, key: tuple, kind: type, required: bool = False, default=None):
        """The value at key[-1] of `mapping` if it has type `kind`, else `default` and a problem."""
        name = key[-1]
        if name not in mapping or mapping[name] is None:
            if required:
                self.problem(key[:-1] or key, _("missing required field '{field}'",
                                                field=self._dotted(key)),
                             _("add a line `{name}: …`", name=name), code="missing-field")
            return default
        value = mapping[name]
        if value is INVALID:
            return default
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.problem(key, _("'{field}' must be {kind}, not {value}", field=self._dotted(key),
                                kind=_TYPE_NAMES[kind], value=_describe(value)),
                         _TYPE_HINTS[kind], code="wrong-type")
            return default
        return value

    def text(self, mapping: dict, key: tuple, required: bool = False, default: str = "") -> str:
        """A string; numbers and dates written without quotes are taken as written."""
        value = mapping.get(key[-1])
        if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
            return str(value)
        value = self.value(mapping, key, str, required, None)
        if value is None:  # missing or of another type, reported already when required
            return default
        # "\x07" and the like are only written on purpose as YAML escapes; no page shows them.
        value = strip_control_characters(value).strip()
        if not value and required:
            self.problem(key, _("'{field}' is empty", field=self._dotted(key)),
                         _("write a value after the colon"), code="empty-field")
            return default
        return value

    def text_list(self, mapping: dict, key: tuple) -> list[tuple[str, int | None]]:
        """A list of strings (a single string is taken as a list of one), each with its line."""
        name = key[-1]
        value = mapping.get(name)
        if value is None or value is INVALID:
            return []
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return [(strip_control_characters(str(value)).strip(), self.document.line(*key))]
        if not isinstance(value, list):
            self.problem(key, _("'{field}' must be a list, not {value}", field=self._dotted(key),
                                value=_describe(value)), _TYPE_HINTS[list], code="wrong-type")
            return []
        items = []
        for index, item in enumerate(value):
            if item is INVALID:
                continue
            text = strip_control_characters(str(item)).strip() \
                if isinstance(item, (str, int)) and not isinstance(item, bool) else ""
            if text:
                items.append((text, self.document.line(*key, index)))
            elif isinstance(item, str):
                self.problem(key + (index,), _("'{field}' item {number} is empty",
                                               field=self._dotted(key), number=index + 1),
                             _("remove it, or write the name"), code="empty-field")
            else:
                self.problem(key + (index,), _("'{field}' item {number} must be text, not {value}",
                                               field=self._dotted(key), number=index + 1,
                                               value=_describe(item)),
                             _("write each item as text, in quotes if it looks like a list, a "
                               "number or true/false"), code="wrong-type")
        return items

    def http_url(self, mapping: dict, key: tuple) -> str:
        """An absolute http(s) URL, or '' when absent."""
        url = self.text(mapping, key)
        if url and not is_http_url(url):
            self.problem(key, _("'{field}' must be an http:// or https:// URL, not {value}",
                                field=self._dotted(key), value=repr(url)),
                         _("write the full address, starting with https://"), code="invalid-url")
            return ""
        return url

    def _owner(self, key: tuple) -> tuple | None:
        """The longest prefix of `key` that names its owner, or None."""
        for length in range(len(key), 0, -1):
            if key[:length] in self.owners:
                return key[:length]
        return None

    def _dotted(self, key: tuple) -> str:
        """The field as written in YAML ("source.url", "localities[2].name"), from its owner on."""
        owner = self._owner(key)
        return _dotted(key[len(owner):] if owner is not None and len(owner) < len(key) else key)


def is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and url == url.strip() \
        and not any(c.isspace() or ord(c) < 32 for c in url)


def _dotted(key: tuple) -> str:
    text = ""
    for part in key:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _describe(value) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, (dt.date, dt.datetime)):
        return _("the date {date}", date=str(value))
    return repr(value)

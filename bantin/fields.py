"""Typed reading of YAML mappings: every wrong type or unknown key becomes a Problem on its line."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from .problems import Problem, did_you_mean
from .text import strip_control_characters
from .yamlfile import INVALID, YamlDocument

_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", list: "a list",
               dict: "a mapping of keys to values"}
_TYPE_HINTS = {str: "write it as text; put it in quotes if it looks like a list, a number or "
                    "true/false",
               int: "write a whole number, such as 10", bool: "write true or false",
               list: "write a list, such as [a, b], or one `- item` per line below it",
               dict: "write its keys on the lines below it, each indented by two spaces"}


class FieldReader:
    """Reads typed fields out of one YAML document, appending a Problem for each mistake."""

    def __init__(self, document: YamlDocument, path: str, problems: list[Problem]):
        self.document = document
        self.path = path
        self.problems = problems

    def problem(self, key: tuple, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, self.document.line(*key), message, hint))

    def check_keys(self, mapping: dict, key: tuple, allowed, what: str) -> None:
        """Report every key of `mapping` that is not in `allowed`, with a did-you-mean."""
        for name in mapping:
            if name not in allowed:
                hint = did_you_mean(str(name), allowed) or (
                    "known keys: " + ", ".join(sorted(allowed)))
                self.problem(key + (name,), f"unknown key '{_dotted(key + (name,))}' in {what}", hint)

    def value(self, mapping: dict, key: tuple, kind: type, required: bool = False, default=None):
        """The value at key[-1] of `mapping` if it has type `kind`, else `default` and a problem."""
        name = key[-1]
        if name not in mapping or mapping[name] is None:
            if required:
                self.problem(key[:-1] or key, f"missing required field '{_dotted(key)}'",
                             f"add a line `{name}: …`")
            return default
        value = mapping[name]
        if value is INVALID:
            return default
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.problem(key, f"'{_dotted(key)}' must be {_TYPE_NAMES[kind]}, "
                              f"not {_describe(value)}", _TYPE_HINTS[kind])
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
            self.problem(key, f"'{_dotted(key)}' is empty", "write a value after the colon")
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
            self.problem(key, f"'{_dotted(key)}' must be a list, not {_describe(value)}",
                         _TYPE_HINTS[list])
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
                self.problem(key + (index,), f"'{_dotted(key)}' item {index + 1} is empty",
                             "remove it, or write the name")
            else:
                self.problem(key + (index,), f"'{_dotted(key)}' item {index + 1} must be text, "
                                             f"not {_describe(item)}",
                             "write each item as text, in quotes if it looks like a list, a "
                             "number or true/false")
        return items

    def http_url(self, mapping: dict, key: tuple) -> str:
        """An absolute http(s) URL, or '' when absent."""
        url = self.text(mapping, key)
        if url and not is_http_url(url):
            self.problem(key, f"'{_dotted(key)}' must be an http:// or https:// URL, not {url!r}",
                         "write the full address, starting with https://")
            return ""
        return url


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
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {value}"
    return repr(value)

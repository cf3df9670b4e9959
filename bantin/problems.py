"""Problems: user mistakes reported compiler-style, collected rather than raised one by one."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from .messages import SOURCE_LANGUAGE, _, translate

ERROR = "error"
WARNING = "warning"
INFO = "info"  # worth knowing, never a mistake: a declared locality no article uses (`check`)
# How each severity is written before a message; the severities themselves stay English words.
SEVERITY_LABELS = {ERROR: _("error"), WARNING: _("warning"), INFO: _("info")}


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in the user's files: where it is, what is wrong, and what to do."""

    path: str  # project-relative, with forward slashes ("" for the project itself)
    line: int | None
    message: str  # English; a Message (bantin/messages.py) can also be shown in other languages
    hint: str = ""
    severity: str = ERROR
    # What kind of mistake it is, for tools (`check --format json`): stays the same when the
    # wording changes, e.g. "unknown-key", "unknown-locality".
    code: str = field(default="", compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self, language: str = SOURCE_LANGUAGE) -> str:
        """The compiler-style line: `path:line: message — hint`, in `language`."""
        where = translate(self.path, language)  # a page's origin ("home page") may be a Message
        if where and self.line is not None:
            where += f":{self.line}"
        message = translate(self.message, language)
        kind = "" if self.is_error else f"{self.severity_label(language)}: "
        # A mistake in a command-line option has no file to point at.
        text = f"{where}: {kind}{message}" if where else \
            f"{kind or self.severity_label(language) + ': '}{message}"
        return f"{text} — {translate(self.hint, language)}" if self.hint else text

    def severity_label(self, language: str = SOURCE_LANGUAGE) -> str:
        return translate(SEVERITY_LABELS.get(self.severity, self.severity), language)

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.message)


class BuildError(Exception):
    """Raised by a stage whose problems make going on pointless; carries every problem found."""

    def __init__(self, problems: list[Problem], site=None):
        # The same mistake met twice (a template error on every page) is listed once.
        self.problems = sorted(set(problems), key=Problem.sort_key)
        # The Site, when every stage ran and only errors stopped the build: `check` still
        # tells what it knows of it (unused localities, files left out).
        self.site = site
        super().__init__("\n".join(p.format() for p in self.problems))


def display_path(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to the project when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def did_you_mean(word: str, choices, quote=repr, limit: int = 3) -> str:
    """A 'did you mean …?' hint from the closest choices, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=limit, cutoff=0.6)
    return suggest([quote(c) for c in close])


def suggest(choices: list[str]) -> str:
    """'did you mean a or b?' for choices already quoted, or '' when there are none."""
    return _("did you mean {choices}?", choices=or_list(choices)) if choices else ""


def or_list(items: list[str]) -> str:
    """'a or b or c', joined in the reader's language when shown."""
    joined = items[0] if items else ""
    for item in items[1:]:
        joined = _("{first} or {second}", first=joined, second=item)
    return joined


def has_errors(problems) -> bool:
    return any(p.is_error for p in problems)

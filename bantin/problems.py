"""Problems: user mistakes reported compiler-style, collected rather than raised one by one."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"
INFO = "info"  # worth knowing, never a mistake: a declared locality no article uses (`check`)


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in the user's files: where it is, what is wrong, and what to do."""

    path: str  # project-relative, with forward slashes ("" for the project itself)
    line: int | None
    message: str
    hint: str = ""
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self) -> str:
        where = self.path
        if where and self.line is not None:
            where += f":{self.line}"
        kind = "" if self.is_error else f"{self.severity}: "
        # A mistake in a command-line option has no file to point at.
        text = f"{where}: {kind}{self.message}" if where else f"{kind or 'error: '}{self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.message)


class BuildError(Exception):
    """Raised by a stage whose problems make going on pointless; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        # The same mistake met twice (a template error on every page) is listed once.
        self.problems = sorted(set(problems), key=Problem.sort_key)
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
    if not close:
        return ""
    return "did you mean " + " or ".join(quote(c) for c in close) + "?"


def has_errors(problems) -> bool:
    return any(p.is_error for p in problems)

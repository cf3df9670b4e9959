"""Themes: a folder of templates, static files and UI strings, optionally extending a parent."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .problems import BuildError, Problem, did_you_mean
from .textfile import read_text_file
from .yamlfile import INVALID, parse_yaml_mapping

THEMES_DIR = "themes"
_THEME_KEYS = {"parent", "name", "description"}
# UI strings the engine itself uses (feed titles, digest titles, dates); templates use more.
REQUIRED_STRINGS = ("article_count", "digests", "digest_title_week", "digest_title_month",
                    "format_range_day", "format_range_day_month", "format_range_full", "format_month")


@dataclass(frozen=True)
class Theme:
    name: str
    chain: tuple[tuple[str, Path], ...]  # (name, folder) of the theme, then its parents
    strings: dict  # UI strings of the site's language, the theme's over its parents'

    def static_files(self) -> dict[str, Path]:
        """{path below static/: file}, a theme's file hiding its parent's of the same name."""
        files: dict[str, Path] = {}
        for _, folder in reversed(self.chain):
            static = folder / "static"
            project = folder.parent.parent.resolve()  # the theme is themes/<name> in the project
            if static.is_dir():
                for path in sorted(static.rglob("*")):
                    # A file reached through a symbolic link from outside the project is never published.
                    if path.is_file() and not path.name.startswith(".") and \
                            path.resolve().is_relative_to(project):
                        files[path.relative_to(static).as_posix()] = path
        return files


def load_theme(project_path: Path, name: str, language: str, line: int | None = None) -> Theme:
    """Find the theme and its parents and read their strings; raise BuildError on problems."""
    chain, problems = [], []
    while name:
        folder = project_path / THEMES_DIR / name
        shown = f"{THEMES_DIR}/{name}"
        if not (folder / "templates").is_dir():
            themes_path = project_path / THEMES_DIR
            available = sorted(p.name for p in themes_path.iterdir() if (p / "templates").is_dir()) \
                if themes_path.is_dir() else []
            hint = f"themes here: {', '.join(available)}" if available else "set `theme:` in site.yaml"
            problems.append(Problem("site.yaml" if not chain else
                                    f"{THEMES_DIR}/{chain[-1][0]}/theme.yaml",
                                    line if not chain else None, f"theme '{name}' not found (no {shown}/templates/)", hint))
            break
        if any(existing == name for existing, _ in chain):
            problems.append(Problem(f"{shown}/theme.yaml", None, f"theme '{name}' is its own ancestor"))
            break
        chain.append((name, folder))
        name = _parent_of(folder, shown, problems)
    if problems:
        raise BuildError(problems)
    strings: dict = {}
    for theme_name, folder in reversed(chain):
        strings.update(_read_strings(folder, f"{THEMES_DIR}/{theme_name}", language, problems))
        problems += _links_from_outside(folder, f"{THEMES_DIR}/{theme_name}", project_path)
    missing = [key for key in REQUIRED_STRINGS if key not in strings]
    if missing and not problems:
        problems.append(Problem(f"{THEMES_DIR}/{chain[0][0]}/i18n/{language}.yaml", None,
                                f"the theme has no UI string for {', '.join(missing)}",
                                "the engine uses these for feeds, digests and dates; add them"))
    if problems:
        raise BuildError(problems)
    return Theme(chain[0][0], tuple(chain), strings)


def _parent_of(folder: Path, shown: str, problems: list[Problem]) -> str:
    path = folder / "theme.yaml"
    if not path.is_file():
        return ""
    document = _read_yaml(path, f"{shown}/theme.yaml", problems)
    if document is None:
        return ""
    for key in document.data:
        if key not in _THEME_KEYS:
            problems.append(Problem(f"{shown}/theme.yaml", document.line(key), f"unknown key '{key}'",
                                    did_you_mean(str(key), _THEME_KEYS)))
    parent = document.data.get("parent")
    if parent is None or parent == "":
        return ""
    if not isinstance(parent, str) or parent in (".", "..") or "/" in parent or "\\" in parent:
        problems.append(Problem(f"{shown}/theme.yaml", document.line("parent"),
                                f"'parent' must be the name of a folder in themes/, not {parent!r}"))
        return ""
    return parent


def _read_strings(folder: Path, shown: str, language: str, problems: list[Problem]) -> dict:
    path = folder / "i18n" / f"{language}.yaml"
    if not path.is_file():
        return {}
    shown = f"{shown}/i18n/{language}.yaml"
    document = _read_yaml(path, shown, problems)
    if document is None:
        return {}
    strings = {}
    for key, value in document.data.items():
        if isinstance(value, dict) and all(_is_text(v) for v in value.values()):
            strings[key] = {k: str(v) for k, v in value.items()}
        elif _is_text(value):
            strings[key] = str(value)
        elif value is not INVALID:  # a YAML tag, reported already
            problems.append(Problem(shown, document.line(key), f"UI string '{key}' must be text, "
                                    "or `one:` and `other:` texts", f"write it as `{key}: \"…\"`"))
    return strings


def _links_from_outside(folder: Path, shown: str, project_path: Path) -> list[Problem]:
    """Static files reached through a symbolic link from outside the project (never published)."""
    static, project = folder / "static", project_path.resolve()
    if not static.is_dir():
        return []
    if not static.resolve().is_relative_to(project):
        paths = [static]
    else:
        paths = [path for path in sorted(static.rglob("*"))
                 if path.is_file() and not path.resolve().is_relative_to(project)]
    return [Problem(f"{shown}/{path.relative_to(folder).as_posix()}", None,
                    "symbolic link points outside the project",
                    "files from outside the project are never published; copy it into the theme")
            for path in paths]


def _is_text(value) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _read_yaml(path: Path, shown: str, problems: list[Problem]):
    text, read_problems = read_text_file(path, shown)
    problems += read_problems
    if text is None:
        return None
    document, yaml_problems = parse_yaml_mapping(text, shown, what=shown)
    problems += [p for p in yaml_problems if p.is_error]
    return document

"""Themes: a folder of templates, static files and UI strings, optionally extending a parent."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .messages import _
from .problems import BuildError, Problem, did_you_mean
from .textfile import read_text_file
from .yamlfile import INVALID, parse_yaml_mapping

THEMES_DIR = "themes"
_THEME_KEYS = {"parent", "name", "description"}
# What makes a folder under themes/ a theme. A theme over a parent may hold only some of them
# (only static/ and i18n/, say): git keeps no empty folder, so none of them can be required.
_THEME_PARTS = ("templates", "static", "i18n", "theme.yaml")
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
        for _name, folder in reversed(self.chain):
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
        if not _is_theme(folder):
            themes_path = project_path / THEMES_DIR
            available = sorted(p.name for p in themes_path.iterdir() if _is_theme(p)) \
                if themes_path.is_dir() else []
            hint = _("themes here: {names}", names=", ".join(available)) if available else \
                _("set `theme:` in site.yaml")
            problems.append(Problem("site.yaml" if not chain else
                                    f"{THEMES_DIR}/{chain[-1][0]}/theme.yaml",
                                    line if not chain else None,
                                    _("theme '{name}' not found (no {folder}/ with templates/, "
                                      "static/, i18n/ or theme.yaml)", name=name, folder=shown),
                                    hint, code="theme-not-found"))
            break
        if any(existing == name for existing, _folder in chain):
            problems.append(Problem(f"{shown}/theme.yaml", None,
                                    _("theme '{name}' is its own ancestor", name=name),
                                    code="theme-loop"))
            break
        chain.append((name, folder))
        name = _parent_of(folder, shown, problems)
    if chain and not problems and not (chain[-1][1] / "templates").is_dir():
        root = f"{THEMES_DIR}/{chain[-1][0]}"
        problems.append(Problem(f"{root}/theme.yaml" if (chain[-1][1] / "theme.yaml").is_file()
                                else root, None,
                                _("theme '{name}' has no templates/ and no parent theme",
                                  name=chain[-1][0]),
                                _("name the theme it changes with `parent: default` in its "
                                  "theme.yaml, or give it a templates/ folder"),
                                code="theme-without-templates"))
    if problems:
        raise BuildError(problems)
    strings: dict = {}
    for theme_name, folder in reversed(chain):
        strings.update(_read_strings(folder, f"{THEMES_DIR}/{theme_name}", language, problems))
        problems += _links_from_outside(folder, f"{THEMES_DIR}/{theme_name}", project_path)
    missing = [key for key in REQUIRED_STRINGS if key not in strings]
    if missing and not problems:
        problems.append(Problem(f"{THEMES_DIR}/{chain[0][0]}/i18n/{language}.yaml", None,
                                _("the theme has no UI string for {keys}", keys=", ".join(missing)),
                                _("the engine uses these for feeds, digests and dates; add them"),
                                code="missing-ui-string"))
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
            problems.append(Problem(f"{shown}/theme.yaml", document.line(key),
                                    _("unknown key '{key}'", key=key),
                                    did_you_mean(str(key), _THEME_KEYS), code="unknown-key"))
    parent = document.data.get("parent")
    if parent is None or parent == "":
        return ""
    if not isinstance(parent, str) or parent in (".", "..") or "/" in parent or "\\" in parent:
        problems.append(Problem(f"{shown}/theme.yaml", document.line("parent"),
                                _("'parent' must be the name of a folder in themes/, not {value}",
                                  value=repr(parent)), code="invalid-value"))
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
            problems.append(Problem(shown, document.line(key),
                                    _("UI string '{key}' must be text, or `one:` and `other:` texts",
                                      key=key), _("write it as `{key}: \"…\"`", key=key),
                                    code="wrong-type"))
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
                    _("symbolic link points outside the project"),
                    _("files from outside the project are never published; copy it into the theme"),
                    code="link-outside")
            for path in paths]


def _is_theme(folder: Path) -> bool:
    return folder.is_dir() and any((folder / part).exists() for part in _THEME_PARTS)


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

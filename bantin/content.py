"""Stage 2: find the files under content/ and split each article into front matter and body."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .messages import _
from .problems import WARNING, Problem
from .text import is_reserved_name, nfc
from .textfile import decode_text
from .yamlfile import YamlDocument, parse_yaml_mapping

CONTENT_DIR = "content"
MARKDOWN_SUFFIXES = (".md", ".markdown")
_JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
MAX_ARTICLE_BYTES = 4 * 1024 * 1024  # far above any news article; keeps builds bounded


@dataclass(frozen=True)
class SourceFile:
    """An article file as read: its front matter (with key lines) and its Markdown body."""

    rel_path: str  # path below content/, NFC, forward slashes ("2024/ba-vi.md")
    shown_path: str  # path for problems, relative to the project ("content/2024/ba-vi.md")
    front_matter: YamlDocument
    body: str
    body_line: int  # line of the file where the body starts
    front_matter_ok: bool = True  # False when a value could not be read (reported already)

    @property
    def is_bundle(self) -> bool:
        """An `index.md` owns its folder: the files beside it are published with it."""
        return self.rel_path.rsplit("/", 1)[-1] in ("index.md", "index.markdown")

    @property
    def folder(self) -> str:
        return self.rel_path.rsplit("/", 1)[0] if "/" in self.rel_path else ""


@dataclass(frozen=True)
class StaticFile:
    """A non-Markdown file under content/ (an image beside an article, a PDF …)."""

    rel_path: str  # below content/, NFC
    source_path: Path


@dataclass(frozen=True)
class RejectedBody:
    """The body of an article whose front matter has errors: it is not published, but its
    links and images are still checked, so that one run lists every problem of the file."""

    source_path: str  # as shown in problems: "content/2024/ba-vi.md"
    rel_path: str
    body: str
    body_line: int


@dataclass(frozen=True)
class Content:
    sources: tuple[SourceFile, ...]  # the articles that could be read
    static_files: tuple[StaticFile, ...]
    article_paths: frozenset[str] = frozenset()  # every Markdown file, readable or not
    rejected: tuple[RejectedBody, ...] = ()  # filled in by the validate stage


def read_content(project_path: Path) -> tuple[Content, list[Problem]]:
    """Read every article under content/; return them with every problem found."""
    problems: list[Problem] = []
    sources = []
    markdown_files, content = list_content(project_path, problems)
    for path, rel_path in markdown_files:
        source = read_source(path, rel_path, f"{CONTENT_DIR}/{rel_path}", problems)
        if source is not None:
            sources.append(source)
    return Content(tuple(sources), content.static_files, content.article_paths), problems


def list_content(project_path: Path, problems: list[Problem]):
    """([(path, rel_path)] of the Markdown files, Content with the other files and no sources)."""
    markdown_files, static_files = [], []
    for path, rel_path in _walk_files(project_path, problems):
        if path.suffix.lower() in MARKDOWN_SUFFIXES:
            markdown_files.append((path, rel_path))
        else:
            static_files.append(StaticFile(rel_path, path))
    return markdown_files, Content((), tuple(static_files),
                                   frozenset(rel_path for _path, rel_path in markdown_files))


def read_article_bytes(path: Path, shown: str, problems: list[Problem]) -> bytes | None:
    """The bytes of an article file, or None (with the problem) when too large or unreadable."""
    try:
        if path.stat().st_size > MAX_ARTICLE_BYTES:
            problems.append(Problem(shown, None, _("the article is larger than {size} MB",
                                                   size=MAX_ARTICLE_BYTES // 1024 // 1024),
                                    _("split it, or move large data into a linked file"),
                                    code="article-too-large"))
            return None
        return path.read_bytes()
    except OSError as error:
        problems.append(Problem(shown, None, _("cannot read the file: {reason}",
                                               reason=error.strerror or str(error)),
                                code="unreadable-file"))
        return None


def read_source(path: Path, rel_path: str, shown: str, problems: list[Problem]) -> SourceFile | None:
    data = read_article_bytes(path, shown, problems)
    return None if data is None else parse_source(data, rel_path, shown, problems)


def parse_source(data: bytes, rel_path: str, shown: str, problems: list[Problem]) -> SourceFile | None:
    """An article file's bytes as a SourceFile: decoded, split, its front matter parsed."""
    text, read_problems = decode_text(data, shown)
    problems += read_problems
    if text is None:
        return None
    return split_source(text, rel_path, shown, problems)


def split_source(text: str, rel_path: str, shown: str, problems: list[Problem]) -> SourceFile | None:
    """Split an article's text at its `---` fences and parse the front matter."""
    if not text.strip():
        problems.append(Problem(shown, None, _("the file is empty"),
                                _("an article starts with front matter between two `---` lines"),
                                code="empty-file"))
        return None
    first_line = text.split("\n", 1)[0].rstrip()
    if first_line == "+++":
        problems.append(Problem(shown, 1, _("TOML front matter (+++) is not supported"),
                                _("write the front matter in YAML between two `---` lines"),
                                code="no-front-matter"))
        return None
    if first_line != "---":
        problems.append(Problem(shown, 1, _("the file has no front matter"),
                                _("start it with a `---` line, then `title:` and `date:`, then "
                                  "`---`"), code="no-front-matter"))
        return None
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        problems.append(Problem(shown, 1, _("the front matter is never closed"),
                                _("end it with a line holding only `---`"), code="no-front-matter"))
        return None
    document, yaml_problems = parse_yaml_mapping("\n".join(lines[1:end]), shown, line_offset=1)
    problems += yaml_problems
    if document is None:
        return None
    body = "\n".join(lines[end + 1:])
    return SourceFile(rel_path, shown, document, body, end + 2,
                      not any(p.is_error for p in yaml_problems))


def _walk_files(project_path: Path, problems: list[Problem]):
    """Yield (path, rel_path) for every publishable file under content/, in a stable order."""
    root = project_path / CONTENT_DIR
    if not root.is_dir():
        return
    project_real = project_path.resolve()
    seen: set[str] = set()
    if not root.resolve().is_relative_to(project_real):
        problems.append(Problem(CONTENT_DIR, None, _("content/ is a symbolic link to a folder "
                                                     "outside the project"),
                                _("move the folder into the project: files from outside it are "
                                  "never published"), code="link-outside"))
        return
    for folder, dir_names, file_names in os.walk(root, followlinks=False):
        folder_path = Path(folder)
        rel_folder = folder_path.relative_to(root).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        for name in list(dir_names):
            if _is_ignored(name) or (folder_path / name).is_symlink():
                if (folder_path / name).is_symlink():
                    problems.append(Problem(f"{CONTENT_DIR}/{prefix}{name}", None,
                                            _("symbolic link to a folder is not followed"),
                                            _("copy the folder into content/ instead"), WARNING,
                                            code="folder-link"))
                dir_names.remove(name)
            elif _bad_name(name) or _unsafe_name(name):
                problems.append(_bad_name_problem(prefix, name))
                dir_names.remove(name)
        dir_names.sort()
        for name in sorted(file_names):
            if _is_ignored(name):
                continue
            if _bad_name(name) or _unsafe_name(name):
                problems.append(_bad_name_problem(prefix, name))
                continue
            path = folder_path / name
            rel_path = nfc(prefix + name)
            if rel_path in seen:  # "Hà Nội.md" saved once in NFC and once in NFD by another tool
                problems.append(Problem(f"{CONTENT_DIR}/{rel_path}", None,
                                        _("two files have this name, written with different "
                                          "Unicode forms of the same letters"),
                                        _("delete or rename one of them"), code="duplicate-file"))
                continue
            seen.add(rel_path)
            if not name.lower().endswith(MARKDOWN_SUFFIXES) and \
                    any(is_reserved_name(part) for part in rel_path.split("/")):
                problems.append(Problem(f"{CONTENT_DIR}/{rel_path}", None,
                                        _("the path holds a name Windows reserves for devices "
                                          "(con, nul, aux, com1 …), so the site could not be "
                                          "copied to Windows"),
                                        _("rename the file or its folder"), code="reserved-name"))
                continue
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    problems.append(Problem(f"{CONTENT_DIR}/{rel_path}", None,
                                            _("symbolic link is broken or loops"),
                                            _("delete it, or point it at a file inside the project"),
                                            code="broken-link"))
                    continue
                if not target.is_relative_to(project_real) or not target.is_file():
                    problems.append(Problem(f"{CONTENT_DIR}/{rel_path}", None,
                                            _("symbolic link points outside the project"),
                                            _("files from outside the project are never published"),
                                            code="link-outside"))
                    continue
            if not path.is_file():  # a named pipe would make the build wait for ever
                problems.append(Problem(f"{CONTENT_DIR}/{rel_path}", None,
                                        _("not a regular file (a named pipe, socket or device)"),
                                        _("remove it from content/"), code="not-a-file"))
                continue
            yield path, rel_path


def _is_ignored(name: str) -> bool:
    """Hidden files and the junk editors and file managers leave behind."""
    return (name.startswith((".", "~$")) or name in _JUNK_NAMES or name.endswith("~")
            or (name.startswith("#") and name.endswith("#")) or name.endswith((".swp", ".swo", ".tmp")))


def _bad_name(name: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in name)


def _unsafe_name(name: str) -> bool:
    """A backslash (a folder separator on Windows), a control character (a line break …), or
    '#' or '?', which would end the path part of the file's URL."""
    return any(c in "\\#?" or c < " " or c == "\x7f" for c in name)


def _bad_name_problem(prefix: str, name: str) -> Problem:
    if _bad_name(name):
        shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return Problem(f"{CONTENT_DIR}/{prefix}{shown}", None, _("the file name is not valid UTF-8"),
                       _("rename it using UTF-8 (or plain ASCII) characters"), code="bad-name")
    shown = "".join("?" if c < " " or c == "\x7f" else c for c in name)
    return Problem(f"{CONTENT_DIR}/{prefix}{shown}", None,
                   _("the name holds a backslash, '#', '?' or a control character (a line break, "
                     "a tab …)"),
                   _("rename it with letters, digits and hyphens"), code="bad-name")

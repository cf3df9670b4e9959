"""Stage 6: write the pages into a fresh folder beside the output, then swap it in."""
from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from .problems import Problem
from .urls import output_file

# Kept from the previous output: people deploy from a git worktree in _site/, with a CNAME.
KEEP_NAMES = (".git", "CNAME")
_SOURCE_NAMES = ("content", "themes", "templates", "site.yaml", "build.py")
_VCS_NAMES = (".git", ".hg", ".svn")  # the project's history: never an output folder


def check_output_path(project_path: Path, output_path: Path, force: bool = False,
                      shown: str | None = None, where: tuple = ("site.yaml", None)) -> list[Problem]:
    """Problems that make `output_path` unsafe to replace; checked before anything is written.

    `shown` is the folder as the user wrote it; `where` the (file, line) that named it, or
    ("", None) for the --output option.
    """
    project = project_path.resolve()
    target = Path(os.path.abspath(output_path))
    label = f"output folder '{shown or output_path}'"
    default_hint = "set `output_dir:` in site.yaml to a folder such as _site" if where[0] else \
        "give --output a folder such as _site"

    def refuse(message: str, hint: str = default_hint):
        return [Problem(where[0], where[1], f"{label} {message}", hint)]

    if target.is_symlink():
        return refuse("is a symbolic link")
    resolved = target.resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        return refuse("is the root or home folder")
    if project.is_relative_to(resolved):
        return refuse("is the project folder or holds it")
    if Path.home().resolve().is_relative_to(resolved):
        return refuse("holds the home folder")
    for name in ("content", "themes", "templates", *_VCS_NAMES):
        source = project / name
        if resolved.is_relative_to(source) or source.is_relative_to(resolved):
            return refuse(f"is or lies inside {name}/")
    if resolved.exists() and not resolved.is_dir():
        return refuse("is a file")
    if resolved.is_dir() and any((resolved / name).exists() for name in _SOURCE_NAMES):
        return refuse("holds source files (site.yaml, content/ …)")
    if not resolved.is_relative_to(project) and not force:
        return refuse("lies outside the project", "add --force to write there anyway")
    return []


@contextmanager
def build_lock(output_path: Path):
    """One build at a time per output folder: a second build waits, then builds in turn.

    The lock is held on the folder that holds the output, so no lock file is left beside it.
    """
    output_path = Path(os.path.abspath(output_path))
    output_path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(output_path.parent, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def write_site(output_path: Path, pages, files) -> int:
    """Write pages and copy files into a new folder, then swap it with the old; return the count.

    On any failure only the new folder is removed: the previous site stays exactly as it was.
    """
    output_path = Path(os.path.abspath(output_path))
    new_path = output_path.parent / f".{output_path.name}.new-{os.getpid()}"
    old_path = output_path.parent / f".{output_path.name}.old-{os.getpid()}"
    _remove_leftovers(output_path)
    shutil.rmtree(new_path, ignore_errors=True)
    try:
        new_path.mkdir(parents=True)
        for page in pages:
            _target(new_path, page.url).write_bytes(page.content)
        for published in files:
            shutil.copyfile(published.source_path, _target(new_path, published.url))
        _swap(output_path, new_path, old_path)
    except BaseException:
        shutil.rmtree(new_path, ignore_errors=True)
        raise
    return len(pages) + len(files)


def _remove_leftovers(output_path: Path) -> None:
    """Remove the temporary folders of builds that were killed (by their names, ours only).

    Runs under the build lock, so no other build is using them. A build stopped between the
    two renames of the swap left the previous output as `.<name>.old-<pid>`: it is put back.
    """
    if not output_path.parent.is_dir():
        return
    for kind in ("old", "new"):
        prefix = f".{output_path.name}.{kind}-"
        for path in sorted(output_path.parent.iterdir()):
            if not (path.name.startswith(prefix) and path.name[len(prefix):].isdigit()
                    and path.is_dir() and not path.is_symlink()):
                continue
            if kind == "old" and not os.path.lexists(output_path):
                os.rename(path, output_path)
            else:
                shutil.rmtree(path, ignore_errors=True)


def _target(root: Path, site_url: str) -> Path:
    relative = output_file(site_url)
    if relative.is_absolute() or ".." in relative.parts or "\\" in site_url:
        raise ValueError(f"refusing to write outside the output folder: {site_url!r}")
    path = root.joinpath(*relative.parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _swap(output_path: Path, new_path: Path, old_path: Path) -> None:
    if not output_path.exists():
        os.rename(new_path, output_path)
        return
    for name in KEEP_NAMES:  # keep them unless the build made its own
        if os.path.lexists(output_path / name) and not os.path.lexists(new_path / name):
            _copy_entry(output_path / name, new_path / name)
    os.rename(output_path, old_path)
    try:
        os.rename(new_path, output_path)
    except OSError:
        os.rename(old_path, output_path)
        raise
    shutil.rmtree(old_path, ignore_errors=True)


def _copy_entry(source: Path, target: Path) -> None:
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True)
    else:
        shutil.copy2(source, target, follow_symlinks=False)

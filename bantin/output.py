"""Stage 6: write the pages into a fresh folder beside the output, then swap it in."""
from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .messages import _
from .pages import Published
from .problems import Problem
from .urls import output_name

try:
    import fcntl
except ImportError:  # Windows: builds lock a file beside the output instead (_lock_file)
    fcntl = None

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
    folder = str(shown or output_path)
    default_hint = _("set `output_dir:` in site.yaml to a folder such as _site") if where[0] else \
        _("give --output a folder such as _site")

    def refuse(message: str, code: str, hint: str = default_hint):
        return [Problem(where[0], where[1], message, hint, code=code)]

    if target.is_symlink():
        return refuse(_("output folder '{folder}' is a symbolic link", folder=folder),
                      "output-is-link")
    resolved = target.resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        return refuse(_("output folder '{folder}' is the root or home folder", folder=folder),
                      "output-is-root-or-home")
    if project.is_relative_to(resolved):
        return refuse(_("output folder '{folder}' is the project folder or holds it",
                        folder=folder), "output-holds-project")
    if Path.home().resolve().is_relative_to(resolved):
        return refuse(_("output folder '{folder}' holds the home folder", folder=folder),
                      "output-holds-home")
    for name in ("content", "themes", "templates", *_VCS_NAMES):
        source = project / name
        if resolved.is_relative_to(source) or source.is_relative_to(resolved):
            return refuse(_("output folder '{folder}' is or lies inside {name}/", folder=folder,
                            name=name), "output-in-sources")
    if resolved.exists() and not resolved.is_dir():
        return refuse(_("output folder '{folder}' is a file", folder=folder), "output-is-file")
    if resolved.is_dir() and any((resolved / name).exists() for name in _SOURCE_NAMES):
        return refuse(_("output folder '{folder}' holds source files (site.yaml, content/ …)",
                        folder=folder), "output-holds-sources")
    if not resolved.is_relative_to(project) and not force:
        return refuse(_("output folder '{folder}' lies outside the project", folder=folder),
                      "output-outside-project", _("add --force to write there anyway"))
    return []


@contextmanager
def build_lock(output_path: Path):
    """One build at a time per output folder: a second build waits, then builds in turn.

    Where there is flock (Linux, macOS) the lock is held on the folder that holds the output,
    so no file is left beside it; elsewhere (Windows) on `.<output name>.lock` beside it.
    """
    output_path = Path(os.path.abspath(output_path))
    output_path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        with _lock_file(output_path.parent / f".{output_path.name}.lock"):
            yield
        return
    descriptor = os.open(output_path.parent, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


_LOCK_RETRY_SECONDS = 0.1  # how often a waiting build tries the lock file again


@contextmanager
def _lock_file(lock_path: Path):
    """Hold an exclusive lock on `lock_path` (made when missing), waiting as long as it takes.

    The file is left in place: deleting it would let a third build lock a new file while the
    second still waits on the old one.
    """
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while not _try_lock(descriptor):
            time.sleep(_LOCK_RETRY_SECONDS)
        try:
            yield
        finally:
            _unlock(descriptor)
    finally:
        os.close(descriptor)


def _try_lock(descriptor: int) -> bool:
    """Lock the first byte of the file, or say at once that another process holds it."""
    import msvcrt  # only here: Windows, where there is no flock

    os.lseek(descriptor, 0, os.SEEK_SET)
    try:
        msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _unlock(descriptor: int) -> None:
    import msvcrt

    os.lseek(descriptor, 0, os.SEEK_SET)
    msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)


def write_site(output_path: Path, pages, files, cache=None, state: OutputState | None = None) -> int:
    """Write the site, swapped in whole or updated file by file; return the count written.

    Without a record of the previous output (a first build, or one after `.cache/` was deleted)
    every file goes into a new folder that is then swapped with the old. With one, only the
    files that differ are written — into a folder beside the output, then moved in under a
    journal, so a build killed half-way is finished by the next one — and unchanged files keep
    their modification time. Either way the previous site stays as it was if writing fails.
    Pages whose `content` is None are those `state` (read under the same build lock) found
    unchanged in the output.
    """
    output_path = Path(os.path.abspath(output_path))
    wanted = _wanted(pages, files)
    if state is None:
        state = read_output_state(output_path, cache)
    if state.previous is not None:
        written = _update(output_path, wanted, state, cache)
    else:
        written = _replace(output_path, wanted, cache)
    if cache is not None:
        cache.put("output", _manifest_key(output_path),
                  _manifest(output_path, wanted, state if written < len(wanted) else None))
    return written


@dataclass(frozen=True)
class OutputState:
    """What the output folder holds, as the build that wrote it recorded and as it is now."""

    previous: dict | None  # {path: (digest, size, mtime_ns)} as written; None when unknown
    present: dict  # {path: (size, mtime_ns)} of the files there now

    def holds(self, site_url: str, digest: bytes) -> bool:
        """Whether the file for `site_url` is there, unchanged since it was written as `digest`."""
        if self.previous is None:
            return False
        rel = output_name(site_url)
        written = self.previous.get(rel)
        return written is not None and written[0] == digest and self.present.get(rel) == written[1:]


def read_output_state(output_path: Path, cache) -> OutputState:
    """The output's state, once what killed builds left is finished or removed."""
    output_path = Path(os.path.abspath(output_path))
    _remove_leftovers(output_path)
    previous = cache.get("output", _manifest_key(output_path)) if cache is not None else None
    if previous is None or not output_path.is_dir() or output_path.is_symlink():
        return OutputState(None, {})
    return OutputState(previous, _present_files(output_path))


def _manifest_key(output_path: Path) -> bytes:
    return str(output_path).encode("utf-8", "surrogateescape")


def _wanted(pages, files) -> dict[str, tuple]:
    """{output path: (digest, size, page or published file)} of everything the site holds."""
    wanted = {}
    for page in pages:
        wanted[_relative(page.url)] = (page.digest, page.size, page)
    for published in files:
        stat = published.source_path.stat()
        identity = f"{published.source_path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode(
            "utf-8", "surrogateescape")
        wanted[_relative(published.url)] = (b"file:" + identity, stat.st_size, published)
    return wanted


def _relative(site_url: str) -> str:
    relative = output_name(site_url)
    if relative.startswith("/") or ".." in relative.split("/") or "\\" in site_url:
        raise ValueError(f"refusing to write outside the output folder: {site_url!r}")
    return relative


def _manifest(output_path: Path, wanted: dict, state: OutputState | None) -> dict:
    """What was written, to recognise it next time: {path: (digest, size, mtime_ns)}.

    A file `state` found unchanged keeps what was recorded for it; the others are looked at.
    """
    manifest = {}
    previous = state.previous if state is not None and state.previous is not None else {}
    for rel, (digest, _size, _item) in wanted.items():
        known = previous.get(rel)
        if known is not None and known[0] == digest and state.present.get(rel) == known[1:]:
            manifest[rel] = known
            continue
        try:
            stat = os.stat(output_path / rel)
        except OSError:
            continue
        manifest[rel] = (digest, stat.st_size, stat.st_mtime_ns)
    return manifest


def _put(target: Path, entry: tuple, cache) -> None:
    """Write one file of the site at `target` (a new path)."""
    digest, _size, item = entry
    if isinstance(item, Published):
        shutil.copyfile(item.source_path, target)
        return
    content = item.content
    if content is None:
        content = cache.read_page(digest) if cache is not None else None
        if content is None:  # changed by another build since this one looked: build again
            raise OSError(_("the output changed while this build ran ({url}); build again",
                            url=item.url or "home"))
    target.write_bytes(content)
    if cache is not None and item.digest:
        cache.keep_page(item.digest, target)


def _replace(output_path: Path, wanted: dict, cache) -> int:
    new_path = output_path.parent / f".{output_path.name}.new-{os.getpid()}"
    old_path = output_path.parent / f".{output_path.name}.old-{os.getpid()}"
    _remove_tree(new_path)
    try:
        new_path.mkdir(parents=True)
        for rel, entry in wanted.items():
            _put(_target_path(new_path, rel), entry, cache)
        _swap(output_path, new_path, old_path)
    except BaseException:
        _remove_tree(new_path)
        raise
    return len(wanted)


def _update(output_path: Path, wanted: dict, state: OutputState, cache) -> int:
    previous, present = state.previous, state.present
    changed = [rel for rel, (digest, _size, _item) in wanted.items()
               if rel not in previous or previous[rel][0] != digest
               or present.get(rel) != previous[rel][1:]]
    removed = sorted(rel for rel in present if rel not in wanted)
    if not changed and not removed:
        return 0
    new_path = output_path.parent / f".{output_path.name}.new-{os.getpid()}"
    journal = output_path.parent / f".{output_path.name}.journal-{os.getpid()}"
    _remove_tree(new_path)
    try:
        new_path.mkdir(parents=True)
        for rel in changed:
            _put(_target_path(new_path, rel), wanted[rel], cache)
        temporary = journal.with_name(journal.name + ".tmp")
        temporary.write_text(json.dumps({"new": new_path.name, "moved": changed,
                                         "removed": removed}), encoding="utf-8")
        os.replace(temporary, journal)  # from here on the update is finished, even if killed
    except BaseException:
        _remove_tree(new_path)
        raise
    _apply_journal(output_path, journal)
    return len(changed)


def _present_files(output_path: Path) -> dict[str, tuple[int, int]]:
    """{path: (size, mtime_ns)} of the files in the output, but what is kept from elsewhere."""
    present = {}
    folders = [(str(output_path), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if not prefix and entry.name in KEEP_NAMES:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, prefix + entry.name + "/"))
                else:
                    stat = entry.stat(follow_symlinks=False)
                    present[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns)
    return present


def _apply_journal(output_path: Path, journal: Path) -> None:
    """Move the files a journal lists into the output and remove those it drops."""
    plan = json.loads(journal.read_text(encoding="utf-8"))
    new_path = output_path.parent / plan["new"]
    for rel in plan["moved"]:
        source = new_path / rel
        if source.exists():
            target = output_path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir() and not target.is_symlink():
                _remove_tree(target, ignore_errors=False)
            os.replace(source, target)
    for rel in plan["removed"]:
        target = output_path / rel
        try:
            target.unlink()
        except FileNotFoundError:
            pass
        folder = target.parent
        while folder != output_path:
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
            folder = folder.parent
    _remove_tree(new_path)
    journal.unlink()


def _target_path(root: Path, rel: str) -> Path:
    path = root.joinpath(*rel.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _remove_leftovers(output_path: Path) -> None:
    """Finish or remove what builds that were killed left (by their names, ours only).

    Runs under the build lock, so no other build is using them. A build stopped between the
    two renames of the swap left the previous output as `.<name>.old-<pid>`: it is put back.
    A build stopped after committing its journal is finished: its files are moved in.
    """
    if not output_path.parent.is_dir():
        return
    prefix = f".{output_path.name}.journal-"
    for path in sorted(output_path.parent.iterdir()):
        if path.name.startswith(prefix) and path.name[len(prefix):].isdigit() and path.is_file():
            _apply_journal(output_path, path)
    for kind in ("old", "new"):
        prefix = f".{output_path.name}.{kind}-"
        for path in sorted(output_path.parent.iterdir()):
            if not (path.name.startswith(prefix) and path.name[len(prefix):].isdigit()
                    and path.is_dir() and not path.is_symlink()):
                continue
            if kind == "old" and not os.path.lexists(output_path):
                os.rename(path, output_path)
            else:
                _remove_tree(path)
    for path in sorted(output_path.parent.iterdir()):  # an uncommitted journal: never applied
        if path.name.startswith(f".{output_path.name}.journal-") and path.name.endswith(".tmp"):
            path.unlink()


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
    _remove_tree(old_path)


def _remove_tree(path: Path, ignore_errors: bool = True) -> None:
    """shutil.rmtree that also removes read-only files, as git makes its objects: Windows
    refuses to delete those until their read-only attribute is cleared. With `ignore_errors`,
    what still cannot be removed stays (as rmtree's own ignore_errors)."""

    def clear_read_only_and_retry(function, failed_path, error):
        error = error if isinstance(error, BaseException) else error[1]  # onerror gives exc_info
        if function in (os.unlink, os.remove, os.rmdir) and isinstance(error, PermissionError) \
                and not os.path.islink(failed_path):
            try:
                os.chmod(failed_path, stat.S_IMODE(os.lstat(failed_path).st_mode) | stat.S_IWRITE)
                function(failed_path)
                return
            except OSError:
                pass
        if not ignore_errors:
            raise error

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=clear_read_only_and_retry)
    else:  # onexc is new in 3.12; onerror is deprecated there
        shutil.rmtree(path, onerror=clear_read_only_and_retry)


def _copy_entry(source: Path, target: Path) -> None:
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True)
    else:
        shutil.copy2(source, target, follow_symlinks=False)

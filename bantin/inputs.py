"""A hash of everything a build reads, cheap enough to tell "nothing changed" at once.

Files are identified by their content hash. Like git's index, a file whose size, modification
time and inode are those recorded when it was last hashed is not read again — unless it was
modified so close to that moment that a later change could share its timestamp. A fresh
clone gives every file a new time: then every file is read and hashed once.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from .cache import BuildCache, digest, key_of

_STAT_KEY = b"stat"
_RACY_NS = 2_000_000_000  # a file changed this close to the last hashing is read again


class InputHasher:
    """Hashes files through the stat table kept in the build cache."""

    def __init__(self, cache: BuildCache):
        self.cache = cache
        found = cache.get("stat", _STAT_KEY)
        self.recorded_at, self.table = found if found is not None else (0, {})
        self.new_table: dict[str, tuple] = {}
        self.started = time.time_ns()

    def file_key(self, path: str, stat: os.stat_result) -> bytes:
        """The content hash of the file at `path` (with `stat` its os.stat)."""
        identity = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        known = self.table.get(path)
        if known is not None and known[:3] == identity and \
                stat.st_mtime_ns < self.recorded_at - _RACY_NS:
            self.new_table[path] = known
            return known[3]
        try:
            with open(path, "rb") as handle:
                value = digest(handle.read())
        except OSError:
            value = b"unreadable"
        self.new_table[path] = (*identity, value)
        return value

    def path_key(self, path: Path) -> bytes:
        """A hash of a file, or of every file below a folder; b"" when there is none."""
        try:
            stat = os.stat(path)
        except OSError:
            return b""
        return self.folder_key(path) if os.path.isdir(path) else self.file_key(str(path), stat)

    def folder_key(self, folder: Path) -> bytes:
        """A hash of every file below `folder` (following links, as the build does)."""
        parts = []
        pending = [str(folder)]
        while pending:
            current = pending.pop()
            try:
                entries = sorted(os.scandir(current), key=lambda e: e.name)
            except OSError:
                parts.append((current, b"unreadable"))
                continue
            for entry in entries:
                try:
                    if entry.is_dir():
                        pending.append(entry.path)
                    else:
                        parts.append((entry.path, self.file_key(entry.path, entry.stat())))
                except OSError:
                    parts.append((entry.path, b"unreadable"))
        return key_of(sorted(parts))

    def save(self) -> None:
        if self.new_table != self.table:
            self.cache.put("stat", _STAT_KEY, (self.started, self.new_table))
        else:
            self.cache.get("stat", _STAT_KEY)  # still used: kept by pruning

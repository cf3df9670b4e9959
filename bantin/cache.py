"""The persistent build cache in `.cache/build/`: what earlier builds computed, by content hash.

Every entry is keyed by a hash of everything its value depends on — file contents (never
modification times: a fresh clone gives every file a new one), settings, templates and the
versions of Bản tin, Python and the libraries — so a hit is always right, and deleting the folder
is always safe. Entries live in one SQLite file (the standard library's well-kept store, with
atomic commits); each value carries a checksum, and a file from another version, a truncated or
a corrupt one is noticed and set aside with a one-line notice: the build then runs cold.

Output pages are also kept as files named by their content hash (`pages/`), hard-linked with
the output when the file system allows it, so that a fresh clone with a restored `.cache/` can
lay out the whole site again without rendering it.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import platform
import shutil
import sqlite3
import sys
import zlib
from pathlib import Path

from . import __version__
from .messages import _

FORMAT = 2  # bump when what is stored changes shape
CACHE_SUBDIR = "build"
_DB_NAME = "cache.sqlite"
_PAGES_DIR = "pages"


def _engine_hash() -> str:
    """A hash of Bản tin's own code: a site that edits its copy of bantin/ gets a fresh cache."""
    package = Path(__file__).resolve().parent
    parts = [(path.relative_to(package).as_posix(), path.read_bytes())
             for path in sorted(package.rglob("*.py")) + sorted(package.rglob("*.po"))
             if "__pycache__" not in path.parts]
    return hashlib.blake2b(pickle.dumps(parts), digest_size=6).hexdigest()


def _library_versions() -> str:
    """The versions of the libraries whose output becomes the site's bytes, read from their
    .dist-info folder names (importlib.metadata would cost more than a whole unchanged build)."""
    wanted = {"markdown", "jinja2", "markupsafe", "babel", "nh3", "pillow", "pyyaml",
              "python_slugify"}
    found = set()
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _sep, version = name[:-len(".dist-info")].partition("-")
                if project.lower().replace("-", "_").replace(".", "_") in wanted:
                    found.add(f"{project.lower()}={version}")
    return hashlib.blake2b(",".join(sorted(found)).encode(), digest_size=4).hexdigest()


# What decides whether stored values can be trusted at all: another Bản tin, another Python
# (which may pickle differently) or other libraries (another Jinja or Babel writes other bytes).
STAMP = (f"{FORMAT}/{__version__}-{_engine_hash()}/"
         f"{platform.python_implementation()}-{sys.version.split()[0]}-{_library_versions()}")


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def key_of(*parts) -> bytes:
    """A cache key from plain values (str, bytes, int, tuples of them …).

    Pickled without its memo, so that the key depends on the values alone, never on which of
    them happen to be one object."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(parts)
    return digest(buffer.getvalue())


class BuildCache:
    """Entries in namespaces ("article", "markup", "page" …), read on demand, written at commit."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.notices: list[str] = []
        self.hits = 0
        self.misses = 0
        self._pending: dict[tuple[str, bytes], bytes] = {}
        self._used: dict[str, set[bytes]] = {}
        self._db: sqlite3.Connection | None = None
        self._fresh = False
        if folder is not None:
            self._open()

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def _open(self) -> None:
        path = self.folder / _DB_NAME
        if not path.exists():
            self._fresh = True  # created at commit: a build that fails early writes nothing
            return
        try:
            self._db = self._connect(path)
        except (sqlite3.DatabaseError, OSError, _Stale) as error:
            if self._db is not None:
                self._db.close()
            self._db = None
            self.notices.append(_set_aside_notice(
                self._shown(), error.args[0] if isinstance(error, _Stale) else error))
            self._discard()
            try:
                self._db = self._connect(path)
            except (sqlite3.DatabaseError, OSError, _Stale):
                self._db = None

    def _connect(self, path: Path) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists()
        db = sqlite3.connect(path, isolation_level=None)
        self._db = db
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA synchronous=NORMAL")
        if fresh:
            db.executescript("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);"
                             "CREATE TABLE entries (ns TEXT, key BLOB, value BLOB,"
                             " PRIMARY KEY (ns, key)) WITHOUT ROWID;")
            db.execute("INSERT INTO meta VALUES ('stamp', ?)", (STAMP,))
            return db
        row = db.execute("SELECT value FROM meta WHERE name = 'stamp'").fetchone()
        if row is None or row[0] != STAMP:
            raise _Stale(_("made by {made_by}, not {stamp}", made_by=row[0] if row else "?",
                           stamp=STAMP))
        db.execute("PRAGMA quick_check(1)").fetchone()  # cheap: catches a truncated file
        return db

    def _discard(self) -> None:
        if self.folder is not None and self.folder.is_dir() and not self.folder.is_symlink():
            shutil.rmtree(self.folder, ignore_errors=True)

    def _shown(self) -> str:
        return f"{self.folder.parent.name}/{self.folder.name}/" if self.folder else ""

    def get(self, ns: str, key: bytes):
        """The value stored under `key`, or None."""
        self._used.setdefault(ns, set()).add(key)
        if self._db is None:
            self.misses += 1
            return None
        data = self._pending.get((ns, key))
        if data is None:
            try:
                row = self._db.execute("SELECT value FROM entries WHERE ns = ? AND key = ?",
                                       (ns, key)).fetchone()
            except sqlite3.DatabaseError as error:
                self._set_aside(error)
                return None
            if row is None:
                self.misses += 1
                return None
            data = row[0]
        value = self._unpack(data)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        return value[0]

    def get_many(self, ns: str, keys) -> dict:
        """{key: value} for the keys that are stored."""
        keys = list(keys)
        self._used.setdefault(ns, set()).update(keys)
        if self._db is None:
            self.misses += len(keys)
            return {}
        rows = {}
        try:
            for start in range(0, len(keys), 500):
                batch = keys[start:start + 500]
                rows.update(self._db.execute(
                    f"SELECT key, value FROM entries WHERE ns = ? AND key IN "
                    f"({','.join('?' * len(batch))})", (ns, *batch)).fetchall())
        except sqlite3.DatabaseError as error:
            self._set_aside(error)
            return {}
        found = {}
        for key in keys:
            data = self._pending.get((ns, key)) or rows.get(key)
            value = self._unpack(data) if data is not None else None
            if self._db is None:  # damaged: trust nothing
                return {}
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
                found[key] = value[0]
        return found

    def put(self, ns: str, key: bytes, value) -> None:
        self._used.setdefault(ns, set()).add(key)
        if self._db is not None or self._fresh:
            data = pickle.dumps((value,), protocol=5)
            self._pending[ns, key] = zlib.crc32(data).to_bytes(4, "big") + data

    def _unpack(self, data: bytes):
        check, data = data[:4], data[4:]
        if zlib.crc32(data).to_bytes(4, "big") != check:
            self._set_aside(_("a stored value does not match its checksum"))
            return None
        try:
            return pickle.loads(data)
        except Exception as error:  # noqa: BLE001 - any damage means: do not trust it
            self._set_aside(_("a stored value cannot be read: {error}", error=type(error).__name__))
            return None

    def _set_aside(self, reason) -> None:
        """Stop trusting the cache for the rest of this build; it is rebuilt at commit."""
        if self._db is not None:
            self.notices.append(_set_aside_notice(self._shown(), reason))
            self._db.close()
            self._db = None
            self._pending.clear()
            self._discard()
            self._fresh = True  # made anew at commit, from what this build computes

    def commit(self, prune: bool = True) -> None:
        """Write what this build stored; with `prune`, forget what it did not use."""
        if self._db is None and self._fresh:
            try:
                self._db = self._connect(self.folder / _DB_NAME)
            except (sqlite3.DatabaseError, OSError, _Stale):
                return
            self._fresh = False
        if self._db is None:
            return
        db = self._db
        try:
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                           ((ns, key, data) for (ns, key), data in self._pending.items()))
            used = sum(len(keys) for keys in self._used.values())
            # Forgetting what this build did not use costs a pass over every entry: done only
            # once unused entries make up a third of the file.
            if prune and db.execute("SELECT COUNT(*) FROM entries").fetchone()[0] > 1.5 * used:
                db.execute("CREATE TEMP TABLE IF NOT EXISTS used (ns TEXT, key BLOB, "
                           "PRIMARY KEY (ns, key)) WITHOUT ROWID")
                db.execute("DELETE FROM used")
                db.executemany("INSERT OR IGNORE INTO used VALUES (?, ?)",
                               ((ns, key) for ns, keys in self._used.items() for key in keys))
                db.execute("DELETE FROM entries WHERE NOT EXISTS (SELECT 1 FROM used WHERE "
                           "used.ns = entries.ns AND used.key = entries.key)")
            db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            self._set_aside(error)
        self._pending.clear()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # --- page files -------------------------------------------------------------------------

    def page_path(self, page_digest: bytes) -> Path | None:
        if self.folder is None:
            return None
        name = page_digest.hex()
        return self.folder / _PAGES_DIR / name[:2] / name

    def has_page(self, page_digest: bytes, size: int) -> bool:
        path = self.page_path(page_digest)
        try:
            return path is not None and path.stat().st_size == size
        except OSError:
            return False

    def read_page(self, page_digest: bytes) -> bytes | None:
        """A kept page's bytes, checked against their hash; None when missing or damaged."""
        path = self.page_path(page_digest)
        try:
            data = path.read_bytes() if path is not None else None
        except OSError:
            return None
        return data if data is not None and digest(data) == page_digest else None

    def keep_page(self, page_digest: bytes, output_file: Path) -> None:
        """Keep a written output file under its hash: a hard link where possible, else a copy."""
        path = self.page_path(page_digest)
        if path is None or path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(output_file, path)
        except OSError:
            temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
            shutil.copyfile(output_file, temporary)
            os.replace(temporary, path)

    def drop_pages(self, digests) -> None:
        for page_digest in digests:
            path = self.page_path(page_digest)
            if path is not None:
                try:
                    path.unlink()
                except OSError:
                    pass


class _Stale(Exception):
    pass


def _set_aside_notice(folder: str, reason) -> str:
    # The reason is ours (a Message) or SQLite's own words, which stay as they are.
    return _("the build cache in {folder} was set aside ({reason}); this build runs without it",
             folder=folder, reason=reason if isinstance(reason, str) else str(reason))

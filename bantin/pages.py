"""What the site is made of on disk: pages (bytes made by the build) and files copied as they are.

Kept apart from the stages that make them, so that writing, and the check that nothing
changed, need none of the libraries that converting and rendering do.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .cache import digest


@dataclass(frozen=True)
class Published:
    """A file copied as it is: an image beside an article, a theme stylesheet."""

    url: str
    source_path: Path
    origin: str  # what put it there, for problems ("content/2024/a.png")


@dataclass(frozen=True)
class Page:
    """One output file: its site URL, its bytes, and what made it (for problems).

    `content` is None for a page known unchanged: then `digest` and `size` name the bytes an
    earlier build wrote and the build cache keeps.
    """

    url: str
    content: bytes | None
    origin: str
    digest: bytes = b""
    size: int = -1

    def __post_init__(self):
        if self.content is not None and not self.digest:
            object.__setattr__(self, "digest", digest(self.content))
            object.__setattr__(self, "size", len(self.content))

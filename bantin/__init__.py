"""Bản tin: a static site generator for civic news digests, grouped by locality."""

__version__ = "0.1.0"

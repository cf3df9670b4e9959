"""Machine-readable files: Atom feeds, the sitemap and robots.txt, built with an XML library so
every value is escaped, whatever an editor typed."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from urllib.parse import urlsplit

from .text import strip_control_characters

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)  # "updated" of a feed with no entry


@dataclass(frozen=True)
class Entry:
    """One entry of a feed, already in absolute URLs and plain values."""

    id: str
    title: str
    url: str  # absolute
    published: dt.datetime
    updated: dt.datetime
    author: str
    summary: str
    content_html: str
    categories: tuple[tuple[str, str], ...] = ()  # (term, label)


def tag_uri(base_url: str, date: dt.date, site_url: str) -> str:
    """A stable entry id (RFC 4151): the host, the first day the thing existed, its path.

    It never changes when the site is rebuilt. The sub-path is part of it, so two project
    sites on one host (user.github.io/a/, user.github.io/b/) never share an id.
    """
    parts = urlsplit(base_url)
    return f"tag:{parts.hostname or 'localhost'},{date.isoformat()}:{parts.path}{site_url}"


def atom_feed(*, feed_id: str, title: str, subtitle: str, self_url: str, page_url: str,
              author: str, language: str, entries: list[Entry]) -> bytes:
    """An Atom 1.0 document (RFC 4287) with the given entries, newest first."""
    feed = etree.Element("feed", {"xmlns": ATOM, "xml:lang": language})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    updated = max((e.updated for e in entries), default=_EPOCH)
    _text(feed, "updated", _rfc3339(updated))
    etree.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": self_url})
    etree.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": page_url})
    _text(etree.SubElement(feed, "author"), "name", author)
    _text(feed, "generator", "Bản tin")
    for item in entries:
        entry = etree.SubElement(feed, "entry")
        _text(entry, "id", item.id)
        _text(entry, "title", item.title)
        etree.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": item.url})
        _text(entry, "published", _rfc3339(item.published))
        _text(entry, "updated", _rfc3339(item.updated))
        _text(etree.SubElement(entry, "author"), "name", item.author)
        for term, label in item.categories:
            etree.SubElement(entry, "category", {"term": term, "label": _clean(label)})
        if item.summary:
            _text(entry, "summary", item.summary)
        content = _text(entry, "content", item.content_html)
        content.set("type", "html")
        content.set("xml:base", item.url)
    return _serialise(feed)


def sitemap(entries: list[tuple[str, dt.datetime | None]]) -> bytes:
    """A sitemaps.org 0.9 urlset of (absolute URL, last modified)."""
    urlset = etree.Element("urlset", {"xmlns": SITEMAP})
    for url, lastmod in entries:
        node = etree.SubElement(urlset, "url")
        _text(node, "loc", url)
        if lastmod is not None:
            _text(node, "lastmod", _rfc3339(lastmod))
    return _serialise(urlset)


def robots_txt(sitemap_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n".encode()


def _text(parent: etree.Element, tag: str, value: str) -> etree.Element:
    element = etree.SubElement(parent, tag)
    element.text = _clean(value)
    return element


def _clean(value: str) -> str:
    """Characters XML 1.0 cannot hold are dropped, so a stray one never breaks a feed."""
    return strip_control_characters(str(value)).replace("\ufffe", "").replace("\uffff", "")


def _rfc3339(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")


def _serialise(root: etree.Element) -> bytes:
    etree.indent(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

"""Every site URL and output path comes from here, so the base_url sub-path is handled once.

Site URLs are relative to the site root and have no leading slash ("dia-phuong/ba-vi/"); the
theme turns them into links with `url()`, which adds the base path ("/repo/dia-phuong/ba-vi/").
"""
from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote, urljoin

# Path words per site language: URLs stay ASCII and read naturally to the site's readers.
_SECTIONS = {
    "vi": {"article": "bai-viet", "locality": "dia-phuong", "topic": "chu-de", "page": "trang",
           "digest": "ban-tin", "week": "tuan", "month": "thang", "archive": "luu-tru",
           "search": "tim-kiem"},
    "en": {"article": "articles", "locality": "localities", "topic": "topics", "page": "page",
           "digest": "digests", "week": "week", "month": "month", "archive": "archive",
           "search": "search"},
}
HOME_URL = ""
NOT_FOUND_URL = "404.html"
FEED_NAME = "atom.xml"
SITEMAP_URL = "sitemap.xml"
ROBOTS_URL = "robots.txt"
ASSETS_PREFIX = "assets/"


class Urls:
    """The URL scheme of one site."""

    def __init__(self, language: str, base_url: str, base_path: str):
        self.section = _SECTIONS[language]
        self.base_url = base_url  # absolute, ends with "/"
        self.base_path = base_path  # "/" or "/repo/"

    def article(self, slug: str) -> str:
        return f"{self.section['article']}/{slug}/"

    def articles(self, page: int = 1) -> str:
        return self.paged(f"{self.section['article']}/", page)

    def localities(self) -> str:
        return f"{self.section['locality']}/"

    def locality(self, slug: str, page: int = 1) -> str:
        return self.paged(f"{self.section['locality']}/{slug}/", page)

    def topics(self) -> str:
        return f"{self.section['topic']}/"

    def topic(self, slug: str, page: int = 1) -> str:
        return self.paged(f"{self.section['topic']}/{slug}/", page)

    def digests(self, page: int = 1) -> str:
        return self.paged(f"{self.section['digest']}/", page)

    def digest(self, year: int, period: str, number: int) -> str:
        """ban-tin/2024-tuan-27/ for week 27, ban-tin/2024-thang-07/ for July."""
        return f"{self.section['digest']}/{year}-{self.section[period]}-{number:02d}/"

    def archive(self, year: int | None = None, month: int | None = None, page: int = 1) -> str:
        url = f"{self.section['archive']}/"
        if year is not None:
            url += f"{year}/"
        if month is not None:
            url += f"{month:02d}/"
        return self.paged(url, page)

    def search(self) -> str:
        return f"{self.section['search']}/"

    def search_index(self) -> str:
        """The folder of the search index files (bantin/search.py)."""
        return f"{self.section['search']}/index/"

    def feed(self, page_url: str = HOME_URL) -> str:
        """The Atom feed that belongs with a page: atom.xml beside its index.html."""
        return page_url + FEED_NAME

    def paged(self, first_url: str, page: int) -> str:
        """Page 1 of a list lives at its own URL, page n at .../trang/n/."""
        return first_url if page == 1 else f"{first_url}{self.section['page']}/{page}/"

    def asset(self, rel_path: str) -> str:
        return ASSETS_PREFIX + rel_path

    def link(self, site_url: str) -> str:
        """A site URL as a link from any page: the base path plus the percent-encoded URL."""
        return self.base_path + quote(site_url, safe="/#?=&~+@!$,;:")

    def absolute(self, site_url: str) -> str:
        return urljoin(self.base_url, quote(site_url, safe="/#?=&~+@!$,;:"))


def output_file(site_url: str) -> PurePosixPath:
    """Where a page is written below the output folder: pretty URLs become folder/index.html."""
    return PurePosixPath(output_name(site_url))


def output_name(site_url: str) -> str:
    """output_file as text ("dia-phuong/ba-vi/index.html"), for the many-page paths."""
    path = site_url.split("#", 1)[0].split("?", 1)[0]
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path

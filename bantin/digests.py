"""Periodic round-ups: weekly or monthly digests grouped by locality, and date archives."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from .localities import with_ancestors
from .urls import Urls


@dataclass(frozen=True)
class DigestGroup:
    """The articles of one locality in a digest; `locality` None holds those with none."""

    locality: object  # a Locality, or None
    depth: int  # 0 for a top-level locality
    articles: tuple  # whose first locality in tree order is this one, newest first


@dataclass(frozen=True)
class DigestLink:
    """What it takes to name and link to a digest: its period and URL."""

    period: str  # "week" or "month"
    year: int  # ISO year for weeks
    number: int  # ISO week, or month
    start: dt.date
    end: dt.date  # inclusive
    url: str

    @property
    def key(self) -> str:
        return f"{self.year}-W{self.number:02d}" if self.period == "week" else \
            f"{self.year}-{self.number:02d}"


@dataclass(frozen=True)
class Digest(DigestLink):
    """One period's round-up, with links to its neighbours."""

    articles: tuple = ()  # newest first
    groups: tuple[DigestGroup, ...] = ()
    older: DigestLink | None = field(default=None, repr=False)
    newer: DigestLink | None = field(default=None, repr=False)

    @cached_property
    def link(self) -> DigestLink:
        return DigestLink(self.period, self.year, self.number, self.start, self.end, self.url)


@dataclass(frozen=True)
class ArchiveMonth:
    year: int
    month: int
    url: str
    articles: tuple


@dataclass(frozen=True)
class ArchiveYear:
    year: int
    url: str
    months: tuple[ArchiveMonth, ...]  # newest first
    articles: tuple


def period_of(date: dt.datetime, period: str) -> tuple[int, int]:
    """(year, number) of the week or month holding `date`, a datetime in the site's timezone."""
    if period == "week":
        iso = date.date().isocalendar()
        return iso.year, iso.week
    return date.year, date.month


def build_digests(articles, localities: dict, children: dict, period: str,
                  urls: Urls) -> tuple[Digest, ...]:
    """One digest per period with articles, newest first, linked to their neighbours."""
    by_period: dict[tuple[int, int], list] = {}
    for article in articles:  # newest first already
        by_period.setdefault(period_of(article.date, period), []).append(article)
    order = _tree_order(localities, children)
    links = []
    for year, number in sorted(by_period, reverse=True):
        start, end = _bounds(year, number, period)
        links.append(DigestLink(period, year, number, start, end, urls.digest(year, period, number)))
    return tuple(
        Digest(*(getattr(link, name) for name in ("period", "year", "number", "start", "end", "url")),
               articles=tuple(by_period[link.year, link.number]),
               groups=_groups(by_period[link.year, link.number], order, localities),
               older=links[index + 1] if index + 1 < len(links) else None,
               newer=links[index - 1] if index else None)
        for index, link in enumerate(links))


def build_archive(articles, urls: Urls) -> tuple[ArchiveYear, ...]:
    """Years, newest first, each with its months, newest first."""
    years: dict[int, dict[int, list]] = {}
    for article in articles:
        years.setdefault(article.date.year, {}).setdefault(article.date.month, []).append(article)
    result = []
    for year in sorted(years, reverse=True):
        months = tuple(ArchiveMonth(year, month, urls.archive(year, month), tuple(items))
                       for month, items in sorted(years[year].items(), reverse=True))
        result.append(ArchiveYear(year, urls.archive(year), months,
                                  tuple(a for m in months for a in m.articles)))
    return tuple(result)


def _bounds(year: int, number: int, period: str) -> tuple[dt.date, dt.date]:
    if period == "week":
        start = dt.date.fromisocalendar(year, number, 1)
        # The last week of 9999 ends in a year Python has no date for: end it on 31/12/9999.
        return start, start + dt.timedelta(days=min(6, (dt.date.max - start).days))
    start = dt.date(year, number, 1)
    if (year, number) == (dt.MAXYEAR, 12):
        return start, dt.date.max
    following = dt.date(year + (number == 12), number % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def _tree_order(localities: dict, children: dict) -> list[tuple[object, int]]:
    """Every locality with its depth, parents before children, each level in Vietnamese order."""
    order = []

    def visit(slug, depth):
        order.append((localities[slug], depth))
        for child in children[slug]:
            visit(child, depth + 1)

    for locality in localities.values():
        if locality.parent_slug is None:
            visit(locality.slug, 0)
    return order


def _groups(articles, order, localities) -> tuple[DigestGroup, ...]:
    """Groups in tree order, each article once: under the first of its localities in that
    order (the entry names all of them). The ancestors of a group with articles are kept as
    (empty) headings so the hierarchy stays readable."""
    rank = {locality.slug: position for position, (locality, _depth) in enumerate(order)}
    direct: dict[str, list] = {}
    unplaced = []
    for article in articles:
        if article.locality_slugs:
            first = min(article.locality_slugs, key=rank.__getitem__)
            direct.setdefault(first, []).append(article)
        else:
            unplaced.append(article)
    shown = set(with_ancestors(direct, localities))
    groups = [DigestGroup(locality, depth, tuple(direct.get(locality.slug, ())))
              for locality, depth in order if locality.slug in shown]
    if unplaced:
        groups.append(DigestGroup(None, 0, tuple(unplaced)))
    return tuple(groups)

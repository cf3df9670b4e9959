"""Digests and archives: periods in the site's timezone, grouping in the locality tree."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from bantin.digests import build_archive, build_digests, period_of
from bantin.model import Locality
from bantin.urls import Urls

HANOI = dt.timezone(dt.timedelta(hours=7))
URLS = Urls("vi", "https://example.org/repo/", "/repo/")


def _tree():
    city = Locality("ha-noi", "Hà Nội", "thành phố", "", "dia-phuong/ha-noi/")
    district = Locality("huyen-ba-vi", "Ba Vì", "huyện", "", "dia-phuong/huyen-ba-vi/", "ha-noi")
    commune = Locality("khanh-thuong", "Khánh Thượng", "xã", "", "dia-phuong/khanh-thuong/",
                       "huyen-ba-vi")
    other = Locality("hoan-kiem", "Hoàn Kiếm", "quận", "", "dia-phuong/hoan-kiem/", "ha-noi")
    return {l.slug: l for l in (city, district, commune, other)}


CHILDREN = {"ha-noi": ("huyen-ba-vi", "hoan-kiem"), "huyen-ba-vi": ("khanh-thuong",),
            "khanh-thuong": (), "hoan-kiem": ()}


def _article(slug, when, *localities):
    return SimpleNamespace(slug=slug, title=slug, date=when, localities=tuple(localities),
                           locality_slugs=tuple(l.slug for l in localities))


def test_iso_week_boundary_is_taken_in_the_sites_timezone():
    sunday_night = dt.datetime(2024, 7, 7, 23, 30, tzinfo=HANOI)
    monday_morning = dt.datetime(2024, 7, 8, 0, 10, tzinfo=HANOI)

    assert period_of(sunday_night, "week") == (2024, 27)
    assert period_of(monday_morning, "week") == (2024, 28)
    assert period_of(monday_morning, "month") == (2024, 7)


def test_iso_week_of_the_new_year_belongs_to_the_iso_year():
    assert period_of(dt.datetime(2024, 12, 30, 9, tzinfo=HANOI), "week") == (2025, 1)


def test_weekly_digests_newest_first_with_bounds_urls_and_neighbours():
    t = _tree()
    articles = [_article("b", dt.datetime(2024, 7, 8, 0, 10, tzinfo=HANOI), t["hoan-kiem"]),
                _article("a", dt.datetime(2024, 7, 7, 23, 30, tzinfo=HANOI), t["khanh-thuong"])]

    newer, older = build_digests(articles, t, CHILDREN, "week", URLS)

    assert (newer.key, newer.start, newer.end, newer.url) == (
        "2024-W28", dt.date(2024, 7, 8), dt.date(2024, 7, 14), "ban-tin/2024-tuan-28/")
    assert (older.key, older.start, older.end) == ("2024-W27", dt.date(2024, 7, 1), dt.date(2024, 7, 7))
    assert newer.older == older.link and older.newer == newer.link
    assert newer.newer is None and older.older is None


def test_monthly_digest_bounds_include_december():
    t = _tree()
    (digest,) = build_digests([_article("a", dt.datetime(2024, 12, 31, 23, tzinfo=HANOI), t["ha-noi"])],
                              t, CHILDREN, "month", URLS)

    assert (digest.key, digest.start, digest.end, digest.url) == (
        "2024-12", dt.date(2024, 12, 1), dt.date(2024, 12, 31), "ban-tin/2024-thang-12/")


def test_each_article_is_listed_once_under_its_first_locality_in_tree_order():
    t = _tree()
    commune_news = _article("xa", dt.datetime(2024, 7, 3, tzinfo=HANOI), t["khanh-thuong"])
    both = _article("hai-noi", dt.datetime(2024, 7, 2, tzinfo=HANOI), t["hoan-kiem"], t["khanh-thuong"])
    unplaced = _article("chung", dt.datetime(2024, 7, 1, tzinfo=HANOI))

    (digest,) = build_digests([commune_news, both, unplaced], t, CHILDREN, "week", URLS)

    assert [(g.locality.slug if g.locality else None, g.depth, [a.slug for a in g.articles])
            for g in digest.groups] == [
        ("ha-noi", 0, []),
        ("huyen-ba-vi", 1, []),
        ("khanh-thuong", 2, ["xa", "hai-noi"]),
        (None, 0, ["chung"]),
    ]


def test_archive_by_year_and_month_newest_first():
    t = _tree()
    articles = [_article("c", dt.datetime(2025, 1, 2, tzinfo=HANOI), t["ha-noi"]),
                _article("b", dt.datetime(2024, 8, 1, tzinfo=HANOI), t["ha-noi"]),
                _article("a", dt.datetime(2024, 7, 1, tzinfo=HANOI), t["ha-noi"])]

    years = build_archive(articles, URLS)

    assert [(y.year, y.url, [(m.month, m.url, [a.slug for a in m.articles]) for m in y.months])
            for y in years] == [
        (2025, "luu-tru/2025/", [(1, "luu-tru/2025/01/", ["c"])]),
        (2024, "luu-tru/2024/", [(8, "luu-tru/2024/08/", ["b"]), (7, "luu-tru/2024/07/", ["a"])]),
    ]

"""The URL scheme: every site URL and output path, with the base_url sub-path handled once."""
from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from bantin.urls import HOME_URL, NOT_FOUND_URL, Urls, output_file

VI = Urls("vi", "https://user.github.io/repo/", "/repo/")
EN = Urls("en", "https://example.org/", "/")


def test_vietnamese_sections():
    assert (VI.article("ba-vi"), VI.articles(), VI.localities(), VI.locality("xa-ba-vi"),
            VI.topics(), VI.topic("kinh-te"), VI.asset("css/site.css")) == (
        "bai-viet/ba-vi/", "bai-viet/", "dia-phuong/", "dia-phuong/xa-ba-vi/",
        "chu-de/", "chu-de/kinh-te/", "assets/css/site.css")


def test_english_sections():
    assert (EN.article("ba-vi"), EN.articles(), EN.localities(), EN.locality("xa-ba-vi"),
            EN.topics(), EN.topic("kinh-te")) == (
        "articles/ba-vi/", "articles/", "localities/", "localities/xa-ba-vi/",
        "topics/", "topics/kinh-te/")


def test_pagination_urls():
    assert (VI.articles(1), VI.articles(2), VI.locality("ha-noi", 3), VI.topic("kinh-te", 2)) == (
        "bai-viet/", "bai-viet/trang/2/", "dia-phuong/ha-noi/trang/3/", "chu-de/kinh-te/trang/2/")
    assert (EN.articles(2), EN.locality("ha-noi", 3)) == ("articles/page/2/", "localities/ha-noi/page/3/")


def test_link_adds_the_base_path():
    assert VI.link(HOME_URL) == "/repo/"
    assert VI.link("bai-viet/ba-vi/") == "/repo/bai-viet/ba-vi/"
    assert VI.link("bai-viet/ba-vi/#nguon") == "/repo/bai-viet/ba-vi/#nguon"
    assert EN.link("articles/ba-vi/") == "/articles/ba-vi/"


def test_link_percent_encodes_non_ascii_and_spaces():
    assert VI.link("2024/ảnh đẹp.png") == "/repo/2024/%E1%BA%A3nh%20%C4%91%E1%BA%B9p.png"


def test_link_encodes_a_percent_sign_in_a_file_name():
    assert VI.link("2024/tang-50%.png") == "/repo/2024/tang-50%25.png"


def test_absolute():
    assert VI.absolute(HOME_URL) == "https://user.github.io/repo/"
    assert VI.absolute("bai-viet/ba-vi/") == "https://user.github.io/repo/bai-viet/ba-vi/"
    assert VI.absolute("2024/ảnh.png") == "https://user.github.io/repo/2024/%E1%BA%A3nh.png"
    assert EN.absolute("404.html") == "https://example.org/404.html"


@pytest.mark.parametrize("site_url, path", [
    (HOME_URL, "index.html"),
    (NOT_FOUND_URL, "404.html"),
    ("bai-viet/ba-vi/", "bai-viet/ba-vi/index.html"),
    ("bai-viet/trang/2/", "bai-viet/trang/2/index.html"),
    ("assets/css/site.css", "assets/css/site.css"),
    ("bai-viet/ba-vi/bieu-do.svg", "bai-viet/ba-vi/bieu-do.svg"),
    ("bai-viet/ba-vi/#nguon", "bai-viet/ba-vi/index.html"),
    ("bai-viet/?q=1", "bai-viet/index.html"),
])
def test_output_file(site_url, path):
    assert output_file(site_url) == PurePosixPath(path)


def test_digest_archive_and_feed_urls():
    assert (VI.digests(), VI.digest(2024, "week", 7), VI.digest(2024, "month", 7)) == \
        ("ban-tin/", "ban-tin/2024-tuan-07/", "ban-tin/2024-thang-07/")
    assert (VI.archive(), VI.archive(2024), VI.archive(2024, 7)) == ("luu-tru/", "luu-tru/2024/", "luu-tru/2024/07/")
    assert (EN.digest(2024, "week", 27), EN.archive(2024, 7)) == ("digests/2024-week-27/", "archive/2024/07/")
    assert (VI.feed(), VI.feed("dia-phuong/ha-noi/")) == ("atom.xml", "dia-phuong/ha-noi/atom.xml")

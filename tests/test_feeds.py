"""Atom feeds, the sitemap and robots.txt: valid XML whatever the values hold."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as etree

from bantin.feeds import ATOM, SITEMAP, Entry, atom_feed, robots_txt, sitemap, tag_uri

HANOI = dt.timezone(dt.timedelta(hours=7))
A = f"{{{ATOM}}}"


def _entry(title="Tin", **changes):
    values = dict(id="tag:example.org,2024-07-01:/repo/bai-viet/tin/", title=title,
                  url="https://example.org/repo/bai-viet/tin/",
                  published=dt.datetime(2024, 7, 1, 9, tzinfo=HANOI),
                  updated=dt.datetime(2024, 7, 2, 9, tzinfo=HANOI), author="Ban biên tập",
                  summary="Tóm tắt", content_html="<p>Thân <b>bài</b></p>",
                  categories=(("hoan-kiem", "quận Hoàn Kiếm"),))
    values.update(changes)
    return Entry(**values)


def _feed(entries):
    return atom_feed(feed_id="https://example.org/repo/", title="Bản tin", subtitle="Mô tả",
                     self_url="https://example.org/repo/atom.xml", page_url="https://example.org/repo/",
                     author="Bản tin", language="vi", entries=entries)


def test_tag_uri_holds_host_day_and_path_with_the_sub_path():
    assert tag_uri("https://user.github.io/repo/", dt.date(2024, 7, 1), "bai-viet/tin/") == \
        "tag:user.github.io,2024-07-01:/repo/bai-viet/tin/"
    assert tag_uri("https://user.github.io/other/", dt.date(2024, 7, 1), "bai-viet/tin/") != \
        tag_uri("https://user.github.io/repo/", dt.date(2024, 7, 1), "bai-viet/tin/")


def test_feed_has_the_required_atom_elements():
    root = etree.fromstring(_feed([_entry()]))

    assert root.tag == f"{A}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    assert [root.find(f"{A}{name}").text for name in ("id", "title", "updated")] == [
        "https://example.org/repo/", "Bản tin", "2024-07-02T09:00:00+07:00"]
    assert root.find(f"{A}link[@rel='self']").get("href") == "https://example.org/repo/atom.xml"
    entry = root.find(f"{A}entry")
    assert entry.find(f"{A}id").text == "tag:example.org,2024-07-01:/repo/bai-viet/tin/"
    assert entry.find(f"{A}published").text == "2024-07-01T09:00:00+07:00"
    assert entry.find(f"{A}author/{A}name").text == "Ban biên tập"
    assert entry.find(f"{A}category").attrib == {"term": "hoan-kiem", "label": "quận Hoàn Kiếm"}
    content = entry.find(f"{A}content")
    assert (content.get("type"), content.text) == ("html", "<p>Thân <b>bài</b></p>")


def test_feed_without_entries_has_a_fixed_updated_date():
    assert etree.fromstring(_feed([])).find(f"{A}updated").text == "2000-01-01T00:00:00+00:00"


def test_markup_and_control_characters_never_break_the_xml():
    hostile = "</title><script>alert(1)</script> ]]> & \x01\x0b\ufffe"
    root = etree.fromstring(_feed([_entry(title=hostile, summary=hostile, content_html=hostile)]))

    entry = root.find(f"{A}entry")
    assert entry.find(f"{A}title").text == "</title><script>alert(1)</script> ]]> & "
    assert entry.find(f"{A}content").text == "</title><script>alert(1)</script> ]]> & "


def test_sitemap_lists_absolute_urls_with_lastmod():
    root = etree.fromstring(sitemap([("https://example.org/repo/", dt.datetime(2024, 7, 2, 9, tzinfo=HANOI)),
                                     ("https://example.org/repo/chu-de/", None)]))

    assert root.tag == f"{{{SITEMAP}}}urlset"
    rows = [(u.find(f"{{{SITEMAP}}}loc").text, getattr(u.find(f"{{{SITEMAP}}}lastmod"), "text", None))
            for u in root]
    assert rows == [("https://example.org/repo/", "2024-07-02T09:00:00+07:00"),
                    ("https://example.org/repo/chu-de/", None)]


def test_robots_names_the_sitemap():
    assert robots_txt("https://example.org/repo/sitemap.xml") == \
        b"User-agent: *\nAllow: /\n\nSitemap: https://example.org/repo/sitemap.xml\n"

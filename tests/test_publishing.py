"""End to end: the publishing features — Atom feeds, sitemap, metadata, share links, digests,
archives, drafts, related articles and responsive images — on the example site and on small
scratch projects."""
from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import feedparser
import pytest
from PIL import Image

import bantin.images
from bantin.pipeline import build_site
from conftest import BUILD_TIME, MINIMAL_SITE_YAML, REPO

SITE = "https://example.github.io/bantin/"  # the example's base_url
SCRATCH = "https://example.org/repo/"  # MINIMAL_SITE_YAML's base_url
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_CARD = re.compile(r'<h\d class="card-title"><a href="([^"]+)">(.*?)</a>')


# --- helpers ------------------------------------------------------------------------------

class Tags(HTMLParser):
    """Every start tag as (tag, attributes), and the text of each <script>."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script: dict | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script = attributes
            self.scripts.append((attributes, ""))

    def handle_data(self, data):
        if self._script is not None:
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def meta(self, key: str) -> list[str]:
        return [a.get("content", "") for t, a in self.tags
                if t == "meta" and (a.get("property") == key or a.get("name") == key)]

    def links(self, rel: str, type_: str | None = None) -> list[str]:
        return [a["href"] for t, a in self.tags if t == "link" and rel in a.get("rel", "").split()
                and (type_ is None or a.get("type") == type_)]

    def anchors(self) -> list[str]:
        return [a["href"] for t, a in self.tags if t == "a" and "href" in a]


def copy_example(project: Path) -> Path:
    project.mkdir(parents=True)
    for name in ("content", "themes", "bantin", "templates"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("site.yaml", "build.py"):
        shutil.copy2(REPO / name, project / name)
    return project


def build(project: Path, out: Path, **options):
    options.setdefault("build_time", BUILD_TIME)
    return build_site(project, output_dir=str(out), force=True, **options)


def run_build(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python build.py` of this repository on `project`, in a subprocess."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(project), *args],
                          cwd=project, text=True, capture_output=True, timeout=120,
                          env={**os.environ, **(env or {})})


def html_pages(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(out.rglob("*.html"))}


def page_url(rel: str, base: str) -> str:
    """index.html → base; a/b/index.html → base + a/b/."""
    return base + rel[:-len("index.html")] if rel.endswith("index.html") else base + rel


def read(out: Path, url_path: str) -> str:
    """The page at a site path such as 'ban-tin/' or 'atom.xml'."""
    path = out / url_path
    if url_path == "" or url_path.endswith("/"):
        path = path / "index.html"
    return path.read_text(encoding="utf-8")


def paged(out: Path, url_path: str) -> list[str]:
    """Every page of a paginated list: url_path, then url_path/trang/2/ and on."""
    pages = [read(out, url_path)]
    while (out / url_path / f"trang/{len(pages) + 1}/index.html").is_file():
        pages.append(read(out, f"{url_path}trang/{len(pages) + 1}/"))
    return pages


def card_titles(page: str) -> list[str]:
    return [html.unescape(title) for _, title in _CARD.findall(page)]


def article_md(title: str, date: str, localities=(), topics=(), extra: str = "",
               body: str = "Nội dung bài.") -> str:
    return (f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {date}\n"
            f"localities: {json.dumps(list(localities), ensure_ascii=False)}\n"
            f"topics: {json.dumps(list(topics), ensure_ascii=False)}\n"
            f"author: Phóng viên\n{extra}---\n{body}\n")


def site_yaml(**settings) -> str:
    extra = "".join(f"{key}: {value}\n" for key, value in settings.items())
    return extra + MINIMAL_SITE_YAML


def ld_json(page: str) -> str:
    """The text of the JSON-LD script, up to the first '</script' the browser would see."""
    start = page.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    end = page.lower().index("</script", start)
    return page[start:end]


# --- the example site, built once -------------------------------------------------------

@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = tmp_path_factory.mktemp("publishing")
    project = copy_example(root / "example")
    out = root / "out"
    result = build(project, out)
    return out, result


def _feeds(out: Path) -> list[Path]:
    return sorted(out.rglob("atom.xml"))


# 1. Atom feeds

def test_every_feed_exists_and_is_valid_atom(example):
    out, result = example
    site = result.site
    rels = {p.relative_to(out).as_posix() for p in _feeds(out)}
    expected = {"atom.xml", "ban-tin/atom.xml"}
    expected |= {f"dia-phuong/{slug}/atom.xml" for slug in site.localities}
    expected |= {f"chu-de/{topic.slug}/atom.xml" for topic in site.topics}
    assert rels == expected
    assert len([r for r in rels if r.startswith("dia-phuong/")]) == 9  # the example's localities
    by_url = {SITE + a.url: a for a in site.articles}
    for path in _feeds(out):
        rel = path.relative_to(out).as_posix()
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, (rel, feed.get("bozo_exception"))
        assert feed.version == "atom10", rel
        assert feed.feed.get("id") and feed.feed.get("title") and feed.feed.get("updated"), rel
        assert [l.href for l in feed.feed.links if l.rel == "self"] == [SITE + rel]
        assert feed.entries, rel
        published = []
        for entry in feed.entries:
            assert entry.get("id") and entry.get("title"), (rel, entry)
            assert entry.link.startswith(SITE) and urlsplit(entry.link).scheme == "https", rel
            assert entry.get("published") and entry.get("updated"), (rel, entry.title)
            assert entry.author_detail.name, (rel, entry.title)
            assert entry.get("summary"), (rel, entry.title)
            assert entry.content and entry.content[0].type == "text/html", (rel, entry.title)
            assert entry.content[0].value.strip(), (rel, entry.title)
            published.append(dt.datetime.fromisoformat(entry.published))
            if rel != "ban-tin/atom.xml":
                article = by_url[entry.link]
                assert entry.title == article.title
                terms = {tag.term for tag in entry.get("tags", [])}
                assert {l.slug for l in article.localities} <= terms, (rel, entry.title, terms)
                assert {t.slug for t in article.topics} <= terms, (rel, entry.title, terms)
        assert published == sorted(published, reverse=True), rel  # newest first


def test_feed_summary_is_in_the_xml_not_filled_in_by_the_reader(example):
    out, _ = example
    atom = "{http://www.w3.org/2005/Atom}"
    for path in _feeds(out):
        for entry in etree.parse(path).getroot().iter(f"{atom}entry"):
            assert (entry.findtext(f"{atom}summary") or "").strip(), path
            assert entry.find(f"{atom}content").get("type") == "html", path


def test_feed_size_limits_the_entries(make_project, tmp_path):
    files = {"site.yaml": site_yaml(feed_size=2)}
    for day in (1, 2, 3):
        files[f"content/2024/bai-{day}.md"] = article_md(
            f"Bài ngày {day}", f"2024-07-0{day}T08:00:00+07:00", ["Hoàn Kiếm"], ["Giao thông"])
    project = make_project(files)
    out = tmp_path / "out"
    build(project, out)
    for rel in ("atom.xml", "dia-phuong/hoan-kiem/atom.xml", "dia-phuong/ha-noi/atom.xml",
                "chu-de/giao-thong/atom.xml"):
        feed = feedparser.parse((out / rel).read_bytes())
        assert feed.bozo == 0
        assert [e.title for e in feed.entries] == ["Bài ngày 3", "Bài ngày 2"], rel


# 2. Stable ids

def _feed_ids(out: Path) -> dict[str, dict[str, str]]:
    ids = {}
    for path in _feeds(out):
        feed = feedparser.parse(path.read_bytes())
        ids[path.relative_to(out).as_posix()] = {e.link: e.id for e in feed.entries}
    return ids


def test_entry_ids_are_stable_tag_uris_and_unique(example, tmp_path):
    out, _ = example
    project = copy_example(tmp_path / "again")
    other = tmp_path / "other-out"
    build(project, other, build_time=BUILD_TIME + dt.timedelta(days=40, hours=5))
    first, second = _feed_ids(out), _feed_ids(other)
    assert first == second
    by_link: dict[str, str] = {}
    for rel, entries in first.items():
        assert len(set(entries.values())) == len(entries), rel  # unique within the feed
        for link, entry_id in entries.items():
            assert entry_id.startswith("tag:example.github.io,"), entry_id
            assert by_link.setdefault(link, entry_id) == entry_id  # same article, same id


# 3. Feed discovery

def test_pages_link_their_feeds(example):
    out, result = example
    pages = html_pages(out)

    def feeds_of(rel: str) -> list[str]:
        return Tags(pages[rel]).links("alternate", "application/atom+xml")

    assert "/bantin/atom.xml" in feeds_of("index.html")
    assert set(feeds_of("dia-phuong/huyen-ba-vi/index.html")) >= {
        "/bantin/atom.xml", "/bantin/dia-phuong/huyen-ba-vi/atom.xml"}
    assert "/bantin/chu-de/dan-van-kheo/atom.xml" in feeds_of("chu-de/dan-van-kheo/index.html")
    assert "/bantin/ban-tin/atom.xml" in feeds_of("ban-tin/index.html")
    for slug in result.site.localities:
        assert f"/bantin/dia-phuong/{slug}/atom.xml" in feeds_of(f"dia-phuong/{slug}/index.html")
    for topic in result.site.topics:
        assert f"/bantin/chu-de/{topic.slug}/atom.xml" in feeds_of(f"chu-de/{topic.slug}/index.html")
    for rel, page in pages.items():
        for href in Tags(page).links("alternate", "application/atom+xml"):
            assert href.startswith("/bantin/"), (rel, href)
            assert (out / href[len("/bantin/"):]).is_file(), (rel, href)


# 4. Roll-up

def test_district_feed_rolls_up_its_communes(example):
    out, result = example
    khanh_thuong = [a for a in result.site.articles
                    if [l.slug for l in a.localities] == ["khanh-thuong"]]
    assert khanh_thuong
    for name in ("huyen-ba-vi", "ha-noi", "khanh-thuong"):
        titles = [e.title for e in feedparser.parse(
            (out / f"dia-phuong/{name}/atom.xml").read_bytes()).entries]
        for article in khanh_thuong:
            assert article.title in titles, name
    hoan_kiem = [e.title for e in feedparser.parse(
        (out / "dia-phuong/hoan-kiem/atom.xml").read_bytes()).entries]
    assert not set(a.title for a in khanh_thuong) & set(hoan_kiem)


# 5. Sitemap, robots.txt, .nojekyll, CNAME

def test_sitemap_lists_every_page_once(example):
    out, result = example
    root = etree.parse(out / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP_NS}urlset"
    urls = root.findall(f"{SITEMAP_NS}url")
    locs = [u.findtext(f"{SITEMAP_NS}loc") for u in urls]
    assert all(loc.startswith(SITE) for loc in locs), locs
    assert len(locs) == len(set(locs))
    expected = {page_url(rel, SITE) for rel in html_pages(out) if rel != "404.html"}
    assert set(locs) == expected
    lastmod = {u.findtext(f"{SITEMAP_NS}loc"): u.findtext(f"{SITEMAP_NS}lastmod") for u in urls}
    for article in result.site.articles:
        stamp = lastmod[SITE + article.url]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", stamp), stamp
        assert dt.datetime.fromisoformat(stamp) == (article.updated or article.date)
    # Read from the front matter: `updated` wins, a date alone is midnight in the site's zone.
    slug = "ha-noi-10-665-cuoc-giam-sat-va-803-cuoc-gop-y-phan-bien-trong-nua-dau-nam-2024"
    assert lastmod[f"{SITE}bai-viet/{slug}/"] == "2024-08-22T16:30:00+07:00"
    slug = "cac-xa-mien-nui-ba-vi-thu-nhap-binh-quan-dat-62-trieu-dong-nguoi-nam"
    assert lastmod[f"{SITE}bai-viet/{slug}/"] == "2024-08-05T00:00:00+07:00"


def test_robots_nojekyll_and_no_cname_by_default(example):
    out, _ = example
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITE}sitemap.xml" in robots.splitlines()
    assert (out / ".nojekyll").is_file()
    assert not (out / "CNAME").exists()


def test_cname_setting_writes_cname(make_project, tmp_path):
    project = make_project({"site.yaml": site_yaml(cname="tin.example.vn"),
                            "content/a.md": article_md("Bài", "2024-07-01", ["Hoàn Kiếm"])})
    out = tmp_path / "out"
    build(project, out)
    assert (out / "CNAME").read_text(encoding="utf-8").splitlines() == ["tin.example.vn"]


# 6. JSON-LD

def test_article_pages_carry_news_article_json_ld(example):
    out, result = example
    for article in result.site.articles:
        page = read(out, article.url)
        tags = Tags(page)
        scripts = [text for attrs, text in tags.scripts if attrs.get("type") == "application/ld+json"]
        assert len(scripts) == 1, article.url
        data = json.loads(scripts[0])
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == article.title
        assert dt.datetime.fromisoformat(data["datePublished"]) == article.date
        assert dt.datetime.fromisoformat(data["dateModified"]) == (article.updated or article.date)
        assert data["publisher"]["name"] == "Bản tin Dân vận Hà Nội"
        places = data["contentLocation"]
        places = places if isinstance(places, list) else [places]
        assert [p["name"] for p in places] == [l.label for l in article.localities]
    slug = "hoan-kiem-hon-70-ho-so-duoc-tra-ngay-tai-bo-phan-mot-cua"
    data = json.loads(ld_json(read(out, f"bai-viet/{slug}/")))
    assert {"@type": "Place", "name": "quận Hoàn Kiếm"} in data["contentLocation"]


def test_json_ld_cannot_be_broken_out_of(make_project, tmp_path):
    title = "Tin </script><script>alert(1)</script> mới"
    project = make_project({"content/a.md": article_md(title, "2024-07-01", ["Hoàn Kiếm"])})
    out = tmp_path / "out"
    result = build(project, out)
    page = read(out, result.site.articles[0].url)
    text = ld_json(page)
    assert "</script" not in text.lower()
    assert json.loads(text)["headline"] == title
    assert "<script>alert" not in page
    assert len(Tags(page).scripts) == 1
    feed = feedparser.parse((out / "atom.xml").read_bytes())  # and the feed stays well-formed
    assert feed.bozo == 0 and [e.title for e in feed.entries] == [title]


# 7. Open Graph, Twitter, canonical

def test_article_page_has_social_metadata(example):
    out, result = example
    slug = "ha-noi-10-665-cuoc-giam-sat-va-803-cuoc-gop-y-phan-bien-trong-nua-dau-nam-2024"
    article = next(a for a in result.site.articles if a.url.endswith(f"/{slug}/"))
    url = f"{SITE}bai-viet/{slug}/"
    tags = Tags(read(out, f"bai-viet/{slug}/"))
    assert tags.meta("og:title") == [article.title]
    assert tags.meta("og:description") == [article.summary]
    assert tags.meta("og:url") == [url]
    assert tags.meta("og:type") == ["article"]
    assert tags.meta("og:site_name") == ["Bản tin Dân vận Hà Nội"]
    assert tags.meta("og:locale") == ["vi_VN"]
    assert tags.meta("article:published_time") == ["2024-08-20T09:00:00+07:00"]
    assert tags.meta("og:image") == [f"{url}bieu-do.svg"]
    assert tags.meta("twitter:card") == ["summary_large_image"]
    assert tags.meta("twitter:title") == [article.title]
    assert tags.links("canonical") == [url]
    for rel, page in html_pages(out).items():
        if rel == "404.html":
            continue
        tags = Tags(page)
        assert tags.links("canonical") == [page_url(rel, SITE)], rel
        assert tags.meta("og:url") == [page_url(rel, SITE)], rel
        assert len(tags.meta("twitter:card")) == 1, rel
        assert len(tags.meta("og:type")) == 1, rel


def test_english_site_says_en_us(make_project, tmp_path):
    project = make_project({"site.yaml": site_yaml(language="en"),
                            "content/a.md": article_md("News", "2024-07-01", ["Hoàn Kiếm"])})
    out = tmp_path / "out"
    result = build(project, out)
    tags = Tags(read(out, result.site.articles[0].url))
    assert tags.meta("og:locale") == ["en_US"]
    assert tags.meta("og:url") == [SCRATCH + result.site.articles[0].url]


# 8. Share links, no third-party scripts

def test_share_links_carry_the_encoded_article_url(example):
    out, result = example
    for article in result.site.articles:
        url = SITE + article.url
        anchors = Tags(read(out, article.url)).anchors()
        zalo = [a for a in anchors if urlsplit(a).hostname in ("sp.zalo.me", "zalo.me")]
        facebook = [a for a in anchors if urlsplit(a).hostname == "www.facebook.com"]
        assert len(zalo) == 1 and len(facebook) == 1, article.url
        for href in zalo + facebook:
            assert quote(url, safe="") in href, href
            assert url in [v for values in parse_qs(urlsplit(href).query).values() for v in values]


def test_no_external_script_anywhere(example):
    out, _ = example
    with_scripts = set()
    for rel, page in html_pages(out).items():
        for tag, attributes in Tags(page).tags:
            if tag == "script" and "src" in attributes:
                assert attributes["src"].startswith("/bantin/assets/js/search.js?v="), rel
                with_scripts.add(rel)
    assert with_scripts == {"tim-kiem/index.html"}  # only the search page runs a script


# 9. Digests

DIGEST_FILES = {
    "content/2024/cuoi-tuan.md": article_md("Tin cuối tuần 27", "2024-07-07T23:30:00+07:00",
                                            ["huyen-ba-vi"]),
    "content/2024/dau-tuan.md": article_md("Tin Khánh Thượng đầu tuần", "2024-07-08T00:10:00+07:00",
                                           ["Khánh Thượng"]),
    "content/2024/hai-noi.md": article_md("Tin hai nơi", "2024-07-09T10:00:00+07:00",
                                          ["Hoàn Kiếm", "xa-ba-vi"]),
    # Sunday evening in New York is Monday morning in Hà Nội: week 28 of the site.
    "content/2024/new-york.md": article_md("Tin gửi từ New York", "2024-07-07T20:00:00-05:00",
                                           ["Hoàn Kiếm"]),
}
WEEK_27 = "Bản tin tuần 27/2024 (1–7/7/2024)"
WEEK_28 = "Bản tin tuần 28/2024 (8–14/7/2024)"


def _check_weeks(out: Path) -> None:
    week27, week28 = read(out, "ban-tin/2024-tuan-27/"), read(out, "ban-tin/2024-tuan-28/")
    assert "Tin cuối tuần 27" in week27 and "Tin Khánh Thượng đầu tuần" not in week27
    assert "Tin Khánh Thượng đầu tuần" in week28 and "Tin cuối tuần 27" not in week28
    assert "Tin gửi từ New York" in week28 and "Tin gửi từ New York" not in week27
    assert f"<h1>{WEEK_27}</h1>" in week27
    assert f"<h1>{WEEK_28}</h1>" in week28


def test_digest_weeks_follow_the_site_timezone(make_project, tmp_path):
    project = make_project(DIGEST_FILES)
    out = tmp_path / "out"
    build(project, out)
    _check_weeks(out)


def test_digest_weeks_do_not_follow_the_machine_timezone(make_project):
    project = make_project(DIGEST_FILES)
    result = run_build(project, env={"TZ": "America/New_York"})
    assert result.returncode == 0, result.stderr
    _check_weeks(project / "_site")


def test_digest_groups_by_locality_tree(make_project, tmp_path):
    project = make_project(DIGEST_FILES)
    out = tmp_path / "out"
    result = build(project, out)
    week28 = read(out, "ban-tin/2024-tuan-28/")
    district = week28.index(">Huyện Ba Vì<")
    commune = week28.index(">Xã Khánh Thượng<")
    entry = week28.index("Tin Khánh Thượng đầu tuần")
    assert district < commune < entry
    # An article with two localities is listed once, under the first in tree order (xã Ba Vì,
    # in huyện Ba Vì, comes before quận Hoàn Kiếm), naming both.
    url = next(a.url for a in result.site.articles if a.title == "Tin hai nơi")
    entries = [m.start() for m in re.finditer(
        re.escape(f'class="digest-entry-title" href="/repo/{url}"'), week28)]
    assert len(entries) == 1
    xa_ba_vi, hoan_kiem = week28.index(">Xã Ba Vì<"), week28.index(">Quận Hoàn Kiếm<")
    assert xa_ba_vi < entries[0] < hoan_kiem
    entry = week28[entries[0]:week28.index("</li>", entries[0])]
    assert "xã Ba Vì" in entry and "quận Hoàn Kiếm" in entry
    # Older and newer.
    week27 = read(out, "ban-tin/2024-tuan-27/")
    assert re.search(r'<a rel="next" href="/repo/ban-tin/2024-tuan-28/"', week27)
    assert re.search(r'<a rel="prev" href="/repo/ban-tin/2024-tuan-27/"', week28)
    assert 'rel="prev"' not in week27 and 'rel="next"' not in week28
    # Home leads with the latest digest.
    home = read(out, "")
    assert WEEK_28 in home and 'href="/repo/ban-tin/2024-tuan-28/"' in home
    # A locality page links the digests that mention it.
    khanh_thuong = read(out, "dia-phuong/khanh-thuong/")
    assert 'href="/repo/ban-tin/2024-tuan-28/"' in khanh_thuong
    assert 'href="/repo/ban-tin/2024-tuan-27/"' not in khanh_thuong
    assert 'href="/repo/ban-tin/2024-tuan-28/"' in read(out, "dia-phuong/hoan-kiem/")
    # The digest feed has one entry per digest, newest first.
    feed = feedparser.parse((out / "ban-tin/atom.xml").read_bytes())
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == [WEEK_28, WEEK_27]


def test_monthly_digest(make_project, tmp_path):
    project = make_project({**DIGEST_FILES, "site.yaml": site_yaml(digest_period="monthly")})
    out = tmp_path / "out"
    build(project, out)
    page = read(out, "ban-tin/2024-thang-07/")
    assert "<h1>Bản tin tháng 7/2024</h1>" in page
    for title in ("Tin cuối tuần 27", "Tin Khánh Thượng đầu tuần", "Tin hai nơi",
                  "Tin gửi từ New York"):
        assert title in page
    assert not (out / "ban-tin/2024-tuan-27").exists()


def test_english_digest(make_project, tmp_path):
    project = make_project({**DIGEST_FILES, "site.yaml": site_yaml(language="en")})
    out = tmp_path / "out"
    build(project, out)
    page = read(out, "digests/2024-week-27/")
    assert "Weekly digest, week 27 of 2024 (1–7 July 2024)" in page
    assert (out / "digests/atom.xml").is_file()


# 10. Archives

def test_archive_pages_list_the_right_articles(example):
    out, result = example
    articles = result.site.articles
    july = {a.title for a in articles if (a.date.year, a.date.month) == (2024, 7)}
    assert len(july) == 6
    size = result.site.config.page_size
    july_pages = paged(out, "luu-tru/2024/07/")
    assert len(july_pages) == -(-len(july) // size)
    assert {title for page in july_pages for title in card_titles(page)} == july
    year_pages = paged(out, "luu-tru/2024/")
    assert len(year_pages) == -(-len(articles) // size)
    assert [title for page in year_pages for title in card_titles(page)] == \
        [a.title for a in articles]  # newest first, each once
    august = {a.title for a in articles if (a.date.year, a.date.month) == (2024, 8)}
    assert set(card_titles(read(out, "luu-tru/2024/08/"))) == august
    index = Tags(read(out, "luu-tru/")).anchors()
    assert "/bantin/luu-tru/2024/" in index and "/bantin/luu-tru/2024/07/" in index
    for rel, page in html_pages(out).items():
        footer = page[page.index('<footer class="site-footer">'):]
        assert 'href="/bantin/luu-tru/"' in footer, rel


# 11. Drafts and future articles

HIDDEN = {
    "content/2024/nhap.md": article_md("Ban nhap Zeta9", "2024-07-02", ["Hoàn Kiếm"],
                                       ["Giao thông"], extra="draft: true\n"),
    "content/2099/tuong-lai.md": article_md("Tin Omega7", "2099-01-05T08:00:00+07:00",
                                            ["Khánh Thượng"], ["Giao thông"]),
    "content/2024/cong-khai.md": article_md("Tin công khai", "2024-07-03", ["Hoàn Kiếm"],
                                            ["Giao thông"]),
}


def _all_text(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_bytes().decode("utf-8", "replace")
            for p in out.rglob("*") if p.is_file()}


def test_drafts_and_future_articles_are_left_out_everywhere(make_project):
    project = make_project(HIDDEN)
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith(" s, 1 draft and 1 future article left out.")
    assert result.stderr.splitlines() == [  # each one named, with its date
        "content/2024/nhap.md: info: a draft: left out of the site — delete the line "
        "`draft: true` to publish it",
        "content/2099/tuong-lai.md: info: dated 05/01/2099 08:00, in the future: left out until "
        "then — the first build after that time publishes it"]
    vietnamese = run_build(project, "--lang", "vi")
    assert vietnamese.stdout.rstrip().endswith(" giây, chưa đưa lên 1 bài nháp và 1 bài hẹn giờ.")
    assert "content/2099/tuong-lai.md: thông tin: hẹn đăng ngày 05/01/2099 08:00" in \
        vietnamese.stderr
    files = _all_text(project / "_site")
    assert any("Tin công khai" in text for text in files.values())
    for marker in ("Zeta9", "zeta9", "Omega7", "omega7", "2099"):
        hits = [name for name, text in files.items() if marker in text or marker in name]
        assert not hits, (marker, hits)


def test_drafts_and_future_options_include_them(make_project):
    project = make_project(HIDDEN)
    result = run_build(project, "--drafts", "--future")
    assert result.returncode == 0, result.stderr
    assert "left out" not in result.stdout
    out = project / "_site"
    assert "Ban nhap Zeta9" in read(out, "bai-viet/ban-nhap-zeta9/")
    assert "Tin Omega7" in read(out, "bai-viet/tin-omega7/")
    assert "Tin Omega7" in (out / "atom.xml").read_text(encoding="utf-8")


# 12. Related articles

RELATED_FILES = {
    "content/a.md": article_md("Bài gốc", "2024-07-05", ["Hoàn Kiếm"], ["Giao thông"]),
    "content/b.md": article_md("Cùng quận 1", "2024-07-04", ["Hoàn Kiếm"]),
    "content/c.md": article_md("Cùng quận 2", "2024-07-03", ["Hoàn Kiếm"]),
    "content/d.md": article_md("Cùng chủ đề", "2024-07-02", ["Khánh Thượng"], ["Giao thông"]),
    "content/e.md": article_md("Không liên quan", "2024-07-01", ["xa-ba-vi"], ["Y tế"]),
}


def _related(page: str) -> list[str]:
    if '<section class="related"' not in page:
        return []
    return card_titles(page[page.index('<section class="related"'):])


def test_related_articles_share_a_locality_or_topic(example):
    out, result = example
    titles = {a.title: a for a in result.site.articles}
    some = False
    for article in result.site.articles:
        related = _related(read(out, article.url))
        assert len(related) <= 4
        assert article.title not in related
        some = some or bool(related)
        for title in related:
            other = titles[title]
            shared = ({l.slug for l in article.localities} & {l.slug for l in other.localities}) | \
                ({t.slug for t in article.topics} & {t.slug for t in other.topics})
            assert shared, (article.title, title)
    assert some


def test_related_count_limits_and_zero_disables(make_project, tmp_path):
    project = make_project({**RELATED_FILES, "site.yaml": site_yaml(related_count=2)})
    out = tmp_path / "out"
    result = build(project, out)
    url = next(a.url for a in result.site.articles if a.title == "Bài gốc")
    related = _related(read(out, url))
    assert len(related) == 2
    assert "Bài gốc" not in related and "Không liên quan" not in related
    assert set(related) <= {"Cùng quận 1", "Cùng quận 2", "Cùng chủ đề"}
    lonely = next(a.url for a in result.site.articles if a.title == "Không liên quan")
    assert _related(read(out, lonely)) == []

    (project / "site.yaml").write_text(site_yaml(related_count=0), encoding="utf-8")
    out0 = tmp_path / "out0"
    result = build(project, out0)
    for article in result.site.articles:
        assert '<section class="related"' not in read(out0, article.url)


# 13. Images

IMAGE_ARTICLE = """\
---
title: Bài có ảnh
date: 2024-07-02T08:00:00+07:00
localities: [Hoàn Kiếm]
image:
  src: hoa.jpg
  alt: Vườn hoa
---
Đoạn đầu.

![Vườn hoa mới](hoa.jpg "Ảnh: Hải Linh")

Đoạn cuối.
"""


def _jpeg(width=1600, height=900) -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture
def image_project(make_project):
    return make_project({"content/2024/anh/index.md": IMAGE_ARTICLE,
                         "content/2024/anh/hoa.jpg": _jpeg()})


def test_images_are_resized_and_shown_responsively(image_project, tmp_path, monkeypatch):
    out = tmp_path / "out"
    result = build(image_project, out)
    folder = out / "bai-viet/bai-co-anh"
    for width in (480, 960, 1440, 1600):
        for ext in ("jpg", "webp"):
            path = folder / f"hoa.{width}.{ext}"
            assert path.is_file(), path
            with Image.open(path) as image:
                assert image.size == (width, round(900 * width / 1600)), path
                assert image.format == ("JPEG" if ext == "jpg" else "WEBP")
    assert not list(folder.glob("hoa.1920.*"))  # never larger than the original
    page = read(out, result.site.articles[0].url)
    tags = Tags(page)
    sources = [a for t, a in tags.tags if t == "source"]
    images = [a for t, a in tags.tags if t == "img"]
    assert len(sources) == 2 and len(images) == 2  # the lead image and the body image
    for source in sources:
        assert source["type"] == "image/webp"
        assert "/repo/bai-viet/bai-co-anh/hoa.480.webp 480w" in source["srcset"]
        assert "hoa.1600.webp 1600w" in source["srcset"]
    for image in images:
        assert image["width"] == "1600" and image["height"] == "900"
        assert "hoa.960.jpg 960w" in image["srcset"]
    lead, body = images
    assert lead["alt"] == "Vườn hoa" and "loading" not in lead
    assert body["alt"] == "Vườn hoa mới" and body["loading"] == "lazy"
    body_html = page[page.index('<div class="body">'):]
    assert re.search(r"<figure>\s*<picture>.*?</picture>\s*<figcaption>Ảnh: Hải Linh</figcaption>"
                     r"\s*</figure>", body_html, re.S)
    assert page.index("<picture>") < page.index('<div class="body">')  # the lead comes first
    assert result.problems == ()
    assert tags.meta("og:image") == [f"{SCRATCH}bai-viet/bai-co-anh/hoa.jpg"]
    assert tags.meta("twitter:card") == ["summary_large_image"]

    # A second build reads the cache: nothing encoded, no cached file rewritten.
    cache = image_project / ".cache/images"
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    # 8 resized copies, and the note that the original has no location to take out
    assert len([n for n in before if not n.endswith((".json", ".same"))]) == 8
    encoded = []
    real_encode = bantin.images._encode
    monkeypatch.setattr(bantin.images, "_encode",
                        lambda *a, **k: encoded.append(a) or real_encode(*a, **k))
    build(image_project, tmp_path / "out2")
    assert encoded == []
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == before
    for path in folder.iterdir():
        assert (tmp_path / "out2/bai-viet/bai-co-anh" / path.name).read_bytes() == path.read_bytes()


def test_image_without_alt_is_a_warning(make_project):
    article = IMAGE_ARTICLE.replace("![Vườn hoa mới]", "![]")
    project = make_project({"content/2024/anh/index.md": article, "content/2024/anh/hoa.jpg": _jpeg()})
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert ("content/2024/anh/index.md:11: warning: image 'hoa.jpg' has no alt text — describe "
            "the image in the brackets: ![what it shows](file)") in result.stderr.splitlines()


def test_missing_image_is_an_error(make_project):
    article = IMAGE_ARTICLE.replace("](hoa.jpg ", "](khong-co.jpg ")
    project = make_project({"content/2024/anh/index.md": article, "content/2024/anh/hoa.jpg": _jpeg()})
    result = run_build(project)
    assert result.returncode == 1
    assert ("content/2024/anh/index.md:11: image 'khong-co.jpg' not found (looked for "
            "content/2024/anh/khong-co.jpg) — a path is read from the article's own folder; "
            "check the spelling, or start it with / to read from content/") \
        in result.stderr.splitlines()
    assert not (project / "_site").exists()


# 14. Only what should be published

def test_only_linked_shown_and_static_files_are_published(make_project, tmp_path):
    files = {
        "content/2024/hop-dan.md": article_md(
            "Họp dân", "2024-07-03", ["Hoàn Kiếm"],
            body="[Biên bản công khai](bien-ban-cong-khai.pdf)\n\n![Họp dân](hop-dan.jpg)\n"),
        "content/2024/hop-dan.jpg": _jpeg(320, 200),
        "content/2024/bien-ban-cong-khai.pdf": b"%PDF-1.4 public",
        "content/2024/bien-ban-hop-noi-bo.docx": b"PK\x03\x04 internal",
        "content/2024/bai-moi.md.txt": "---\ntitle: Bài chưa xong\n---\n",
        "content/2024/nhap/index.md": article_md("Bản nháp", "2024-07-04", ["Hoàn Kiếm"],
                                                 extra="draft: true\n",
                                                 body="![Ảnh](anh-nhap.jpg)\n"),
        "content/2024/nhap/anh-nhap.jpg": _jpeg(320, 200),
        "content/static/mau-don.pdf": b"%PDF-1.4 not linked, but in a public folder",
    }
    project = make_project(files)
    out = tmp_path / "out"
    build(project, out)

    published = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                       if p.is_file() and not p.name.endswith((".html", ".xml", ".json"))
                       and not p.relative_to(out).as_posix().startswith(("assets/", "tim-kiem/")))
    assert published == [".nojekyll", "2024/bien-ban-cong-khai.pdf", "2024/hop-dan.320.jpg",
                         "2024/hop-dan.320.webp", "2024/hop-dan.jpg", "robots.txt",
                         "static/mau-don.pdf"]
    everything = "".join(_all_text(out).values())
    for private in ("noi-bo", "bai-moi", "anh-nhap", "internal"):
        assert private not in everything

    code = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--project",
                           str(project)], text=True, capture_output=True, timeout=120)
    assert ("content\n"
            "  info: 3 files are not published, as no published article links to them or shows "
            "them: 2024/bai-moi.md.txt, 2024/bien-ban-hop-noi-bo.docx, 2024/nhap/anh-nhap.jpg\n"
            "  hint: to publish a file, link to it from an article, or put it in a folder "
            "listed under `static_dirs:` in site.yaml (content/static/ by default)\n") \
        in code.stdout


# 15. Where a photo was taken stays private

def _gps_jpeg() -> bytes:
    import io

    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone on its side
    exif[0x8825] = {1: "N", 2: (21.0, 1.0, 42.0), 3: "E", 4: (105.0, 50.0, 7.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (20, 120, 40)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def _published_exif(path: Path):
    with Image.open(path) as image:
        return image.getexif()


@pytest.mark.parametrize("keep", [False, True])
def test_published_photos_lose_their_location_unless_kept(make_project, tmp_path, keep):
    photo = _gps_jpeg()
    project = make_project({
        "site.yaml": MINIMAL_SITE_YAML + ("keep_image_location: true\n" if keep else ""),
        "content/2024/hop-dan.md": article_md("Họp dân", "2024-07-03", ["Hoàn Kiếm"],
                                              body="![Họp dân](hop-dan.jpg)\n"),
        "content/2024/hop-dan.jpg": photo,
        "content/static/tai-ve.jpg": photo,  # published without a link: cleaned as well
    })
    out = tmp_path / "out"
    build(project, out)

    for published in (out / "2024/hop-dan.jpg", out / "static/tai-ve.jpg"):
        exif = _published_exif(published)
        assert exif[0x0112] == 6  # still shown the right way up
        assert (0x8825 in exif) is keep
        assert (published.read_bytes() == photo) is keep
    page = read(out, "bai-viet/hop-dan/")
    assert 'width="200" height="320"' in page  # upright: the orientation is applied
    for variant in (out / "2024").glob("hop-dan.*.*"):
        assert 0x8825 not in _published_exif(variant)


def test_a_photo_that_cannot_be_cleaned_is_an_error(make_project):
    project = make_project({
        "content/2024/hop-dan.md": article_md("Họp dân", "2024-07-03", ["Hoàn Kiếm"],
                                              body="[Ảnh](anh.jpg)\n"),
        "content/2024/anh.jpg": b"\x00\x00\x00\x18ftypheic, a phone's photo renamed .jpg",
    })
    result = run_build(project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/2024/anh.jpg: cannot take the location data out of this image: the file is "
        "damaged, or not a JPEG, PNG or WebP image — open it in a photo editor and save it again, "
        "or publish it as it is with `keep_image_location: true` in site.yaml")


# 16. Remote images

REMOTE = "https://ubnd.example.vn/anh/hop%20dan.jpg?w=1200&v=2"


def test_a_remote_lead_image_is_shown_credited_and_shared(make_project, tmp_path):
    project = make_project({
        "content/2024/hop-dan.md": article_md(
            "Họp dân", "2024-07-03", ["Hoàn Kiếm"],
            extra=f"image:\n  src: {REMOTE}\n  alt: Người dân dự họp\n  credit: UBND phường\n",
            body=f"Mở đầu.\n\n![Toàn cảnh]({REMOTE} \"Ảnh: UBND phường\")\n"),
        "content/2024/khac.md": article_md("Khác", "2024-07-02", ["Hoàn Kiếm"],
                                           body="![Cổng](https://cdn.example.org/cong.webp)\n"),
    })
    out = tmp_path / "out"
    result = build(project, out)

    assert result.problems == ()
    page = read(out, "bai-viet/hop-dan/")
    tags = Tags(page)
    escaped = html.escape(REMOTE)
    assert tags.meta("og:image") == [REMOTE] and tags.meta("twitter:image") == [REMOTE]
    assert tags.meta("og:image:alt") == ["Người dân dự họp"]
    assert tags.meta("twitter:card") == ["summary_large_image"]
    lead = page[page.index('<figure class="lead-image">'):page.index('<div class="body">')]
    assert f'<img src="{escaped}" alt="Người dân dự họp" decoding="async">' in lead
    assert "<figcaption>" in lead and "UBND phường" in lead
    # In the body the same URL is a figure, loaded lazily, its title the caption.
    assert re.search(rf'<figure><img src="{re.escape(escaped)}" alt="Toàn cảnh" loading="lazy" '
                     r'decoding="async"><figcaption>Ảnh: UBND phường</figcaption></figure>', page)
    json_ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                   page, re.S)[1])
    assert json_ld["image"] == [REMOTE]
    card = read(out, "bai-viet/")
    assert f'<div class="thumb"><img src="{escaped}" alt="" loading="lazy"' in card
    assert not list(out.rglob("hop*dan*.jpg"))  # nothing downloaded or resized

    report = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--project",
                             str(project)], text=True, capture_output=True, timeout=120).stdout
    assert ("content/2024/hop-dan.md\n"
            "  info: 1 image is shown from ubnd.example.vn (in content/2024/hop-dan.md): it is not "
            "resized, and readers' browsers fetch it from there\n") in report
    assert ("content/2024/khac.md\n"
            "  info: 1 image is shown from cdn.example.org (in content/2024/khac.md): it is not "
            "resized, and readers' browsers fetch it from there\n") in report


# 17. Dates as Vietnamese editors write them

def test_day_first_dates_are_published_on_their_day(make_project, tmp_path):
    project = make_project({
        "content/a.md": article_md("Tiếp công dân", "28/10/2026 09:00", ["Hoàn Kiếm"]),
        "content/b.md": article_md("Cắt điện", "5/11/2026", ["Hoàn Kiếm"],
                                   extra="updated: 2026-11-06 9:30\n"),
        "content/c.md": article_md("Sắp tới", "28/11/2026 9:00", ["Hoàn Kiếm"]),  # after BUILD_TIME
    })
    out = tmp_path / "out"
    result = build(project, out)

    dates = {a.title: (a.date.isoformat(), a.has_time) for a in result.site.articles}
    assert dates == {"Tiếp công dân": ("2026-10-28T09:00:00+07:00", True),
                     "Cắt điện": ("2026-11-05T00:00:00+07:00", False)}
    assert [p.format() for p in result.problems] == [
        "content/c.md: info: dated 28/11/2026 09:00, in the future: left out until then — the "
        "first build after that time publishes it"]
    assert card_titles(read(out, "luu-tru/2026/11/")) == ["Cắt điện"]
    assert 'datetime="2026-10-28T09:00:00+07:00"' in read(out, "bai-viet/tiep-cong-dan/")
    assert 'article:modified_time" content="2026-11-06T09:30:00+07:00"' in \
        read(out, "bai-viet/cat-dien/")

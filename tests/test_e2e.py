"""End to end: `python build.py` in a subprocess on a copy of the example site."""
from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import REPO
from pages_server import PageLinks

SITE_BASE_URL = "https://example.github.io/bantin/"  # the example's site.yaml
SUMMARY = re.compile(r"Built (\d+) articles into (\d+) pages \((\d+) files\) in (.+)/ in \d+\.\d\d s\.")
_TIME = re.compile(r'<time datetime="([^"]+)">([^<]*)</time>')
_CARD = re.compile(r'<h\d class="card-title"><a href="([^"]+)">(.*?)</a>')


def run_build(project_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "build.py", *args], cwd=project_path, text=True,
                          capture_output=True, timeout=120)


def copy_example(project_path: Path) -> Path:
    """What the example_project fixture makes, for a build shared by a whole module."""
    project_path.mkdir(parents=True)
    for name in ("content", "themes", "bantin", "templates"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, project_path / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("site.yaml", "build.py"):
        shutil.copy2(REPO / name, project_path / name)
    return project_path


def html_pages(output_path: Path) -> dict[str, str]:
    return {path.relative_to(output_path).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(output_path.rglob("*.html"))}


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {path.relative_to(root).as_posix(): None if path.is_dir() else path.read_bytes()
            for path in sorted(root.rglob("*"))}


def card_titles(page: str) -> list[str]:
    return [html.unescape(title) for _, title in _CARD.findall(page)]


def list_pages(pages: dict[str, str], first: str) -> list[str]:
    """A paginated list's pages: dia-phuong/ha-noi/index.html and its trang/N/ pages."""
    folder = first.rsplit("/", 1)[0]
    return [first] + sorted(name for name in pages if re.fullmatch(
        re.escape(folder) + r"/trang/\d+/index\.html", name))


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The example site built once with `python build.py` and no options."""
    project_path = copy_example(tmp_path_factory.mktemp("e2e") / "example")
    result = run_build(project_path)
    return project_path, result


def test_build_exits_0_and_prints_a_summary(built):
    project_path, result = built
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    match = SUMMARY.fullmatch(result.stdout.strip())
    assert match, result.stdout
    articles, pages, files, folder = match.groups()
    output_path = project_path / "_site"
    assert folder == "_site"
    assert int(articles) == len(list((project_path / "content").rglob("*.md")))
    assert int(pages) >= len(list(output_path.rglob("*.html")))  # pages may also be XML, .nojekyll
    assert int(files) == sum(1 for p in output_path.rglob("*") if p.is_file())


def test_locality_pages_exist(built):
    output_path = built[0] / "_site"
    for slug in ("ha-noi", "hoan-kiem", "huyen-ba-vi", "xa-ba-vi", "bac-tu-liem", "khanh-thuong"):
        assert (output_path / "dia-phuong" / slug / "index.html").is_file(), slug


def test_article_of_a_commune_is_listed_on_its_district_and_city_pages(built):
    project_path = built[0]
    pages = html_pages(project_path / "_site")
    titles = [front_matter(path)["title"] for path in sorted((project_path / "content").rglob("*.md"))
              if front_matter(path).get("localities") == ["Khánh Thượng"]]
    assert titles, "the example site has an article tagged only xã Khánh Thượng"

    def listed(first_page: str) -> list[str]:
        return [t for name in list_pages(pages, first_page) for t in card_titles(pages[name])]

    for title in titles:
        assert title in listed("dia-phuong/khanh-thuong/index.html")
        assert title in listed("dia-phuong/huyen-ba-vi/index.html")
        assert title in listed("dia-phuong/ha-noi/index.html")
        assert title not in listed("dia-phuong/hoan-kiem/index.html")  # roll-up goes up only
        assert title not in listed("dia-phuong/xa-ba-vi/index.html")


def test_ha_noi_list_is_paginated(built):
    output_path = built[0] / "_site"
    first = (output_path / "dia-phuong/ha-noi/index.html").read_text(encoding="utf-8")
    second = (output_path / "dia-phuong/ha-noi/trang/2/index.html").read_text(encoding="utf-8")
    assert '<a rel="next" href="/bantin/dia-phuong/ha-noi/trang/2/">' in first
    assert '<a rel="prev" href="/bantin/dia-phuong/ha-noi/">' in second
    assert set(card_titles(first)).isdisjoint(card_titles(second))
    assert len(card_titles(first)) == 5  # the example's page_size


def test_every_link_starts_with_the_base_path(built):
    assert_links_under(built[0] / "_site", "/bantin/", SITE_BASE_URL)


def test_pages_are_vietnamese_with_vietnamese_dates(built):
    pages = html_pages(built[0] / "_site")
    for name, page in pages.items():
        assert '<html lang="vi">' in page, name
        for stamp, shown in _TIME.findall(page):
            assert dt.datetime.fromisoformat(stamp).strftime("%d/%m/%Y") in shown, (name, shown)
    articles = [page for name, page in pages.items()
                if name.startswith("bai-viet/") and "/trang/" not in name and name.count("/") == 2]
    assert articles
    for page in articles:  # "Đăng: Thứ Ba, 20/08/2024, 09:00"
        assert re.search(r"(Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ [Nn]hật), \d\d/\d\d/\d{4}", page)


def test_no_request_to_another_host(built):
    output_path = built[0] / "_site"
    for name, page in html_pages(output_path).items():
        for link in PageLinks(page).links:
            if urlsplit(link.url).scheme or link.url.startswith("//"):
                is_source_link = link.tag == "a" and "external" in link.rel
                is_canonical = link.tag == "link" and link.rel == ("canonical",) \
                    and link.url.startswith(SITE_BASE_URL)
                assert is_source_link or is_canonical, (name, link)
    for css in output_path.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import\s+['\"]?(https?:)?//", text), css


def test_source_links_are_external_and_marked(tmp_path, built):
    # The example's sources have no URL; one with a URL must be rel="external", the one allowed.
    project_path = copy_example(tmp_path / "example")
    (project_path / "content/2024/zz-nguon.md").write_text(ARTICLE.format(
        title="Bài có nguồn", extra="source:\n  name: Kinhtedothi\n  url: https://kinhtedothi.vn/\n"),
        encoding="utf-8")
    result = run_build(project_path)
    assert result.returncode == 0, result.stderr
    page = (project_path / "_site/bai-viet/bai-co-nguon/index.html").read_text(encoding="utf-8")
    assert '<a href="https://kinhtedothi.vn/" rel="external">Kinhtedothi</a>' in page


@pytest.mark.parametrize("base_url, base_path", [
    ("https://user.github.io/other/", "/other/"),
    ("http://localhost:8000/", "/"),
])
def test_base_url_option_moves_every_link(example_project, base_url, base_path):
    result = run_build(example_project, "--base-url", base_url)
    assert result.returncode == 0, result.stderr
    assert_links_under(example_project / "_site", base_path, base_url)
    for path in (example_project / "_site").rglob("*"):  # feeds, sitemap, robots.txt too
        if path.suffix in (".html", ".xml", ".txt", ".css"):
            assert SITE_BASE_URL not in path.read_text(encoding="utf-8"), path


def test_output_option_writes_there_and_says_so(example_project):
    result = run_build(example_project, "--output", "public")
    assert result.returncode == 0, result.stderr
    assert (example_project / "public/index.html").is_file()
    assert not (example_project / "_site").exists()
    match = SUMMARY.fullmatch(result.stdout.strip())
    assert match and match.group(4) == "public", result.stdout


def test_bad_base_url_option_is_reported_as_an_option_mistake(example_project, built):
    shutil.copytree(built[0] / "_site", example_project / "_site")
    before = snapshot(example_project / "_site")
    result = run_build(example_project, "--base-url", "example.org/x")
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert "--base-url" in first and "'example.org/x'" in first
    assert not first.startswith(".:"), "the option is not a file: no '.' location"
    assert snapshot(example_project / "_site") == before


def test_nfd_article_is_published_in_nfc(example_project):
    title = "Thử nghiệm: chữ tổ hợp ở Hoàn Kiếm"
    nfd = unicodedata.normalize("NFD", ARTICLE.format(title=f'"{title}"', extra=""))
    assert nfd != unicodedata.normalize("NFC", nfd)
    # Saved as some macOS tools do: NFD text under an NFD file name.
    (example_project / "content/2024" / unicodedata.normalize("NFD", "thử-nfd.md")).write_bytes(
        nfd.encode("utf-8"))
    result = run_build(example_project)
    assert result.returncode == 0, result.stderr
    output_path = example_project / "_site"
    page = (output_path / "bai-viet/thu-nghiem-chu-to-hop-o-hoan-kiem/index.html").read_bytes()
    assert f"<h1>{title}</h1>".encode() in page
    assert unicodedata.normalize("NFD", title).encode() not in page
    assert title in card_titles((output_path / "dia-phuong/hoan-kiem/index.html")
                                .read_text(encoding="utf-8"))


ARTICLE = """\
---
title: {title}
date: 2024-07-01
localities: [Hoàn Kiếm]
{extra}---

Nội dung bài viết.
"""

ERROR_CASES = {
    "bad_yaml": (
        {"zz-loi-yaml.md": "---\ntitle: Ba Vì: thu nhập 62 triệu đồng\ndate: 2024-08-05\n---\n\nNội dung.\n"},
        "content/2024/zz-loi-yaml.md:2: invalid YAML: mapping values are not allowed in this "
        "context — check the indentation and quote values that contain ': ' or start with a "
        "special character"),
    "unknown_locality": (
        {"zz-dia-phuong.md": ARTICLE.format(title="Bài ở xã lạ", extra="").replace(
            "[Hoàn Kiếm]", "[Ba Vi xa]")},
        "content/2024/zz-dia-phuong.md:4: unknown locality 'Ba Vi xa' — did you mean "
        "'xã Ba Vì' (xa-ba-vi) or 'huyện Ba Vì' (huyen-ba-vi)?"),
    "missing_title": (
        {"zz-khong-tieu-de.md": "---\ndate: 2024-07-01\n---\n\nNội dung.\n"},
        "content/2024/zz-khong-tieu-de.md: missing required field 'title' — add a line `title: …`"),
    "duplicate_url": (
        {"zz-a.md": ARTICLE.format(title="Bài A", extra="slug: trung-lap\n"),
         "zz-b.md": ARTICLE.format(title="Bài B", extra="slug: trung-lap\n").replace(
             "2024-07-01", "2024-07-02")},
        "content/2024/zz-a.md: 'bai-viet/trung-lap/index.html' is also produced by "
        "content/2024/zz-b.md — give one of them another `slug:` (paths may not differ only in "
        "case)"),
    "ambiguous_locality": (
        {"zz-ba-vi.md": ARTICLE.format(title="Bài ở Ba Vì", extra="").replace(
            "[Hoàn Kiếm]", "[Ba Vì]")},
        "content/2024/zz-ba-vi.md:4: locality 'Ba Vì' is ambiguous: it could be 'huyện Ba Vì' "
        "(huyen-ba-vi) or 'xã Ba Vì' (xa-ba-vi) — write the slug or the kind with the name, e.g. "
        "'huyện Ba Vì' or 'huyen-ba-vi'"),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_failed_build_reports_the_problem_and_keeps_the_previous_site(case, example_project, built):
    files, expected_line = ERROR_CASES[case]
    shutil.copytree(built[0] / "_site", example_project / "_site")  # the last good build
    before = snapshot(example_project / "_site")
    for name, text in files.items():
        (example_project / "content/2024" / name).write_text(text, encoding="utf-8")

    result = run_build(example_project)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Built" not in result.stdout
    assert expected_line in result.stderr.splitlines(), result.stderr
    assert result.stderr.splitlines()[-1].startswith("Build failed: ")
    assert snapshot(example_project / "_site") == before
    assert sorted(p.name for p in example_project.iterdir() if ".new-" in p.name
                  or ".old-" in p.name) == []


def assert_links_under(output_path: Path, base_path: str, base_url: str) -> None:
    """Every internal href/src of every page starts with base_path; the rest is external."""
    checked = 0
    for name, page in html_pages(output_path).items():
        for link in PageLinks(page).links:
            url = link.url
            parts = urlsplit(url)
            if url.startswith("#") or parts.scheme in ("mailto", "tel"):
                continue
            if parts.scheme in ("http", "https"):
                assert link.rel == ("canonical",) and url.startswith(base_url) \
                    or "external" in link.rel, (name, link)
                continue
            assert url.startswith(base_path) and not url.startswith("//"), (name, link)
            if base_path != "/bantin/":
                assert not url.startswith("/bantin/"), (name, link)
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("target", ["docs", "content", "missing"])
def test_output_dir_that_is_a_symbolic_link_is_refused(example_project, target, built):
    (example_project / "docs").mkdir()
    (example_project / "docs" / "ghi-chu.md").write_text("# Ghi chú\n", encoding="utf-8")
    config = (example_project / "site.yaml").read_text(encoding="utf-8")
    (example_project / "site.yaml").write_text(config.replace("output_dir: _site", "output_dir: out"),
                                               encoding="utf-8")
    before = snapshot(example_project)
    (example_project / "out").symlink_to(target)

    for args in ((), ("--output", "out")):
        result = run_build(example_project, *args)

        assert result.returncode == 1, result.stdout
        assert "output folder 'out' is a symbolic link" in result.stderr.splitlines()[0]
        (example_project / "out").unlink()  # snapshot() would follow it
        assert snapshot(example_project) == before
        (example_project / "out").symlink_to(target)


def test_article_in_the_last_week_of_year_9999_is_built(example_project):
    (example_project / "content/2024/xa.md").write_text(
        ARTICLE.format(title="Tin rất xa", extra="").replace("2024-07-01", "9999-12-31"),
        encoding="utf-8")

    result = run_build(example_project, "--future")

    assert result.returncode == 0, result.stderr
    digest = example_project / "_site/ban-tin/9999-tuan-52/index.html"
    assert "Tin rất xa" in digest.read_text(encoding="utf-8")

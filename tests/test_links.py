"""Crawl the built example site, served under /bantin/ the way GitHub Pages serves it."""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from pages_server import PageLinks, build_example_site, serve_site

_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    location: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # report a 301 as it is: a link needing a redirect is a link to fix


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def fetch(url: str) -> Response:
    try:
        with _OPENER.open(url, timeout=30) as answer:
            return Response(answer.status, answer.headers.get("Content-Type", ""), answer.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers.get("Content-Type", ""), error.read(),
                        error.headers.get("Location", ""))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output_path, _ = build_example_site(tmp_path_factory.mktemp("links"))
    with serve_site(output_path, "/bantin/") as server:
        yield output_path, server


@pytest.fixture(scope="module")
def crawled(site):
    _, server = site
    return crawl(server.base_url, server.origin)


def crawl(start_url: str, origin: str):
    """Follow every same-origin link from start_url, as a reader could.

    Returns ({url: Response}, {page url: its ids}, [(page, target url, fragment)],
    {url: the first page linking to it}).
    """
    responses: dict[str, Response] = {}
    ids: dict[str, set[str]] = {}
    fragments: list[tuple[str, str, str]] = []  # (page, target page, fragment)
    referrers: dict[str, str] = {start_url: "(start)"}
    queue = deque([start_url])
    while queue:
        url = queue.popleft()
        response = responses[url] = fetch(url)
        if response.status != 200:
            continue
        if response.content_type.startswith("text/html"):
            page = PageLinks(response.body.decode("utf-8"))
            ids[url] = page.ids
            targets = [link.url for link in page.links]
        elif response.content_type.startswith("text/css"):
            targets = _CSS_URL.findall(response.body.decode("utf-8"))
        else:
            continue
        for target in targets:
            absolute, fragment = urldefrag(urljoin(url, target))
            if urlsplit(absolute).scheme not in ("http", "https") \
                    or not absolute.startswith(origin + "/"):
                continue  # external: never fetched by these tests
            if fragment:
                fragments.append((url, absolute, fragment))
            if absolute not in referrers:
                referrers[absolute] = url
                queue.append(absolute)
    return responses, ids, fragments, referrers


def test_every_link_resolves_without_404_or_redirect(site, crawled):
    _, server = site
    responses, _, _, referrers = crawled
    broken = [f"{url} → {r.status} {r.location} (linked from {referrers[url]})"
              for url, r in responses.items() if r.status != 200]
    assert broken == []
    assert responses[server.base_url].content_type == "text/html; charset=utf-8"


def test_every_fragment_target_exists(crawled):
    responses, ids, fragments, _ = crawled
    assert fragments, "the site has at least the skip link (#main)"
    missing = [f"{page} → {target}#{fragment}" for page, target, fragment in fragments
               if responses[target].status == 200 and target in ids
               and fragment not in ids[target]]
    assert missing == []


def test_every_page_is_reachable_from_the_home_page(site, crawled):
    output_path, _ = site
    responses, *_ = crawled
    reached = {urlsplit(url).path for url, r in responses.items() if r.status == 200}
    pages = set()
    for path in output_path.rglob("*.html"):
        rel = path.relative_to(output_path).as_posix()
        if rel != "404.html":
            pages.add("/bantin/" + rel.removesuffix("index.html"))
    assert sorted(pages - reached) == []


def test_404_page_is_served_for_a_deep_miss_and_its_links_work(site):
    output_path, server = site
    deep_url = server.base_url + "dia-phuong/khong-co/trang/9/"
    response = fetch(deep_url)
    assert response.status == 404
    assert response.body == (output_path / "404.html").read_bytes()
    page = PageLinks(response.body.decode("utf-8"))
    assert page.links
    for link in page.links:
        if link.url.startswith("#"):
            assert link.url[1:] in page.ids, link
            continue
        absolute, _ = urldefrag(urljoin(deep_url, link.url))
        if absolute.startswith(server.origin + "/"):
            assert fetch(absolute).status == 200, link


def test_server_behaves_like_github_pages(site):
    _, server = site
    assert fetch(server.origin + "/").status == 404  # outside the project's sub-path
    assert fetch(server.origin + "/dia-phuong/").status == 404  # a link missing the base path
    redirect = fetch(server.base_url + "dia-phuong")
    assert (redirect.status, redirect.location) == (301, "/bantin/dia-phuong/")
    assert fetch(server.origin + "/bantin").location == "/bantin/"
    assert fetch(server.base_url + "dia-phuong/").status == 200
    assert fetch(server.base_url + "../site.yaml").status == 404

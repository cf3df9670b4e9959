"""Search in real headless Chromium over the built example site, served under /bantin/.

Queries are typed as readers type them; the expected articles are worked out from the site
model (folded text), never written down by hand. The script's folding is checked against
`text.fold` on the same words.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bantin import search
from bantin.localities import with_ancestors
from bantin.text import fold
from test_browser import Session, browser, site  # noqa: F401 - fixtures

THEME_STRINGS = Path(__file__).resolve().parent.parent / "themes" / "default" / "i18n" / "vi.yaml"


def _folded_text(article) -> str:
    fields = [article.title, article.summary, article.text]
    fields += [l.label for l in article.localities]
    return " ".join(" ".join(search.terms(f)) for f in fields)


def _matching(model, query: str, phrase: bool = False):
    """Titles of the articles holding every word of `query` (or the whole phrase)."""
    words = search.terms(query)
    found = []
    for article in model.articles:
        text = f" {_folded_text(article)} "
        if (f" {' '.join(words)} " in text) if phrase else all(f" {w} " in text for w in words):
            found.append(article.title)
    return found


def _search(session, server, query: str = "", **filters) -> list[str]:
    page = session.page
    page.goto(server.base_url + "tim-kiem/")
    for name, value in filters.items():
        page.select_option(f"#search-{name}", value)
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    page.wait_for_function("""() => {
        const s = document.getElementById('search-status').textContent;
        return s && s !== 'Đang tìm…' && !s.startsWith('Nhập') }""")
    page.wait_for_function("""() => document.getElementById('search-status').textContent
        .startsWith('Không') || document.querySelectorAll('#search-results li').length > 0""")
    return page.locator("#search-results .card-title").all_inner_texts()


@pytest.fixture
def session(browser):  # noqa: F811
    session = Session(browser)
    yield session
    session.context.close()


def test_with_or_without_diacritics_and_in_capitals_the_same_articles(site, session):
    server, model = site
    expected = _matching(model, "hoàn kiếm")
    assert expected  # the example site has articles about Hoàn Kiếm
    for query in ("hoan kiem", "HOÀN KIẾM", "Hoàn Kiếm", unicodedata.normalize("NFD", "Hoàn Kiếm")):
        assert sorted(_search(session, server, query)) == sorted(expected), query
    session.check_clean()


def test_d_is_found_by_d_with_stroke(site, session):
    server, model = site
    expected = _matching(model, "đường")
    assert expected
    assert sorted(_search(session, server, "duong")) == sorted(expected)
    assert "dan van kheo" in fold(" ".join(_search(session, server, "dan van kheo")))
    session.check_clean()


def test_the_phrase_ranks_above_its_syllables_apart(site, session):
    server, model = site
    together = set(_matching(model, "mô hình dân vận", phrase=True))
    apart = set(_matching(model, "mô hình dân vận")) - together
    assert together and apart  # the example has both kinds
    results = _search(session, server, "mo hinh dan van")
    assert set(results) == together | apart
    assert set(results[:len(together)]) == together
    session.check_clean()


def test_a_quoted_phrase_finds_only_the_phrase_and_highlights_it(site, session):
    server, model = site
    expected = _matching(model, "một cửa", phrase=True)
    assert expected and len(expected) < len(_matching(model, "một cửa"))
    assert sorted(_search(session, server, '"mot cua"')) == sorted(expected)
    marks = session.page.locator("#search-results mark").all_inner_texts()
    assert marks and {fold(m) for m in marks} <= {"mot", "cua"}
    session.check_clean()


def test_a_locality_filter_keeps_its_articles_and_those_below_it(site, session):
    server, model = site
    district = model.localities["huyen-ba-vi"]
    expected = [a.title for a in model.articles
                if district.slug in with_ancestors(a.locality_slugs, model.localities)
                and a.title in _matching(model, "mô hình")]
    assert expected and len(expected) < len(_matching(model, "mô hình"))
    assert sorted(_search(session, server, "mo hinh", l="huyen-ba-vi")) == sorted(expected)
    assert "l=huyen-ba-vi" in session.page.url  # the search can be shared as a link
    session.check_clean()


def test_a_topic_filter_alone_lists_the_topics_articles_newest_first(site, session):
    server, model = site
    topic = max(model.topics, key=lambda t: len(model.topic_articles[t.slug]))
    titles = _search(session, server, "", t=topic.slug, sort="newest")
    assert titles == [a.title for a in model.articles_at(model.topic_articles[topic.slug])]  # the model keeps them newest first
    session.check_clean()


def test_no_result_says_so_and_suggests_removing_filters(site, session):
    server, model = site
    strings = THEME_STRINGS.read_text(encoding="utf-8")
    assert _search(session, server, "xyzzy") == []
    status = session.page.locator("#search-status").inner_text()
    assert f"search_none: {status}" in strings
    assert _search(session, server, "hoan kiem", l="huyen-ba-vi") == []
    status = session.page.locator("#search-status").inner_text()
    assert f"search_none_filtered: {status}" in strings
    session.check_clean()


def test_the_header_box_searches_from_any_page_and_fetches_only_the_index(site, session):
    server, model = site
    page = session.page
    page.goto(server.base_url + model.articles[0].url)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.fill("#header-q", "khanh thuong")
    page.press("#header-q", "Enter")
    page.wait_for_selector("#search-results li")
    assert sorted(page.locator("#search-results .card-title").all_inner_texts()) == \
        sorted(_matching(model, "khánh thượng"))
    index = server.base_url + "tim-kiem/index/"
    fetched = [url for url in requested if url.startswith(index)]
    assert fetched and all(url.startswith(server.base_url) for url in requested)
    session.check_clean()


WORDS = ["Hoàn Kiếm", "HOÀN KIẾM", "Đường Đê La Thành", "đường", "ĐẮK LẮK", "Dân vận khéo",
         "Thủ tục hành chính một cửa", "Ứng Hòa", "Phường Hàng Bạc", "  nhiều   khoảng  trắng ",
         "Straße", "ŒUVRE façade naïve", "İstanbul", "“ngoặc kép” 24.254-mô_hình", "xã/phường"]
WORDS += [unicodedata.normalize("NFD", w) for w in WORDS]
# Every letter of the Latin blocks, alone, upper and lower case
WORDS += [chr(c) for c in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00))]


def test_the_browser_folds_tokenises_and_hashes_as_the_engine_does(site, session):
    server, _ = site
    page = session.page
    page.goto(server.base_url + "tim-kiem/")
    page.wait_for_function("() => window.BantinSearch")
    browser_side = page.evaluate("""words => words.map(w => [BantinSearch.fold(w),
        BantinSearch.terms(w), BantinSearch.terms(w).map(BantinSearch.termHash)])""", WORDS)
    engine_side = [[fold(w), search.terms(w), [search.term_hash(t) for t in search.terms(w)]]
                   for w in WORDS]
    mismatches = [(w, b, e) for w, b, e in zip(WORDS, browser_side, engine_side) if b != e]
    assert mismatches == []

"""The built example site in real headless Chromium (Debian's), served under /bantin/.

Chromium is required: without it these tests fail; `sh tests/install.sh` installs it.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from pages_server import build_example_site, serve_site

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(path).is_file(), "Chromium is missing: run `sh tests/install.sh`"
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output_path, result = build_example_site(tmp_path_factory.mktemp("browser"))
    with serve_site(output_path, "/bantin/") as server:
        yield server, result.site


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """One browser context that records console errors and refuses every other host."""

    def __init__(self, browser, width: int = 1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route):
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def check_clean(self):
        assert self.foreign == [], "requests to hosts other than 127.0.0.1"
        assert self.errors == [], "console errors"


@pytest.fixture
def session(browser):
    session = Session(browser)
    yield session
    session.context.close()


def test_home_page_loads(site, session):
    server, model = site
    response = session.page.goto(server.base_url)
    assert response.status == 200
    assert session.page.title() == model.config.title
    session.check_clean()


def test_clicking_a_locality_in_the_tree_opens_its_page(site, session):
    server, model = site
    page = session.page
    page.goto(server.base_url)
    ba_vi = model.localities["huyen-ba-vi"]
    page.locator(".tree").get_by_role("link", name=ba_vi.label, exact=True).click()
    page.wait_for_url(server.base_url + "dia-phuong/huyen-ba-vi/")
    assert page.locator("h1").inner_text() == ba_vi.heading
    session.check_clean()


def test_article_chart_image_loads(site, session):
    server, model = site
    article = next(a for a in model.articles if a.image_url and a.image_url.endswith(".svg"))
    response = session.page.goto(server.base_url + article.url)
    assert response.status == 200
    images = session.page.locator("main img")
    assert images.count() >= 1
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        loaded = image.evaluate("img => img.decode().then(() => img.naturalWidth, () => 0)")
        assert loaded > 0, image.get_attribute("src")
    session.check_clean()


def test_no_horizontal_scroll_on_a_phone(site, browser):
    server, model = site
    session = Session(browser, width=375)
    try:
        widest_article = max(model.articles, key=lambda a: len(a.body_html))
        chart_article = next(a for a in model.articles if a.image_url)
        paths = ["", "dia-phuong/", "dia-phuong/huyen-ba-vi/", "dia-phuong/ha-noi/trang/2/",
                 "chu-de/", "bai-viet/", widest_article.url, chart_article.url]
        for path in paths + ["khong-co/"]:  # the last is the 404 page
            session.check_clean()  # before the 404 page, whose own status the console reports
            session.page.goto(server.base_url + path)
            width = session.page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 375, f"/{path} scrolls sideways: {width}px wide"
    finally:
        session.context.close()

#!/usr/bin/env python3
"""Screenshots of each page type of the example site, at phone and desktop width, into docs/.

    python docs/screenshots.py [--project DIR] [--out docs/screenshots]

Builds the project (the repository's example site by default) into a temporary folder, serves
it under /bantin/ as GitHub Pages would, and takes full-page screenshots with Debian's Chromium
(through Playwright) of the home page, a locality, an article, a digest, an archive month and
the search page with a query typed in. Set CHROME_PATH to use another Chromium.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402

from bantin.pipeline import build_site  # noqa: E402
from pages_server import serve_site  # noqa: E402

WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}
BUILD_TIME = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def page_paths(site) -> dict[str, str]:
    """A page of each type: the one with the most to show."""
    urls = site.urls
    locality = max(site.localities.values(),
                   key=lambda l: (len(site.children[l.slug]) > 0, len(site.locality_articles[l.slug])))
    article = next((a for a in site.articles if a.image_url), site.articles[0])
    digest = max(site.digests, key=lambda d: len(d.articles))
    month = max((m for y in site.archive for m in y.months), key=lambda m: len(m.articles))
    return {"home": "", "locality": locality.url, "article": article.url, "digest": digest.url,
            "archive-month": month.url, "search": urls.search() + "?q=hoan+kiem"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        project = Path(work) / "project"
        shutil.copytree(args.project, project, ignore=shutil.ignore_patterns(
            ".git", "_site", ".cache", ".venv", "__pycache__", "tests", "docs"))
        output = project / "_site"
        result = build_site(project, base_url="https://example.github.io/bantin/",
                            build_time=BUILD_TIME, output_dir=str(output))
        with serve_site(output, "/bantin/") as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
                args=["--headless=new", "--no-sandbox", "--disable-gpu"])
            for name, path in page_paths(result.site).items():
                for size_name, (width, height) in WIDTHS.items():
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.goto(server.base_url + path)
                    if name == "search":
                        page.wait_for_selector("#search-results li")
                    for image in page.locator("img").all():  # lazy images, as a reader scrolls
                        image.scroll_into_view_if_needed()
                    page.evaluate("window.scrollTo(0, 0)")
                    page.wait_for_load_state("networkidle")
                    target = args.out / f"{name}-{size_name}.png"
                    page.screenshot(path=str(target), full_page=True)
                    page.close()
                    print(target.relative_to(REPO) if target.is_relative_to(REPO) else target)
            browser.close()


if __name__ == "__main__":
    main()

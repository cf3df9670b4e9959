"""axe-core over every page type of the built example site, in headless Chromium.

axe-core comes from the `axe-playwright-python` package (requirements-test.txt), which ships
axe.min.js; it is injected into each page and run with every rule, so that a violation of any
impact fails, in the light and the dark colour scheme.
"""
from __future__ import annotations

from pathlib import Path

import axe_playwright_python
import pytest

from test_browser import browser, site  # noqa: F401 - fixtures

AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def _page_paths(model) -> dict[str, str]:
    locality = max(model.localities.values(), key=lambda l: len(model.locality_articles[l.slug]))
    article = next(a for a in model.articles if a.image_url)
    month = max((m for y in model.archive for m in y.months), key=lambda m: len(m.articles))
    return {"home": "", "locality": locality.url, "article": article.url,
            "digest": max(model.digests, key=lambda d: len(d.articles)).url,
            "digest index": model.urls.digests(), "archive month": month.url,
            "archive year": model.archive[0].url, "article list": model.urls.articles(),
            "topic": model.topics[0].url, "search": model.urls.search() + "?q=hoan+kiem",
            "search, no result": model.urls.search() + "?q=xyzzy&l=ha-noi"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violation_on_any_page_type(site, browser, scheme):  # noqa: F811
    server, model = site
    context = browser.new_context(viewport={"width": 375, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    found = {}
    try:
        for name, path in _page_paths(model).items():
            assert page.goto(server.base_url + path).status == 200
            if path.startswith(model.urls.search()):
                page.wait_for_function("""() => !['', 'Đang tìm…'].includes(
                    document.getElementById('search-status').textContent)""")
            page.add_script_tag(content=AXE_SCRIPT)
            result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            found[name] = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]]
    finally:
        context.close()
    assert found == {name: [] for name in found}

"""Property-based tests: whatever an editor types, the reader gives clean problems or valid output."""
from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bantin.config import LocalityConfig, SiteConfig
from bantin.content import split_source
from bantin.localities import LocalityIndex
from bantin.markup import MarkupError, render_markdown
from bantin.problems import Problem
from bantin.textfile import decode_text
from bantin.validate import FRONT_MATTER_KEYS, validate_article

CONFIG = SiteConfig(Path("/nonexistent"), "T", "https://example.org/",
                    localities=(LocalityConfig("Hà Nội", "ha-noi", "thành phố"),
                                LocalityConfig("Ba Vì", "huyen-ba-vi", "huyện"),
                                LocalityConfig("Ba Vì", "xa-ba-vi", "xã")))
INDEX = LocalityIndex(CONFIG.localities)
SHOWN = "content/x.md"

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=30), st.dates(), st.datetimes(),
                    st.datetimes(timezones=st.just(dt.timezone(dt.timedelta(hours=7)))))
values = st.recursive(scalars, lambda children: st.lists(children, max_size=4) |
                      st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=12)
keys = st.sampled_from(sorted(FRONT_MATTER_KEYS)) | st.text(min_size=1, max_size=10)
front_matters = st.dictionaries(keys, values, max_size=8)


def _check_problems(problems: list[Problem], text: str) -> None:
    line_count = text.count("\n") + 1
    for problem in problems:
        assert problem.path == SHOWN
        assert problem.line is None or 1 <= problem.line <= line_count
        assert problem.message and "Traceback" not in problem.format()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matter=front_matters, body=st.text(max_size=200))
def test_random_front_matter_gives_an_article_or_clean_problems(front_matter, body):
    text = "---\n" + yaml.safe_dump(front_matter, allow_unicode=True) + "---\n" + body
    problems: list[Problem] = []
    source = split_source(text, "x.md", SHOWN, problems)
    if source is not None:
        article, article_problems = validate_article(source, CONFIG, INDEX)
        problems += article_problems
        if article is not None:
            assert article.title and article.slug
            assert article.date.tzinfo is not None
            assert set(article.locality_slugs) <= {"ha-noi", "huyen-ba-vi", "xa-ba-vi"}
        else:
            assert any(p.is_error for p in problems)
    _check_problems(problems, text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_as_a_file_never_raises(text):
    problems: list[Problem] = []
    source = split_source(text, "x.md", SHOWN, problems)
    if source is not None:
        _, article_problems = validate_article(source, CONFIG, INDEX)
        problems += article_problems
    _check_problems(problems, text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_give_one_clean_problem(data):
    text, problems = decode_text(data, SHOWN)
    if text is None:
        assert len(problems) == 1 and problems[0].path == SHOWN
    else:
        assert problems == [] and "\r" not in text


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.urls = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [value or "" for name, value in attrs if name in ("href", "src")]
        assert not any(name.startswith("on") for name, _ in attrs), attrs


markdown_pieces = st.sampled_from([
    "# T\n", "- a\n", "> q\n", "*e*", "**s**", "`c`", "[l](http://x.org)", "[j](javascript:alert(1))",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">t</a>", "![i](data:text/html;base64,PHNjcmlwdD4=)",
    "<iframe src=//e.org></iframe>", "{{ config }}", "{% raw %}", "\n\n", "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "<svg onload=alert(1)>", "<style>*{}</style>", "[x](vbscript:msgbox)", "Hà Nội ", "<div>", "</div>",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(markdown_pieces | st.text(max_size=20), max_size=25).map("".join))
def test_markdown_output_never_carries_script(text):
    try:
        html = render_markdown(text, lambda tag, url: None).html
    except MarkupError:
        return
    parser = _Links()
    parser.feed(html)
    assert not {"script", "iframe", "style", "svg"} & set(parser.tags)
    for url in parser.urls:
        scheme = url.split(":", 1)[0].strip().lower() if ":" in url.split("/", 1)[0] else ""
        assert scheme in ("", "http", "https", "mailto", "tel"), url

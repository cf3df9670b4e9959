"""Markdown → safe HTML: raw HTML sanitised, dangerous links dropped, links handed to a rewrite."""
from __future__ import annotations

import threading

import pytest

import bantin.markup
from bantin.config import HtmlPolicy
from bantin.markup import MAX_SUMMARY, MarkdownRenderer, convert, render_markdown, shorten
from bantin.messages import translate


def _keep(tag, url):
    return None


def _html(text: str) -> str:
    return render_markdown(text, _keep).html


def test_paragraphs_and_emphasis():
    assert _html("Xin *chào* **Hà Nội**.\n\nĐoạn hai.") == \
        "<p>Xin <em>chào</em> <strong>Hà Nội</strong>.</p>\n<p>Đoạn hai.</p>"


def test_raw_script_is_removed():
    html = _html('Tin.\n\n<script>alert("x")</script>\n\n<p onclick="alert(1)">Đoạn</p>')

    assert "<script" not in html
    assert "alert" not in html
    assert "<p>Đoạn</p>" in html


def test_raw_iframe_style_and_event_handlers_are_removed():
    html = _html('<iframe src="https://e.org"></iframe>\n\n<img src="a.png" onerror="alert(1)">')

    assert "iframe" not in html
    assert "onerror" not in html
    assert '<img src="a.png">' in html


@pytest.mark.parametrize("href", [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
])
def test_dangerous_markdown_links_lose_their_href(href):
    html = _html(f"[bấm vào đây]({href})")

    assert html == "<p><a>bấm vào đây</a></p>"


@pytest.mark.parametrize("href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)",
                                  "jav&#x09;ascript:alert(1)", "data:text/html,<script>alert(1)</script>"])
def test_dangerous_raw_html_links_lose_their_href(href):
    html = _html(f'<a href="{href}">bấm</a>')

    assert "href" not in html
    assert "script" not in html.lower().replace("<a>", "")


@pytest.mark.parametrize("text", ["[bấm](java\tscript:alert(1))", "[bấm](jav\u00a0ascript:x)",
                                  '<a href="java script:alert(1)">bấm</a>',
                                  '<a href="vb  script:msgbox(1)">bấm</a>'])
def test_links_that_read_as_script_once_spaces_are_removed_lose_their_href(text):
    # Browsers take these as relative links, but they should not look like scripts either.
    html = _html(text)

    assert "href" not in html and "script" not in html.lower().replace("<a>", ""), html


def test_safe_link_schemes_are_kept():
    html = _html("[web](https://e.org/a) [thư](mailto:ban@e.org) [gọi](tel:+84123) [tệp](ftp://e.org)")

    assert html == ('<p><a href="https://e.org/a">web</a> <a href="mailto:ban@e.org">thư</a> '
                    '<a href="tel:+84123">gọi</a> <a>tệp</a></p>')


def test_jinja_syntax_is_kept_literally():
    assert _html("Giá {{ price }} và {% if x %}") == "<p>Giá {{ price }} và {% if x %}</p>"


def test_tables_with_alignment():
    html = _html("| Hoạt động | Số lượng |\n|---|---:|\n| Giám sát | 10.665 |\n")

    assert html == ('<table>\n<thead>\n<tr>\n<th>Hoạt động</th>\n<th style="text-align:right">Số lượng</th>\n'
                    '</tr>\n</thead>\n<tbody>\n<tr>\n<td>Giám sát</td>\n'
                    '<td style="text-align:right">10.665</td>\n</tr>\n</tbody>\n</table>')


def test_headings_get_vietnamese_slug_ids():
    html = _html("## Vì sao nuôi ong hợp với vùng núi\n\n## Đông Anh\n\n## Đông Anh\n")

    assert html == ('<h2 id="vi-sao-nuoi-ong-hop-voi-vung-nui">Vì sao nuôi ong hợp với vùng núi</h2>\n'
                    '<h2 id="dong-anh">Đông Anh</h2>\n<h2 id="dong-anh_1">Đông Anh</h2>')


def test_first_paragraph_is_plain_text():
    markup = render_markdown("## Tiêu đề\n\nĐoạn *đầu* có [liên kết](https://e.org)\nhai dòng.\n\nĐoạn hai.",
                             _keep)

    assert markup.first_paragraph == "Đoạn đầu có liên kết hai dòng."


def test_first_paragraph_skips_raw_html_blocks():
    markup = render_markdown("<div>Hộp</div>\n\nĐoạn đầu.", _keep)

    assert markup.first_paragraph == "Đoạn đầu."


def test_first_paragraph_has_no_placeholders_for_inline_html():
    markup = render_markdown("Xin <b>chào</b> bạn.", _keep)

    assert markup.first_paragraph == "Xin chào bạn."


def test_first_paragraph_has_no_placeholders_for_backslash_escapes():
    # Summaries showed "10\x0242\x032" for "10\\*2": a control character and a stray number.
    markup = render_markdown("Giá 10\\*2 và a\\_b.", _keep)

    assert markup.first_paragraph == "Giá 10*2 và a_b."


def test_link_targets_with_backslash_escapes_are_rewritten_as_markdown_reads_them():
    calls = []

    def rewrite(tag, url):
        calls.append(url)
        return {"a_b.md": "/repo/bai-viet/a-b/"}.get(url)

    markup = render_markdown("[x](a\\_b.md) ![y](..\\..\\anh.png)", rewrite)

    # A path that keeps a backslash is passed on as written, for the problem to quote it.
    assert calls == ["a_b.md", "..\\..\\anh.png"]
    assert '<a href="/repo/bai-viet/a-b/">x</a>' in markup.html


def test_rewrite_is_called_for_local_links_and_images_and_its_urls_are_used():
    calls = []

    def rewrite(tag, url):
        calls.append((tag, url))
        return {"anh.png": "/repo/bai-viet/a/anh.png", "khac.md": "/repo/bai-viet/khac/"}.get(url)

    markup = render_markdown("![Biểu đồ](anh.png) [bài khác](khac.md) [web](https://e.org/)", rewrite)

    # Only links to local files are resolved; the others stay as written.
    assert calls == [("img", "anh.png"), ("a", "khac.md")]
    assert markup.html == ('<p><img alt="Biểu đồ" src="/repo/bai-viet/a/anh.png"> '
                           '<a href="/repo/bai-viet/khac/">bài khác</a> <a href="https://e.org/">web</a></p>')
    assert markup.images == (("anh.png", "Biểu đồ"),)


def test_images_without_alt_are_listed_with_empty_alt():
    assert render_markdown("![](a.png)", _keep).images == (("a.png", ""),)


def test_rewritten_url_is_still_sanitised():
    markup = render_markdown("[x](a.md)", lambda tag, url: "javascript:alert(1)")

    assert markup.html == "<p><a>x</a></p>"


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    assert shorten("Một hai ba bốn năm", 12) == "Một hai ba…"
    assert shorten("Một, hai, ba", 8) == "Một…"
    assert shorten("  Một   hai  ") == "Một hai"
    assert len(shorten("chữ " * 200)) <= MAX_SUMMARY + 1


def test_site_html_policy_allows_more_tags_but_still_filters_urls_and_handlers():
    policy = HtmlPolicy(("iframe",), (("iframe", ("src", "width")),))
    html = render_markdown('<iframe src="https://www.youtube.com/embed/x" width="560" onload="alert(1)">'
                           '</iframe>\n\n<iframe src="javascript:alert(1)"></iframe>', _keep, policy).html

    assert html == ('<iframe src="https://www.youtube.com/embed/x" width="560"></iframe>\n\n'
                    '<iframe></iframe>')
    assert "iframe" not in _html('<iframe src="https://www.youtube.com/embed/x"></iframe>')


def test_plain_text_of_the_body_has_each_block_on_a_line():
    markup = render_markdown("Người dân &amp; [cán bộ](x.md)\n\n| a | b |\n|---|---|\n"
                             "| Mô hình | 24.254 |\n\n<script>bad()</script>\n\nHết.", _keep)

    assert markup.text == "Người dân & cán bộ\na\nb\nMô hình\n24.254\nHết."


def test_markdown_nested_too_deeply_is_a_markup_error_in_the_readers_language():
    markup = convert(MarkdownRenderer(), "- " * 500 + "x\n")

    assert (markup.html, markup.images, markup.links) == ("", (), ())
    assert markup.error == "the Markdown is nested too deeply (lists or quotes inside each other)"
    assert translate(markup.error, "vi") == ("phần Markdown lồng nhau quá sâu (danh sách hoặc "
                                             "trích dẫn nằm trong nhau quá nhiều lớp)")


# --- the time limit where no alarm signal can stop a conversion (Windows, other threads) -------

SLOW = "[" * 5000 + "x" + "]" * 5000  # seconds of Python-Markdown's bracket matching


@pytest.fixture
def no_alarm(monkeypatch):
    """Conversions as on Windows: no SIGALRM, so each runs in the helper process."""
    monkeypatch.setattr(bantin.markup, "_can_interrupt", lambda: False)
    yield
    bantin.markup._HELPER.stop()


def test_without_an_alarm_the_helper_process_converts_the_same(monkeypatch):
    text = "Xem [bài kia](a.md) và ![Ảnh](b.png).\n\n## Đầu mục\n\n<script>x</script>\n"
    policy = HtmlPolicy(allow_tags=("iframe",))
    expected = convert(MarkdownRenderer(policy), text)
    monkeypatch.setattr(bantin.markup, "_can_interrupt", lambda: False)
    try:
        found = convert(MarkdownRenderer(policy), text)
        assert bantin.markup._HELPER._pool is not None  # it did run in the helper
    finally:
        bantin.markup._HELPER.stop()

    assert found == expected
    assert found.links == (("a", "a.md"), ("img", "b.png"))


def test_without_an_alarm_a_slow_conversion_is_stopped_at_the_limit(no_alarm, monkeypatch):
    monkeypatch.setattr(bantin.markup, "TIME_LIMIT", 0.5)

    markup = convert(MarkdownRenderer(), SLOW)

    assert markup.error == ("converting the Markdown took over 0.5 s; it has a pathological "
                            "construct (thousands of nested brackets or emphasis marks?)")
    assert translate(markup.error, "vi").startswith("chuyển phần Markdown mất hơn 0,5 giây;")
    assert bantin.markup._HELPER._pool is None  # ended, not left converting
    assert convert(MarkdownRenderer(), "*một*").html == "<p><em>một</em></p>"  # a new helper


def test_without_an_alarm_markdown_nested_too_deeply_is_still_an_error(no_alarm):
    assert convert(MarkdownRenderer(), "- " * 500 + "x\n").error == (
        "the Markdown is nested too deeply (lists or quotes inside each other)")


def test_a_conversion_outside_the_main_thread_has_the_limit_too(monkeypatch):
    monkeypatch.setattr(bantin.markup, "TIME_LIMIT", 0.5)
    found = []
    worker = threading.Thread(target=lambda: found.append(convert(MarkdownRenderer(), SLOW)))
    try:
        worker.start()
        worker.join()
    finally:
        bantin.markup._HELPER.stop()

    assert found[0].error.startswith("converting the Markdown took over 0.5 s;")

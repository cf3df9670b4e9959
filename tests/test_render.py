"""Stage 5: pages planned and rendered through the theme; template and URL mistakes as Problems."""
from __future__ import annotations

import pytest

from bantin.config import load_config
from bantin.content import read_content
from bantin.localities import LocalityIndex, check_localities
from bantin.model import BuildOptions, Published, build_site
from bantin.problems import BuildError, Problem
from bantin.render import (Page, find_url_clashes, make_environment, page_context, plan_pages,
                           render_site)
from bantin.theme import load_theme
from bantin.validate import validate_articles

from conftest import BUILD_TIME, MINIMAL_SITE_YAML


def _article(title: str, day: int = 5, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: 2024-07-{day:02d}\n{extra}---\nThân bài của {title}.\n"


def _site(project):
    config = load_config(project)
    index = LocalityIndex(config.localities)
    parents, problems = check_localities(config.localities, index)
    content, content_problems = read_content(project)
    articles, article_problems = validate_articles(content.sources, config, index)
    problems += content_problems + article_problems
    assert problems == []
    site, _ = build_site(config, parents, articles, content, BuildOptions(BUILD_TIME))
    return site, load_theme(project, config.theme, config.language)


def _render(project):
    site, theme = _site(project)
    pages, files, problems = render_site(site, theme, project)
    return {p.url: p.content.decode("utf-8") for p in pages}, files, \
        [p.format() for p in sorted(problems, key=Problem.sort_key)]


def _env(project):
    site, theme = _site(project)
    return make_environment(site, theme, project, _files(site, theme))


def _files(site, theme):
    return list(site.files) + [Published(site.urls.asset(rel), path, str(path))
                               for rel, path in theme.static_files().items()]


def test_pages_planned_with_pagination(make_project):
    project = make_project({f"content/tin-{n}.md": _article(f"Tin {n}", n, "locality: Khánh Thượng\n")
                            for n in range(1, 6)})
    site, _ = _site(project)

    specs = plan_pages(site)
    planned = [(s.url, s.template) for s in specs]

    assert planned[:4] == [("", "index.html"), ("404.html", "404.html"),
                           ("dia-phuong/", "localities.html"), ("chu-de/", "topics.html")]
    assert [s for s in planned if s[1] == "articles.html"] == [
        ("bai-viet/", "articles.html"), ("bai-viet/trang/2/", "articles.html"),
        ("bai-viet/trang/3/", "articles.html")]
    assert [s for s in planned if s[1] == "article.html"] == [
        ("bai-viet/tin-5/", "article.html"), ("bai-viet/tin-4/", "article.html"),
        ("bai-viet/tin-3/", "article.html"), ("bai-viet/tin-2/", "article.html"),
        ("bai-viet/tin-1/", "article.html")]
    assert [s for s in planned if s[1] == "locality.html"] == [
        ("dia-phuong/huyen-ba-vi/", "locality.html"), ("dia-phuong/huyen-ba-vi/trang/2/", "locality.html"),
        ("dia-phuong/huyen-ba-vi/trang/3/", "locality.html"),
        ("dia-phuong/xa-ba-vi/", "locality.html"),
        ("dia-phuong/ha-noi/", "locality.html"), ("dia-phuong/ha-noi/trang/2/", "locality.html"),
        ("dia-phuong/ha-noi/trang/3/", "locality.html"),
        ("dia-phuong/hoan-kiem/", "locality.html"),
        ("dia-phuong/khanh-thuong/", "locality.html"), ("dia-phuong/khanh-thuong/trang/2/", "locality.html"),
        ("dia-phuong/khanh-thuong/trang/3/", "locality.html"),
    ]
    assert len(planned) == len(set(planned))
    home = specs[0]
    assert [a.slug for a in page_context(site, home)["articles"]] == ["tin-5", "tin-4"]
    lists = [s for s in specs if s.template == "articles.html"]
    pages = [page_context(site, s)["paginator"] for s in lists]
    assert [[a.slug for a in p.items] for p in pages] == [["tin-5", "tin-4"], ["tin-3", "tin-2"], ["tin-1"]]
    assert [(p.number, p.count, p.total, p.previous_url, p.next_url) for p in pages] == [
        (1, 3, 5, None, "bai-viet/trang/2/"),
        (2, 3, 5, "bai-viet/", "bai-viet/trang/3/"),
        (3, 3, 5, "bai-viet/trang/2/", None)]
    assert [s.origin for s in lists] == ["article list", "article list, page 2", "article list, page 3"]


def test_empty_list_still_has_one_page(make_project):
    site, _ = _site(make_project())

    specs = [s for s in plan_pages(site) if s.url == "dia-phuong/xa-ba-vi/"]

    assert len(specs) == 1
    paginator = page_context(site, specs[0])["paginator"]
    assert (paginator.items, paginator.number, paginator.count, paginator.total) == ((), 1, 1, 0)


def test_rendered_pages(make_project):
    project = make_project({"content/tin.md": _article("Tin Khánh Thượng", 5, "locality: Khánh Thượng\n")})

    pages, files, problems = _render(project)

    assert problems == []
    assert {"", "404.html", "dia-phuong/", "chu-de/", "bai-viet/", "bai-viet/tin-khanh-thuong/",
            "dia-phuong/huyen-ba-vi/", "dia-phuong/xa-ba-vi/", "dia-phuong/ha-noi/",
            "dia-phuong/hoan-kiem/", "dia-phuong/khanh-thuong/"} <= set(pages)
    article = pages["bai-viet/tin-khanh-thuong/"]
    assert "<h1>Tin Khánh Thượng</h1>" in article
    assert '<link rel="canonical" href="https://example.org/repo/bai-viet/tin-khanh-thuong/">' in article
    assert '<a href="/repo/dia-phuong/khanh-thuong/">xã Khánh Thượng</a>' in article
    assert "<p>Thân bài của Tin Khánh Thượng.</p>" in article
    assert "Thứ Sáu, 05/07/2024" in article
    assert 'href="/repo/bai-viet/tin-khanh-thuong/"' in pages["dia-phuong/ha-noi/"]
    assert 'href="/repo/bai-viet/tin-khanh-thuong/"' not in pages["dia-phuong/hoan-kiem/"]
    assert ("assets/css/site.css", "themes/default/static/css/site.css") in [(f.url, f.origin) for f in files]


def test_titles_are_escaped(make_project):
    project = make_project({"content/tin.md": _article("'<script>alert(1)</script> & Hà Nội'")})

    pages, _, problems = _render(project)

    assert problems == []
    assert "<script>alert(1)</script>" not in pages["bai-viet/script-alert-1-script-ha-noi/"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Hà Nội" in pages["bai-viet/script-alert-1-script-ha-noi/"]


def test_english_site(make_project):
    project = make_project({"site.yaml": MINIMAL_SITE_YAML + "language: en\n",
                            "content/tin.md": _article("News", 5, "locality: ha-noi\n")})

    pages, _, problems = _render(project)

    assert problems == []
    assert {"articles/", "articles/news/", "localities/ha-noi/", "topics/"} <= set(pages)
    assert '<html lang="en">' in pages[""]
    assert "Skip to main content" in pages[""]
    assert "Friday, 5 July 2024" in pages["articles/news/"]
    assert "Trang chủ" not in pages[""]


def test_site_template_overrides_the_theme(make_project):
    project = make_project({
        "content/tin.md": _article("Tin"),
        "templates/article.html": "{% extends 'base.html' %}{% block content %}RIÊNG {{ article.title }}"
                                  "{% endblock %}"})

    pages, _, problems = _render(project)

    assert problems == []
    assert "RIÊNG Tin" in pages["bai-viet/tin/"]
    assert "<h1>Tin</h1>" not in pages["bai-viet/tin/"]


def test_override_can_wrap_the_theme_template_by_prefix(make_project):
    project = make_project({
        "content/tin.md": _article("Tin"),
        "templates/base.html": "{% extends 'default/base.html' %}{% block head %}<meta name=riêng>{% endblock %}"})

    pages, _, problems = _render(project)

    assert problems == []
    assert "<meta name=riêng>" in pages["bai-viet/tin/"]
    assert "<h1>Tin</h1>" in pages["bai-viet/tin/"]


def test_child_theme_template_extends_its_parent_by_prefix(make_project):
    project = make_project({
        "site.yaml": MINIMAL_SITE_YAML + "theme: child\n",
        "themes/child/theme.yaml": "parent: default\n",
        "themes/child/templates/article.html":
            "{% extends 'default/article.html' %}{% block head %}<meta name=con>{% endblock %}",
        "content/tin.md": _article("Tin")})

    pages, _, problems = _render(project)

    assert problems == []
    assert "<meta name=con>" in pages["bai-viet/tin/"]
    assert "<h1>Tin</h1>" in pages["bai-viet/tin/"]
    assert "<meta name=con>" not in pages[""]


def test_template_syntax_error_names_the_template_file_and_line(make_project):
    project = make_project({"content/tin.md": _article("Tin"),
                            "templates/article.html": "{% extends 'base.html' %}\n{% block content %}\n"
                                                      "{% if %}\n{% endblock %}\n"})

    _, _, problems = _render(project)

    assert problems == [
        "templates/article.html:3: template syntax error while rendering content/tin.md (bai-viet/tin/): "
        "Expected an expression, got 'end of statement block'"]


def test_undefined_variable_is_a_problem(make_project):
    project = make_project({"content/tin.md": _article("Tin"),
                            "templates/article.html": "{% extends 'base.html' %}\n{% block content %}\n"
                                                      "{{ aricle.title }}\n{% endblock %}\n"})

    _, _, problems = _render(project)

    assert problems == ["templates/article.html:3: error while rendering content/tin.md (bai-viet/tin/): "
                        "UndefinedError: 'aricle' is undefined"]


def test_undefined_attribute_is_a_problem(make_project):
    project = make_project({"content/tin.md": _article("Tin"),
                            "templates/article.html": "{% extends 'base.html' %}\n{% block content %}\n"
                                                      "{{ article.titel }}\n{% endblock %}\n"})

    _, _, problems = _render(project)

    assert problems == ["templates/article.html:3: error while rendering content/tin.md (bai-viet/tin/): "
                        "UndefinedError: 'bantin.validate.Article object' has no attribute 'titel'"]


def test_missing_ui_string_is_a_problem(make_project):
    project = make_project({"templates/404.html": "{% extends 'base.html' %}\n{% block content %}\n"
                                                  "{{ t('khong_co') }}\n{% endblock %}\n"})

    _, _, problems = _render(project)

    assert problems == ["templates/404.html:3: error while rendering 404 page (404.html): KeyError: "
                        "no UI string 'khong_co' for language 'vi' in the theme's i18n file"]


def test_template_problems_are_shown_in_the_readers_language_with_codes(make_project):
    project = make_project({"content/tin.md": _article("Tin"),
                            "templates/article.html": "{% extends 'base.html' %}\n{% block content %}\n"
                                                      "{% if %}\n{% endblock %}\n",
                            "templates/404.html": "{% extends 'base.html' %}\n{% block content %}\n"
                                                  "{{ t('khong_co') }}\n{% endblock %}\n",
                            "templates/topics.html": "{% include 'khong-co.html' %}"})
    site, theme = _site(project)

    _pages, _files, problems = render_site(site, theme, project)

    assert sorted((p.code, p.format("vi")) for p in problems) == [
        ("template-error", "templates/404.html:3: lỗi khi dựng trang 404 (404.html): KeyError: tệp "
         "i18n của giao diện không có chuỗi giao diện 'khong_co' cho ngôn ngữ 'vi'"),
        ("template-not-found", "templates/topics.html:1: lỗi khi dựng trang danh sách chủ đề "
         "(chu-de/): không tìm thấy mẫu trang (template) 'khong-co.html' — hãy thêm nó vào giao "
         "diện hoặc vào templates/"),
        ("template-syntax", "templates/article.html:3: lỗi cú pháp trong mẫu trang (template) khi "
         "dựng content/tin.md (bai-viet/tin/): Expected an expression, got 'end of statement "
         "block'")]


def test_missing_template_is_a_problem(make_project):
    project = make_project({"templates/404.html": "{% include 'khong-co.html' %}"})

    _, _, problems = _render(project)

    assert problems == ["templates/404.html:1: error while rendering 404 page (404.html): template "
                        "'khong-co.html' not found — add it to the theme or to templates/"]


def test_missing_page_template_names_the_page(make_project):
    project = make_project({"content/tin.md": _article("Tin"),
                            "templates/article.html": "{% extends 'khong-co.html' %}\n"})

    _, _, problems = _render(project)

    assert problems == ["templates/article.html:1: error while rendering content/tin.md (bai-viet/tin/): "
                        "template 'khong-co.html' not found — add it to the theme or to templates/"]


def test_template_that_is_not_utf8_is_a_problem_naming_it(make_project):
    project = make_project({"content/tin.md": _article("Tin"),
                            "templates/article.html": "{% extends 'base.html' %}\n"})
    (project / "templates" / "article.html").write_bytes(b"{% extends 'base.html' %}\n\xe2\x80 Tin\n")

    _, _, problems = _render(project)

    assert problems == ["templates/article.html:2: template syntax error while rendering content/tin.md "
                        "(bai-viet/tin/): the file is not UTF-8 text; save it as UTF-8"]


def test_a_template_error_on_many_pages_is_listed_once(make_project):
    project = make_project({**{f"content/tin-{n}.md": _article(f"Tin {n}", n) for n in range(1, 4)},
                            "templates/article.html": "{% extends 'base.html' %}\n{% block content %}\n"
                                                      "{{ so_luot_xem }}\n{% endblock %}\n"})

    _, _, problems = _render(project)

    assert problems == ["templates/article.html:3: error while rendering content/tin-3.md "
                        "(bai-viet/tin-3/): UndefinedError: 'so_luot_xem' is undefined"]


def test_theme_without_ui_strings_gives_problems_not_a_crash(make_project):
    project = make_project({"site.yaml": MINIMAL_SITE_YAML + "theme: bare\n",
                            "themes/bare/templates/index.html": "{{ t('nav_home') }}"})
    with pytest.raises(BuildError) as raised:
        _site(project)

    assert [p.format() for p in raised.value.problems] == [
        "themes/bare/i18n/vi.yaml: the theme has no UI string for article_count, digests, "
        "digest_title_week, digest_title_month, format_range_day, format_range_day_month, "
        "format_range_full, format_month — the engine uses these for feeds, digests and dates; add them"]


def test_two_articles_with_the_same_slug_clash(make_project):
    project = make_project({"content/2023/tin.md": _article("Tin"), "content/2024/tin.md": _article("Tin")})

    _, _, problems = _render(project)

    assert problems == ["content/2024/tin.md: 'bai-viet/tin/index.html' is also produced by content/2023/tin.md "
                        "— give one of them another `slug:` (paths may not differ only in case)"]


def test_a_clash_is_shown_in_the_readers_language(make_project):
    project = make_project({"content/2023/tin.md": _article("Tin"), "content/2024/tin.md": _article("Tin")})
    site, theme = _site(project)

    [problem] = render_site(site, theme, project)[2]

    assert (problem.code, problem.format("vi")) == (
        "duplicate-output", "content/2024/tin.md: 'bai-viet/tin/index.html' cũng được tạo ra từ "
        "content/2023/tin.md — hãy ghi cho một trong hai một `slug:` khác (hai đường dẫn không "
        "được chỉ khác nhau ở chữ hoa, chữ thường)")


def test_content_file_clashing_with_a_page(make_project):
    project = make_project({"content/tin.md": _article("Tin"),
                            "content/bai-viet/tin/index.html": "<p>cũ</p>",
                            "site.yaml": MINIMAL_SITE_YAML + "static_dirs: [content/bai-viet/]\n"})

    _, _, problems = _render(project)

    assert problems == ["content/bai-viet/tin/index.html: 'bai-viet/tin/index.html' is also produced by "
                        "content/tin.md — give one of them another `slug:` (paths may not differ only in case)"]


def test_paths_differing_only_in_case_clash():
    pages = [Page("bai-viet/anh/", b"", "content/anh.md")]
    files = [Published("bai-viet/Anh/index.html", None, "content/x/index.html"),
             Published("img/Logo.png", None, "content/img/Logo.png"),
             Published("img/logo.png", None, "content/img/logo.png")]

    assert [p.format() for p in find_url_clashes(pages, files)] == [
        "content/x/index.html: 'bai-viet/Anh/index.html' is also produced by content/anh.md — "
        "give one of them another `slug:` (paths may not differ only in case)",
        "content/img/logo.png: 'img/logo.png' is also produced by content/img/Logo.png — "
        "give one of them another `slug:` (paths may not differ only in case)"]


def test_vietnamese_date_and_number_helpers(make_project):
    env = _env(make_project())
    template = env.from_string("{{ format_date(d) }}|{{ d|date('date_short') }}|"
                               "{{ format_date(d, 'datetime_long') }}|{{ format_number(24254) }}|"
                               "{{ 10665.5|number }}|{{ t('article_count', count=24254) }}|"
                               "{{ t('page_of', number=2, count=3) }}")

    assert template.render(d=BUILD_TIME) == \
        "Thứ Sáu, 27/11/2026|27/11/2026|Thứ Sáu, 27/11/2026, 12:00|24.254|10.665,5|24.254 bài viết|Trang 2/3"


def test_english_date_number_and_plural_helpers(make_project):
    env = _env(make_project({"site.yaml": MINIMAL_SITE_YAML + "language: en\n"}))
    template = env.from_string("{{ format_date(d) }}|{{ format_number(24254) }}|"
                               "{{ t('article_count', count=1) }}|{{ t('article_count', count=2) }}")

    assert template.render(d=BUILD_TIME) == "Friday, 27 November 2026|24,254|1 article|2 articles"


def test_url_helpers_add_the_base_path(make_project):
    project = make_project({"content/tin.md": _article("Tin", 5, "locality: ha-noi\n")})
    site, theme = _site(project)
    env = make_environment(site, theme, project, _files(site, theme))
    template = env.from_string("{{ url('') }}|{{ url(a) }}|{{ url(l) }}|{{ absolute_url(a) }}")

    assert template.render(a=site.articles[0], l=site.localities["ha-noi"]) == \
        "/repo/|/repo/bai-viet/tin/|/repo/dia-phuong/ha-noi/|https://example.org/repo/bai-viet/tin/"


def test_ui_string_values_are_escaped(make_project):
    env = _env(make_project())

    assert env.from_string("{{ t('by_author', author='<b>A & B</b>') }}").render() == \
        "Tác giả: &lt;b&gt;A &amp; B&lt;/b&gt;"


def test_asset_url_is_versioned_by_content(make_project):
    project = make_project()
    first = _env(project).from_string("{{ asset_url('css/site.css') }}").render()
    (project / "themes/default/static/css/site.css").write_text("body{}", encoding="utf-8")
    second = _env(project).from_string("{{ asset_url('css/site.css') }}").render()

    assert first.startswith("/repo/assets/css/site.css?v=")
    assert second.startswith("/repo/assets/css/site.css?v=")
    assert first != second


def test_missing_asset_is_a_problem(make_project):
    project = make_project({"templates/404.html": "{% extends 'base.html' %}\n{% block head %}\n"
                                                  "{{ asset_url('js/khong-co.js') }}\n{% endblock %}\n"})

    _, _, problems = _render(project)

    assert problems == ["templates/404.html:3: error while rendering 404 page (404.html): KeyError: "
                        "no static file 'js/khong-co.js' in the theme"]


def test_rendering_is_deterministic(make_project):
    project = make_project({f"content/tin-{n}.md": _article(f"Tin {n}", n, "localities: [ha-noi]\ntopics: [A, B]\n")
                            for n in range(1, 4)})

    assert _render(project) == _render(project)


def test_github_pages_files(make_project):
    pages, _, problems = _render(make_project({"site.yaml": MINIMAL_SITE_YAML + "cname: Tin.Example.VN\n"}))

    assert problems == []
    assert pages[".nojekyll"] == ""
    assert pages["CNAME"] == "tin.example.vn\n"


def test_no_cname_file_without_a_cname(make_project):
    pages, _, _ = _render(make_project())

    assert "CNAME" not in pages


def test_ui_strings_filled_with_equal_text_and_markup_stay_apart(make_project):
    env = _env(make_project())
    template = env.from_string("{{ t('by_author', author='<b>A</b>') }}|"
                               "{{ t('by_author', author=safe) }}|{{ t('by_author', author='<b>A</b>') }}")
    from markupsafe import Markup

    first, second, third = template.render(safe=Markup("<b>A</b>")).split("|")
    assert "&lt;b&gt;" in first and "<b>A</b>" in second and third == first

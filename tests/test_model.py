"""Stage 4: the Site — the locality tree with rolled-up articles, topics, URLs and HTML."""
from __future__ import annotations

import pickle
import datetime as dt
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bantin.config import LocalityConfig, SiteConfig, TopicConfig
from bantin.content import Content, StaticFile
from bantin.localities import LocalityIndex, check_localities
from bantin.model import BuildOptions, Published, build_site
from bantin.problems import Problem
from bantin.validate import Article, Image

from conftest import BUILD_TIME

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PROJECT = Path("/project")
LOCALITIES = (
    LocalityConfig("Hà Nội", "ha-noi", "thành phố"),
    LocalityConfig("Ba Vì", "huyen-ba-vi", "huyện", parent="ha-noi"),
    LocalityConfig("Ba Vì", "xa-ba-vi", "xã", parent="huyen-ba-vi"),
    LocalityConfig("Khánh Thượng", "khanh-thuong", "xã", parent="huyen-ba-vi"),
    LocalityConfig("Hoàn Kiếm", "hoan-kiem", "quận", parent="ha-noi"),
)
CONFIG = SiteConfig(PROJECT, "Bản tin", "https://example.org/repo/", localities=LOCALITIES)


def _article(rel_path: str, day: int = 5, body: str = "Thân bài.\n", **fields) -> Article:
    slug = fields.pop("slug", rel_path.rsplit("/", 1)[-1].removesuffix(".md"))
    if slug == "index":
        slug = rel_path.split("/")[-2]
    return Article(source_path=f"content/{rel_path}", rel_path=rel_path, slug=slug,
                   title=fields.pop("title", slug), date=dt.datetime(2024, 7, day, 9, tzinfo=TZ),
                   has_time=True, body=body, body_line=fields.pop("body_line", 6), **fields)


def _build(articles, config=CONFIG, static=(), options=BuildOptions(BUILD_TIME)):
    parents, problems = check_localities(config.localities, LocalityIndex(config.localities))
    assert problems == []
    content = Content((), tuple(StaticFile(rel, PROJECT / "content" / rel) for rel in static))
    site, problems = build_site(config, parents, list(articles), content, options)
    return site, [p.format() for p in sorted(problems, key=Problem.sort_key)]


def _slugs(articles):
    return [a.slug for a in articles]


def test_locality_tree_in_vietnamese_order():
    site, problems = _build([])

    assert problems == []
    assert list(site.localities) == ["huyen-ba-vi", "xa-ba-vi", "ha-noi", "hoan-kiem", "khanh-thuong"]
    assert [l.slug for l in site.root_localities] == ["ha-noi"]
    hanoi = site.localities["ha-noi"]
    assert site.children[hanoi.slug] == ("huyen-ba-vi", "hoan-kiem")
    assert site.children["huyen-ba-vi"] == ("xa-ba-vi", "khanh-thuong")
    khanh_thuong = site.localities["khanh-thuong"]
    assert [a.slug for a in site.ancestors("khanh-thuong")] == ["ha-noi", "huyen-ba-vi"]
    assert khanh_thuong.parent_slug == "huyen-ba-vi"
    assert (khanh_thuong.label, khanh_thuong.heading, khanh_thuong.url) == \
        ("xã Khánh Thượng", "Xã Khánh Thượng", "dia-phuong/khanh-thuong/")


def test_article_rolls_up_to_every_ancestor():
    site, _ = _build([_article("nuoi-ong.md", locality_slugs=("khanh-thuong",))])

    listed = {slug: _slugs(site.articles_at(urls)) for slug, urls in site.locality_articles.items()}
    assert listed == {"khanh-thuong": ["nuoi-ong"], "huyen-ba-vi": ["nuoi-ong"], "ha-noi": ["nuoi-ong"],
                      "xa-ba-vi": [], "hoan-kiem": []}


def test_article_tagged_with_child_and_parent_is_listed_once():
    site, _ = _build([_article("a.md", locality_slugs=("khanh-thuong", "huyen-ba-vi", "ha-noi")),
                      _article("b.md", locality_slugs=("hoan-kiem", "xa-ba-vi"))])

    assert _slugs(site.articles_at(site.locality_articles["ha-noi"])) == ["a", "b"]
    assert _slugs(site.articles_at(site.locality_articles["huyen-ba-vi"])) == ["a", "b"]
    assert [l.slug for l in site.articles[0].localities] == ["khanh-thuong", "huyen-ba-vi", "ha-noi"]


def test_articles_newest_first_then_by_slug():
    site, _ = _build([_article("b.md", day=5, locality_slugs=("ha-noi",)),
                      _article("c.md", day=6, locality_slugs=("ha-noi",)),
                      _article("a.md", day=5, locality_slugs=("ha-noi",))])

    assert _slugs(site.articles) == ["c", "a", "b"]
    assert _slugs(site.articles_at(site.locality_articles["ha-noi"])) == ["c", "a", "b"]


def test_drafts_and_future_articles_are_left_out_and_counted():
    future = replace(_article("sap-toi.md"), date=BUILD_TIME + dt.timedelta(minutes=1))
    site, _ = _build([_article("tin.md"), _article("nhap.md", is_draft=True), future])

    assert _slugs(site.articles) == ["tin"]
    assert site.excluded_count == 2


def test_each_article_left_out_is_named_with_its_date():
    future = replace(_article("sap-toi.md"), date=dt.datetime(2026, 12, 1, 7, 30, tzinfo=TZ))
    day_only = replace(_article("ngay-mai.md"), date=dt.datetime(2026, 11, 28, tzinfo=TZ),
                       has_time=False)
    both = replace(future, source_path="content/ca-hai.md", rel_path="ca-hai.md", slug="ca-hai",
                   is_draft=True)
    _, problems = _build([_article("tin.md"), _article("nhap.md", is_draft=True), future,
                          day_only, both])

    assert problems == [
        "content/ca-hai.md: info: a draft: left out of the site — delete the line `draft: true` "
        "to publish it",
        "content/ngay-mai.md: info: dated 28/11/2026, in the future: left out until then — the "
        "first build after that time publishes it",
        "content/nhap.md: info: a draft: left out of the site — delete the line `draft: true` "
        "to publish it",
        "content/sap-toi.md: info: dated 01/12/2026 07:30, in the future: left out until then — "
        "the first build after that time publishes it"]
    _, problems = _build([future, both], options=BuildOptions(BUILD_TIME, include_drafts=True))
    assert [p.split(":")[0] for p in problems] == ["content/ca-hai.md", "content/sap-toi.md"]
    assert all("in the future" in p for p in problems)  # a draft shown, but not yet due


def test_an_empty_body_is_a_warning():
    _, problems = _build([_article("tin.md", body=" \n\n", body_line=6),
                          _article("nhap.md", body="", is_draft=True)])

    assert problems == [  # a draft being written is left alone
        "content/nhap.md: info: a draft: left out of the site — delete the line `draft: true` "
        "to publish it",
        "content/tin.md:5: warning: the article has no text below its front matter — write the "
        "article below the closing `---` line"]


def test_the_body_of_an_article_with_front_matter_errors_is_checked_too():
    from bantin.content import RejectedBody

    config = CONFIG
    parents, _ = check_localities(config.localities, LocalityIndex(config.localities))
    content = Content((), (StaticFile("anh.png", PROJECT / "content/anh.png"),),
                      frozenset({"sai.md", "tin.md"}),
                      (RejectedBody("content/sai.md", "sai.md",
                                    "[Tin](tin.md) ![](anh.png) [x](thieu.pdf)\n", 7),))
    site, problems = build_site(config, parents, [_article("tin.md")], content,
                                BuildOptions(BUILD_TIME))

    assert [p.format() for p in sorted(problems, key=Problem.sort_key)] == [
        "content/sai.md:7: file 'thieu.pdf' not found (looked for content/thieu.pdf) — a path is "
        "read from the article's own folder; check the spelling, or start it with / to read from "
        "content/",
        "content/sai.md:7: warning: image 'anh.png' has no alt text — describe the image in the "
        "brackets: ![what it shows](file)"]
    # Only the article with errors uses the image: neither published nor listed as unused.
    assert site.files == () and site.unpublished_files == ()
    assert site.rejected_articles == ("sai.md",)


def test_drafts_and_future_articles_may_be_included():
    future = replace(_article("sap-toi.md"), date=BUILD_TIME + dt.timedelta(days=1))
    site, _ = _build([_article("tin.md"), _article("nhap.md", is_draft=True), future],
                     options=BuildOptions(BUILD_TIME, include_drafts=True, include_future=True))

    assert _slugs(site.articles) == ["sap-toi", "nhap", "tin"]
    assert site.excluded_count == 0


def test_article_dated_exactly_at_build_time_is_published():
    article = replace(_article("tin.md"), date=BUILD_TIME)

    assert _slugs(_build([article])[0].articles) == ["tin"]


def test_topics_declared_and_from_articles_merge_ignoring_case():
    config = SiteConfig(PROJECT, "T", "https://example.org/", localities=LOCALITIES,
                        topics=(TopicConfig("Kinh tế", "kinh-te", "Mô tả"),))
    site, _ = _build([_article("a.md", topic_names=("kinh tế", "Chuyển đổi số")),
                      _article("b.md", topic_names=("KINH TẾ", "Dân vận"))], config=config)

    assert [(t.slug, t.name, t.description, t.url, _slugs(site.articles_at(site.topic_articles[t.slug])))
            for t in site.topics] == [
        ("chuyen-doi-so", "Chuyển đổi số", "", "chu-de/chuyen-doi-so/", ["a"]),
        ("dan-van", "Dân vận", "", "chu-de/dan-van/", ["b"]),
        ("kinh-te", "Kinh tế", "Mô tả", "chu-de/kinh-te/", ["a", "b"]),
    ]
    assert [t.slug for t in site.articles[0].topics] == ["kinh-te", "chuyen-doi-so"]


def test_declared_topic_without_articles_is_kept():
    config = SiteConfig(PROJECT, "T", "https://example.org/", topics=(TopicConfig("Đô thị", "do-thi"),))

    site = _build([], config=config)[0]
    assert [(t.slug, site.topic_articles[t.slug]) for t in site.topics] == [("do-thi", ())]


def test_article_url_html_and_summary():
    site, problems = _build([_article("2024/tin.md", body="## Mở đầu\n\nĐoạn *đầu*.\n\nĐoạn hai.\n")])
    [article] = site.articles

    assert problems == []
    assert article.url == "bai-viet/tin/"
    assert article.body_html == '<h2 id="mo-dau">Mở đầu</h2>\n<p>Đoạn <em>đầu</em>.</p>\n<p>Đoạn hai.</p>'
    assert article.summary == "Đoạn đầu."


def test_summary_from_front_matter_wins():
    site, _ = _build([_article("tin.md", summary="Tóm tắt riêng.")])

    assert site.articles[0].summary == "Tóm tắt riêng."


def test_bundle_files_are_published_beside_the_article():
    site, problems = _build(
        [_article("2024/so-lieu/index.md", slug="so-lieu-6-thang",
                  body="![Biểu đồ](bieu-do.svg) ![Ảnh](anh/a.png)\n",
                  image=Image("bieu-do.svg", "Biểu đồ"))],
        static=("2024/so-lieu/bieu-do.svg", "2024/so-lieu/anh/a.png", "tai-lieu/bao-cao.pdf"))
    [article] = site.articles

    assert problems == []
    assert site.files == (
        Published("bai-viet/so-lieu-6-thang/anh/a.png", PROJECT / "content/2024/so-lieu/anh/a.png",
                  "content/2024/so-lieu/anh/a.png"),
        Published("bai-viet/so-lieu-6-thang/bieu-do.svg", PROJECT / "content/2024/so-lieu/bieu-do.svg",
                  "content/2024/so-lieu/bieu-do.svg"),
    )
    assert site.unpublished_files == ("tai-lieu/bao-cao.pdf",)  # no article links to it
    assert article.body_html == ('<p><img alt="Biểu đồ" src="/repo/bai-viet/so-lieu-6-thang/bieu-do.svg"> '
                                 '<img alt="Ảnh" src="/repo/bai-viet/so-lieu-6-thang/anh/a.png"></p>')
    assert article.image_url == "bai-viet/so-lieu-6-thang/bieu-do.svg"


def test_only_the_files_published_articles_use_or_static_dirs_hold_are_published():
    future = replace(_article("2024/sap-toi.md", body="![Ảnh](sap-toi.jpg)\n"),
                     date=BUILD_TIME + dt.timedelta(days=1))
    site, problems = _build(
        [_article("2024/tin.md", body="[Biên bản](bien-ban.pdf) ![Ảnh](../anh/a.svg)\n",
                  image=Image("/anh/dau.svg", "Ảnh đầu")),
         _article("2024/nhap.md", body="[Tài liệu](noi-bo.docx)\n", is_draft=True), future],
        static=("2024/bien-ban.pdf", "anh/a.svg", "anh/dau.svg", "2024/noi-bo.docx",
                "2024/sap-toi.jpg", "2024/bai-moi.md.txt", "static/logo.png",
                "static/tai-lieu/mau-don.pdf", "staticx/b.pdf"))

    assert problems == [
        "content/2024/nhap.md: info: a draft: left out of the site — delete the line "
        "`draft: true` to publish it",
        "content/2024/sap-toi.md: info: dated 28/11/2026 12:00, in the future: left out until "
        "then — the first build after that time publishes it"]
    assert [f.url for f in site.files] == ["2024/bien-ban.pdf", "anh/a.svg", "anh/dau.svg",
                                           "static/logo.png", "static/tai-lieu/mau-don.pdf"]
    # A draft's and a future article's files wait with them; a stray file is never published.
    assert site.unpublished_files == ("2024/bai-moi.md.txt", "2024/noi-bo.docx",
                                      "2024/sap-toi.jpg", "staticx/b.pdf")


def test_static_dirs_name_the_public_folders():
    config = replace(CONFIG, static_dirs=("tai-lieu",))
    site, _ = _build([_article("tin.md")], config=config,
                     static=("tai-lieu/a.pdf", "static/logo.png"))
    assert [f.url for f in site.files] == ["tai-lieu/a.pdf"]
    assert site.unpublished_files == ("static/logo.png",)

    everything = replace(CONFIG, static_dirs=("",))  # `static_dirs: [content/]`
    site, _ = _build([_article("tin.md")], config=everything,
                     static=("tai-lieu/a.pdf", "static/logo.png"))
    assert [f.url for f in site.files] == ["static/logo.png", "tai-lieu/a.pdf"]
    assert site.unpublished_files == ()


def test_link_to_another_articles_markdown_file_becomes_its_url():
    site, problems = _build([
        _article("2024/a.md", body="Xem [bài kia](../2023/b.md#so-lieu) và [gốc](/2023/b.md).\n"),
        _article("2023/b.md", slug="bai-b")])

    assert problems == []
    assert site.articles[0].body_html == ('<p>Xem <a href="/repo/bai-viet/bai-b/#so-lieu">bài kia</a> '
                                          'và <a href="/repo/bai-viet/bai-b/">gốc</a>.</p>')


def test_link_to_a_content_file_and_to_the_web():
    site, problems = _build([_article("a.md", body="[PDF](tai-lieu/b%C3%A1o%20c%C3%A1o.pdf) [web](https://e.org/)\n")],
                            static=("tai-lieu/báo cáo.pdf",))

    assert problems == []
    assert site.articles[0].body_html == (
        '<p><a href="/repo/tai-lieu/b%C3%A1o%20c%C3%A1o.pdf">PDF</a> <a href="https://e.org/">web</a></p>')


def test_link_to_a_missing_file_is_a_problem_on_its_line():
    site, problems = _build([_article("2024/a.md", body_line=6,
                                      body="Đoạn một.\n\nXem [bài kia](khong-co.md) và ![Ảnh](mat.png).\n")])

    assert problems == [
        "content/2024/a.md:8: file 'khong-co.md' not found (looked for content/2024/khong-co.md)"
        " — a path is read from the article's own folder; check the spelling, or start it with / to "
        "read from content/",
        "content/2024/a.md:8: image 'mat.png' not found (looked for content/2024/mat.png)"
        " — a path is read from the article's own folder; check the spelling, or start it with / to "
        "read from content/"]
    assert site.articles[0].body_html == '<p>Đoạn một.</p>\n<p>Xem <a href="#">bài kia</a> và <img alt="Ảnh" src="#">.</p>'


def test_link_problems_are_shown_in_vietnamese_with_their_codes():
    parents, _problems = check_localities(LOCALITIES, LocalityIndex(LOCALITIES))
    article = _article("2024/a.md", body_line=6, body="![](mat.png) [x](../../site.yaml)\n",
                       image=Image("mat.png"))
    _site, problems = build_site(CONFIG, parents, [article], Content((), ()),
                                 BuildOptions(BUILD_TIME))

    assert sorted((p.code, p.format("vi")) for p in problems) == [
        ("link-leaves-content", "content/2024/a.md:6: liên kết '../../site.yaml' trỏ ra ngoài "
         "content/ — chỉ các tệp trong content/ mới được xuất bản; hãy ghi đường dẫn từ thư mục "
         "của bài tới một tệp trong đó"),
        ("missing-alt", "content/2024/a.md: cảnh báo: 'image' chưa có mô tả ảnh ('alt') — hãy "
         "thêm `alt:` mô tả ảnh cho người đọc không nhìn thấy ảnh"),
        ("missing-alt", "content/2024/a.md:6: cảnh báo: ảnh 'mat.png' chưa có mô tả ảnh (alt) — "
         "hãy mô tả ảnh trong ngoặc vuông: ![ảnh chụp gì](tệp)"),
        ("missing-image", "content/2024/a.md: 'image.src': không tìm thấy tệp 'mat.png' — hãy "
         "đặt ảnh cạnh tệp bài và ghi tên tệp ảnh"),
        ("missing-image", "content/2024/a.md:6: không tìm thấy ảnh 'mat.png' (đã tìm "
         "content/2024/mat.png) — đường dẫn được tính từ thư mục của chính bài; hãy xem lại chính "
         "tả, hoặc bắt đầu bằng / để tính từ content/")]


def test_markdown_that_cannot_be_converted_is_a_problem_at_the_body():
    _, problems = _build([_article("a.md", body_line=6, body="- " * 500 + "x\n")])

    assert problems == ["content/a.md:6: the Markdown is nested too deeply (lists or quotes "
                        "inside each other) — simplify the Markdown of this article"]


def test_link_leaving_content_is_a_problem():
    _, problems = _build([_article("a.md", body_line=6, body="[x](../../site.yaml)\n")])

    assert problems == ["content/a.md:6: link '../../site.yaml' leaves content/ — only files "
                        "inside content/ are published; give the path from the article's folder "
                        "to a file there"]


@pytest.mark.parametrize("body", ["![ảnh](..\\..\\anh.png)\n", "[tệp](C:\\Users\\a.pdf)\n"])
def test_a_path_with_backslashes_is_a_problem(body):
    site, problems = _build([_article("a.md", body_line=6, body=body)])

    kind, target = ("image", "..\\..\\anh.png") if body.startswith("!") else ("link", "C:\\Users\\a.pdf")
    assert problems == [f"content/a.md:6: {kind} '{target}' uses backslashes — write the path "
                        "with forward slashes (/) from the article's folder, as in images/anh.jpg"]
    assert "\\" not in site.articles[0].body_html


def test_link_to_an_unpublished_article_is_a_warning():
    _, problems = _build([_article("a.md", body_line=6, body="[sắp đăng](nhap.md)\n"),
                          _article("nhap.md", is_draft=True)])

    assert problems == ["content/a.md:6: warning: link to 'nhap.md', an article that is not published (a draft, dated in the future, or with errors)",
                        "content/nhap.md: info: a draft: left out of the site — delete the line "
                        "`draft: true` to publish it"]


def test_image_without_alt_is_a_warning_on_its_line():
    site, problems = _build([_article("a.md", body_line=6, body="Đoạn.\n\n![](anh.png)\n")],
                            static=("anh.png",))

    assert problems == ["content/a.md:8: warning: image 'anh.png' has no alt text — "
                        "describe the image in the brackets: ![what it shows](file)"]
    assert site.articles[0].body_html == '<p>Đoạn.</p>\n<p><img alt="" src="/repo/anh.png"></p>'


def test_front_matter_image_without_alt_is_a_warning():
    _, problems = _build([_article("a.md", image=Image("anh.png"))], static=("anh.png",))

    assert problems == ["content/a.md: warning: 'image' has no 'alt' text — "
                        "add `alt:` describing the image for readers who cannot see it"]


def test_front_matter_image_not_found():
    site, problems = _build([_article("a.md", image=Image("mat.png", "Ảnh"))])

    assert problems == ["content/a.md: 'image.src': file 'mat.png' not found — "
                        "put the image beside the article and give its file name"]
    assert site.articles[0].image_url is None


def test_site_keeps_config_and_build_time():
    site, _ = _build([])

    assert (site.config, site.build_time, site.urls.base_path) == (CONFIG, BUILD_TIME, "/repo/")


@pytest.mark.parametrize("language, url", [("vi", "bai-viet/tin/"), ("en", "articles/tin/")])
def test_article_url_follows_the_language(language, url):
    config = SiteConfig(PROJECT, "T", "https://example.org/", language=language)

    assert _build([_article("tin.md")], config=config)[0].articles[0].url == url


def test_the_site_is_made_of_values_that_pickle():
    site, _ = _build([_article("a.md", locality_slugs=("khanh-thuong",)),
                      _article("b.md", locality_slugs=("hoan-kiem",))])

    copy = pickle.loads(pickle.dumps(site))

    assert copy.locality_articles == site.locality_articles
    assert copy.articles == site.articles
    assert [node.label for node in copy.tree()[0].children] == ["huyện Ba Vì", "quận Hoàn Kiếm"]

"""Stage 3: front matter → typed Article; every mistake a Problem on its line."""
from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bantin.config import LocalityConfig, SiteConfig
from bantin.content import split_source
from bantin.localities import LocalityIndex
from bantin.problems import Problem
from bantin.validate import Image, Source, is_local_path, parse_date, resolve_content_path, \
    validate_article, validate_articles

HANOI_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LOCALITIES = (
    LocalityConfig("Hà Nội", "ha-noi", "thành phố", ("Thủ đô",), "", "", 5),
    LocalityConfig("Ba Vì", "huyen-ba-vi", "huyện", (), "ha-noi", "", 8),
    LocalityConfig("Ba Vì", "xa-ba-vi", "xã", (), "huyen-ba-vi", "", 12),
    LocalityConfig("Khánh Thượng", "khanh-thuong", "xã", (), "huyen-ba-vi", "", 16),
    LocalityConfig("Hoàn Kiếm", "hoan-kiem", "quận", ("quận Hoàn Kiếm",), "ha-noi", "", 19),
)
CONFIG = SiteConfig(Path("/project"), "Bản tin", "https://example.org/", localities=LOCALITIES)
DATE_HINT = ("write the day first, as 28/11/2026 or 28/11/2026 09:00, or write it as 2026-11-28, "
             "2026-11-28 09:00 or 2026-11-28T09:00:00+07:00")


def _validate(front_matter: str, body: str = "Thân bài.\n", config: SiteConfig = CONFIG,
              rel_path: str = "2024/tin.md"):
    """Validate one article whose front matter starts on line 2 of the file."""
    problems = []
    text = "---\n" + textwrap.dedent(front_matter) + "---\n" + body
    source = split_source(text, rel_path, f"content/{rel_path}", problems)
    article, article_problems = validate_article(source, config, LocalityIndex(config.localities))
    problems = sorted(problems + article_problems, key=Problem.sort_key)
    return article, [p.format() for p in problems]


def _valid(front_matter: str, **kwargs):
    article, problems = _validate(front_matter, **kwargs)
    assert problems == []
    return article


def _problems(front_matter: str, **kwargs):
    _, problems = _validate(front_matter, **kwargs)
    return problems


def test_minimal_article():
    article = _valid("title: Xin chào Hà Nội\ndate: 2024-07-05\n")

    assert (article.source_path, article.rel_path, article.slug, article.title) == \
        ("content/2024/tin.md", "2024/tin.md", "xin-chao-ha-noi", "Xin chào Hà Nội")
    assert article.date == dt.datetime(2024, 7, 5, tzinfo=HANOI_TZ)
    assert not article.has_time
    assert (article.body, article.body_line) == ("Thân bài.\n", 5)
    assert (article.locality_slugs, article.topic_names, article.summary, article.author,
            article.source, article.image, article.is_draft, article.extra, article.updated) == \
        ((), (), "", "", None, None, False, {}, None)


def test_every_field():
    article = _valid("""\
        title: Tin
        date: 2024-07-05 09:30
        updated: 2024-07-06
        localities: [Khánh Thượng, hoan-kiem]
        topics: [Kinh tế, Chuyển đổi số]
        summary: Tóm tắt
        author: Ban biên tập
        source:
          name: Kinhtedothi
          url: https://kinhtedothi.vn/bai
          title: Lan tỏa
        image:
          src: anh.jpg
          alt: Ảnh
          credit: Bản tin
        draft: true
        slug: tin-rieng
        extra:
          video: abc
        """)

    assert (article.slug, article.has_time, article.updated, article.locality_slugs,
            article.topic_names, article.summary, article.author, article.source, article.image,
            article.is_draft, article.extra) == (
        "tin-rieng", True, dt.datetime(2024, 7, 6, tzinfo=HANOI_TZ), ("khanh-thuong", "hoan-kiem"),
        ("Kinh tế", "Chuyển đổi số"), "Tóm tắt", "Ban biên tập",
        Source("Kinhtedothi", "https://kinhtedothi.vn/bai", "Lan tỏa"), Image("anh.jpg", "Ảnh", "Bản tin", 14),
        True, {"video": "abc"})


@pytest.mark.parametrize("value, expected, has_time", [
    ("2024-07-05", dt.datetime(2024, 7, 5, tzinfo=HANOI_TZ), False),
    ("2024-07-05 09:30", dt.datetime(2024, 7, 5, 9, 30, tzinfo=HANOI_TZ), True),
    ("2024-07-05T09:30:00+07:00", dt.datetime(2024, 7, 5, 9, 30, tzinfo=HANOI_TZ), True),
    ("2024-07-05T02:30:00Z", dt.datetime(2024, 7, 5, 9, 30, tzinfo=HANOI_TZ), True),
    ('"2024-07-05"', dt.datetime(2024, 7, 5, tzinfo=HANOI_TZ), False),
    ('"2024-07-05 09:30"', dt.datetime(2024, 7, 5, 9, 30, tzinfo=HANOI_TZ), True),
    ("'2024-07-05T09:30:00+00:00'", dt.datetime(2024, 7, 5, 16, 30, tzinfo=HANOI_TZ), True),
    # Day first, as Vietnamese editors write dates, and ISO with a one-digit hour.
    ("28/11/2026", dt.datetime(2026, 11, 28, tzinfo=HANOI_TZ), False),
    ("28/11/2026 09:00", dt.datetime(2026, 11, 28, 9, 0, tzinfo=HANOI_TZ), True),
    ("'28/11/2026 9:05'", dt.datetime(2026, 11, 28, 9, 5, tzinfo=HANOI_TZ), True),
    ("5/7/2024", dt.datetime(2024, 7, 5, tzinfo=HANOI_TZ), False),
    ("05/07/2024 14:30:15", dt.datetime(2024, 7, 5, 14, 30, 15, tzinfo=HANOI_TZ), True),
    ("2026-11-28 9:00", dt.datetime(2026, 11, 28, 9, 0, tzinfo=HANOI_TZ), True),
    ("2026-11-28T9:00", dt.datetime(2026, 11, 28, 9, 0, tzinfo=HANOI_TZ), True),
    ("2026-11-28 9:00:00", dt.datetime(2026, 11, 28, 9, 0, tzinfo=HANOI_TZ), True),  # YAML's own
])
def test_date_forms(value, expected, has_time):
    article = _valid(f"title: Tin\ndate: {value}\n")

    assert article.date == expected
    assert article.date.utcoffset() == dt.timedelta(hours=7)
    assert article.has_time is has_time


def test_aware_date_is_shown_in_the_site_timezone():
    article = _valid("title: Tin\ndate: 2024-07-05T09:30:00+02:00\n")

    assert article.date.tzinfo == HANOI_TZ
    assert (article.date.hour, article.date.minute) == (14, 30)


def test_naive_date_is_read_in_the_site_timezone():
    london = SiteConfig(Path("/project"), "T", "https://example.org/", timezone="Europe/London")
    article = _valid("title: Tin\ndate: 2024-07-05 09:30\n", config=london)

    assert article.date == dt.datetime(2024, 7, 5, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    assert article.date.utcoffset() == dt.timedelta(hours=1)


@pytest.mark.parametrize("value, shown", [
    ("ngày 5 tháng 7", "'ngày 5 tháng 7'"),
    ("5/7/24", "'5/7/24'"),
    ("28-11-2026", "'28-11-2026'"),
    ("28/11/2026 9h", "'28/11/2026 9h'"),
    ("true", "True"),
    ("20240705", "20240705"),
    ("[2024, 7, 5]", "[2024, 7, 5]"),
])
def test_not_a_date(value, shown):
    assert _problems(f"title: Tin\ndate: {value}\n") == [
        f"content/2024/tin.md:3: 'date' is not a date: {shown} — {DATE_HINT}"]


@pytest.mark.parametrize("value, reason", [
    ("11/28/2026", "there is no month 28: the day comes first, so write 28/11/2026"),
    ("11/28/2026 09:00", "there is no month 28: the day comes first, so write 28/11/2026 09:00"),
    ("28/13/2026", "month must be in 1..12"),
    ("31/02/2026", "day is out of range for month"),
    ("28/11/2026 24:00", "hour must be in 0..23"),
    ("2026-11-28 9:60", "minute must be in 0..59"),
])
def test_a_day_first_date_that_does_not_exist_says_why(value, reason):
    assert _problems(f"title: Tin\ndate: {value}\nupdated: '{value}'\n") == [
        f"content/2024/tin.md:3: 'date' '{value}' is not a real date: {reason} — {DATE_HINT}",
        f"content/2024/tin.md:4: 'updated' '{value}' is not a real date: {reason} — {DATE_HINT}"]


def test_a_month_first_date_is_explained_in_vietnamese_too():
    source = split_source("---\ntitle: Tin\ndate: 11/28/2026\n---\n", "2024/tin.md",
                          "content/2024/tin.md", [])
    [problem] = validate_article(source, CONFIG, LocalityIndex(LOCALITIES))[1]

    assert problem.format("vi") == (
        "content/2024/tin.md:3: 'date' '11/28/2026' không phải một ngày có thật: không có tháng "
        "28: ngày ghi trước tháng, nên hãy viết 28/11/2026 — hãy ghi ngày trước tháng, như "
        "28/11/2026 hoặc 28/11/2026 09:00, hoặc viết dạng 2026-11-28, 2026-11-28 09:00 hay "
        "2026-11-28T09:00:00+07:00")


def test_impossible_date():
    assert _problems("title: Tin\ndate: 2024-02-30\n") == [
        "content/2024/tin.md:3: 'date': cannot read '2024-02-30': day is out of range for month"
        " — check that the day exists in that month, the time is between 00:00 and 23:59 and any "
        "offset between -12:00 and +14:00"]


def test_bad_updated_date():
    assert _problems("title: Tin\ndate: 2024-07-05\nupdated: sắp tới\n") == [
        f"content/2024/tin.md:4: 'updated' is not a date: 'sắp tới' — {DATE_HINT}"]


@pytest.mark.parametrize("value", ["9999-12-31T23:00:00-12:00", "'9999-12-31T23:00:00-12:00'",
                                   "0001-01-01T01:00:00+14:00"])
def test_date_carried_past_the_years_python_knows_is_a_problem(value):
    # In Hà Nội time the first is already year 10000: converting it overflowed with a traceback.
    problems = _problems(f"title: Tin\ndate: {value}\n")

    assert len(problems) == 1
    assert problems[0].startswith("content/2024/tin.md:3: 'date' ")
    assert problems[0].endswith(" falls outside the years 1 to 9999 in the site's timezone — check "
                                "the year")


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "9999-12-31 23:59"])
def test_the_first_and_last_days_python_knows_are_dates(value):
    assert _valid(f"title: Tin\ndate: {value}\n").date.year in (1, 9999)


def test_missing_title_and_date():
    assert _problems("summary: x\n") == [
        "content/2024/tin.md: missing required field 'date' — add a line `date: 2024-07-05`",
        "content/2024/tin.md: missing required field 'title' — add a line `title: …`"]


def test_title_of_the_wrong_type():
    assert _problems("title: [Tin]\ndate: 2024-07-05\n") == [
        "content/2024/tin.md:2: 'title' must be text, not a list "
        "— write it as text; put it in quotes if it looks like a list, a number or true/false"]


def test_unquoted_number_title_is_taken_as_written():
    assert _valid("title: 2024\ndate: 2024-07-05\n").title == "2024"


def test_single_locality():
    assert _valid("title: Tin\ndate: 2024-07-05\nlocality: Khánh Thượng\n").locality_slugs == \
        ("khanh-thuong",)


def test_same_locality_by_name_slug_and_alias_is_listed_once():
    article = _valid("title: Tin\ndate: 2024-07-05\n"
                     "localities: [Hoàn Kiếm, hoan-kiem, quận Hoàn Kiếm, hoan kiem, Hà Nội, Thủ đô]\n")

    assert article.locality_slugs == ("hoan-kiem", "ha-noi")


def test_locality_problems_point_at_their_list_item():
    assert _problems("title: Tin\ndate: 2024-07-05\nlocalities:\n  - Hà Nội\n  - Ba Vì\n"
                     "  - Khanh Thuong xa\n") == [
        "content/2024/tin.md:6: locality 'Ba Vì' is ambiguous: it could be 'huyện Ba Vì' "
        "(huyen-ba-vi) or 'xã Ba Vì' (xa-ba-vi) — write the slug or the kind with the name, "
        "e.g. 'huyện Ba Vì' or 'huyen-ba-vi'",
        "content/2024/tin.md:7: unknown locality 'Khanh Thuong xa' — "
        "did you mean 'xã Khánh Thượng' (khanh-thuong)?"]


def test_locality_and_localities_together():
    assert _problems("title: Tin\ndate: 2024-07-05\nlocality: ha-noi\nlocalities: [hoan-kiem]\n") == [
        "content/2024/tin.md:4: give either 'locality' or 'localities', not both — list every "
        "locality under `localities:` and remove `locality:`"]


def test_topics_are_merged_ignoring_case():
    article = _valid("title: Tin\ndate: 2024-07-05\ntopics: [Kinh tế, kinh tế, KINH TẾ, Dân vận]\n")

    assert article.topic_names == ("Kinh tế", "Dân vận")


def test_single_topic():
    assert _valid("title: Tin\ndate: 2024-07-05\ntopics: Kinh tế\n").topic_names == ("Kinh tế",)


def test_topic_without_any_slug_letters_is_a_problem_on_its_line():
    problems = _problems("title: Tin\ndate: 2024-07-05\ntopics: [Kinh tế, '🌾']\n")

    assert len(problems) == 1
    assert problems[0].startswith("content/2024/tin.md:4: ")
    assert "'🌾'" in problems[0]


def test_slug_from_title():
    assert _valid("title: 'Hà Nội: 10.665 cuộc giám sát'\ndate: 2024-07-05\n").slug == \
        "ha-noi-10-665-cuoc-giam-sat"


@pytest.mark.parametrize("slug, suggestion", [("Bad Slug", "bad-slug"), ("ha_noi", "ha-noi"),
                                              ("Hà-Nội", "ha-noi")])
def test_bad_slug(slug, suggestion):
    assert _problems(f"title: Tin\ndate: 2024-07-05\nslug: {slug}\n") == [
        f"content/2024/tin.md:4: slug {slug!r} is not a plain URL slug — use lower-case ASCII "
        f"letters, digits and hyphens, such as {suggestion!r}"]


def test_title_without_any_slug_letters():
    assert _problems("title: '!!!'\ndate: 2024-07-05\n") == [
        "content/2024/tin.md:2: cannot make a URL slug from the title '!!!' — "
        "add a `slug:` with lower-case ASCII letters, digits and hyphens"]


def test_slug_from_a_very_long_title_is_cut_at_a_word():
    # A folder name over 255 bytes cannot be written: the build failed naming a temporary folder.
    slug = _valid(f"title: {'Bản tin rất dài ' * 40}\ndate: 2024-07-05\n").slug

    assert slug == "ban-tin-rat-dai-" * 12 + "ban-tin"  # 199 characters, whole words


def test_given_slug_that_is_too_long():
    assert _problems(f"title: Tin\ndate: 2024-07-05\nslug: {'a' * 201}\n") == [
        "content/2024/tin.md:4: the slug is longer than 200 characters — give a shorter `slug:`, "
        f"such as {'a' * 200!r}"]


def test_undeclared_topic_whose_slug_windows_reserves_is_a_problem():
    assert _problems("title: Tin\ndate: 2024-07-05\ntopics: [Kinh tế, Con]\n") == [
        "content/2024/tin.md:4: topic 'Con' would get the URL slug 'con', a name Windows reserves "
        "for devices — declare it in site.yaml with a `slug:` of its own, or name it otherwise"]


def test_declared_topic_with_a_slug_of_its_own_may_have_a_reserved_name():
    from bantin.config import TopicConfig
    config = SiteConfig(Path("/project"), "T", "https://example.org/",
                        topics=(TopicConfig("Con", "con-cai"),))

    assert _valid("title: Tin\ndate: 2024-07-05\ntopics: [Con]\n", config=config).topic_names == \
        ("Con",)


def test_control_characters_written_as_yaml_escapes_reach_no_field():
    article = _valid(textwrap.dedent('''\
        title: "Tin\\x07 mới\\uFFFE"
        date: 2024-07-05
        summary: "Tóm\\x0b tắt"
        topics: ["Kinh\\x01 tế"]
        localities: ["Hoàn\\x02 Kiếm"]
        author: "Ban\\x1b biên tập"
        source: {name: "Báo\\x03", title: "Bài\\x04"}
        image: {src: a.png, alt: "Ảnh\\x05", credit: "Tác\\x06 giả"}
        '''))

    assert (article.title, article.summary, article.author) == ("Tin mới", "Tóm tắt", "Ban biên tập")
    assert article.topic_names == ("Kinh tế",)
    assert article.locality_slugs == ("hoan-kiem",)
    assert article.source == Source("Báo", "", "Bài")
    assert (article.image.alt, article.image.credit) == ("Ảnh", "Tác giả")


def test_source_as_a_name():
    article, problems = _validate("title: Tin\ndate: 2024-07-05\nsource: Kinhtedothi\n")

    assert problems == []
    assert article.source == Source("Kinhtedothi")


def test_source_mistakes():
    assert _problems("title: Tin\ndate: 2024-07-05\nsource:\n  name: K\n  url: javascript:alert(1)\n"
                     "  titel: x\n") == [
        "content/2024/tin.md:6: 'source.url' must be an http:// or https:// URL, not 'javascript:alert(1)' "
        "— write the full address, starting with https://",
        "content/2024/tin.md:7: unknown key 'source.titel' in 'source' — did you mean 'title'?"]


def test_image_as_a_file_name():
    assert _valid("title: Tin\ndate: 2024-07-05\nimage: anh.jpg\n").image == Image("anh.jpg", line=4)


@pytest.mark.parametrize("src", ["javascript:alert(1)", "//evil.example/a.png", "https:///a.png",
                                 "data:image/png;base64,AAAA", "..\\..\\a.png",
                                 "ftp://example.org/a.png", "https://example.org/a b.png"])
def test_image_src_must_be_a_content_file_or_an_https_url(src):
    article, problems = _validate(f"title: Tin\ndate: 2024-07-05\nimage:\n  src: '{src}'\n  alt: Ảnh\n")

    assert problems == [
        f"content/2024/tin.md:5: 'image.src' must be a file in content/ or an https:// URL, not "
        f"{src!r} — put the image beside the article and give its file name"]
    assert article is None


def test_an_http_image_src_is_an_error_that_says_https():
    assert _problems("title: Tin\ndate: 2024-07-05\nimage:\n  src: http://ubnd.example.vn/a.jpg\n") == [
        "content/2024/tin.md:5: 'image.src' must be a file in content/ or an https:// URL, not the "
        "http:// address 'http://ubnd.example.vn/a.jpg' — write https:// instead (browsers block "
        "http:// images on an https:// site), or put the image beside the article and give its "
        "file name"]


def test_image_src_may_be_an_https_url():
    article = _valid("title: Tin\ndate: 2024-07-05\nimage:\n  src: https://ubnd.example.vn/a.jpg\n"
                     "  alt: Ảnh\n  credit: UBND\n")

    assert article.image == Image("https://ubnd.example.vn/a.jpg", "Ảnh", "UBND", line=5)
    assert article.image.is_remote and not Image("a.jpg").is_remote


def test_image_of_the_wrong_type():
    assert _problems("title: Tin\ndate: 2024-07-05\nimage: [a.png]\n") == [
        "content/2024/tin.md:4: 'image' must be a mapping of keys to values, not a list "
        "— write its keys on the lines below it, each indented by two spaces"]


def test_unknown_key_with_did_you_mean():
    assert _problems("tittle: Tin\ntitle: Tin\ndate: 2024-07-05\n") == [
        "content/2024/tin.md:2: unknown key 'tittle' in front matter — did you mean 'title'?"]


def test_draft_must_be_true_or_false():
    assert _problems("title: Tin\ndate: 2024-07-05\ndraft: 'có'\n") == [
        "content/2024/tin.md:4: 'draft' must be true or false, not 'có' — write true or false"]


def test_every_problem_of_an_article_is_reported_at_once():
    assert _problems("title: Tin\ndate: 2024-07-05\nslug: Tin Mới\nauthor: {name: A}\n"
                     "image: javascript:x\nextra: 5\n") == [
        "content/2024/tin.md:4: slug 'Tin Mới' is not a plain URL slug — use lower-case ASCII "
        "letters, digits and hyphens, such as 'tin-moi'",
        "content/2024/tin.md:5: 'author' must be text, not a mapping "
        "— write it as text; put it in quotes if it looks like a list, a number or true/false",
        "content/2024/tin.md:6: 'image.src' must be a file in content/ or an https:// URL, not "
        "'javascript:x' — "
        "put the image beside the article and give its file name",
        "content/2024/tin.md:7: 'extra' must be a mapping of keys to values, not 5 "
        "— write its keys on the lines below it, each indented by two spaces"]


def test_article_with_an_error_is_dropped():
    article, problems = _validate("title: Tin\ndate: 2024-07-05\nslug: Tin Mới\n")

    assert problems == ["content/2024/tin.md:4: slug 'Tin Mới' is not a plain URL slug — use "
                        "lower-case ASCII letters, digits and hyphens, such as 'tin-moi'"]
    assert article is None


@pytest.mark.parametrize("line", ["summary: [a]", "image: javascript:alert(1)", "extra: 5",
                                  "source: {name: K, url: 'ftp://e.org/'}"])
def test_article_with_an_error_in_any_field_is_dropped(line):
    article, problems = _validate(f"title: Tin\ndate: 2024-07-05\n{line}\n")

    assert len(problems) == 1
    assert article is None


def test_control_characters_are_stripped_from_title_and_body():
    article = _valid('title: "Tin\\x07 mới"\ndate: 2024-07-05\n', body="Thân\x00 bài\n")

    assert (article.title, article.body) == ("Tin mới", "Thân bài\n")


def test_validate_articles_keeps_the_good_and_reports_the_bad():
    problems = []
    sources = [split_source("---\ntitle: A\ndate: 2024-07-05\n---\n", "a.md", "content/a.md", problems),
               split_source("---\ntitle: B\n---\n", "b.md", "content/b.md", problems)]

    articles, problems = validate_articles(sources, CONFIG, LocalityIndex(LOCALITIES))

    assert [a.slug for a in articles] == ["a"]
    assert [p.format() for p in problems] == [
        "content/b.md: missing required field 'date' — add a line `date: 2024-07-05`"]


def test_parse_date_refuses_other_types():
    assert parse_date(20240705, HANOI_TZ) is None
    assert parse_date("2024-13-01", HANOI_TZ) is None


@pytest.mark.parametrize("target, ok", [
    ("anh.png", True), ("../2023/anh.png", True), ("/2024/anh.png", True), ("thư mục/ảnh.png", True),
    ("", False), ("http://e.org/a.png", False), ("javascript:alert(1)", False),
    ("//e.org/a.png", False), ("a\\b.png", False), ("C:/a.png", False), ("a\x00.png", False),
])
def test_is_local_path(target, ok):
    assert is_local_path(target) is ok


@pytest.mark.parametrize("folder, target, rel", [
    ("2024", "anh.png", "2024/anh.png"),
    ("2024/so-lieu", "../anh.png", "2024/anh.png"),
    ("2024", "/img/a.png", "img/a.png"),
    ("", "a.md", "a.md"),
    ("2024", "../../a.png", None),
    ("", "../a.png", None),
    ("2024", "..", None),
])
def test_resolve_content_path(folder, target, rel):
    assert resolve_content_path(folder, target) == rel


def test_slug_reserved_by_windows():
    assert _problems("title: Con\ndate: 2024-07-05\n") == [
        "content/2024/tin.md:2: the slug 'con' is a name Windows reserves for devices — "
        "give another `slug:`, e.g. 'bai-con'"]

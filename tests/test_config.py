"""Stage 1: site.yaml → SiteConfig, with defaults, and every mistake reported on its line."""
from __future__ import annotations

import textwrap

import pytest

from bantin.config import (KNOWN_KINDS, HtmlPolicy, LocalityConfig, SiteConfig, TopicConfig,
                           load_config, read_config)
from bantin.problems import BuildError

from conftest import MINIMAL_SITE_YAML, write_files

BASIC = "title: Bản tin\nbase_url: https://example.org/\n"


def _load(tmp_path, site_yaml: str, **kwargs) -> SiteConfig:
    write_files(tmp_path, {"site.yaml": site_yaml})
    return load_config(tmp_path, **kwargs)


def _problems(tmp_path, site_yaml: str, **kwargs) -> list[str]:
    with pytest.raises(BuildError) as caught:
        _load(tmp_path, site_yaml, **kwargs)
    return [p.format() for p in caught.value.problems]


def test_defaults(tmp_path):
    config = _load(tmp_path, BASIC)

    assert config == SiteConfig(project_path=tmp_path, title="Bản tin", base_url="https://example.org/")
    assert (config.description, config.language, config.timezone, config.theme, config.output_dir,
            config.page_size, config.localities, config.topics, config.extra) == \
        ("", "vi", "Asia/Ho_Chi_Minh", "default", "_site", 10, (), (), {})
    assert config.base_path == "/"
    assert config.output_path == (tmp_path / "_site").resolve()
    assert str(config.tzinfo) == "Asia/Ho_Chi_Minh"


def test_every_key(tmp_path):
    config = _load(tmp_path, """\
        title: Bản tin Dân vận
        description: Tin ngắn
        base_url: https://user.github.io/repo
        language: en
        timezone: Europe/London
        theme: default
        output_dir: public
        page_size: 3
        extra:
          contact: ban@example.org
        """)

    assert (config.title, config.description, config.base_url, config.base_path, config.language,
            config.timezone, config.output_dir, config.page_size, config.extra) == \
        ("Bản tin Dân vận", "Tin ngắn", "https://user.github.io/repo/", "/repo/", "en",
         "Europe/London", "public", 3, {"contact": "ban@example.org"})


def test_site_yaml_not_found(tmp_path):
    with pytest.raises(BuildError) as caught:
        load_config(tmp_path)

    assert [p.format() for p in caught.value.problems] == [
        f"site.yaml: site.yaml not found — create it in {tmp_path} (see README.md)"]


def test_every_required_key_missing(tmp_path):
    assert _problems(tmp_path, "description: x\n") == [
        "site.yaml: missing required field 'base_url' — add a line `base_url: …`",
        "site.yaml: missing required field 'title' — add a line `title: …`"]


def test_empty_site_yaml(tmp_path):
    assert _problems(tmp_path, "") == [
        "site.yaml: missing required field 'base_url' — add a line `base_url: …`",
        "site.yaml: missing required field 'title' — add a line `title: …`",
        "site.yaml: site.yaml is empty — give at least `title:` and `base_url:`"]


def test_unknown_key_with_did_you_mean(tmp_path):
    assert _problems(tmp_path, "title: T\ntitel: T\nbase_url: https://example.org/\n") == [
        "site.yaml:2: unknown key 'titel' in site.yaml — did you mean 'title'?"]


def test_site_yaml_that_is_a_list(tmp_path):
    assert _problems(tmp_path, "- title: T\n") == [
        "site.yaml:1: site.yaml must be a mapping of keys to values, found a list — "
        "write one `key: value` per line"]


def test_site_yaml_not_utf8(tmp_path):
    write_files(tmp_path, {"site.yaml": "title: Hà Đông\n".encode("cp1258")})

    with pytest.raises(BuildError) as caught:
        load_config(tmp_path)

    assert [p.format() for p in caught.value.problems] == [
        "site.yaml:1: the file is not UTF-8 (byte 0xe0 cannot be read; it may be Windows-1258 or "
        "Latin-1) — save the file as UTF-8 (in most editors: Save As → Encoding → UTF-8)"]


@pytest.mark.parametrize("value", ["example.org", "ftp://example.org/", "https://"])
def test_bad_base_url(tmp_path, value):
    assert _problems(tmp_path, f"title: T\nbase_url: {value}\n") == [
        f"site.yaml:2: 'base_url' must be an http:// or https:// URL, not {value!r} — "
        "for example https://user.github.io/repo/"]


def test_bad_timezone(tmp_path):
    assert _problems(tmp_path, BASIC + "timezone: Asia/Hanoi\n") == [
        "site.yaml:3: unknown timezone 'Asia/Hanoi' — for example Asia/Ho_Chi_Minh"]


def test_bad_language(tmp_path):
    assert _problems(tmp_path, BASIC + "language: fr\n") == [
        "site.yaml:3: 'language' must be one of vi, en, not 'fr'"]


def test_page_size_zero(tmp_path):
    assert _problems(tmp_path, BASIC + "page_size: 0\n") == [
        "site.yaml:3: 'page_size' must be at least 1"]


def test_page_size_as_text(tmp_path):
    assert _problems(tmp_path, BASIC + "page_size: ten\n") == [
        "site.yaml:3: 'page_size' must be a whole number, not 'ten' — write a whole number, such as 10"]


def test_theme_must_be_a_folder_name(tmp_path):
    assert _problems(tmp_path, BASIC + "theme: ../elsewhere\n") == [
        "site.yaml:3: 'theme' must be the name of a folder in themes/, not '../elsewhere'"]


def test_extra_must_be_a_mapping(tmp_path):
    assert _problems(tmp_path, BASIC + "extra: [a]\n") == [
        "site.yaml:3: 'extra' must be a mapping of keys to values, not a list "
        "— write its keys on the lines below it, each indented by two spaces"]


def test_every_problem_is_reported_at_once(tmp_path):
    assert _problems(tmp_path, "title: T\ntitel: T\nbase_url: nope\nlanguage: fr\npage_size: 0\n") == [
        "site.yaml:2: unknown key 'titel' in site.yaml — did you mean 'title'?",
        "site.yaml:3: 'base_url' must be an http:// or https:// URL, not 'nope' — "
        "for example https://user.github.io/repo/",
        "site.yaml:4: 'language' must be one of vi, en, not 'fr'",
        "site.yaml:5: 'page_size' must be at least 1"]


def test_localities_with_slug_defaults_and_lines(tmp_path):
    config = _load(tmp_path, MINIMAL_SITE_YAML)

    assert config.localities == (
        LocalityConfig("Hà Nội", "ha-noi", "thành phố", (), "", "", 5),
        LocalityConfig("Ba Vì", "huyen-ba-vi", "huyện", (), "ha-noi", "", 8),
        LocalityConfig("Ba Vì", "xa-ba-vi", "xã", (), "huyen-ba-vi", "", 12),
        LocalityConfig("Khánh Thượng", "khanh-thuong", "xã", (), "huyen-ba-vi", "", 16),
        LocalityConfig("Hoàn Kiếm", "hoan-kiem", "quận", ("quận Hoàn Kiếm",), "ha-noi", "", 19),
    )


def test_locality_mistakes(tmp_path):
    assert _problems(tmp_path, BASIC + textwrap.dedent("""\
        localities:
          - name: Đông Anh
            slug: Dong Anh
          - Hà Nội
          - name: Sóc Sơn
            kindd: huyện
        """)) == [
        "site.yaml:5: locality 'Đông Anh': slug 'Dong Anh' is not a plain URL slug — use lower-case ASCII letters, "
        "digits and hyphens, such as 'dong-anh'",
        "site.yaml:6: 'localities' item 2 must be a mapping with at least `name:` — write it as "
        "`- name: …`, with `kind:`, `parent:` … on the lines below",
        "site.yaml:8: locality 'Sóc Sơn': unknown key 'kindd' — did you mean 'kind'?"]


def test_locality_without_a_name(tmp_path):
    assert _problems(tmp_path, BASIC + "localities:\n  - name: Hà Nội\n  - slug: x\n") == [
        "site.yaml:5: locality number 2: missing required field 'name' — add a line `name: …`"]


def test_locality_name_without_any_slug_letters(tmp_path):
    assert _problems(tmp_path, BASIC + "localities:\n  - name: '***'\n") == [
        "site.yaml:4: locality '***': cannot make a slug from '***' — give a `slug:`"]


def test_topics_as_names_or_mappings(tmp_path):
    config = _load(tmp_path, BASIC + "topics:\n  - Chuyển đổi số\n  - name: Dân vận khéo\n"
                                     "    description: Phong trào\n")

    assert config.topics == (TopicConfig("Chuyển đổi số", "chuyen-doi-so", "", 4),
                             TopicConfig("Dân vận khéo", "dan-van-kheo", "Phong trào", 5))


def test_base_url_override(tmp_path):
    config = _load(tmp_path, BASIC, base_url="https://user.github.io/repo")

    assert config.base_url == "https://user.github.io/repo/"
    assert config.base_path == "/repo/"


def test_bad_base_url_override(tmp_path):
    assert _problems(tmp_path, BASIC, base_url="user.github.io/repo") == [
        "error: --base-url must be an http:// or https:// URL, not 'user.github.io/repo'"]


def test_digest_feed_and_related_settings(tmp_path):
    config = _load(tmp_path, BASIC + "digest_period: monthly\nfeed_size: 5\nrelated_count: 0\n"
                                     "cname: Tin.Example.VN\n")

    assert (config.digest_period, config.feed_size, config.related_count, config.cname) == \
        ("monthly", 5, 0, "tin.example.vn")


def test_digest_feed_and_related_defaults(tmp_path):
    config = _load(tmp_path, BASIC)

    assert (config.digest_period, config.feed_size, config.related_count, config.cname) == \
        ("weekly", 20, 4, "")


def test_bad_digest_feed_related_and_cname_settings(tmp_path):
    assert _problems(tmp_path, BASIC + "digest_period: daily\nfeed_size: 0\nrelated_count: -1\n"
                                       "cname: https://tin.example.vn\n") == [
        "site.yaml:3: 'digest_period' must be weekly or monthly, not 'daily'",
        "site.yaml:4: 'feed_size' must be at least 1",
        "site.yaml:5: 'related_count' must be at least 0",
        "site.yaml:6: 'cname' must be a domain name such as tin.example.vn, not 'https://tin.example.vn'"]


def test_static_dirs(tmp_path):
    assert _load(tmp_path, BASIC).static_dirs == ("static",)  # content/static/
    assert _load(tmp_path, BASIC + "static_dirs:\n  - content/tai-lieu/\n  - content/anh/logo\n"
                 ).static_dirs == ("tai-lieu", "anh/logo")
    assert _load(tmp_path, BASIC + "static_dirs: content/\n").static_dirs == ("",)  # everything
    assert _load(tmp_path, BASIC + "static_dirs: []\n").static_dirs == ()


def test_static_dirs_must_lie_in_content(tmp_path):
    assert _problems(tmp_path, BASIC + "static_dirs:\n  - static\n  - content/../khac\n"
                                       "  - content\\anh\n") == [
        "site.yaml:4: 'static_dirs': 'static' is not a folder inside content/ — give the folder's "
        "path from the project, with forward slashes, such as 'content/static/'",
        "site.yaml:5: 'static_dirs': 'content/../khac' is not a folder inside content/ — give the "
        "folder's path from the project, with forward slashes, such as 'content/static/'",
        "site.yaml:6: 'static_dirs': 'content\\\\anh' is not a folder inside content/ — give the "
        "folder's path from the project, with forward slashes, such as 'content/static/'"]


def test_keep_image_location(tmp_path):
    assert _load(tmp_path, BASIC).keep_image_location is False
    assert _load(tmp_path, BASIC + "keep_image_location: true\n").keep_image_location is True
    assert _problems(tmp_path, BASIC + "keep_image_location: yes please\n") == [
        "site.yaml:3: 'keep_image_location' must be true or false, not 'yes please' — write "
        "true or false"]


def test_html_policy(tmp_path):
    config = _load(tmp_path, BASIC + "html:\n  allow_tags: [IFRAME]\n  allow_attributes:\n"
                                     "    iframe: [src, width]\n")

    assert config.html == HtmlPolicy(("iframe",), (("iframe", ("src", "width")),))


def test_html_policy_never_allows_scripts_or_event_handlers(tmp_path):
    assert _problems(tmp_path, BASIC + "html:\n  allow_tags: [iframe, script]\n  allow_attributes:\n"
                                       "    iframe: [src, onload]\n    p: [style]\n") == [
        "site.yaml:4: <script> can never be allowed in articles",
        "site.yaml:6: the attribute 'onload' can never be allowed in articles",
        "site.yaml:7: the attribute 'style' can never be allowed in articles"]


def test_locality_slug_reserved_by_windows(tmp_path):
    assert _problems(tmp_path, BASIC + "localities:\n  - name: Con\n  - name: X\n    slug: nul\n") == [
        "site.yaml:4: locality 'Con': the slug 'con' is a name Windows reserves for devices — "
        "give another `slug:`",
        "site.yaml:6: locality 'X': the slug 'nul' is a name Windows reserves for devices — give another `slug:`"]


def test_html_policy_never_allows_srcdoc_or_raw_text_elements(tmp_path):
    assert _problems(tmp_path, BASIC + "html:\n  allow_tags: [iframe, noscript, xmp]\n"
                                       "  allow_attributes:\n    iframe: [src, SRCDOC]\n") == [
        "site.yaml:4: <noscript> can never be allowed in articles",
        "site.yaml:4: <xmp> can never be allowed in articles",
        "site.yaml:6: the attribute 'SRCDOC' can never be allowed in articles"]


@pytest.mark.parametrize("key", ["title", "base_url"])
def test_required_text_that_is_empty_is_a_problem(tmp_path, key):
    site_yaml = BASIC.replace(f"{key}: ", f"{key}: ''  # ")

    [problem] = _problems(tmp_path, site_yaml)
    assert problem.startswith(f"site.yaml:{1 if key == 'title' else 2}: '{key}' is empty")


@pytest.mark.parametrize("kind, hint", [
    ("xa", "did you mean 'xã'?"), ("huyen", "did you mean 'huyện'?"),
    ("thi xa", "did you mean 'thị xã'?"), ("phuờng", "did you mean 'phường'?"),
])
def test_a_kind_without_its_diacritics_gets_a_did_you_mean(tmp_path, kind, hint):
    assert _problems(tmp_path, BASIC + f"localities:\n  - name: Khánh Thượng\n    kind: {kind}\n") \
        == [f"site.yaml:5: locality '{kind} Khánh Thượng': 'kind' '{kind}' is not a kind of "
            f"locality — {hint}"]


def test_a_kind_bantin_does_not_know_is_a_warning(tmp_path):
    write_files(tmp_path, {"site.yaml": BASIC + "localities:\n  - name: Đồng Xa\n    kind: cụm\n"})

    config, problems = read_config(tmp_path)

    assert config.localities[0].kind == "cụm"
    assert [p.format() for p in problems] == [
        "site.yaml:5: warning: locality 'cụm Đồng Xa': 'kind' 'cụm' is not a kind of locality "
        "Bản tin knows; it is shown as written — known kinds: " + ", ".join(KNOWN_KINDS)]


def test_known_kinds_in_either_case_are_fine(tmp_path):
    config = _load(tmp_path, BASIC + "localities:\n  - name: A\n    kind: Xã\n  - name: B\n"
                                     "    kind: ward\n")

    assert [l.kind for l in config.localities] == ["Xã", "ward"]


def test_problems_of_a_locality_name_it(tmp_path):
    assert _problems(tmp_path, BASIC + "localities:\n  - name: Sóc Sơn\n    kind: huyện\n"
                                       "    aliases: {a: 1}\n    description: [x]\n") == [
        "site.yaml:6: locality 'huyện Sóc Sơn': 'aliases' must be a list, not a mapping — write a "
        "list, such as [a, b], or one `- item` per line below it",
        "site.yaml:7: locality 'huyện Sóc Sơn': 'description' must be text, not a list — write it "
        "as text; put it in quotes if it looks like a list, a number or true/false"]

"""`new`: a draft article with complete front matter, its localities checked against site.yaml."""
from __future__ import annotations

import datetime as dt

import pytest

from bantin.cli import main
from bantin.pipeline import build_site
from bantin.problems import BuildError
from bantin.scaffold import new_article
from conftest import MINIMAL_SITE_YAML

NOW = dt.datetime(2026, 11, 27, 2, 30, 15, 123456, tzinfo=dt.timezone.utc)  # 09:30:15 in Hà Nội
SITE_WITH_TOPICS = MINIMAL_SITE_YAML + "topics:\n  - name: Chuyển đổi số\n  - name: Cải cách hành chính\n"


def run_new(capsys, project, *args: str) -> tuple[int, str, str]:
    code = main(["new", *args, "--project", str(project)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_writes_a_draft_with_complete_front_matter(make_project):
    project = make_project({"site.yaml": SITE_WITH_TOPICS})

    article = new_article(project, 'Hoàn Kiếm: thử "một cửa" #2', ["hoan kiem", "xã Ba Vì"],
                          ["chuyen doi so", "Môi trường"], now=NOW)

    assert article.shown_path == "content/2026/hoan-kiem-thu-mot-cua-2.md"
    assert article.problems == ()
    assert article.path.read_text(encoding="utf-8") == (
        "---\n"
        "title: 'Hoàn Kiếm: thử \"một cửa\" #2'\n"
        "date: 2026-11-27T09:30:15+07:00\n"
        "localities: [Hoàn Kiếm, xa-ba-vi]\n"
        "topics: [Chuyển đổi số, Môi trường]\n"
        "summary: ''\n"
        "author: ''\n"
        "draft: true\n"
        "# Không bắt buộc: bỏ dấu # ở đầu dòng để dùng.\n"
        "# source: {name: Tên báo, url: 'https://…', title: Tên bài gốc}\n"
        "# image: {src: anh.jpg, alt: Ảnh chụp gì, credit: Người chụp}\n"
        "---\n\n")


def test_the_new_article_builds_as_a_draft(make_project):
    project = make_project({"site.yaml": SITE_WITH_TOPICS})
    new_article(project, "Khánh Thượng nuôi ong", ["Khánh Thượng"], ["Cải cách hành chính"], now=NOW)

    hidden = build_site(project, write=False, build_time=NOW)
    shown = build_site(project, write=False, build_time=NOW, include_drafts=True)

    assert hidden.site.articles == () and hidden.site.excluded_count == 1
    [article] = shown.site.articles
    assert (article.title, article.slug, article.is_draft) == \
        ("Khánh Thượng nuôi ong", "khanh-thuong-nuoi-ong", True)
    assert article.date == NOW.replace(microsecond=0)
    assert article.locality_slugs == ("khanh-thuong",)
    assert [topic.name for topic in article.topics] == ["Cải cách hành chính"]


def test_cli_prints_the_path_and_exits_0(make_project, capsys):
    project = make_project()

    code, out, err = run_new(capsys, project, "Bài mới", "--locality", "Hoàn Kiếm")

    year = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).year
    assert (code, out, err) == (0, f"content/{year}/bai-moi.md\n", "")
    assert (project / "content" / str(year) / "bai-moi.md").is_file()


def test_a_mistyped_locality_gets_a_did_you_mean_and_nothing_is_written(make_project, capsys):
    project = make_project()

    code, out, err = run_new(capsys, project, "Bài mới", "--locality", "Hoàn Kiếm",
                             "--locality", "Khanh Thuongg")

    assert (code, out) == (1, "")
    assert err == ("error: --locality: unknown locality 'Khanh Thuongg' — did you mean "
                   "'xã Khánh Thượng' (khanh-thuong)?\n"
                   "Nothing was written.\n")
    assert not (project / "content").exists()


def test_a_bare_shared_name_is_ambiguous(make_project, capsys):
    project = make_project()

    code, _, err = run_new(capsys, project, "Ba Vì mùa lúa", "--locality", "Ba Vì")

    assert code == 1
    assert err.splitlines()[0] == (
        "error: --locality: locality 'Ba Vì' is ambiguous: it could be 'huyện Ba Vì' (huyen-ba-vi) or "
        "'xã Ba Vì' (xa-ba-vi) — write the slug or the kind with the name, e.g. 'huyện Ba Vì' or "
        "'huyen-ba-vi'")


def test_the_kind_with_a_shared_name_is_written_as_the_slug(make_project):
    project = make_project()

    article = new_article(project, "Ba Vì mùa lúa", ["huyện Ba Vì", "quận Hoàn Kiếm"], now=NOW)

    assert "localities: [huyen-ba-vi, Hoàn Kiếm]\n" in article.path.read_text(encoding="utf-8")


def test_an_existing_file_is_never_overwritten(make_project, capsys):
    project = make_project({"content/2026/bai-moi.md": "giữ nguyên\n"})

    with pytest.raises(BuildError) as error:
        new_article(project, "Bài mới", now=NOW)

    assert [p.format() for p in error.value.problems] == [
        "content/2026/bai-moi.md: this article already exists; nothing was changed — open it to "
        "edit it, or choose another title"]
    assert (project / "content/2026/bai-moi.md").read_text(encoding="utf-8") == "giữ nguyên\n"


def test_an_article_of_another_year_with_the_same_url_is_refused(make_project):
    project = make_project({"content/2024/cu.md": """\
        ---
        title: Bài mới
        date: 2024-07-01
        ---
        """})

    with pytest.raises(BuildError) as error:
        new_article(project, "Bài  mới", now=NOW)

    assert [p.format() for p in error.value.problems] == [
        "content/2024/cu.md: this article already has the URL slug 'bai-moi' — choose another "
        "title for the new article"]
    assert not (project / "content/2026").exists()


def test_an_empty_title_is_refused(make_project, capsys):
    code, _, err = run_new(capsys, make_project(), "   ")

    assert code == 1
    assert err == ('error: the title is empty — give it in quotes: python build.py new "Tiêu đề bài viết"\n'
                   "Nothing was written.\n")


def test_an_undeclared_topic_close_to_a_declared_one_is_a_warning(make_project, capsys):
    project = make_project({"site.yaml": SITE_WITH_TOPICS})

    code, out, err = run_new(capsys, project, "Bài mới", "--topic", "Cải cách hành chín")

    assert code == 0
    assert out.endswith("/bai-moi.md\n")
    assert err == ("warning: --topic: 'Cải cách hành chín' is not declared in site.yaml; it "
                   "becomes a new topic — did you mean 'Cải cách hành chính'?\n")


def test_the_date_is_in_the_site_timezone_and_english_sites_get_english_notes(make_project):
    site_yaml = MINIMAL_SITE_YAML.replace("page_size: 2\n",
                                          "page_size: 2\nlanguage: en\ntimezone: Europe/London\n")
    project = make_project({"site.yaml": site_yaml})

    text = new_article(project, "New reading room", now=NOW).path.read_text(encoding="utf-8")

    assert "date: 2026-11-27T02:30:15+00:00\n" in text
    assert "# Optional: remove the # at the start of a line to use it.\n" in text

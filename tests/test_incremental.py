"""Incremental builds: after any change, a build with a warm cache writes exactly the site a
cold build of the changed project writes, byte for byte, with one process or several."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

import bantin.parallel
from bantin.pipeline import CACHE_DIR, build_site
from bantin.problems import BuildError

from conftest import BUILD_TIME

ARTICLE = "content/2024/khanh-thuong-nuoi-ong.md"


def _build(project: Path, **options):
    return build_site(project, build_time=BUILD_TIME, **options)


def _tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def _cold(project: Path, tmp_path: Path, name: str, **options) -> dict[str, bytes]:
    """The output of a cold build of a copy of `project`: no cache, no previous output."""
    copy = tmp_path / name
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(CACHE_DIR, "_site"))
    _build(copy, **options)
    return _tree(copy / "_site")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_body(project):
    path = project / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nMột đoạn mới ở cuối bài.\n",
                    encoding="utf-8")


def _edit_title(project):
    _edit(project / ARTICLE, 'title: "', 'title: "Tin mới – ')


def _add_article(project):
    (project / "content/2024/tin-moi.md").write_text(
        "---\ntitle: Tin mới ở Khánh Thượng\ndate: 2024-07-20\nlocalities: [Khánh Thượng]\n"
        "topics: [Kinh tế]\n---\nMột bài mới.\n", encoding="utf-8")


def _delete_article(project):
    (project / "content/2024/hoan-kiem-chu-ky-so.md").unlink()


def _change_template(project):
    _edit(project / "themes/default/templates/base.html", "<main id=\"main\" class=\"wrap\">",
          "<main id=\"main\" class=\"wrap\" data-changed=\"1\">")


def _change_description(project):
    _edit(project / "site.yaml", "    kind: xã\n", "    kind: xã\n    description: Một xã đã đổi.\n")


def _rename_locality_slug(project):
    text = (project / "site.yaml").read_text(encoding="utf-8")
    (project / "site.yaml").write_text(text.replace("huyen-ba-vi", "ba-vi-cu"), encoding="utf-8")
    for path in (project / "content").rglob("*.md"):
        lines = path.read_text(encoding="utf-8").split("\n")
        lines = [line.replace("huyen-ba-vi", "ba-vi-cu") if line.startswith("localities:")
                 else line for line in lines]
        path.write_text("\n".join(lines), encoding="utf-8")


def _switch_language(project):
    text = (project / "site.yaml").read_text(encoding="utf-8")
    (project / "site.yaml").write_text(text + "language: en\n", encoding="utf-8")


def _add_private_file(project):
    (project / "content/2024/bien-ban-hop-noi-bo.docx").write_bytes(b"PK\x03\x04 internal")


def _link_a_file(project):
    (project / "content/2024/bao-cao.pdf").write_bytes(b"%PDF-1.4 report")
    path = project / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\n[Báo cáo](bao-cao.pdf)\n",
                    encoding="utf-8")


def _make_bundle_a_draft(project):
    _edit(project / "content/2024/ha-noi-so-lieu-6-thang/index.md", "author:", "draft: true\nauthor:")


def _nothing(project):
    pass


CHANGES = [_nothing, _edit_body, _edit_title, _add_article, _delete_article, _change_template,
           _change_description, _rename_locality_slug, _switch_language, _add_private_file,
           _link_a_file, _make_bundle_a_draft]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_incremental_build_equals_a_cold_build(example_project, tmp_path, change):
    _build(example_project)
    change(example_project)

    result = _build(example_project)

    assert _tree(example_project / "_site") == _cold(example_project, tmp_path, "cold")
    if change is _nothing:  # seen at once: nothing is even loaded
        assert result.files_written == 0 and result.site is None
        assert result.timings.counts["pages_rendered"] == 0


def test_only_what_changed_is_rendered_and_written(example_project):
    _build(example_project)
    site = example_project / "_site"
    before = {rel: (site / rel).stat().st_mtime_ns for rel in _tree(site)}
    _edit_body(example_project)

    result = _build(example_project)

    counts = result.timings.counts
    assert counts["markdown_converted"] == 1
    assert 0 < counts["pages_rendered"] < counts["pages_reused"]
    changed = {rel for rel in _tree(site) if (site / rel).stat().st_mtime_ns != before.get(rel)}
    assert "bai-viet/nuoi-ong-lay-mat-o-khanh-thuong/index.html" in changed or \
        any(rel.startswith("bai-viet/") for rel in changed)
    assert "assets/css/site.css" not in changed
    assert len(changed) == result.files_written < len(before) // 2


@pytest.mark.parametrize("change", [_nothing, _edit_body, _add_article, _change_template])
def test_several_processes_give_the_same_bytes(example_project, tmp_path, monkeypatch, change):
    monkeypatch.setattr(bantin.parallel, "MIN_ITEMS_PER_JOB", 1)
    _build(example_project, jobs=2)
    change(example_project)
    _build(example_project, jobs=2)

    assert _tree(example_project / "_site") == _cold(example_project, tmp_path, "one", jobs=1)


def test_a_fresh_clone_with_a_restored_cache_writes_the_whole_site(example_project, tmp_path):
    _build(example_project)
    clone = tmp_path / "clone"
    shutil.copytree(example_project, clone, ignore=shutil.ignore_patterns("_site"))
    for path in clone.rglob("*"):  # a clone's files are all new
        os.utime(path, None)
    _edit_body(clone)

    result = _build(clone)

    assert result.timings.counts["pages_rendered"] < result.timings.counts["pages_reused"]
    assert _tree(clone / "_site") == _cold(clone, tmp_path, "cold")


def _truncate(cache: Path):
    data = (cache / "cache.sqlite").read_bytes()
    (cache / "cache.sqlite").write_bytes(data[:len(data) // 3])


def _garbage(cache: Path):
    (cache / "cache.sqlite").write_bytes(b"not a database at all" * 100)


def _damage_values(cache: Path):
    with sqlite3.connect(cache / "cache.sqlite") as db:
        rows = db.execute("SELECT ns, key, value FROM entries").fetchall()
        for ns, key, value in rows:  # one bit flipped in the middle of every value
            middle = len(value) // 2
            damaged = value[:middle] + bytes([value[middle] ^ 1]) + value[middle + 1:]
            db.execute("UPDATE entries SET value = ? WHERE ns = ? AND key = ?", (damaged, ns, key))


def _other_version(cache: Path):
    with sqlite3.connect(cache / "cache.sqlite") as db:
        db.execute("UPDATE meta SET value = '0/0.0.0/Python-2.7' WHERE name = 'stamp'")


def _damage_pages(cache: Path):
    for path in (cache / "pages").rglob("*"):
        if path.is_file():
            path.unlink()
            path.write_bytes(b"<p>damaged</p>")


CORRUPTIONS = [_truncate, _garbage, _damage_values, _other_version, _damage_pages]


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=[c.__name__.strip("_") for c in CORRUPTIONS])
def test_a_damaged_cache_is_set_aside_and_the_build_stays_right(example_project, tmp_path,
                                                                 corrupt):
    _build(example_project)
    shutil.rmtree(example_project / "_site")  # so that kept pages would be needed
    corrupt(example_project / CACHE_DIR / "build")
    _edit_body(example_project)

    result = _build(example_project)

    assert _tree(example_project / "_site") == _cold(example_project, tmp_path, "cold")
    if corrupt is not _damage_pages:
        assert len(result.notices) == 1 and "build cache" in result.notices[0]
    again = _build(example_project)  # the cache was made anew: the next build is warm
    assert again.notices == () and again.timings.counts["pages_rendered"] == 0


def test_deleting_the_cache_is_safe(example_project, tmp_path):
    _build(example_project)
    shutil.rmtree(example_project / CACHE_DIR)
    _edit_title(example_project)

    _build(example_project)

    assert _tree(example_project / "_site") == _cold(example_project, tmp_path, "cold")


def test_a_build_killed_after_its_journal_is_finished_by_the_next(example_project, tmp_path,
                                                                  monkeypatch):
    import bantin.output

    _build(example_project)
    _edit_title(example_project)
    monkeypatch.setattr(bantin.output, "_apply_journal", lambda output, journal: None)
    _build(example_project)  # stops as if killed once its journal was committed
    monkeypatch.undo()
    assert list(example_project.glob("._site.journal-*"))

    _build(example_project)

    assert not list(example_project.glob("._site.*"))
    assert _tree(example_project / "_site") == _cold(example_project, tmp_path, "cold")


def test_a_build_that_cannot_write_says_why_and_keeps_the_output(example_project, monkeypatch):
    import bantin.output

    _build(example_project)
    site = example_project / "_site"
    (site / "index.html").write_text("<p>sửa tay</p>", encoding="utf-8")
    before = _tree(site)
    shutil.rmtree(example_project / CACHE_DIR / "build" / "pages")
    # As if the output was seen unchanged, then changed by someone else before it was written.
    monkeypatch.setattr(bantin.output.OutputState, "holds", lambda self, url, digest: True)

    with pytest.raises(BuildError) as raised:
        _build(example_project)

    [problem] = raised.value.problems
    assert problem.code == "cannot-write"
    assert problem.format() == (f"{site}: cannot write the site: the output changed while this "
                                "build ran (home); build again — the previous output was left "
                                "as it was")
    assert problem.format("vi") == (f"{site}: không ghi được trang: thư mục kết quả đã thay đổi "
                                    "trong lúc đang dựng trang (home); hãy dựng lại — trang đã "
                                    "dựng trước đó vẫn giữ nguyên")
    assert _tree(site) == before


def test_an_article_coming_due_is_published_without_an_edit(example_project, tmp_path):
    later = BUILD_TIME + dt.timedelta(hours=2)
    (example_project / "content/2024/sap-toi.md").write_text(
        f"---\ntitle: Tin hẹn giờ\ndate: {(BUILD_TIME + dt.timedelta(hours=1)).isoformat()}\n"
        "localities: [Khánh Thượng]\n---\nĐăng sau.\n", encoding="utf-8")
    first = _build(example_project)
    assert first.excluded_count == 1
    assert _build(example_project).site is None  # not due yet: nothing to do

    result = build_site(example_project, build_time=later)

    assert result.excluded_count == 0
    copy = tmp_path / "cold"
    shutil.copytree(example_project, copy, ignore=shutil.ignore_patterns(CACHE_DIR, "_site"))
    build_site(copy, build_time=later)
    assert _tree(example_project / "_site") == _tree(copy / "_site")


@pytest.mark.parametrize("tamper", ["edit", "delete", "add"])
def test_an_output_changed_by_hand_is_put_right(example_project, tmp_path, tamper):
    _build(example_project)
    site = example_project / "_site"
    if tamper == "edit":
        (site / "index.html").write_text("<p>sửa tay</p>", encoding="utf-8")
    elif tamper == "delete":
        (site / "assets/css/site.css").unlink()
    else:
        (site / "ghi-chu.txt").write_text("thừa", encoding="utf-8")

    result = _build(example_project)

    assert result.files_written == (0 if tamper == "add" else 1)
    assert _tree(site) == _cold(example_project, tmp_path, "cold")


@pytest.mark.parametrize("override", [
    # A list page that shows each article's whole body …
    ("templates/articles.html", '{% extends "default/articles.html" %}{% block content %}'
     '{{ super() }}{% for a in paginator.items %}{{ a.body_html|safe }}{% endfor %}{% endblock %}'),
    # … and a card that quotes the body: every list showing it depends on the body then.
    ("templates/_card.html", '<li>{{ article.title }}: {{ article.text[:80] }}</li>\n'),
])
def test_a_template_that_shows_bodies_in_lists_follows_body_edits(example_project, tmp_path,
                                                                 override):
    name, text = override
    (example_project / name).parent.mkdir(exist_ok=True)
    (example_project / name).write_text(text, encoding="utf-8")
    _build(example_project)
    _edit(example_project / ARTICLE, "\n\n", "\n\nĐoạn mở đầu mới của bài.\n\n")

    _build(example_project)

    assert _tree(example_project / "_site") == _cold(example_project, tmp_path, "cold")


def test_a_body_edit_renders_only_what_shows_the_body(example_project):
    _build(example_project)
    path = example_project / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nMột câu ở cuối bài.\n",
                    encoding="utf-8")

    counts = _build(example_project).timings.counts

    # The article's page and the feeds carrying it; its cards in lists, unchanged, are kept.
    assert counts["markdown_converted"] == 1
    assert 1 < counts["pages_rendered"] <= 8

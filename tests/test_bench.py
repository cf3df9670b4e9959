"""The benchmark's instrument: bench/corpus.py's generator and bench/benchmark.py's edits.

No timing here, and neither Pelican nor Hugo is needed: their trees are checked as files.
"""
from __future__ import annotations

import collections
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))  # bench/ is a folder of scripts, not a package
import benchmark  # noqa: E402
import corpus  # noqa: E402

ARTICLES = 12


def generate(out_path: Path, articles: int = ARTICLES) -> Path:
    subprocess.run([sys.executable, str(REPO / "bench" / "corpus.py"), "--articles", str(articles),
                    "--out", str(out_path)], check=True, capture_output=True, timeout=60)
    return out_path


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("corpus") / "site")


def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    head, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(head), body


def test_the_same_count_gives_byte_identical_files(generated, tmp_path):
    again = generate(tmp_path / "again")
    first, second = tree(generated), tree(again)
    assert list(first) == list(second)
    assert first == second
    assert sum(name.startswith("bantin/content/") for name in first) == ARTICLES


def test_the_corpus_is_a_newsroom_s():
    made = corpus.make_corpus(400)
    localities = made.localities
    assert len(localities) >= 30
    assert sum(l.parent_slug is None for l in localities) == 1
    assert {l.kind for l in localities} >= {"thành phố", "quận", "huyện", "phường", "xã"}
    assert {"Hoàn Kiếm", "Ba Vì", "Bắc Từ Liêm", "Hà Đông", "Hoàng Mai", "Đông Anh"} <= \
        {l.name for l in localities}
    assert len(made.topics) == 15
    assert {a.date.year for a in made.articles} == {2022, 2023, 2024}
    assert all(corpus.MIN_WORDS <= corpus.count_words(a.body) <= corpus.MAX_WORDS
               for a in made.articles)
    titles = collections.Counter(a.title for a in made.articles)
    assert titles["Thông báo lịch cắt điện tuần tới"] >= 2
    assert len({a.slug for a in made.articles}) == len(made.articles)
    bodies = "\n".join(a.body for a in made.articles)
    for mark in ("\n## ", "\n- ", "\n|---|", "\n> “", "**", "](<<ref:", "](https://"):
        assert mark in bodies, mark


def test_the_bantin_tree_builds(generated, tmp_path):
    project = tmp_path / "bantin"
    shutil.copytree(generated / "bantin", project)
    shutil.copytree(REPO / "themes", project / "themes")
    result = subprocess.run([sys.executable, "build.py", "--project", str(project)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    for path in sorted((project / "content").rglob("*.md")):
        data, _ = front_matter(path)
        assert (project / "_site" / "bai-viet" / data["slug"] / "index.html").is_file()


def test_the_bantin_tree_links_articles_by_file(generated):
    content = generated / "bantin" / "content"
    links = 0
    for path in content.rglob("*.md"):
        for target in re.findall(r"\]\((\.\./\d{4}/[^)]+\.md)\)", path.read_text(encoding="utf-8")):
            assert (path.parent / target).resolve().is_file(), (path, target)
            links += 1
    assert links >= ARTICLES - 1


def test_the_hugo_tree_is_well_formed(generated):
    root = generated / "hugo"
    config = tomllib.loads((root / "hugo.toml").read_text(encoding="utf-8"))
    assert config["taxonomies"] == {"locality": "localities", "topic": "topics"}
    assert config["paginate"] == 10
    for name in ("baseof", "single", "list", "taxonomy", "term"):
        assert (root / "layouts" / "_default" / f"{name}.html").is_file()
    articles = sorted((root / "content" / "bai-viet").rglob("*.md"))
    articles = [p for p in articles if p.name != "_index.md"]
    assert len(articles) == ARTICLES
    for path in articles:
        data, body = front_matter(path)
        assert {"title", "date", "slug", "localities", "topics"} <= set(data)
        assert "ha-noi" in data["localities"]  # every locality page lists what lies below it
        for taxonomy in ("localities", "topics"):
            for term in data[taxonomy]:
                term_data, _ = front_matter(root / "content" / taxonomy / term / "_index.md")
                assert term_data["title"] and term_data["description"]
        for target in re.findall(r"\]\((\.\./\d{4}/[^)]+\.md)\)", body):
            assert (path.parent / target).resolve().is_file()


def test_the_pelican_tree_is_well_formed(generated):
    root = generated / "pelican"
    settings: dict = {}
    exec(compile((root / "pelicanconf.py").read_text(encoding="utf-8"), "pelicanconf.py", "exec"),
         settings)
    assert settings["DEFAULT_PAGINATION"] == 10
    assert settings["CACHE_CONTENT"] and settings["LOAD_CONTENT_CACHE"]
    articles = sorted((root / "content").rglob("*.md"))
    assert len(articles) == ARTICLES
    for path in articles:
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        metadata = dict(line.split(": ", 1) for line in head.splitlines())
        assert set(metadata) == {"Title", "Date", "Slug", "Category", "Tags", "Authors", "Summary"}
        tags = metadata["Tags"].split(", ")
        assert "thành phố Hà Nội" in tags
        assert all(tag in settings["TAG_DESCRIPTIONS"] for tag in tags)
        for target in re.findall(r"\]\(\{filename\}([^)]+\.md)\)", body):
            assert (path.parent / target).resolve().is_file()


@pytest.mark.parametrize("fmt", sorted(corpus.FORMAT_CLASSES))
@pytest.mark.parametrize("scenario", ["body", "title", "add", "locality"])
def test_every_run_of_an_edit_scenario_changes_the_sources_and_undo_restores_them(
        generated, tmp_path, fmt, scenario):
    root = tmp_path / fmt
    shutil.copytree(generated / fmt, root)
    tool = benchmark.Tool(fmt, fmt, root, "out", (), lambda project: [])
    made = corpus.make_corpus(ARTICLES)
    before = tree(root)
    edits = benchmark.Edits()
    seen = [before]
    for number in range(3):
        assert benchmark.SCENARIOS[scenario].apply(tool, made, number, edits, tmp_path) == root
        seen.append(tree(root))
        assert seen[-1] != seen[-2]  # each run is a fresh edit, not the previous one again
    assert edits.undo()
    assert tree(root) == before


def test_a_fresh_copy_has_new_times_the_earlier_cache_and_one_edit(generated, tmp_path):
    root = tmp_path / "bantin"
    shutil.copytree(generated / "bantin", root)
    (root / ".cache").mkdir()
    (root / ".cache" / "entry").write_text("kept", encoding="utf-8")
    (root / "_site").mkdir()
    tool = benchmark.Tool("bantin", "Bản tin", root, "_site", (".cache",), lambda project: [])
    copy = benchmark.SCENARIOS["fresh"].apply(tool, corpus.make_corpus(ARTICLES), 5,
                                              benchmark.Edits(), tmp_path / "scratch")
    assert copy != root and not (copy / "_site").exists()
    assert (copy / ".cache" / "entry").read_text(encoding="utf-8") == "kept"
    original, copied = tree(root), tree(copy)
    changed = [name for name in original if copied.get(name) != original[name]]
    assert len(changed) == 1 and changed[0].startswith("content/")
    newest_original = max(p.stat().st_mtime for p in (root / "content").rglob("*.md"))
    assert min(p.stat().st_mtime for p in (copy / "content").rglob("*.md")) >= newest_original


def test_against_exports_the_engine_and_theme_of_a_revision(tmp_path):
    short, engine_path = benchmark.export_revision("HEAD", tmp_path)
    assert engine_path == tmp_path / f"engine-{short}"
    assert (engine_path / "build.py").read_bytes() == (REPO / "build.py").read_bytes()
    assert (engine_path / "bantin" / "pipeline.py").is_file()
    assert (engine_path / "themes" / "default" / "templates" / "article.html").is_file()
    assert not (engine_path / "content").exists()

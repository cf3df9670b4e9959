"""The command line: arguments in, problems on stderr, a summary on stdout, an exit code out."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bantin import __version__
from bantin.cli import main

ARTICLE = "---\ntitle: {title}\ndate: 2024-07-0{day}\nlocality: Khánh Thượng\n{extra}---\nThân bài.\n"
OPTIONS = ("--project", "--base-url", "--drafts", "--future", "--output", "--force", "--version", "--help")


def _article(title, day, extra=""):
    return ARTICLE.format(title=title, day=day, extra=extra)


@pytest.fixture
def project(make_project):
    return make_project({"content/mot.md": _article("Tin một", 1), "content/hai.md": _article("Tin hai", 2)})


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_succeeds_with_a_summary_line(project, capsys):
    assert main(["--project", str(project)]) == 0

    out, err = capsys.readouterr()
    match = re.fullmatch(r"Built 2 articles into (\d+) pages \((\d+) files\) in _site/ in \d+\.\d\d s\.\n", out)
    assert match, out
    assert int(match[2]) == len(_files(project / "_site"))
    assert err == ""
    assert (project / "_site" / "bai-viet" / "tin-mot" / "index.html").is_file()


def test_build_command_may_be_named(project, capsys):
    assert main(["build", "--project", str(project)]) == 0
    assert capsys.readouterr().out.startswith("Built 2 articles into ")


def test_summary_for_one_article_is_singular(make_project, capsys):
    project = make_project({"content/mot.md": _article("Tin một", 1)})

    assert main(["--project", str(project)]) == 0
    assert capsys.readouterr().out.startswith("Built 1 article into ")


def test_drafts_are_left_out_and_counted_unless_asked_for(make_project, capsys):
    project = make_project({"content/mot.md": _article("Tin một", 1),
                            "content/nhap.md": _article("Nháp", 2, "draft: true\n")})

    assert main(["--project", str(project)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Built 1 article")
    assert re.search(r" s, 1 drafts? or future articles? left out\.\n$", out), out
    assert not (project / "_site" / "bai-viet" / "nhap").exists()

    assert main(["--project", str(project), "--drafts"]) == 0
    assert capsys.readouterr().out.startswith("Built 2 articles into ")
    assert (project / "_site" / "bai-viet" / "nhap" / "index.html").is_file()


def test_base_url_option(project, capsys):
    assert main(["--project", str(project), "--base-url", "https://tin.example.vn"]) == 0

    html = (project / "_site" / "bai-viet" / "tin-mot" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://tin.example.vn/bai-viet/tin-mot/">' in html


def test_bad_project_fails_with_problems_on_stderr_and_writes_nothing(make_project, capsys):
    project = make_project({"site.yaml": "titel: T\nbase_url: https://example.org/\n",
                            "content/mot.md": _article("Tin một", 1)})

    assert main(["--project", str(project)]) == 1

    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [  # site.yaml's mistakes do not hide the articles'
        "content/mot.md:4: unknown locality 'Khánh Thượng' — declare it under `localities:` in site.yaml",
        "site.yaml: missing required field 'title' — add a line `title: …`",
        "site.yaml:1: unknown key 'titel' in site.yaml — did you mean 'title'?",
        "Build failed: 3 errors; nothing was written."]
    assert not (project / "_site").exists()


def test_every_problem_of_every_file_is_printed(make_project, capsys):
    project = make_project({"content/a.md": "---\ntitle: A\n---\n",
                            "content/b.md": _article("B", 1, "locality: Ba Vì\n").replace(
                                "locality: Khánh Thượng\n", ""),
                            "content/c.md": _article("C", 1)})

    assert main(["--project", str(project)]) == 1

    assert capsys.readouterr().err.splitlines() == [
        "content/a.md: missing required field 'date' — add a line `date: 2024-07-05`",
        "content/b.md:4: locality 'Ba Vì' is ambiguous: it could be 'huyện Ba Vì' (huyen-ba-vi) or "
        "'xã Ba Vì' (xa-ba-vi) — write the slug or the kind with the name, e.g. 'huyện Ba Vì' or "
        "'huyen-ba-vi'",
        "Build failed: 2 errors; nothing was written."]


def test_failed_build_leaves_the_previous_output_as_it_was(project, capsys):
    assert main(["--project", str(project)]) == 0
    before = _files(project / "_site")
    (project / "content" / "hai.md").write_text("---\ntitle: Hai\ndate: ngày 2\n---\n", encoding="utf-8")

    assert main(["--project", str(project)]) == 1

    assert _files(project / "_site") == before
    assert capsys.readouterr().err.endswith("Build failed: 1 error; nothing was written.\n")


def test_missing_project(tmp_path, capsys):
    assert main(["--project", str(tmp_path / "nowhere")]) == 1

    assert capsys.readouterr().err.splitlines() == [
        f"site.yaml: site.yaml not found — create it in {tmp_path / 'nowhere'} (see README.md)",
        "Build failed: 1 error; nothing was written."]


def test_output_outside_the_project_needs_force(project, tmp_path, capsys):
    output = tmp_path / "public"

    assert main(["--project", str(project), "--output", str(output)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"error: output folder '{output}' lies outside the project — add --force to write there anyway")
    assert not output.exists()

    assert main(["--project", str(project), "--output", str(output), "--force"]) == 0
    assert (output / "index.html").is_file()


def test_help_mentions_every_option(capsys):
    assert main(["--help"]) == 0

    out = capsys.readouterr().out
    assert [option for option in OPTIONS if option not in out] == []


def test_build_help_mentions_every_build_option(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["build", "--help"])

    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert [o for o in ("--project", "--base-url", "--drafts", "--future", "--output", "--force")
            if o not in out] == []


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out == f"Bản tin {__version__}\n"


def test_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--projct", "x"])

    assert exited.value.code == 2
    assert "unrecognized arguments: --projct" in capsys.readouterr().err

"""The command line: arguments in, problems on stderr, a summary on stdout, an exit code out."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bantin import __version__
from bantin.cli import main
from bantin.problems import Problem
from conftest import MINIMAL_SITE_YAML

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
    assert re.search(r" s, 1 draft left out\.\n$", out), out
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


# --- in the editor's language -----------------------------------------------------------------

BAD_ARTICLE = "---\ntitle: Tin\ndate: 2024-07-01\nlocality: Ba Vì\ntittle: x\n---\n"


@pytest.fixture
def vietnamese(monkeypatch):
    """No BANTIN_LANG: the site's language (vi) speaks, whatever the system's says."""
    monkeypatch.delenv("BANTIN_LANG")
    monkeypatch.setenv("LANG", "en_US.UTF-8")


def test_a_failed_build_speaks_the_sites_language(make_project, capsys, vietnamese):
    project = make_project({"content/a.md": BAD_ARTICLE})

    assert main(["--project", str(project)]) == 1
    assert capsys.readouterr().err == (
        "content/a.md:4: địa phương 'Ba Vì' chưa rõ là nơi nào: có thể là 'huyện Ba Vì' "
        "(huyen-ba-vi) hay 'xã Ba Vì' (xa-ba-vi) — hãy ghi mã (slug) hoặc ghi loại kèm tên, "
        "ví dụ 'huyện Ba Vì' hoặc 'huyen-ba-vi'\n"
        "content/a.md:5: thông tin bài không có trường 'tittle' — có phải ý bạn là 'title'?\n"
        "Dựng trang không thành công: 2 lỗi; chưa ghi gì cả.\n")


def test_a_build_speaks_the_sites_language(project, capsys, vietnamese):
    assert main(["--project", str(project)]) == 0

    out = capsys.readouterr().out
    assert re.fullmatch(r"Đã dựng 2 bài thành \d+ trang \(\d+ tệp\) trong _site/ mất \d+,\d\d "
                        r"giây\.\n", out), out


def test_lang_and_bantin_lang_choose_another_language(make_project, capsys, monkeypatch):
    project = make_project({"content/a.md": BAD_ARTICLE, "site.yaml": MINIMAL_SITE_YAML})

    assert main(["--project", str(project), "--lang", "vi"]) == 1
    assert capsys.readouterr().err.endswith("Dựng trang không thành công: 2 lỗi; chưa ghi gì cả.\n")
    monkeypatch.setenv("BANTIN_LANG", "vi")
    assert main(["--project", str(project), "--lang", "en"]) == 1
    assert capsys.readouterr().err.endswith("Build failed: 2 errors; nothing was written.\n")


def test_check_speaks_the_sites_language_and_json_stays_english(make_project, capsys, vietnamese):
    project = make_project({"content/a.md": BAD_ARTICLE})

    assert main(["check", "--project", str(project)]) == 1
    out = capsys.readouterr().out
    assert "  5: lỗi: thông tin bài không có trường 'tittle'\n     gợi ý: có phải ý bạn là 'title'?\n" in out
    assert out.endswith("Kiểm tra không đạt: 2 lỗi, 0 cảnh báo, 0 thông tin. Hãy sửa các lỗi rồi "
                        "kiểm tra lại.\n")
    assert main(["check", "--project", str(project), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert findings[1] == {"path": "content/a.md", "line": 5, "severity": "error",
                           "code": "unknown-key", "message": "unknown key 'tittle' in front matter",
                           "hint": "did you mean 'title'?"}


def test_check_as_markdown_for_the_summary_page(make_project, capsys, vietnamese):
    project = make_project({"content/a.md": BAD_ARTICLE.replace("tittle: x\n", "")})

    assert main(["check", "--project", str(project), "--format", "markdown",
                 "--source-url", "https://github.com/u/r/blob/abc/"]) == 1
    assert capsys.readouterr().out == (
        "## ❌ Kiểm tra không đạt: 1 lỗi, 0 cảnh báo, 0 thông tin. Hãy sửa các lỗi rồi kiểm tra "
        "lại.\n"
        "\n"
        "### [content/a.md](https://github.com/u/r/blob/abc/content/a.md)\n"
        "\n"
        "- **lỗi**, [dòng 4](https://github.com/u/r/blob/abc/content/a.md#L4): địa phương 'Ba Vì' "
        "chưa rõ là nơi nào: có thể là 'huyện Ba Vì' (huyen-ba-vi) hay 'xã Ba Vì' (xa-ba-vi)  \n"
        "  *gợi ý:* hãy ghi mã (slug) hoặc ghi loại kèm tên, ví dụ 'huyện Ba Vì' hoặc "
        "'huyen-ba-vi'\n")


def test_markdown_shows_markup_in_messages_as_text():
    from bantin.check import Report, format_markdown

    report = Report((Problem("content/[x].md", None, "<b>*bold*</b> | `x`"),))

    assert format_markdown(report).splitlines()[2:] == [
        "### content/\\[x\\].md", "", "- **error**, &lt;b&gt;\\*bold\\*&lt;/b&gt; \\| \\`x\\`"]


def test_help_speaks_the_sites_language(make_project, capsys, vietnamese, monkeypatch):
    monkeypatch.chdir(make_project())

    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cách dùng: build.py [-h] [--version] COMMAND ...\n\nBản tin dựng một "
                          "trang tin tĩnh")
    assert "\ncác lệnh:\n" in out and "in phần hướng dẫn này rồi thoát" in out
    assert "    build     dựng trang vào thư mục kết quả (mặc định)\n" in out


def test_a_mistake_in_the_arguments_speaks_the_sites_language(make_project, capsys, vietnamese):
    project = str(make_project())

    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--project", project, "--port", "abc"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.endswith(
        "build.py serve: lỗi: tham số --port: 'abc' không phải một số nguyên\n")
    with pytest.raises(SystemExit):
        main(["new", "--project", project])
    assert capsys.readouterr().err.endswith("build.py new: lỗi: còn thiếu: title\n")


def test_help_outside_a_project_follows_the_system(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BANTIN_LANG")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.chdir(tmp_path)

    assert main(["--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: build.py")

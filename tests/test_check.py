"""`check`: every finding of a build that writes nothing, grouped per file, as text or JSON."""
from __future__ import annotations

import io
import json
import re

from bantin.check import Report, check_site, format_text, wants_colour
from bantin.cli import main
from bantin.pipeline import build_site
from bantin.problems import ERROR, INFO, Problem
from conftest import BUILD_TIME, MINIMAL_SITE_YAML

GOOD_ARTICLE = """\
    ---
    title: Khánh Thượng nuôi ong
    date: 2024-07-01
    localities: [Khánh Thượng]
    ---

    Nuôi ong lấy mật.
    """


def run_check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_example_site_passes_and_nothing_is_written(example_project, capsys):
    result = build_site(example_project, write=False)

    code, out, err = run_check(capsys, "--project", str(example_project))

    assert code == 0
    assert out.endswith(f"Check passed: 0 errors, 0 warnings, 0 info; {len(result.site.articles)} "
                        f"articles, {len(result.pages)} pages.\n")
    assert err == ""
    assert not (example_project / "_site").exists()


def test_errors_of_every_file_are_grouped_per_file_with_hints(make_project, capsys):
    project = make_project({
        "content/a.md": """\
            ---
            title: Một
            date: 2024-07-01
            localities: [Ba Vì]
            tittle: x
            ---
            """,
        "content/b.md": """\
            ---
            title: Hai
            date: 2024-07-02
            locality: Hoan Kiem x
            ---
            """,
    })

    code, out, _ = run_check(capsys, "--project", str(project))

    assert code == 1
    assert out == (
        "content/a.md\n"
        "  4: error: locality 'Ba Vì' is ambiguous: it could be 'huyện Ba Vì' (huyen-ba-vi) or "
        "'xã Ba Vì' (xa-ba-vi)\n"
        "     hint: write the slug or the kind with the name, e.g. 'huyện Ba Vì' or 'huyen-ba-vi'\n"
        "  5: error: unknown key 'tittle' in front matter\n"
        "     hint: did you mean 'title'?\n"
        "\n"
        "content/b.md\n"
        "  4: error: unknown locality 'Hoan Kiem x'\n"
        "     hint: did you mean 'quận Hoàn Kiếm' (hoan-kiem)?\n"
        "\n"
        "Check failed: 3 errors, 0 warnings, 0 info. Fix the errors, then check again.\n")


def test_warnings_and_unused_localities_do_not_fail_the_check(make_project, capsys):
    project = make_project({
        "content/a.md": """\
            ---
            title: Một
            date: 2024-07-01
            localities: [Khánh Thượng]
            ---

            ![](a.svg)
            """,
        "content/a.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>\n',
    })
    result = build_site(project, write=False)

    code, out, _ = run_check(capsys, "--project", str(project))

    assert code == 0
    assert out == (
        "content/a.md\n"
        "  7: warning: image 'a.svg' has no alt text\n"
        "     hint: describe the image in the brackets: ![what it shows](file)\n"
        "\n"
        "site.yaml\n"
        "  12: info: locality 'xã Ba Vì' (xa-ba-vi) has no articles\n"
        "      hint: its page stays empty until an article names it\n"
        "  19: info: locality 'quận Hoàn Kiếm' (hoan-kiem) has no articles\n"
        "      hint: its page stays empty until an article names it\n"
        "\n"
        f"Check passed: 0 errors, 1 warning, 2 info; 1 articles, {len(result.pages)} pages.\n")


def test_a_locality_is_used_when_an_article_below_it_is(make_project):
    # huyện Ba Vì and Hà Nội have no article of their own, but xã Khánh Thượng lies below them.
    project = make_project({"content/a.md": GOOD_ARTICLE})

    report = check_site(project, build_time=BUILD_TIME)

    assert [f.format() for f in report.findings] == [
        "site.yaml:12: info: locality 'xã Ba Vì' (xa-ba-vi) has no articles — its page stays "
        "empty until an article names it",
        "site.yaml:19: info: locality 'quận Hoàn Kiếm' (hoan-kiem) has no articles — its page "
        "stays empty until an article names it"]


def test_declared_topics_without_articles_are_information(make_project):
    site_yaml = MINIMAL_SITE_YAML + "topics:\n  - name: Nuôi ong\n  - name: Giao thông\n"
    project = make_project({"site.yaml": site_yaml, "content/a.md": GOOD_ARTICLE.replace(
        "localities: [Khánh Thượng]", "localities: [Khánh Thượng, xa-ba-vi, Hoàn Kiếm]\n"
                                      "    topics: [Nuôi ong]")})

    report = check_site(project, build_time=BUILD_TIME)

    assert [f.format() for f in report.findings] == [
        "site.yaml:25: info: topic 'Giao thông' (giao-thong) has no articles — its page stays "
        "empty until an article names it"]


def test_drafts_are_checked_only_when_asked_for(make_project, capsys):
    project = make_project({"content/a.md": GOOD_ARTICLE, "content/draft.md": """\
        ---
        title: Nháp
        date: 2024-07-02
        localities: [Hoàn Kiếm, xa-ba-vi]
        draft: true
        ---

        [Thiếu](thieu.md)
        """})

    assert run_check(capsys, "--project", str(project))[0] == 0
    code, out, _ = run_check(capsys, "--project", str(project), "--drafts")

    assert code == 1
    assert out.startswith("content/draft.md\n"
                          "  8: error: file 'thieu.md' not found (looked for content/thieu.md)\n")


def test_json_gives_the_same_findings_and_a_summary(make_project, capsys):
    project = make_project({"content/a.md": GOOD_ARTICLE.replace("Khánh Thượng]", "Khanh Thuong x]")})

    code, out, _ = run_check(capsys, "--project", str(project), "--format", "json")

    assert code == 1
    assert json.loads(out) == {
        "findings": [{"path": "content/a.md", "line": 4, "severity": "error",
                      "code": "unknown-locality", "message": "unknown locality 'Khanh Thuong x'",
                      "hint": "did you mean 'xã Khánh Thượng' (khanh-thuong)?"}],
        "summary": {"ok": False, "errors": 1, "warnings": 0, "info": 0, "files": 1,
                    "articles": None, "pages": None}}


def test_json_of_a_passing_site(make_project, capsys):
    project = make_project({"content/a.md": GOOD_ARTICLE.replace(
        "[Khánh Thượng]", "[Khánh Thượng, xa-ba-vi, Hoàn Kiếm]")})
    pages = len(build_site(project, write=False).pages)

    code, out, _ = run_check(capsys, "--project", str(project), "--format", "json")

    assert code == 0
    assert json.loads(out) == {"findings": [], "summary": {
        "ok": True, "errors": 0, "warnings": 0, "info": 0, "files": 0, "articles": 1,
        "pages": pages}}


def test_a_missing_project_is_an_error(tmp_path, capsys):
    code, out, _ = run_check(capsys, "--project", str(tmp_path))

    assert code == 1
    assert out.startswith(f"site.yaml\n  error: site.yaml not found\n"
                          f"  hint: create it in {tmp_path} (see README.md)\n")


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert wants_colour(_Terminal())
    assert not wants_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(_Terminal())


def test_on_windows_colour_only_in_terminals_that_show_it():
    assert not wants_colour(_Terminal(), "win32", {})  # the old console prints the codes
    assert wants_colour(_Terminal(), "win32", {"WT_SESSION": "1"})  # Windows Terminal
    assert wants_colour(_Terminal(), "win32", {"TERM_PROGRAM": "vscode"})
    assert not wants_colour(_Terminal(), "win32", {"WT_SESSION": "1", "NO_COLOR": "1"})
    assert wants_colour(_Terminal(), "darwin", {})


def test_coloured_text_marks_severity_and_path():
    report = Report((Problem("content/a.md", 2, "bad", "fix it", ERROR),
                     Problem("site.yaml", None, "unused", "", INFO)))

    text = format_text(report, colour=True)

    assert "\033[1mcontent/a.md\033[0m" in text
    assert "\033[1;31merror:\033[0m bad" in text
    assert "\033[36minfo:\033[0m unused" in text
    assert re.sub(r"\033\[[\d;]*m", "", text) == format_text(report)


def test_one_run_lists_every_problem_of_every_file(make_project, capsys):
    # A front-matter error used to hide the body's own broken link; now the whole site is
    # checked at once, and what check knows besides comes with the errors.
    project = make_project({
        "content/a.md": """\
            ---
            title: Một
            date: 2024-07-01
            localities: [Khanh Thuong x]
            ---
            [Thiếu](thieu.md)
            """,
        "content/b.md": """\
            ---
            title: Hai
            date: 2024-07-02
            localities: [Khánh Thượng]
            ---
            [Cũng thiếu](khong-co.pdf)
            """,
        "content/c.md": """\
            ---
            title: Ba
            date: 2024-07-03
            localities: [Khánh Thượng]
            image: {src: https://ubnd.example.vn/a.jpg, alt: Ảnh}
            ---
            ![Ảnh](mat.png)
            """,
        "content/d.md": """\
            ---
            title: Bốn
            date: 2024-07-04
            draft: true
            ---
            """,
        "content/noi-bo.docx": "internal",
    })

    code, out, _ = run_check(capsys, "--project", str(project))

    assert code == 1
    assert out == (
        "content\n"
        "  info: 1 file is not published, as no published article links to it or shows it: "
        "noi-bo.docx\n"
        "  hint: to publish a file, link to it from an article, or put it in a folder listed "
        "under `static_dirs:` in site.yaml (content/static/ by default)\n"
        "\n"
        "content/a.md\n"
        "  4: error: unknown locality 'Khanh Thuong x'\n"
        "     hint: did you mean 'xã Khánh Thượng' (khanh-thuong)?\n"
        "  6: error: file 'thieu.md' not found (looked for content/thieu.md)\n"
        "     hint: a path is read from the article's own folder; check the spelling, or start it "
        "with / to read from content/\n"
        "\n"
        "content/b.md\n"
        "  6: error: file 'khong-co.pdf' not found (looked for content/khong-co.pdf)\n"
        "     hint: a path is read from the article's own folder; check the spelling, or start it "
        "with / to read from content/\n"
        "\n"
        "content/c.md\n"
        "     info: 1 image is shown from ubnd.example.vn (in content/c.md): it is not resized, "
        "and readers' browsers fetch it from there\n"
        "     hint: to have them resized and served with the site, download them into content/ "
        "and give their file names\n"
        "  7: error: image 'mat.png' not found (looked for content/mat.png)\n"
        "     hint: a path is read from the article's own folder; check the spelling, or start it "
        "with / to read from content/\n"
        "\n"
        "content/d.md\n"
        "  info: a draft: left out of the site\n"
        "  hint: delete the line `draft: true` to publish it\n"
        "\n"
        "Check failed: 4 errors, 0 warnings, 3 info. Fix the errors, then check again.\n")
    assert main(["build", "--project", str(project)]) == 1  # and the build still fails
    assert not (project / "_site").exists()

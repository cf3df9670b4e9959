"""Problems: the compiler-style lines users read, their order, and the did-you-mean hints."""
from __future__ import annotations

from pathlib import Path

from bantin.messages import _
from bantin.problems import INFO, WARNING, BuildError, Problem, did_you_mean, display_path, has_errors


def test_format_with_path_line_message_and_hint():
    problem = Problem("content/2024/ba-vi.md", 4, "unknown locality 'Ba Vi xa'",
                      "did you mean 'xã Ba Vì' or 'huyện Ba Vì'?")

    assert problem.format() == ("content/2024/ba-vi.md:4: unknown locality 'Ba Vi xa' — "
                                "did you mean 'xã Ba Vì' or 'huyện Ba Vì'?")


def test_format_without_line_or_hint():
    assert Problem("site.yaml", None, "site.yaml not found").format() == "site.yaml: site.yaml not found"


def test_problem_without_a_file_is_marked_as_an_error():
    assert Problem("", None, "--base-url must be an http:// or https:// URL").format() == \
        "error: --base-url must be an http:// or https:// URL"


def test_warning_is_marked_and_is_not_an_error():
    problem = Problem("content/a.md", 7, "image 'a.png' has no alt text", severity=WARNING)

    assert problem.format() == "content/a.md:7: warning: image 'a.png' has no alt text"
    assert not problem.is_error
    assert not has_errors([problem])
    assert has_errors([problem, Problem("content/a.md", 1, "bad")])


def test_information_is_marked_and_is_not_an_error():
    problem = Problem("site.yaml", 30, "locality 'quận Hà Đông' (ha-dong) has no articles",
                      "its page stays empty until an article names it", INFO)

    assert problem.format() == ("site.yaml:30: info: locality 'quận Hà Đông' (ha-dong) has no "
                                "articles — its page stays empty until an article names it")
    assert not problem.is_error
    assert not has_errors([problem])


def test_a_page_named_instead_of_a_file_is_named_in_the_readers_language():
    problem = Problem(_("{origin}, page {number}", origin=_("article list"), number=2), None,
                      _("template '{name}' not found", name="articles.html"))

    assert problem.format() == "article list, page 2: template 'articles.html' not found"
    assert problem.format("vi") == ("danh sách bài, trang 2: không tìm thấy mẫu trang (template) "
                                    "'articles.html'")


def test_build_error_sorts_by_path_then_line_even_with_missing_lines():
    problems = [Problem("site.yaml", 9, "b"), Problem("content/b.md", None, "x"),
                Problem("content/a.md", 12, "z"), Problem("content/a.md", 3, "y")]

    error = BuildError(problems)

    assert [p.format() for p in error.problems] == [
        "content/a.md:3: y", "content/a.md:12: z", "content/b.md: x", "site.yaml:9: b"]


def test_did_you_mean_lists_close_choices_quoted():
    assert did_you_mean("titel", ["title", "date", "slug"]) == "did you mean 'title'?"
    assert did_you_mean("zzz", ["title", "date"]) == ""


def test_display_path_is_project_relative_with_forward_slashes(tmp_path):
    assert display_path(tmp_path / "content" / "2024" / "a.md", tmp_path) == "content/2024/a.md"
    outside = Path("/elsewhere/a.md")
    assert display_path(outside, tmp_path) == str(outside)

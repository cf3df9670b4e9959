"""Stage 2: finding article files under content/ and splitting front matter from body."""
from __future__ import annotations

import datetime as dt
import os
import unicodedata

import pytest

from bantin.content import read_content, split_source
from bantin.problems import Problem

from conftest import write_files

ARTICLE = "---\ntitle: Tin\ndate: 2024-07-05\n---\n\nThân bài.\n"


def _split(text: str, rel_path: str = "2024/a.md"):
    problems = []
    source = split_source(text, rel_path, f"content/{rel_path}", problems)
    return source, [p.format() for p in problems]


def _read(tmp_path, files):
    write_files(tmp_path, files)
    content, problems = read_content(tmp_path)
    return content, [p.format() for p in problems]


def test_front_matter_and_body_are_split():
    source, problems = _split("---\ntitle: Tin\ndate: 2024-07-05\n---\n\nThân bài.\n")

    assert problems == []
    assert source.front_matter.data == {"title": "Tin", "date": dt.date(2024, 7, 5)}
    assert source.front_matter.line("date") == 3
    assert source.body == "\nThân bài.\n"
    assert source.body_line == 5
    assert (source.rel_path, source.shown_path) == ("2024/a.md", "content/2024/a.md")


def test_body_line_is_the_file_line_of_the_first_body_line():
    text = "---\ntitle: Tin\ndate: 2024-07-05\nsummary: x\n---\nDòng sáu\nDòng bảy\n"
    source, _ = _split(text)

    assert text.split("\n")[source.body_line - 1] == "Dòng sáu"


def test_front_matter_may_end_with_three_dots():
    source, problems = _split("---\ntitle: Tin\n...\nThân bài.")

    assert (source.front_matter.data, source.body, problems) == ({"title": "Tin"}, "Thân bài.", [])


def test_yaml_problems_point_at_the_file_line():
    source, problems = _split("---\ntitle: Tin\ntitle: Tin 2\n---\n")

    assert problems == ["content/2024/a.md:3: warning: duplicate key 'title' in front matter — "
                        "YAML keeps only the last one; remove the other"]
    assert source is not None


def test_no_front_matter():
    assert _split("# Tin\n\nThân bài.\n") == (None, [
        "content/2024/a.md:1: the file has no front matter — "
        "start it with a `---` line, then `title:` and `date:`, then `---`"])


def test_toml_front_matter_is_refused():
    assert _split('+++\ntitle = "Tin"\n+++\n') == (None, [
        "content/2024/a.md:1: TOML front matter (+++) is not supported — "
        "write the front matter in YAML between two `---` lines"])


def test_unclosed_front_matter():
    assert _split("---\ntitle: Tin\ndate: 2024-07-05\n\nThân bài.\n") == (None, [
        "content/2024/a.md:1: the front matter is never closed — end it with a line holding only `---`"])


@pytest.mark.parametrize("text", ["", "\n", "  \n\n"])
def test_empty_file(text):
    assert _split(text) == (None, [
        "content/2024/a.md: the file is empty — "
        "an article starts with front matter between two `---` lines"])


def test_front_matter_that_is_not_a_mapping():
    assert _split("---\n- Tin\n---\n") == (None, [
        "content/2024/a.md:2: front matter must be a mapping of keys to values, found a list — "
        "write one `key: value` per line"])


def test_read_content_finds_articles_and_static_files(tmp_path):
    content, problems = _read(tmp_path, {
        "content/2024/b.md": ARTICLE,
        "content/2024/a.markdown": ARTICLE,
        "content/a.md": ARTICLE,
        "content/2024/anh.png": b"png",
        "content/tai-lieu/bao-cao.pdf": b"pdf",
    })

    assert problems == []
    assert sorted(s.rel_path for s in content.sources) == ["2024/a.markdown", "2024/b.md", "a.md"]
    assert [s.shown_path for s in content.sources if s.rel_path == "2024/b.md"] == ["content/2024/b.md"]
    assert sorted(f.rel_path for f in content.static_files) == ["2024/anh.png", "tai-lieu/bao-cao.pdf"]
    assert {f.rel_path: f.source_path for f in content.static_files}["2024/anh.png"] == \
        tmp_path / "content" / "2024" / "anh.png"


def test_read_content_order_is_stable(tmp_path):
    files = {f"content/{name}.md": ARTICLE for name in ("c", "a", "b")}

    first, _ = _read(tmp_path, files)
    second, _ = read_content(tmp_path)

    assert [s.rel_path for s in first.sources] == [s.rel_path for s in second.sources] == \
        ["a.md", "b.md", "c.md"]


def test_junk_files_are_ignored(tmp_path):
    content, problems = _read(tmp_path, {
        "content/a.md": ARTICLE,
        "content/.DS_Store": b"\0\0\0\1Bud1",
        "content/x.md~": "junk",
        "content/.x.md.swp": b"\0junk",
        "content/#x.md#": "junk",
        "content/Thumbs.db": b"\0",
        "content/.hidden/b.md": "junk",
    })

    assert problems == []
    assert [s.rel_path for s in content.sources] == ["a.md"]
    assert content.static_files == ()


def test_word_lock_files_are_ignored(tmp_path):
    content, problems = _read(tmp_path, {"content/a.md": ARTICLE, "content/~$a.md": b"\xff\xfe\0"})

    assert problems == []
    assert [s.rel_path for s in content.sources] == ["a.md"]


def test_every_bad_file_is_reported(tmp_path):
    content, problems = _read(tmp_path, {
        "content/a.md": ARTICLE,
        "content/b.md": "no front matter",
        "content/c.md": "",
        "content/d.md": "---\ntitle: Tin\n".encode("utf-16"),
    })

    assert [s.rel_path for s in content.sources] == ["a.md"]
    assert problems == [
        "content/b.md:1: the file has no front matter — start it with a `---` line, "
        "then `title:` and `date:`, then `---`",
        "content/c.md: the file is empty — an article starts with front matter between two `---` lines",
        "content/d.md: the file is UTF-16, not UTF-8 — "
        "save the file as UTF-8 (in most editors: Save As → Encoding → UTF-8)"]


def test_no_content_folder_is_no_articles(tmp_path):
    content, problems = read_content(tmp_path)

    assert (content.sources, content.static_files, problems) == ((), (), [])


def test_decomposed_file_names_become_nfc(tmp_path):
    write_files(tmp_path, {"content/" + unicodedata.normalize("NFD", "Hà Nội.md"): ARTICLE,
                           "content/" + unicodedata.normalize("NFD", "ảnh.png"): b"png"})

    content, problems = read_content(tmp_path)

    assert problems == []
    assert [s.rel_path for s in content.sources] == ["Hà Nội.md"]
    assert [f.rel_path for f in content.static_files] == ["ảnh.png"]


def test_file_name_not_in_utf8_is_reported(tmp_path):
    write_files(tmp_path, {"content/a.md": ARTICLE})
    with open(os.path.join(os.fsencode(tmp_path / "content"), b"caf\xe9.md"), "w") as handle:
        handle.write(ARTICLE)

    content, problems = read_content(tmp_path)

    assert [s.rel_path for s in content.sources] == ["a.md"]
    assert [p.format() for p in problems] == ["content/caf\ufffd.md: the file name is not valid UTF-8 — "
                        "rename it using UTF-8 (or plain ASCII) characters"]


def test_symlink_to_a_file_outside_the_project_is_refused(tmp_path):
    project = tmp_path / "project"
    write_files(tmp_path, {"secret.md": ARTICLE, "secret.png": b"png"})
    write_files(project, {"content/a.md": ARTICLE})
    os.symlink(tmp_path / "secret.md", project / "content" / "b.md")
    os.symlink(tmp_path / "secret.png", project / "content" / "c.png")

    content, problems = read_content(project)

    assert [s.rel_path for s in content.sources] == ["a.md"]
    assert content.static_files == ()
    assert [p.format() for p in problems] == [
        "content/b.md: symbolic link points outside the project — "
        "files from outside the project are never published",
        "content/c.png: symbolic link points outside the project — "
        "files from outside the project are never published"]


def test_symlink_to_a_file_inside_the_project_is_read(tmp_path):
    write_files(tmp_path, {"content/a.md": ARTICLE, "shared/logo.png": b"png"})
    os.symlink(tmp_path / "shared" / "logo.png", tmp_path / "content" / "logo.png")

    content, problems = read_content(tmp_path)

    assert problems == []
    assert [f.rel_path for f in content.static_files] == ["logo.png"]


def test_broken_symlink(tmp_path):
    write_files(tmp_path, {"content/a.md": ARTICLE})
    os.symlink(tmp_path / "missing.md", tmp_path / "content" / "b.md")

    _, problems = read_content(tmp_path)

    assert [p.format() for p in problems] == [
        "content/b.md: symbolic link is broken or loops — delete it, or point it at a file inside "
        "the project"]


def test_symlinked_folder_is_not_followed(tmp_path):
    project = tmp_path / "project"
    write_files(tmp_path, {"elsewhere/secret.md": ARTICLE})
    write_files(project, {"content/a.md": ARTICLE})
    os.symlink(tmp_path / "elsewhere", project / "content" / "linked")

    content, problems = read_content(project)

    assert [s.rel_path for s in content.sources] == ["a.md"]
    assert [p.format() for p in problems] == [
        "content/linked: warning: symbolic link to a folder is not followed — "
        "copy the folder into content/ instead"]


def test_bundle_detection(tmp_path):
    content, _ = _read(tmp_path, {"content/2024/so-lieu/index.md": ARTICLE,
                                  "content/2024/so-lieu/bieu-do.svg": "<svg/>",
                                  "content/2024/tin.md": ARTICLE})
    sources = {s.rel_path: s for s in content.sources}

    assert sources["2024/so-lieu/index.md"].is_bundle
    assert sources["2024/so-lieu/index.md"].folder == "2024/so-lieu"
    assert not sources["2024/tin.md"].is_bundle
    assert sources["2024/tin.md"].folder == "2024"
    assert [f.rel_path for f in content.static_files] == ["2024/so-lieu/bieu-do.svg"]


def test_named_pipe_is_reported_not_read(tmp_path):
    # Reading a named pipe waits for a writer: the build would never end.
    write_files(tmp_path, {"content/a.md": ARTICLE})
    os.mkfifo(tmp_path / "content" / "b.md")
    os.mkfifo(tmp_path / "content" / "c.png")

    content, problems = read_content(tmp_path)

    assert [s.rel_path for s in content.sources] == ["a.md"]
    assert content.static_files == ()
    assert [p.format() for p in problems] == [
        f"content/{name}: not a regular file (a named pipe, socket or device) — remove it from content/"
        for name in ("b.md", "c.png")]


@pytest.mark.parametrize("name, shown", [("a\\..\\..\\b.png", "a\\..\\..\\b.png"),
                                         ("c\nd.md", "c?d.md"), ("e\x01.png", "e?.png"),
                                         ("tang-50%#.png", "tang-50%#.png"), ("hoi?.md", "hoi?.md")])
def test_names_with_backslashes_or_control_characters_are_reported(tmp_path, name, shown):
    # A backslash is a folder separator on Windows and in browsers; a line break breaks problems.
    content, problems = _read(tmp_path, {"content/a.md": ARTICLE, f"content/2024/{name}": ARTICLE,
                                         f"content/{name}/x.png": b"png"})

    assert [s.rel_path for s in content.sources] == ["a.md"]
    assert content.static_files == ()
    hint = ("the name holds a backslash, '#', '?' or a control character (a line break, a tab …) — rename it "
            "with letters, digits and hyphens")
    assert sorted(problems) == [f"content/2024/{shown}: {hint}", f"content/{shown}: {hint}"]


def test_names_differing_only_in_unicode_form_are_reported(tmp_path):
    nfc, nfd = "Hà Nội.md", unicodedata.normalize("NFD", "Hà Nội.md")
    content, problems = _read(tmp_path, {f"content/{nfc}": ARTICLE, f"content/{nfd}": ARTICLE})

    assert [s.rel_path for s in content.sources] == [nfc]
    assert problems == [f"content/{nfc}: two files have this name, written with different Unicode "
                        "forms of the same letters — delete or rename one of them"]


@pytest.mark.parametrize("path", ["con/a.png", "2024/aux.png", "2024/NUL.tar.gz"])
def test_static_files_with_names_windows_reserves_are_reported(tmp_path, path):
    content, problems = _read(tmp_path, {"content/a.md": ARTICLE, f"content/{path}": b"png",
                                         "content/con.md": ARTICLE})

    assert [s.rel_path for s in content.sources] == ["a.md", "con.md"]  # its URL is its slug
    assert content.static_files == ()
    assert problems == [f"content/{path}: the path holds a name Windows reserves for devices (con, "
                        "nul, aux, com1 …), so the site could not be copied to Windows — rename "
                        "the file or its folder"]


def test_content_folder_linked_from_outside_the_project_is_refused(tmp_path):
    project = tmp_path / "project"
    write_files(tmp_path, {"elsewhere/a.md": ARTICLE, "elsewhere/secret.txt": "secret"})
    project.mkdir()
    os.symlink(tmp_path / "elsewhere", project / "content")

    content, problems = read_content(project)

    assert content.sources == () and content.static_files == ()
    assert problems == [Problem("content", None, "content/ is a symbolic link to a folder outside "
                                "the project", "move the folder into the project: files from "
                                "outside it are never published")]


def test_content_folder_linked_from_inside_the_project_is_read(tmp_path):
    write_files(tmp_path, {"articles/a.md": ARTICLE})
    os.symlink(tmp_path / "articles", tmp_path / "content")

    content, problems = read_content(tmp_path)

    assert problems == []
    assert [s.rel_path for s in content.sources] == ["a.md"]

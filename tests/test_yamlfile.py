"""Safe YAML parsing with the line of every key; every mistake a Problem on its line."""
from __future__ import annotations

import datetime as dt

from bantin.yamlfile import INVALID, parse_yaml_mapping

GENERIC_HINT = "check the indentation and quote values that contain ': ' or start with a special character"
TAG_HINT = "YAML tags (!something) are not allowed; remove the tag"


def _parse(text: str, line_offset: int = 1):
    return parse_yaml_mapping(text, "content/a.md", line_offset=line_offset)


def _lines(problems):
    return [p.format() for p in problems]


def test_values_and_key_lines_with_the_front_matter_offset():
    document, problems = _parse("title: Tin\ndate: 2024-07-05\nlocalities:\n  - ha-noi\n  - Ba Vì\n"
                                "source:\n  name: K\n")

    assert problems == []
    assert document.data == {"title": "Tin", "date": dt.date(2024, 7, 5),
                             "localities": ["ha-noi", "Ba Vì"], "source": {"name": "K"}}
    assert document.line("title") == 2
    assert document.line("date") == 3
    assert document.line("localities") == 4
    assert document.line("localities", 1) == 6
    assert document.line("source", "name") == 8


def test_line_of_an_unknown_key_falls_back_to_its_parent():
    document, _ = _parse("source:\n  name: K\n", line_offset=0)

    assert document.line("source", "url") == 1
    assert document.line("nothing") is None


def test_syntax_error_points_at_its_line():
    document, problems = _parse("title: A\ndate: 2024-07-05\nsummary: a: b\n")

    assert document is None
    [line] = _lines(problems)
    assert line.startswith("content/a.md:4: invalid YAML: ")
    assert line.endswith(f" — {GENERIC_HINT}")


def test_unclosed_flow_list_points_at_the_line_after_it():
    document, problems = _parse("title: A\nlocalities: [ha-noi\n")

    assert document is None
    [line] = _lines(problems)
    assert line.startswith("content/a.md:4: invalid YAML: ")


def test_tab_indentation_gets_the_tabs_hint():
    document, problems = _parse("title: A\nsource:\n\tname: K\n")

    assert document is None
    [line] = _lines(problems)
    assert line.startswith("content/a.md:4: invalid YAML: ")
    assert line.endswith(" — YAML does not allow tabs for indentation; use spaces")


def test_tab_after_a_value_gets_the_tabs_hint():
    document, problems = _parse("title: A\n\tdate: 2024-07-05\n")

    assert document is None
    [line] = _lines(problems)
    assert line.endswith(" — YAML does not allow tabs for indentation; use spaces")


def test_a_list_instead_of_a_mapping():
    document, problems = _parse("- title: A\n- date: 2024-07-05\n")

    assert document is None
    assert _lines(problems) == [
        "content/a.md:2: front matter must be a mapping of keys to values, found a list — "
        "write one `key: value` per line"]


def test_a_single_value_instead_of_a_mapping_names_the_document():
    document, problems = parse_yaml_mapping("just a title\n", "site.yaml", what="site.yaml")

    assert document is None
    assert _lines(problems) == [
        "site.yaml:1: site.yaml must be a mapping of keys to values, found a single value — "
        "write one `key: value` per line"]


def test_duplicate_key_is_a_warning_and_the_last_value_wins():
    document, problems = _parse("title: A\ndate: 2024-07-05\ntitle: B\n")

    assert document.data["title"] == "B"
    assert document.line("title") == 4
    assert _lines(problems) == [
        "content/a.md:4: warning: duplicate key 'title' in front matter — "
        "YAML keeps only the last one; remove the other"]
    assert not problems[0].is_error


def test_alias_is_refused():
    document, problems = _parse("title: &t Tin\nsummary: x\nauthor: *t\n")

    assert document is None
    assert _lines(problems) == [
        "content/a.md:4: front matter uses a YAML alias (*name) — write the value out in full"]


def test_billion_laughs_is_refused_without_expanding():
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for name, previous in zip("bcdefghi", "abcdefgh"):
        text += f"{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous}," \
                f"*{previous},*{previous},*{previous},*{previous}]\n"

    document, problems = _parse(text)

    assert document is None
    assert [p.message for p in problems] == ["front matter uses a YAML alias (*name)"]


def test_python_object_tag_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    document, problems = _parse(f'title: A\nx: !!python/object/apply:os.system ["touch {marker}"]\n')

    assert not marker.exists()
    assert document.data == {"title": "A", "x": INVALID}
    assert _lines(problems) == [
        "content/a.md:3: front matter uses the YAML tag "
        "'!!python/object/apply:os.system' — " + TAG_HINT]


def test_python_object_mapping_tag_is_refused():
    _, problems = _parse("title: A\nx: !!python/object:builtins.dict {a: 1}\n")

    assert _lines(problems) == [
        "content/a.md:3: front matter uses the YAML tag "
        "'!!python/object:builtins.dict' — " + TAG_HINT]


def test_tag_on_a_plain_value_is_refused_like_any_other_tag():
    _, problems = _parse("title: A\nx: !!python/name:os.system\n")

    assert _lines(problems) == [
        "content/a.md:3: front matter uses the YAML tag "
        "'!!python/name:os.system' — " + TAG_HINT]


def test_standard_tags_are_allowed():
    document, problems = _parse("title: !!str 2024\n")

    assert problems == []
    assert document.data == {"title": "2024"}


def test_impossible_date_is_a_problem_on_its_line():
    document, problems = _parse("title: A\ndate: 2024-02-30\n")

    assert document.data == {"title": "A", "date": INVALID}
    assert _lines(problems) == [
        "content/a.md:3: 'date': cannot read '2024-02-30': day is out of range for month"
        " — check that the day exists in that month, the time is between 00:00 and 23:59 and any "
        "offset between -12:00 and +14:00"]


def test_empty_document_is_an_empty_mapping():
    for text in ("", "\n\n", "# only a comment\n"):
        document, problems = _parse(text)
        assert (document.data, problems) == ({}, [])


def test_non_scalar_key_is_a_problem():
    document, problems = _parse("title: A\n[a, b]: c\n")

    assert _lines(problems) == ["content/a.md:3: front matter has a key that is not a plain name — "
                                "write each key as a name followed by a colon, such as `title:`"]
    assert document.data == {"title": "A"}


def test_an_impossible_date_is_explained_in_the_readers_language():
    document, problems = parse_yaml_mapping("title: T\ndate: 2024-13-02\n", "content/a.md",
                                            line_offset=1)

    assert [p.format() for p in problems] == [
        "content/a.md:3: 'date': cannot read '2024-13-02': month must be in 1..12 — check that the "
        "day exists in that month, the time is between 00:00 and 23:59 and any offset between "
        "-12:00 and +14:00"]
    assert problems[0].format("vi").startswith(
        "content/a.md:3: 'date': không đọc được '2024-13-02': tháng phải từ 1 đến 12 — ")

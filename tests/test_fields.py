"""Typed reading of YAML fields: each wrong type, empty value or unknown key is one Problem."""
from __future__ import annotations

import pytest

from bantin.fields import FieldReader, is_http_url
from bantin.yamlfile import parse_yaml_mapping


def _reader(text: str):
    document, problems = parse_yaml_mapping(text, "site.yaml", what="site.yaml")
    assert problems == []
    problems = []
    return FieldReader(document, "site.yaml", problems), document.data, problems


def _lines(problems):
    return [p.format() for p in problems]


def test_text_reads_strings_stripped():
    reader, data, problems = _reader("title: '  Bản tin  '\n")

    assert reader.text(data, ("title",), required=True) == "Bản tin"
    assert problems == []


def test_text_takes_unquoted_numbers_and_dates_as_written():
    reader, data, problems = _reader("title: 2024\nsubtitle: 2024-07-05\nratio: 1.5\n")

    assert reader.text(data, ("title",)) == "2024"
    assert reader.text(data, ("subtitle",)) == "2024-07-05"
    assert reader.text(data, ("ratio",)) == "1.5"
    assert problems == []


def test_text_of_the_wrong_type_is_one_problem_on_its_line():
    reader, data, problems = _reader("description: x\ntitle: [a, b]\n")

    assert reader.text(data, ("title",), required=True) == ""
    assert _lines(problems) == ["site.yaml:2: 'title' must be text, not a list "
                                "— write it as text; put it in quotes if it looks like a list, a number or true/false"]


def test_missing_required_text_is_one_problem():
    reader, data, problems = _reader("description: x\n")

    assert reader.text(data, ("title",), required=True) == ""
    assert _lines(problems) == ["site.yaml: missing required field 'title' — add a line `title: …`"]


def test_required_text_given_without_a_value_is_one_problem_on_its_line():
    reader, data, problems = _reader("description: x\ntitle:\n")

    reader.text(data, ("title",), required=True)

    assert _lines(problems) == ["site.yaml:2: missing required field 'title' — add a line `title: …`"]


def test_required_text_that_is_blank_is_empty():
    reader, data, problems = _reader("title: '   '\n")

    assert reader.text(data, ("title",), required=True) == ""
    assert _lines(problems) == ["site.yaml:1: 'title' is empty — write a value after the colon"]


def test_missing_required_nested_field_points_at_its_parent():
    reader, data, problems = _reader("localities:\n  - slug: ha-noi\n")

    reader.text(data["localities"][0], ("localities", 0, "name"), required=True)

    assert _lines(problems) == [
        "site.yaml:2: missing required field 'localities[1].name' — add a line `name: …`"]


@pytest.mark.parametrize("yaml_value, shown", [
    ("true", "true"), ("'ten'", "'ten'"), ("2024-07-05", "the date 2024-07-05"),
    ("{a: 1}", "a mapping"), ("[1]", "a list"), ("2.5", "2.5"),
])
def test_whole_number_of_the_wrong_type(yaml_value, shown):
    reader, data, problems = _reader(f"title: T\npage_size: {yaml_value}\n")

    assert reader.value(data, ("page_size",), int, default=10) == 10
    assert _lines(problems) == [f"site.yaml:2: 'page_size' must be a whole number, not {shown} "
                                f"— write a whole number, such as 10"]


def test_value_of_the_right_type():
    reader, data, problems = _reader("page_size: 5\ndraft: false\nextra: {a: 1}\n")

    assert reader.value(data, ("page_size",), int) == 5
    assert reader.value(data, ("draft",), bool) is False
    assert reader.value(data, ("extra",), dict) == {"a": 1}
    assert reader.value(data, ("missing",), int, default=3) == 3
    assert problems == []


def test_text_list_takes_a_single_value_as_a_list_of_one():
    reader, data, problems = _reader("a: 1\nlocality: Ba Vì\n")

    assert reader.text_list(data, ("locality",)) == [("Ba Vì", 2)]
    assert problems == []


def test_text_list_gives_each_item_its_line():
    reader, data, problems = _reader("localities:\n  - Hà Nội\n  - 5\n  - ' xã Ba Vì '\n")

    assert reader.text_list(data, ("localities",)) == [("Hà Nội", 2), ("5", 3), ("xã Ba Vì", 4)]
    assert problems == []


def test_text_list_reports_items_that_are_not_text():
    reader, data, problems = _reader("topics:\n  - Kinh tế\n  - true\n  - {a: 1}\n")

    assert reader.text_list(data, ("topics",)) == [("Kinh tế", 2)]
    hint = "write each item as text, in quotes if it looks like a list, a number or true/false"
    assert _lines(problems) == [f"site.yaml:3: 'topics' item 2 must be text, not true — {hint}",
                                f"site.yaml:4: 'topics' item 3 must be text, not a mapping — {hint}"]


def test_text_list_reports_empty_items_as_empty():
    reader, data, problems = _reader("topics: [Kinh tế, '', '  ']\n")

    assert reader.text_list(data, ("topics",)) == [("Kinh tế", 1)]
    assert _lines(problems) == [f"site.yaml:1: 'topics' item {n} is empty — remove it, or write the name"
                                for n in (2, 3)]


def test_control_characters_written_as_escapes_are_dropped_from_text():
    reader, data, problems = _reader('title: "Bản\\x07 tin\\uFFFE"\ntopics: ["Kinh\\x01 tế", "\\x02"]\n')

    assert reader.text(data, ("title",)) == "Bản tin"
    assert reader.text_list(data, ("topics",)) == [("Kinh tế", 2)]
    assert _lines(problems) == ["site.yaml:2: 'topics' item 2 is empty — remove it, or write the name"]


def test_text_list_of_a_mapping_is_a_problem():
    reader, data, problems = _reader("topics: {a: 1}\n")

    assert reader.text_list(data, ("topics",)) == []
    assert _lines(problems) == ["site.yaml:1: 'topics' must be a list, not a mapping — write a list, "
                                "such as [a, b], or one `- item` per line below it"]


def test_unknown_key_with_did_you_mean():
    reader, data, problems = _reader("title: T\ntitel: T\n")

    reader.check_keys(data, (), {"title", "base_url"}, "site.yaml")

    assert _lines(problems) == ["site.yaml:2: unknown key 'titel' in site.yaml — did you mean 'title'?"]


def test_unknown_key_without_close_match_lists_the_known_keys():
    reader, data, problems = _reader("localities:\n  - name: A\n    colour: red\n")

    reader.check_keys(data["localities"][0], ("localities", 0), {"name", "slug"}, "a locality")

    assert _lines(problems) == [
        "site.yaml:3: unknown key 'localities[1].colour' in a locality — known keys: name, slug"]


def test_http_url():
    reader, data, problems = _reader("good: https://example.org/a\nbad: ftp://example.org/\n")

    assert reader.http_url(data, ("good",)) == "https://example.org/a"
    assert reader.http_url(data, ("bad",)) == ""
    assert _lines(problems) == [
        "site.yaml:2: 'bad' must be an http:// or https:// URL, not 'ftp://example.org/' "
        "— write the full address, starting with https://"]


@pytest.mark.parametrize("url, ok", [
    ("https://example.org/", True), ("http://localhost:8000/repo/", True),
    ("example.org", False), ("https://", False), ("javascript:alert(1)", False),
    ("https://example.org/a b", False), (" https://example.org/", False),
    ("https://example.org/\n", False),
])
def test_is_http_url(url, ok):
    assert is_http_url(url) is ok

"""Matching what editors write to declared localities, and checking the locality tree."""
from __future__ import annotations

import time

import pytest

from bantin.config import LocalityConfig
from bantin.localities import LocalityIndex, Match, check_localities, label

HANOI = (
    LocalityConfig("Hà Nội", "ha-noi", "thành phố", ("Hanoi", "Thủ đô"), "", "", 5),
    LocalityConfig("Ba Vì", "huyen-ba-vi", "huyện", (), "ha-noi", "", 8),
    LocalityConfig("Ba Vì", "xa-ba-vi", "xã", (), "huyen-ba-vi", "", 12),
    LocalityConfig("Khánh Thượng", "khanh-thuong", "xã", (), "huyen-ba-vi", "", 16),
    LocalityConfig("Hoàn Kiếm", "hoan-kiem", "quận", ("quận Hoàn Kiếm",), "ha-noi", "", 19),
)


@pytest.fixture
def index():
    return LocalityIndex(HANOI)


def _check(*localities):
    parents, problems = check_localities(localities, LocalityIndex(localities))
    return parents, [p.format() for p in problems]


@pytest.mark.parametrize("value, slug", [
    ("Hà Nội", "ha-noi"),  # name
    ("ha-noi", "ha-noi"),  # slug
    ("Thủ đô", "ha-noi"),  # alias
    ("thành phố Hà Nội", "ha-noi"),  # kind and name
    ("HÀ NỘI", "ha-noi"),  # case
    ("  Hà   Nội ", "ha-noi"),  # spacing
    ("ha noi", "ha-noi"),  # without diacritics
    ("quan hoan kiem", "hoan-kiem"),  # alias without diacritics
    ("Hoàn Kiếm", "hoan-kiem"),
    ("xã Khánh Thượng", "khanh-thuong"),
    ("khanh thuong", "khanh-thuong"),
    ("huyện Ba Vì", "huyen-ba-vi"),
    ("xa ba vi", "xa-ba-vi"),
    ("xa-ba-vi", "xa-ba-vi"),
])
def test_match(index, value, slug):
    assert index.match(value).slug == slug


@pytest.mark.parametrize("value", ["Ba Vì", "ba vi", "BA VÌ"])
def test_bare_name_of_two_localities_is_ambiguous(index, value):
    match = index.match(value)

    assert match.slug is None
    assert match.message == (f"locality '{value}' is ambiguous: it could be "
                             "'huyện Ba Vì' (huyen-ba-vi) or 'xã Ba Vì' (xa-ba-vi)")
    assert match.hint == "write the slug or the kind with the name, e.g. 'huyện Ba Vì' or 'huyen-ba-vi'"


@pytest.mark.parametrize("value, hint", [
    ("Khanh Thuong xa", "did you mean 'xã Khánh Thượng' (khanh-thuong)?"),
    ("Hoan Kiem quan", "did you mean 'quận Hoàn Kiếm' (hoan-kiem)?"),
    ("Ba Vi xa", "did you mean 'xã Ba Vì' (xa-ba-vi) or 'huyện Ba Vì' (huyen-ba-vi)?"),
    ("Sài Gòn", "declare it under `localities:` in site.yaml"),
])
def test_unknown_locality_with_did_you_mean(index, value, hint):
    assert index.match(value) == Match(None, f"unknown locality '{value}'", hint, "unknown-locality")


def test_label_is_kind_then_name():
    assert label(HANOI[1]) == "huyện Ba Vì"
    assert label(LocalityConfig("Hà Nội", "ha-noi")) == "Hà Nội"


def test_check_localities_gives_the_parent_of_each():
    assert _check(*HANOI) == ({"ha-noi": None, "huyen-ba-vi": "ha-noi", "xa-ba-vi": "huyen-ba-vi",
                               "khanh-thuong": "huyen-ba-vi", "hoan-kiem": "ha-noi"}, [])


def test_parent_may_be_given_by_name_or_alias():
    parents, problems = _check(LocalityConfig("Hà Nội", "ha-noi", aliases=("Thủ đô",)),
                               LocalityConfig("Đông Anh", "dong-anh", parent="Thủ đô"),
                               LocalityConfig("Sóc Sơn", "soc-son", parent="ha noi"))

    assert (parents, problems) == ({"ha-noi": None, "dong-anh": "ha-noi", "soc-son": "ha-noi"}, [])


def test_duplicate_slug():
    _, problems = _check(LocalityConfig("Ba Vì", "ba-vi", "huyện", line=3),
                         LocalityConfig("Ba Vì", "ba-vi", "xã", line=6))

    assert problems == ["site.yaml:6: two localities have the slug 'ba-vi' — "
                        "give 'xã Ba Vì' a `slug:` of its own"]


def test_alias_shared_by_two_localities():
    _, problems = _check(LocalityConfig("Hoàn Kiếm", "hoan-kiem", "quận", ("trung tâm",), line=3),
                         LocalityConfig("Ba Đình", "ba-dinh", "quận", ("Trung Tâm",), line=7))

    assert problems == ["site.yaml:7: 'Trung Tâm' is used by both 'quận Hoàn Kiếm' and 'quận Ba Đình' — "
                        "an alias or slug must point at one locality"]


def test_alias_equal_to_another_slug():
    _, problems = _check(LocalityConfig("Hà Nội", "ha-noi", line=3),
                         LocalityConfig("Hà Nam", "ha-nam", aliases=("ha-noi",), line=5))

    assert problems == ["site.yaml:5: 'ha-noi' is used by both 'Hà Nội' and 'Hà Nam' — "
                        "an alias or slug must point at one locality"]


def test_unknown_parent():
    parents, problems = _check(LocalityConfig("Đông Anh", "dong-anh", "huyện", parent="Ha Noi", line=4))

    assert parents == {"dong-anh": None}
    assert problems == ["site.yaml:4: parent of 'huyện Đông Anh': unknown locality 'Ha Noi' — "
                        "declare it under `localities:` in site.yaml"]


def test_ambiguous_parent():
    _, problems = _check(*HANOI[:3], LocalityConfig("Vân Hòa", "van-hoa", "xã", parent="Ba Vì", line=20))

    assert problems == ["site.yaml:20: parent of 'xã Vân Hòa': locality 'Ba Vì' is ambiguous: it could be "
                        "'huyện Ba Vì' (huyen-ba-vi) or 'xã Ba Vì' (xa-ba-vi) — write the slug or the "
                        "kind with the name, e.g. 'huyện Ba Vì' or 'huyen-ba-vi'"]


def test_own_parent():
    parents, problems = _check(LocalityConfig("Hà Nội", "ha-noi", parent="Hà Nội", line=3))

    assert parents == {"ha-noi": None}
    assert problems == ["site.yaml:3: 'Hà Nội' is its own parent — give the locality it lies "
                        "in, or remove `parent:`"]


def test_two_localities_that_are_each_others_parent():
    parents, problems = _check(LocalityConfig("A", "a", parent="b", line=3),
                               LocalityConfig("B", "b", parent="a", line=5),
                               LocalityConfig("C", "c", parent="a", line=7))

    assert problems == ["site.yaml:3: localities form a loop through their parents: A → B → A — "
                        "one of them must have another parent, or none"]
    assert parents == {"a": None, "b": None, "c": "a"}


def test_longer_loop_is_reported_once():
    _, problems = _check(LocalityConfig("A", "a", parent="c", line=3),
                         LocalityConfig("B", "b", parent="a", line=5),
                         LocalityConfig("C", "c", parent="b", line=7))

    assert problems == ["site.yaml:3: localities form a loop through their parents: A → C → B → A — "
                        "one of them must have another parent, or none"]


def test_three_thousand_localities():
    localities = [LocalityConfig("Hà Nội", "ha-noi", "thành phố")]
    for number in range(1, 3000):
        localities.append(LocalityConfig(f"Tổ dân phố {number}", f"to-dan-pho-{number}", "tổ",
                                         (f"TDP {number}",), "ha-noi"))
    localities = tuple(localities)
    index = LocalityIndex(localities)

    parents, problems = check_localities(localities, index)

    assert problems == []
    assert len(parents) == 3000
    assert parents["to-dan-pho-2999"] == "ha-noi"
    assert index.match("Tổ dân phố 1234").slug == "to-dan-pho-1234"
    assert index.match("to dan pho 17").slug == "to-dan-pho-17"
    assert index.match("tdp 2999").slug == "to-dan-pho-2999"
    assert index.match("tổ Tổ dân phố 5").slug == "to-dan-pho-5"
    assert index.match("Tổ dân phố 3000").slug is None


def test_unknown_names_among_thousands_of_localities_are_fast_and_get_suggestions():
    # difflib compared every name in full: 500 unknown names took minutes among 5,000.
    localities = [LocalityConfig("Hà Nội", "ha-noi", "thành phố")]
    localities += [LocalityConfig(f"Phường {number}", f"phuong-{number}", "phường", (f"P{number}",),
                                  "ha-noi") for number in range(1, 5000)]
    index = LocalityIndex(tuple(localities))

    started = time.perf_counter()
    matches = [index.match(f"Phuong so {number}x") for number in range(0, 5000, 10)]
    seconds = time.perf_counter() - started

    assert seconds < 15  # about 2 s; it was over 100 s
    assert all(m.slug is None and m.message.startswith("unknown locality") for m in matches)
    assert matches[12].hint.startswith("did you mean 'phường Phường 120' (phuong-120)")
    assert index.match("Hà Nộii").hint == "did you mean 'thành phố Hà Nội' (ha-noi)?"
    assert index.match("Phuong so 120x") is matches[12]  # each value is matched once


def test_a_tree_deeper_than_twenty_levels_is_one_problem_and_is_cut():
    # A chain of 1,000 parents made the digests and the theme's tree recurse until Python gave up.
    chain = [LocalityConfig("Cấp 0", "l0", line=4)]
    chain += [LocalityConfig(f"Cấp {n}", f"l{n}", parent=f"l{n - 1}", line=4 + n, parent_line=4 + n)
              for n in range(1, 1000)]

    parents, problems = _check(*chain)

    assert problems == ["site.yaml:25: 'Cấp 21' lies more than 20 levels deep in the locality tree — "
                        "localities nest a few levels (thành phố → quận → phường); check the "
                        "`parent:` of this one and of those above it"]
    assert parents["l20"] == "l19" and parents["l21"] is None and parents["l999"] is None


def test_a_tree_twenty_levels_deep_is_fine():
    chain = [LocalityConfig("Cấp 0", "l0")]
    chain += [LocalityConfig(f"Cấp {n}", f"l{n}", parent=f"l{n - 1}") for n in range(1, 21)]

    parents, problems = _check(*chain)

    assert problems == [] and parents["l20"] == "l19"

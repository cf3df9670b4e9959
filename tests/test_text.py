"""Vietnamese text: dictionary order, folding for loose matching, slugs, NFC/NFD."""
from __future__ import annotations

import random
import unicodedata

import pytest

from bantin.text import fold, has_control_characters, loose_key, nfc, slugify, sort_key, \
    strip_control_characters


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _shuffled_sort(words):
    shuffled = list(words)
    random.Random(1258).shuffle(shuffled)
    return sorted(shuffled, key=sort_key)


def test_vietnamese_alphabet_order():
    alphabet = "a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y".split()

    assert _shuffled_sort(alphabet) == alphabet


def test_tones_sort_after_the_base_letter_in_dictionary_order():
    tones = ["a", "à", "ả", "ã", "á", "ạ", "ă", "ằ", "ẳ", "ẵ", "ắ", "ặ", "â"]

    assert _shuffled_sort(tones) == tones


def test_letters_are_compared_over_the_whole_word_before_tones():
    assert _shuffled_sort(["bác", "bà", "ba", "bả"]) == ["ba", "bà", "bả", "bác"]


@pytest.mark.parametrize("before, after", [
    ("Dương Nội", "Đông Anh"),  # d before đ, whatever follows
    ("Hà Đông", "Hà Nội"),  # đ before n
    ("Hà Nội", "Hoàng Mai"),  # a before o
    ("Ba Vì", "Bắc Từ Liêm"),  # a before ă
    ("Hà Nội", "hà nội x"),  # a prefix first
])
def test_place_names_in_vietnamese_order(before, after):
    assert sort_key(before) < sort_key(after)
    assert sorted([after, before], key=sort_key) == [before, after]


def test_district_list_in_vietnamese_order():
    names = ["Ba Vì", "Bắc Từ Liêm", "Dương Nội", "Đông Anh", "Hà Đông", "Hà Nội", "Hoàn Kiếm",
             "Hoàng Mai", "Ô Chợ Dừa", "Ứng Hòa"]

    assert _shuffled_sort(names) == names


def test_lower_case_sorts_before_upper_case_of_the_same_word():
    assert _shuffled_sort(["Bà", "ba", "bà", "Ba"]) == ["ba", "Ba", "bà", "Bà"]


def test_nfd_and_nfc_give_the_same_sort_key():
    for word in ["Hà Nội", "Đông Anh", "Khánh Thượng", "Ứng Hòa"]:
        assert sort_key(_nfd(word)) == sort_key(word)


def test_nfd_text_sorts_like_nfc_text():
    words = ["Hoàng Mai", "Hà Nội", "Đông Anh", "Hà Đông", "Dương Nội"]

    assert [nfc(w) for w in sorted(map(_nfd, words), key=sort_key)] == \
        sorted(words, key=sort_key)


@pytest.mark.parametrize("text, folded", [
    ("Quận Hoàn Kiếm", "quan hoan kiem"),
    ("ĐÔNG ANH", "dong anh"),
    ("đường Đê La Thành", "duong de la thanh"),
    ("  xã   Khánh\tThượng ", "xa khanh thuong"),
    ("Ứng Hòa", "ung hoa"),
])
def test_fold_drops_diacritics_case_and_extra_spaces(text, folded):
    assert fold(text) == folded


def test_fold_of_nfd_equals_fold_of_nfc():
    assert fold(_nfd("Quận Hoàn Kiếm")) == fold("Quận Hoàn Kiếm") == "quan hoan kiem"


def test_loose_key_keeps_diacritics_but_not_case_or_spacing():
    assert loose_key("  Quận  HOÀN Kiếm ") == "quận hoàn kiếm"
    assert loose_key(_nfd("Hà Nội")) == loose_key("hà nội")
    assert loose_key("Ba Vì") != loose_key("Ba Vi")


@pytest.mark.parametrize("text, slug", [
    ("Đông Anh", "dong-anh"),
    ("Đà Nẵng", "da-nang"),
    ("Hà Nội: 10.665 cuộc giám sát!", "ha-noi-10-665-cuoc-giam-sat"),
    ("Quận 1", "quan-1"),
    ("xã Khánh Thượng", "xa-khanh-thuong"),
])
def test_slugify_gives_ascii_hyphenated_slugs(text, slug):
    assert slugify(text) == slug


def test_slugify_of_nfd_equals_slugify_of_nfc():
    assert slugify(_nfd("Đông Anh")) == slugify("Đông Anh") == "dong-anh"


def test_slugify_is_at_most_200_characters_cut_at_a_word():
    assert slugify("một hai " * 100) == ("mot-hai-" * 25)[:199]
    assert len(slugify("a" * 400)) == 200


def test_nfc_composes_decomposed_text():
    assert nfc(_nfd("Hà Nội")) == "Hà Nội"
    assert len(nfc(_nfd("ộ"))) == 1


def test_control_characters_are_found_and_stripped_but_tabs_and_newlines_kept():
    text = "Hà\x00 Nội\x07\tmột\nhai\x1b"

    assert has_control_characters(text)
    assert strip_control_characters(text) == "Hà Nội\tmột\nhai"
    assert not has_control_characters("Hà Nội\tmột\r\nhai")


def test_the_non_characters_xml_refuses_are_stripped_too():
    assert strip_control_characters("Hà\ufffe Nội\uffff") == "Hà Nội"
    assert has_control_characters("\ufffe")

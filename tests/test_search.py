"""The search index: per-article entries, shard files, stable ids, and where a term is found."""
from __future__ import annotations

import datetime as dt
import json
import pickle
import unicodedata

import pytest

from bantin import search

HANOI = dt.timezone(dt.timedelta(hours=7))


def _entry(number: int, text: str = "", file_bits: int = 2, **fields):
    values = dict(url=f"bai-viet/bai-{number}/", title=f"Bài số {number}",
                  date=dt.datetime(2024, 7, 1 + number % 28, 8, tzinfo=HANOI),
                  locality_labels=("xã Khánh Thượng",),
                  locality_slugs=("khanh-thuong", "huyen-ba-vi", "ha-noi"),
                  topic_slugs=("kinh-te",), summary="Nuôi ong lấy mật.", text=text)
    values.update(fields)
    return search.index_article(**values, file_bits=file_bits)


def _postings(files: dict[str, bytes], term: str) -> dict[str, int]:
    """{document id: posting} of a term, read the way the browser's script reads the files."""
    manifest = json.loads(files["i/index.json"])
    bits, value = manifest["file_bits"], search.term_hash(term)
    number = value >> (32 - bits) if bits else 0
    key = search.encode((value >> (32 - bits - search.KEY_BITS)) & ((1 << search.KEY_BITS) - 1),
                        search.KEY_CHARS)
    found = {}
    for line in files[f"i/s/{number}.txt"].decode().splitlines():
        doc, rest = line[:search.ID_CHARS], line[search.ID_CHARS:]
        for start in range(0, len(rest), search.KEY_CHARS + 2):
            if rest[start:start + search.KEY_CHARS] == key:
                found[doc] = int.from_bytes(bytes(search.DIGITS.index(c) for c in
                                                  rest[start + search.KEY_CHARS:][:2]), "big")
    return found


def _documents(files: dict[str, bytes]) -> dict[str, dict]:
    return {url[len("i/d/"):-len(".json")]: json.loads(data) for url, data in files.items()
            if url.startswith("i/d/")}


def test_terms_fold_case_diacritics_and_d_with_stroke():
    assert search.terms("HOÀN KIẾM") == search.terms("Hoàn Kiếm") == ["hoan", "kiem"]
    assert search.terms(unicodedata.normalize("NFD", "Đường Đê La Thành")) == \
        ["duong", "de", "la", "thanh"]
    assert search.terms("“Dân vận khéo”, 24.254 mô hình!") == \
        ["dan", "van", "kheo", "24", "254", "mo", "hinh"]


def test_every_word_of_an_article_is_found_in_the_file_the_browser_would_read():
    entries = [_entry(n, f"Người dân xã {n} làm đường giao thông") for n in range(40)]
    files = dict(search.search_files("i/", entries))
    documents = _documents(files)
    for term in ("nguoi", "duong", "giao", "thong", "bai", "khanh", "nuoi"):
        assert len(_postings(files, term)) == 40, term
    assert {documents[d]["u"] for d in _postings(files, "17")} == {"bai-viet/bai-17/"}
    assert len(_postings(files, "l:huyen-ba-vi")) == len(_postings(files, "t:kinh-te")) == 40
    assert _postings(files, "khong") == {}


def test_a_word_in_the_title_weighs_more_than_the_same_word_once_in_the_body():
    in_title = _entry(1, "Người dân nuôi ong.", title="Minh Quang làm miến dong")
    in_body = _entry(2, "Người dân làm miến dong ở Minh Quang.", title="Tin xã")
    files = dict(search.search_files("i/", [in_title, in_body]))
    weights = {_documents(files)[doc]["u"]: posting >> search.NEXT_BITS
               for doc, posting in _postings(files, "mien").items()}
    assert weights["bai-viet/bai-1/"] > weights["bai-viet/bai-2/"] >= 1


def test_the_follower_filter_tells_a_phrase_from_its_syllables_apart():
    together = _entry(1, "Phong trào dân vận khéo lan tỏa.")
    apart = _entry(2, "Người dân khéo léo, cán bộ vận động.")
    files = dict(search.search_files("i/", [together, apart]))
    by_url = {_documents(files)[doc]["u"]: posting
              for doc, posting in _postings(files, "dan").items()}
    assert by_url["bai-viet/bai-1/"] & search.next_bit("van")
    assert not by_url["bai-viet/bai-2/"] & search.next_bit("van")


def test_output_is_byte_identical_whatever_the_order_of_entries():
    entries = [_entry(n, f"Bài {n} về thủ tục hành chính") for n in range(30)]
    assert search.search_files("i/", entries) == search.search_files("i/", entries[::-1])


def test_entries_are_picklable_values():
    entry = _entry(3, "Văn bản")
    assert pickle.loads(pickle.dumps(entry)) == entry


def test_adding_an_article_changes_no_other_articles_document_file():
    entries = [_entry(n, f"Tin số {n}") for n in range(20)]
    before = dict(search.search_files("i/", entries))
    after = dict(search.search_files("i/", entries + [_entry(99, "Tin mới", date=dt.datetime(
        2024, 7, 10, 9, tzinfo=HANOI))]))
    documents_before = {url: data for url, data in before.items() if url.startswith("i/d/")}
    assert all(after[url] == data for url, data in documents_before.items())
    assert len([url for url in after if url.startswith("i/d/")]) == 21


def test_two_articles_wanting_one_id_get_two_and_each_keeps_its_terms():
    first = _entry(1, "Chữ ký số")
    second = _entry(2, "Miến dong")
    clash = search.SearchEntry(second.url, first.id, tuple(
        f.replace(search.encode(second.id, search.ID_CHARS).encode(),
                  search.encode(first.id, search.ID_CHARS).encode(), 1) for f in second.fragments),
        second.document, second.digest)
    files = dict(search.search_files("i/", [first, clash]))
    documents = _documents(files)
    assert sorted(d["u"] for d in documents.values()) == ["bai-viet/bai-1/", "bai-viet/bai-2/"]
    assert [documents[d]["u"] for d in _postings(files, "mien")] == ["bai-viet/bai-2/"]
    assert [documents[d]["u"] for d in _postings(files, "chu")] == ["bai-viet/bai-1/"]


def test_newer_articles_have_larger_ids():
    older = _entry(1, date=dt.datetime(2024, 7, 1, 23, tzinfo=HANOI))
    newer = _entry(2, date=dt.datetime(2024, 7, 2, 0, 30, tzinfo=HANOI))
    assert newer.id > older.id


def test_the_document_keeps_what_a_result_shows_and_the_start_of_the_text():
    long_text = "Người dân " * 1000
    document = json.loads(_entry(1, long_text).document)
    assert document["u"] == "bai-viet/bai-1/" and document["d"] == "2024-07-02"
    assert document["l"] == ["xã Khánh Thượng"] and document["c"] == 1
    assert len(document["x"]) <= search.MAX_TEXT_CHARS and document["x"].endswith("dân")
    assert "c" not in json.loads(_entry(1, "Ngắn").document)


@pytest.mark.parametrize("count, bits", [(0, 0), (10, 0), (30, 1), (100, 2), (5000, 8)])
def test_shard_files_grow_with_the_site(count, bits):
    assert search.file_bits_for(count) == bits

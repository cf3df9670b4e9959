"""The search index: built from the site model, split so that one query downloads little.

Two pure steps, so the first can be cached per article and the second stays cheap:

1. `index_article(...)` turns one article's own fields into a `SearchEntry`: its terms already
   encoded into fragments, one per hash bucket, and the document a result shows.
2. `search_files(prefix_url, entries)` puts the fragments of every article together into shard
   files — a transposition and joins, no work per term — plus one small document per article.

Terms are folded syllables (`text.fold`, so "Đường" and "duong" are one term) and filter terms
for each locality (with every locality above it) and topic. A term's CRC-32 picks its shard
file (the top `file_bits` bits) and its key there (the next KEY_BITS bits). Each posting also
carries a filter of the syllables that follow the term in the article, so that a phrase ranks
above its syllables apart (Vietnamese words are syllables separated by spaces). The browser's
script (the theme's js/search.js) folds, hashes and scores the same way; tests run both on the
same words.

Shard file: one line per article with terms in it: the article's id (ID_CHARS digits), then a
key (KEY_CHARS digits) and a posting (2 digits) per term. Ids are stable — the day and hour of
publication and a hash of the URL — so adding or editing one article leaves every other
article's id, and its document file, unchanged; sorting ids sorts articles newest first.
The body's plain text is the model's (`Article.text`, from the Markdown stage).
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import zlib
from collections import Counter
from dataclasses import dataclass

from .localities import with_ancestors
from .text import fold

# base64url digits: every encoded number in the index is written with them.
DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
KEY_BITS = 18  # a term's key inside its shard file: 3 digits
KEY_CHARS = 3
ID_CHARS = 5  # 30 bits: the day since 1970 (20 bits) and a slot in the day (10 bits)
_SLOTS_PER_HOUR = 42  # 24 × 42 ≤ 1024 slots: the hour, then a hash of the URL
# A posting after the key is two digits, 12 bits: the weight (4 bits) and a filter of the
# syllables that follow the term in the article (8 bits), which tells phrases apart.
WEIGHT_BITS, NEXT_BITS = 4, 8
MAX_WEIGHT = (1 << WEIGHT_BITS) - 1
ARTICLES_PER_FILE = 20  # shard files hold the terms of about this many articles (~40 kB)
MAX_FILE_BITS = 12
MAX_TEXT_CHARS = 1500  # of an article's text kept for excerpts; the summary stands in after
FORMAT_VERSION = 1

# What a search result ranks by: BM25 with these usual constants, the length of an article
# measured against a fixed typical length so that each article's weights are its own.
_K1, _B, _TYPICAL_LENGTH = 1.2, 0.75, 400
# How much a word counts in each field, against once in the body.
_TITLE_BOOST, _SUMMARY_BOOST, _LOCALITY_BOOST = 4, 2, 3

_TOKEN = re.compile(r"[^\W_]+")
LOCALITY_TERM = "l:"  # prefixes that no folded syllable can contain
TOPIC_TERM = "t:"


@dataclass(frozen=True)
class SearchEntry:
    """One article's share of the index; picklable, made from the article's own fields only."""

    url: str
    id: int  # preferred; search_files moves it up when another article has it already
    fragments: tuple[bytes, ...]  # one per shard file; b"" where the article has no term in it
    document: bytes  # the JSON a result shows
    digest: bytes  # of everything above, for the index's version


def terms(text: str) -> list[str]:
    """Folded syllables of a text, in order: what the index and the browser both match."""
    return _TOKEN.findall(fold(text))


@functools.lru_cache(maxsize=1 << 16)  # the same syllables, over and over
def term_hash(term: str) -> int:
    return zlib.crc32(term.encode("utf-8"))


def file_bits_for(article_count: int) -> int:
    """How many bits of a term's hash pick its shard file: about ARTICLES_PER_FILE a file.

    It changes only when the site doubles in size (then every entry is made again)."""
    bits = 0
    while bits < MAX_FILE_BITS and article_count >= ARTICLES_PER_FILE * 3 << bits >> 1:
        bits += 1
    return bits


def index_article(*, url: str, title: str, date: dt.datetime, locality_labels: tuple[str, ...], locality_slugs: tuple[str, ...],
                  topic_slugs: tuple[str, ...], summary: str, text: str,
                  file_bits: int) -> SearchEntry:
    """The index entry of one article.

    `locality_slugs` are every locality the article is listed under (its own and those above
    them), so that filtering by a district finds its communes' articles; `text` is the plain
    text of the body; `file_bits` comes from `file_bits_for`.
    """
    counts: Counter = Counter()
    following: dict[str, int] = {}
    length = 0
    fields = [(_TITLE_BOOST, title, True), (_SUMMARY_BOOST, summary, False), (1, text, True)]
    fields += [(_LOCALITY_BOOST, label, False) for label in locality_labels]
    for boost, field, is_counted in fields:  # the article's length: its title and body
        field_terms = terms(field)
        length += len(field_terms) if is_counted else 0
        found = Counter(field_terms)  # counted in C, then weighted
        if boost != 1:
            found = {term: count * boost for term, count in found.items()}
        counts.update(found)
        get = following.get
        for term, after in zip(field_terms, map(next_bit, field_terms[1:])):
            following[term] = get(term, 0) | after
    norm = _K1 * (1 - _B + _B * length / _TYPICAL_LENGTH)
    weight = functools.lru_cache(maxsize=None)(lambda count: _weight(count, norm))
    postings = {term: encode(weight(count) << NEXT_BITS | following.get(term, 0), 2)
                for term, count in counts.items()}
    for slug in locality_slugs:
        postings[LOCALITY_TERM + slug] = encode(1 << NEXT_BITS, 2)
    for slug in topic_slugs:
        postings[TOPIC_TERM + slug] = encode(1 << NEXT_BITS, 2)
    preferred_id = _preferred_id(date, url)
    fragments = _fragments(postings, encode(preferred_id, ID_CHARS), file_bits)
    document = json.dumps({"u": url, "t": title, "d": date.date().isoformat(),
                           "l": list(locality_labels), "s": summary, "x": _cut(text),
                           **({"c": 1} if len(text) > MAX_TEXT_CHARS else {})},
                          ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    digest = hashlib.sha256(b"".join(fragments) + document).digest()
    return SearchEntry(url, preferred_id, fragments, document, digest)


def search_files(prefix_url: str, entries) -> list[tuple[str, bytes]]:
    """Every file of the index below `prefix_url`: the manifest, shards and documents.

    All entries must have been made with the same `file_bits`."""
    entries = _with_unique_ids(entries)
    file_count = len(entries[0].fragments) if entries else 1
    columns = zip(*(entry.fragments for entry in entries)) if entries else [()]
    files = [(f"{prefix_url}s/{number}.txt", b"".join(column))
             for number, column in enumerate(columns)]
    version = hashlib.sha256(b"".join(entry.digest for entry in entries)).hexdigest()[:12]
    manifest = {"format": FORMAT_VERSION, "version": version, "documents": len(entries),
                "file_bits": file_count.bit_length() - 1, "key_bits": KEY_BITS,
                "id_chars": ID_CHARS, "next_bits": NEXT_BITS}
    files.insert(0, (f"{prefix_url}index.json",
                     json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()))
    files += [(f"{prefix_url}d/{encode(entry.id, ID_CHARS)}.json", entry.document)
              for entry in entries]
    return files


def site_search_files(site) -> list[tuple[str, bytes]]:
    """The index of a built Site model."""
    bits = file_bits_for(len(site.articles))
    return search_files(site.urls.search_index(),
                        [index_site_article(site, article, bits) for article in site.articles])


def site_entry_inputs(site, article) -> dict:
    """What the entry of one of the Site's articles is made from (a build cache key hashes it)."""
    return dict(url=article.url, title=article.title, date=article.date,
                locality_labels=tuple(locality.label for locality in article.localities),
                locality_slugs=tuple(with_ancestors(article.locality_slugs, site.localities)),
                topic_slugs=tuple(topic.slug for topic in article.topics),
                summary=article.summary, text=article.text)


def index_site_article(site, article, file_bits: int) -> SearchEntry:
    return index_article(**site_entry_inputs(site, article), file_bits=file_bits)


@functools.lru_cache(maxsize=1 << 16)
def encode(number: int, width: int) -> str:
    """`number` in base64url digits, most significant first, exactly `width` digits."""
    digits = []
    for _place in range(width):
        digits.append(DIGITS[number & 63])
        number >>= 6
    return "".join(reversed(digits))


@functools.lru_cache(maxsize=1 << 16)
def next_bit(term: str) -> int:
    """The bit a following syllable sets in its predecessor's filter."""
    return 1 << ((term_hash(term) & 0xFFFF) % NEXT_BITS)


def _cut(text: str) -> str:
    if len(text) <= MAX_TEXT_CHARS:
        return text
    cut = text[:MAX_TEXT_CHARS + 1]  # ends at a word's end when it ends with a space
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return cut[:space].rstrip() if space > 0 else text[:MAX_TEXT_CHARS]


def _weight(count: int, norm: float) -> int:
    """BM25's term-frequency part, scaled to 1..MAX_WEIGHT."""
    score = count * (_K1 + 1) / (count + norm)
    return max(1, min(MAX_WEIGHT, round(score / (_K1 + 1) * MAX_WEIGHT)))


def _preferred_id(date: dt.datetime, url: str) -> int:
    """Newer articles get larger ids: the day (UTC), then the hour, then 42 slots by URL."""
    moment = date.astimezone(dt.timezone.utc)
    day = min(max(0, (moment.date() - dt.date(1970, 1, 1)).days), (1 << 20) - 1)
    return (day << 10) | (moment.hour * _SLOTS_PER_HOUR + term_hash(url) % _SLOTS_PER_HOUR)


def _fragments(postings: dict[str, str], id_text: str, file_bits: int) -> tuple[bytes, ...]:
    files: dict[int, list[str]] = {}
    key_shift = 32 - file_bits - KEY_BITS
    key_mask = (1 << KEY_BITS) - 1
    for term, posting in postings.items():
        value = term_hash(term)
        files.setdefault(value >> (32 - file_bits), []).append(
            encode((value >> key_shift) & key_mask, KEY_CHARS) + posting)
    empty = b""
    return tuple(f"{id_text}{''.join(sorted(files[n]))}\n".encode() if n in files else empty
                 for n in range(1 << file_bits))


def _with_unique_ids(entries) -> list[SearchEntry]:
    """Entries in id order; an id taken already (rare: same hour, same slot) moves up."""
    result, taken = [], set()
    for entry in sorted(entries, key=lambda e: (e.id, e.url)):
        new_id = entry.id
        while new_id in taken:
            new_id += 1
        taken.add(new_id)
        if new_id != entry.id:
            id_text = encode(new_id, ID_CHARS).encode()
            entry = SearchEntry(entry.url, new_id, tuple(
                id_text + fragment[ID_CHARS:] if fragment else fragment
                for fragment in entry.fragments), entry.document, entry.digest)
        result.append(entry)
    return result

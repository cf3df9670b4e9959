#!/usr/bin/env python3
"""Size and speed of the search index on a synthetic corpus, and the bytes each query downloads.

    python bench/search_index.py [--articles 5000] [--words 600] [--queries 200]

Articles are written from a vocabulary of Vietnamese-like syllables drawn with Zipf's law (as
words are in real text, so that "và", "của" and "người" are in nearly every article), with
common two-syllable words kept together. It prints:

- the time of `index_article` per article and of `search_files` for all of them (the second is
  what an incremental build pays when every article's entry comes from the cache);
- the total size of the index and the number of files;
- for typical two-word queries (two adjacent syllables of a random article), the bytes the
  search page downloads: the manifest, the shard files the terms live in, and the documents of
  the first ten results — the median, the 90th percentile and the largest.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bantin import search  # noqa: E402

ONSETS = "b c ch d đ g gi h k kh l m n ng nh p ph qu r s t th tr v x".split() + [""]
RHYMES = ("a ai am an ang anh ao au ay e em en eng êu i ia im in inh iu o oi om on ong "
          "ô ôi ôm ôn ông ơ ơi ơm ơn u ui um un ung uy uyên ư ưa ưng ươi ương ươn").split()
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    import unicodedata
    words = set()
    while len(words) < size:
        onset, rhyme, tone = rng.choice(ONSETS), rng.choice(RHYMES), rng.choice(TONES)
        # the tone mark on the first vowel: good enough for a synthetic corpus
        syllable = onset + rhyme[0] + tone + rhyme[1:]
        words.add(unicodedata.normalize("NFC", syllable))
    return sorted(words)


def make_corpus(count: int, words: int, seed: int = 11):
    rng = random.Random(seed)
    syllables = vocabulary(rng, 4000)
    rng.shuffle(syllables)
    weights = [1 / (rank + 1) for rank in range(len(syllables))]
    # two-syllable words: the next syllable often follows the first
    follows = {s: rng.choice(syllables[:800]) for s in syllables[:2000]}
    start = dt.datetime(2020, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    articles = []
    for number in range(count):
        text = []
        while len(text) < words:
            word = rng.choices(syllables, weights)[0]
            text.append(word)
            if word in follows and rng.random() < 0.5:
                text.append(follows[word])
        sentences = [" ".join(text[i:i + 15]).capitalize() + "." for i in range(0, len(text), 15)]
        title = " ".join(rng.choices(syllables[:1500], k=9)).capitalize()
        articles.append(dict(
            url=f"bai-viet/bai-{number}/", title=title,
            date=start + dt.timedelta(hours=7 * number),
            locality_labels=(f"phường {number % 126}",),
            locality_slugs=(f"phuong-{number % 126}", f"quan-{number % 30}", "ha-noi"),
            topic_slugs=(f"chu-de-{number % 5}",), summary=" ".join(text[:25]),
            text="\n".join(sentences)))
    return articles


def query_bytes(files: dict[str, int], manifest: dict, query: list[str], documents) -> int:
    """What the search page fetches for `query`: manifest, shard files, ten documents
    (`files` gives each file's size)."""
    bits = manifest["file_bits"]
    numbers = {search.term_hash(term) >> (32 - bits) if bits else 0 for term in query}
    total = files["search/index.json"]
    total += sum(files[f"search/s/{number}.txt"] for number in numbers)
    total += sum(files[f"search/d/{doc}.json"] for doc in documents[:10])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    corpus = make_corpus(args.articles, args.words)
    started = time.perf_counter()
    file_bits = search.file_bits_for(len(corpus))
    entries = [search.index_article(**article, file_bits=file_bits) for article in corpus]
    indexed = time.perf_counter() - started
    timings = []
    for _ in range(5):
        started = time.process_time()  # this process's CPU time: a busy machine counts less
        output = search.search_files("search/", entries)
        timings.append(time.process_time() - started)
    files = dict(output)
    import json
    manifest = json.loads(files["search/index.json"])
    total = sum(map(len, files.values()))
    shards = [len(v) for k, v in files.items() if "/s/" in k]
    print(f"{args.articles} articles of ~{args.words} words")
    print(f"index_article: {indexed / len(entries) * 1000:.2f} ms per article "
          f"({indexed:.1f} s in all)")
    print(f"search_files: median {statistics.median(timings) * 1000:.0f} ms "
          f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}) over 5 runs")
    print(f"index: {total / 1e6:.1f} MB in {len(files)} files; {len(shards)} shard files of "
          f"{statistics.median(shards) / 1000:.1f} kB median, {max(shards) / 1000:.1f} kB largest; "
          f"documents {statistics.median(len(v) for k, v in files.items() if '/d/' in k) / 1000:.1f} kB median")
    rng = random.Random(5)
    by_id = sorted(((entry.id, entry.url) for entry in search._with_unique_ids(entries)),
                   reverse=True)
    term_sets = {article["url"]: set(search.terms(article["title"] + " " + article["text"]))
                 for article in corpus}
    raw = {url: len(data) for url, data in files.items()}
    gzipped = {url: len(gzip.compress(data, 6)) for url, data in files.items()}
    frequency = Counter(word for words in term_sets.values() for word in words)
    common = {word for word, _ in frequency.most_common(100)}
    for kind in ("any two adjacent syllables", "no syllable among the 100 most frequent"):
        sizes = {"uncompressed": [], "gzip": []}
        while len(sizes["gzip"]) < args.queries:
            article = rng.choice(corpus)
            words = search.terms(article["text"])
            start = rng.randrange(len(words) - 1)
            query = words[start:start + 2]
            if kind.startswith("no") and set(query) & common:
                continue
            found = [search.encode(doc_id, search.ID_CHARS) for doc_id, url in by_id
                     if all(word in term_sets[url] for word in query)]
            sizes["uncompressed"].append(query_bytes(raw, manifest, query, found))
            sizes["gzip"].append(query_bytes(gzipped, manifest, query, found))
        print(f"two-word queries, {kind} ({args.queries}):")
        for name, values in sizes.items():
            values.sort()
            print(f"  {name}: median {statistics.median(values) / 1000:.0f} kB, 90th percentile "
                  f"{values[int(len(values) * 0.9)] / 1000:.0f} kB, largest {values[-1] / 1000:.0f} kB")


if __name__ == "__main__":
    main()

"""The stages as the build runs them: each pure stage behind the build cache, spread over
processes when there is enough work. `pipeline.py` calls them in order."""
from __future__ import annotations

import io
import os
import pickle
from dataclasses import fields, replace
from pathlib import Path

from . import search
from .cache import STAMP, BuildCache, digest, key_of
from .config import SiteConfig
from .content import (CONTENT_DIR, Content, RejectedBody, list_content, parse_source,
                      read_article_bytes)
from .digests import ArchiveMonth, ArchiveYear, Digest, DigestGroup, DigestLink
from .localities import LocalityIndex
from .markup import MarkdownRenderer, Markup, conversion_key, convert
from .messages import _
from .model import Locality, Shared, Site, TreeNode
from .output import OutputState
from .parallel import jobs_for, run_chunks, split
from .problems import Problem
from .render import (Page, PageSpec, Renderer, find_url_clashes, page_context, plain_files,
                     plan_pages, site_files, sitemap_files)
from .text import strip_control_characters
from .theme import Theme
from .urls import SITEMAP_URL
from .validate import Article, BuildOptions, is_published, validate_article

SITE_TEMPLATES_DIR = "templates"


# --- stages 2 and 3: read and validate, by each file's content -------------------------------

def config_fingerprint(config: SiteConfig) -> bytes:
    """A hash of the settings, wherever the project lies (a clone elsewhere is the same site)."""
    return digest(pickle.dumps(replace(config, project_path=Path(".")), protocol=5))


def read_articles(project_path: Path, config: SiteConfig, index: LocalityIndex,
                  cache: BuildCache, inputs) -> tuple[Content, list[Article], list[Problem]]:
    """Every article under content/ read and validated; a file seen before is not parsed again.

    An article's entry is keyed by its path, its bytes and the whole site configuration, so
    a changed locality list re-validates every article.
    """
    problems: list[Problem] = []
    markdown_files, content = list_content(project_path, problems)
    config_key = config_fingerprint(config)
    keys = {}
    for path, rel_path in markdown_files:
        try:
            keys[rel_path] = key_of(config_key, rel_path, inputs.file_key(str(path), os.stat(path)))
        except OSError:
            pass
    entries = cache.get_many("article", keys.values())
    articles, rejected = [], []
    for path, rel_path in markdown_files:
        entry = entries.get(keys.get(rel_path))
        if entry is None:
            entry = _read_article(path, rel_path, config, index, config_key, cache)
        article, found, body = entry
        problems += found
        if article is not None:
            articles.append(article)
        elif body is not None:
            rejected.append(body)
    return replace(content, rejected=tuple(rejected)), articles, problems


def _read_article(path: Path, rel_path: str, config: SiteConfig, index: LocalityIndex,
                  config_key: bytes, cache: BuildCache) -> tuple:
    """(Article or None, problems, RejectedBody or None) of one file, read and validated, and
    kept in the cache; the body of an article with errors in its front matter is kept to be
    checked all the same."""
    shown = f"{CONTENT_DIR}/{rel_path}"
    file_problems: list[Problem] = []
    data = read_article_bytes(path, shown, file_problems)
    if data is None:
        return None, tuple(file_problems), None
    article = rejected = None
    source = parse_source(data, rel_path, shown, file_problems)
    if source is not None:
        article, found = validate_article(source, config, index)
        file_problems += found
        if article is None:
            rejected = RejectedBody(shown, rel_path, strip_control_characters(source.body),
                                    source.body_line)
    entry = (article, tuple(file_problems), rejected)
    cache.put("article", key_of(config_key, rel_path, digest(data)), entry)
    return entry


# --- Markdown, by each body's hash, in parallel ----------------------------------------------

def convert_articles(articles: list[Article], config: SiteConfig, options: BuildOptions,
                     cache: BuildCache, jobs: int, timings, rejected=()) -> dict[str, Markup]:
    """The converted body of every published article, and of each RejectedBody (to check its
    links and images), by rel_path."""
    bodies = {a.rel_path: a.body for a in articles if is_published(a, options)}
    bodies.update((r.rel_path, r.body) for r in rejected)
    keys = {rel: conversion_key(body, config.html) for rel, body in bodies.items()}
    found = cache.get_many("markup", set(keys.values()))
    missing = sorted({key: rel for rel, key in keys.items() if key not in found}.items())
    if missing:
        texts = [bodies[rel] for _key, rel in missing]
        workers = jobs_for(jobs, len(texts))
        if workers > 1:
            converted = [m for chunk in run_chunks(_convert_chunk, split(
                [(config.html, text) for text in texts], workers), workers) for m in chunk]
        else:
            renderer = MarkdownRenderer(config.html)
            converted = [convert(renderer, text) for text in texts]
        for (key, _rel), markup in zip(missing, converted):
            found[key] = markup
            cache.put("markup", key, markup)
    timings.counts["markdown_converted"] = len(missing)
    timings.counts["markdown_reused"] = len(keys) - len(missing)
    return {rel: found[key] for rel, key in keys.items()}


def _convert_chunk(items) -> list[Markup]:
    renderers = {}
    result = []
    for policy, text in items:
        renderer = renderers.get(policy) or renderers.setdefault(policy, MarkdownRenderer(policy))
        result.append(convert(renderer, text))
    return result


# --- stage 5: render what changed --------------------------------------------------------------

def render_pages(site: Site, theme: Theme, project_path: Path, cache: BuildCache, jobs: int,
                 timings, previous: dict | None, output: OutputState | None):
    """(pages, files, problems): every page, rendered only when what it is made from changed.

    A page's key hashes the Bản tin version, every template, static file and UI string of the
    theme, the site configuration, the page's spec and the values its template gets (articles
    by the hash of all they hold but their bodies). What a template read beyond that is
    recorded when it renders and checked before its page is reused: the bodies of the articles
    whose body it read, and the whole Site when it read `site` itself.
    """
    files = site_files(site, theme, project_path)
    specs = plan_pages(site)
    base = key_of(STAMP, _theme_fingerprint(theme, project_path), config_fingerprint(site.config))
    hasher = _ContextHasher(site)
    keys = [hasher.key(base, spec) for spec in specs]
    entries = cache.get_many("page", keys)
    site_key = None
    pages: list[Page | None] = [None] * len(specs)
    todo = []
    for index, (spec, key) in enumerate(zip(specs, keys)):
        entry = entries.get(key)
        if entry is not None and entry[2] is not None:  # the template read the whole Site
            site_key = site_key or hasher.site_key()
            if entry[2] != site_key:
                entry = None
        if entry is not None and entry[3] is not None:  # it read the bodies of articles
            urls, bodies = entry[3]
            if bodies != hasher.bodies_key(urls):
                entry = None
        content = _unchanged(entry, spec.url, previous, output, cache)
        if content is not None:
            page_digest, size = entry[:2]
            pages[index] = Page(spec.url, content or None, spec.origin, page_digest, size)
        else:
            todo.append(index)
    problems: list[Problem] = []
    rendered = _render(site, theme, project_path, files, [specs[i] for i in todo], jobs)
    for index, (content, used_site, bodies_read, found) in zip(todo, rendered):
        _merge_problems(problems, found)
        if content is None:
            continue
        page = Page(specs[index].url, content, specs[index].origin)
        pages[index] = page
        if used_site:
            site_key = site_key or hasher.site_key()
        cache.put("page", keys[index], (page.digest, page.size, site_key if used_site else None,
                                        (bodies_read, hasher.bodies_key(bodies_read))
                                        if bodies_read else None))
    pages_done = [page for page in pages if page is not None]
    pages_done += plain_files(site) + search_pages(site, cache, jobs, timings)
    # The sitemap lists every page: made again only when a URL or a date in it changes.
    sitemap_key = key_of(base, "sitemap", [(spec.url, spec.kind, spec.lastmod) for spec in specs])
    entry = cache.get("page", sitemap_key)
    content = _unchanged(entry, SITEMAP_URL, previous, output, cache)
    if content is None:
        sitemap, robots = sitemap_files(site, specs)
        cache.put("page", sitemap_key, (sitemap.digest, sitemap.size, None))
    else:
        sitemap = Page(SITEMAP_URL, content or None, _("sitemap"), entry[0], entry[1])
        robots = sitemap_files(site, [])[1]
    pages_done += [sitemap, robots]
    timings.counts["pages_rendered"] = len(todo)
    timings.counts["pages_reused"] = len(specs) - len(todo)
    problems += find_url_clashes(pages_done, files)
    return pages_done, files, problems


def search_pages(site: Site, cache: BuildCache, jobs: int, timings) -> list[Page]:
    """The search index: each article's entry made once (by its inputs' hash), then laid out."""
    bits = search.file_bits_for(len(site.articles))
    inputs = [search.site_entry_inputs(site, article) for article in site.articles]
    keys = [key_of(STAMP, bits, sorted(values.items())) for values in inputs]
    found = cache.get_many("search", keys)
    missing = [index for index, key in enumerate(keys) if key not in found]
    workers = jobs_for(jobs, len(missing))
    if workers > 1:
        made = [e for chunk in run_chunks(_index_chunk, split(
            [(inputs[i], bits) for i in missing], workers), workers) for e in chunk]
    else:
        made = [search.index_article(**inputs[i], file_bits=bits) for i in missing]
    for index, entry in zip(missing, made):
        found[keys[index]] = entry
        cache.put("search", keys[index], entry)
    timings.counts["search_entries_made"] = len(missing)
    return [Page(url, data, "search index") for url, data in
            search.search_files(site.urls.search_index(), [found[key] for key in keys])]


def _index_chunk(items) -> list:
    return [search.index_article(**values, file_bits=bits) for values, bits in items]


def _unchanged(entry, url: str, previous: dict | None, output, cache: BuildCache):
    """The bytes of a page known unchanged, b"" when the output already holds them (or
    nothing is written), or None when it must be rendered after all."""
    if entry is None:
        return None
    page_digest, size = entry[:2]
    if previous is not None:  # the preview: pages are kept in memory
        content = previous.get(url)  # made by this process: its size is check enough
        return content if content is not None and len(content) == size else None
    if output is None or output.holds(url, page_digest):
        return b""
    return cache.read_page(page_digest)  # checked against its hash: None when damaged


def _render(site, theme, project_path, files, specs: list[PageSpec], jobs: int) -> list:
    """[(bytes or None, whether the template read `site`, problems)] for each spec."""
    # Each worker is sent the whole Site first: worth it only for a good share of the pages.
    workers = jobs_for(jobs, len(specs)) if len(specs) >= len(site.articles) // 2 else 1
    if workers <= 1:
        renderer = Renderer(site, theme, project_path, files)
        return [renderer.render_recorded(spec) for spec in specs]
    chunks = split(specs, workers)
    results = run_chunks(_render_chunk, chunks, workers, _start_renderer,
                         (pickle.dumps((site, theme, project_path, files), protocol=5),))
    return [result for chunk in results for result in chunk]


_worker_renderer: Renderer | None = None  # one per worker process, made by its initializer


def _start_renderer(payload: bytes) -> None:
    global _worker_renderer
    site, theme, project_path, files = pickle.loads(payload)
    _worker_renderer = Renderer(site, theme, project_path, files)


def _render_chunk(specs) -> list:
    return [_worker_renderer.render_recorded(spec) for spec in specs]


def _merge_problems(problems: list[Problem], found) -> None:
    """A template mistake met on many pages is listed once, with the first page it broke."""
    for problem in found:
        tail = problem.message.rsplit("): ", 1)[-1]
        if not any(p.path == problem.path and p.line == problem.line and
                   p.message.rsplit("): ", 1)[-1] == tail for p in problems):
            problems.append(problem)


def _theme_fingerprint(theme: Theme, project_path: Path) -> bytes:
    """A hash of every file the templates may read: the site's templates/, each theme folder."""
    parts = []
    folders = [project_path / SITE_TEMPLATES_DIR] + [folder for _name, folder in theme.chain]
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    parts.append((path.relative_to(project_path).as_posix(),
                                  digest(path.read_bytes())))
    return key_of(tuple(parts), theme.strings)


class _ContextHasher:
    """Page keys: the spec and its context, hashed with every Article — and every value many
    pages share (digests, archive months, tree nodes, localities) — standing in by its own hash.

    The stand-ins go through the pickler's dispatch table, so plain values (text, numbers,
    tuples) are hashed at the C pickler's speed and only the shared values call back here.
    """

    _SHARED = (Digest, DigestLink, ArchiveYear, ArchiveMonth, DigestGroup, TreeNode, Locality,
               Shared)

    def __init__(self, site: Site):
        self.site = site
        self.memo: dict[int, bytes] = {}
        self._keep = []  # the values hashed by id, so that no other value takes their id
        self._table = {kind: self._reduce_shared for kind in self._SHARED}
        self._table[Article] = self._reduce_article
        self.bodies: dict[str, bytes] = {}  # article URL → hash of its body
        for article in site.articles:
            picture = site.pictures.get(article.image_url) if article.image_url else None
            card = replace(article, body="", body_html="", text="")
            self.memo[id(article)] = digest(self._dumps((card, picture), {}))
            self.bodies[article.url] = digest(self._dumps((article.body, article.body_html,
                                                           article.text), {}))

    def key(self, base: bytes, spec: PageSpec) -> bytes:
        return digest(base + self._dumps((spec.url, spec.template, spec.kind, spec.args,
                                          page_context(self.site, spec))))

    def bodies_key(self, urls) -> bytes:
        """A hash of the bodies of the articles at `urls` (b"" for one that is gone)."""
        return digest(b"".join(self.bodies.get(url, b"-") for url in urls))

    def site_key(self) -> bytes:
        site = self.site
        return digest(self._dumps((site.articles, site.localities, site.children,
                                   site.locality_articles, site.topics, site.topic_articles,
                                   site.digests, site.locality_digests, site.archive,
                                   site.related, site.pictures, site.files, site.build_time,
                                   site.excluded_count)))

    def _reduce_article(self, article):
        return bytes, (self.memo[id(article)],)


    def _reduce_shared(self, value):
        found = self.memo.get(id(value))
        if found is None:
            self._keep.append(value)
            parts = list(value) if isinstance(value, Shared) else \
                [getattr(value, f.name) for f in fields(value)]
            found = self.memo[id(value)] = digest(self._dumps([type(value).__name__, *parts]))
        return bytes, (found,)

    def _dumps(self, value, table=None) -> bytes:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=5)
        # Without the memo, the bytes depend on the values only, not on which of them happen
        # to be one object (a value read from the cache shares less than a fresh one).
        pickler.fast = True
        pickler.dispatch_table = self._table if table is None else table
        pickler.dump(value)
        return buffer.getvalue()


def model_memo(cache: BuildCache):
    """What the model stage may reuse: a value computed from the same inputs by an earlier
    build, under a key that hashes those inputs."""
    def memo(name: str, inputs, compute):
        key = key_of(STAMP, name, inputs)
        value = cache.get("model", key)
        if value is None:
            value = compute()
            cache.put("model", key, value)
        return value
    return memo

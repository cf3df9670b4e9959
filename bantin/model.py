"""Stage 4: build the Site — articles with URLs and HTML, the locality tree, topics."""
from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote

from .config import SiteConfig
from .content import Content
from .digests import ArchiveYear, Digest, build_archive, build_digests
from .localities import with_ancestors
from markupsafe import Markup as SafeHtml

from .images import (RASTER_SUFFIXES, SVG_SUFFIX, ImageInfo, Variant, picture_html, process_image,
                     replace_images)
from .markup import Markup, MarkdownRenderer, MarkupError, shorten
from .problems import WARNING, Problem
from .text import fold, slugify, sort_key
from .urls import Urls
from .validate import Article, is_local_path, resolve_content_path


@dataclass(eq=False)
class Locality:
    """A place in the tree. Built once by this stage and not changed after."""

    slug: str
    name: str
    kind: str
    description: str
    url: str
    parent: Locality | None = field(default=None, repr=False)
    children: list[Locality] = field(default_factory=list, repr=False)
    articles: list[Article] = field(default_factory=list, repr=False)  # own and descendants'
    digests: list = field(default_factory=list, repr=False)  # digests listing any of those

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}" if self.kind else self.name

    @property
    def heading(self) -> str:
        """The label for the start of a heading: "Huyện Ba Vì"."""
        return self.label[:1].upper() + self.label[1:]

    @property
    def ancestors(self) -> list[Locality]:
        """From the root down to the parent."""
        chain, node = [], self.parent
        while node is not None:
            chain.insert(0, node)
            node = node.parent
        return chain


@dataclass(eq=False)
class Topic:
    slug: str
    name: str
    description: str
    url: str
    articles: list[Article] = field(default_factory=list, repr=False)


@dataclass(frozen=True)
class Published:
    """A file copied as it is: an image beside an article, a theme stylesheet."""

    url: str
    source_path: Path
    origin: str  # what put it there, for problems ("content/2024/a.png")


@dataclass(frozen=True)
class Picture:
    """A local image with what it takes to show it responsively."""

    url: str  # site URL of the original
    info: ImageInfo
    variant_urls: tuple[str, ...]  # site URLs, in the order of info.variants

    def variant_url(self, variant: Variant) -> str:
        return self.variant_urls[self.info.variants.index(variant)]

    def html(self, urls: Urls, alt: str, lazy: bool = True, **sizes) -> SafeHtml:
        """<picture> with every width in WebP and the original format, sized to avoid shifts."""
        return picture_html(self.info, urls.link(self.url),
                            lambda variant: urls.link(self.variant_url(variant)), alt, lazy=lazy,
                            **sizes)


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    urls: Urls
    articles: tuple[Article, ...]  # newest first, then by slug
    localities: dict[str, Locality]  # every locality by slug, in Vietnamese order
    root_localities: tuple[Locality, ...]
    topics: tuple[Topic, ...]  # in Vietnamese order
    digests: tuple[Digest, ...]  # newest first
    archive: tuple[ArchiveYear, ...]  # newest first
    related: dict[str, tuple[Article, ...]]  # by article URL
    pictures: dict[str, Picture]  # every image an article shows, by the original's site URL
    files: tuple[Published, ...]
    build_time: dt.datetime
    excluded_count: int = 0  # drafts and future articles left out


_RELATED_SCAN = 200  # newest articles of each locality and topic considered as related


@dataclass(frozen=True)
class BuildOptions:
    build_time: dt.datetime
    include_drafts: bool = False
    include_future: bool = False
    cache_path: Path | None = None  # where resized images are kept between builds


def build_site(config: SiteConfig, parents: dict, articles: list[Article], content: Content,
               options: BuildOptions) -> tuple[Site, list[Problem]]:
    """Put the validated articles into the site's structure; report what only the whole shows."""
    problems: list[Problem] = []
    urls = Urls(config.language, config.base_url, config.base_path)
    published = [a for a in articles if _is_published(a, options)]
    published.sort(key=lambda a: (-a.date.timestamp(), a.slug))
    article_urls = {a.rel_path: urls.article(a.slug) for a in published}
    file_urls = _content_file_urls(content, published, article_urls)
    hidden_paths = (content.article_paths | {a.rel_path for a in articles}) - set(article_urls)
    localities = _build_localities(config, parents, urls)
    topics = _build_topics(config, published, urls)
    topic_forms = _topic_forms(topics)
    renderer = MarkdownRenderer(config.html)
    pictures = _Pictures(file_urls, options.cache_path, urls)
    final = []
    for article in published:
        article = _with_html(article, urls, article_urls, file_urls, hidden_paths, problems,
                             renderer, pictures)
        article = replace(article,
                          localities=tuple(localities[s] for s in article.locality_slugs),
                          topics=tuple(topics[s] for s in _topic_slugs(article, topic_forms)))
        final.append(article)
        _add_to_localities(article, localities)
        for topic in article.topics:
            topic.articles.append(article)
    files = tuple(Published(url, path, f"content/{rel}") for rel, (url, path) in
                  sorted(file_urls.items())) + pictures.variant_files()
    roots = tuple(l for l in localities.values() if l.parent is None)
    ordered_topics = tuple(sorted(topics.values(), key=lambda t: sort_key(t.name)))
    period = "week" if config.digest_period == "weekly" else "month"
    digests = build_digests(final, localities, period, urls)
    _link_digests(digests)
    site = Site(config, urls, tuple(final), localities, roots, ordered_topics, digests,
                build_archive(final, urls), _related(final, config.related_count),
                pictures.by_url, files,
                options.build_time, len(articles) - len(published))
    return site, problems


def _link_digests(digests) -> None:
    """Tell each locality which digests list its articles (or its descendants')."""
    for digest in digests:
        for locality in with_ancestors(l for a in digest.articles for l in a.localities):
            locality.digests.append(digest)


def _related(articles, count: int) -> dict[str, tuple[Article, ...]]:
    """Up to `count` articles sharing the most localities and topics, newest first on ties."""
    if count == 0:
        return {}
    by_locality: dict[str, list] = {}
    by_topic: dict[str, list] = {}
    for article in articles:
        for slug in article.locality_slugs:
            by_locality.setdefault(slug, []).append(article)
        for topic in article.topics:
            by_topic.setdefault(topic.slug, []).append(article)
    position = {article.url: index for index, article in enumerate(articles)}
    related = {}
    for article in articles:
        scores: dict[str, int] = {}
        for slug in article.locality_slugs:
            for other in by_locality[slug][:_RELATED_SCAN]:
                scores[other.url] = scores.get(other.url, 0) + 2
        for topic in article.topics:
            for other in by_topic[topic.slug][:_RELATED_SCAN]:
                scores[other.url] = scores.get(other.url, 0) + 1
        scores.pop(article.url, None)
        best = sorted(scores, key=lambda url: (-scores[url], position[url]))[:count]
        best.sort(key=position.get)
        related[article.url] = tuple(articles[position[url]] for url in best)
    return related


def _is_published(article: Article, options: BuildOptions) -> bool:
    if article.is_draft and not options.include_drafts:
        return False
    return options.include_future or article.date <= options.build_time


def _content_file_urls(content: Content, articles, article_urls) -> dict:
    """{content rel_path: (site URL, path)} for every non-Markdown file under content/.

    A file inside an article's bundle folder is published beside that article's page, so
    `![](chart.svg)` in `slug/index.md` works; any other file keeps its place under content/.
    """
    bundles = {posixpath.dirname(a.rel_path): article_urls[a.rel_path] for a in articles
               if posixpath.basename(a.rel_path) in ("index.md", "index.markdown")}
    result = {}
    for static in content.static_files:
        url = static.rel_path
        folder = posixpath.dirname(static.rel_path)
        while folder:
            if folder in bundles:
                url = bundles[folder] + posixpath.relpath(static.rel_path, folder)
                break
            folder = posixpath.dirname(folder)
        result[static.rel_path] = (url, static.source_path)
    return result


class _Pictures:
    """Processes each image an article shows, once per build (and once ever, by the cache)."""

    def __init__(self, file_urls: dict, cache_path: Path | None, urls: Urls):
        self.file_urls = file_urls
        self.cache_path = cache_path
        self.urls = urls
        self.by_url: dict[str, Picture] = {}
        self.unreadable: set[str] = set()
        self._sources: dict[str, str] = {}  # site URL → content rel_path

    def for_file(self, rel_path: str) -> Picture | None:
        site_url, source_path = self.file_urls[rel_path]
        suffix = posixpath.splitext(rel_path)[1].lower()
        if suffix not in RASTER_SUFFIXES + (SVG_SUFFIX,) or self.cache_path is None:
            return None
        if site_url in self.by_url or site_url in self.unreadable:
            return self.by_url.get(site_url)
        info = process_image(source_path, self.cache_path)
        if info is None:
            self.unreadable.add(site_url)
            return None
        folder = posixpath.dirname(site_url)
        variant_urls = tuple(f"{folder}/{v.rel_path}" if folder else v.rel_path
                             for v in info.variants)
        self.by_url[site_url] = Picture(site_url, info, variant_urls)
        self._sources[site_url] = rel_path
        return self.by_url[site_url]

    def html(self, site_url: str, alt: str, lazy: bool = True) -> SafeHtml | None:
        picture = self.by_url.get(site_url)
        return picture.html(self.urls, alt, lazy) if picture else None

    def variant_files(self) -> tuple[Published, ...]:
        return tuple(Published(url, variant.cache_path, f"content/{self._sources[site_url]}")
                     for site_url, picture in sorted(self.by_url.items())
                     for url, variant in zip(picture.variant_urls, picture.info.variants))


def _with_html(article: Article, urls: Urls, article_urls, file_urls, hidden_paths, problems,
               renderer: MarkdownRenderer, pictures: _Pictures):
    folder = posixpath.dirname(article.rel_path)

    def rewrite(tag: str, target: str) -> str | None:
        if "\\" in target and not target.lower().startswith(("http://", "https://", "mailto:",
                                                             "tel:")):
            # A Windows path (..\anh.jpg, C:\anh.jpg): browsers would read it as a path too.
            _link_problem(article, target, f"{'image' if tag == 'img' else 'link'} '{target}' "
                          "uses backslashes", problems,
                          hint="write the path with forward slashes (/) from the article's "
                               "folder, as in images/anh.jpg")
            return "#"
        if target.startswith("#") or not is_local_path(target):
            return None
        path, _, fragment = target.partition("#")
        rel = resolve_content_path(folder, unquote(path))
        if rel is None:
            _link_problem(article, target, f"link '{target}' leaves content/", problems,
                          hint="only files inside content/ are published; give the path from "
                               "the article's folder to a file there")
            return "#"
        if rel in article_urls:
            site_url = article_urls[rel]
        elif rel in file_urls:
            site_url = file_urls[rel][0]
            if tag == "img":
                link_to_picture[urls.link(site_url)] = site_url
                if pictures.for_file(rel) is None and site_url in pictures.unreadable:
                    _link_problem(article, target, f"image '{target}' cannot be read as an image",
                                  problems)
        elif rel in hidden_paths:  # a draft or future article: no page to link to yet
            _link_problem(article, target, f"link to '{target}', an article that is not published "
                          "(a draft, dated in the future, or with errors)", problems, severity=WARNING)
            return "#"
        else:
            kind = "image" if tag == "img" else "file"
            _link_problem(article, target, f"{kind} '{target}' not found (looked for content/{rel})",
                          problems, hint="a path is read from the article's own folder; check "
                                         "the spelling, or start it with / to read from content/")
            return "#"
        return urls.link(site_url) + (f"#{fragment}" if fragment else "")

    link_to_picture: dict[str, str] = {}
    try:
        markup = renderer.render(article.body, rewrite)
    except MarkupError as error:
        problems.append(Problem(article.source_path, article.body_line, str(error),
                                "simplify the Markdown of this article"))
        markup = Markup("", "", ())
    body_html = replace_images(
        markup.html, lambda src, alt: pictures.html(link_to_picture[src], alt)
        if src in link_to_picture else None)
    for src, alt in markup.images:
        if not alt.strip():
            _link_problem(article, src, f"image '{src}' has no alt text", problems,
                          hint="describe the image in the brackets: ![what it shows](file)",
                          severity=WARNING)
    image = article.image
    image_url = None
    if image is not None:
        rel = resolve_content_path(folder, image.src)
        if rel in file_urls:
            image_url = file_urls[rel][0]
            if pictures.for_file(rel) is None and image_url in pictures.unreadable:
                problems.append(Problem(article.source_path, image.line,
                                        f"'image.src': '{image.src}' cannot be read as an image"))
        else:
            problems.append(Problem(article.source_path, image.line,
                                    f"'image.src': file '{image.src}' not found",
                                    "put the image beside the article and give its file name"))
        if not image.alt:
            problems.append(Problem(article.source_path, image.line, "'image' has no 'alt' text",
                                    "add `alt:` describing the image for readers who cannot see it",
                                    WARNING))
    return replace(article, summary=article.summary or shorten(markup.first_paragraph),
                   summary_is_excerpt=not article.summary,
                   url=article_urls[article.rel_path], body_html=body_html, image_url=image_url)


def _link_problem(article, target, message, problems, hint="", severity="error"):
    line = next((article.body_line + i for i, text in enumerate(article.body.split("\n"))
                 if target in text), None)
    problems.append(Problem(article.source_path, line, message, hint, severity))


def _build_localities(config: SiteConfig, parents: dict, urls: Urls) -> dict[str, Locality]:
    """The locality tree, every level in Vietnamese order, with no articles yet."""
    ordered = sorted(config.localities, key=lambda l: (sort_key(l.name), sort_key(l.kind)))
    localities = {}
    for declared in ordered:
        localities.setdefault(declared.slug, Locality(
            declared.slug, declared.name, declared.kind, declared.description,
            urls.locality(declared.slug)))
    for slug, locality in localities.items():
        parent_slug = parents.get(slug)
        if parent_slug is not None:
            locality.parent = localities[parent_slug]
            locality.parent.children.append(locality)
    return localities


def _add_to_localities(article: Article, localities: dict[str, Locality]) -> None:
    """List the article under each of its localities and every locality above them, once."""
    for locality in with_ancestors(localities[slug] for slug in article.locality_slugs):
        locality.articles.append(article)


def _build_topics(config: SiteConfig, articles, urls: Urls) -> dict[str, Topic]:
    """Declared topics, plus those articles name without declaring them."""
    topics: dict[str, Topic] = {}
    for declared in config.topics:
        topics.setdefault(declared.slug, Topic(declared.slug, declared.name, declared.description,
                                               urls.topic(declared.slug)))
    known = _topic_forms(topics)
    for article in articles:
        for name in article.topic_names:
            if fold(name) not in known:
                slug = slugify(name)
                topics.setdefault(slug, Topic(slug, name, "", urls.topic(slug)))
                known[fold(name)] = slug
    return topics


def _topic_forms(topics: dict[str, Topic]) -> dict[str, str]:
    forms = {}
    for topic in topics.values():
        forms[fold(topic.slug)] = forms[fold(topic.name)] = topic.slug
    return forms


def _topic_slugs(article: Article, forms: dict[str, str]) -> list[str]:
    slugs = []
    for name in article.topic_names:
        slug = forms[fold(name)]
        if slug not in slugs:
            slugs.append(slug)
    return slugs

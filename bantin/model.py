"""Stage 4: build the Site — articles with URLs and HTML, the locality tree, topics.

The Site is made of values and maps: a Locality knows its parent's slug, not its children or
articles; those relations live in maps on the Site (`children`, `locality_articles` …), keyed by
slug or URL. So the whole Site pickles, hashes and travels to another process, and a page can be
named by the few keys it is rendered from.
"""
from __future__ import annotations

import datetime as dt
import heapq
import posixpath
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote

from markupsafe import Markup as SafeHtml

from .config import SiteConfig
from .content import Content
from .digests import ArchiveYear, Digest, DigestLink, build_archive, build_digests
from .images import (RASTER_SUFFIXES, SVG_SUFFIX, ImageInfo, Variant, picture_html, process_image,
                     remote_image_html, replace_images)
from .markup import MarkdownRenderer, Markup, convert, shorten
from .metadata import STRIPPED_SUFFIXES, NotWellFormed, strip_location
from .localities import with_ancestors
from .messages import _
from .pages import Published
from .problems import INFO, WARNING, Problem
from .text import fold, slugify, sort_key
from .urls import Urls
from .validate import (Article, BuildOptions, is_local_path, is_published, is_remote_image,
                       resolve_content_path)


class Shared(tuple):
    """A tuple that many pages show (a locality's digests, its child nodes): a page's key
    hashes it once per build, not once per page."""

    __slots__ = ()


@dataclass(frozen=True)
class Locality:
    """A place in the tree; its children and articles are in the Site's maps."""

    slug: str
    name: str
    kind: str
    description: str
    url: str
    parent_slug: str | None = None

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}" if self.kind else self.name

    @property
    def heading(self) -> str:
        """The label for the start of a heading: "Huyện Ba Vì"."""
        return self.label[:1].upper() + self.label[1:]


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str
    url: str


@dataclass(frozen=True)
class TreeNode:
    """A locality as a tree shows it: with its article count and the nodes below it."""

    locality: Locality
    article_count: int
    children: tuple[TreeNode, ...] = ()

    @property
    def url(self) -> str:
        return self.locality.url

    @property
    def label(self) -> str:
        return self.locality.label


@dataclass(frozen=True)
class TopicCount:
    topic: Topic
    article_count: int

    @property
    def url(self) -> str:
        return self.topic.url


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
    children: dict[str, tuple[str, ...]]  # slug → child slugs, in Vietnamese order
    locality_articles: dict[str, tuple[str, ...]]  # slug → URLs of its and its descendants' articles
    topics: tuple[Topic, ...]  # in Vietnamese order
    topic_articles: dict[str, tuple[str, ...]]  # slug → article URLs, newest first
    digests: tuple[Digest, ...]  # newest first
    locality_digests: dict[str, tuple[DigestLink, ...]]  # slug → digests listing its articles
    archive: tuple[ArchiveYear, ...]  # newest first
    related: dict[str, tuple[str, ...]]  # article URL → URLs of related articles
    pictures: dict[str, Picture]  # every image an article shows, by the original's site URL
    files: tuple[Published, ...]
    build_time: dt.datetime
    excluded_count: int = 0  # drafts and future articles left out
    next_due: dt.datetime | None = None  # when the next article left out as future comes due
    # Files under content/ left out: no published article links to them or shows them, and no
    # `static_dirs` folder holds them (content rel_paths, sorted; `check` lists them).
    unpublished_files: tuple[str, ...] = ()
    # (URL, source_path) of every https:// image a published article shows from another site.
    remote_images: tuple[tuple[str, str], ...] = ()
    # Markdown files under content/ that could not be made articles (errors), content rel_paths.
    rejected_articles: tuple[str, ...] = ()

    @cached_property
    def articles_by_url(self) -> dict[str, Article]:
        return {article.url: article for article in self.articles}

    @property
    def root_localities(self) -> tuple[Locality, ...]:
        return tuple(l for l in self.localities.values() if l.parent_slug is None)

    def articles_at(self, article_urls) -> tuple[Article, ...]:
        by_url = self.articles_by_url
        return tuple(by_url[url] for url in article_urls)

    def ancestors(self, slug: str) -> tuple[Locality, ...]:
        """From the root down to the parent."""
        chain, parent = [], self.localities[slug].parent_slug
        while parent is not None:
            chain.insert(0, self.localities[parent])
            parent = self.localities[parent].parent_slug
        return tuple(chain)

    def tree(self) -> tuple[TreeNode, ...]:
        """The roots with everything below them, as nodes (made once: many pages show them)."""
        return self._nodes["/"]

    def child_nodes(self, slug: str) -> tuple[TreeNode, ...]:
        """The nodes of the localities right below `slug`, with their own children."""
        return self._nodes[slug]

    @cached_property
    def _nodes(self) -> dict[str, tuple[TreeNode, ...]]:
        nodes: dict[str, tuple[TreeNode, ...]] = {}

        def node(slug: str) -> TreeNode:
            children = nodes[slug] = Shared(node(child) for child in self.children[slug])
            return TreeNode(self.localities[slug], len(self.locality_articles[slug]), children)

        nodes["/"] = Shared(node(l.slug) for l in self.root_localities)
        return nodes

    @cached_property
    def topic_counts(self) -> tuple[TopicCount, ...]:
        return tuple(TopicCount(t, len(self.topic_articles[t.slug])) for t in self.topics)


_RELATED_SCAN = 200  # newest articles of each locality and topic considered as related


def build_site(config: SiteConfig, parents: dict, articles: list[Article], content: Content,
               options: BuildOptions, markups: dict[str, Markup] | None = None,
               memo=None) -> tuple[Site, list[Problem]]:
    """Put the validated articles into the site's structure; report what only the whole shows.

    `markups` holds the converted body of every published article by its rel_path (converted
    here when not given). `memo(name, inputs, compute)` may return what an earlier build
    computed from the same inputs (the build cache); by default everything is computed.
    """
    memo = memo or (lambda name, inputs, compute: compute())
    problems: list[Problem] = []
    urls = Urls(config.language, config.base_url, config.base_path)
    published = [a for a in articles if is_published(a, options)]
    published.sort(key=lambda a: (-a.date.timestamp(), a.slug))
    if markups is None:
        renderer = MarkdownRenderer(config.html)
        markups = {a.rel_path: convert(renderer, a.body) for a in published}
        markups.update((r.rel_path, convert(renderer, r.body)) for r in content.rejected)
    article_urls = {a.rel_path: urls.article(a.slug) for a in published}
    file_urls = _content_file_urls(content, published, article_urls)
    hidden_paths = (content.article_paths | {a.rel_path for a in articles}) - set(article_urls)
    localities, children = _build_localities(config, parents, urls)
    topics = _build_topics(config, published, urls)
    topic_forms = _topic_forms(topics)
    pictures = _Pictures(file_urls, options.cache_path, urls)
    files_reached: set[str] = set()  # content rel_paths of the files published articles use
    remote_images: set[tuple[str, str]] = set()
    final = []
    locality_articles: dict[str, list[str]] = {slug: [] for slug in localities}
    topic_articles: dict[str, list[str]] = {slug: [] for slug in topics}
    for article in published:
        article = _with_html(article, markups[article.rel_path], urls, article_urls, file_urls,
                             hidden_paths, problems, pictures, files_reached, remote_images)
        article = replace(article,
                          localities=tuple(localities[s] for s in article.locality_slugs),
                          topics=tuple(topics[s] for s in _topic_slugs(article, topic_forms)))
        final.append(article)
        for slug in with_ancestors(article.locality_slugs, localities):
            locality_articles[slug].append(article.url)
        for topic in article.topics:
            topic_articles[topic.slug].append(article.url)
        if not article.body.strip():
            problems.append(Problem(article.source_path, article.body_line - 1,
                                    _("the article has no text below its front matter"),
                                    _("write the article below the closing `---` line"),
                                    WARNING, code="empty-body"))
    rejected_reached: set[str] = set()  # files only articles with errors use: not "unused"
    for rejected in content.rejected:
        # Not published (its front matter has errors, reported already), but its links and
        # images are checked now rather than in the next run. What it uses is not published.
        stand_in = Article(rejected.source_path, rejected.rel_path, "", "", options.build_time,
                           True, rejected.body, rejected.body_line)
        _with_html(stand_in, markups[rejected.rel_path], urls,
                   {**article_urls, rejected.rel_path: ""}, file_urls, hidden_paths, problems,
                   pictures, rejected_reached, set())
    problems += _left_out(articles, options)
    public = [rel for rel in file_urls if rel in files_reached or
              _in_public_folder(rel, config.static_dirs)]
    files = tuple(Published(file_urls[rel][0], _published_path(
        rel, file_urls[rel][1], config, options, problems), f"content/{rel}")
        for rel in sorted(public)) + pictures.variant_files()
    ordered_topics = tuple(sorted(topics.values(), key=lambda t: sort_key(t.name)))
    period = "week" if config.digest_period == "weekly" else "month"
    digests = build_digests(final, localities, children, period, urls)
    site = Site(config, urls, tuple(final), localities, children,
                {slug: tuple(found) for slug, found in locality_articles.items()},
                ordered_topics, {slug: tuple(found) for slug, found in topic_articles.items()},
                digests, _locality_digests(digests, localities), build_archive(final, urls),
                memo("related", (config.related_count, [(a.url, a.locality_slugs, tuple(
                    t.slug for t in a.topics)) for a in final]),
                     lambda: _related(final, config.related_count)), pictures.by_url, files,
                options.build_time, len(articles) - len(published),
                min((a.date for a in articles if a.date > options.build_time and not
                     options.include_future and (options.include_drafts or not a.is_draft)),
                    default=None),
                tuple(sorted(set(file_urls) - set(public) - rejected_reached)),
                tuple(sorted(remote_images)),
                tuple(sorted(content.article_paths - {a.rel_path for a in articles})))
    return site, problems


def _left_out(articles, options: BuildOptions) -> list[Problem]:
    """A line of information naming each draft and each future article the site leaves out."""
    found = []
    for article in sorted(articles, key=lambda a: a.source_path):
        if is_published(article, options):
            continue
        if article.is_draft and not options.include_drafts:
            found.append(Problem(article.source_path, None, _("a draft: left out of the site"),
                                 _("delete the line `draft: true` to publish it"), INFO,
                                 code="draft"))
        else:
            date = f"{article.date:%d/%m/%Y %H:%M}" if article.has_time else \
                f"{article.date:%d/%m/%Y}"
            found.append(Problem(article.source_path, None,
                                 _("dated {date}, in the future: left out until then", date=date),
                                 _("the first build after that time publishes it"), INFO,
                                 code="future"))
    return found


def _published_path(rel_path: str, source_path: Path, config: SiteConfig,
                    options: BuildOptions, problems: list[Problem]) -> Path:
    """The file to publish for content/`rel_path`: a photo's copy without where it was taken,
    unless site.yaml keeps it."""
    if config.keep_image_location or options.cache_path is None or \
            posixpath.splitext(rel_path)[1].lower() not in STRIPPED_SUFFIXES:
        return source_path
    try:
        return strip_location(source_path, options.cache_path)
    except NotWellFormed:
        problems.append(Problem(f"content/{rel_path}", None,
                                _("cannot take the location data out of this image: the file is "
                                  "damaged, or not a JPEG, PNG or WebP image"),
                                _("open it in a photo editor and save it again, or publish it as "
                                  "it is with `keep_image_location: true` in site.yaml"),
                                code="unreadable-image"))
    except OSError as error:
        problems.append(Problem(f"content/{rel_path}", None,
                                _("cannot read the file: {reason}",
                                  reason=error.strerror or str(error)), code="unreadable-file"))
    return source_path


def _in_public_folder(rel_path: str, folders: tuple[str, ...]) -> bool:
    """Whether the file lies in one of site.yaml's `static_dirs` ("" is content/ itself)."""
    return any(not folder or rel_path.startswith(folder + "/") for folder in folders)


def _locality_digests(digests, localities) -> dict[str, tuple[DigestLink, ...]]:
    """Which digests list the articles of each locality (or of its descendants)."""
    found: dict[str, list[DigestLink]] = {slug: [] for slug in localities}
    for digest in digests:
        slugs = (s for a in digest.articles for s in a.locality_slugs)
        for slug in with_ancestors(slugs, localities):
            found[slug].append(digest.link)
    return {slug: Shared(links) for slug, links in found.items()}


def _related(articles, count: int) -> dict[str, tuple[str, ...]]:
    """Up to `count` articles sharing the most localities and topics, newest first on ties."""
    if count == 0:
        return {}
    by_locality: dict[str, list[int]] = {}
    by_topic: dict[str, list[int]] = {}
    for position, article in enumerate(articles):
        for slug in article.locality_slugs:
            by_locality.setdefault(slug, []).append(position)
        for topic in article.topics:
            by_topic.setdefault(topic.slug, []).append(position)
    total = len(articles)
    related = {}
    for position, article in enumerate(articles):
        scores: dict[int, int] = {}
        get = scores.get
        for slug in article.locality_slugs:
            for other in by_locality[slug][:_RELATED_SCAN]:
                scores[other] = get(other, 0) + 2
        for topic in article.topics:
            for other in by_topic[topic.slug][:_RELATED_SCAN]:
                scores[other] = get(other, 0) + 1
        scores.pop(position, None)
        # Best score first, then the newest (lowest position): one number says both.
        best = sorted(value % total for value in heapq.nsmallest(
            count, (other - score * total for other, score in scores.items())))
        related[article.url] = tuple(articles[other].url for other in best)
    return related


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


def _with_html(article: Article, markup: Markup, urls: Urls, article_urls, file_urls,
               hidden_paths, problems, pictures: _Pictures, files_reached: set[str],
               remote_images: set[tuple[str, str]]):
    """The article with its URL and its HTML, the links and images of `markup` resolved;
    the files it links to or shows are added to `files_reached` (only those are published),
    the images it shows from other sites to `remote_images` as (URL, its source_path)."""
    folder = posixpath.dirname(article.rel_path)

    def rewrite(tag: str, target: str) -> str:
        if "\\" in target:
            # A Windows path (..\anh.jpg, C:\anh.jpg): browsers would read it as a path too.
            _link_problem(article, target, _("image '{target}' uses backslashes", target=target)
                          if tag == "img" else _("link '{target}' uses backslashes", target=target),
                          problems, "backslash-path",
                          hint=_("write the path with forward slashes (/) from the article's "
                                 "folder, as in images/anh.jpg"))
            return "#"
        path, _hash, fragment = target.partition("#")
        rel = resolve_content_path(folder, unquote(path))
        if rel is None:
            _link_problem(article, target, _("link '{target}' leaves content/", target=target),
                          problems, "link-leaves-content",
                          hint=_("only files inside content/ are published; give the path from "
                                 "the article's folder to a file there"))
            return "#"
        if rel in article_urls:
            site_url = article_urls[rel]
        elif rel in file_urls:
            site_url = file_urls[rel][0]
            files_reached.add(rel)
            if tag == "img":
                link_to_picture[urls.link(site_url)] = site_url
                if pictures.for_file(rel) is None and site_url in pictures.unreadable:
                    _link_problem(article, target, _("image '{target}' cannot be read as an "
                                                     "image", target=target),
                                  problems, "unreadable-image")
        elif rel in hidden_paths:  # a draft or future article: no page to link to yet
            _link_problem(article, target, _("link to '{target}', an article that is not "
                                             "published (a draft, dated in the future, or with "
                                             "errors)", target=target),
                          problems, "unpublished-link", severity=WARNING)
            return "#"
        else:
            _link_problem(article, target, _("image '{target}' not found (looked for "
                                             "content/{rel})", target=target, rel=rel)
                          if tag == "img" else _("file '{target}' not found (looked for "
                                                 "content/{rel})", target=target, rel=rel),
                          problems, "missing-image" if tag == "img" else "missing-file",
                          hint=_("a path is read from the article's own folder; check the "
                                 "spelling, or start it with / to read from content/"))
            return "#"
        return urls.link(site_url) + (f"#{fragment}" if fragment else "")

    link_to_picture: dict[str, str] = {}
    if markup.error:
        problems.append(Problem(article.source_path, article.body_line, markup.error,
                                _("simplify the Markdown of this article"),
                                code="markdown-too-complex"))
    body_html = markup.resolve(rewrite)
    remote = [src for src, _alt in markup.images if is_remote_image(src)]
    if link_to_picture or remote:
        # A remote image is shown from its host, as it is; lazily, like the local ones.
        body_html = replace_images(body_html, lambda src, alt: pictures.html(
            link_to_picture[src], alt) if src in link_to_picture else
            remote_image_html(src, alt) if is_remote_image(src) else None)
    for src, alt in markup.images:
        if not alt.strip():
            _link_problem(article, src, _("image '{src}' has no alt text", src=src), problems,
                          "missing-alt",
                          hint=_("describe the image in the brackets: ![what it shows](file)"),
                          severity=WARNING)
    image = article.image
    image_url = None
    if image is not None and image.is_remote:
        image_url = image.src
        remote.append(image.src)
    elif image is not None:
        rel = resolve_content_path(folder, image.src)
        if rel in file_urls:
            image_url = file_urls[rel][0]
            files_reached.add(rel)
            if pictures.for_file(rel) is None and image_url in pictures.unreadable:
                problems.append(Problem(article.source_path, image.line,
                                        _("'image.src': '{src}' cannot be read as an image",
                                          src=image.src), code="unreadable-image"))
        else:
            problems.append(Problem(article.source_path, image.line,
                                    _("'image.src': file '{src}' not found", src=image.src),
                                    _("put the image beside the article and give its file name"),
                                    code="missing-image"))
        if not image.alt:
            problems.append(Problem(article.source_path, image.line, _("'image' has no 'alt' text"),
                                    _("add `alt:` describing the image for readers who cannot "
                                      "see it"), WARNING, code="missing-alt"))
    remote_images.update((url, article.source_path) for url in remote)
    return replace(article, summary=article.summary or shorten(markup.first_paragraph),
                   summary_is_excerpt=not article.summary, text=markup.text,
                   url=article_urls[article.rel_path], body_html=body_html, image_url=image_url)


def _link_problem(article, target, message, problems, code, hint="", severity="error"):
    line = next((article.body_line + i for i, text in enumerate(article.body.split("\n"))
                 if target in text), None)
    problems.append(Problem(article.source_path, line, message, hint, severity, code=code))


def _build_localities(config: SiteConfig, parents: dict, urls: Urls):
    """Every locality by slug, in Vietnamese order, and the child slugs of each."""
    ordered = sorted(config.localities, key=lambda l: (sort_key(l.name), sort_key(l.kind)))
    localities: dict[str, Locality] = {}
    for declared in ordered:
        if declared.slug not in localities:
            localities[declared.slug] = Locality(
                declared.slug, declared.name, declared.kind, declared.description,
                urls.locality(declared.slug), parents.get(declared.slug))
    children: dict[str, list[str]] = {slug: [] for slug in localities}
    for slug, locality in localities.items():
        if locality.parent_slug is not None:
            children[locality.parent_slug].append(slug)
    return localities, {slug: tuple(found) for slug, found in children.items()}


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

"""Stage 5: render the Site through the theme into pages: (url, bytes), nothing written yet."""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import traceback
from urllib.parse import quote
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from .messages import _
from .model import Site, TreeNode
from .pages import Page, Published
from .problems import Problem
from .theme import Theme
from .images import remote_image_html
from .validate import Article, is_remote_image
from . import feeds as feeds_module
from .search import site_search_files
from .urls import HOME_URL, NOT_FOUND_URL, ROBOTS_URL, SITEMAP_URL, output_file

SITE_TEMPLATES_DIR = "templates"
_BABEL_LOCALES = {"vi": "vi_VN", "en": "en_GB"}


@dataclass(frozen=True)
class PageSpec:
    """What to render, by name: a template (or a feed, the sitemap …) and the keys it needs.

    `kind` and `args` name the page's inputs in the Site (an article's URL, a locality's slug
    and page number …); `page_context` turns them into the values a template gets. A spec is
    small and picklable, so it can be sent to another process holding the same Site.
    """

    url: str
    template: str  # "" for what is not rendered through the theme (feeds)
    kind: str
    args: tuple
    origin: str
    lastmod: dt.datetime | None = None  # for the sitemap: the newest change the page shows


@dataclass(frozen=True)
class Paginator:
    """One page of a list of articles."""

    items: tuple
    number: int  # 1-based
    count: int  # how many pages the list has
    total: int  # how many articles the list has
    previous_url: str | None = None
    next_url: str | None = None


def render_site(site: Site, theme: Theme, project_path: Path) -> tuple[list[Page], list[Published], list[Problem]]:
    """Render every page, feed and sitemap; return (pages, files to copy, problems)."""
    files = site_files(site, theme, project_path)
    renderer = Renderer(site, theme, project_path, files)
    specs = plan_pages(site)
    pages = [Page(spec.url, content, spec.origin) for spec in specs
             if (content := renderer.render(spec)) is not None]
    pages += plain_files(site) + sitemap_files(site, specs)
    pages += [Page(url, data, "search index") for url, data in site_search_files(site)]
    problems = renderer.problems + find_url_clashes(pages, files)
    return pages, files, problems


def site_files(site: Site, theme: Theme, project_path: Path) -> list[Published]:
    """The files published as they are: those beside articles, and the theme's static files."""
    return list(site.files) + [Published(site.urls.asset(rel), path, f"{_shown(path, project_path)}")
                               for rel, path in theme.static_files().items()]


class Renderer:
    """Renders pages of one Site through one theme; the same spec always gives the same bytes."""

    def __init__(self, site: Site, theme: Theme, project_path: Path, files):
        self.site = site
        self.project_path = project_path
        self.access = _SiteAccess(site)
        self.env = make_environment(site, theme, project_path, files, self.access)
        self.problems: list[Problem] = []

    def render(self, spec: PageSpec) -> bytes | None:
        """The page's bytes, or None when its template failed (then `problems` says why)."""
        context = page_context(self.site, spec)
        if spec.kind == "feed":
            return feed_file(self.site, context, self.env.globals["t"],
                             self.env.globals["digest_title"])
        return render_page(self.env, spec, context, self.project_path, self.problems)

    def render_recorded(self, spec: PageSpec) -> tuple[bytes | None, bool, tuple, list[Problem]]:
        """(bytes or None, whether the template read `site` itself, the URLs of the articles
        whose body it read, the problems it met)."""
        self.access.used = False
        self.env.bodies_read = set()
        before = len(self.problems)
        content = self.render(spec)
        if spec.kind == "feed":  # a feed carries its articles' HTML
            self.env.bodies_read.update(a.url for a in page_context(self.site, spec)
                                        .get("articles", ()))
        return content, self.access.used, tuple(sorted(self.env.bodies_read)), \
            self.problems[before:]


class _SiteAccess:
    """The `site` templates see: reading anything but its URLs and settings is recorded, since
    such a page then depends on the whole Site, not only on the values it was given."""

    _FREE = frozenset({"urls", "config"})

    def __init__(self, site: Site):
        self._site = site
        self.used = False

    def __getattr__(self, name: str):
        if name not in self._FREE:
            self.used = True
        return getattr(self._site, name)


def plain_files(site: Site) -> list[Page]:
    """Files for the host rather than readers: GitHub Pages' CNAME and .nojekyll."""
    pages = [Page(".nojekyll", b"", _("GitHub Pages (no Jekyll processing)"))]
    if site.config.cname:
        pages.append(Page("CNAME", f"{site.config.cname}\n".encode(), _("site.yaml cname")))
    return pages


def plan_pages(site: Site) -> list[PageSpec]:
    """Every page and feed of the site, in a stable order."""
    urls, size = site.urls, site.config.page_size
    newest = _newest(site.articles)
    specs = [PageSpec(HOME_URL, "index.html", "home", (), _("home page"), newest),
             PageSpec(NOT_FOUND_URL, "404.html", "plain", (), _("404 page")),
             PageSpec(urls.localities(), "localities.html", "localities", (),
                      _("localities index"), newest),
             PageSpec(urls.topics(), "topics.html", "topics", (), _("topics index"), newest),
             PageSpec(urls.archive(), "archive.html", "archive", (), _("archive"), newest),
             PageSpec(urls.search(), "search.html", "search", (), _("search page"))]
    specs += _paginate(site, site.articles, urls.articles, "articles.html", "articles", (),
                       _("article list"))
    specs += _paginate(site, site.digests, urls.digests, "digests.html", "digests", (),
                       _("digest index"), newest_of=lambda digests: [a for d in digests
                                                                     for a in d.articles])
    for article in site.articles:
        specs.append(PageSpec(article.url, "article.html", "article", (article.url,),
                              article.source_path, _newest([article])))
    for locality in site.localities.values():
        specs += _paginate(site, site.locality_articles[locality.slug],
                           lambda n, s=locality.slug: urls.locality(s, n), "locality.html",
                           "locality", (locality.slug,), _("locality {slug}", slug=locality.slug))
    for topic in site.topics:
        specs += _paginate(site, site.topic_articles[topic.slug],
                           lambda n, s=topic.slug: urls.topic(s, n), "topic.html", "topic",
                           (topic.slug,), _("topic {slug}", slug=topic.slug))
    for index, digest in enumerate(site.digests):
        specs.append(PageSpec(digest.url, "digest.html", "digest", (index,),
                              _("digest {key}", key=digest.key), _newest(digest.articles)))
    for year_index, year in enumerate(site.archive):
        specs += _paginate(site, year.articles, lambda n, y=year.year: urls.archive(y, page=n),
                           "archive_year.html", "archive_year", (year_index,),
                           _("archive {year}", year=year.year))
        for month_index, month in enumerate(year.months):
            specs += _paginate(site, month.articles,
                               lambda n, m=month: urls.archive(m.year, m.month, n),
                               "archive_month.html", "archive_month", (year_index, month_index),
                               _("archive {year}-{month:02d}", year=month.year, month=month.month))
    feeds = [HOME_URL] + [l.url for l in site.localities.values()] + [t.url for t in site.topics] \
        + [urls.digests()]
    specs += [PageSpec(urls.feed(page_url), "", "feed", (page_url,),
                       _("feed {url}", url=urls.feed(page_url)))
              for page_url in feeds]
    return specs


def page_context(site: Site, spec: PageSpec) -> dict:
    """The values the template of `spec` gets beyond the site-wide ones."""
    kind, args, urls = spec.kind, spec.args, site.urls
    if kind == "article":
        article = site.articles_by_url[args[0]]
        first = article.locality_slugs[:1]
        return {"article": article, "related": site.articles_at(site.related.get(args[0], ())),
                "breadcrumb": site.ancestors(first[0]) + article.localities[:1] if first else ()}
    if kind in ("articles", "locality", "topic", "digests", "archive_year", "archive_month"):
        number = args[-1]
        if kind == "articles":
            found, context, url_of = site.articles, {}, urls.articles
        elif kind == "digests":
            found, context, url_of = site.digests, {"feed_url": urls.feed(urls.digests())}, \
                urls.digests
        elif kind == "archive_year":
            year = site.archive[args[0]]
            found, context = year.articles, {"year": year}
            url_of = lambda n: urls.archive(year.year, page=n)  # noqa: E731
        elif kind == "archive_month":
            month = site.archive[args[0]].months[args[1]]
            found, context = month.articles, {"month": month}
            url_of = lambda n: urls.archive(month.year, month.month, n)  # noqa: E731
        elif kind == "locality":
            locality = site.localities[args[0]]
            found = site.locality_articles[locality.slug]
            context = {"locality": locality, "feed_url": urls.feed(locality.url),
                       "ancestors": site.ancestors(locality.slug),
                       "children": site.child_nodes(locality.slug),
                       "digests": site.locality_digests[locality.slug]}
            url_of = lambda n: urls.locality(locality.slug, n)  # noqa: E731
        else:
            topic = next(t for t in site.topics if t.slug == args[0])
            found = site.topic_articles[topic.slug]
            context = {"topic": topic, "feed_url": urls.feed(topic.url)}
            url_of = lambda n: urls.topic(topic.slug, n)  # noqa: E731
        return {**context, "paginator": _paginator(site, found, number, site.config.page_size,
                                                   url_of)}
    if kind == "home":
        return {"articles": site.articles[:site.config.page_size], "feed_url": urls.feed(),
                "latest_digest": site.digests[0] if site.digests else None,
                "tree": site.tree(), "topics": site.topic_counts,
                "locality_count": len(site.localities)}
    if kind == "localities":
        return {"tree": site.tree()}
    if kind == "topics":
        return {"topics": site.topic_counts}
    if kind == "search":
        return {"tree": site.tree(), "topics": site.topic_counts}
    if kind == "digest":
        return {"digest": site.digests[args[0]], "feed_url": urls.feed(urls.digests())}
    if kind == "archive":
        return {"archive": site.archive}
    if kind == "feed":
        page_url = args[0]
        if page_url == urls.digests():
            return {"page_url": page_url, "digests": site.digests[:site.config.feed_size]}
        title, subtitle, articles = _feed_source(site, page_url)
        return {"page_url": page_url, "title": title, "subtitle": subtitle,
                "articles": articles[:site.config.feed_size]}
    return {}


def feed_file(site: Site, context: dict, t, digest_title) -> bytes:
    """The Atom feed of the site, a locality (rolled up), a topic, or the digests."""
    urls, config = site.urls, site.config
    page_url = context["page_url"]
    feed_url = urls.feed(page_url)
    if "digests" in context:
        title = f"{t('digests')} – {config.title}"
        subtitle = config.description
        entries = [_digest_entry(site, d, t, digest_title) for d in context["digests"]]
    else:
        title, subtitle = context["title"], context["subtitle"]
        entries = [_article_entry(site, a) for a in context["articles"]]
    return feeds_module.atom_feed(
        feed_id=urls.absolute(page_url), title=title, subtitle=subtitle,
        self_url=urls.absolute(feed_url), page_url=urls.absolute(page_url),
        author=config.title, language=config.language, entries=entries)


def _feed_source(site: Site, page_url: str):
    """(title, subtitle, articles) of the feed beside `page_url`."""
    config = site.config
    if page_url == HOME_URL:
        return config.title, config.description, site.articles
    for locality in site.localities.values():
        if locality.url == page_url:
            return (f"{locality.heading} – {config.title}", locality.description,
                    site.articles_at(site.locality_articles[locality.slug][:config.feed_size]))
    topic = next(t for t in site.topics if t.url == page_url)
    return (f"{topic.name} – {config.title}", topic.description,
            site.articles_at(site.topic_articles[topic.slug][:config.feed_size]))


def sitemap_files(site: Site, specs: list[PageSpec]) -> list[Page]:
    urls = site.urls
    entries = [(urls.absolute(spec.url), spec.lastmod) for spec in specs
               if spec.url != NOT_FOUND_URL and spec.kind != "feed"]
    return [Page(SITEMAP_URL, feeds_module.sitemap(entries), _("sitemap")),
            Page(ROBOTS_URL, feeds_module.robots_txt(urls.absolute(SITEMAP_URL)), "robots.txt")]


def _article_entry(site: Site, article) -> feeds_module.Entry:
    urls = site.urls
    categories = tuple((l.slug, l.label) for l in article.localities) + \
        tuple((t.slug, t.name) for t in article.topics)
    return feeds_module.Entry(
        id=feeds_module.tag_uri(site.config.base_url, article.date.date(), article.url),
        title=article.title, url=urls.absolute(article.url), published=article.date,
        updated=article.updated or article.date, author=article.author or site.config.title,
        summary=article.summary, content_html=article.body_html, categories=categories)


def _digest_entry(site: Site, digest, t, digest_title) -> feeds_module.Entry:
    urls = site.urls
    items = "".join(f'<li><a href="{escape(urls.absolute(a.url))}">{escape(a.title)}</a></li>'
                    for a in digest.articles)
    newest = _newest(digest.articles)
    return feeds_module.Entry(
        id=feeds_module.tag_uri(site.config.base_url, digest.start, digest.url),
        title=digest_title(digest).unescape(),
        url=urls.absolute(digest.url), published=newest, updated=newest, author=site.config.title,
        summary=Markup(t("article_count", count=len(digest.articles))).unescape(),
        content_html=f"<ul>{items}</ul>")


def _newest(articles) -> dt.datetime | None:
    return max((a.updated or a.date for a in articles), default=None)


def _paginate(site: Site, articles, url_of, template: str, kind: str, args: tuple, origin: str,
              newest_of=lambda items: items):
    """A spec per page of a list; `articles` are Articles or their URLs (or digests, with
    `newest_of` giving their articles)."""
    size = site.config.page_size
    count = max(1, math.ceil(len(articles) / size))
    by_url = site.articles_by_url
    for number in range(1, count + 1):
        items = articles[(number - 1) * size:number * size]
        items = [by_url[a] if isinstance(a, str) else a for a in items]
        yield PageSpec(url_of(number), template, kind, args + (number,),
                       origin if number == 1 else _("{origin}, page {number}", origin=origin,
                                                    number=number), _newest(newest_of(items)))


def _paginator(site: Site, articles, number: int, size: int, url_of) -> Paginator:
    """Page `number` of `articles` (Articles, or their URLs)."""
    count = max(1, math.ceil(len(articles) / size))
    items = articles[(number - 1) * size:number * size]
    if items and isinstance(items[0], str):
        items = site.articles_at(items)
    return Paginator(tuple(items), number, count, len(articles),
                     url_of(number - 1) if number > 1 else None,
                     url_of(number + 1) if number < count else None)


def render_page(env: jinja2.Environment, spec: PageSpec, context: dict, project_path: Path,
                problems) -> bytes | None:
    """Render one page; a template mistake becomes a problem naming the template and line."""
    try:
        template = env.get_template(spec.template)
        html = template.render(page_url=spec.url, **context)
    except jinja2.TemplateSyntaxError as error:
        path = _template_path(error.filename, project_path) or spec.template
        # Listed once, with the first page that needed the template, not once per page.
        if not any(p.path == path and p.line == error.lineno and
                   p.message.endswith(f": {error.message}") for p in problems):
            problems.append(Problem(path, error.lineno, _(
                "template syntax error while rendering {origin} ({url}): {detail}",
                origin=spec.origin, url=spec.url or "home", detail=error.message),
                code="template-syntax"))
        return None
    except jinja2.TemplateNotFound as error:
        path, line = _template_frame(error, project_path)  # the template that asked for it
        detail = _("template '{name}' not found", name=error.name)
        if not any(p.path == (path or spec.origin) and p.line == line and p.message.endswith(detail)
                   for p in problems):
            problems.append(Problem(path or spec.origin, line, _(
                "error while rendering {origin} ({url}): {detail}", origin=spec.origin,
                url=spec.url or "home", detail=detail) if path else detail,
                _("add it to the theme or to templates/"), code="template-not-found"))
        return None
    except Exception as error:  # noqa: BLE001 - any mistake in a template is the theme's, not ours
        path, line = _template_frame(error, project_path)
        detail = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
        detail = detail if isinstance(detail, str) else str(detail)  # ours are Messages
        kind = type(error).__name__
        path = path or spec.template
        # Listed once, with the first page it broke, not once per page.
        if not any(p.path == path and p.line == line and p.message.endswith(f": {kind}: {detail}")
                   for p in problems):
            problems.append(Problem(path, line, _(
                "error while rendering {origin} ({url}): {kind}: {detail}", origin=spec.origin,
                url=spec.url or "home", kind=kind, detail=detail), code="template-error"))
        return None
    return html.encode("utf-8")


def find_url_clashes(pages: list[Page], files: list[Published]) -> list[Problem]:
    """Two things written to one output path (or to paths that differ only in case)."""
    problems, seen = [], {}
    entries = [(p.url, p.origin) for p in pages] + [(f.url, f.origin) for f in files]
    for url, origin in entries:
        key = output_file(url).as_posix().casefold()
        if key in seen and seen[key][1] != origin:
            first_url, first_origin = seen[key]
            problems.append(Problem(origin, None,
                                    _("'{path}' is also produced by {origin}",
                                      path=str(output_file(url)), origin=first_origin),
                                    _("give one of them another `slug:` (paths may not differ "
                                      "only in case)"), code="duplicate-output"))
        else:
            seen.setdefault(key, (url, origin))
    return problems


BODY_FIELDS = frozenset({"body", "body_html", "text"})  # what a list of articles rarely shows


class _Environment(jinja2.Environment):
    """Jinja, noting which articles' bodies a template reads: a page is the same whatever the
    bodies of the other articles it lists (the build cache relies on it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bodies_read: set[str] = set()

    def getattr(self, obj, attribute):
        if attribute in BODY_FIELDS and isinstance(obj, Article):
            self.bodies_read.add(obj.url)
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        if argument in BODY_FIELDS and isinstance(obj, Article):
            self.bodies_read.add(obj.url)
        return super().getitem(obj, argument)


class _TemplateLoader(jinja2.FileSystemLoader):
    """Templates from folders; a file that is not UTF-8 is a syntax error naming it and its line."""

    def get_source(self, environment, template):
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as error:
            paths = [Path(folder, *split_template_path(template)) for folder in self.searchpath]
            filename = next((str(path) for path in paths if path.is_file()), template)
            line = error.object[:error.start].count(b"\n") + 1
            raise jinja2.TemplateSyntaxError(_("the file is not UTF-8 text; save it as UTF-8"),
                                             line, template, filename) from None


def make_environment(site: Site, theme: Theme, project_path: Path, files,
                     site_access=None) -> jinja2.Environment:
    """A Jinja environment for the site: site templates, then the theme and its parents."""
    folders = []
    site_templates = project_path / SITE_TEMPLATES_DIR
    if site_templates.is_dir():
        folders.append(str(site_templates))
    folders += [str(folder / "templates") for _name, folder in theme.chain]
    prefixed = {name: _TemplateLoader(str(folder / "templates")) for name, folder in theme.chain}
    env = _Environment(
        loader=jinja2.ChoiceLoader([_TemplateLoader(folders), jinja2.PrefixLoader(prefixed)]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    helpers = _Helpers(site, theme, {f.url: f.source_path for f in files})
    env.globals.update(site=site_access if site_access is not None else site, config=site.config, t=helpers.t, url=helpers.url,
                       absolute_url=helpers.absolute_url, asset_url=helpers.asset_url,
                       format_date=helpers.format_date, format_number=helpers.format_number,
                       date_range=helpers.date_range, digest_title=helpers.digest_title,
                       month_name=helpers.month_name, share_links=helpers.share_links,
                       article_json_ld=helpers.article_json_ld, picture=helpers.picture,
                       iso_date=lambda value: value.isoformat(), card=helpers.card)
    env.filters.update(date=helpers.format_date, number=helpers.format_number)
    helpers.env = env
    return env


class _Helpers:
    """The functions templates call; they see the site only through their arguments."""

    def __init__(self, site: Site, theme: Theme, files: dict[str, Path]):
        self.site = site
        self.strings = theme.strings
        self.locale = _BABEL_LOCALES[site.config.language]
        self.files = files
        self.asset_versions: dict[str, str] = {}
        self.digest_titles: dict[str, Markup] = {}  # every locality page lists many digests
        # An article's card shows on many list pages and its dates on many more: each is made
        # once per build (per process), not once per page that shows it.
        self.cards: dict[tuple[str, int], tuple[Markup, frozenset]] = {}  # and bodies it read
        self.dates: dict[tuple, str] = {}
        self.texts: dict[tuple, str] = {}  # UI strings as filled in, by key and values
        self.env: jinja2.Environment | None = None

    def card(self, article, heading_level: int = 2) -> Markup:
        """The article's entry in a list (the theme's _card.html), made once per build."""
        key = (article.url, heading_level)
        found = self.cards.get(key)
        env = self.env
        if found is None:
            reading, env.bodies_read = env.bodies_read, set()
            found = self.cards[key] = (Markup(env.get_template("_card.html").render(
                article=article, heading_level=heading_level)), frozenset(env.bodies_read))
            env.bodies_read = reading
        # A card that shows its article's body makes every page listing it depend on the body.
        env.bodies_read.update(found[1])
        return found[0]

    def t(self, key: str, **values) -> str:
        """A UI string of the theme, with {placeholders} filled in; count picks one/other."""
        try:
            # With each value's type: Markup("<b>") and "<b>" are equal but fill in differently.
            memo_key = (key, *((name, type(value), value) for name, value in sorted(values.items())))
            found = self.texts.get(memo_key)
        except TypeError:  # a value that cannot be a key: made every time
            memo_key, found = None, None
        if found is None:
            found = self._t(key, values)
            if memo_key is not None:
                self.texts[memo_key] = found
        return found

    def _t(self, key: str, values: dict) -> str:
        if key not in self.strings:
            raise KeyError(_("no UI string '{key}' for language '{language}' in the theme's "
                             "i18n file", key=key, language=self.site.config.language))
        text = self.strings[key]
        if isinstance(text, dict):
            text = text.get("one" if values.get("count") == 1 else "other", "")
        values = {k: (self.format_number(v) if isinstance(v, int) else v) for k, v in values.items()}
        return Markup(str(text)).format(**values) if values else str(text)

    def url(self, target) -> str:
        """A link to a site URL or to anything with a `.url` (article, locality, topic)."""
        return self.site.urls.link(target if isinstance(target, str) else target.url)

    def absolute_url(self, target) -> str:
        if isinstance(target, str) and is_remote_image(target):  # an article's image elsewhere
            return target
        return self.site.urls.absolute(target if isinstance(target, str) else target.url)

    def asset_url(self, rel_path: str) -> str:
        """A link to a theme static file, versioned by its content so browsers may cache it."""
        site_url = self.site.urls.asset(rel_path)
        if site_url not in self.files:
            raise KeyError(_("no static file '{path}' in the theme", path=rel_path))
        if site_url not in self.asset_versions:
            digest = hashlib.sha256(self.files[site_url].read_bytes()).hexdigest()[:10]
            self.asset_versions[site_url] = digest
        return f"{self.url(site_url)}?v={self.asset_versions[site_url]}"

    def format_date(self, value: dt.datetime, style: str = "date_long") -> str:
        """A date in the language's convention; `style` names a pattern in the i18n file."""
        key = (value, value.tzinfo, style)
        found = self.dates.get(key)
        if found is None:
            pattern = self.strings.get(f"format_{style}", style)
            found = self.dates[key] = format_datetime(value, pattern, tzinfo=value.tzinfo,
                                                      locale=self.locale)
        return found

    def format_number(self, value) -> str:
        return format_decimal(value, locale=self.locale)

    def date_range(self, start: dt.date, end: dt.date) -> str:
        """"1–7/7/2024", "29/7–4/8/2024", "30/12/2024–5/1/2025" (patterns from the i18n file)."""
        end_text = format_date(end, self.strings["format_range_full"], locale=self.locale)
        if (start.year, start.month) == (end.year, end.month):
            pattern = self.strings["format_range_day"]
        elif start.year == end.year:
            pattern = self.strings["format_range_day_month"]
        else:
            pattern = self.strings["format_range_full"]
        return f"{format_date(start, pattern, locale=self.locale)}–{end_text}"

    def month_name(self, year: int, month: int) -> str:
        return format_date(dt.date(year, month, 1), self.strings["format_month"], locale=self.locale)

    def digest_title(self, digest) -> Markup:
        """"Bản tin tuần 27/2024 (1–7/7/2024)" or "Bản tin tháng 7/2024"."""
        if digest.key not in self.digest_titles:
            self.digest_titles[digest.key] = self.t(
                f"digest_title_{digest.period}", number=str(digest.number), year=str(digest.year),
                range=self.date_range(digest.start, digest.end),
                month=self.month_name(digest.year, digest.number) if digest.period == "month" else "")
        return self.digest_titles[digest.key]

    def article_json_ld(self, article) -> dict:
        """schema.org NewsArticle data; the template serialises it with |tojson, which escapes
        <, > and & so no value can close the script element."""
        config, places = self.site.config, [{"@type": "Place", "name": l.label}
                                             for l in article.localities]
        image = [self.absolute_url(article.image_url)] if article.image_url else []
        return {
            "@context": "https://schema.org", "@type": "NewsArticle",
            "headline": article.title, "description": article.summary,
            "url": self.absolute_url(article), "mainEntityOfPage": self.absolute_url(article),
            "datePublished": article.date.isoformat(),
            "dateModified": (article.updated or article.date).isoformat(),
            "inLanguage": config.language,
            "author": {"@type": "Person", "name": article.author} if article.author else
            {"@type": "Organization", "name": config.title},
            "publisher": {"@type": "Organization", "name": config.title,
                          "url": self.absolute_url("")},
            **({"image": image} if image else {}),
            "keywords": [topic.name for topic in article.topics],
            "contentLocation": places, "spatialCoverage": places,
        }

    def picture(self, site_url: str, alt: str, lazy: bool = False, sizes: str = "") -> Markup:
        """A responsive <picture> of a local image (a plain <img> when it has no variants);
        `sizes` is how wide it is shown, when not the width of the text."""
        if is_remote_image(site_url):
            return remote_image_html(site_url, alt, lazy)
        picture = self.site.pictures.get(site_url)
        if picture is None:
            return Markup('<img src="{}" alt="{}">').format(self.url(site_url), alt)
        return picture.html(self.site.urls, alt, lazy, **({"sizes": sizes} if sizes else {}))

    def share_links(self, article) -> list[tuple[str, str]]:
        """(network name, share URL) for plain links: no script from the networks is loaded."""
        target = quote(self.site.urls.absolute(article.url), safe="")
        return [("Zalo", f"https://sp.zalo.me/share?url={target}"),
                ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={target}")]


def _template_frame(error: Exception, project_path: Path) -> tuple[str | None, int | None]:
    """The template file and line where a rendering error happened, from Jinja's traceback."""
    found = (None, None)
    for frame in traceback.extract_tb(error.__traceback__):
        path = _template_path(frame.filename, project_path)
        if path is not None:
            found = (path, frame.lineno)
    return found


def _template_path(filename: str | None, project_path: Path) -> str | None:
    if not filename or not filename.endswith((".html", ".xml", ".txt", ".j2", ".jinja")):
        return None
    path = Path(filename)
    try:
        return path.resolve().relative_to(project_path.resolve()).as_posix()
    except ValueError:
        return str(path)


def _shown(path: Path, project_path: Path) -> str:
    try:
        return path.relative_to(project_path).as_posix()
    except ValueError:
        return str(path)



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

from .model import Published, Site
from .problems import Problem
from .theme import Theme
from . import feeds as feeds_module
from .search import site_search_files
from .urls import HOME_URL, NOT_FOUND_URL, ROBOTS_URL, SITEMAP_URL, output_file

SITE_TEMPLATES_DIR = "templates"
_BABEL_LOCALES = {"vi": "vi_VN", "en": "en_GB"}


@dataclass(frozen=True)
class Page:
    """One output file: its site URL, its bytes, and what made it (for problems)."""

    url: str
    content: bytes
    origin: str


@dataclass(frozen=True)
class PageSpec:
    """What to render: a template and the values it needs beyond the site-wide ones."""

    url: str
    template: str
    context: dict = field(hash=False)
    origin: str
    lastmod: dt.datetime | None = None  # for the sitemap: the newest change the page shows


@dataclass(frozen=True)
class Paginator:
    """One page of a list of articles."""

    items: tuple
    number: int  # 1-based
    count: int  # how many pages the list has
    total: int  # how many articles the list has
    urls: tuple[str, ...]  # site URL of every page

    @property
    def previous_url(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None


def render_site(site: Site, theme: Theme, project_path: Path) -> tuple[list[Page], list[Published], list[Problem]]:
    """Render every page, feed and sitemap; return (pages, files to copy, problems)."""
    problems: list[Problem] = []
    files = list(site.files) + [Published(site.urls.asset(rel), path, f"{_shown(path, project_path)}")
                                for rel, path in theme.static_files().items()]
    env = make_environment(site, theme, project_path, files)
    specs = plan_pages(site)
    pages = []
    for spec in specs:
        content = render_page(env, spec, project_path, problems)
        if content is not None:
            pages.append(Page(spec.url, content, spec.origin))
    pages += plain_files(site) + feed_files(site, env.globals["t"], env.globals["digest_title"]) + \
        sitemap_files(site, specs)
    pages += [Page(url, data, "search index") for url, data in site_search_files(site)]
    problems += find_url_clashes(pages, files)
    return pages, files, problems


def plain_files(site: Site) -> list[Page]:
    """Files for the host rather than readers: GitHub Pages' CNAME and .nojekyll."""
    pages = [Page(".nojekyll", b"", "GitHub Pages (no Jekyll processing)")]
    if site.config.cname:
        pages.append(Page("CNAME", f"{site.config.cname}\n".encode(), "site.yaml cname"))
    return pages


def plan_pages(site: Site) -> list[PageSpec]:
    """Every HTML page of the site, in a stable order."""
    urls, size = site.urls, site.config.page_size
    newest = _newest(site.articles)
    specs = [PageSpec(HOME_URL, "index.html", {"articles": site.articles[:size],
                                                "feed_url": urls.feed()}, "home page", newest),
             PageSpec(NOT_FOUND_URL, "404.html", {}, "404 page"),
             PageSpec(urls.localities(), "localities.html", {}, "localities index", newest),
             PageSpec(urls.topics(), "topics.html", {}, "topics index", newest),
             PageSpec(urls.archive(), "archive.html", {}, "archive", newest),
             PageSpec(urls.search(), "search.html", {}, "search page")]
    specs += _paginate(site.articles, size, urls.articles, "articles.html", {}, "article list")
    specs += _paginate(site.digests, size, urls.digests, "digests.html",
                       {"feed_url": urls.feed(urls.digests())}, "digest index",
                       articles_of=lambda digests: [a for d in digests for a in d.articles])
    for article in site.articles:
        specs.append(PageSpec(article.url, "article.html",
                              {"article": article, "related": site.related.get(article.url, ())},
                              article.source_path, _newest([article])))
    for locality in site.localities.values():
        specs += _paginate(locality.articles, size, lambda n, s=locality.slug: urls.locality(s, n),
                           "locality.html", {"locality": locality,
                                             "feed_url": urls.feed(locality.url)},
                           f"locality {locality.slug}")
    for topic in site.topics:
        specs += _paginate(topic.articles, size, lambda n, s=topic.slug: urls.topic(s, n),
                           "topic.html", {"topic": topic, "feed_url": urls.feed(topic.url)},
                           f"topic {topic.slug}")
    for digest in site.digests:
        specs.append(PageSpec(digest.url, "digest.html",
                              {"digest": digest, "feed_url": urls.feed(urls.digests())},
                              f"digest {digest.key}", _newest(digest.articles)))
    for year in site.archive:
        specs += _paginate(year.articles, size, lambda n, y=year.year: urls.archive(y, page=n),
                           "archive_year.html", {"year": year}, f"archive {year.year}")
        for month in year.months:
            specs += _paginate(month.articles, size,
                               lambda n, m=month: urls.archive(m.year, m.month, n),
                               "archive_month.html", {"month": month},
                               f"archive {month.year}-{month.month:02d}")
    return specs


def feed_files(site: Site, t, digest_title) -> list[Page]:
    """Atom feeds: the whole site, each locality (rolled up), each topic, and the digests."""
    urls, config = site.urls, site.config
    feeds = [(urls.feed(), config.title, config.description, HOME_URL, site.articles)]
    feeds += [(urls.feed(l.url), f"{l.heading} – {config.title}", l.description, l.url, l.articles)
              for l in site.localities.values()]
    feeds += [(urls.feed(t_.url), f"{t_.name} – {config.title}", t_.description, t_.url, t_.articles)
              for t_ in site.topics]
    pages = []
    for feed_url, title, subtitle, page_url, articles in feeds:
        entries = [_article_entry(site, a) for a in articles[:config.feed_size]]
        pages.append(Page(feed_url, feeds_module.atom_feed(
            feed_id=urls.absolute(page_url), title=title, subtitle=subtitle,
            self_url=urls.absolute(feed_url), page_url=urls.absolute(page_url),
            author=config.title, language=config.language, entries=entries), f"feed {feed_url}"))
    digest_entries = [_digest_entry(site, d, t, digest_title) for d in site.digests[:config.feed_size]]
    pages.append(Page(urls.feed(urls.digests()), feeds_module.atom_feed(
        feed_id=urls.absolute(urls.digests()), title=f"{t('digests')} – {config.title}",
        subtitle=config.description, self_url=urls.absolute(urls.feed(urls.digests())),
        page_url=urls.absolute(urls.digests()), author=config.title, language=config.language,
        entries=digest_entries), "digest feed"))
    return pages


def sitemap_files(site: Site, specs: list[PageSpec]) -> list[Page]:
    urls = site.urls
    entries = [(urls.absolute(spec.url), spec.lastmod) for spec in specs if spec.url != NOT_FOUND_URL]
    return [Page(SITEMAP_URL, feeds_module.sitemap(entries), "sitemap"),
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


def _paginate(articles, size: int, url_of, template: str, context: dict, origin: str,
              articles_of=lambda items: items):
    count = max(1, math.ceil(len(articles) / size))
    page_urls = tuple(url_of(n) for n in range(1, count + 1))
    for number in range(1, count + 1):
        items = tuple(articles[(number - 1) * size:number * size])
        paginator = Paginator(items, number, count, len(articles), page_urls)
        yield PageSpec(page_urls[number - 1], template, {**context, "paginator": paginator},
                       origin if number == 1 else f"{origin}, page {number}",
                       _newest(articles_of(items)))


def render_page(env: jinja2.Environment, spec: PageSpec, project_path: Path, problems) -> bytes | None:
    """Render one page; a template mistake becomes a problem naming the template and line."""
    try:
        template = env.get_template(spec.template)
        html = template.render(page_url=spec.url, **spec.context)
    except jinja2.TemplateSyntaxError as error:
        path = _template_path(error.filename, project_path) or spec.template
        # Listed once, with the first page that needed the template, not once per page.
        if not any(p.path == path and p.line == error.lineno and
                   p.message.endswith(f": {error.message}") for p in problems):
            problems.append(Problem(path, error.lineno, f"template syntax error while rendering "
                                    f"{spec.origin} ({spec.url or 'home'}): {error.message}"))
        return None
    except jinja2.TemplateNotFound as error:
        path, line = _template_frame(error, project_path)  # the template that asked for it
        detail = f"template '{error.name}' not found"
        if not any(p.path == (path or spec.origin) and p.line == line and p.message.endswith(detail)
                   for p in problems):
            problems.append(Problem(path or spec.origin, line, f"error while rendering {spec.origin} "
                                    f"({spec.url or 'home'}): {detail}" if path else detail,
                                    "add it to the theme or to templates/"))
        return None
    except Exception as error:  # noqa: BLE001 - any mistake in a template is the theme's, not ours
        path, line = _template_frame(error, project_path)
        detail = error.args[0] if isinstance(error, KeyError) and error.args else error
        detail = f"{type(error).__name__}: {detail}"
        path = path or spec.template
        # Listed once, with the first page it broke, not once per page.
        if not any(p.path == path and p.line == line and p.message.endswith(f": {detail}")
                   for p in problems):
            problems.append(Problem(path, line, f"error while rendering {spec.origin} "
                                                f"({spec.url or 'home'}): {detail}"))
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
                                    f"'{output_file(url)}' is also produced by {first_origin}",
                                    "give one of them another `slug:` (paths may not differ only "
                                    "in case)"))
        else:
            seen.setdefault(key, (url, origin))
    return problems


class _TemplateLoader(jinja2.FileSystemLoader):
    """Templates from folders; a file that is not UTF-8 is a syntax error naming it and its line."""

    def get_source(self, environment, template):
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as error:
            paths = [Path(folder, *split_template_path(template)) for folder in self.searchpath]
            filename = next((str(path) for path in paths if path.is_file()), template)
            line = error.object[:error.start].count(b"\n") + 1
            raise jinja2.TemplateSyntaxError("the file is not UTF-8 text; save it as UTF-8", line,
                                             template, filename) from None


def make_environment(site: Site, theme: Theme, project_path: Path, files) -> jinja2.Environment:
    """A Jinja environment for the site: site templates, then the theme and its parents."""
    folders = []
    site_templates = project_path / SITE_TEMPLATES_DIR
    if site_templates.is_dir():
        folders.append(str(site_templates))
    folders += [str(folder / "templates") for _, folder in theme.chain]
    prefixed = {name: _TemplateLoader(str(folder / "templates")) for name, folder in theme.chain}
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([_TemplateLoader(folders), jinja2.PrefixLoader(prefixed)]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    helpers = _Helpers(site, theme, {f.url: f.source_path for f in files})
    env.globals.update(site=site, config=site.config, t=helpers.t, url=helpers.url,
                       absolute_url=helpers.absolute_url, asset_url=helpers.asset_url,
                       format_date=helpers.format_date, format_number=helpers.format_number,
                       date_range=helpers.date_range, digest_title=helpers.digest_title,
                       month_name=helpers.month_name, share_links=helpers.share_links,
                       article_json_ld=helpers.article_json_ld, picture=helpers.picture,
                       iso_date=lambda value: value.isoformat())
    env.filters.update(date=helpers.format_date, number=helpers.format_number)
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

    def t(self, key: str, **values) -> str:
        """A UI string of the theme, with {placeholders} filled in; count picks one/other."""
        if key not in self.strings:
            raise KeyError(f"no UI string '{key}' for language '{self.site.config.language}' "
                           f"in the theme's i18n file")
        text = self.strings[key]
        if isinstance(text, dict):
            text = text.get("one" if values.get("count") == 1 else "other", "")
        values = {k: (self.format_number(v) if isinstance(v, int) else v) for k, v in values.items()}
        return Markup(str(text)).format(**values) if values else str(text)

    def url(self, target) -> str:
        """A link to a site URL or to anything with a `.url` (article, locality, topic)."""
        return self.site.urls.link(target if isinstance(target, str) else target.url)

    def absolute_url(self, target) -> str:
        return self.site.urls.absolute(target if isinstance(target, str) else target.url)

    def asset_url(self, rel_path: str) -> str:
        """A link to a theme static file, versioned by its content so browsers may cache it."""
        site_url = self.site.urls.asset(rel_path)
        if site_url not in self.files:
            raise KeyError(f"no static file '{rel_path}' in the theme")
        if site_url not in self.asset_versions:
            digest = hashlib.sha256(self.files[site_url].read_bytes()).hexdigest()[:10]
            self.asset_versions[site_url] = digest
        return f"{self.url(site_url)}?v={self.asset_versions[site_url]}"

    def format_date(self, value: dt.datetime, style: str = "date_long") -> str:
        """A date in the language's convention; `style` names a pattern in the i18n file."""
        pattern = self.strings.get(f"format_{style}", style)
        return format_datetime(value, pattern, tzinfo=value.tzinfo, locale=self.locale)

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



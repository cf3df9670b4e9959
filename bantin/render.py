"""Stage 5: render the Site through the theme into pages: (url, bytes), nothing written yet."""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from babel.dates import format_datetime
from babel.numbers import format_decimal
from markupsafe import Markup

from .model import Locality, Published, Site, Topic
from .problems import Problem
from .theme import THEMES_DIR, Theme
from .urls import HOME_URL, NOT_FOUND_URL, output_file

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
    """Render every page; return (pages, files to copy, problems)."""
    problems: list[Problem] = []
    files = list(site.files) + [Published(site.urls.asset(rel), path, f"{_shown(path, project_path)}")
                                for rel, path in theme.static_files().items()]
    env = make_environment(site, theme, project_path, files)
    pages = []
    for spec in plan_pages(site):
        content = render_page(env, spec, project_path, problems)
        if content is not None:
            pages.append(Page(spec.url, content, spec.origin))
    pages += plain_files(site)
    problems += find_url_clashes(pages, files)
    return pages, files, problems


def plain_files(site: Site) -> list[Page]:
    """Files for the host rather than readers: GitHub Pages' CNAME and .nojekyll."""
    pages = [Page(".nojekyll", b"", "GitHub Pages (no Jekyll processing)")]
    if site.config.cname:
        pages.append(Page("CNAME", f"{site.config.cname}\n".encode(), "site.yaml cname"))
    return pages


def plan_pages(site: Site) -> list[PageSpec]:
    """Every page of the site, in a stable order."""
    urls, size = site.urls, site.config.page_size
    specs = [PageSpec(HOME_URL, "index.html", {"articles": site.articles[:size]}, "home page"),
             PageSpec(NOT_FOUND_URL, "404.html", {}, "404 page"),
             PageSpec(urls.localities(), "localities.html", {}, "localities index"),
             PageSpec(urls.topics(), "topics.html", {}, "topics index")]
    specs += _paginate(site.articles, size, urls.articles, "articles.html", {}, "article list")
    for article in site.articles:
        specs.append(PageSpec(article.url, "article.html", {"article": article}, article.source_path))
    for locality in site.localities.values():
        specs += _paginate(locality.articles, size, lambda n, s=locality.slug: urls.locality(s, n),
                           "locality.html", {"locality": locality}, f"locality {locality.slug}")
    for topic in site.topics:
        specs += _paginate(topic.articles, size, lambda n, s=topic.slug: urls.topic(s, n),
                           "topic.html", {"topic": topic}, f"topic {topic.slug}")
    return specs


def _paginate(articles, size: int, url_of, template: str, context: dict, origin: str):
    count = max(1, math.ceil(len(articles) / size))
    page_urls = tuple(url_of(n) for n in range(1, count + 1))
    for number in range(1, count + 1):
        paginator = Paginator(tuple(articles[(number - 1) * size:number * size]), number, count,
                              len(articles), page_urls)
        yield PageSpec(page_urls[number - 1], template, {**context, "paginator": paginator},
                       origin if number == 1 else f"{origin}, page {number}")


def render_page(env: jinja2.Environment, spec: PageSpec, project_path: Path, problems) -> bytes | None:
    """Render one page; a template mistake becomes a problem naming the template and line."""
    try:
        template = env.get_template(spec.template)
        html = template.render(page_url=spec.url, **spec.context)
    except jinja2.TemplateSyntaxError as error:
        problems.append(Problem(_template_path(error.filename, project_path) or spec.template,
                                error.lineno, f"template syntax error: {error.message}"))
        return None
    except jinja2.TemplateNotFound as error:
        problems.append(Problem(spec.origin, None, f"template '{error.name}' not found",
                                "add it to the theme or to templates/"))
        return None
    except Exception as error:  # noqa: BLE001 - any mistake in a template is the theme's, not ours
        path, line = _template_frame(error, project_path)
        problems.append(Problem(path or spec.template, line,
                                f"error while rendering {spec.origin} ({spec.url or 'home'}): "
                                f"{type(error).__name__}: {error}"))
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


def make_environment(site: Site, theme: Theme, project_path: Path, files) -> jinja2.Environment:
    """A Jinja environment for the site: site templates, then the theme and its parents."""
    folders = []
    site_templates = project_path / SITE_TEMPLATES_DIR
    if site_templates.is_dir():
        folders.append(str(site_templates))
    folders += [str(folder / "templates") for _, folder in theme.chain]
    prefixed = {name: jinja2.FileSystemLoader(str(folder / "templates")) for name, folder in theme.chain}
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(folders), jinja2.PrefixLoader(prefixed)]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    helpers = _Helpers(site, theme, {f.url: f.source_path for f in files})
    env.globals.update(site=site, config=site.config, t=helpers.t, url=helpers.url,
                       absolute_url=helpers.absolute_url, asset_url=helpers.asset_url,
                       format_date=helpers.format_date, format_number=helpers.format_number,
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



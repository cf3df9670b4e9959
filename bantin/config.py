"""Stage 1: read site.yaml into a typed, validated SiteConfig."""
from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from .fields import FieldReader, is_http_url
from .problems import BuildError, Problem
from .textfile import read_text_file
from .text import is_reserved_name, slugify
from .yamlfile import YamlDocument, parse_yaml_mapping

CONFIG_NAME = "site.yaml"
LANGUAGES = ("vi", "en")
DIGEST_PERIODS = ("weekly", "monthly")


@dataclass(frozen=True)
class LocalityConfig:
    """A locality as declared in site.yaml; `parent` is still the text the user wrote."""

    name: str
    slug: str
    kind: str = ""  # thành phố, quận, huyện, thị xã, phường, xã …
    aliases: tuple[str, ...] = ()
    parent: str = ""  # slug, name or alias of another locality; "" for a top-level one
    description: str = ""
    line: int | None = None  # where it is declared in site.yaml
    parent_line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TopicConfig:
    name: str
    slug: str
    description: str = ""
    line: int | None = None


@dataclass(frozen=True)
class HtmlPolicy:
    """What raw HTML in articles may hold beyond the safe default allow-list (trusted editors)."""

    allow_tags: tuple[str, ...] = ()
    allow_attributes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (tag, attributes)


@dataclass(frozen=True)
class SiteConfig:
    """Everything site.yaml says, checked and with defaults filled in."""

    project_path: Path
    title: str
    base_url: str  # absolute, ends with "/"; may carry a sub-path (https://user.github.io/repo/)
    description: str = ""
    language: str = "vi"  # vi or en: UI strings, date and number formats
    timezone: str = "Asia/Ho_Chi_Minh"  # dates without an offset are read in this zone
    theme: str = "default"  # a folder under themes/
    output_dir: str = "_site"  # relative to the project
    page_size: int = 10  # articles per page of every list
    digest_period: str = "weekly"  # weekly (ISO weeks, Monday to Sunday) or monthly round-ups
    feed_size: int = 20  # newest entries in each Atom feed
    related_count: int = 4  # related articles shown under an article (0 for none)
    localities: tuple[LocalityConfig, ...] = ()
    topics: tuple[TopicConfig, ...] = ()
    cname: str = ""  # a custom domain for GitHub Pages, written to CNAME; "" for none
    html: HtmlPolicy = HtmlPolicy()  # extra tags and attributes allowed in articles' raw HTML
    extra: dict = field(default_factory=dict)  # free-form values for templates
    key_lines: dict = field(default_factory=dict, repr=False, compare=False)  # key → line

    def line_of(self, key: str) -> int | None:
        """The line of a top-level key in site.yaml, for problems found later."""
        return self.key_lines.get(key)

    @property
    def base_path(self) -> str:
        """The sub-path of base_url: "/repo/" or "/"."""
        return urlsplit(self.base_url).path

    @property
    def output_path(self) -> Path:
        return (self.project_path / self.output_dir).resolve()

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


_KEYS = {"title", "description", "base_url", "language", "timezone", "theme", "output_dir",
         "page_size", "digest_period", "feed_size", "related_count", "localities", "topics", "cname",
         "html", "extra"}
_LOCALITY_KEYS = {"name", "slug", "kind", "aliases", "parent", "description"}
_TOPIC_KEYS = {"name", "slug", "description"}
_HTML_KEYS = {"allow_tags", "allow_attributes"}
# Never allowed, whatever site.yaml says: they run code or load other pages.
FORBIDDEN_TAGS = {"script", "style", "object", "embed", "applet", "base", "meta", "link", "form",
                  "frame", "frameset",
                  # raw-text elements: a browser reads their content otherwise than the sanitiser
                  "noscript", "template", "xmp", "plaintext", "noembed", "noframes"}
# srcdoc holds a whole page (scripts included) that runs with the site's own origin.
FORBIDDEN_ATTRIBUTES = {"style", "srcdoc"}


def load_config(project_path: Path, base_url: str | None = None) -> SiteConfig:
    """Read and check site.yaml; raise BuildError listing every problem found."""
    config, problems = read_config(project_path, base_url)
    if any(p.is_error for p in problems):
        raise BuildError(problems)
    return config


def read_config(project_path: Path, base_url: str | None = None) -> tuple[SiteConfig, list[Problem]]:
    """Read and check site.yaml: (config with defaults where a value is wrong, problems).

    Raises BuildError only when there is nothing to go on (no file, or not YAML), so that a
    build can report the mistakes of site.yaml and of the articles in one run.
    """
    config_path = project_path / CONFIG_NAME
    if not config_path.is_file():
        raise BuildError([Problem(CONFIG_NAME, None, "site.yaml not found",
                                  f"create it in {project_path} (see README.md)")])
    text, problems = read_text_file(config_path, CONFIG_NAME)
    document = None
    if text is not None:
        document, yaml_problems = parse_yaml_mapping(text, CONFIG_NAME, what="site.yaml")
        problems += yaml_problems
    if document is None:
        raise BuildError(problems)
    config = parse_config(document, project_path, problems)
    if base_url is not None:
        if is_http_url(base_url):
            config = replace(config, base_url=_with_slash(base_url))
        else:
            problems.append(Problem("", None, f"--base-url must be an http:// or https:// URL, "
                                              f"not {base_url!r}"))
    return config, problems


def parse_config(document: YamlDocument, project_path: Path, problems: list[Problem]) -> SiteConfig:
    """Check a parsed site.yaml; append problems; return the config (defaults where invalid)."""
    reader = FieldReader(document, CONFIG_NAME, problems)
    data = document.data
    if not data:
        reader.problem((), "site.yaml is empty", "give at least `title:` and `base_url:`")
    reader.check_keys(data, (), _KEYS, "site.yaml")
    defaults = SiteConfig(project_path, "", "")
    title = reader.text(data, ("title",), required=True)
    base_url = reader.text(data, ("base_url",), required=True)
    if base_url and not is_http_url(base_url):
        reader.problem(("base_url",), f"'base_url' must be an http:// or https:// URL, not {base_url!r}",
                       "for example https://user.github.io/repo/")
        base_url = ""
    language = reader.text(data, ("language",), default=defaults.language)
    if language not in LANGUAGES:
        reader.problem(("language",), f"'language' must be one of {', '.join(LANGUAGES)}, not {language!r}")
        language = defaults.language
    timezone = reader.text(data, ("timezone",), default=defaults.timezone)
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        reader.problem(("timezone",), f"unknown timezone {timezone!r}", "for example Asia/Ho_Chi_Minh")
        timezone = defaults.timezone
    page_size = _count(reader, data, "page_size", defaults.page_size, minimum=1)
    digest_period = reader.text(data, ("digest_period",), default=defaults.digest_period)
    if digest_period not in DIGEST_PERIODS:
        reader.problem(("digest_period",), f"'digest_period' must be weekly or monthly, "
                                           f"not {digest_period!r}")
        digest_period = defaults.digest_period
    theme = reader.text(data, ("theme",), default=defaults.theme)
    if not _is_plain_name(theme):
        reader.problem(("theme",), f"'theme' must be the name of a folder in themes/, not {theme!r}")
        theme = defaults.theme
    return SiteConfig(
        project_path=project_path,
        title=title,
        base_url=_with_slash(base_url) if base_url else "http://localhost/",
        description=reader.text(data, ("description",)),
        language=language,
        timezone=timezone,
        theme=theme,
        output_dir=reader.text(data, ("output_dir",), default=defaults.output_dir),
        page_size=page_size,
        digest_period=digest_period,
        feed_size=_count(reader, data, "feed_size", defaults.feed_size, minimum=1),
        related_count=_count(reader, data, "related_count", defaults.related_count, minimum=0),
        localities=tuple(_parse_localities(reader, data)),
        topics=tuple(_parse_topics(reader, data)),
        cname=_parse_cname(reader, data),
        html=_parse_html(reader, data),
        extra=reader.value(data, ("extra",), dict, default={}),
        key_lines={key[0]: line for key, line in document.lines.items() if len(key) == 1},
    )


def _parse_localities(reader: FieldReader, data: dict):
    for index, item in enumerate(reader.value(data, ("localities",), list, default=[])):
        key = ("localities", index)
        if not isinstance(item, dict):
            reader.problem(key, f"'localities' item {index + 1} must be a mapping with at least `name:`",
                           "write it as `- name: …`, with `kind:`, `parent:` … on the lines below")
            continue
        reader.check_keys(item, key, _LOCALITY_KEYS, "a locality")
        name = reader.text(item, key + ("name",), required=True)
        if not name:
            continue
        slug = _slug(reader, item, key, name)
        yield LocalityConfig(
            name=name, slug=slug,
            kind=reader.text(item, key + ("kind",)),
            aliases=tuple(alias for alias, _ in reader.text_list(item, key + ("aliases",))),
            parent=reader.text(item, key + ("parent",)),
            description=reader.text(item, key + ("description",)),
            line=reader.document.line(*key),
            parent_line=reader.document.lines.get(key + ("parent",)),
        )


def _parse_topics(reader: FieldReader, data: dict):
    for index, item in enumerate(reader.value(data, ("topics",), list, default=[])):
        key = ("topics", index)
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            reader.problem(key, f"'topics' item {index + 1} must be a name or a mapping with `name:`")
            continue
        reader.check_keys(item, key, _TOPIC_KEYS, "a topic")
        name = reader.text(item, key + ("name",), required=True)
        if name:
            yield TopicConfig(name, _slug(reader, item, key, name),
                              reader.text(item, key + ("description",)), reader.document.line(*key))


def _count(reader: FieldReader, data: dict, name: str, default: int, minimum: int) -> int:
    value = reader.value(data, (name,), int, default=default)
    if value < minimum:
        reader.problem((name,), f"'{name}' must be at least {minimum}")
        return default
    return value


def _parse_cname(reader: FieldReader, data: dict) -> str:
    cname = reader.text(data, ("cname",)).lower()
    if cname and not re.fullmatch(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", cname):
        reader.problem(("cname",), f"'cname' must be a domain name such as tin.example.vn, not {cname!r}")
        return ""
    return cname


def _parse_html(reader: FieldReader, data: dict) -> HtmlPolicy:
    value = reader.value(data, ("html",), dict, default={})
    reader.check_keys(value, ("html",), _HTML_KEYS, "'html'")
    tags = []
    for tag, _ in reader.text_list(value, ("html", "allow_tags")):
        if tag.lower() in FORBIDDEN_TAGS:
            reader.problem(("html", "allow_tags"), f"<{tag}> can never be allowed in articles")
        else:
            tags.append(tag.lower())
    attributes = []
    for tag, names in reader.value(value, ("html", "allow_attributes"), dict, default={}).items():
        names = reader.text_list(value["allow_attributes"], ("html", "allow_attributes", tag))
        unsafe = [n for n, _ in names if n.lower().startswith("on") or n.lower() in FORBIDDEN_ATTRIBUTES]
        if unsafe:
            reader.problem(("html", "allow_attributes", tag),
                           f"the attribute '{unsafe[0]}' can never be allowed in articles")
        attributes.append((str(tag).lower(), tuple(n.lower() for n, _ in names if n not in unsafe)))
    return HtmlPolicy(tuple(tags), tuple(attributes))


def _slug(reader: FieldReader, item: dict, key: tuple, name: str) -> str:
    given = reader.text(item, key + ("slug",))
    slug = slugify(given or name)
    if given and slug != given:
        reader.problem(key + ("slug",), f"slug {given!r} is not a plain URL slug",
                       f"use lower-case ASCII letters, digits and hyphens, such as {slug!r}")
    elif not slug:
        reader.problem(key + ("name",), f"cannot make a slug from {name!r}", "give a `slug:`")
    elif is_reserved_name(slug):
        reader.problem(key + ("slug" if given else "name",),
                       f"the slug {slug!r} is a name Windows reserves for devices", "give another `slug:`")
    return slug


def _is_plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"

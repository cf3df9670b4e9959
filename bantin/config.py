"""Stage 1: read site.yaml into a typed, validated SiteConfig."""
from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from .fields import FieldReader, is_http_url
from .messages import _
from .problems import WARNING, BuildError, Problem, did_you_mean, suggest
from .textfile import read_text_file
from .text import fold, is_reserved_name, slugify
from .yamlfile import YamlDocument, parse_yaml_mapping

CONFIG_NAME = "site.yaml"
LANGUAGES = ("vi", "en")
DIGEST_PERIODS = ("weekly", "monthly")
# The kinds of locality Vietnam's administration uses, and their English names for `language: en`
# sites; another kind is shown as written, with a warning (a typo shows on every page).
KNOWN_KINDS = ("thành phố", "tỉnh", "quận", "huyện", "thị xã", "thị trấn", "phường", "xã",
               "đặc khu", "thôn", "ấp", "bản", "làng", "xóm", "tổ dân phố", "khu phố",
               "city", "province", "district", "town", "township", "ward", "commune", "village")


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
    # Folders below content/ whose every file is published, linked or not (logos, documents
    # for download); any other file beside articles is published only when an article links
    # to it or shows it. Paths below content/, without a slash at either end.
    static_dirs: tuple[str, ...] = ("static",)
    # False: published JPEG, PNG and WebP files lose where they were taken (EXIF GPS, XMP,
    # IPTC, makers' notes); true publishes them as they are.
    keep_image_location: bool = False
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
         "html", "static_dirs", "keep_image_location", "extra"}
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
        raise BuildError([Problem(CONFIG_NAME, None, _("site.yaml not found"),
                                  _("create it in {folder} (see README.md)", folder=str(project_path)),
                                  code="no-site-yaml")])
    text, problems = read_text_file(config_path, CONFIG_NAME)
    document = None
    if text is not None:
        document, yaml_problems = parse_yaml_mapping(text, CONFIG_NAME, what=CONFIG_NAME)
        problems += yaml_problems
    if document is None:
        raise BuildError(problems)
    config = parse_config(document, project_path, problems)
    if base_url is not None:
        if is_http_url(base_url):
            config = replace(config, base_url=_with_slash(base_url))
        else:
            problems.append(Problem("", None, _("--base-url must be an http:// or https:// URL, "
                                                "not {value}", value=repr(base_url)),
                                    code="invalid-url"))
    return config, problems


def read_language(project_path: Path) -> str | None:
    """The site's `language:`, or None when site.yaml cannot be read (to speak of its problems)."""
    try:
        config, _problems = read_config(project_path)
    except BuildError:
        return None
    return config.language


def parse_config(document: YamlDocument, project_path: Path, problems: list[Problem]) -> SiteConfig:
    """Check a parsed site.yaml; append problems; return the config (defaults where invalid)."""
    reader = FieldReader(document, CONFIG_NAME, problems)
    data = document.data
    if not data:
        reader.problem((), _("site.yaml is empty"), _("give at least `title:` and `base_url:`"),
                       code="empty-file")
    reader.check_keys(data, (), _KEYS, CONFIG_NAME)
    defaults = SiteConfig(project_path, "", "")
    title = reader.text(data, ("title",), required=True)
    base_url = reader.text(data, ("base_url",), required=True)
    if base_url and not is_http_url(base_url):
        reader.problem(("base_url",), _("'{field}' must be an http:// or https:// URL, not {value}",
                                        field="base_url", value=repr(base_url)),
                       _("for example https://user.github.io/repo/"), code="invalid-url")
        base_url = ""
    language = reader.text(data, ("language",), default=defaults.language)
    if language not in LANGUAGES:
        reader.problem(("language",), _("'language' must be one of {choices}, not {value}",
                                        choices=", ".join(LANGUAGES), value=repr(language)))
        language = defaults.language
    timezone = reader.text(data, ("timezone",), default=defaults.timezone)
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        reader.problem(("timezone",), _("unknown timezone {value}", value=repr(timezone)),
                       _("for example Asia/Ho_Chi_Minh"), code="unknown-timezone")
        timezone = defaults.timezone
    page_size = _count(reader, data, "page_size", defaults.page_size, minimum=1)
    digest_period = reader.text(data, ("digest_period",), default=defaults.digest_period)
    if digest_period not in DIGEST_PERIODS:
        reader.problem(("digest_period",), _("'digest_period' must be weekly or monthly, not {value}",
                                             value=repr(digest_period)))
        digest_period = defaults.digest_period
    theme = reader.text(data, ("theme",), default=defaults.theme)
    if not _is_plain_name(theme):
        reader.problem(("theme",), _("'theme' must be the name of a folder in themes/, not {value}",
                                     value=repr(theme)))
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
        static_dirs=_parse_static_dirs(reader, data, defaults.static_dirs),
        keep_image_location=reader.value(data, ("keep_image_location",), bool,
                                         default=defaults.keep_image_location),
        extra=reader.value(data, ("extra",), dict, default={}),
        key_lines={key[0]: line for key, line in document.lines.items() if len(key) == 1},
    )


def _parse_localities(reader: FieldReader, data: dict):
    for index, item in enumerate(reader.value(data, ("localities",), list, default=[])):
        key = ("localities", index)
        if not isinstance(item, dict):
            reader.problem(key, _("'localities' item {number} must be a mapping with at least "
                                  "`name:`", number=index + 1),
                           _("write it as `- name: …`, with `kind:`, `parent:` … on the lines below"),
                           code="wrong-type")
            continue
        reader.name_owner(key, _("locality number {number}", number=index + 1))
        name = reader.text(item, key + ("name",), required=True)
        kind = reader.text(item, key + ("kind",))
        if name:
            reader.name_owner(key, _("locality '{name}'", name=f"{kind} {name}" if kind else name))
        reader.check_keys(item, key, _LOCALITY_KEYS, _("a locality"))
        if not name:
            continue
        _check_kind(reader, key + ("kind",), kind)
        slug = _slug(reader, item, key, name)
        yield LocalityConfig(
            name=name, slug=slug,
            kind=kind,
            aliases=tuple(alias for alias, _line in reader.text_list(item, key + ("aliases",))),
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
            reader.problem(key, _("'topics' item {number} must be a name or a mapping with `name:`",
                                  number=index + 1), code="wrong-type")
            continue
        reader.name_owner(key, _("topic number {number}", number=index + 1))
        name = reader.text(item, key + ("name",), required=True)
        if name:
            reader.name_owner(key, _("topic '{name}'", name=name))
        reader.check_keys(item, key, _TOPIC_KEYS, _("a topic"))
        if name:
            yield TopicConfig(name, _slug(reader, item, key, name),
                              reader.text(item, key + ("description",)), reader.document.line(*key))


def _count(reader: FieldReader, data: dict, name: str, default: int, minimum: int) -> int:
    value = reader.value(data, (name,), int, default=default)
    if value < minimum:
        reader.problem((name,), _("'{field}' must be at least {minimum}", field=name,
                                  minimum=minimum))
        return default
    return value


def _parse_cname(reader: FieldReader, data: dict) -> str:
    cname = reader.text(data, ("cname",)).lower()
    if cname and not re.fullmatch(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", cname):
        reader.problem(("cname",), _("'cname' must be a domain name such as tin.example.vn, "
                                     "not {value}", value=repr(cname)))
        return ""
    return cname


def _parse_html(reader: FieldReader, data: dict) -> HtmlPolicy:
    value = reader.value(data, ("html",), dict, default={})
    reader.check_keys(value, ("html",), _HTML_KEYS, "'html'")
    tags = []
    for tag, _line in reader.text_list(value, ("html", "allow_tags")):
        if tag.lower() in FORBIDDEN_TAGS:
            reader.problem(("html", "allow_tags"), _("<{tag}> can never be allowed in articles",
                                                     tag=tag), code="unsafe-html")
        else:
            tags.append(tag.lower())
    attributes = []
    for tag, names in reader.value(value, ("html", "allow_attributes"), dict, default={}).items():
        names = reader.text_list(value["allow_attributes"], ("html", "allow_attributes", tag))
        unsafe = [n for n, _line in names
                  if n.lower().startswith("on") or n.lower() in FORBIDDEN_ATTRIBUTES]
        if unsafe:
            reader.problem(("html", "allow_attributes", tag),
                           _("the attribute '{name}' can never be allowed in articles",
                             name=unsafe[0]), code="unsafe-html")
        attributes.append((str(tag).lower(),
                           tuple(n.lower() for n, _line in names if n not in unsafe)))
    return HtmlPolicy(tuple(tags), tuple(attributes))


def _parse_static_dirs(reader: FieldReader, data: dict, default: tuple[str, ...]):
    """The public folders as paths below content/ ("static"); "" stands for content/ itself."""
    if data.get("static_dirs") is None:
        return default
    folders = []
    for value, line in reader.text_list(data, ("static_dirs",)):
        parts = value.strip("/").split("/")
        if parts[0] != "content" or "\\" in value or \
                any(part in ("", ".", "..") for part in parts[1:]):
            plain = "\\" not in value and ".." not in parts and parts[0] != "content"
            example = f"content/{value.strip('/')}/" if plain else "content/static/"
            reader.problems.append(Problem(
                CONFIG_NAME, line, _("'static_dirs': {value} is not a folder inside content/",
                                     value=repr(value)),
                _("give the folder's path from the project, with forward slashes, such as "
                  "{example}", example=repr(example)), code="invalid-value"))
        else:
            folders.append("/".join(parts[1:]))
    return tuple(folders)


def _slug(reader: FieldReader, item: dict, key: tuple, name: str) -> str:
    given = reader.text(item, key + ("slug",))
    slug = slugify(given or name)
    if given and slug != given:
        reader.problem(key + ("slug",), _("slug {slug} is not a plain URL slug", slug=repr(given)),
                       _("use lower-case ASCII letters, digits and hyphens, such as {slug}",
                         slug=repr(slug)), code="invalid-slug")
    elif not slug:
        reader.problem(key + ("name",), _("cannot make a slug from {name}", name=repr(name)),
                       _("give a `slug:`"), code="invalid-slug")
    elif is_reserved_name(slug):
        reader.problem(key + ("slug" if given else "name",),
                       _("the slug {slug} is a name Windows reserves for devices", slug=repr(slug)),
                       _("give another `slug:`"), code="reserved-name")
    return slug


def _check_kind(reader: FieldReader, key: tuple, kind: str) -> None:
    """A kind written without its diacritics or misspelt ("xa", "huyen") gets a did-you-mean."""
    if not kind or kind.lower() in KNOWN_KINDS:
        return
    by_fold = {fold(known): known for known in KNOWN_KINDS}
    hint = suggest([repr(by_fold[fold(kind)])]) if fold(kind) in by_fold else \
        did_you_mean(fold(kind), by_fold, quote=lambda folded: repr(by_fold[folded]))
    if hint:  # a typo: it would show on every page of the locality
        reader.problem(key, _("'kind' {value} is not a kind of locality", value=repr(kind)), hint,
                       code="unknown-kind")
    else:
        reader.problem(key, _("'kind' {value} is not a kind of locality Bản tin knows; it is "
                              "shown as written", value=repr(kind)),
                       _("known kinds: {kinds}", kinds=", ".join(KNOWN_KINDS)), code="unknown-kind",
                       severity=WARNING)


def _is_plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"

"""Stage 3: turn each source file's front matter into a typed Article, collecting problems."""
from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import SiteConfig
from .content import SourceFile
from .fields import FieldReader, is_http_url
from .localities import LocalityIndex
from .messages import _
from .problems import Problem
from .yamlfile import DATE_REASONS, FRONT_MATTER, INVALID
from .text import (MAX_SLUG_LENGTH, fold, has_control_characters, is_reserved_name, slugify,
                   strip_control_characters)

FRONT_MATTER_KEYS = {"title", "date", "updated", "localities", "locality", "topics", "summary",
                     "author", "source", "image", "draft", "slug", "extra"}
_SOURCE_KEYS = {"name", "url", "title"}
_IMAGE_KEYS = {"src", "alt", "credit"}
_DATE_HINT = _("write the day first, as 28/11/2026 or 28/11/2026 09:00, or write it as "
               "2026-11-28, 2026-11-28 09:00 or 2026-11-28T09:00:00+07:00")
# The forms editors write besides ISO 8601, day first in every language (as Vietnam writes
# dates): 28/11/2026, 5/7/2024 09:30; and ISO with a one-digit hour, 2026-11-28 9:00.
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_ISO_SHORT_HOUR = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?")


@dataclass(frozen=True)
class Source:
    """Where the facts of an article come from."""

    name: str
    url: str = ""
    title: str = ""


@dataclass(frozen=True)
class Image:
    # As written: a path relative to the article file, or from content/ when it starts with /;
    # or an https:// URL of an image kept elsewhere (shown from there, not resized).
    src: str
    alt: str = ""
    credit: str = ""
    line: int | None = None  # of `src:` (or `image:`) in the front matter

    @property
    def is_remote(self) -> bool:
        return is_remote_image(self.src)


@dataclass(frozen=True)
class Article:
    """One article as its front matter describes it; the model stage adds URLs and HTML."""

    source_path: str  # as shown in problems: "content/2024/ba-vi.md"
    rel_path: str  # below content/
    slug: str
    title: str
    date: dt.datetime  # aware, in the site's timezone
    has_time: bool  # False when the front matter gave only a day
    body: str  # Markdown
    body_line: int
    updated: dt.datetime | None = None
    locality_slugs: tuple[str, ...] = ()
    topic_names: tuple[str, ...] = ()
    summary: str = ""  # plain text; empty means "take the first paragraph"
    summary_is_excerpt: bool = False  # True when the summary is the start of the body
    author: str = ""
    source: Source | None = None
    image: Image | None = None
    is_draft: bool = False
    extra: dict = field(default_factory=dict)
    # Filled in by the model stage:
    url: str = ""
    body_html: str = ""
    text: str = ""  # the body as plain text
    image_url: str | None = None
    localities: tuple = field(default=(), repr=False)  # Locality values
    topics: tuple = field(default=(), repr=False)  # Topic values


@dataclass(frozen=True)
class BuildOptions:
    build_time: dt.datetime
    include_drafts: bool = False
    include_future: bool = False
    cache_path: Path | None = None  # where resized images are kept between builds


def is_published(article: Article, options: BuildOptions) -> bool:
    if article.is_draft and not options.include_drafts:
        return False
    return options.include_future or article.date <= options.build_time


def validate_articles(sources, config: SiteConfig, index: LocalityIndex):
    """Check every source file; return (articles, problems). Articles with errors are dropped."""
    articles, problems = [], []
    for source in sources:
        article, article_problems = validate_article(source, config, index)
        problems += article_problems
        if article is not None:
            articles.append(article)
    return articles, problems


def validate_article(source: SourceFile, config: SiteConfig, index: LocalityIndex):
    """One source file → (Article or None when it has an error, problems)."""
    problems: list[Problem] = []
    reader = FieldReader(source.front_matter, source.shown_path, problems)
    data = source.front_matter.data
    reader.check_keys(data, (), FRONT_MATTER_KEYS, FRONT_MATTER)
    title = reader.text(data, ("title",), required=True)
    date = _read_date(reader, data, ("date",), config, required=True)
    updated = _read_date(reader, data, ("updated",), config)
    if "locality" in data and "localities" in data:
        reader.problem(("locality",), _("give either 'locality' or 'localities', not both"),
                       _("list every locality under `localities:` and remove `locality:`"),
                       code="locality-twice")
    locality_key = ("locality",) if "locality" in data else ("localities",)
    locality_slugs = []
    for value, line in reader.text_list(data, locality_key):
        match = index.match(value)
        if match.slug is None:
            problems.append(Problem(source.shown_path, line, match.message, match.hint,
                                    code=match.code))
        elif match.slug not in locality_slugs:  # the same place by name, slug and alias: once
            locality_slugs.append(match.slug)
    topic_names = []
    declared_topics = {fold(form) for topic in config.topics for form in (topic.name, topic.slug)}
    for value, line in reader.text_list(data, ("topics",)):
        if not slugify(value):
            problems.append(Problem(source.shown_path, line,
                                    _("topic '{topic}' has no letters or digits to make a URL from",
                                      topic=value), _("write the topic as a word"),
                                    code="invalid-slug"))
        elif is_reserved_name(slugify(value)) and fold(value) not in declared_topics:
            problems.append(Problem(source.shown_path, line,
                                    _("topic '{topic}' would get the URL slug '{slug}', a name "
                                      "Windows reserves for devices", topic=value,
                                      slug=slugify(value)),
                                    _("declare it in site.yaml with a `slug:` of its own, or name "
                                      "it otherwise"), code="reserved-name"))
        else:
            topic_names.append(value)
    topic_names = _unique(topic_names)
    slug = _read_slug(reader, data, source, title)
    is_draft = reader.value(data, ("draft",), bool, default=False)
    summary = reader.text(data, ("summary",))
    author = reader.text(data, ("author",))
    article_source = _read_source(reader, data)
    image = _read_image(reader, data)
    extra = reader.value(data, ("extra",), dict, default={})
    if any(p.is_error for p in problems) or date is None or not source.front_matter_ok:
        # A None date and an unreadable value were reported when the file was read.
        return None, problems
    return Article(
        source_path=source.shown_path,
        rel_path=source.rel_path,
        slug=slug,
        title=strip_control_characters(title),
        date=date[0],
        has_time=date[1],
        body=strip_control_characters(source.body),
        body_line=source.body_line,
        updated=updated[0] if updated else None,
        locality_slugs=tuple(locality_slugs),
        topic_names=tuple(topic_names),
        summary=strip_control_characters(summary),
        author=strip_control_characters(author),
        source=article_source,
        image=image,
        is_draft=is_draft,
        extra=extra,
    ), problems


def parse_date(value, tzinfo) -> tuple[dt.datetime, bool] | None:
    """A front matter date (date, datetime, ISO text or a day-first 28/11/2026 [09:00]) as
    (aware datetime, has_time)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.datetime.fromisoformat(text) if len(text) > 10 else dt.date.fromisoformat(text)
        except ValueError:
            try:
                value = _written_date(text)
            except ValueError:
                return None
            if value is None:
                return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=tzinfo), True
        try:
            return value.astimezone(tzinfo), True
        except OverflowError:  # 9999-12-31T23:00-12:00 is already year 10000 in Hà Nội
            return None
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=tzinfo), False
    return None


def _written_date(text: str) -> dt.date | dt.datetime | None:
    """A date in one of the forms of _DAY_FIRST and _ISO_SHORT_HOUR; None when it has neither
    form; ValueError (Python's words) when it has one but names no real day or time."""
    found = _DAY_FIRST.fullmatch(text)
    if found:
        day, month, year, hour, minute, second = found.groups()
    else:
        found = _ISO_SHORT_HOUR.fullmatch(text)
        if not found:
            return None
        year, month, day, hour, minute, second = found.groups()
    if hour is None:
        return dt.date(int(year), int(month), int(day))
    return dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))


def _date_mistake(value) -> str | None:
    """Why a text shaped like a date names no real day or time, or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        _written_date(text)
    except ValueError as error:
        found = _DAY_FIRST.fullmatch(text)
        if found and int(found[2]) > 12 and 1 <= int(found[1]) <= 12:
            # 11/28/2026, the American order: the day always comes first.
            return _("there is no month {month}: the day comes first, so write {example}",
                     month=int(found[2]), example=f"{found[2]}/{found[1]}/{found[3]}"
                     + text[found.end(3):])
        reason = str(error)
        return DATE_REASONS.get(reason, reason)
    return None


def _read_date(reader: FieldReader, data: dict, key: tuple, config: SiteConfig, required=False):
    name = key[-1]
    if data.get(name) is None:
        if required:
            reader.problem((), _("missing required field '{field}'", field=name),
                           _("add a line `{name}: 2024-07-05`", name=name), code="missing-field")
        return None
    value = data[name]
    if value is INVALID:
        return None
    parsed = parse_date(value, config.tzinfo) if not isinstance(value, bool) else None
    if parsed is None and _is_aware_datetime(value):  # then only the timezone made it overflow
        reader.problem(key, _("'{field}' {value} falls outside the years 1 to 9999 in the site's "
                              "timezone", field=name, value=str(value)), _("check the year"),
                       code="invalid-date")
    elif parsed is None and _date_mistake(value) is not None:
        reader.problem(key, _("'{field}' {value} is not a real date: {reason}", field=name,
                              value=repr(value.strip()), reason=_date_mistake(value)),
                       _DATE_HINT, code="invalid-date")
    elif parsed is None:
        reader.problem(key, _("'{field}' is not a date: {value}", field=name, value=repr(value)),
                       _DATE_HINT, code="invalid-date")
    return parsed


def _is_aware_datetime(value) -> bool:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return False
    return isinstance(value, dt.datetime) and value.tzinfo is not None


def _read_slug(reader: FieldReader, data: dict, source: SourceFile, title: str) -> str:
    given = reader.text(data, ("slug",))
    key = ("slug",) if given else ("title",)
    slug = slugify(given or title)
    if given and len(given) > MAX_SLUG_LENGTH:
        reader.problem(key, _("the slug is longer than {length} characters",
                              length=MAX_SLUG_LENGTH),
                       _("give a shorter `slug:`, such as {slug}", slug=repr(slug)),
                       code="invalid-slug")
    elif given and slug != given:
        reader.problem(key, _("slug {slug} is not a plain URL slug", slug=repr(given)),
                       _("use lower-case ASCII letters, digits and hyphens, such as {slug}",
                         slug=repr(slug or "tin-moi")), code="invalid-slug")
    elif title and not slug:
        reader.problem(key, _("cannot make a URL slug from the title {title}", title=repr(title)),
                       _("add a `slug:` with lower-case ASCII letters, digits and hyphens"),
                       code="invalid-slug")
    elif is_reserved_name(slug):
        reader.problem(key, _("the slug {slug} is a name Windows reserves for devices",
                              slug=repr(slug)),
                       _("give another `slug:`, e.g. '{example}'", example="bai-" + slug),
                       code="reserved-name")
    return slug


def _read_source(reader: FieldReader, data: dict) -> Source | None:
    if isinstance(data.get("source"), str):  # `source: Kinhtedothi` is fine
        name = reader.text(data, ("source",))
        return Source(strip_control_characters(name)) if name else None
    value = reader.value(data, ("source",), dict)
    if value is None:
        return None
    reader.check_keys(value, ("source",), _SOURCE_KEYS, "'source'")
    return Source(reader.text(value, ("source", "name"), required=True),
                  reader.http_url(value, ("source", "url")),
                  reader.text(value, ("source", "title")))


def _read_image(reader: FieldReader, data: dict) -> Image | None:
    value = data.get("image")
    if isinstance(value, str):
        value = {"src": value}
    elif value is not None and not isinstance(value, dict):
        reader.value(data, ("image",), dict)
        return None
    if value is None:
        return None
    key = ("image",)
    reader.check_keys(value, key, _IMAGE_KEYS, "'image'")
    src = reader.text(value, key + ("src",), required=True)
    if src and src.lower().startswith("http://") and is_http_url(src):
        reader.problem(key + ("src",), _("'image.src' must be a file in content/ or an https:// "
                                         "URL, not the http:// address {value}", value=repr(src)),
                       _("write https:// instead (browsers block http:// images on an https:// "
                         "site), or put the image beside the article and give its file name"),
                       code="invalid-image")
        src = ""
    elif src and not is_local_path(src) and not is_remote_image(src):
        reader.problem(key + ("src",), _("'image.src' must be a file in content/ or an https:// "
                                         "URL, not {value}", value=repr(src)),
                       _("put the image beside the article and give its file name"),
                       code="invalid-image")
        src = ""
    return Image(src, reader.text(value, key + ("alt",)), reader.text(value, key + ("credit",)),
                 reader.document.line(*key, "src")) if src else None


def is_remote_image(src: str) -> bool:
    """An https:// URL with a host: an image shown from another site."""
    return src[:8].lower() == "https://" and is_http_url(src)


def is_local_path(target: str) -> bool:
    """A relative or content-rooted file path with no scheme, host, or escape via backslashes."""
    if not target or "\\" in target or ":" in target.split("/", 1)[0] or target.startswith("//"):
        return False
    return not has_control_characters(target)


def resolve_content_path(folder: str, target: str) -> str | None:
    """The content/-relative path that `target` (relative to `folder`) names, or None if outside."""
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    normal = posixpath.normpath(joined)
    if normal.startswith("../") or normal == ".." or normal == ".":
        return None
    return normal


def _unique(values):
    seen, result = set(), []
    for value in values:
        if value.casefold() not in seen:
            seen.add(value.casefold())
            result.append(value)
    return result

"""`new`: start an article with complete front matter, its localities checked against site.yaml."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from .config import CONFIG_NAME, SiteConfig, load_config
from .content import CONTENT_DIR, read_content
from .localities import LocalityIndex
from .messages import _
from .problems import WARNING, BuildError, Problem, did_you_mean
from .text import fold, has_control_characters, is_reserved_name, nfc, slugify
from .validate import validate_articles

# Shown under the front matter, in the site's language: the optional fields, ready to uncomment.
_OPTIONAL_FIELDS = {
    "vi": ("# Không bắt buộc: bỏ dấu # ở đầu dòng để dùng.\n"
           "# source: {name: Tên báo, url: 'https://…', title: Tên bài gốc}\n"
           "# image: {src: anh.jpg, alt: Ảnh chụp gì, credit: Người chụp}\n"),
    "en": ("# Optional: remove the # at the start of a line to use it.\n"
           "# source: {name: Publication, url: 'https://…', title: Original headline}\n"
           "# image: {src: photo.jpg, alt: What the photo shows, credit: Photographer}\n"),
}


@dataclass(frozen=True)
class NewArticle:
    path: Path
    shown_path: str  # "content/2026/tieu-de-bai-viet.md"
    problems: tuple[Problem, ...]  # warnings only; errors raise BuildError


def new_article(project_path: Path, title: str, localities: list[str] = (), topics: list[str] = (),
                now: dt.datetime | None = None) -> NewArticle:
    """Write content/<year>/<slug>.md as a draft; raise BuildError (nothing written) on a mistake."""
    config = load_config(project_path)
    problems: list[Problem] = []
    title = " ".join(nfc(title).split())
    slug = _check_title(title, problems)
    locality_values = _canonical_localities(config, localities, problems)
    topic_names = _canonical_topics(config, topics, problems)
    date = (now or dt.datetime.now(config.tzinfo)).astimezone(config.tzinfo).replace(microsecond=0)
    shown_path = f"{CONTENT_DIR}/{date.year}/{slug}.md"
    path = project_path / shown_path
    if slug and path.exists():
        problems.append(Problem(shown_path, None, _("this article already exists; nothing was "
                                                    "changed"),
                                _("open it to edit it, or choose another title"),
                                code="article-exists"))
    elif slug:
        problems += _slug_clashes(project_path, config, slug)
    if any(p.is_error for p in problems):
        raise BuildError(problems)
    front_matter = {"title": title, "date": date, "localities": locality_values,
                    "topics": topic_names, "summary": "", "author": "", "draft": True}
    text = "---\n" + yaml.dump(front_matter, Dumper=_FrontMatterDumper, allow_unicode=True,
                               sort_keys=False, default_flow_style=None, width=1_000_000) \
        + _OPTIONAL_FIELDS[config.language] + "---\n\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as file:  # "x": never overwrite
        file.write(text)
    return NewArticle(path, shown_path, tuple(problems))


class _FrontMatterDumper(yaml.SafeDumper):
    """yaml.safe_dump's dumper, writing dates as README shows them: 2026-11-27T09:30:00+07:00."""


_FrontMatterDumper.add_representer(
    dt.datetime, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp",
                                                               value.isoformat()))


def _check_title(title: str, problems: list[Problem]) -> str:
    """The slug made from the title, or "" with a problem."""
    if not title:
        problems.append(Problem("", None, _("the title is empty"),
                                _('give it in quotes: python build.py new "Tiêu đề bài viết"'),
                                code="empty-title"))
        return ""
    if has_control_characters(title):
        problems.append(Problem("", None, _("the title holds control characters"),
                                _("type it again instead of pasting it"), code="control-character"))
        return ""
    slug = slugify(title)
    if not slug:
        problems.append(Problem("", None, _("cannot make a URL slug from the title {title}",
                                            title=repr(title)),
                                _("use letters or digits in the title"), code="invalid-slug"))
    elif is_reserved_name(slug):
        problems.append(Problem("", None, _("the slug {slug} is a name Windows reserves for "
                                            "devices", slug=repr(slug)),
                                _("choose another title"), code="reserved-name"))
        return ""
    return slug


def _canonical_localities(config: SiteConfig, values, problems: list[Problem]) -> list[str]:
    """Each --locality as site.yaml names it: its name, or its slug when the name is shared."""
    index = LocalityIndex(config.localities)
    result = []
    for value in values:
        match = index.match(nfc(value).strip())
        if match.slug is None:
            problems.append(Problem("", None, _("--locality: {message}", message=match.message),
                                    match.hint, code=match.code))
            continue
        name = index.by_slug[match.slug].name
        canonical = name if index.match(name).slug == match.slug else match.slug
        if canonical not in result:
            result.append(canonical)
    return result


def _canonical_topics(config: SiteConfig, values, problems: list[Problem]) -> list[str]:
    """Each --topic as site.yaml declares it; a new topic is kept, with a hint on a likely typo."""
    declared = {}
    for topic in config.topics:
        declared[fold(topic.name)] = declared[fold(topic.slug)] = topic.name
    result = []
    for value in values:
        value = " ".join(nfc(value).split())
        if not value:
            continue
        name = declared.get(fold(value))
        if name is None:
            name = value
            hint = did_you_mean(value, [t.name for t in config.topics])
            if hint:
                problems.append(Problem("", None, _("--topic: '{topic}' is not declared in {file}; "
                                                    "it becomes a new topic", topic=value,
                                                    file=CONFIG_NAME), hint, WARNING,
                                        code="new-topic"))
        if fold(name) not in {fold(n) for n in result}:
            result.append(name)
    return result


def _slug_clashes(project_path: Path, config: SiteConfig, slug: str) -> list[Problem]:
    """An existing article (a draft too) whose URL the new one would take."""
    content, _problems = read_content(project_path)
    articles, _problems = validate_articles(content.sources, config, LocalityIndex(config.localities))
    return [Problem(a.source_path, None, _("this article already has the URL slug '{slug}'",
                                           slug=slug),
                    _("choose another title for the new article"), code="duplicate-url")
            for a in articles if a.slug == slug]

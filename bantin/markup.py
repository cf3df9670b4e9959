"""Markdown → safe HTML for one article: a pure function of the text and the HTML policy.

Links and images to local files are left as placeholders, listed in `Markup.links`; the model
stage resolves them against the site (`resolve_links`), so the conversion can be cached by the
hash of its inputs and run in another process.
"""
from __future__ import annotations

import functools
import hashlib
import html as html_module
import re
import signal
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .config import HtmlPolicy
from .messages import _
from .parallel import process_context
from .text import slugify
from .validate import is_local_path

MAX_SUMMARY = 280
TIME_LIMIT = 10.0  # seconds for one article; only pathological Markdown comes near it
_HELPER_START_LIMIT = 120.0  # seconds for a helper process to start (see _Helper)
_EXTENSIONS = ["extra", "sane_lists", "toc"]
_TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
         "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
         "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
         "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
         "tr", "u", "ul"}
_ATTRIBUTES = {"*": {"id", "title", "lang", "dir"}, "a": {"href"},
               "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan", "style"},
               "th": {"colspan", "rowspan", "style", "scope"}, "ol": {"start"}, "time": {"datetime"},
               "abbr": {"title"}, "code": {"class"}, "div": {"class"}, "sup": {"class"},
               "li": {"class"}}
_NH3_VERSION = getattr(nh3, "__version__", "")
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_URL_ATTRIBUTES = {"href", "src", "srcset", "cite", "action", "formaction", "poster", "data",
                   "background", "longdesc", "xlink:href"}
_SPACES = re.compile("[\\s\x00-\x20\x7f\u00ad\u200b-\u200d\u2060\ufeff]+")  # and invisible ones
_SCHEME = re.compile("([a-z][a-z0-9+.-]*):")
_PLACEHOLDER = re.compile("\x02wzxhzdk:\\d+\x03")
_STASHED = re.compile("\x02wzxhzdk:(\\d+)\x03")
_ENTITY = re.compile("&#?[0-9A-Za-z]+;")
_ESCAPED = re.compile("\x02(\\d+)\x03")  # a backslash escape (\_ \* \.), until Markdown's unescape

Rewrite = Callable[[str, str], str | None]  # (tag, url) → final URL, or None to leave it as is
CONVERTER_VERSION = 2  # bump when what the same text and policy give changes (2: Messages)


@dataclass(frozen=True)
class Markup:
    """What converting one article body gives."""

    html: str  # sanitised; each link in `links` appears as the attribute value of its placeholder
    first_paragraph: str  # plain text, for a summary when the front matter gives none
    images: tuple[tuple[str, str], ...]  # (src as written, alt) of every image
    links: tuple[tuple[str, str], ...] = ()  # (tag, url as written) to resolve, by placeholder
    placeholder: str = ""  # the placeholder prefix: link i is written f"{placeholder}{i}."
    text: str = ""  # the whole body as plain text (for search)
    error: str = ""  # why the text could not be converted (then everything else is empty)

    def resolve(self, rewrite: Rewrite) -> str:
        """The HTML with every placeholder replaced by `rewrite(tag, url)` (None: as written)."""
        if not self.links:
            return self.html
        finals = []
        for tag, url in self.links:
            final = rewrite(tag, url)
            final = url if final is None else final
            scheme = _SCHEME.match(_SPACES.sub("", final).lower())
            # What the sanitiser would have refused is dropped, attribute and all.
            finals.append("" if scheme and scheme.group(1) not in _URL_SCHEMES else
                          f' {"src" if tag == "img" else "href"}="{html_module.escape(final)}"')
        prefix = self.placeholder
        return _PLACEHOLDERS.sub(lambda m: finals[int(m[2])] if m[1] == prefix else m[0],
                                 self.html)


class MarkupError(Exception):
    """Markdown that cannot be converted in bounded time and depth."""


def render_markdown(text: str, rewrite: Rewrite, policy: HtmlPolicy = HtmlPolicy()) -> Markup:
    """Convert one text and resolve its links with `rewrite`; a build converts many with one
    MarkdownRenderer and resolves later instead."""
    markup = MarkdownRenderer(policy).render(text)
    return Markup(markup.resolve(rewrite), markup.first_paragraph, markup.images, (), "",
                  markup.text)


def convert(renderer: MarkdownRenderer, text: str) -> Markup:
    """`renderer.render(text)`, with a conversion that cannot be done as a Markup saying why."""
    try:
        return renderer.render(text)
    except MarkupError as error:
        return Markup("", "", (), error=error.args[0])  # the Message, shown in any language


def conversion_key(text: str, policy: HtmlPolicy) -> str:
    """What the conversion of `text` depends on, as a hash: the text, the policy, the versions."""
    return hashlib.blake2b(repr((CONVERTER_VERSION, markdown.__version__, _NH3_VERSION,
                                 policy, text)).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


_PLACEHOLDERS = re.compile(r' (?:href|src)="(bantin-link-[0-9a-f]{12}-)(\d+)\."')


class MarkdownRenderer:
    """Converts Markdown to sanitised HTML; set up once, used for every article of a build.

    The result of `render` depends only on the text, the link rewriting and the policy, so it
    can be cached by their hash and run in other processes.
    """

    def __init__(self, policy: HtmlPolicy = HtmlPolicy()):
        self._policy = policy
        self._extension = _CollectorExtension()
        self._converter = markdown.Markdown(
            extensions=[*_EXTENSIONS, self._extension],
            extension_configs={"toc": {"slugify": lambda value, separator: slugify(value)}},
            output_format="html",
        )
        tags, attributes = _allowed(policy)
        self._cleaner = nh3.Cleaner(tags=tags, attributes=attributes, url_schemes=_URL_SCHEMES,
                                    link_rel=None, filter_style_properties={"text-align"},
                                    attribute_filter=_drop_spaced_script_urls)

    def render(self, text: str) -> Markup:
        """Convert Markdown to sanitised HTML, with placeholders for links to local files.

        Raises MarkupError for Markdown nested too deeply or too slow to convert. A conversion
        is stopped after TIME_LIMIT seconds: by an alarm signal where one can interrupt it (on
        POSIX, in a main thread, as in every build worker), else in a helper process (Windows).
        """
        if not _can_interrupt():
            return _HELPER.render(self._policy, text)
        with _time_limit(TIME_LIMIT):
            return self._render_unlimited(text)

    def _render_unlimited(self, text: str) -> Markup:
        # A prefix no editor wrote: derived from the text, so the same text gives the same HTML.
        collector = _Collector("bantin-link-" + hashlib.blake2b(
            text.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest() + "-")
        self._extension.collector = collector
        self._converter.reset()
        try:
            html = self._converter.convert(text)
        except RecursionError:
            raise MarkupError(_("the Markdown is nested too deeply (lists or quotes inside each "
                                "other)")) from None
        finally:
            self._extension.collector = None
        return Markup(self._cleaner.clean(html), collector.first_paragraph,
                      tuple(collector.images), tuple(collector.links), collector.placeholder,
                      collector.text)


def _drop_spaced_script_urls(tag: str, attribute: str, value: str) -> str | None:
    """Drop a URL that reads as another scheme once its spaces are taken out ("java  script:").

    Browsers take such a URL as a harmless relative one, but it should not look like a script
    to anyone reading the page; nh3 has already refused the real ones.
    """
    if attribute in _URL_ATTRIBUTES:
        scheme = _SCHEME.match(_SPACES.sub("", value).lower())
        if scheme and scheme.group(1) not in _URL_SCHEMES:
            return None
    return value


def _allowed(policy: HtmlPolicy) -> tuple[set, dict]:
    if not policy.allow_tags and not policy.allow_attributes:
        return _TAGS, _ATTRIBUTES
    attributes = {tag: set(names) for tag, names in _ATTRIBUTES.items()}
    for tag, names in policy.allow_attributes:
        attributes.setdefault(tag, set()).update(names)
    return _TAGS | set(policy.allow_tags), attributes


def shorten(text: str, limit: int = MAX_SUMMARY) -> str:
    """Cut plain text at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


class _TimeUp(Exception):
    pass


def _can_interrupt() -> bool:
    """Whether an alarm signal can stop a conversion here: only POSIX has one, and only the main
    thread receives it."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after `seconds` by SIGALRM (see _can_interrupt)."""

    def time_up(signum, frame):
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _TimeUp:
        raise _time_up(seconds) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _time_up(seconds: float) -> MarkupError:
    return MarkupError(_("converting the Markdown took over {seconds:g} s; it has a pathological "
                         "construct (thousands of nested brackets or emphasis marks?)",
                         seconds=seconds))


class _Helper:
    """A process converting for renderers that no signal can interrupt, ended (and replaced
    when next needed) once a conversion takes over TIME_LIMIT seconds.

    One per process, started when first needed and kept, like a cache: starting one (a new
    Python importing Markdown) costs more than converting most articles, and the preview
    builds again on every save. It holds no state of a build: it converts one text at a time.
    """

    def __init__(self):
        self._pool = None  # a multiprocessing.Pool of one process, once started
        self._lock = threading.RLock()  # one conversion at a time: each gets its whole limit

    def render(self, policy: HtmlPolicy, text: str) -> Markup:
        import multiprocessing

        with self._lock:
            if self._pool is None:
                self._pool = process_context().Pool(1)
                # Started and ready before the clock runs: a new process takes a while to start.
                self._wait(self._pool.apply_async(_render_in_helper, (policy, "")),
                           _HELPER_START_LIMIT)
            try:
                return self._wait(self._pool.apply_async(_render_in_helper, (policy, text)),
                                  TIME_LIMIT)
            except multiprocessing.TimeoutError:
                raise _time_up(TIME_LIMIT) from None

    def _wait(self, pending, seconds: float):
        import multiprocessing

        try:
            return pending.get(seconds)
        except multiprocessing.TimeoutError:
            self.stop()  # the only way to stop a conversion that is still running
            raise

    def stop(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.terminate()
                self._pool = None


_HELPER = _Helper()


def _render_in_helper(policy: HtmlPolicy, text: str) -> Markup:
    """In the helper process: the conversion, with no limit (the caller keeps the time)."""
    return _helper_renderer(policy)._render_unlimited(text)


@functools.lru_cache(maxsize=8)  # in the helper process: one renderer per policy, set up once
def _helper_renderer(policy: HtmlPolicy) -> MarkdownRenderer:
    return MarkdownRenderer(policy)


class _Collector:
    def __init__(self, placeholder: str):
        self.placeholder = placeholder
        self.first_paragraph = ""
        self.text = ""
        self.images: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []

    def keep(self, tag: str, url: str) -> str | None:
        """A placeholder for a link the site must resolve; None for one that stays as written."""
        if not _needs_resolving(url):
            return None
        self.links.append((tag, url))
        return f"{self.placeholder}{len(self.links) - 1}."


def _needs_resolving(url: str) -> bool:
    """A path to a file in content/, or a Windows path (refused when resolved)."""
    if "\\" in url:
        return not url.lower().startswith(("http://", "https://", "mailto:", "tel:"))
    return not url.startswith("#") and is_local_path(url)


class _Rewriter(Treeprocessor):
    def __init__(self, md, extension: _CollectorExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element):
        self.collector = self.extension.collector
        for element in root.iter():
            if element.tag == "p" and not self.collector.first_paragraph:
                # Raw HTML is stashed behind placeholders at this stage: leave it out.
                text = _PLACEHOLDER.sub("", "".join(element.itertext()))
                text = _ESCAPED.sub(lambda match: chr(int(match[1])), text)
                self.collector.first_paragraph = " ".join(text.split())
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            if attribute and element.get(attribute):
                url = _ESCAPED.sub(lambda match: chr(int(match[1])), element.get(attribute))
                if "\\" in url:  # refused anyway: show it as it was written
                    url = _ESCAPED.sub(lambda match: "\\" + chr(int(match[1])), element.get(attribute))
                if element.tag == "img":
                    self.collector.images.append((url, element.get("alt", "")))
                new_url = self.collector.keep(element.tag, url)
                if new_url is not None:
                    element.set(attribute, new_url)
        parts: list[str] = []
        _text_of(root, parts)
        stash = self.md.htmlStash.rawHtmlBlocks

        def stashed(match: re.Match) -> str:  # an entity (&amp;) is text; raw HTML is not
            found = stash[int(match[1])] if int(match[1]) < len(stash) else ""
            found = found if isinstance(found, str) else ""
            return html_module.unescape(found) if _ENTITY.fullmatch(found) else " "

        text = _ESCAPED.sub(lambda m: chr(int(m[1])), _STASHED.sub(stashed, "".join(parts)))
        lines = (" ".join(line.split()) for line in text.split("\n"))
        self.collector.text = "\n".join(line for line in lines if line)


_BLOCKS = {"p", "div", "li", "ul", "ol", "table", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5",
           "h6", "blockquote", "figure", "figcaption", "pre", "br", "hr", "dt", "dd", "dl"}


def _text_of(element: etree.Element, parts: list[str]) -> None:
    """The element's text into `parts`, each block on a line of its own."""
    block = element.tag in _BLOCKS
    if block:
        parts.append("\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        _text_of(child, parts)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append("\n")


class _CollectorExtension(Extension):
    """Hooks the link rewriter in; `collector` is set for the duration of one conversion."""

    def __init__(self):
        super().__init__()
        self.collector: _Collector | None = None

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # After inline patterns (priority 20) so links exist, before the prettifier.
        md.treeprocessors.register(_Rewriter(md, self), "bantin_links", 15)

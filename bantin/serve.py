"""`serve`: a live preview. Build in memory, serve at the published sub-path, rebuild on change.

The preview answers like GitHub Pages (`dir/` → dir/index.html, `dir` → 301 `dir/`, a miss →
404.html with status 404) so what an editor sees is what readers will get. Every HTML page it
serves carries a small script that listens on `<base path>__bantin/events` (Server-Sent Events)
and reloads the tab after a rebuild, or lays the problems over the page when a rebuild fails.
The script is added here, to the response, never to the pages themselves: a published build
cannot contain it.
"""
from __future__ import annotations

import hashlib
import html
import json
import mimetypes
import re
import secrets
import socket
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from watchfiles import Change, DefaultFilter, watch

from .config import CONFIG_NAME, load_config, read_language
from .messages import _, _n, choose_language, translate
from .pipeline import build_site
from .problems import BuildError, Problem
from .urls import NOT_FOUND_URL, output_file

EVENTS_PATH = "__bantin/events"  # below the base path; no slug or content path starts with "_"
WATCHED_NAMES = ("content", "themes", "templates", CONFIG_NAME)  # at the top of the project
KEEPALIVE_SECONDS = 15  # a comment line this often tells a dead connection from a quiet one
WATCH_TICK_MS = 200  # the watcher wakes this often when nothing changes (to notice Ctrl-C too)

# Content types as GitHub Pages sends them; text is always UTF-8 in a Bản tin site.
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8", ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8",
    ".webmanifest": "application/manifest+json; charset=utf-8", ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
    ".pdf": "application/pdf", ".woff": "font/woff", ".woff2": "font/woff2",
}
# The overlay's own words, in the editor's language (the theme's strings are for readers).
_OVERLAY_LEAD = _("This is still the last good build. Fix the problem and save; the page "
                  "reloads by itself.")
_OVERLAY_HIDE = _("Hide")


@dataclass(frozen=True)
class Snapshot:
    """What the preview serves: the last good build, and why the latest attempt failed, if it did."""

    build_id: str  # "" until a build succeeds; a new one for every good build that changed something
    base_path: str  # "/bantin/"
    language: str  # of the preview's own words: --lang, BANTIN_LANG, then the site's (messages.py)
    pages: Mapping[str, bytes] = field(default_factory=dict)  # output path → bytes
    files: Mapping[str, Path] = field(default_factory=dict)  # output path → file copied as it is
    fingerprint: str = ""
    problems: tuple[Problem, ...] = ()  # the latest build's problems when it failed, else ()


@dataclass(frozen=True)
class Rebuild:
    """What one rebuild did, for the terminal."""

    outcome: str  # "changed", "unchanged", or "failed" (the last good site stays served)
    seconds: float
    problems: tuple[Problem, ...]  # errors and warnings when it failed, else warnings
    article_count: int = 0
    page_count: int = 0


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class Preview:
    """The current Snapshot, replaced whole by each rebuild and watched by the event streams."""

    def __init__(self, project_path: Path, port: int, include_future: bool = False,
                 language: str | None = None):
        self.project_path = project_path
        self.port = port
        self.include_future = include_future
        self.language = language  # the --lang option
        self.snapshot = Snapshot("", "/", choose_language(language))
        self.version = 0  # bumped whenever the snapshot changes
        self.closed = False
        self._session = secrets.token_hex(4)  # tabs left open from an earlier `serve` reload too
        self._builds = 0
        self._changed = threading.Condition()
        self._by_url: dict[str, bytes] = {}  # the last good build's pages, reused when unchanged

    def rebuild(self) -> Rebuild:
        """Build in memory and serve the result; after a failure keep serving the last good one."""
        started = time.perf_counter()
        current = self.snapshot
        try:
            config = load_config(self.project_path)
            if not current.build_id:  # nothing served yet: show the problems where the site will be
                current = replace(current, base_path=config.base_path,
                                  language=choose_language(self.language, config.language))
            base_url = f"http://127.0.0.1:{self.port}{config.base_path}"
            result = build_site(self.project_path, base_url=base_url, include_drafts=True,
                                include_future=self.include_future, write=False,
                                previous=self._by_url)
        except BuildError as error:
            problems = tuple(error.problems)
        except OSError as error:  # a file renamed or deleted while it was read: the next event heals it
            problems = (Problem(_relative(str(error.filename or ""), self.project_path), None,
                                _("cannot read: {reason}", reason=str(error.strerror or error)),
                                _("save it again"), code="unreadable-file"),)
        except Exception as error:  # noqa: BLE001 - a bug must not take the preview down
            traceback.print_exc()
            problems = (Problem("", None, _("internal error: {error}",
                                            error=f"{type(error).__name__}: {error}"),
                                _("this is a bug in Bản tin; the traceback is in the terminal"),
                                code="internal-error"),)
        else:
            problems = ()
        if problems:
            self._publish(replace(current, problems=problems))
            return Rebuild("failed", time.perf_counter() - started, problems)
        self._by_url = {page.url: page.content for page in result.pages}
        pages = {output_file(page.url).as_posix(): page.content for page in result.pages}
        files = {output_file(f.url).as_posix(): f.source_path for f in result.files}
        fingerprint = _fingerprint(pages, files)
        outcome = "unchanged" if fingerprint == current.fingerprint and not current.problems \
            else "changed"
        if outcome == "changed":
            self._builds += 1
            self._publish(Snapshot(f"{self._session}-{self._builds}", config.base_path,
                                   choose_language(self.language, config.language), pages, files,
                                   fingerprint))
        return Rebuild(outcome, time.perf_counter() - started, result.problems,
                       len(result.site.articles), len(result.pages))

    def wait_for_change(self, version: int, timeout: float) -> tuple[Snapshot, int]:
        """Block until the snapshot is replaced (or the timeout passes); return it and its version."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != version or self.closed, timeout)
            return self.snapshot, self.version

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def _publish(self, snapshot: Snapshot) -> None:
        with self._changed:
            self.snapshot = snapshot
            self.version += 1
            self._changed.notify_all()


def serve(project_path: Path, host: str = "127.0.0.1", port: int = 8000,
          include_future: bool = False, out=sys.stdout, err=sys.stderr,
          language: str | None = None) -> int:
    """Run the preview until Ctrl-C; return the exit code. `language` is the --lang option."""
    if not (project_path / CONFIG_NAME).is_file():
        print(Problem(CONFIG_NAME, None, _("site.yaml not found"),
                      _("run this in the project folder, or give it with --project "
                        "(looked in {folder})", folder=str(project_path)),
                      code="no-site-yaml").format(choose_language(language)), file=err)
        return 1
    try:
        server = _make_server(host, port)
    except OSError as error:
        print(Problem("", None, _("cannot listen on {address}: {reason}", address=f"{host}:{port}",
                                  reason=str(error.strerror or error)),
                      _("another program may be using this port: stop it or choose another "
                        "with --port"), code="port-in-use")
              .format(choose_language(language, lambda: read_language(project_path))), file=err)
        return 1
    preview = Preview(project_path, server.server_address[1], include_future, language)
    server.preview = preview
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="bantin-http", daemon=True)
    stop = threading.Event()
    started = False
    try:
        # The watcher starts first, so no save between the first build and the first change
        # is missed: its first yield (empty, after WATCH_TICK_MS) says it is ready.
        for changes in watch(project_path, watch_filter=_SourceFilter(project_path),
                             stop_event=stop, rust_timeout=WATCH_TICK_MS,
                             yield_on_timeout=True):
            if not started:
                _report(preview, preview.rebuild(), out, err, reason="", language=language)
                thread.start()
                started = True
                _print_welcome(preview, host, out, err, language)
            elif changes:
                _report(preview, preview.rebuild(), out, err,
                        reason=_describe(changes, project_path), language=language)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        preview.close()
        if thread.is_alive():
            server.shutdown()
        server.server_close()
    print(translate(_("Preview stopped."), choose_language(language, preview.snapshot.language)),
          file=out, flush=True)
    return 0


def _print_welcome(preview: Preview, host: str, out, err, language: str | None = None) -> None:
    """`language` is the --lang option; without it BANTIN_LANG, then the site's (messages.py)."""
    language = choose_language(language, preview.snapshot.language)
    shown_host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    shown_host = f"[{shown_host}]" if ":" in shown_host else shown_host
    print(translate(_("Serving the preview at {address} (drafts included).\n"
                      "Watching content/, themes/, templates/ and site.yaml; press Ctrl-C to "
                      "stop.", address=f"http://{shown_host}:{preview.port}"
                                       f"{preview.snapshot.base_path}"), language),
          file=out, flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(translate(_("Note: other computers on the network can see this preview, drafts "
                          "included."), language), file=err, flush=True)


def _report(preview: Preview, rebuild: Rebuild, out, err, reason: str,
            language: str | None = None) -> None:
    """Tell the terminal what the last rebuild did; `reason` names the files that changed."""
    language = choose_language(language, preview.snapshot.language)
    for problem in rebuild.problems:
        print(problem.format(language), file=err, flush=True)
    if rebuild.outcome == "failed":
        errors = sum(p.is_error for p in rebuild.problems)
        kept = _("still serving the last good site") if preview.snapshot.build_id else \
            _("the preview shows the problems until they are fixed")
        text = _n("{reason}: build failed: {count} error; {kept}.",
                  "{reason}: build failed: {count} errors; {kept}.", errors, reason=reason,
                  kept=kept) if reason else \
            _n("Build failed: {count} error; {kept}.", "Build failed: {count} errors; {kept}.",
               errors, kept=kept)
        print(translate(text, language), file=err, flush=True)
    elif rebuild.outcome == "unchanged":
        text = _("{reason}: rebuilt in {seconds:.2f} s; the site did not change.", reason=reason,
                 seconds=rebuild.seconds) if reason else \
            _("rebuilt in {seconds:.2f} s; the site did not change.", seconds=rebuild.seconds)
        print(translate(text, language), file=out, flush=True)
    else:
        text = _("{reason}: built {count} articles into {pages} pages in {seconds:.2f} s; "
                 "reloading open pages.", reason=reason, count=rebuild.article_count,
                 pages=rebuild.page_count, seconds=rebuild.seconds) if reason else \
            _("Built {count} articles into {pages} pages in {seconds:.2f} s.",
              count=rebuild.article_count, pages=rebuild.page_count, seconds=rebuild.seconds)
        print(translate(text, language), file=out, flush=True)


def _describe(changes, project_path: Path) -> str:
    """The files that changed, for the terminal; an editor's temporary files are left out."""
    kinds: dict[str, set] = {}
    for change, path in changes:
        kinds.setdefault(path, set()).add(change)
    names = sorted(_relative(path, project_path) for path, seen in kinds.items()
                   if not {Change.added, Change.deleted} <= seen) or [_("a file")]
    if len(names) > 3:
        return _("{names} and {count} more", names=", ".join(names[:3]), count=len(names) - 3)
    return ", ".join(names)


def _relative(path: str, project_path: Path) -> str:
    """A watched path relative to the project (watchers may report it with symlinks resolved)."""
    for root in (project_path, project_path.resolve()):
        try:
            return Path(path).relative_to(root).as_posix()
        except ValueError:
            continue
    return path


class _SourceFilter(DefaultFilter):
    """Only what the site is made from: content/, themes/, templates/ and site.yaml.

    The whole project is watched so that a templates/ folder made later, or a site.yaml saved
    by replacing the file, is still seen; the output folder, .git and caches are left out here.
    """

    def __init__(self, project_path: Path):
        super().__init__()
        self.project_path = project_path

    def __call__(self, change, path: str) -> bool:
        parts = Path(_relative(path, self.project_path)).parts
        return bool(parts) and parts[0] in WATCHED_NAMES and super().__call__(change, path)


def _fingerprint(pages: Mapping[str, bytes], files: Mapping[str, Path]) -> str:
    """Changes when any page or copied file does, so an edit that changes nothing reloads nothing."""
    digest = hashlib.sha256()
    for path in sorted(pages):
        digest.update(f"{path}\0{len(pages[path])}\0".encode())
        digest.update(pages[path])
    for path in sorted(files):
        try:
            stat = files[path].stat()
            digest.update(f"{path}\0{files[path]}\0{stat.st_mtime_ns}\0{stat.st_size}\0".encode())
        except OSError:
            digest.update(f"{path}\0missing\0".encode())
    return digest.hexdigest()


# --- answering requests -----------------------------------------------------------------------

def resolve(snapshot: Snapshot, raw_path: str) -> Response:
    """The response to a GET of `raw_path`, as GitHub Pages would answer it, plus the live script."""
    parts = urlsplit(raw_path)
    path = unquote(parts.path)
    query = f"?{parts.query}" if parts.query else ""
    base = snapshot.base_path
    if base != "/" and path == base.rstrip("/"):
        return _redirect(base + query, HTTPStatus.MOVED_PERMANENTLY)
    if not path.startswith(base):
        if path == "/":
            return _redirect(base, HTTPStatus.FOUND)
        link = html.escape(base)
        text = translate(_("404: this preview serves the site at {link}.",
                           link=f'<a href="{link}">{link}</a>'),
                         snapshot.language)
        return _html(snapshot, HTTPStatus.NOT_FOUND,
                     f'<!doctype html><meta charset="utf-8"><title>404</title><body>'
                     f'<p>{text}</p></body>'.encode())
    if not snapshot.build_id:
        return _html(snapshot, HTTPStatus.SERVICE_UNAVAILABLE,
                     '<!doctype html><meta charset="utf-8"><title>Bản tin</title><body></body>'
                     .encode())
    key = path[len(base):]
    key = output_file(key).as_posix() if key == "" or key.endswith("/") else key
    found = _find(snapshot, key)
    if found is not None:
        return found
    if _find(snapshot, f"{key}/index.html") is not None:
        return _redirect(quote(path) + "/" + query, HTTPStatus.MOVED_PERMANENTLY)
    found = _find(snapshot, f"{key}.html")  # GitHub Pages serves /a for a.html
    if found is not None:
        return found
    not_found = snapshot.pages.get(NOT_FOUND_URL, b"<!doctype html><title>404</title>")
    return _html(snapshot, HTTPStatus.NOT_FOUND, not_found)


def _find(snapshot: Snapshot, key: str) -> Response | None:
    content_type = content_type_of(key)
    if key in snapshot.pages:
        if content_type.startswith("text/html"):
            return _html(snapshot, HTTPStatus.OK, snapshot.pages[key])
        return Response(HTTPStatus.OK, {"Content-Type": content_type}, snapshot.pages[key])
    if key in snapshot.files:
        try:
            body = snapshot.files[key].read_bytes()
        except OSError:
            return None
        return Response(HTTPStatus.OK, {"Content-Type": content_type}, body)
    return None


def content_type_of(path: str) -> str:
    suffix = path[path.rfind("."):].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def _redirect(location: str, status: int) -> Response:
    return Response(status, {"Location": location}, b"")


def _html(snapshot: Snapshot, status: int, page: bytes) -> Response:
    return Response(status, {"Content-Type": "text/html; charset=utf-8"}, inject(snapshot, page))


_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def inject(snapshot: Snapshot, page: bytes) -> bytes:
    """The page with the live-reload script (and the problems overlay) before its </body>."""
    addition = (overlay_html(snapshot) if snapshot.problems else "") + live_script(snapshot)
    ends = list(_BODY_END.finditer(page))
    at = ends[-1].start() if ends else len(page)
    return page[:at] + addition.encode("utf-8") + page[at:]


def live_script(snapshot: Snapshot) -> str:
    """Listens for rebuilds: reload on success, show the problems on failure."""
    events_url = json.dumps(f"{snapshot.base_path}{EVENTS_PATH}?build={quote(snapshot.build_id)}")
    return (
        '<script id="bantin-live-reload">(() => {\n'
        f"  const events = new EventSource({events_url});\n"
        '  events.addEventListener("reload", () => location.reload());\n'
        '  events.addEventListener("problems", (event) => {\n'
        '    document.getElementById("bantin-problems")?.remove();\n'
        '    document.body.insertAdjacentHTML("beforeend", JSON.parse(event.data).html);\n'
        "  });\n"
        "})();</script>\n"
    )


def overlay_html(snapshot: Snapshot) -> str:
    """The problems of the failed build, over the last good page. Every value is escaped."""
    language = snapshot.language
    errors = sum(p.is_error for p in snapshot.problems)
    title = translate(_n("The site could not be rebuilt: {count} error",
                         "The site could not be rebuilt: {count} errors", errors), language)
    items = "".join(f'<li style="margin:0 0 .6em">{html.escape(p.format(language))}</li>'
                    for p in snapshot.problems)
    return (
        '<div id="bantin-problems" role="alertdialog" aria-modal="true" '
        'aria-labelledby="bantin-problems-title" style="position:fixed;inset:0;z-index:2147483647;'
        "overflow:auto;background:rgba(24,24,27,.97);color:#fafafa;padding:2rem 1rem;"
        'font:16px/1.5 system-ui,sans-serif;text-align:left">'
        '<div style="max-width:60rem;margin:0 auto">'
        '<h2 id="bantin-problems-title" style="margin:0 0 .5rem;font-size:1.4rem;color:#fca5a5">'
        f'{html.escape(title)}</h2>'
        f'<p style="margin:0 0 1rem">{html.escape(translate(_OVERLAY_LEAD, language))}</p>'
        '<ul style="margin:0 0 1rem;padding-left:1.2rem;font-family:ui-monospace,monospace;'
        f'font-size:14px;white-space:pre-wrap;overflow-wrap:anywhere">{items}</ul>'
        '<button type="button" onclick="this.closest(\'#bantin-problems\').remove()" '
        'style="font:inherit;padding:.3rem 1rem;cursor:pointer">'
        f'{html.escape(translate(_OVERLAY_HIDE, language))}</button></div></div>\n'
    )


def _event(name: str, data: dict) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server_version = "Bantin-preview"

    def do_GET(self):  # noqa: N802 - http.server's name
        self._answer(send_body=True)

    def do_HEAD(self):  # noqa: N802
        self._answer(send_body=False)

    def log_message(self, format, *args):  # noqa: A002 - the terminal is for the editor's problems
        pass

    def _answer(self, send_body: bool) -> None:
        preview: Preview = self.server.preview
        parts = urlsplit(self.path)
        if unquote(parts.path).endswith("/" + EVENTS_PATH):
            if send_body:
                self._stream_events(preview, parse_qs(parts.query).get("build", [""])[0])
            else:
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "text/event-stream; charset=utf-8")
                self.end_headers()
            return
        response = resolve(preview.snapshot, self.path)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")  # the preview changes under the browser
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def _stream_events(self, preview: Preview, page_build: str) -> None:
        """Server-Sent Events until the tab goes away: `reload` and `problems`."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 1000\n\n")  # reconnect quickly after a restart
            self.wfile.flush()
            version, shown_problems = -1, None
            while not preview.closed:
                snapshot, new_version = preview.wait_for_change(version, KEEPALIVE_SECONDS)
                if new_version == version:
                    self.wfile.write(b": keep-alive\n\n")
                elif snapshot.problems and snapshot.problems != shown_problems:
                    shown_problems = snapshot.problems
                    self.wfile.write(_event("problems", {
                        "build": snapshot.build_id,
                        "problems": [p.format() for p in snapshot.problems],
                        "html": overlay_html(snapshot)}))
                elif not snapshot.problems and snapshot.build_id != page_build:
                    page_build, shown_problems = snapshot.build_id, None
                    self.wfile.write(_event("reload", {"build": snapshot.build_id}))
                version = new_version
                self.wfile.flush()
        except OSError:  # the tab was closed or reloaded
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # event streams never hold up Ctrl-C
    preview: Preview

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], OSError):  # a closed tab is no news
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


def _make_server(host: str, port: int) -> _Server:
    server_class = _Server6 if ":" in host else _Server
    return server_class((host, port), _Handler)


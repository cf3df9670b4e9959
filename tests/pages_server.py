"""Helpers for tests of the built site: build the example, serve it like GitHub Pages, read links.

`serve_site(output_path, "/bantin/")` serves a built site under a sub-path on 127.0.0.1 the way
GitHub Pages serves a project site: 404 outside the prefix, `dir/` → dir/index.html,
`dir` → 301 to `dir/`, and any miss → the site's 404.html with status 404.
"""
from __future__ import annotations

import mimetypes
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bantin.pipeline import BuildResult, build_site
from conftest import BUILD_TIME, REPO

EXAMPLE_BASE_URL = "https://example.github.io/bantin/"
_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".svg": "image/svg+xml", ".js": "text/javascript; charset=utf-8"}


def build_example_site(work_path: Path) -> tuple[Path, BuildResult]:
    """Copy the repository's example site below work_path, build it; return (output, result)."""
    project_path = work_path / "example"
    project_path.mkdir(parents=True)
    for name in ("content", "themes", "templates"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, project_path / name)
    shutil.copy2(REPO / "site.yaml", project_path / "site.yaml")
    output_path = project_path / "_site"
    result = build_site(project_path, base_url=EXAMPLE_BASE_URL, build_time=BUILD_TIME,
                        output_dir=str(output_path))
    return output_path, result


@dataclass
class PagesServer:
    root_path: Path
    prefix: str  # "/bantin/"
    origin: str  # "http://127.0.0.1:PORT"
    requests: list[tuple[str, int]] = field(default_factory=list)  # (path, status) served

    @property
    def base_url(self) -> str:
        return self.origin + self.prefix


@contextmanager
def serve_site(root_path: Path, prefix: str = "/bantin/") -> Iterator[PagesServer]:
    """Serve root_path under `prefix` on 127.0.0.1 (a free port) while the block runs."""
    root_path = root_path.resolve()
    lock = threading.Lock()
    state = PagesServer(root_path, prefix, "")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self._respond(send_body=True)

        def do_HEAD(self):  # noqa: N802
            self._respond(send_body=False)

        def log_message(self, *args):  # keep the test output quiet
            pass

        def _respond(self, send_body: bool):
            status, headers, body = _resolve(root_path, prefix, self.path)
            with lock:
                state.requests.append((self.path, status))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _resolve(root_path: Path, prefix: str, raw_path: str) -> tuple[int, dict, bytes]:
    """(status, headers, body) for a request path, as GitHub Pages would answer it."""
    parts = urlsplit(raw_path)
    path = unquote(parts.path)
    query = f"?{parts.query}" if parts.query else ""
    if path == prefix.rstrip("/"):
        return HTTPStatus.MOVED_PERMANENTLY, {"Location": prefix + query}, b""
    if not path.startswith(prefix):
        return HTTPStatus.NOT_FOUND, {"Content-Type": "text/plain"}, b"404: not this site\n"
    target = (root_path / path[len(prefix):]).resolve()
    if not target.is_relative_to(root_path):
        return _not_found(root_path)
    if target.is_dir():
        if not path.endswith("/"):
            return HTTPStatus.MOVED_PERMANENTLY, {"Location": parts.path + "/" + query}, b""
        target = target / "index.html"
    elif not target.exists() and target.with_name(target.name + ".html").is_file():
        target = target.with_name(target.name + ".html")  # GitHub Pages serves /a for a.html
    if not target.is_file():
        return _not_found(root_path)
    return HTTPStatus.OK, {"Content-Type": _content_type(target)}, target.read_bytes()


def _not_found(root_path: Path) -> tuple[int, dict, bytes]:
    page = root_path / "404.html"
    body = page.read_bytes() if page.is_file() else b"404\n"
    return HTTPStatus.NOT_FOUND, {"Content-Type": "text/html; charset=utf-8"}, body


def _content_type(path: Path) -> str:
    return _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class Link:
    tag: str
    attribute: str
    url: str
    rel: tuple[str, ...] = ()


class PageLinks(HTMLParser):
    """Every URL an HTML page refers to, and every fragment target (id, a[name]) it has."""

    _URL_ATTRIBUTES = {"a": ("href",), "link": ("href",), "img": ("src", "srcset"),
                       "source": ("src", "srcset"), "script": ("src",), "iframe": ("src",),
                       "video": ("src", "poster"), "audio": ("src",), "form": ("action",)}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.ids: set[str] = set()
        self.html_lang: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "html":
            self.html_lang = values.get("lang")
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        rel = tuple((values.get("rel") or "").split())
        for attribute in self._URL_ATTRIBUTES.get(tag, ()):
            value = values.get(attribute)
            if value is None:
                continue
            urls = [c.strip().split()[0] for c in value.split(",") if c.strip()] \
                if attribute == "srcset" else [value.strip()]
            self.links += [Link(tag, attribute, url, rel) for url in urls]

    handle_startendtag = handle_starttag

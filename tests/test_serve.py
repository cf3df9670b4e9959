"""`serve`: the live preview, answered from memory like GitHub Pages, rebuilt on every save.

The end-to-end tests run `python build.py serve` in a subprocess on a copy of the example site,
talk to it over HTTP and its Server-Sent Events stream, and stop it with Ctrl-C (SIGINT).
"""
from __future__ import annotations

import html
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from bantin.problems import Problem
from bantin.serve import EVENTS_PATH, Preview, Snapshot, content_type_of, inject, resolve
from bantin.text import slugify

DEADLINE = 15.0  # seconds: generous, for a loaded machine; the preview usually needs well under 1
ARTICLE = "content/2024/hoan-kiem-chu-ky-so.md"
BASE = "/bantin/"  # the sub-path of the example's base_url


# --- answering requests, in memory ------------------------------------------------------------

def snapshot(tmp_path: Path, problems=()) -> Snapshot:
    stylesheet = tmp_path / "site.css"
    stylesheet.write_text("body{}", encoding="utf-8")
    pages = {"index.html": "<html><body><h1>Trang chủ</h1></body></html>".encode(),
             "bai-viet/a/index.html": b"<html><BODY>A</body ></html>",
             "404.html": b"<html><body>Kh\xc3\xb4ng c\xc3\xb3</body></html>",
             "CNAME": b"tin.example.vn\n", "ban-do.html": b"<p>map</p>"}
    return Snapshot("s-1", BASE, "vi", pages, {"assets/site.css": stylesheet}, "f", problems)


def test_a_folder_url_serves_its_index_with_the_live_script(tmp_path):
    response = resolve(snapshot(tmp_path), "/bantin/bai-viet/a/")

    assert response.status == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    body = response.body.decode()
    assert body.startswith("<html><BODY>A<script id=\"bantin-live-reload\">")
    assert body.endswith("</script>\n</body ></html>")
    assert f'new EventSource("/bantin/{EVENTS_PATH}?build=s-1")' in body


def test_a_folder_without_its_slash_is_redirected_keeping_the_query(tmp_path):
    assert resolve(snapshot(tmp_path), "/bantin/bai-viet/a?x=1").headers == \
        {"Location": "/bantin/bai-viet/a/?x=1"}
    assert resolve(snapshot(tmp_path), "/bantin").status == 301
    assert resolve(snapshot(tmp_path), "/bantin").headers == {"Location": "/bantin/"}


def test_the_root_leads_to_the_sub_path_and_other_paths_are_not_this_site(tmp_path):
    assert resolve(snapshot(tmp_path), "/").headers == {"Location": "/bantin/"}
    response = resolve(snapshot(tmp_path), "/other/")
    assert response.status == 404
    assert b'<a href="/bantin/">/bantin/</a>' in response.body


def test_a_miss_serves_404_html_with_status_404(tmp_path):
    response = resolve(snapshot(tmp_path), "/bantin/khong-co/")

    assert response.status == 404
    assert response.body.startswith("<html><body>Không có<script".encode())


def test_files_and_content_types(tmp_path):
    site = snapshot(tmp_path)

    css = resolve(site, "/bantin/assets/site.css?v=1")
    assert (css.status, css.headers, css.body) == (200, {"Content-Type": "text/css; charset=utf-8"},
                                                   b"body{}")
    assert resolve(site, "/bantin/CNAME").body == b"tin.example.vn\n"
    assert resolve(site, "/bantin/ban-do").status == 200  # like GitHub Pages: /a serves a.html
    assert content_type_of("a/b.svg") == "image/svg+xml"
    assert content_type_of("a/B.JPG") == "image/jpeg"
    assert content_type_of("atom.xml") == "application/xml; charset=utf-8"
    assert content_type_of("CNAME") == "application/octet-stream"


def test_a_failed_rebuild_lays_its_escaped_problems_over_the_last_good_page(tmp_path, monkeypatch):
    monkeypatch.delenv("BANTIN_LANG")  # the site's language, Vietnamese
    problem = Problem("content/a.md", 3, "invalid YAML: <script>alert(1)</script>", "quote it")
    response = resolve(snapshot(tmp_path, (problem,)), "/bantin/")

    body = response.body.decode()
    assert response.status == 200 and "<h1>Trang chủ</h1>" in body
    assert 'id="bantin-problems"' in body
    assert "Không dựng lại được trang: 1 lỗi" in body
    assert ("content/a.md:3: invalid YAML: &lt;script&gt;alert(1)&lt;/script&gt; — quote it"
            in body)
    assert "<script>alert" not in body


def test_before_any_good_build_the_problems_are_shown_with_status_503(tmp_path):
    site = Snapshot("", BASE, "en", problems=(Problem("site.yaml", 2, "bad"),))

    response = resolve(site, "/bantin/")

    assert response.status == 503
    assert "The site could not be rebuilt: 1 error</h2>" in response.body.decode()


BROKEN_ARTICLE = "---\ntitle: Tin\ndate: 2024-07-05\nlocality: Không Có\n---\nThân bài.\n"


@pytest.mark.parametrize("option, expected", [
    ("en", "The site could not be rebuilt: 1 error"),  # --lang, over the site's Vietnamese
    (None, "Không dựng lại được trang: 1 lỗi"),  # the site's language
])
def test_the_overlay_speaks_the_language_of_lang_else_the_sites(make_project, monkeypatch,
                                                                  option, expected):
    monkeypatch.delenv("BANTIN_LANG")
    project = make_project({"content/tin.md": BROKEN_ARTICLE})
    preview = Preview(project, 8000, language=option)

    assert preview.rebuild().outcome == "failed"  # nothing served yet: the problems alone

    assert preview.snapshot.language == (option or "vi")
    assert f"{expected}</h2>" in resolve(preview.snapshot, "/repo/").body.decode()
    (project / "content/tin.md").write_text(BROKEN_ARTICLE.replace("Không Có", "Khánh Thượng"),
                                            encoding="utf-8")
    assert preview.rebuild().outcome == "changed"
    assert preview.snapshot.language == (option or "vi")
    (project / "content/tin.md").write_text(BROKEN_ARTICLE, encoding="utf-8")
    assert preview.rebuild().outcome == "failed"  # over the last good page now
    assert f"{expected}</h2>" in resolve(preview.snapshot, "/repo/").body.decode()


def test_a_page_without_body_gets_the_script_at_its_end(tmp_path):
    assert inject(snapshot(tmp_path), b"<p>x</p>").startswith(b"<p>x</p><script id=")


# --- the command, end to end ------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServeProcess:
    """`python build.py serve` with its terminal output collected line by line."""

    def __init__(self, project_path: Path, port: int, *args: str):
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, "build.py", "serve", "--port", str(port), *args], cwd=project_path,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.lines: list[str] = []
        self._new_lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._new_lines.put(line.rstrip("\n"))

    def wait_for_line(self, wanted: str) -> None:
        """Until a terminal line equal to (or, for a regex, matching) `wanted` has been printed."""
        deadline = time.monotonic() + DEADLINE
        while not any(line == wanted for line in self.lines):
            try:
                self.lines.append(self._new_lines.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                pytest.fail(f"serve did not print {wanted!r}; it printed:\n" + "\n".join(self.lines))

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C; return (exit code, everything printed)."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=DEADLINE)
        time.sleep(0)  # let the reader thread drain
        while True:
            try:
                self.lines.append(self._new_lines.get(timeout=1))
            except queue.Empty:
                break
        return code, "\n".join(self.lines)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@contextmanager
def serving(project_path: Path, *args: str):
    port = free_port()
    server = ServeProcess(project_path, port, *args)
    try:
        server.wait_for_line(f"Serving the preview at http://127.0.0.1:{port}{BASE} "
                             f"(drafts included).")
        yield server
    finally:
        server.kill()


def get(port: int, path: str) -> tuple[int, dict, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8")
    finally:
        connection.close()


class EventStream:
    """The preview's Server-Sent Events, read in a thread and handed out in order."""

    def __init__(self, port: int, page_build: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE * 4)
        self.connection.request("GET", f"{BASE}{EVENTS_PATH}?build={page_build}")
        response = self.connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        self.events: queue.Queue[tuple[str, dict]] = queue.Queue()
        threading.Thread(target=self._read, args=(response,), daemon=True).start()

    def _read(self, response) -> None:
        name, data = "message", []
        try:
            for raw in response:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("event: "):
                    name = line[len("event: "):]
                elif line.startswith("data: "):
                    data.append(line[len("data: "):])
                elif not line and data:
                    self.events.put((name, json.loads("\n".join(data))))
                    name, data = "message", []
        except (OSError, ValueError):  # closed at the end of the test
            pass

    def next_event(self) -> tuple[str, dict]:
        try:
            return self.events.get(timeout=DEADLINE)
        except queue.Empty:
            pytest.fail(f"no event from the preview within {DEADLINE} s")

    def close(self) -> None:
        self.connection.close()


def replace_file(path: Path, text: str) -> None:
    """Save the way many editors do: write a new file beside the old one, then rename it over."""
    scratch = path.parent.parent.parent / f".{path.name}.saving"
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, path)


def front_matter_title(text: str) -> tuple[str, int]:
    """The title and its line number in an article's text."""
    data = yaml.safe_load(text.split("---\n")[1])
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("title:"))
    return data["title"], line


def test_serve_rebuilds_reloads_and_keeps_the_last_good_site_on_a_mistake(example_project):
    article_path = example_project / ARTICLE
    original = article_path.read_text(encoding="utf-8")
    old_title, title_line = front_matter_title(original)
    assert "slug:" not in original  # the URL follows the title
    new_title = "Hoàn Kiếm: bản xem trước đổi tiêu đề"
    edited = original.replace(original.splitlines()[title_line - 1], f'title: "{new_title}"', 1)
    broken = original.replace(original.splitlines()[title_line - 1], "title: [chưa đóng", 1)
    draft_path = example_project / "content/2024/ban-nhap.md"
    draft_path.write_text("---\ntitle: Bản nháp thử\ndate: 2024-07-01\nlocalities: [Hoàn Kiếm]\n"
                          "draft: true\n---\n\nĐang viết.\n", encoding="utf-8")

    with serving(example_project) as serve:
        status, headers, home = get(serve.port, BASE)
        assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
        assert 'id="bantin-live-reload"' in home
        status, _, page = get(serve.port, f"{BASE}bai-viet/{slugify(old_title)}/")
        assert status == 200 and html.escape(old_title, quote=False) in page
        page_build = re.search(r"events\?build=([\w-]+)", page).group(1)
        status, _, draft = get(serve.port, f"{BASE}bai-viet/ban-nhap-thu/")
        assert status == 200 and "Bản nháp" in draft  # shown, and marked as a draft

        events = EventStream(serve.port, page_build)
        try:
            replace_file(article_path, edited)
            name, data = events.next_event()
            assert name == "reload" and data["build"] != page_build
            new_url = f"{BASE}bai-viet/{slugify(new_title)}/"
            status, _, page = get(serve.port, new_url)
            assert status == 200 and html.escape(new_title, quote=False) in page
            assert 'id="bantin-problems"' not in page

            replace_file(article_path, broken)
            problem_line = (f"{ARTICLE}:{title_line + 1}: invalid YAML: while parsing a flow "
                            "sequence, did not find expected ',' or ']' — check the indentation "
                            "and quote values that contain ': ' or start with a special character")
            name, data = events.next_event()
            assert name == "problems"
            assert data["problems"] == [problem_line]
            assert 'id="bantin-problems"' in data["html"]
            serve.wait_for_line(problem_line)  # on the terminal too
            status, _, page = get(serve.port, new_url)  # the last good page, under the overlay
            assert status == 200 and html.escape(new_title, quote=False) in page
            assert html.escape(problem_line) in page

            replace_file(article_path, edited)
            name, data = events.next_event()
            assert name == "reload"
            status, _, page = get(serve.port, new_url)
            assert status == 200 and 'id="bantin-problems"' not in page
        finally:
            events.close()
        code, output = serve.interrupt()

    assert code == 0, output
    assert "Traceback" not in output
    assert output.endswith("Preview stopped.")
    assert not (example_project / "_site").exists()  # serve writes nothing


def test_the_published_build_never_contains_the_live_script(example_project):
    subprocess.run([sys.executable, "build.py", "--drafts"], cwd=example_project, check=True,
                   capture_output=True, timeout=120)

    pages = list((example_project / "_site").rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "bantin-live-reload" not in text and EVENTS_PATH not in text, page


def test_serve_without_a_project_fails_with_a_problem(tmp_path):
    shutil.copy2(Path(__file__).resolve().parent.parent / "build.py", tmp_path / "build.py")
    result = subprocess.run([sys.executable, str(tmp_path / "build.py"), "serve", "--port",
                             str(free_port())], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "PYTHONPATH": str(Path(
                                __file__).resolve().parent.parent)})

    assert result.returncode == 1
    assert result.stderr.startswith("site.yaml: site.yaml not found — run this in the project "
                                    "folder, or give it with --project")


def test_a_port_in_use_is_reported(example_project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "build.py", "serve", "--port", str(port)],
                                cwd=example_project, capture_output=True, text=True, timeout=60)

    assert result.returncode == 1
    assert result.stderr == (f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
                             " — another program may be using this port: stop it or choose "
                             "another with --port\n")


def test_live_reload_and_overlay_in_chromium(example_project):
    """What an editor sees: the open tab reloads by itself, shows problems, and recovers."""
    from playwright.sync_api import expect, sync_playwright

    from test_browser import CHROMIUM_ARGS, chromium_path

    article_path = example_project / ARTICLE
    original = article_path.read_text(encoding="utf-8")
    title, title_line = front_matter_title(original)
    marker = "Đoạn mới viết để thử xem trước."
    with serving(example_project) as serve, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{serve.port}{BASE}bai-viet/{slugify(title)}/")
            expect(page.locator("#bantin-problems")).to_have_count(0)

            replace_file(article_path, original + f"\n{marker}\n")
            expect(page.get_by_text(marker)).to_be_visible(timeout=DEADLINE * 1000)

            broken_line = original.splitlines()[title_line - 1]
            replace_file(article_path, original.replace(broken_line, "title: [chưa đóng", 1))
            overlay = page.locator("#bantin-problems")
            expect(overlay).to_be_visible(timeout=DEADLINE * 1000)
            expect(overlay).to_contain_text(f"{ARTICLE}:{title_line + 1}: invalid YAML")
            expect(page.get_by_text(marker)).to_be_attached()  # the last good page stays

            replace_file(article_path, original)
            expect(overlay).to_have_count(0, timeout=DEADLINE * 1000)
            expect(page.get_by_text(marker)).to_have_count(0)
        finally:
            browser.close()
        code, output = serve.interrupt()
    assert code == 0 and "Traceback" not in output

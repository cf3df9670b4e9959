"""Shared fixtures: scratch projects written from dedented strings into tmp_path."""
from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUILD_TIME = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))

MINIMAL_SITE_YAML = """\
title: Bản tin thử
base_url: https://example.org/repo/
page_size: 2
localities:
  - name: Hà Nội
    kind: thành phố
    slug: ha-noi
  - name: Ba Vì
    kind: huyện
    slug: huyen-ba-vi
    parent: ha-noi
  - name: Ba Vì
    kind: xã
    slug: xa-ba-vi
    parent: huyen-ba-vi
  - name: Khánh Thượng
    kind: xã
    parent: huyen-ba-vi
  - name: Hoàn Kiếm
    kind: quận
    parent: ha-noi
    aliases: [quận Hoàn Kiếm]
"""


@pytest.fixture(autouse=True, scope="session")
def english_messages():
    """Tests read the messages in English, the language of the code, unless they ask for another
    (a site's `language: vi` would otherwise make every message Vietnamese); subprocesses too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BANTIN_LANG", "en")
        yield


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text or bytes} below root; text is dedented."""
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(textwrap.dedent(body), encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path):
    """make_project({path: text}) → a project folder with the default theme and those files.

    site.yaml defaults to MINIMAL_SITE_YAML unless given.
    """

    def make(files: dict[str, str | bytes] | None = None, theme: bool = True) -> Path:
        project = tmp_path / "project"
        project.mkdir(exist_ok=True)
        if theme:
            shutil.copytree(REPO / "themes", project / "themes", dirs_exist_ok=True)
        files = dict(files or {})
        files.setdefault("site.yaml", MINIMAL_SITE_YAML)
        return write_files(project, files)

    return make


@pytest.fixture
def example_project(tmp_path) -> Path:
    """A copy of the repository's own example site (sources only)."""
    project = tmp_path / "example"
    project.mkdir()
    for name in ("content", "themes", "bantin"):
        shutil.copytree(REPO / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("site.yaml", "build.py"):
        shutil.copy2(REPO / name, project / name)
    if (REPO / "templates").is_dir():
        shutil.copytree(REPO / "templates", project / "templates")
    return project


def pytest_addoption(parser):
    # Here because pytest reads options only from conftest files it loads at startup.
    parser.addoption("--regen-golden", action="store_true", default=False,
                     help="rewrite tests/sites/golden/expected/ from the current build instead of "
                          "comparing with it (review the diff like code)")

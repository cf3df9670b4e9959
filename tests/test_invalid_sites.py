"""Invalid sites: one folder per mistake under tests/sites/invalid/, each with expected.txt.

expected.txt holds the problem lines `python build.py` must print on stderr, in order, and
nothing else but the closing "Build failed" line. Each case runs on a copy of its folder with
the repository's themes copied in and a previous build's `_site/` in place, which must survive.
"""
from __future__ import annotations

import difflib
import shutil
import traceback
from pathlib import Path

import pytest

from bantin.cli import main
from conftest import REPO

INVALID_PATH = Path(__file__).resolve().parent / "sites" / "invalid"
CASES = sorted(path.name for path in INVALID_PATH.iterdir() if path.is_dir())


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every folder (None) and file (bytes) below root, by relative path."""
    return {path.relative_to(root).as_posix(): None if path.is_dir() else path.read_bytes()
            for path in sorted(root.rglob("*"))}


def make_case_project(case: str, tmp_path: Path) -> Path:
    project_path = tmp_path / case
    shutil.copytree(INVALID_PATH / case, project_path, ignore=shutil.ignore_patterns("expected.txt"))
    shutil.copytree(REPO / "themes", project_path / "themes")
    previous = project_path / "_site"  # what the last good build left
    previous.mkdir()
    (previous / "index.html").write_bytes(b"<!doctype html><title>old</title>\n")
    (previous / "marker.txt").write_bytes(b"written by the last good build\n")
    return project_path


@pytest.mark.parametrize("case", CASES)
def test_invalid_site(case, tmp_path, capsys):
    expected = (INVALID_PATH / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert expected, f"{case}/expected.txt is empty"
    project_path = make_case_project(case, tmp_path)
    before = snapshot(project_path)

    try:
        exit_code = main(["build", "--project", str(project_path)])
    except Exception:  # noqa: BLE001 - a traceback is a bug in bantin, not a user mistake
        pytest.fail(f"the build crashed instead of reporting a problem:\n{traceback.format_exc()}")
    out, err = capsys.readouterr()

    assert "Traceback" not in err
    assert exit_code == 1, f"the build did not fail; it printed:\n{out}{err}"
    assert out == ""
    printed = err.splitlines()
    errors = sum(1 for line in expected if ": warning: " not in line and ": info: " not in line)
    closing = f"Build failed: {errors} error{'s' * (errors != 1)}; nothing was written."
    if printed != [*expected, closing]:
        diff = "\n".join(difflib.unified_diff([*expected, closing], printed, "expected", "printed",
                                               lineterm=""))
        pytest.fail(f"{case}: the problems printed differ from expected.txt:\n{diff}",
                    pytrace=False)
    assert snapshot(project_path) == before, "a failed build changed the project or its _site/"


def test_every_case_has_expected_problems():
    assert len(CASES) >= 28
    for case in CASES:
        assert (INVALID_PATH / case / "expected.txt").is_file(), case
        assert (INVALID_PATH / case / "site.yaml").is_file(), case

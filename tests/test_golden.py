"""The golden site: build tests/sites/golden/ and compare every output file, byte for byte.

After an intended change to the output, regenerate and review the diff like code:

    python -m pytest tests/test_golden.py --regen-golden
"""
from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from bantin.pipeline import build_site
from conftest import BUILD_TIME, REPO

GOLDEN_PATH = Path(__file__).resolve().parent / "sites" / "golden"
EXPECTED_PATH = GOLDEN_PATH / "expected"
MAX_DIFFS = 3  # unified diffs shown on a mismatch; the rest are only named
MAX_DIFF_LINES = 120


def build_golden(work_path: Path) -> Path:
    """Build a copy of the golden site (with the repository's themes) below work_path."""
    project_path = work_path / "golden"
    shutil.copytree(GOLDEN_PATH, project_path, ignore=shutil.ignore_patterns("expected", "_site"))
    shutil.copytree(REPO / "themes", project_path / "themes")
    output_path = project_path / "_site"
    build_site(project_path, build_time=BUILD_TIME, output_dir=str(output_path))
    return output_path


def read_tree(root: Path) -> dict[str, bytes]:
    """{path below root: bytes} of every file."""
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def compare_trees(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """'' when equal; otherwise a report of missing, extra and differing files with diffs."""
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    differing = sorted(name for name in expected.keys() & actual.keys()
                       if expected[name] != actual[name])
    if not (missing or extra or differing):
        return ""
    report = []
    if missing:
        report.append("missing from the output:\n" + "".join(f"  {n}\n" for n in missing))
    if extra:
        report.append("not in expected/:\n" + "".join(f"  {n}\n" for n in extra))
    if differing:
        report.append("differing:\n" + "".join(f"  {n}\n" for n in differing))
    for name in differing[:MAX_DIFFS]:
        report.append(_diff(name, expected[name], actual[name]))
    return "\n".join(report)


def _diff(name: str, expected: bytes, actual: bytes) -> str:
    try:
        old, new = expected.decode("utf-8"), actual.decode("utf-8")
    except UnicodeDecodeError:
        return f"{name}: binary files differ ({len(expected)} → {len(actual)} bytes)\n"
    lines = list(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                      f"expected/{name}", f"output/{name}"))
    if len(lines) > MAX_DIFF_LINES:
        lines = lines[:MAX_DIFF_LINES] + [f"… {len(lines) - MAX_DIFF_LINES} more diff lines\n"]
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def test_golden_site_matches_expected_output(tmp_path, request):
    output_path = build_golden(tmp_path)
    if request.config.getoption("--regen-golden"):
        shutil.rmtree(EXPECTED_PATH, ignore_errors=True)
        shutil.copytree(output_path, EXPECTED_PATH)
        return
    assert EXPECTED_PATH.is_dir(), "no expected output: run pytest with --regen-golden once"
    report = compare_trees(read_tree(EXPECTED_PATH), read_tree(output_path))
    if report:
        pytest.fail("the golden site's output changed; if that is intended, run "
                    "`python -m pytest tests/test_golden.py --regen-golden` and review the diff"
                    "\n\n" + report, pytrace=False)


def test_two_builds_are_byte_identical(tmp_path):
    # Separate processes with other hash seeds (set order), time zones and locales, and copies
    # in other folders: none of it may show in the output.
    first = read_tree(build_golden_in_process(tmp_path / "first", "1", "America/New_York", "C"))
    second = read_tree(build_golden_in_process(tmp_path / "second", "2", "Asia/Tokyo",
                                               "vi_VN.UTF-8"))
    assert first
    assert compare_trees(first, second) == ""


def build_golden_in_process(work_path: Path, hash_seed: str, tz: str, lang: str) -> Path:
    """build_golden() in a fresh Python process with the given environment."""
    code = ("import sys; from pathlib import Path; sys.path[:0] = sys.argv[1:3]; "
            "import test_golden; print(test_golden.build_golden(Path(sys.argv[3])))")
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "TZ": tz, "LANG": lang, "LC_ALL": lang}
    result = subprocess.run([sys.executable, "-c", code, str(REPO), str(Path(__file__).parent),
                             str(work_path)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


def test_expected_output_is_nfc_and_free_of_build_paths():
    # The golden input holds an article saved in NFD; the output must not.
    for name, content in read_tree(EXPECTED_PATH).items():
        if name.endswith((".html", ".css", ".svg")):
            text = content.decode("utf-8")
            assert unicodedata.is_normalized("NFC", text), name
            assert "/tmp/" not in text and str(GOLDEN_PATH) not in text, name


def test_compare_trees_reports_missing_extra_and_diff():
    report = compare_trees({"a.html": b"x\ny\n", "gone.html": b""},
                           {"a.html": b"x\nz\n", "new.html": b""})
    assert "missing from the output:\n  gone.html" in report
    assert "not in expected/:\n  new.html" in report
    assert "--- expected/a.html\n+++ output/a.html\n" in report
    assert "-y\n+z\n" in report

"""build.py: a Python that cannot run Bản tin gets one or two lines of advice, not a traceback."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO


def load_build_script():
    spec = importlib.util.spec_from_file_location("build_script", REPO / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = load_build_script()


def test_a_complete_setup_needs_no_advice():
    assert build.setup_problem() is None


def test_an_older_python_is_told_how_to_install_a_newer_one(tmp_path, monkeypatch):
    monkeypatch.delenv("BANTIN_LANG")
    assert build.setup_problem((3, 9), [], "win32", str(tmp_path)) == (
        "Bản tin cần Python 3.11 trở lên; lệnh này đang chạy Python 3.9.\n"
        "Cài Python mới: winget install -e --id Python.Python.3.12  "
        "(https://www.python.org/downloads/)")


def test_missing_packages_are_named_with_the_command_that_installs_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BANTIN_LANG", "en")

    advice = build.setup_problem((3, 11), ["markdown", "yaml"], "linux", str(tmp_path),
                                 in_venv=False)

    python = build._python_command(False)
    assert advice == ("This Python lacks the packages Bản tin needs (markdown, yaml). Install "
                      f"them with:\n{python} -m pip install -r requirements.txt")


def test_the_virtual_environment_beside_it_is_pointed_out(tmp_path, monkeypatch):
    (tmp_path / ".venv" / "Scripts").mkdir(parents=True)
    (tmp_path / ".venv" / "Scripts" / "python.exe").write_text("")
    monkeypatch.delenv("BANTIN_LANG")
    monkeypatch.setattr(sys, "argv", ["build.py", "new", "Tin mới"])

    assert build.setup_problem((3, 12), ["jinja2"], "win32", str(tmp_path), in_venv=False) == (
        "Python này chưa có các gói Bản tin cần (jinja2), nhưng môi trường ảo .venv có sẵn. "
        "Chạy bằng lệnh:\n.venv\\Scripts\\python.exe build.py new \"Tin mới\"")


def test_the_sites_language_is_read_from_site_yaml(tmp_path, monkeypatch):
    monkeypatch.delenv("BANTIN_LANG")
    (tmp_path / "site.yaml").write_text("title: T\nlanguage: en\n", encoding="utf-8")

    assert build.setup_problem((3, 8), [], "darwin", str(tmp_path)).startswith(
        "Bản tin needs Python 3.11 or newer; this is Python 3.8.\n"
        "Install a newer one: brew install python@3.12")


def test_the_modules_checked_are_those_of_requirements_txt():
    names = {"python-slugify": "slugify", "pyyaml": "yaml", "pillow": "PIL"}
    required = [line.split(">")[0].split("<")[0].split("=")[0].strip().lower()
                for line in (REPO / "requirements.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#")]

    assert sorted(build.REQUIRED_MODULES) == sorted(names.get(n, n) for n in required)


def other_python(*versions: str) -> str | None:
    """A Python of one of these versions on this machine, without Bản tin's packages."""
    for version in versions:
        for candidate in [f"/usr/bin/python{version}",
                          *sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))]:
            if Path(candidate).is_file():
                return str(candidate)
    return None


@pytest.mark.parametrize("versions", [("3.8", "3.9", "3.10"), ("3.11",)], ids=["old", "bare"])
def test_run_by_another_python_it_prints_advice_and_no_traceback(versions, tmp_path):
    python = other_python(*versions)
    if python is None:
        pytest.skip(f"no Python {' or '.join(versions)} on this machine")
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    result = subprocess.run([python, "-I", str(REPO / "build.py")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    if versions == ("3.11",) and result.returncode == 0:
        pytest.skip("that Python has Bản tin's packages")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert 2 <= len(result.stderr.splitlines()) <= 2
    assert ("needs Python 3.11" in result.stderr) == (versions != ("3.11",))

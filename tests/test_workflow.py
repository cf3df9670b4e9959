"""The GitHub Pages workflow: actionlint passes, and it keeps the promises README makes."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO

WORKFLOW_PATH = REPO / ".github" / "workflows" / "pages.yml"


def actionlint_path() -> str:
    """The actionlint that requirements-test.txt installs beside this Python, else one on PATH."""
    beside = Path(sys.executable).parent / "actionlint"
    path = str(beside) if beside.is_file() else shutil.which("actionlint")
    assert path, "actionlint is missing: run `sh tests/install.sh`"
    return path


def load_workflow() -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); give it back its name.
    data = yaml.safe_load(WORKFLOW_PATH.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)
    return data


def test_actionlint_finds_nothing():
    result = subprocess.run([actionlint_path(), "-no-color", str(WORKFLOW_PATH)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)

    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_runs_on_push_to_main_and_by_hand():
    workflow = load_workflow()

    assert workflow["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_least_permissions_only_the_deploy_job_may_publish():
    workflow = load_workflow()

    assert workflow["permissions"] == {"contents": "read"}
    assert "permissions" not in workflow["jobs"]["build"]
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_build_checks_before_building_with_the_pages_address():
    steps = load_workflow()["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    uses = [step.get("uses", "").split("@")[0] for step in steps]

    check = runs.index("python build.py check")
    build = next(i for i, run in enumerate(runs) if run.startswith("python build.py --base-url"))
    assert check < build
    assert runs[build] == 'python build.py --base-url "${BASE_URL}/"'
    assert steps[build]["env"] == {"BASE_URL": "${{ steps.pages.outputs.base_url }}"}
    assert uses.index("actions/configure-pages") < build < uses.index("actions/upload-pages-artifact")
    assert steps[uses.index("actions/configure-pages")]["id"] == "pages"
    assert steps[uses.index("actions/upload-pages-artifact")]["with"] == {"path": "_site"}
    python = steps[uses.index("actions/setup-python")]["with"]
    assert (python["python-version"], python["cache"]) == ("3.11", "pip")
    cache = steps[uses.index("actions/cache")]["with"]
    assert cache["path"] == ".cache/"
    assert "hashFiles('site.yaml', 'content/**', 'themes/**', 'templates/**')" in cache["key"]


def test_deploy_needs_the_build_and_names_the_page():
    deploy = load_workflow()["jobs"]["deploy"]

    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages",
                                     "url": "${{ steps.deployment.outputs.page_url }}"}
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["steps"][0]["id"] == "deployment"

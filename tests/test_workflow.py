"""The GitHub Pages workflow: actionlint passes, and it keeps the promises README makes."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import MINIMAL_SITE_YAML, REPO, write_files

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


def steps_of(job: str) -> list[dict]:
    return load_workflow()["jobs"][job]["steps"]


def step(job: str, name_start: str) -> dict:
    return next(s for s in steps_of(job) if s.get("name", "").startswith(name_start))


def uses_of(job: str) -> list[str]:
    return [s.get("uses", "").split("@")[0] for s in steps_of(job)]


def test_runs_on_push_to_main_by_hand_and_every_day():
    workflow = load_workflow()

    assert workflow["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": None,
                              "schedule": [{"cron": "5 0 * * *"}]}
    assert "every hour" in WORKFLOW_PATH.read_text(encoding="utf-8")  # how to make it hourly
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_least_permissions_only_the_deploy_job_may_publish():
    workflow = load_workflow()

    assert workflow["permissions"] == {"contents": "read"}
    assert "permissions" not in workflow["jobs"]["build"]
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_build_checks_before_building_with_the_pages_address():
    steps = steps_of("build")
    runs = [s.get("run", "") for s in steps]
    uses = uses_of("build")

    check = next(i for i, run in enumerate(runs) if run.startswith("python build.py check"))
    build = next(i for i, run in enumerate(runs) if run.startswith("python build.py --base-url"))
    assert check < build
    assert runs[build] == 'python build.py --base-url "${BASE_URL}/"'
    assert steps[build]["env"] == {"BASE_URL": "${{ steps.pages.outputs.base_url }}"}
    assert uses.index("actions/configure-pages") < build < uses.index("actions/upload-pages-artifact")
    assert steps[uses.index("actions/configure-pages")]["id"] == "pages"
    python = steps[uses.index("actions/setup-python")]["with"]
    assert (python["python-version"], python["cache"]) == ("3.11", "pip")


def test_a_failed_check_writes_its_problems_to_the_summary_page_and_stops_the_run():
    check = step("build", "Check the site")

    assert check["run"] == ('python build.py check --format markdown --source-url "${SOURCE_URL}" '
                            '| tee -a "${GITHUB_STEP_SUMMARY}"')
    # `shell: bash` runs with -o pipefail: check's exit code, not tee's, ends the step.
    assert check["shell"] == "bash"
    assert check["env"]["SOURCE_URL"] == \
        "${{ github.server_url }}/${{ github.repository }}/blob/${{ github.sha }}/"


def test_the_folder_uploaded_is_the_one_site_yaml_builds_into(tmp_path):
    find = step("build", "Find the folder")
    upload = step("build", "Upload the site")
    write_files(tmp_path, {"site.yaml": MINIMAL_SITE_YAML + "output_dir: public\n"})
    output = tmp_path / "github_output"

    subprocess.run(["bash", "-e", "-c", find["run"]], cwd=tmp_path, check=True, timeout=60,
                   env={**os.environ, "GITHUB_OUTPUT": str(output), "PYTHONPATH": str(REPO),
                        # `python` is this one, as setup-python makes it on the runner
                        "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                                 os.environ["PATH"]])})

    assert output.read_text() == f"path={(tmp_path / 'public').resolve()}\n"
    assert find["id"] == "site"
    assert upload["with"] == {"path": "${{ steps.site.outputs.path }}"}


def _fingerprint(folder: Path, tmp_path: Path) -> str:
    output = tmp_path / "github_output"
    output.unlink(missing_ok=True)
    subprocess.run(["bash", "-e", "-c", step("build", "Fingerprint")["run"]], check=True,
                   timeout=60, env={**os.environ, "GITHUB_OUTPUT": str(output),
                                    "SITE_PATH": str(folder)})
    return output.read_text()


def test_the_fingerprint_changes_with_any_file_and_only_then(tmp_path):
    site = write_files(tmp_path / "site", {"index.html": "a", "bai-viet/x/index.html": "b",
                                          ".nojekyll": ""})
    first = _fingerprint(site, tmp_path)

    assert re.fullmatch(r"hash=[0-9a-f]{64}\n", first)
    assert _fingerprint(site, tmp_path) == first
    (site / "bai-viet/x/index.html").write_text("c")
    assert _fingerprint(site, tmp_path) != first
    (site / "bai-viet/x/index.html").write_text("b")
    (site / "bai-viet/x/index.html").rename(site / "bai-viet/y.html")
    assert _fingerprint(site, tmp_path) != first


def test_a_scheduled_run_deploys_only_a_site_that_changed():
    workflow = load_workflow()
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    lookup = step("build", "Look for a deployment")

    assert lookup["uses"].split("@")[0] == "actions/cache/restore"
    assert lookup["if"] == "github.event_name == 'schedule'"  # a push always deploys
    assert lookup["with"] == {"path": ".bantin-deployed",
                              "key": "bantin-deployed-${{ steps.hash.outputs.hash }}",
                              "lookup-only": True}
    assert step("build", "Upload the site")["if"] == "steps.deployed.outputs.cache-hit != 'true'"
    assert build["outputs"] == {"deploy": "${{ steps.deployed.outputs.cache-hit != 'true' }}",
                                "site-hash": "${{ steps.hash.outputs.hash }}"}
    assert deploy["if"] == "needs.build.outputs.deploy == 'true'"
    # Recorded only once it is published.
    assert uses_of("deploy") == ["actions/deploy-pages", "", "actions/cache/save"]
    assert deploy["steps"][2]["with"] == {"path": ".bantin-deployed",
                                          "key": "bantin-deployed-${{ needs.build.outputs.site-hash }}"}


def test_the_image_cache_gets_a_new_entry_only_when_images_change():
    cache = step("build", "Restore the resized images")["with"]

    assert cache["path"] == ".cache/images/"
    assert "content/**'" not in cache["key"] and "site.yaml" not in cache["key"]
    assert "'content/**/*.jpg'" in cache["key"] and "'bantin/images.py'" in cache["key"]
    assert cache["restore-keys"].strip() == "bantin-images-${{ runner.os }}-"


def test_the_build_cache_gets_a_new_entry_only_when_the_sources_change():
    cache = step("build", "Restore the build cache")["with"]

    assert cache["path"] == ".cache/build/"
    for source in ("'site.yaml'", "'content/**'", "'themes/**'", "'templates/**'", "'bantin/**'"):
        assert source in cache["key"]
    assert "github.run_id" not in cache["key"] and "github.sha" not in cache["key"]
    assert cache["restore-keys"].strip() == "bantin-build-${{ runner.os }}-"


def test_deploy_needs_the_build_and_names_the_page():
    deploy = load_workflow()["jobs"]["deploy"]

    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages",
                                     "url": "${{ steps.deployment.outputs.page_url }}"}
    assert deploy["steps"][0]["id"] == "deployment"

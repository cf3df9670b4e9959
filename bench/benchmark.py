#!/usr/bin/env python3
"""Benchmark of the builds editors run, with ratios against a baseline measured in the same run.

    python bench/benchmark.py [--articles 2000] [--runs 5] [--against REV]

It writes a synthetic project (a city with 30 districts and 580 wards and communes, articles
with Vietnamese text, tables and links) into a temporary folder, then times whole processes,
alternating the candidate and the baseline so that a noisy, shared machine affects both alike:

- build: `python build.py` on the synthetic project (a full build, as in CI or a first preview);
- check: `python build.py check` when that command exists (what an editor runs before pushing);
- baseline: by default the bare cost of the work no generator can skip — Python-Markdown
  converting every article — so `build / baseline` is the generator's overhead factor; with
  `--against REV`, the same build done by that git revision of Bản tin, so the ratio is the
  speed-up (< 1) or slow-down (> 1) of the working tree against it.

Medians and the min–max range are printed; quote ratios, not absolute seconds.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = ("dân vận khéo mô hình người dân phường xã thủ tục hành chính một cửa chữ ký số "
         "chuyển đổi số đối thoại giám sát cộng đồng vườn hoa sân chơi nuôi ong miến dong thuốc "
         "nam thu nhập bình quân đồng bào miền núi liên gia tự quản tổ dân phố").split()


def make_project(root: Path, article_count: int, seed: int = 7) -> Path:
    """A synthetic site as an editor team might have after some years."""
    rng = random.Random(seed)
    shutil.copytree(REPO / "themes", root / "themes")
    shutil.copytree(REPO / "bantin", root / "bantin", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "build.py", root / "build.py")
    lines = ["title: Bản tin thử tải", "base_url: https://example.org/bench/", "page_size: 20",
             "localities:", "  - {name: Hà Nội, kind: thành phố, slug: ha-noi}"]
    communes = []
    for d in range(30):
        lines.append(f"  - {{name: Quận {d}, kind: quận, slug: quan-{d}, parent: ha-noi}}")
        for c in range(19 + d % 3):
            slug = f"phuong-{d}-{c}"
            communes.append(slug)
            lines.append(f"  - {{name: Phường {d}.{c}, kind: phường, slug: {slug}, parent: quan-{d}}}")
    (root / "site.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    topics = ["Cải cách hành chính", "Chuyển đổi số", "Môi trường", "An ninh", "Kinh tế"]
    for i in range(article_count):
        year, day = 2020 + i % 5, 1 + i % 365
        date = f"{year}-{1 + (day - 1) // 31 % 12:02d}-{1 + (day - 1) % 28:02d}T{8 + i % 10:02d}:00:00+07:00"
        places = rng.sample(communes, k=1 + i % 3)
        paragraphs = [" ".join(rng.choices(WORDS, k=rng.randint(40, 90))).capitalize() + "."
                      for _ in range(rng.randint(3, 8))]
        body = "\n\n".join(paragraphs)
        body += "\n\n## Số liệu\n\n| Chỉ tiêu | Giá trị |\n|---|--:|\n| Mô hình | 24.254 |\n| Hội nghị | 525 |\n"
        if i:
            body += f"\nXem thêm [bài trước](../{2020 + (i - 1) % 5}/a{i - 1}.md).\n"
        path = root / "content" / str(year) / f"a{i}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: \"Bài số {i}: {' '.join(rng.choices(WORDS, k=6))}\"\n"
                        f"date: {date}\nlocalities: [{', '.join(places)}]\n"
                        f"topics: [{', '.join(rng.sample(topics, k=2))}]\nauthor: Ban biên tập\n---\n\n"
                        f"{body}", encoding="utf-8")
    return root


_MARKDOWN_ONLY = """
import pathlib, sys, markdown
for path in sorted(pathlib.Path(sys.argv[1]).rglob('*.md')):
    text = path.read_text(encoding='utf-8').split('---', 2)[2]
    markdown.markdown(text, extensions=['extra', 'sane_lists', 'toc'])
"""


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"benchmark command failed: {' '.join(command)}\n{result.stderr.decode()[-2000:]}")
    return elapsed


def summary(name: str, values: list[float]) -> str:
    return (f"{name:<22} median {statistics.median(values):8.3f}   "
            f"min {min(values):8.3f}   max {max(values):8.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", metavar="REV", help="compare with this git revision's build")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bantin-bench-") as temp:
        project = make_project(Path(temp) / "site", args.articles)
        build = [sys.executable, "build.py"]
        if args.against:
            old = Path(temp) / "old"
            subprocess.run(["git", "worktree", "add", "--detach", str(old), args.against],
                           cwd=REPO, check=True, stdout=subprocess.DEVNULL)
            try:
                baseline_project = Path(temp) / "old-site"
                shutil.copytree(project, baseline_project, ignore=shutil.ignore_patterns("bantin", "themes"))
                shutil.copytree(old / "bantin", baseline_project / "bantin")
                shutil.copytree(old / "themes", baseline_project / "themes")
                baseline = ([sys.executable, "build.py"], baseline_project, f"build at {args.against}")
                return _measure(args, project, build, baseline)
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=REPO,
                               stdout=subprocess.DEVNULL)
        baseline = ([sys.executable, "-c", _MARKDOWN_ONLY, str(project / "content")], project,
                    "markdown only")
        return _measure(args, project, build, baseline)


def _measure(args, project: Path, build: list[str], baseline) -> int:
    baseline_command, baseline_cwd, baseline_name = baseline
    has_check = "check" in subprocess.run([sys.executable, "build.py", "--help"], cwd=project,
                                          capture_output=True, text=True).stdout
    timed(build, project)  # warm-up: file cache, .pyc files
    timed(baseline_command, baseline_cwd)
    builds, baselines, checks, ratios = [], [], [], []
    for _ in range(args.runs):
        builds.append(timed(build, project))
        baselines.append(timed(baseline_command, baseline_cwd))
        ratios.append(builds[-1] / baselines[-1])
        if has_check:
            checks.append(timed([sys.executable, "build.py", "check"], project))
    print(f"{args.articles} articles, 611 localities, {args.runs} runs, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}  (seconds, whole processes)")
    print(summary("build", builds))
    if checks:
        print(summary("check", checks))
    print(summary(baseline_name, baselines))
    print(summary(f"ratio build/{baseline_name.split()[0]}", ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())

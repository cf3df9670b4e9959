#!/usr/bin/env python3
"""Bản tin against Pelican and Hugo on the same synthetic newsroom, build by build.

    python bench/benchmark.py [--articles 1000 5000] [--scenarios cold nothing body …]
                              [--runs 3] [--tools bantin pelican hugo] [--against REV]
                              [--results FILE]

For each article count N, bench/corpus.py writes the same corpus in the three formats; then
every scenario is measured `--runs` times, the tools taking turns within each run (A B C, then
B C A, …) so that a noisy machine affects them alike. Each measured build is a fresh process
tree, timed and measured by bench/measure.py: wall time, HTML pages written, pages per second,
peak memory. Medians are printed with the ratios Bản tin ÷ Pelican and Bản tin ÷ Hugo, and the
whole table is written to bench/RESULTS.md with the machine and the versions.

Pelican is installed by this script into bench/.venv-pelican/ (from PyPI, PELICAN_REQUIREMENT);
Hugo is Debian's `hugo` package (installed with apt-get when it is missing). Bản tin is the
checkout this script is in, run as `python build.py --project DIR` (with `--jobs` when the
command offers it); `--against REV` adds Bản tin as an earlier git revision builds it, taking
turns with the rest, so the speed-up of the working tree is measured in the same run.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path
from typing import Callable

import corpus as corpus_module
from corpus import Corpus, Format, FORMAT_CLASSES, make_corpus, make_extra_article, write_corpus

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
MEASURE = BENCH / "measure.py"
PELICAN_VENV = BENCH / ".venv-pelican"
PELICAN_REQUIREMENT = "pelican[markdown]>=4.11,<5"
DEFAULT_RESULTS = BENCH / "RESULTS.md"


# --- the three generators ---------------------------------------------------------------------

@dataclasses.dataclass
class Tool:
    key: str               # a name for files and logs: the corpus format's, or bantin-REV
    label: str
    root: Path             # the project folder
    output: str            # the output folder, relative to the project
    caches: tuple[str, ...]  # what a cold build must not find
    command: Callable[[Path], list[str]]
    fmt: Format = dataclasses.field(init=False)
    format_name: str = ""   # the corpus format, when it is not the key
    is_built: bool = False  # does the output match the sources?

    def __post_init__(self):
        self.format_name = self.format_name or self.key
        self.fmt = FORMAT_CLASSES[self.format_name]()


def ensure_pelican() -> Path:
    """bench/.venv-pelican/bin/pelican, installing Pelican there first when it is missing."""
    pelican = PELICAN_VENV / "bin" / "pelican"
    if not pelican.exists():
        print(f"Installing {PELICAN_REQUIREMENT} into {PELICAN_VENV.relative_to(REPO)}/ …",
              flush=True)
        venv.create(PELICAN_VENV, with_pip=True, clear=True)
        subprocess.run([str(PELICAN_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        PELICAN_REQUIREMENT], check=True)
    return pelican


def ensure_hugo() -> str:
    """The hugo command, installing Debian's package when it is missing."""
    hugo = shutil.which("hugo")
    if hugo:
        return hugo
    print("Hugo is missing: installing Debian's package with `apt-get install -y hugo` …",
          flush=True)
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    if subprocess.run(prefix + ["apt-get", "install", "-y", "hugo"]).returncode != 0:
        subprocess.run(prefix + ["apt-get", "update"], check=False)
        subprocess.run(prefix + ["apt-get", "install", "-y", "hugo"], check=False)
    hugo = shutil.which("hugo")
    if not hugo:
        sys.exit("Hugo could not be installed; install it (`apt-get install hugo`) or leave it "
                 "out with --tools bantin pelican")
    return hugo


def _bantin_tool(engine_path: Path, key: str, label: str, root: Path) -> Tool:
    """Bản tin as the checkout at engine_path builds it, with that checkout's theme; `--jobs N`
    when its build command offers it (and `--project` when it has one: early versions build the
    current folder, which is the project too)."""
    help_text = subprocess.run([sys.executable, str(engine_path / "build.py"), "build", "--help"],
                               capture_output=True, text=True).stdout
    jobs = ["--jobs", str(os.cpu_count() or 1)] if "--jobs" in help_text else []
    has_project = "--project" in help_text
    shutil.copytree(engine_path / "themes", root / "themes")
    return Tool(key, label, root, "_site", (".cache",), lambda project: [
        sys.executable, str(engine_path / "build.py"),
        *(["--project", str(project)] if has_project else []), *jobs], format_name="bantin")


def export_revision(rev: str, work_path: Path) -> tuple[str, Path]:
    """The engine and theme of git revision `rev` of this repository, as files under work_path."""
    short = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", rev],
                           capture_output=True, text=True, check=True).stdout.strip()
    engine_path = work_path / f"engine-{short}"
    if not engine_path.exists():
        engine_path.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", short, "build.py", "bantin",
                                  "themes"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(engine_path)], input=archive, check=True)
    return short, engine_path


def make_tools(keys: list[str], roots: dict[str, Path], against=None) -> list[Tool]:
    """The tools to compare; `against` is (short rev, engine folder) of an earlier Bản tin."""
    tools = []
    for key in keys:
        root = roots[key]
        if key == "bantin":
            if against:
                short, engine_path = against
                old_root = root.parent / f"bantin-{short}"
                shutil.copytree(root, old_root)
                tools.append(_bantin_tool(engine_path, f"bantin-{short}", f"Bản tin {short}",
                                          old_root))
            tools.insert(0, _bantin_tool(REPO, key, "Bản tin", root))
        elif key == "pelican":
            pelican = ensure_pelican()
            _install_pelican_theme(root)
            tools.append(Tool(key, "Pelican", root, "output", ("cache",),
                              lambda project: [str(pelican), str(project / "content"), "--settings",
                                               str(project / "pelicanconf.py"), "--output",
                                               str(project / "output")]))
        elif key == "hugo":
            hugo = ensure_hugo()
            # Hugo leaves the pages of deleted articles in its output, so the output is removed
            # first, as Pelican's DELETE_OUTPUT_DIRECTORY and Bản tin's swap do.
            tools.append(Tool(key, "Hugo", root, "public", ("resources", ".hugo-cache"),
                              lambda project: ["sh", "-c", 'rm -rf "$1/public" && exec "$0" '
                                               '--source "$1" --destination public --cacheDir '
                                               '"$1/.hugo-cache" --quiet', hugo, str(project)]))
    return tools


def _install_pelican_theme(root: Path) -> None:
    """Pelican's default theme, notmyidea, with each tag's description on the tag's page."""
    found = subprocess.run([str(PELICAN_VENV / "bin" / "python"), "-c",
                            "import pelican, os; print(os.path.dirname(pelican.__file__))"],
                           capture_output=True, text=True, check=True).stdout.strip()
    theme = root / "theme"
    shutil.copytree(Path(found) / "themes" / "notmyidea", theme)
    (theme / "templates" / "tag.html").write_text(
        '{% extends "index.html" %}\n'
        "{% block title %}{{ SITENAME|striptags }} - {{ tag }}{% endblock %}\n"
        '{% block content %}<section class="body"><h1>{{ tag }}</h1>'
        '<p>{{ TAG_DESCRIPTIONS.get(tag.name, "") }}</p></section>{{ super() }}{% endblock %}\n',
        encoding="utf-8")


def tool_versions(keys: list[str]) -> dict[str, str]:
    """The versions of Python, this checkout, and each other generator (installing it if need be)."""
    versions = {"Python": platform.python_version()}
    rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    changed = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "bantin",
                              "themes", "build.py"], capture_output=True, text=True).stdout.strip()
    versions["Bản tin"] = (rev or "unknown") + (" with uncommitted changes" if changed else "")
    if "pelican" in keys:
        versions["Pelican"] = subprocess.run([str(ensure_pelican()), "--version"],
                                             capture_output=True, text=True).stdout.strip()
    if "hugo" in keys:
        out = subprocess.run([ensure_hugo(), "version"], capture_output=True, text=True).stdout
        versions["Hugo"] = out.split()[1] if out.split()[1:] else "unknown"
    return versions


def machine() -> dict[str, str]:
    info = {"cores": str(os.cpu_count()), "load": f"{os.getloadavg()[0]:.2f}"}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        info["CPU"] = model.group(1).strip() if model else platform.processor()
        memory = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        info["memory"] = f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB" if memory else "?"
    except OSError:
        info["CPU"], info["memory"] = platform.processor(), "?"
    try:
        release = Path("/etc/os-release").read_text()
        name = re.search(r'^PRETTY_NAME="?([^"\n]+)', release, re.M)
        info["system"] = name.group(1) if name else platform.platform()
    except OSError:
        info["system"] = platform.platform()
    return info


# --- measuring one build ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Run:
    wall_seconds: float
    max_rss_kib: int
    tree_rss_kib: int
    pages: int


def count_pages(output_path: Path) -> int:
    return sum(name.endswith(".html") for _, _, names in os.walk(output_path) for name in names)


def build(tool: Tool, project: Path, log_path: Path) -> Run:
    """One build of `project` by `tool` in a fresh measuring process; exits when it fails."""
    result = subprocess.run([sys.executable, str(MEASURE), "--cwd", str(project), "--log",
                             str(log_path), "--", *tool.command(project)],
                            capture_output=True, text=True, check=True)
    data = json.loads(result.stdout)
    if data["returncode"] != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
        sys.exit(f"{tool.label} failed (exit {data['returncode']}) on {project}:\n{tail}")
    return Run(data["wall_seconds"], data["max_rss_kib"], data["tree_rss_kib"],
               count_pages(project / tool.output))


# --- scenarios --------------------------------------------------------------------------------

class Edits:
    """File changes made during one scenario, so they can be undone afterwards."""

    def __init__(self):
        self.originals: dict[Path, bytes | None] = {}

    def write(self, path: Path, text: str) -> None:
        if path not in self.originals:
            self.originals[path] = path.read_bytes() if path.exists() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))

    def replace_once(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise RuntimeError(f"expected {old!r} once in {path}, found it {text.count(old)} times")
        self.write(path, text.replace(old, new))

    def undo(self) -> bool:
        for path, original in self.originals.items():
            if original is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(original)
        changed = bool(self.originals)
        self.originals = {}
        return changed


@dataclasses.dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    needs_build: bool   # starts from a completed build of the current sources
    # (tool, corpus, edit number, edits, scratch folder) -> the project folder to build
    apply: Callable[[Tool, Corpus, int, Edits, Path], Path]
    bantin_only: bool = False


def _article(corpus: Corpus, number: int):
    """A different article for every edit number."""
    return corpus.articles[(number * 7919 + 13) % len(corpus.articles)]


def _cold(tool, corpus, number, edits, scratch):
    for name in (tool.output, *tool.caches):
        shutil.rmtree(tool.root / name, ignore_errors=True)
    return tool.root


def _nothing(tool, corpus, number, edits, scratch):
    return tool.root


def _append_to_body(tool: Tool, root: Path, corpus: Corpus, number: int, edits: Edits) -> None:
    path = root / tool.fmt.article_path(_article(corpus, number))
    text = path.read_text(encoding="utf-8")
    edits.write(path, text + f"\nCập nhật lần {number}: UBND đã bổ sung thông tin theo phản "
                             f"ánh của người dân.\n")


def _body(tool, corpus, number, edits, scratch):
    _append_to_body(tool, tool.root, corpus, number, edits)
    return tool.root


def _title(tool, corpus, number, edits, scratch):
    article = _article(corpus, number)
    path = tool.root / tool.fmt.article_path(article)
    edits.replace_once(path, tool.fmt.title_line(article.title),
                       tool.fmt.title_line(f"{article.title} (cập nhật lần {number})"))
    return tool.root


def _add(tool, corpus, number, edits, scratch):
    article = make_extra_article(corpus, number)
    edits.write(tool.root / tool.fmt.article_path(article), tool.fmt.article_text(corpus, article))
    return tool.root


def _template(tool, corpus, number, edits, scratch):
    path = tool.root / tool.fmt.template_path()
    text = path.read_text(encoding="utf-8")
    if "</article>" not in text:
        raise RuntimeError(f"no </article> in {path} to change")
    edits.write(path, text.replace("</article>", f"<!-- thay đổi {number} -->\n</article>", 1))
    return tool.root


def _locality(tool, corpus, number, edits, scratch):
    localities = corpus.localities[1:]
    locality = localities[(number * 31) % len(localities)]
    quoted = corpus_module._quoted
    edits.replace_once(tool.root / tool.fmt.description_path(locality), quoted(locality.description),
                       quoted(f"{locality.description} Cập nhật lần {number}."))
    return tool.root


def _fresh_copy(tool, corpus, number, edits, scratch):
    """A new clone of the project (every file with a new time) given the .cache/ of an earlier
    build, as a CI runner that restores its cache; then one article edited."""
    copy = scratch / f"fresh-{tool.key}-{number}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(tool.root, copy, copy_function=shutil.copy,
                    ignore=shutil.ignore_patterns(tool.output, *tool.caches))
    now = time.time()
    for folder, _, names in os.walk(copy):
        for name in names:
            os.utime(Path(folder) / name, (now, now))
    for cache in tool.caches:
        if (tool.root / cache).is_dir():
            shutil.copytree(tool.root / cache, copy / cache)
    _append_to_body(tool, copy, corpus, number, Edits())
    return copy


SCENARIOS = {s.key: s for s in (
    Scenario("cold", "cold build (no cache, no output)", False, _cold),
    Scenario("nothing", "rebuild, nothing changed", True, _nothing),
    Scenario("body", "after editing one article's body", True, _body),
    Scenario("title", "after editing one article's title", True, _title),
    Scenario("add", "after adding one article", True, _add),
    Scenario("template", "after changing the article template", True, _template),
    Scenario("locality", "after changing one locality's description", True, _locality),
    Scenario("fresh", "fresh clone + earlier .cache/, one article edited", True, _fresh_copy,
             bantin_only=True),
)}


@dataclasses.dataclass(frozen=True)
class Measurement:
    articles: int
    scenario: str
    tool: str
    runs: tuple[Run, ...]

    @property
    def median_seconds(self) -> float:
        return statistics.median(r.wall_seconds for r in self.runs)

    @property
    def pages(self) -> int:
        return max(r.pages for r in self.runs)


def measure_corpus(article_count: int, scenario_keys: list[str], run_count: int,
                   tool_keys: list[str], work_path: Path, seed: int,
                   against=None) -> list[Measurement]:
    corpus = make_corpus(article_count, seed)
    site_path = work_path / f"n{article_count}"
    shutil.rmtree(site_path, ignore_errors=True)
    roots = write_corpus(corpus, site_path, tool_keys)
    tools = make_tools(tool_keys, roots, against)
    scratch = site_path / "scratch"
    scratch.mkdir()
    logs = site_path / "logs"
    logs.mkdir()
    print(f"\n{article_count} articles, {len(corpus.localities)} localities, "
          f"{len(corpus.topics)} topics in {site_path}", flush=True)
    for tool in tools:  # a first build: checks every tool works and warms the file cache
        run = build(tool, tool.root, logs / f"{tool.key}-first.log")
        tool.is_built = True
        print(f"  first build  {tool.label:<16} {run.wall_seconds:8.2f} s  {run.pages} pages",
              flush=True)
    measurements = []
    for scenario_number, key in enumerate(scenario_keys):
        scenario = SCENARIOS[key]
        taking_part = [t for t in tools if t.format_name == "bantin" or not scenario.bantin_only]
        runs: dict[str, list[Run]] = {t.key: [] for t in taking_part}
        edits = Edits()
        for run_number in range(run_count):
            number = scenario_number * 1000 + run_number
            turn = run_number % len(taking_part)
            for tool in taking_part[turn:] + taking_part[:turn]:
                if scenario.needs_build and not tool.is_built:
                    build(tool, tool.root, logs / f"{tool.key}-prepare.log")
                project = scenario.apply(tool, corpus, number, edits, scratch)
                runs[tool.key].append(build(tool, project, logs / f"{tool.key}-{key}.log"))
                tool.is_built = True
                if project != tool.root:
                    shutil.rmtree(project)
        if edits.undo():  # back to the generated corpus for the next scenario
            for tool in tools:
                tool.is_built = False
        results = [Measurement(article_count, key, t.label, tuple(runs[t.key])) for t in taking_part]
        measurements += results
        _print_scenario(scenario, results)
    return measurements


# --- reporting --------------------------------------------------------------------------------

def _ratio(measurement: Measurement, others: list[Measurement]) -> str:
    bantin = next((m for m in others if m.tool == "Bản tin"), None)
    if bantin is None or measurement.tool == "Bản tin":
        return ""
    return f"{bantin.median_seconds / measurement.median_seconds:.2f}"


def _print_scenario(scenario: Scenario, results: list[Measurement]) -> None:
    print(f"  {scenario.label}", flush=True)
    for m in results:
        walls = [r.wall_seconds for r in m.runs]
        ratio = _ratio(m, results)
        print(f"    {m.tool:<16} median {m.median_seconds:8.2f} s  (min {min(walls):.2f}, "
              f"max {max(walls):.2f})  {m.pages:6} pages  "
              f"{m.pages / m.median_seconds:8.0f} pages/s  "
              f"{max(r.max_rss_kib for r in m.runs) / 1024:6.0f} MiB"
              + (f"   Bản tin ÷ {m.tool} = {ratio}" if ratio else ""), flush=True)


COMPARABILITY = """\
## How comparable the three sites are

The three projects hold the same articles (same titles, dates, bodies, localities and topics,
from `bench/corpus.py`); each generator builds what its own model gives, with lists of 10 per
page and Atom feeds of 20 entries:

- **Bản tin** (its default theme): article pages with related articles; the home page; all
  articles, each locality (with every article of the localities under it) and each topic,
  paginated; weekly digests; archives by year and month; Atom feeds for the site, each
  locality, each topic and the digests; sitemap, robots.txt and 404 page.
- **Pelican** (its default theme, notmyidea; `CACHE_CONTENT` and `LOAD_CONTENT_CACHE` on):
  Pelican has no custom taxonomy, so each article's localities — with every locality above
  them, which is Bản tin's roll-up — and its topics are *tags*, and its first topic is its
  *category*. Article pages; the index, each tag, category and author paginated; archives by
  year and month; Atom feeds for the site, each tag and each category. No digests, no sitemap,
  no related articles. A tag's page shows its description (a setting), as a locality's does.
- **Hugo** (a minimal layout set written by `bench/corpus.py`: baseof, single, list, taxonomy,
  term, an Atom output format, and a link render hook that resolves links to other articles by
  file, as Bản tin and Pelican's `{filename}` do): taxonomies `localities` (with the localities
  above, as in Pelican) and `topics`, each term's title and description in its `_index.md`;
  article pages; the home page, the article section and each term paginated; Atom feeds for
  the home page, the section and each term; sitemap. No digests, no archives, no related
  articles. Hugo has no build cache for pages: every build renders everything. Hugo keeps the
  pages of deleted articles in its output, so its output is removed before each build (counted
  in its time), as Pelican's `DELETE_OUTPUT_DIRECTORY` (on here) and Bản tin's swap do: each
  output is exactly the site.

So the page counts differ (the "pages" column counts the HTML files in each output), and
Bản tin's default theme does more per page than the two minimal ones (navigation tree,
metadata, JSON-LD). Pelican and Hugo rebuild everything on every run; Pelican's cache only
skips reading and converting unchanged Markdown files. Ratios are of median wall times:
below 1 Bản tin is faster, above 1 slower.
"""


def write_results(path: Path, measurements: list[Measurement], versions: dict, info: dict,
                  command: str, note: str) -> None:
    lines = ["# Benchmark results", ""]
    if note:
        lines += [note, ""]
    lines += [f"Measured on {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC with", "",
              f"    {command}", "",
              f"- Machine: {info['CPU']}, {info['cores']} cores, {info['memory']} memory, "
              f"{info['system']}; load average {info['load']} at the start, "
              f"{os.getloadavg()[0]:.2f} when written (other work on the machine skews all tools)",
              "- Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()), "",
              "Wall time is the median of the runs (min–max beside it); pages are the HTML files "
              "in the output; pages/s is pages ÷ median; memory is the peak resident set of the "
              "largest process (MiB), and in brackets the largest sum over the process tree, "
              "sampled every 0.2 s. The last column is Bản tin's median ÷ this tool's.", "",
              "| N | scenario | tool | runs | median s | min–max s | pages | pages/s | "
              "peak MiB (tree) | Bản tin ÷ tool |",
              "|--:|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    for m in measurements:
        same = [o for o in measurements if o.articles == m.articles and o.scenario == m.scenario]
        walls = [r.wall_seconds for r in m.runs]
        lines.append(
            f"| {m.articles:,} | {SCENARIOS[m.scenario].label} | {m.tool} | {len(m.runs)} | "
            f"{m.median_seconds:.2f} | {min(walls):.2f}–{max(walls):.2f} | {m.pages:,} | "
            f"{m.pages / m.median_seconds:,.0f} | "
            f"{max(r.max_rss_kib for r in m.runs) / 1024:,.0f} "
            f"({max(r.tree_rss_kib for r in m.runs) / 1024:,.0f}) | {_ratio(m, same)} |")
    lines += ["", COMPARABILITY]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 5000], metavar="N",
                        help="article counts (default: 1000 5000; the issue's full set is "
                             "1000 5000 20000)")
    parser.add_argument("--scenarios", nargs="+", choices=list(SCENARIOS), default=list(SCENARIOS),
                        metavar="NAME", help=f"from: {' '.join(SCENARIOS)} (default: all)")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (default: 3)")
    parser.add_argument("--tools", nargs="+", choices=list(FORMAT_CLASSES),
                        default=list(FORMAT_CLASSES), metavar="TOOL",
                        help="from: bantin pelican hugo (default: all)")
    parser.add_argument("--against", metavar="REV",
                        help="also measure Bản tin as git revision REV builds it (its engine and "
                             "theme), so the table shows this checkout's speed-up over it")
    parser.add_argument("--seed", type=int, default=corpus_module.DEFAULT_SEED)
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, metavar="FILE",
                        help="where to write the Markdown table (default: bench/RESULTS.md)")
    parser.add_argument("--note", default="", help="a line put at the top of the results")
    parser.add_argument("--workdir", type=Path, metavar="DIR",
                        help="keep the generated projects here (default: a temporary folder, "
                             "deleted at the end)")
    args = parser.parse_args(argv)
    if "bantin" not in args.tools:
        parser.error("the benchmark compares Bản tin with the others: keep bantin in --tools")
    command = shlex.join(["python", "bench/benchmark.py", *(sys.argv[1:] if argv is None else argv)])
    started = time.perf_counter()
    temporary = None if args.workdir else tempfile.TemporaryDirectory(prefix="bantin-bench-")
    work_path = args.workdir or Path(temporary.name)
    work_path.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(f"{info['CPU']}, {info['cores']} cores, {info['memory']}; runs: {args.runs}", flush=True)
    versions = tool_versions(args.tools)
    against = export_revision(args.against, work_path) if args.against else None
    if against:
        versions["Bản tin (against)"] = against[0]
    print(", ".join(f"{k} {v}" for k, v in versions.items()), flush=True)
    measurements: list[Measurement] = []
    try:
        for article_count in args.articles:
            measurements += measure_corpus(article_count, args.scenarios, args.runs, args.tools,
                                           work_path, args.seed, against)
            write_results(args.results, measurements, versions, info, command.strip(), args.note)
    finally:
        if temporary:
            temporary.cleanup()
    print(f"\nWritten to {args.results} in {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

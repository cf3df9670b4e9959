"""The command line: parse arguments, call the pipeline, print problems, return an exit code."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import __version__
from .pipeline import build_site
from .problems import BuildError, Problem

DESCRIPTION = """\
Bản tin builds a static civic news site, grouped by locality, from the Markdown
articles in content/, the settings in site.yaml and a theme in themes/."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        # The default command's options belong in the first help a newcomer reads.
        print(parser.format_help())
        print(_build_parser(parser).format_help())
        return 0
    if not argv or argv[0] not in _COMMANDS + ("--version",):
        argv = ["build", *argv]  # `build` is the default command
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("Interrupted; the previous output was left as it was.", file=sys.stderr)
        return 130


_COMMANDS = ("build",)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION,
                                     epilog="With no command, `build` runs. "
                                            "`python build.py COMMAND --help` tells more.")
    parser.add_argument("--version", action="version", version=f"Bản tin {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    build = commands.add_parser("build", help="build the site into the output folder (default)",
                                description="Build the site. On any error nothing is written and "
                                            "the previous output stays as it was.")
    _add_build_options(build)
    build.add_argument("--output", metavar="DIR", help="write here instead of site.yaml's output_dir")
    build.add_argument("--force", action="store_true",
                       help="allow an output folder outside the project")
    build.set_defaults(run=_run_build)
    return parser


def _build_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return commands.choices["build"]


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", metavar="DIR", default=".",
                        help="the project folder holding site.yaml (default: current folder)")
    parser.add_argument("--base-url", metavar="URL",
                        help="the site's published address, overriding site.yaml's base_url")
    parser.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    parser.add_argument("--future", action="store_true", help="include articles dated in the future")


def _run_build(args) -> int:
    started = time.perf_counter()
    try:
        result = build_site(Path(args.project).resolve(), base_url=args.base_url,
                            output_dir=args.output, include_drafts=args.drafts,
                            include_future=args.future, force=args.force)
    except BuildError as error:
        print_problems(error.problems)
        errors = sum(p.is_error for p in error.problems)
        print(f"Build failed: {errors} error{'s' * (errors != 1)}; nothing was written.",
              file=sys.stderr)
        return 1
    print_problems(result.problems)
    site = result.site
    excluded = f", {site.excluded_count} drafts or future articles left out" \
        if site.excluded_count else ""
    articles = len(site.articles)
    print(f"Built {articles} article{'s' * (articles != 1)} into {len(result.pages)} pages "
          f"({result.files_written} files) in {site.config.output_dir}/ "
          f"in {time.perf_counter() - started:.2f} s{excluded}.")
    return 0


def print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)

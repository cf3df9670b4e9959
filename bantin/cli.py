"""The command line: parse arguments, call the pipeline, print problems, return an exit code."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import __version__
from .pipeline import build_site
from .problems import BuildError, Problem, display_path

DESCRIPTION = """\
Bản tin builds a static civic news site, grouped by locality, from the Markdown
articles in content/, the settings in site.yaml and a theme in themes/."""


def main(argv: list[str] | None = None) -> int:
    parser, command_parsers = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        # Every command's options belong in the first help a newcomer reads.
        print(parser.format_help())
        for command_parser in command_parsers:
            print(command_parser.format_help())
        return 0
    if not argv or argv[0] not in _COMMANDS + ("--version",):
        argv = ["build", *argv]  # `build` is the default command
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("Interrupted; the previous output was left as it was.", file=sys.stderr)
        return 130


_COMMANDS = ("build", "serve", "new", "check")


def _parser() -> tuple[argparse.ArgumentParser, list[argparse.ArgumentParser]]:
    """The whole command line, and the parser of each command (build, the default, first)."""
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
    build.add_argument("--jobs", metavar="N", type=_positive,
                       help="processes for converting and rendering (default: one per processor)")
    build.add_argument("--timings", action="store_true",
                       help="print the time of each stage and what the build cache saved")
    build.add_argument("--no-cache", action="store_true",
                       help="neither read nor update the build cache in .cache/build/")
    build.set_defaults(run=_run_build)
    return parser, [build, _add_serve_command(commands), _add_new_command(commands),
                    _add_check_command(commands)]


def _add_serve_command(commands) -> argparse.ArgumentParser:
    serve = commands.add_parser(
        "serve", help="preview the site while you write: rebuilds and reloads on every save",
        description="Build the site in memory and serve it on this computer at the same "
                    "sub-path as the published site (for example /bantin/). Every save in "
                    "content/, themes/, templates/ or site.yaml rebuilds it and reloads open "
                    "pages; drafts are shown, marked as drafts. A mistake keeps the last good "
                    "version on screen with the problems laid over it. Nothing is written to "
                    "the output folder. Press Ctrl-C to stop.")
    _add_project_option(serve)
    serve.add_argument("--port", type=int, default=8000,
                       help="the port to listen on (default: 8000; 0 picks a free one)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default: 127.0.0.1, this computer only)")
    serve.add_argument("--future", action="store_true",
                       help="also show articles dated in the future")
    serve.set_defaults(run=_run_serve)
    return serve


def _add_new_command(commands) -> argparse.ArgumentParser:
    new = commands.add_parser(
        "new", help="start a new article (a draft) with complete front matter",
        formatter_class=argparse.RawDescriptionHelpFormatter,  # keeps the example on one line
        description="Write content/<year>/<slug>.md with the title, the date and time now in\n"
                    "the site's timezone, the localities and topics, and `draft: true`, and\n"
                    "print its path. Each locality is checked against site.yaml. An existing\n"
                    "file is never overwritten.",
        epilog='example:\n  python build.py new "Hoàn Kiếm mở thêm điểm một cửa" '
               '--locality "Hoàn Kiếm" --topic "Cải cách hành chính"')
    new.add_argument("title", help="the headline, in quotes")
    new.add_argument("--locality", action="append", default=[], metavar="NAME",
                     help="a locality from site.yaml: name, slug, alias or kind and name "
                          "(repeat for several)")
    new.add_argument("--topic", action="append", default=[], metavar="NAME",
                     help="a topic (repeat for several); a new name makes a new topic")
    _add_project_option(new)
    new.set_defaults(run=_run_new)
    return new


def _add_check_command(commands) -> argparse.ArgumentParser:
    check = commands.add_parser(
        "check", help="check every article and setting without writing anything",
        description="Run the whole build without writing the site and list every finding, "
                    "grouped per file: errors (the site cannot be published), warnings, and "
                    "information such as declared localities that no article uses. Exits with "
                    "1 when there is any error, else 0.")
    _add_build_options(check)
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="text for people (default), json for tools")
    check.set_defaults(run=_run_check)
    return check


def _add_project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", metavar="DIR", default=".",
                        help="the project folder holding site.yaml (default: current folder)")


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    _add_project_option(parser)
    parser.add_argument("--base-url", metavar="URL",
                        help="the site's published address, overriding site.yaml's base_url")
    parser.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    parser.add_argument("--future", action="store_true", help="include articles dated in the future")


def _run_build(args) -> int:
    started = time.perf_counter()
    project = Path(args.project).resolve()
    try:
        result = build_site(project, base_url=args.base_url,
                            output_dir=args.output, include_drafts=args.drafts,
                            include_future=args.future, force=args.force, jobs=args.jobs,
                            use_cache=not args.no_cache)
    except BuildError as error:
        print_problems(error.problems)
        errors = sum(p.is_error for p in error.problems)
        print(f"Build failed: {errors} error{'s' * (errors != 1)}; nothing was written.",
              file=sys.stderr)
        return 1
    for notice in result.notices:
        print(f"notice: {notice}", file=sys.stderr)
    print_problems(result.problems)
    if args.timings:
        print(format_timings(result.timings))
    site = result.site
    excluded = f", {site.excluded_count} drafts or future articles left out" \
        if site.excluded_count else ""
    articles = len(site.articles)
    print(f"Built {articles} article{'s' * (articles != 1)} into {len(result.pages)} pages "
          f"({result.files_written} files) in {display_path(result.output_path, project)}/ "
          f"in {time.perf_counter() - started:.2f} s{excluded}.")
    return 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of processes: {text!r}")
    return int(text)


def format_timings(timings) -> str:
    """One line per stage, then the counts: what was done and what the cache spared."""
    lines = [f"  {stage:<9} {seconds:7.3f} s" for stage, seconds in timings.stages.items()]
    lines.append(f"  {'total':<9} {sum(timings.stages.values()):7.3f} s")
    counts = timings.counts
    lines.append(f"  pages: {counts.get('pages_rendered', 0)} rendered, "
                 f"{counts.get('pages_reused', 0)} reused; Markdown: "
                 f"{counts.get('markdown_converted', 0)} converted, "
                 f"{counts.get('markdown_reused', 0)} reused; cache: "
                 f"{counts.get('cache_hits', 0)} hits, {counts.get('cache_misses', 0)} misses; "
                 f"{counts.get('files_written', 0)} files written")
    return "Timings:\n" + "\n".join(lines)


def _run_serve(args) -> int:
    from .serve import serve  # imports watchfiles, which only serve needs

    return serve(Path(args.project).resolve(), host=args.host, port=args.port,
                 include_future=args.future)


def _run_new(args) -> int:
    from .scaffold import new_article

    try:
        article = new_article(Path(args.project).resolve(), args.title, args.locality, args.topic)
    except BuildError as error:
        print_problems(error.problems)
        print("Nothing was written.", file=sys.stderr)
        return 1
    print_problems(article.problems)
    print(article.shown_path)
    return 0


def _run_check(args) -> int:
    from .check import check_site, format_json, format_text, wants_colour

    report = check_site(Path(args.project).resolve(), base_url=args.base_url,
                        include_drafts=args.drafts, include_future=args.future)
    if args.format == "json":
        sys.stdout.write(format_json(report))
    else:
        sys.stdout.write(format_text(report, colour=wants_colour(sys.stdout)))
    return 0 if report.is_ok else 1


def print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)

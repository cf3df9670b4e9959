"""The command line: parse arguments, call the pipeline, print problems, return an exit code."""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from . import __version__
from .config import read_language
from .messages import LANGUAGES, SOURCE_LANGUAGE, Message, _, _n, choose_language, translate
from .pipeline import build_site
from .problems import BuildError, Problem, display_path

DESCRIPTION = _("Bản tin builds a static civic news site, grouped by locality, from the Markdown\n"
                "articles in content/, the settings in site.yaml and a theme in themes/.")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    speaker = _Speaker(argv)
    parser, command_parsers = _parser(speaker)
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
        return args.run(args, speaker)
    except KeyboardInterrupt:
        print(speaker.say(_("Interrupted; the previous output was left as it was.")),
              file=sys.stderr)
        return 130


_COMMANDS = ("build", "serve", "new", "check")


class _Speaker:
    """The language of everything the command line prints (see messages.choose_language).

    Found lazily: site.yaml is read for it only when something is to be said before or
    without a build that read it (help, a mistake in the arguments, a failed build).
    """

    def __init__(self, argv: list[str]):
        self.option = _option_value(argv, "--lang")
        self.project_path = Path(_option_value(argv, "--project") or ".").resolve()
        self.site_language: str | None = None
        self._read_language: list[str | None] = []  # site.yaml read once at most

    def language(self) -> str:
        return choose_language(self.option, lambda: self.site_language or self._from_site())

    def _from_site(self) -> str | None:
        if not self._read_language:
            self._read_language.append(read_language(self.project_path))
        return self._read_language[0]

    def say(self, text) -> str:
        return translate(text, self.language())


def _option_value(argv: list[str], name: str) -> str | None:
    """The value given to an option (`--lang vi` or `--lang=vi`), before argparse has run."""
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith(name + "="):
            return arg[len(name) + 1:]
    return None


def _parser(speaker: _Speaker) -> tuple[argparse.ArgumentParser, list[argparse.ArgumentParser]]:
    """The whole command line, and the parser of each command (build, the default, first)."""
    parser = _Parser(prog="build.py", description=DESCRIPTION, speaker=speaker,
                     epilog=_("With no command, `build` runs. "
                              "`python build.py COMMAND --help` tells more."))
    parser.add_argument("--version", action="version", version=f"Bản tin {__version__}",
                        help=_("show the version and exit"))
    # prog given, so that argparse needs no help formatter (nor the language) to name commands.
    commands = parser.add_subparsers(dest="command", title=_("commands"), metavar="COMMAND",
                                     prog="build.py")
    build = commands.add_parser("build", help=_("build the site into the output folder (default)"),
                                description=_("Build the site. On any error nothing is written "
                                              "and the previous output stays as it was."),
                                speaker=speaker)
    _add_build_options(build)
    build.add_argument("--output", metavar="DIR",
                       help=_("write here instead of site.yaml's output_dir"))
    build.add_argument("--force", action="store_true",
                       help=_("allow an output folder outside the project"))
    build.add_argument("--jobs", metavar="N", type=_positive,
                       help=_("processes for converting and rendering (default: one per "
                              "processor)"))
    build.add_argument("--timings", action="store_true",
                       help=_("print the time of each stage and what the build cache saved"))
    build.add_argument("--no-cache", action="store_true",
                       help=_("neither read nor update the build cache in .cache/build/"))
    build.set_defaults(run=_run_build)
    return parser, [build, _add_serve_command(commands, speaker),
                    _add_new_command(commands, speaker), _add_check_command(commands, speaker)]


class _Parser(argparse.ArgumentParser):
    """argparse, speaking the reader's language in its help and its error messages."""

    def __init__(self, *args, speaker: _Speaker, **kwargs):
        self.speaker = speaker
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self.add_argument("-h", "--help", action="help", help=_("show this help and exit"))

    def _get_formatter(self):
        formatter = super()._get_formatter()
        formatter.speaker = self.speaker  # asked for the language only when text is formatted
        return formatter

    def error(self, message: str):
        """Like argparse's, in the reader's language: the usage, then what is wrong (exit 2)."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {self.speaker.say(_('error'))}: "
                     f"{self.speaker.say(_argparse_message(message))}\n")


class _HelpFormatter(argparse.HelpFormatter):
    """Help whose texts (Messages) are shown in the reader's language; argparse's words too."""

    speaker: _Speaker | None = None

    @property
    def language(self) -> str:
        return self.speaker.language() if self.speaker is not None else SOURCE_LANGUAGE

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups,
                          translate(_("usage: "), self.language) if prefix is None else prefix)

    def start_section(self, heading):
        super().start_section(translate(_ARGPARSE_WORDS.get(heading, heading), self.language))

    def add_text(self, text):
        super().add_text(translate(text, self.language) if text else text)

    def _get_help_string(self, action):
        return translate(action.help, self.language) if action.help else action.help


class _RawHelpFormatter(_HelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the description's line breaks (an example command on one line)."""


# argparse's own words, which it keeps in English.
_ARGPARSE_WORDS = {"positional arguments": _("positional arguments"), "options": _("options")}
_ARGPARSE_ERRORS = (  # its error messages, from the most to the least specific
    (r"argument (?P<name>\S+): (?P<reason>.+)", _("argument {name}: {reason}")),
    (r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)",
     _("invalid choice: {value} (choose from {choices})")),
    (r"invalid int value: (?P<value>.+)", _("{value} is not a whole number")),
    (r"expected one argument", _("expected one argument")),
    (r"the following arguments are required: (?P<names>.+)",
     _("the following arguments are required: {names}")),
    (r"unrecognized arguments: (?P<names>.+)", _("unrecognized arguments: {names}")),
)


def _argparse_message(message: str) -> str:
    """An error message of argparse as a Message, so that it can be shown translated."""
    for pattern, template in _ARGPARSE_ERRORS:
        found = re.fullmatch(pattern, message)
        if found:
            params = {name: _argparse_message(value) if name == "reason" else value
                      for name, value in found.groupdict().items()}
            return Message(template.template, params)
    return message


def _add_serve_command(commands, speaker: _Speaker) -> argparse.ArgumentParser:
    serve = commands.add_parser(
        "serve", help=_("preview the site while you write: rebuilds and reloads on every save"),
        description=_("Build the site in memory and serve it on this computer at the same "
                      "sub-path as the published site (for example /bantin/). Every save in "
                      "content/, themes/, templates/ or site.yaml rebuilds it and reloads open "
                      "pages; drafts are shown, marked as drafts. A mistake keeps the last good "
                      "version on screen with the problems laid over it. Nothing is written to "
                      "the output folder. Press Ctrl-C to stop."), speaker=speaker)
    _add_project_option(serve)
    serve.add_argument("--port", type=int, default=8000,
                       help=_("the port to listen on (default: 8000; 0 picks a free one)"))
    serve.add_argument("--host", default="127.0.0.1",
                       help=_("the address to listen on (default: 127.0.0.1, this computer only)"))
    serve.add_argument("--future", action="store_true",
                       help=_("also show articles dated in the future"))
    serve.set_defaults(run=_run_serve)
    return serve


def _add_new_command(commands, speaker: _Speaker) -> argparse.ArgumentParser:
    new = commands.add_parser(
        "new", help=_("start a new article (a draft) with complete front matter"),
        formatter_class=_RawHelpFormatter,  # keeps the example on one line
        description=_("Write content/<year>/<slug>.md with the title, the date and time now in\n"
                      "the site's timezone, the localities and topics, and `draft: true`, and\n"
                      "print its path. Each locality is checked against site.yaml. An existing\n"
                      "file is never overwritten."),
        epilog=_("example:\n  {command}", command='python build.py new "Hoàn Kiếm mở thêm điểm '
                 'một cửa" --locality "Hoàn Kiếm" --topic "Cải cách hành chính"'),
        speaker=speaker)
    new.add_argument("title", help=_("the headline, in quotes"))
    new.add_argument("--locality", action="append", default=[], metavar="NAME",
                     help=_("a locality from site.yaml: name, slug, alias or kind and name "
                            "(repeat for several)"))
    new.add_argument("--topic", action="append", default=[], metavar="NAME",
                     help=_("a topic (repeat for several); a new name makes a new topic"))
    _add_project_option(new)
    new.set_defaults(run=_run_new)
    return new


def _add_check_command(commands, speaker: _Speaker) -> argparse.ArgumentParser:
    check = commands.add_parser(
        "check", help=_("check every article and setting without writing anything"),
        description=_("Run the whole build without writing the site and list every finding, "
                      "grouped per file: errors (the site cannot be published), warnings, and "
                      "information such as declared localities that no article uses. Exits with "
                      "1 when there is any error, else 0."), speaker=speaker)
    _add_build_options(check)
    check.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                       help=_("text for people (default), json for tools (always in English), "
                              "markdown for the summary page of a GitHub Actions run"))
    check.add_argument("--source-url", metavar="URL", default="",
                       help=_("with --format markdown: link each file and line to the file "
                              "under this address (for example "
                              "https://github.com/USER/REPO/blob/COMMIT/)"))
    check.set_defaults(run=_run_check)
    return check


def _add_project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", metavar="DIR", default=".",
                        help=_("the project folder holding site.yaml (default: current folder)"))
    parser.add_argument("--lang", choices=LANGUAGES,
                        help=_("the language of the messages (default: BANTIN_LANG, else the "
                               "site's language)"))


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    _add_project_option(parser)
    parser.add_argument("--base-url", metavar="URL",
                        help=_("the site's published address, overriding site.yaml's base_url"))
    parser.add_argument("--drafts", action="store_true",
                        help=_("include articles with draft: true"))
    parser.add_argument("--future", action="store_true",
                        help=_("include articles dated in the future"))


def _run_build(args, speaker: _Speaker) -> int:
    started = time.perf_counter()
    project = Path(args.project).resolve()
    try:
        result = build_site(project, base_url=args.base_url,
                            output_dir=args.output, include_drafts=args.drafts,
                            include_future=args.future, force=args.force, jobs=args.jobs,
                            use_cache=not args.no_cache)
    except BuildError as error:
        print_problems(error.problems, speaker.language())
        errors = sum(p.is_error for p in error.problems)
        print(speaker.say(_n("Build failed: {count} error; nothing was written.",
                             "Build failed: {count} errors; nothing was written.", errors)),
              file=sys.stderr)
        return 1
    for notice in result.notices:
        print(speaker.say(_("notice: {notice}", notice=notice)), file=sys.stderr)
    speaker.site_language = result.language
    print_problems(result.problems, speaker.language())
    if args.timings:
        print(speaker.say(format_timings(result.timings)))
    excluded = _left_out(result.problems)
    print(speaker.say(_n(
        "Built {count} article into {pages} pages ({files} files) in {folder}/ in {seconds:.2f} "
        "s{excluded}.",
        "Built {count} articles into {pages} pages ({files} files) in {folder}/ in {seconds:.2f} "
        "s{excluded}.", result.article_count, pages=result.page_count, files=result.files_written,
        folder=display_path(result.output_path, project), seconds=time.perf_counter() - started,
        excluded=excluded)))
    return 0


def _left_out(problems) -> Message | str:
    """", 1 draft and 2 future articles left out", with the grammar of each count; the
    articles themselves are named among the problems."""
    drafts = sum(p.code == "draft" for p in problems)
    future = sum(p.code == "future" for p in problems)
    counts = ([_n("{count} draft", "{count} drafts", drafts)] if drafts else []) + \
        ([_n("{count} future article", "{count} future articles", future)] if future else [])
    if not counts:
        return ""
    return _(", {articles} left out", articles=counts[0] if len(counts) == 1 else
             _("{first} and {second}", first=counts[0], second=counts[1]))


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} > 0")
    return int(text)


def format_timings(timings) -> Message:
    """One line per stage, then the counts: what was done and what the cache spared."""
    lines = [f"  {stage:<9} {seconds:7.3f} s" for stage, seconds in timings.stages.items()]
    lines.append(f"  {'total':<9} {sum(timings.stages.values()):7.3f} s")
    counts = timings.counts
    return _("Timings:\n{stages}\n  pages: {rendered} rendered, {reused} reused; Markdown: "
             "{converted} converted, {kept} reused; cache: {hits} hits, {misses} misses; "
             "{written} files written", stages="\n".join(lines),
             rendered=counts.get("pages_rendered", 0), reused=counts.get("pages_reused", 0),
             converted=counts.get("markdown_converted", 0),
             kept=counts.get("markdown_reused", 0), hits=counts.get("cache_hits", 0),
             misses=counts.get("cache_misses", 0), written=counts.get("files_written", 0))


def _run_serve(args, speaker: _Speaker) -> int:
    from .serve import serve  # imports watchfiles, which only serve needs

    return serve(Path(args.project).resolve(), host=args.host, port=args.port,
                 include_future=args.future, language=speaker.option)


def _run_new(args, speaker: _Speaker) -> int:
    from .scaffold import new_article

    try:
        article = new_article(Path(args.project).resolve(), args.title, args.locality, args.topic)
    except BuildError as error:
        print_problems(error.problems, speaker.language())
        print(speaker.say(_("Nothing was written.")), file=sys.stderr)
        return 1
    print_problems(article.problems, speaker.language())
    print(article.shown_path)
    return 0


def _run_check(args, speaker: _Speaker) -> int:
    from .check import check_site, format_json, format_markdown, format_text, wants_colour

    report = check_site(Path(args.project).resolve(), base_url=args.base_url,
                        include_drafts=args.drafts, include_future=args.future)
    speaker.site_language = report.site_language
    if args.format == "json":
        sys.stdout.write(format_json(report))
    elif args.format == "markdown":
        sys.stdout.write(format_markdown(report, speaker.language(), args.source_url))
    else:
        sys.stdout.write(format_text(report, colour=wants_colour(sys.stdout),
                                     language=speaker.language()))
    return 0 if report.is_ok else 1


def print_problems(problems: list[Problem], language: str = SOURCE_LANGUAGE) -> None:
    for problem in problems:
        print(problem.format(language), file=sys.stderr)

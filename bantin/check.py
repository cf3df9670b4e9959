"""`check`: run every stage without writing, and report every finding grouped per file."""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from urllib.parse import quote, urlsplit

from .config import CONFIG_NAME, read_language
from .messages import SOURCE_LANGUAGE, _, _n, translate
from .model import Site
from .pipeline import build_site
from .problems import ERROR, INFO, WARNING, BuildError, Problem

SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Report:
    findings: tuple[Problem, ...]  # sorted by file, then line
    article_count: int | None = None  # None when the site could not be built
    page_count: int | None = None
    site_language: str | None = None  # site.yaml's `language:`; None when it cannot be read

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)

    @property
    def is_ok(self) -> bool:
        return self.count(ERROR) == 0


def check_site(project_path: Path, *, base_url: str | None = None, include_drafts: bool = False,
               include_future: bool = False, build_time: dt.datetime | None = None) -> Report:
    """Everything `build` would find, plus what is worth knowing (declared but unused)."""
    try:
        result = build_site(project_path, base_url=base_url, build_time=build_time,
                            include_drafts=include_drafts, include_future=include_future,
                            write=False)
    except BuildError as error:
        # Every stage ran unless site.yaml or the theme could not be read: what the Site shows
        # is told along with the errors, not after they are fixed.
        found = list(error.problems) + (site_findings(error.site) if error.site else [])
        return Report(tuple(sorted(found, key=Problem.sort_key)),
                      site_language=read_language(project_path))
    findings = list(result.problems) + site_findings(result.site)
    return Report(tuple(sorted(findings, key=Problem.sort_key)), len(result.site.articles),
                  len(result.pages), result.site.config.language)


def site_findings(site: Site) -> list[Problem]:
    """What only `check` tells: declared but unused, files left out, images from elsewhere."""
    return unused_declarations(site) + unpublished_files(site) + remote_hosts(site)


def unused_declarations(site: Site) -> list[Problem]:
    """Localities and topics declared in site.yaml that no published article is filed under;
    none while some article has errors, as it may well name them."""
    if site.rejected_articles:
        return []
    findings = []
    for declared in site.config.localities:
        locality = site.localities.get(declared.slug)
        if locality is not None and not site.locality_articles[locality.slug]:  # and below it
            findings.append(Problem(CONFIG_NAME, declared.line,
                                    _("locality '{label}' ({slug}) has no articles",
                                      label=locality.label, slug=locality.slug),
                                    _EMPTY_PAGE, INFO, code="unused-locality"))
    topics = {topic.slug: topic for topic in site.topics}
    for declared in site.config.topics:
        topic = topics.get(declared.slug)
        if topic is not None and not site.topic_articles[topic.slug]:
            findings.append(Problem(CONFIG_NAME, declared.line,
                                    _("topic '{name}' ({slug}) has no articles", name=topic.name,
                                      slug=topic.slug), _EMPTY_PAGE, INFO, code="unused-topic"))
    return findings


_EMPTY_PAGE = _("its page stays empty until an article names it")


def remote_hosts(site: Site) -> list[Problem]:
    """One line per site that published articles show images from: those are not resized, and
    every reader's browser asks that site for them."""
    by_host: dict[str, list[tuple[str, str]]] = {}
    for url, source_path in site.remote_images:
        by_host.setdefault(urlsplit(url).hostname or "", []).append((url, source_path))
    findings = []
    for host, found in sorted(by_host.items()):
        articles = sorted({source_path for _url, source_path in found})
        findings.append(Problem(
            articles[0], None,
            _n("{count} image is shown from {host} (in {articles}): it is not resized, and "
               "readers' browsers fetch it from there",
               "{count} images are shown from {host} (in {articles}): they are not resized, and "
               "readers' browsers fetch them from there", len({url for url, _path in found}),
               host=host, articles=", ".join(articles)),
            _("to have them resized and served with the site, download them into content/ and "
              "give their file names"), INFO, code="remote-image"))
    return findings


def unpublished_files(site: Site) -> list[Problem]:
    """One line naming the files under content/ that the site leaves out, if any."""
    names = site.unpublished_files
    if not names:
        return []
    return [Problem("content", None,
                    _n("{count} file is not published, as no published article links to it or "
                       "shows it: {names}",
                       "{count} files are not published, as no published article links to them "
                       "or shows them: {names}", len(names), names=", ".join(names)),
                    _("to publish a file, link to it from an article, or put it in a folder "
                      "listed under `static_dirs:` in site.yaml (content/static/ by default)"),
                    INFO, code="unpublished-file")]

# --- output -----------------------------------------------------------------------------------

_COLOURS = {ERROR: "1;31", WARNING: "33", INFO: "36", "path": "1", "hint": "2", "ok": "32",
            "failed": "1;31"}


def wants_colour(stream, platform: str = sys.platform, environ=None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).

    On Windows only terminals known to show colour codes get them (Windows Terminal, VS Code,
    ConEmu, a TERM set by Git Bash and the like); the old console would print them as text.
    """
    environ = os.environ if environ is None else environ
    if not stream.isatty() or environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    return platform != "win32" or any(environ.get(name) for name in
                                      ("WT_SESSION", "TERM_PROGRAM", "ConEmuANSI", "ANSICON",
                                       "TERM"))


def format_text(report: Report, colour: bool = False, language: str = SOURCE_LANGUAGE) -> str:
    """The findings grouped per file, each with its line, severity, message and hint."""

    def paint(kind: str, text: str) -> str:
        return f"\033[{_COLOURS[kind]}m{text}\033[0m" if colour else text

    hint_label = translate(_("hint:"), language)
    blocks = []
    for path, group in groupby(report.findings, key=lambda f: f.path):
        group = list(group)
        width = max(len(f"{f.line}:") if f.line is not None else 0 for f in group)
        lines = [paint("path", translate(path, language) or ".")]
        for finding in group:
            where = f"{finding.line}:" if finding.line is not None else ""
            lead = f"  {where:>{width}} " if width else "  "
            lines.append(f"{lead}{paint(finding.severity, finding.severity_label(language) + ':')} "
                         f"{translate(finding.message, language)}")
            if finding.hint:
                lines.append(f"{' ' * len(lead)}"
                             f"{paint('hint', hint_label + ' ' + translate(finding.hint, language))}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks + [_summary(report, paint, language)]) + "\n"


def _summary(report: Report, paint, language: str) -> str:
    verdict, rest = _verdict(report)
    return f"{paint('ok' if report.is_ok else 'failed', translate(verdict, language))} " \
           f"{translate(rest, language)}"


def _verdict(report: Report) -> tuple[str, str]:
    """("Check passed:" or "Check failed:", what follows it)."""
    errors, warnings, infos = (report.count(s) for s in SEVERITIES)
    counts = _("{errors}, {warnings}, {infos}",
               errors=_n("{count} error", "{count} errors", errors),
               warnings=_n("{count} warning", "{count} warnings", warnings),
               infos=_("{count} info", count=infos))
    if not report.is_ok:
        return _("Check failed:"), _("{counts}. Fix the errors, then check again.",
                                     counts=counts)
    return _("Check passed:"), _("{counts}; {articles} articles, {pages} pages.", counts=counts,
                                 articles=report.article_count, pages=report.page_count)


def format_markdown(report: Report, language: str = SOURCE_LANGUAGE, source_url: str = "") -> str:
    """The findings as Markdown, for the summary page of a GitHub Actions run.

    `source_url` is where the project's files are shown (…/blob/<commit>/): each file and line
    becomes a link there.
    """
    verdict, rest = _verdict(report)
    icon = "✅" if report.is_ok else "❌"
    parts = [f"## {icon} {_markdown_text(translate(verdict, language))} "
             f"{_markdown_text(translate(rest, language))}\n"]
    hint_label = translate(_("hint:"), language)
    for path, group in groupby(report.findings, key=lambda f: f.path):
        shown = _markdown_text(translate(path, language) or ".")
        parts.append(f"### [{shown}]({source_url}{quote(path)})\n" if source_url and path
                     else f"### {shown}\n")
        for finding in group:
            where = ""
            if finding.line is not None:
                line = translate(_("line {line}", line=finding.line), language)
                where = f"[{line}]({source_url}{quote(path)}#L{finding.line}): " \
                    if source_url and path else f"{line}: "
            text = f"- **{_markdown_text(finding.severity_label(language))}**, {where}" \
                   f"{_markdown_text(translate(finding.message, language))}"
            if finding.hint:
                text += f"  \n  *{_markdown_text(hint_label)}* " \
                        f"{_markdown_text(translate(finding.hint, language))}"
            parts.append(text)
        parts.append("")
    return "\n".join(parts).rstrip("\n") + "\n"


def _markdown_text(text: str) -> str:
    """Text that Markdown shows as it is: no markup, no HTML, no links made of it."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # Each text follows other words on its line, so line-start markers (# - 1.) mean nothing there.
    return "".join("\\" + c if c in "\\`*_[]|~" else c for c in text)


def format_json(report: Report) -> str:
    """The same findings for tools, in English whatever the language:
    {findings: [{path, line, severity, code, message, hint}], summary}."""
    findings = [{"path": f.path, "line": f.line, "severity": f.severity, "code": f.code,
                 "message": f.message, "hint": f.hint} for f in report.findings]
    summary = {"ok": report.is_ok, "errors": report.count(ERROR),
               "warnings": report.count(WARNING), "info": report.count(INFO),
               "files": len({f.path for f in report.findings}),
               "articles": report.article_count, "pages": report.page_count}
    return json.dumps({"findings": findings, "summary": summary}, ensure_ascii=False, indent=2) + "\n"

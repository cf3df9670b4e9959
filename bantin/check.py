"""`check`: run every stage without writing, and report every finding grouped per file."""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from .config import CONFIG_NAME
from .model import Site
from .pipeline import build_site
from .problems import ERROR, INFO, WARNING, BuildError, Problem

SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Report:
    findings: tuple[Problem, ...]  # sorted by file, then line
    article_count: int | None = None  # None when the site could not be built
    page_count: int | None = None

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
        return Report(tuple(error.problems))
    findings = list(result.problems) + unused_declarations(result.site)
    return Report(tuple(sorted(findings, key=Problem.sort_key)), len(result.site.articles),
                  len(result.pages))


def unused_declarations(site: Site) -> list[Problem]:
    """Localities and topics declared in site.yaml that no published article is filed under."""
    findings = []
    for declared in site.config.localities:
        locality = site.localities.get(declared.slug)
        if locality is not None and not site.locality_articles[locality.slug]:  # and below it
            findings.append(Problem(CONFIG_NAME, declared.line,
                                    f"locality '{locality.label}' ({locality.slug}) has no articles",
                                    "its page stays empty until an article names it", INFO))
    topics = {topic.slug: topic for topic in site.topics}
    for declared in site.config.topics:
        topic = topics.get(declared.slug)
        if topic is not None and not site.topic_articles[topic.slug]:
            findings.append(Problem(CONFIG_NAME, declared.line,
                                    f"topic '{topic.name}' ({topic.slug}) has no articles",
                                    "its page stays empty until an article names it", INFO))
    return findings


# --- output -----------------------------------------------------------------------------------

_COLOURS = {ERROR: "1;31", WARNING: "33", INFO: "36", "path": "1", "hint": "2", "ok": "32",
            "failed": "1;31"}


def wants_colour(stream) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def format_text(report: Report, colour: bool = False) -> str:
    """The findings grouped per file, each with its line, severity, message and hint."""

    def paint(kind: str, text: str) -> str:
        return f"\033[{_COLOURS[kind]}m{text}\033[0m" if colour else text

    blocks = []
    for path, group in groupby(report.findings, key=lambda f: f.path):
        group = list(group)
        width = max(len(f"{f.line}:") if f.line is not None else 0 for f in group)
        lines = [paint("path", path or ".")]
        for finding in group:
            where = f"{finding.line}:" if finding.line is not None else ""
            lead = f"  {where:>{width}} " if width else "  "
            lines.append(f"{lead}{paint(finding.severity, finding.severity + ':')} {finding.message}")
            if finding.hint:
                lines.append(f"{' ' * len(lead)}{paint('hint', 'hint: ' + finding.hint)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks + [_summary(report, paint)]) + "\n"


def _summary(report: Report, paint) -> str:
    errors, warnings, infos = (report.count(s) for s in SEVERITIES)
    counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}, " \
             f"{infos} info"
    if not report.is_ok:
        return (f"{paint('failed', 'Check failed:')} {counts}. Fix the errors and check again: "
                f"some checks (links, images, unused localities) run only once earlier ones pass.")
    return (f"{paint('ok', 'Check passed:')} {counts}; {report.article_count} articles, "
            f"{report.page_count} pages.")


def format_json(report: Report) -> str:
    """The same findings for tools: {findings: [{path, line, severity, message, hint}], summary}."""
    findings = [{"path": f.path, "line": f.line, "severity": f.severity, "message": f.message,
                 "hint": f.hint} for f in report.findings]
    summary = {"ok": report.is_ok, "errors": report.count(ERROR),
               "warnings": report.count(WARNING), "info": report.count(INFO),
               "files": len({f.path for f in report.findings}),
               "articles": report.article_count, "pages": report.page_count}
    return json.dumps({"findings": findings, "summary": summary}, ensure_ascii=False, indent=2) + "\n"

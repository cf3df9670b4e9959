"""Matching what editors write ("hoan kiem", "quận Hoàn Kiếm", "xa-ba-vi") to declared localities."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from .config import CONFIG_NAME, LocalityConfig
from .problems import Problem
from .text import fold, loose_key


@dataclass(frozen=True)
class Match:
    """The outcome of matching one value: a slug, or why there is none."""

    slug: str | None
    message: str = ""
    hint: str = ""


class LocalityIndex:
    """Every form of every declared locality: name, slug, aliases and "kind name".

    A value is matched exactly (ignoring case and spacing) first, then ignoring diacritics.
    A value that fits two localities equally is ambiguous and never guessed: a bare "Ba Vì"
    fits both huyện Ba Vì and xã Ba Vì, so the editor must write the slug or the kind.
    """

    def __init__(self, localities: tuple[LocalityConfig, ...]):
        self.by_slug = {locality.slug: locality for locality in localities}
        self._exact: dict[str, set[str]] = {}
        self._folded: dict[str, set[str]] = {}
        for locality in localities:
            for form in forms_of(locality):
                self._exact.setdefault(loose_key(form), set()).add(locality.slug)
                self._folded.setdefault(fold(form), set()).add(locality.slug)
        self._display = {fold(label(l)): l for l in localities}

    def match(self, value: str) -> Match:
        for table, key in ((self._exact, loose_key(value)), (self._folded, fold(value))):
            slugs = table.get(key)
            if slugs and len(slugs) == 1:
                return Match(next(iter(slugs)))
            if slugs:
                choices = sorted(slugs)
                listed = " or ".join(f"'{label(self.by_slug[s])}' ({s})" for s in choices)
                return Match(None, f"locality '{value}' is ambiguous: it could be {listed}",
                             f"write the slug or the kind with the name, e.g. "
                             f"'{label(self.by_slug[choices[0]])}' or '{choices[0]}'")
        close = difflib.get_close_matches(fold(value), list(self._display), n=3, cutoff=0.6)
        close += [f for f in difflib.get_close_matches(fold(value), [fold(l.name) for l in
                  self.by_slug.values()], n=3, cutoff=0.6)]
        suggestions = []
        for key in close:
            for locality in self.by_slug.values():
                if fold(label(locality)) == key or fold(locality.name) == key:
                    text = f"'{label(locality)}' ({locality.slug})"
                    if text not in suggestions:
                        suggestions.append(text)
        hint = ("did you mean " + " or ".join(suggestions[:3]) + "?") if suggestions else \
            f"declare it under `localities:` in {CONFIG_NAME}"
        return Match(None, f"unknown locality '{value}'", hint)


def forms_of(locality: LocalityConfig) -> list[str]:
    forms = [locality.name, locality.slug, *locality.aliases]
    if locality.kind:
        forms.append(label(locality))
    return forms


def label(locality: LocalityConfig) -> str:
    """The name as people say it: "huyện Ba Vì"; just the name when no kind is given."""
    return f"{locality.kind} {locality.name}" if locality.kind else locality.name


def check_localities(localities: tuple[LocalityConfig, ...], index: LocalityIndex) -> tuple[dict, list]:
    """Check slugs, aliases and parents; return ({slug: parent slug or None}, problems)."""
    problems: list[Problem] = []
    seen_slugs: dict[str, LocalityConfig] = {}
    claimed: dict[str, LocalityConfig] = {}
    for locality in localities:
        if locality.slug in seen_slugs:
            problems.append(Problem(CONFIG_NAME, locality.line,
                                    f"two localities have the slug '{locality.slug}'",
                                    f"give '{label(locality)}' a `slug:` of its own"))
            continue
        seen_slugs[locality.slug] = locality
        for form in (locality.slug, *locality.aliases):
            owner = claimed.get(fold(form))
            if owner is not None and owner.slug != locality.slug:
                problems.append(Problem(CONFIG_NAME, locality.line,
                                        f"'{form}' is used by both '{label(owner)}' and "
                                        f"'{label(locality)}'",
                                        "an alias or slug must point at one locality"))
            claimed.setdefault(fold(form), locality)
    parents: dict[str, str | None] = {}
    for locality in seen_slugs.values():
        if not locality.parent:
            parents[locality.slug] = None
            continue
        match = index.match(locality.parent)
        if match.slug is None:
            problems.append(Problem(CONFIG_NAME, locality.parent_line or locality.line,
                                    f"parent of '{label(locality)}': {match.message}", match.hint))
            parents[locality.slug] = None
        elif match.slug == locality.slug:
            problems.append(Problem(CONFIG_NAME, locality.line,
                                    f"'{label(locality)}' is its own parent"))
            parents[locality.slug] = None
        else:
            parents[locality.slug] = match.slug
    problems += _cycle_problems(parents, seen_slugs)
    return parents, problems


def _cycle_problems(parents: dict, by_slug: dict) -> list[Problem]:
    problems, done = [], set()
    for start in parents:
        path, slug = [], start
        while slug is not None and slug not in done and slug not in path:
            path.append(slug)
            slug = parents.get(slug)
        if slug is not None and slug in path:
            loop = path[path.index(slug):]
            names = " → ".join(label(by_slug[s]) for s in loop + [slug])
            problems.append(Problem(CONFIG_NAME, by_slug[slug].line,
                                    f"localities form a loop through their parents: {names}",
                                    "one of them must have another parent, or none"))
            for s in loop:
                parents[s] = None
        done.update(path)
    return problems

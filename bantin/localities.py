"""Matching what editors write ("hoan kiem", "quận Hoàn Kiếm", "xa-ba-vi") to declared localities."""
from __future__ import annotations

import difflib
import heapq
from collections import Counter
from dataclasses import dataclass

from .config import CONFIG_NAME, LocalityConfig
from .messages import _
from .problems import Problem, or_list, suggest
from .text import fold, loose_key


@dataclass(frozen=True)
class Match:
    """The outcome of matching one value: a slug, or why there is none."""

    slug: str | None
    message: str = ""
    hint: str = ""
    code: str = ""  # "ambiguous-locality" or "unknown-locality" when there is no slug


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
        # For did-you-mean: each folded label and name, the localities it stands for, and an
        # index of its letter pairs, so that thousands of localities stay fast to search.
        self._names = [fold(l.name) for l in self.by_slug.values()]
        self._forms: dict[str, list[LocalityConfig]] = {}
        for locality in self.by_slug.values():
            for key in (fold(label(locality)), fold(locality.name)):
                forms = self._forms.setdefault(key, [])
                if locality not in forms:
                    forms.append(locality)
        self._grams: dict[str, list[str]] = {}
        for key in self._forms:
            for gram in _grams(key):
                self._grams.setdefault(gram, []).append(key)
        # Pairs most names share ("xa", "ph") tell little and cost most: left out when others exist.
        self._common = {gram for gram, keys in self._grams.items()
                        if len(keys) > max(_SHORTLIST, len(self._forms) // 8)}
        self._display_keys, self._name_keys = set(self._display), set(self._names)
        self._memo: dict[str, Match] = {}

    def match(self, value: str) -> Match:
        """The slug `value` names, or why there is none (the same value is matched once)."""
        if value not in self._memo:
            self._memo[value] = self._match(value)
        return self._memo[value]

    def _match(self, value: str) -> Match:
        for table, key in ((self._exact, loose_key(value)), (self._folded, fold(value))):
            slugs = table.get(key)
            if slugs and len(slugs) == 1:
                return Match(next(iter(slugs)))
            if slugs:
                choices = sorted(slugs)
                listed = or_list([f"'{label(self.by_slug[s])}' ({s})" for s in choices])
                return Match(None, _("locality '{value}' is ambiguous: it could be {choices}",
                                     value=value, choices=listed),
                             _("write the slug or the kind with the name, e.g. '{label}' or "
                               "'{slug}'", label=label(self.by_slug[choices[0]]), slug=choices[0]),
                             "ambiguous-locality")
        word = fold(value)
        displays, names = list(self._display), self._names
        shortlist = self._shortlist(word)
        if shortlist is not None:
            displays = [key for key in shortlist if key in self._display_keys]
            names = [key for key in shortlist if key in self._name_keys]
        close = difflib.get_close_matches(word, displays, n=3, cutoff=0.6)
        close += difflib.get_close_matches(word, names, n=3, cutoff=0.6)
        suggestions = []
        for key in close:
            for locality in self._forms.get(key, ()):
                text = f"'{label(locality)}' ({locality.slug})"
                if text not in suggestions:
                    suggestions.append(text)
        hint = suggest(suggestions[:3]) or \
            _("declare it under `localities:` in {file}", file=CONFIG_NAME)
        return Match(None, _("unknown locality '{value}'", value=value), hint, "unknown-locality")

    def _shortlist(self, word: str) -> set[str] | None:
        """The labels and names sharing most letter pairs with `word`, or None for all of them.

        difflib compares every candidate in full; with thousands of localities, hundreds of
        unknown names would take minutes, so only the likeliest few are compared.
        """
        if len(self._forms) <= _SHORTLIST:
            return None
        shared: Counter = Counter()
        grams = _grams(word)
        for gram in [gram for gram in grams if gram not in self._common] or grams:
            shared.update(self._grams.get(gram, ()))
        likely = [key for key, _count in shared.most_common(4 * _SHORTLIST)]
        best = heapq.nlargest(_SHORTLIST, likely,
                              key=lambda key: (2 * shared[key] / (len(grams) + len(key) + 1), key))
        return set(best)


_SHORTLIST = 50  # candidates compared in full for a did-you-mean


def _grams(text: str) -> set[str]:
    """The letter pairs of `text`, with its ends marked: "ba vi" → " b", "ba", "a ", …"""
    padded = f" {text} "
    return {padded[i:i + 2] for i in range(len(padded) - 1)}


def forms_of(locality: LocalityConfig) -> list[str]:
    forms = [locality.name, locality.slug, *locality.aliases]
    if locality.kind:
        forms.append(label(locality))
    return forms


def with_ancestors(slugs, localities: dict) -> list[str]:
    """The given slugs and every locality above them (by `parent_slug`), each once: the places
    an article about them is listed under (an article about a commune shows on its district's)."""
    reached, result = set(), []
    for slug in slugs:
        while slug is not None and slug not in reached:
            reached.add(slug)
            result.append(slug)
            slug = localities[slug].parent_slug
    return result


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
                                    _("two localities have the slug '{slug}'", slug=locality.slug),
                                    _("give '{label}' a `slug:` of its own", label=label(locality)),
                                    code="duplicate-slug"))
            continue
        seen_slugs[locality.slug] = locality
        for form in (locality.slug, *locality.aliases):
            owner = claimed.get(fold(form))
            if owner is not None and owner.slug != locality.slug:
                problems.append(Problem(CONFIG_NAME, locality.line,
                                        _("'{form}' is used by both '{first}' and '{second}'",
                                          form=form, first=label(owner), second=label(locality)),
                                        _("an alias or slug must point at one locality"),
                                        code="duplicate-alias"))
            claimed.setdefault(fold(form), locality)
    parents: dict[str, str | None] = {}
    for locality in seen_slugs.values():
        if not locality.parent:
            parents[locality.slug] = None
            continue
        match = index.match(locality.parent)
        if match.slug is None:
            problems.append(Problem(CONFIG_NAME, locality.parent_line or locality.line,
                                    _("parent of '{label}': {message}", label=label(locality),
                                      message=match.message), match.hint, code=match.code))
            parents[locality.slug] = None
        elif match.slug == locality.slug:
            problems.append(Problem(CONFIG_NAME, locality.parent_line or locality.line,
                                    _("'{label}' is its own parent", label=label(locality)),
                                    _("give the locality it lies in, or remove `parent:`"),
                                    code="locality-loop"))
            parents[locality.slug] = None
        else:
            parents[locality.slug] = match.slug
    problems += _cycle_problems(parents, seen_slugs)
    problems += _depth_problems(parents, seen_slugs)
    return parents, problems


MAX_DEPTH = 20  # levels below a top locality; Vietnam's administrative tree has four or five


def _depth_problems(parents: dict, by_slug: dict) -> list[Problem]:
    """Cut the tree below MAX_DEPTH levels: pages, digests and the theme walk it level by level."""
    depth: dict[str, int] = {}
    for start in parents:
        chain, slug = [], start
        while slug is not None and slug not in depth:  # no loops left: they were cut
            chain.append(slug)
            slug = parents[slug]
        level = -1 if slug is None else depth[slug]
        for slug in reversed(chain):
            level += 1
            depth[slug] = level
    problems = []
    for slug, level in depth.items():
        if level == MAX_DEPTH + 1:
            locality = by_slug[slug]
            problems.append(Problem(CONFIG_NAME, locality.parent_line or locality.line,
                                    _("'{label}' lies more than {depth} levels deep in the "
                                      "locality tree", label=label(locality), depth=MAX_DEPTH),
                                    _("localities nest a few levels (thành phố → quận → phường); "
                                      "check the `parent:` of this one and of those above it"),
                                    code="locality-too-deep"))
    for slug, level in depth.items():
        if level > MAX_DEPTH:  # reported above, at the first level too deep
            parents[slug] = None
    return problems


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
                                    _("localities form a loop through their parents: {names}",
                                      names=names),
                                    _("one of them must have another parent, or none"),
                                    code="locality-loop"))
            for s in loop:
                parents[s] = None
        done.update(path)
    return problems

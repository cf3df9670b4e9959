"""The table of contents: each stage once, in order. Nothing is written unless all is well."""
from __future__ import annotations

import datetime as dt
import os
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from .cache import CACHE_SUBDIR, STAMP, BuildCache, key_of
from .config import CONFIG_NAME, SiteConfig, read_config
from .inputs import InputHasher
from .messages import _
from .output import build_lock, check_output_path, read_output_state, write_site
from .pages import Page, Published
from .parallel import default_jobs
from .problems import BuildError, Problem, has_errors
from .validate import BuildOptions

CACHE_DIR = ".cache"  # kept between builds (resized images, the build cache); safe to delete


@dataclass
class Timings:
    """Seconds per stage, and what the build cache saved; printed by `--timings`."""

    stages: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    _last: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - self._last
        self._last = now


@dataclass(frozen=True)
class LoadedSite:
    """Stages 2–4: the Site and the problems found on the way."""

    site: object  # model.Site
    problems: list[Problem]


@dataclass(frozen=True)
class BuildResult:
    site: object | None  # model.Site; None when nothing changed and nothing was loaded
    pages: tuple[Page, ...]  # a page known unchanged has content None (see Page)
    files: tuple[Published, ...]  # copied as they are (theme assets, images beside articles)
    files_written: int  # 0 when nothing was written (check only)
    output_path: Path
    problems: tuple[Problem, ...]  # warnings and information; errors raise BuildError
    timings: Timings | None = None
    notices: tuple[str, ...] = ()  # about the build cache
    article_count: int = 0
    excluded_count: int = 0  # drafts and future articles left out
    page_count: int = 0
    language: str = "vi"


def load_site(project_path: Path, config: SiteConfig, options: BuildOptions, cache: BuildCache,
              jobs: int, timings: Timings, inputs: InputHasher | None = None) -> LoadedSite:
    """Stages 2–4 on a read config: the Site, for `check`, `serve`, `build` and the tests."""
    from . import stages  # the libraries of converting and rendering, only when needed
    from .localities import LocalityIndex, check_localities
    from .model import build_site as build_site_model

    index = LocalityIndex(config.localities)
    parents, problems = check_localities(config.localities, index)
    timings.lap("config")
    content, articles, content_problems = stages.read_articles(                 # 2, 3
        project_path, config, index, cache, inputs or InputHasher(cache))
    problems += content_problems
    timings.lap("read")
    markups = stages.convert_articles(articles, config, options, cache, jobs, timings,
                                      content.rejected)
    timings.lap("markdown")
    # Go on with the articles that are valid, so that one run lists every problem: broken
    # links, missing images, template errors. Nothing is written unless there is none.
    site, model_problems = build_site_model(config, parents, articles, content, options,
                                            markups, stages.model_memo(cache))  # 4
    timings.lap("model")
    return LoadedSite(site, problems + model_problems)


def build_site(project_path: Path, *, base_url: str | None = None, output_dir: str | None = None,
               build_time: dt.datetime | None = None, include_drafts: bool = False,
               include_future: bool = False, force: bool = False, write: bool = True,
               jobs: int | None = None, use_cache: bool = True,
               previous: dict | None = None) -> BuildResult:
    """Build the site in `project_path`; raise BuildError with every problem when it cannot.

    `previous` is {site URL: bytes} of a build kept in memory (the preview): pages found
    unchanged are then taken from it.
    """
    timings = Timings()
    jobs = jobs or default_jobs()
    cache = BuildCache(project_path / CACHE_DIR / CACHE_SUBDIR if use_cache else None)
    config, problems = _read_config(project_path, base_url, cache)                # 1
    # Not resolved: the guard must see a symbolic link before it is followed. "~" is the home
    # folder, as in a shell, never a folder named "~" that a later `rm -rf ~` would confuse.
    output_path = Path(os.path.abspath(os.path.expanduser(output_dir) if output_dir else
                                       project_path / os.path.expanduser(config.output_dir)))
    output_problems = check_output_path(project_path, output_path, force,
                                        shown=output_dir or config.output_dir,
                                        where=("", None) if output_dir else
                                        (CONFIG_NAME, config.line_of("output_dir"))) if write else []
    problems += output_problems
    writing = write and not output_problems and not has_errors(problems)
    options = BuildOptions(build_time or dt.datetime.now(config.tzinfo), include_drafts,
                           include_future, project_path / CACHE_DIR / "images")
    try:
        inputs = InputHasher(cache)
        state_key = key_of("state", str(output_path), base_url, include_drafts, include_future)
        inputs_key = key_of(STAMP, *(inputs.path_key(project_path / name) for name in
                                     (CONFIG_NAME, "content", "themes", "templates")))
        with build_lock(output_path) if writing else nullcontext():
            # One build at a time from here: what the output holds cannot change until this one
            # has written it, so it is looked at once.
            output = read_output_state(output_path, cache) if writing else None
            if writing and previous is None:
                unchanged = _unchanged_build(cache, state_key, inputs_key, options, output,
                                             output_path, timings)
                if unchanged is not None:
                    inputs.save()
                    cache.commit(prune=False)
                    return unchanged
            loaded = load_site(project_path, config, options, cache, jobs, timings, inputs)
            problems += loaded.problems
            site = loaded.site
            from . import stages
            from .theme import load_theme
            try:
                theme = load_theme(project_path, config.theme, config.language,
                                   config.line_of("theme"))
            except BuildError as error:
                raise BuildError(problems + error.problems, site) from None
            pages, files, render_problems = stages.render_pages(                  # 5
                site, theme, project_path, cache, jobs, timings, previous, output)
            problems += render_problems
            timings.lap("render")
            _stop_on_errors(problems, site)
            written = 0
            if writing:
                try:
                    written = write_site(output_path, pages, files, cache, output)    # 6
                except OSError as error:
                    reason = error.strerror or (error.args[0] if len(error.args) == 1 else "")
                    raise BuildError([Problem(str(error.filename or output_path), None,
                                              _("cannot write the site: {reason}", reason=reason
                                                if isinstance(reason, str) else str(reason)),
                                              _("the previous output was left as it was"),
                                              code="cannot-write")]) from None
                timings.lap("write")
        result = BuildResult(site, tuple(pages), tuple(files), written, output_path,
                             tuple(sorted(problems, key=Problem.sort_key)), timings,
                             tuple(cache.notices), len(site.articles), site.excluded_count,
                             len(pages), config.language)
        if writing:
            cache.put("state", state_key, (inputs_key, site.next_due, result.problems,
                                           result.article_count, result.excluded_count,
                                           result.page_count, result.language))
        inputs.save()
        cache.commit(prune=write)  # the preview and `check` keep what `build` will want
        timings.lap("cache")
        timings.counts.update(cache_hits=cache.hits, cache_misses=cache.misses,
                              files_written=written)
        return result
    except BuildError:
        if not output_problems and cache.enabled:
            # What was converted stays right: the next try reuses it. A project with no cache
            # yet gets none from a failed build, which writes nothing at all.
            cache.commit(prune=False)
        raise
    finally:
        cache.close()


def _read_config(project_path: Path, base_url: str | None, cache: BuildCache):
    """read_config, reused from the cache while site.yaml's bytes are the same (a gazetteer of
    hundreds of localities takes a while to check)."""
    try:
        data = (project_path / CONFIG_NAME).read_bytes()
    except OSError:
        return read_config(project_path, base_url)
    key = key_of(STAMP, "config", str(project_path), base_url, data)
    found = cache.get("config", key)
    if found is None:
        found = read_config(project_path, base_url)
        cache.put("config", key, found)
    config, problems = found
    return config, list(problems)


def _unchanged_build(cache: BuildCache, state_key: bytes, inputs_key: bytes,
                     options: BuildOptions, output, output_path: Path, timings: Timings):
    """The result of the last build, when nothing it read has changed since, no article has
    come due, and the output is as it left it; else None."""
    state = cache.get("state", state_key)
    if state is None:
        return None
    known_inputs, next_change, problems, articles, excluded, pages, language = state
    if known_inputs != inputs_key or (next_change is not None and
                                      options.build_time >= next_change):
        return None
    if output.previous is None or output.present.keys() != output.previous.keys() or \
            any(output.present[rel] != written[1:] for rel, written in output.previous.items()):
        return None
    timings.lap("unchanged")
    timings.counts.update(pages_rendered=0, pages_reused=pages, cache_hits=cache.hits,
                          files_written=0)
    return BuildResult(None, (), (), 0, output_path, problems, timings, tuple(cache.notices),
                       articles, excluded, pages, language)


def _stop_on_errors(problems: list[Problem], site) -> None:
    if has_errors(problems):
        raise BuildError(problems, site)

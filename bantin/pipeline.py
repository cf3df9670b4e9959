"""The table of contents: each stage once, in order. Nothing is written unless all is well."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_NAME, read_config
from .content import read_content
from .localities import LocalityIndex, check_localities
from .model import BuildOptions, Published, Site, build_site as build_site_model
from .output import build_lock, check_output_path, write_site
from .problems import BuildError, Problem, has_errors
from .render import Page, render_site
from .theme import load_theme
from .validate import validate_articles


CACHE_DIR = ".cache"  # kept between builds (resized images); safe to delete


@dataclass(frozen=True)
class BuildResult:
    site: Site
    pages: tuple[Page, ...]
    files: tuple[Published, ...]  # copied as they are (theme assets, images beside articles)
    files_written: int  # 0 when nothing was written (check only)
    output_path: Path
    problems: tuple[Problem, ...]  # warnings only; errors raise BuildError


def build_site(project_path: Path, *, base_url: str | None = None, output_dir: str | None = None,
               build_time: dt.datetime | None = None, include_drafts: bool = False,
               include_future: bool = False, force: bool = False, write: bool = True) -> BuildResult:
    """Build the site in `project_path`; raise BuildError with every problem when it cannot."""
    config, problems = read_config(project_path, base_url)                        # 1
    # Not resolved: the guard must see a symbolic link before it is followed. "~" is the home
    # folder, as in a shell, never a folder named "~" that a later `rm -rf ~` would confuse.
    output_path = Path(os.path.abspath(os.path.expanduser(output_dir) if output_dir else
                                       project_path / os.path.expanduser(config.output_dir)))
    if write:
        problems += check_output_path(project_path, output_path, force,
                                      shown=output_dir or config.output_dir,
                                      where=("", None) if output_dir else
                                      (CONFIG_NAME, config.line_of("output_dir")))
    index = LocalityIndex(config.localities)
    parents, locality_problems = check_localities(config.localities, index)
    problems += locality_problems
    content, content_problems = read_content(project_path)                        # 2
    articles, article_problems = validate_articles(content.sources, config, index)  # 3
    problems += content_problems + article_problems
    # Go on with the articles that are valid, so that one run lists every problem: broken
    # links, missing images, template errors. Nothing is written unless there is none.
    options = BuildOptions(build_time or dt.datetime.now(config.tzinfo), include_drafts,
                           include_future, project_path / CACHE_DIR / "images")
    site, model_problems = build_site_model(config, parents, articles, content, options)  # 4
    problems += model_problems
    try:
        theme = load_theme(project_path, config.theme, config.language, config.line_of("theme"))
    except BuildError as error:
        raise BuildError(problems + error.problems) from None
    pages, files, render_problems = render_site(site, theme, project_path)        # 5
    problems += render_problems
    _stop_on_errors(problems)
    written = 0
    if write:
        try:
            with build_lock(output_path):
                written = write_site(output_path, pages, files)                   # 6
        except OSError as error:
            raise BuildError([Problem(str(error.filename or output_path), None,
                                      f"cannot write the site: {error.strerror or error}",
                                      "the previous output was left as it was")]) from None
    return BuildResult(site, tuple(pages), tuple(files), written, output_path,
                       tuple(sorted(problems, key=Problem.sort_key)))


def _stop_on_errors(problems: list[Problem]) -> None:
    if has_errors(problems):
        raise BuildError(problems)

"""Work spread over processes: pure functions of picklable values, results in input order.

Processes, not threads: Markdown conversion and Jinja rendering are pure Python and hold the
GIL, and the Markdown time limit needs each worker's main thread. Nothing relies on a forked
worker inheriting the parent's memory: each worker gets what it needs through its initializer,
so the same code runs under the spawn and forkserver start methods (Windows, macOS, Python 3.14).
"""
from __future__ import annotations

import os

MIN_ITEMS_PER_JOB = 64  # below this, starting processes costs more than it saves


def default_jobs() -> int:
    """The number of processors this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def jobs_for(jobs: int, items: int) -> int:
    """How many processes to use for `items` pieces of work: 1 means in this process."""
    return max(1, min(jobs, items // MIN_ITEMS_PER_JOB))


def run_chunks(function, chunks: list, jobs: int, initializer=None, initargs=()) -> list:
    """[function(chunk) for chunk in chunks], in `jobs` worker processes."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs, mp_context=process_context(),
                             initializer=initializer, initargs=initargs) as pool:
        return list(pool.map(function, chunks))


def process_context():
    """How new processes start: never by forking this one, which may be running threads."""
    import multiprocessing

    return multiprocessing.get_context("spawn" if os.name == "nt" else "forkserver")


def split(items: list, parts: int) -> list[list]:
    """`items` cut into about `parts` × 4 runs, so a slow run does not leave a worker idle."""
    count = max(1, parts * 4)
    size = max(1, -(-len(items) // count))
    return [items[start:start + size] for start in range(0, len(items), size)]

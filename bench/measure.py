#!/usr/bin/env python3
"""Run one command and print, as JSON, its wall time and peak memory.

    python bench/measure.py [--cwd DIR] [--log FILE] -- COMMAND [ARG …]

It is started afresh for every measured build, so `getrusage(RUSAGE_CHILDREN)` covers exactly
that build's processes: `max_rss_kib` is the peak resident set of the largest one (as
`/usr/bin/time -v` reports it; it includes the few MiB this launcher had when it started the
command). `tree_rss_kib` is the largest sum over the whole process tree — parallel workers
together — sampled from /proc every 0.2 s, so a very short peak can be missed.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time

_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
_SAMPLE_SECONDS = 0.2


def _tree_rss_kib(root_pid: int) -> int:
    """The resident memory of root_pid and all its descendants, from /proc/<pid>/stat."""
    parents, rss = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        pid = int(name)
        parents[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * _PAGE_KIB
    total, wanted = 0, {root_pid}
    grew = True
    while grew:  # children may be listed before their parents: repeat until nothing is added
        grew = False
        for pid, parent in parents.items():
            if parent in wanted and pid not in wanted:
                wanted.add(pid)
                grew = True
    for pid in wanted:
        total += rss.get(pid, 0)
    return total


def measure(command: list[str], cwd: str | None, log_path: str | None) -> dict:
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    try:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(_SAMPLE_SECONDS):
                peak[0] = max(peak[0], _tree_rss_kib(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = process.wait()
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
    finally:
        if log_path:
            log.close()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    max_rss = usage.ru_maxrss  # KiB on Linux
    return {"returncode": returncode, "wall_seconds": wall, "max_rss_kib": max_rss,
            "tree_rss_kib": max(peak[0], max_rss), "user_seconds": usage.ru_utime,
            "system_seconds": usage.ru_stime}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cwd")
    parser.add_argument("--log", help="write the command's output here (default: discard it)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to measure after --")
    print(json.dumps(measure(command, args.cwd, args.log)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

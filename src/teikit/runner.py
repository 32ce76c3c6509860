"""Run one per-file job over many files, in parallel, with results in input order.

Each worker process keeps its own compiled schemas and stylesheets (module-level
caches in `teikit.validate` and `teikit.transform`), so a batch pays compilation
once per worker, not once per file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
A = TypeVar("A")


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_many(job: Callable[[A], T], paths: Sequence[A], jobs: int = 0) -> Iterator[T]:
    """Yield `job(path)` for every path, in the order of `paths`.

    `jobs` = 0 means all cores; 1 (or a single file) runs in this process.
    """
    jobs = jobs or default_jobs()
    jobs = min(jobs, len(paths))
    if jobs <= 1:
        for path in paths:
            yield job(path)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(job, paths, chunksize=1)

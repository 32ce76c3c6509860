"""Run one per-file job over many files, in parallel, with results in input order.

Worker processes persist for the whole batch and keep their own compiled schemas
and stylesheets (module-level caches in `teikit.validate` and `teikit.transform`),
so a batch pays compilation once per worker, not once per file. The calling process
is one of the workers: it takes the lightest work left while the others start.

Scheduling is by weight (file size): the heaviest items start first and light
items travel in chunks, so one big novel queued last cannot leave every other
core idle at the end of a run, and small files do not pay one round trip each.
Whatever the scheduling, `run_many` yields results in the order of its input,
so reports are the same with -j1 and -j8.

Workers are forked on Linux while this process runs no other thread and has not loaded
Saxon: they then start in milliseconds with teikit already imported. Once Saxon is loaded
(a native image with threads of its own, which must not be forked), with other threads
running, or on other systems, they are spawned: a fresh interpreter each, about a quarter
of a second.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TextIO, TypeVar

T = TypeVar("T")
A = TypeVar("A")

Progress = Callable[[int], None]  # called with the number of items just finished

SMALL_BATCH = 4_000_000  # bytes: below this, automatic -j runs in one process (see run_many)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def file_weights(paths: Sequence[os.PathLike | str]) -> list[int]:
    """File sizes in bytes (0 when unreadable): the scheduling weights of per-file jobs."""
    weights = []
    for path in paths:
        try:
            weights.append(os.stat(path).st_size)
        except OSError:
            weights.append(0)
    return weights


def plan_chunks(weights: Sequence[int], jobs: int, per_worker: int = 16) -> list[list[int]]:
    """Group item indices into chunks, heaviest first.

    A chunk holds items until it reaches about 1/(jobs*per_worker) of the total
    weight, so heavy items run alone and early, light ones share a round trip,
    and the last chunks to finish are small.
    """
    order = sorted(range(len(weights)), key=lambda i: (-weights[i], i))
    total = sum(max(w, 1) for w in weights)
    target = max(1, total // max(1, jobs * per_worker))
    chunks: list[list[int]] = []
    current: list[int] = []
    load = 0
    for index in order:
        current.append(index)
        load += max(weights[index], 1)
        if load >= target:
            chunks.append(current)
            current, load = [], 0
    if current:
        chunks.append(current)
    return chunks


def start_method() -> str:
    """How workers start: "fork" where that is safe and cheaper, else "spawn" (see the module docstring).

    Forking is safe on Linux while no other thread runs in this process (a lock held by one would
    stay held in the child forever) and Saxon, whose native image has threads of its own, is not
    loaded.
    """
    safe = sys.platform == "linux" and "saxonche" not in sys.modules and threading.active_count() == 1
    return "fork" if safe else "spawn"


def _run_chunk(job: Callable[[A], T], items: list[A]) -> list[T]:
    return [job(item) for item in items]


def runs_here(count: int, jobs: int, weights: Sequence[int] | None = None) -> bool:
    """Whether `run_many` would run a batch in this process rather than in workers."""
    if not jobs and weights is not None and sum(weights) < SMALL_BATCH:
        return True
    return min(jobs or default_jobs(), count) <= 1


def run_many(job: Callable[[A], T], items: Sequence[A], jobs: int = 0, *,
             weights: Sequence[int] | None = None, progress: Progress | None = None) -> Iterator[T]:
    """Yield `job(item)` for every item, in the order of `items`.

    `jobs` processes share the work: this one and `jobs` - 1 workers, so the work starts at
    once, while the workers are still starting. `jobs` = 0 means all cores, except for a
    batch whose weights (file sizes) add up to less than SMALL_BATCH bytes: starting
    workers, each importing teikit and compiling its schemas or stylesheets, then costs
    more than it saves, so the batch runs here. 1 (or a single item) runs in this process.
    `weights` (e.g. file sizes) decide the scheduling; `progress` is told, in this
    process, how many items finished, as they finish.
    `job` and the items must be picklable (a module-level function and plain data).
    """
    if runs_here(len(items), jobs, weights):
        for item in items:
            result = job(item)
            if progress:
                progress(1)
            yield result
        return
    jobs = min(jobs or default_jobs(), len(items))
    weights = list(weights) if weights is not None else [1] * len(items)
    chunks = plan_chunks(weights, jobs)  # heaviest first
    results: dict[int, T] = {}
    next_out = 0
    helpers = jobs - 1  # this process is the last of the `jobs`
    context = multiprocessing.get_context(start_method())
    from teikit.fsutil import terminate_like_interrupt

    with ProcessPoolExecutor(max_workers=helpers, mp_context=context,
                             initializer=terminate_like_interrupt) as pool:
        # Every chunk is queued for the workers at once, so they never wait for this process;
        # this process steals from the light end of the queue whatever no worker has taken yet.
        queued = [(pool.submit(_run_chunk, job, [items[i] for i in chunk]), chunk) for chunk in chunks]
        pending: dict[Future, list[int]] = dict(queued)

        def store(chunk: list[int], chunk_results: list[T]) -> None:
            for index, result in zip(chunk, chunk_results, strict=True):
                results[index] = result
            if progress:
                progress(len(chunk))

        try:
            while pending:
                done = {f for f in pending if f.done() and not f.cancelled()}
                if not done:
                    while queued and (queued[-1][0] not in pending or queued[-1][0].done()):
                        queued.pop()
                    if queued and queued[-1][0].cancel():  # not started by a worker: do it here
                        future, chunk = queued.pop()
                        del pending[future]
                        store(chunk, _run_chunk(job, [items[i] for i in chunk]))
                    else:
                        queued.clear()  # the rest is running or about to: wait for it
                        done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    store(pending.pop(future), future.result())
                while next_out in results:
                    yield results.pop(next_out)
                    next_out += 1
        except BaseException:  # Ctrl-C, SIGTERM, or the caller stopped: stop the workers too
            _stop_workers(pool)
            raise
        finally:
            for future in pending:
                future.cancel()


STOP_GRACE = 2.0  # seconds a worker has to unwind after SIGTERM before it is killed


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Send SIGTERM to the pool's workers, which unwind like Ctrl-C (their temporaries removed),
    instead of letting shutdown wait for every chunk they hold to finish.

    The executor has no public way to reach its processes; `_processes` is what it keeps them in.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for process in processes:  # one busy in native code (Typst, Saxon) sees SIGTERM only when it returns
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()  # what it leaves, the caller or the next run removes (fsutil.remove_stale)
                process.join(1.0)  # reaped, so that it no longer counts as alive


class ProgressBar:
    """Files done, files/s and ETA on one stderr line, redrawn at most ten times a second.

    Silent unless the stream is a terminal (so pipes, CI logs and --quiet stay clean).
    Use `ProgressBar.factory(label)` where a batch function wants `progress(total)`.
    """

    def __init__(self, total: int, label: str, stream: TextIO | None = None, enabled: bool | None = None):
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", lambda: False)
        self.enabled = (isatty() and os.environ.get("TERM") != "dumb") if enabled is None else enabled
        self.done = 0
        self.start = time.monotonic()
        self._drawn = 0.0
        self._width = 0

    def __call__(self, count: int = 1) -> None:
        """Count finished items; the bar erases itself when the last one is done."""
        self.done += count
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= 0.1 or self.done >= self.total):
            self._drawn = now
            self._draw(now)
        if self.done >= self.total:
            self.close()

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.start, 1e-9)
        rate = self.done / elapsed
        width = 24
        filled = width * self.done // self.total if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        remaining = self.total - self.done
        if self.done and remaining:
            seconds = int(remaining / rate + 0.5)
            eta = f"ETA {seconds // 60}:{seconds % 60:02d}"
        elif not remaining:
            eta = f"in {elapsed:.1f}s"
        else:
            eta = "ETA --:--"
        return f"{self.label} [{bar}] {self.done}/{self.total} files  {rate:.1f} files/s  {eta}"

    def _draw(self, now: float) -> None:
        text = self.line(now)
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def close(self) -> None:
        """Erase the bar, so the report that follows starts on a clean line."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    @classmethod
    def factory(cls, label: str) -> Callable[[int], ProgressBar]:
        """A `progress(total)` callable for `build_batch` / `validate_paths`."""
        return lambda total: cls(total, label)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

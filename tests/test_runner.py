"""Parallel batches: results in input order whatever the scheduling, heavy work first, progress shown."""

from __future__ import annotations

import io
import os
import re
import shutil
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA, ROOT, run_cli
from teikit.runner import SMALL_BATCH, ProgressBar, default_jobs, plan_chunks, run_many


def slow_square(item: tuple[int, float]) -> tuple[int, int, int]:
    """Sleeps so that, in parallel, later items finish before earlier ones."""
    value, delay = item
    time.sleep(delay)
    return value, value * value, os.getpid()


def divide(value: int) -> float:
    return 1 / value


def test_results_come_back_in_input_order_with_one_or_two_processes():
    # The first items are the slowest: with two processes they finish last.
    items = [(i, 0.3 if i < 2 else 0.0) for i in range(8)]
    weights = [1] * 8  # equal weights: scheduling follows the input, completion does not
    serial = [r[:2] for r in run_many(slow_square, items, jobs=1)]
    parallel = list(run_many(slow_square, items, jobs=2, weights=weights))
    assert [r[:2] for r in parallel] == serial == [(i, i * i) for i in range(8)]
    # -j2: this process and one worker share the work
    assert {pid for *_, pid in parallel} - {os.getpid()} and os.getpid() in {pid for *_, pid in parallel}


def test_this_process_works_while_the_workers_start():
    items = [(i, 0.05) for i in range(12)]
    results = list(run_many(slow_square, items, jobs=3, weights=[1] * 12))
    pids = [pid for *_, pid in results]
    assert os.getpid() in pids and len(set(pids)) >= 2
    assert [r[:2] for r in results] == [(i, i * i) for i in range(12)]


def test_an_error_in_this_process_or_a_worker_reaches_the_caller():
    with pytest.raises(ZeroDivisionError):
        list(run_many(divide, [1, 0, 2, 3], jobs=2, weights=[4, 3, 2, 1]))


def test_one_job_runs_in_this_process_and_reports_progress():
    ticks: list[int] = []
    results = list(run_many(slow_square, [(3, 0.0), (4, 0.0)], jobs=1, progress=ticks.append))
    assert [r[:2] for r in results] == [(3, 9), (4, 16)]
    assert {pid for *_, pid in results} == {os.getpid()}
    assert ticks == [1, 1]


def test_parallel_progress_counts_every_item_once():
    ticks: list[int] = []
    list(run_many(slow_square, [(i, 0.0) for i in range(10)], jobs=2, weights=range(10),
                  progress=ticks.append))
    assert sum(ticks) == 10


def test_automatic_jobs_keep_a_small_batch_in_this_process():
    items = [(i, 0.0) for i in range(4)]
    small = list(run_many(slow_square, items, jobs=0, weights=[1000] * 4))
    assert {pid for *_, pid in small} == {os.getpid()}


@pytest.mark.skipif(default_jobs() < 2, reason="needs two cores")
def test_automatic_jobs_use_workers_for_a_big_batch():
    items = [(i, 0.0) for i in range(4)]
    big = list(run_many(slow_square, items, jobs=0, weights=[SMALL_BATCH] * 4))
    assert [r[:2] for r in big] == [(i, i * i) for i in range(4)]
    assert len({pid for *_, pid in big}) >= 2


def test_an_empty_batch_yields_nothing():
    assert list(run_many(slow_square, [], jobs=4)) == []


@given(st.lists(st.integers(0, 10_000), max_size=60), st.integers(1, 8))
def test_chunks_hold_every_item_once_heaviest_first(weights, jobs):
    chunks = plan_chunks(weights, jobs)
    flat = [i for chunk in chunks for i in chunk]
    assert sorted(flat) == list(range(len(weights)))
    assert [weights[i] for i in flat] == sorted(weights, reverse=True)


def test_a_heavy_item_runs_alone_and_light_ones_share_chunks():
    weights = [5, 1_000_000, 3, 4, 2, 6, 1, 7]
    chunks = plan_chunks(weights, jobs=2)
    assert chunks[0] == [1]
    assert len(chunks) < len(weights)


def test_progress_bar_shows_count_rate_and_eta_on_a_terminal():
    stream = io.StringIO()
    bar = ProgressBar(10, "validate", stream=stream, enabled=True)
    bar.start -= 2.0  # as if started two seconds ago
    bar(4)
    line = bar.line()
    assert "4/10 files" in line and "files/s" in line and "ETA 0:0" in line
    assert stream.getvalue().startswith("\rvalidate [")
    bar(6)
    assert stream.getvalue().endswith("\r")  # erased when done, the report starts on a clean line


def test_progress_bar_is_silent_on_a_pipe():
    stream = io.StringIO()  # not a terminal
    bar = ProgressBar(3, "build", stream=stream)
    bar(3)
    assert stream.getvalue() == ""


def test_cli_reports_identically_with_one_and_two_workers(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(DATA / "minimal.xml", corpus / "a.xml")
    shutil.copy(DATA / "malformed.xml", corpus / "b.xml")
    dangling = (DATA / "minimal.xml").read_bytes().replace(b'ref="#moscow"', b'ref="#mo"')
    (corpus / "c.xml").write_bytes(dangling)
    shutil.copy(DATA / "minimal.xml", corpus / "d.xml")
    runs = [run_cli("validate", str(corpus), "--format", "json", "-j", jobs) for jobs in ("1", "2")]
    assert [r.returncode for r in runs] == [1, 1]
    assert runs[0].stdout == runs[1].stdout
    assert "b.xml" in runs[0].stdout and "c.xml" in runs[0].stdout
    assert runs[0].stderr == ""  # no progress bar on a pipe


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_build_writes_in_sorted_order(tmp_path, jobs):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("d", "b", "a", "c"):
        shutil.copy(DATA / "minimal.xml", corpus / f"{name}.xml")
    result = run_cli("build", str(corpus), "-f", "txt", "-o", str(tmp_path / "out"), "-j", jobs)
    assert result.returncode == 0, result.stderr
    written = [line.rsplit("/", 1)[-1] for line in result.stdout.splitlines() if line.startswith("wrote")]
    assert written == ["a.txt", "b.txt", "c.txt", "d.txt"]


def test_the_ci_workflow_and_hook_use_only_options_teikit_has():
    """The shipped GitHub workflow and pre-commit hook must not rot as the CLI changes."""
    workflow = (ROOT / ".github" / "workflows" / "teikit.yml").read_text()
    hook = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "entry: teikit validate" in hook and r"files: \.xml$" in hook
    for command in ("validate", "build"):
        block = workflow.split(f"teikit {command} ", 1)[1].split("- name:", 1)[0].split("- uses:", 1)[0]
        used = set(re.findall(r"(?<![\w-])--?[a-z][a-z-]*", block))
        assert used, command
        help_text = run_cli(command, "--help").stdout
        assert {option for option in used if option not in help_text} == set()


def test_workers_are_forked_only_where_that_is_safe(monkeypatch):
    import sys
    import threading

    from teikit.runner import start_method

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delitem(sys.modules, "saxonche", raising=False)
    with monkeypatch.context() as alone:  # as in the command line: no other thread
        alone.setattr(threading, "active_count", lambda: 1)
        assert start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert start_method() == "spawn"  # another thread might hold a lock the child would inherit
    finally:
        stop.set()
        other.join()
    monkeypatch.setitem(sys.modules, "saxonche", object())
    assert start_method() == "spawn"  # Saxon's own threads
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.delitem(sys.modules, "saxonche")
    assert start_method() == "spawn"

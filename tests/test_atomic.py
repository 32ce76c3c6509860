"""Outputs are atomic: a file is either the previous good version or the complete new one.

A build that fails (unwritable directory, a full disk, a killed process) must
leave the outputs of the previous build intact and no truncated file behind.
The tests run as root, where chmod does not stop writes, so they use failures
that stop root too: an output directory below a regular file, and a file size
limit (RLIMIT_FSIZE, which makes the kernel refuse writes with EFBIG exactly
as a full disk refuses them with ENOSPC).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import DATA, ROOT, run_cli
from teikit import fsutil
from teikit.errors import OutputError

MINIMAL = DATA / "minimal.xml"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def source_stays_unmodified():
    before = digest(MINIMAL)
    yield
    assert digest(MINIMAL) == before


def leftovers(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_replaces_the_whole_file(tmp_path):
    target = tmp_path / "out.txt"
    fsutil.write_text(target, "old and longer content\n")
    fsutil.write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert leftovers(tmp_path) == []


def test_a_failure_while_writing_keeps_the_previous_file(tmp_path):
    target = tmp_path / "out.txt"
    fsutil.write_text(target, "previous good output\n")
    with pytest.raises(RuntimeError), fsutil.atomic_path(target) as tmp:
        tmp.write_text("half of the new")
        raise RuntimeError("the writer failed midway")
    assert target.read_text() == "previous good output\n"
    assert leftovers(tmp_path) == []


def test_an_output_directory_below_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the output directory would go")
    with pytest.raises(OutputError) as caught:
        fsutil.write_text(blocker / "out" / "x.txt", "text")
    assert "cannot create output directory" in caught.value.message
    assert "--out" in caught.value.hint


def test_build_into_an_unwritable_directory_exits_2_with_one_message(tmp_path):
    blocker = tmp_path / "site"
    blocker.write_text("a file, not a directory")
    result = run_cli("build", str(MINIMAL), "-f", "txt", "-o", str(blocker / "out"))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert "cannot create output directory" in result.stderr
    assert blocker.read_text() == "a file, not a directory"


def _limit_file_size(limit: int):
    def apply() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


WRITE_BIG = textwrap.dedent("""
    import sys
    from pathlib import Path
    from teikit import fsutil
    from teikit.errors import OutputError
    try:
        fsutil.write_bytes(Path(sys.argv[1]), b"n" * int(sys.argv[2]))
    except OutputError as exc:
        print(exc.message)
        print(exc.hint)
        sys.exit(2)
""")


def test_a_full_disk_keeps_the_previous_file_and_says_so(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"p" * 1000)
    proc = subprocess.run([sys.executable, "-c", WRITE_BIG, str(target), "100000"], capture_output=True,
                          text=True, preexec_fn=_limit_file_size(10_000), timeout=60, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    assert "File too large" in proc.stdout
    assert "previous file is unchanged" in proc.stdout
    assert target.read_bytes() == b"p" * 1000
    assert leftovers(tmp_path) == []


def test_a_build_that_runs_out_of_space_keeps_previous_outputs(tmp_path):
    out = tmp_path / "out"
    first = run_cli("build", str(MINIMAL), "-f", "txt", "-o", str(out))
    assert first.returncode == 0, first.stderr
    good = (out / "minimal.txt").read_bytes()
    (out / "minimal.txt").write_bytes(good + b"\n(previous build)\n")
    previous = (out / "minimal.txt").read_bytes()
    proc = subprocess.run([sys.executable, "-m", "teikit", "build", str(MINIMAL), "-f", "txt", "-o", str(out),
                           "--no-cache", "-j", "1"],
                          capture_output=True, text=True, preexec_fn=_limit_file_size(100), timeout=120,
                          cwd=ROOT)
    if "no such option" in proc.stderr:  # without a build cache the option does not exist
        pytest.skip("teikit build has no --no-cache option")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "File too large" in proc.stderr
    assert (out / "minimal.txt").read_bytes() == previous
    assert leftovers(out) == []


KILLED_MIDWAY = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from teikit import fsutil
    with fsutil.atomic_path(Path(sys.argv[1])) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(b"truncated new conte")
            handle.flush()
        os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_process_killed_while_writing_leaves_the_previous_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("previous good output\n")
    proc = subprocess.run([sys.executable, "-c", KILLED_MIDWAY, str(target)], timeout=60, cwd=ROOT)
    assert proc.returncode == -signal.SIGKILL
    assert target.read_text() == "previous good output\n"
    # What a kill leaves is a hidden temporary file, never the target itself half-written.
    assert all(p.name.startswith(".out.txt.") for p in leftovers(tmp_path))


def test_written_files_are_readable_by_others(tmp_path):
    target = fsutil.write_text(tmp_path / "out.txt", "x")
    assert os.stat(target).st_mode & 0o777 == 0o644


def test_a_symlink_at_the_output_path_is_replaced_not_written_through(tmp_path):
    """An output folder anybody can write to may hold a planted link; the file it points to stays intact."""
    outside = tmp_path / "precious.txt"
    outside.write_text("not teikit's to overwrite\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "minimal.txt").symlink_to(outside)
    result = run_cli("build", str(MINIMAL), "-f", "txt", "-o", str(out), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert outside.read_text() == "not teikit's to overwrite\n"
    assert not (out / "minimal.txt").is_symlink()
    assert "Boris Yeltsin" in (out / "minimal.txt").read_text()


def test_a_writer_that_fails_after_making_a_folder_leaves_nothing(tmp_path):
    target = tmp_path / "site"
    with pytest.raises(RuntimeError), fsutil.atomic_path(target) as tmp:
        tmp.unlink()
        tmp.mkdir()
        (tmp / "index.html").write_text("partial")
        raise RuntimeError("failed while writing the folder")
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_build_leaves_only_complete_outputs(tmp_path):
    """Ctrl-C in the middle of a batch: what exists is complete, nothing is half-written."""
    sources = tmp_path / "src"
    sources.mkdir()
    text = MINIMAL.read_text(encoding="utf-8")
    for n in range(40):
        (sources / f"doc{n:02}.xml").write_text(text.replace("A Minimal Document", f"Document {n}"))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "teikit", "build", str(sources), "-f", "txt", "-j", "1", "--no-cache"]
    proc = subprocess.Popen([*command, "-o", str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline and not any(out.glob("*.txt")):
            time.sleep(0.02)  # interrupt as soon as the first outputs appear
        proc.send_signal(signal.SIGINT)
        _stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in stderr
    assert proc.returncode in (0, 130), stderr
    reference = tmp_path / "reference"
    assert subprocess.run([*command, "-o", str(reference)], cwd=ROOT, capture_output=True).returncode == 0
    written = sorted(out.glob("*.txt"))
    assert written, "the build wrote nothing before the interruption"
    for path in written:
        assert path.read_bytes() == (reference / path.name).read_bytes(), path
    assert leftovers(out) == []

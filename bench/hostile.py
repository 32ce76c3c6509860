"""Memory and time of teikit on hostile and oversized input. Run by hand:

    .venv/bin/python bench/hostile.py [--megabytes 100]

Each case runs in its own process, so the peak resident memory reported
(VmHWM) belongs to that case alone. The figures show that expansion
attacks are refused in milliseconds and megabytes, that an oversized file is
refused from its size before it is read, and what a document within raised
limits costs to load and to build as plain text. The command-line cases (archives
handed to `teikit package --verify`, schemas a document names with <?xml-model?>)
run the real `teikit` command; their peak memory is the child's, from wait4.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from hostile_input import tei, write_big  # documents shared with the tests

CASE = textwrap.dedent("""
    import sys, time
    from teikit.errors import TeikitError
    from teikit.load import Limits, load
    path, max_bytes, max_depth, stage = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    start = time.monotonic()
    try:
        doc = load(path, limits=Limits(max_bytes=max_bytes, max_depth=max_depth))
        outcome = "loaded"
        if stage == "txt":
            from teikit.write.text import render_text
            outcome = f"text of {len(render_text(doc)):,} characters"
    except TeikitError as exc:
        outcome = "refused: " + (exc.diagnostic.rule if exc.diagnostic else exc.message)
    # VmHWM: this program's peak; ru_maxrss would include the parent's peak before exec.
    rss = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
    print(f"{time.monotonic() - start:.2f}\\t{rss:.0f}\\t{outcome}")
""")


def run(label: str, path: Path, max_bytes: int = 64 * 1024 * 1024, max_depth: int = 256,
        stage: str = "load") -> None:
    proc = subprocess.run([sys.executable, "-c", CASE, str(path), str(max_bytes), str(max_depth), stage],
                          capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        print(f"{label:<46} failed: {proc.stderr.strip()[-300:]}")
        return
    seconds, rss, outcome = proc.stdout.strip().split("\t")
    size = path.stat().st_size / 1e6
    print(f"{label:<46} {size:>9.1f} MB {float(seconds):>8.2f} s {float(rss):>8.0f} MB  {outcome}")


def run_cli(label: str, args: list[str], cwd: Path, size: float) -> None:
    """One `teikit` command: wall time, the child's peak RSS, exit code and the last line it printed."""
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "teikit", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in out.splitlines() if line.strip() and not line.startswith("    hint:")]
    outcome = f"exit {proc.returncode}: {(lines[-1] if lines else '')[:90]}"
    print(f"{label:<46} {size:>9.1f} MB {seconds:>8.2f} s {usage.ru_maxrss / 1024:>8.0f} MB  {outcome}")


def archive_cases(tmp: Path) -> None:
    """F7: archives for --verify that would exhaust memory or disk if read without bounds."""
    bomb = tmp / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("bomb/data/zeros", "w", force_zip64=True) as member:
        block = bytes(1 << 20)
        for _ in range(1024):
            member.write(block)  # 1 GiB of zeros, about 1 MB compressed
    run_cli("zip: one 1 GiB member (--verify)", ["package", "--verify", str(bomb)], tmp,
            bomb.stat().st_size / 1e6)

    sparse = tmp / "sparse.tar"
    info = tarfile.TarInfo("bag/data/huge")
    info.size = 8 << 30  # an 8 GiB member as its header declares it
    sparse.write_bytes(info.tobuf(tarfile.GNU_FORMAT) + bytes(10240))
    run_cli("tar: an 8 GiB member (--verify)", ["package", "--verify", str(sparse)], tmp,
            sparse.stat().st_size / 1e6)

    gz = tmp / "named.tar"
    gz.write_bytes(gzip.compress(bytes(10 << 20)))
    run_cli("gzip data named .tar (--verify)", ["package", "--verify", str(gz)], tmp, gz.stat().st_size / 1e6)


def schema_cases(tmp: Path) -> None:
    """F15: <?xml-model?> targets bounded like documents; one bad document does not stop a batch."""
    huge = tmp / "huge.rng"
    with open(huge, "wb") as handle:
        handle.truncate(3 << 30)  # 3 GiB on paper (sparse): read whole, it took 6.3 GB of memory
    ns = "http://relaxng.org/ns/structure/1.0"
    (tmp / "names-huge.xml").write_text(tei("<p>x</p>").replace(
        "<TEI ", f'<?xml-model href="huge.rng" schematypens="{ns}"?>\n<TEI ', 1))
    run_cli("xml-model naming a 3 GiB schema", ["validate", "names-huge.xml"], tmp, huge.stat().st_size / 1e6)
    (tmp / "names-passwd.xml").write_text(tei("<p>x</p>").replace(
        "<TEI ", f'<?xml-model href="/etc/passwd" schematypens="{ns}"?>\n<TEI ', 1))
    (tmp / "plain.xml").write_text(tei("<p>x</p>"))
    run_cli("batch: /etc/passwd as schema + a good document",
            ["validate", "names-passwd.xml", "plain.xml"], tmp, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=100, help="size of the large document")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        print(f"{'case':<46} {'file':>12} {'time':>10} {'peak RSS':>11}  outcome")

        laughs = tmp / "laughs.xml"
        entities = '<!ENTITY l0 "lol">' + "".join(
            f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
        laughs.write_text(tei("<p>&l9;</p>", f"<!DOCTYPE TEI [{entities}]>\n"))
        run("billion laughs (10^9 characters)", laughs)

        quadratic = tmp / "quadratic.xml"
        quadratic.write_text(tei("<p>" + "&big;" * 5_000 + "</p>",
                                 f'<!DOCTYPE TEI [<!ENTITY big "{"a" * 200_000}">]>\n'))
        run("quadratic blow-up (200 KB x 5,000)", quadratic)

        big = tmp / "big.xml"
        write_big(big, args.megabytes)
        run(f"{args.megabytes} MB, default --max-bytes", big)
        raised = big.stat().st_size + 1
        run(f"{args.megabytes} MB, --max-bytes raised: load", big, max_bytes=raised)
        run(f"{args.megabytes} MB, --max-bytes raised: load + text", big, max_bytes=raised, stage="txt")

        for depth in (10_000, 2_048):
            deep = tmp / f"deep{depth}.xml"
            inner = depth - 4
            deep.write_text(tei("<div>" * inner + "<p>deep</p>" + "</div>" * inner))
            run(f"{depth:,} levels, default --max-depth", deep)
            run(f"{depth:,} levels, --max-depth 2048: load + text", deep, max_depth=2048, stage="txt")

        archive_cases(tmp)
        schema_cases(tmp)


if __name__ == "__main__":
    main()

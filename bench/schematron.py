"""teikit's Schematron compiler against SchXslt on Saxon-HE (Java), side by side: compile and run times.

    .venv/bin/python bench/schematron.py --schema SCHEMA.sch --documents DIR --schxslt TRANSPILE.xsl
                                         [--saxon-jar /usr/share/java/Saxon-HE.jar] [--repeat 3]

A large public schema is the point (eLife's JATS Schematron, 541 rules: clone
github.com/elifesciences/eLife-JATS-schematron and pass src/final-JATS-schematron.sch, with its
lookup files beside it). `--schxslt` is SchXslt2's single-file transpiler (transpile.xsl; the
eLife repository carries one in schxslt/), used from wherever it lies: nothing of it is kept
here. Saxon-HE for Java comes from Debian (`apt-get install libsaxonhe-java`).

Each round runs, in turns, so that a change in the machine's load weighs on both alike:

  * compile: teikit compiling the schema in a fresh process (`teikit.validate.schematron`,
    Python start included) against SchXslt transpiling it with Saxon-HE and Saxon compiling
    the result (`-nogo`), JVM start included;
  * run: `teikit validate --schematron SCHEMA DIR` over the documents against Saxon-HE
    applying the transpiled stylesheet to the same documents in one JVM (`-s:DIR -o:OUT`).

It prints the best and median of `--repeat` rounds and the ratio SchXslt/teikit (above 1:
teikit is faster), and the number of failed asserts and successful reports each found.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, done


def teikit_compile(schema: Path) -> list[str]:
    code = ("import sys; from pathlib import Path; from teikit.validate import schematron; "
            "c = schematron.compile_rules(Path(sys.argv[1])); print(c.rules)")
    return [PYTHON, "-c", code, str(schema)]


def teikit_run(schema: Path, documents: Path) -> list[str]:
    return [PYTHON, "-m", "teikit", "validate", "--schematron", str(schema), str(documents),
            "--format", "json", "-j", "1", "--project-root", str(schema.parent)]


def java(jar: Path, *args: str) -> list[str]:
    return ["java", "-cp", str(jar), "net.sf.saxon.Transform", *args]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schema", type=Path, required=True)
    parser.add_argument("--documents", type=Path, required=True, help="a folder of XML documents")
    parser.add_argument("--schxslt", type=Path, required=True, help="SchXslt2's transpile.xsl")
    parser.add_argument("--saxon-jar", type=Path, default=Path("/usr/share/java/Saxon-HE.jar"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("java") is None or not args.saxon_jar.is_file():
        print("needs Java and Saxon-HE (apt-get install default-jre-headless libsaxonhe-java)")
        return 2
    schema, documents = args.schema.resolve(), args.documents.resolve()
    if not schema.is_relative_to(documents.parent) and not documents.is_relative_to(schema.parent):
        print("the documents must lie inside the schema's folder (its lookup files are read from there)")
        return 2
    work = Path(tempfile.mkdtemp(prefix="teikit-bench-sch-"))
    # Beside the schema: the transpiled rules read their lookup files relative to themselves.
    stylesheet, out = schema.parent / f".{work.name}-schxslt.xsl", work / "svrl"
    times: dict[str, list[float]] = {"teikit compile": [], "SchXslt compile": [], "teikit run": [],
                                     "SchXslt run": []}
    counts: dict[str, int] = {}
    run_command = teikit_run(schema, documents)
    # Without a --project-root option, the library call (the lookup files lie in the schema's folder).
    if "--project-root" not in subprocess.run([PYTHON, "-m", "teikit", "validate", "--help"],
                                              capture_output=True, text=True).stdout:
        code = ("import sys, json; from pathlib import Path; from teikit.validate import "
                "ValidationOptions, validate_paths; s = Path(sys.argv[1]); "
                "d = sorted(Path(sys.argv[2]).glob('*.xml')); "
                "r = validate_paths(d, ValidationOptions(schematron=(s,), project_root=s.parent), jobs=1); "
                "print(json.dumps({'diagnostics': [{'rule': x.rule} for x in r]}))")
        run_command = [PYTHON, "-c", code, str(schema), str(documents)]
    for _round in range(args.repeat):
        seconds, done = timed(teikit_compile(schema), ROOT)
        check(done, "teikit compile")
        times["teikit compile"].append(seconds)
        start = time.perf_counter()
        check(subprocess.run(java(args.saxon_jar, f"-xsl:{args.schxslt}", f"-s:{schema}", f"-o:{stylesheet}"),
                             capture_output=True, text=True), "SchXslt transpile")
        check(subprocess.run(java(args.saxon_jar, f"-xsl:{stylesheet}", "-nogo"), capture_output=True,
                             text=True), "Saxon compile")
        times["SchXslt compile"].append(time.perf_counter() - start)
        seconds, done = timed(run_command, ROOT)
        if done.returncode not in (0, 1):
            check(done, "teikit run")
        times["teikit run"].append(seconds)
        counts["teikit"] = done.stdout.count('"rule"')
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        seconds, done = timed(java(args.saxon_jar, f"-xsl:{stylesheet}", f"-s:{documents}", f"-o:{out}"))
        failed = re.search(r"(\d+) transformations? failed", done.stderr)
        counts["SchXslt failed documents"] = int(failed.group(1)) if failed else 0
        times["SchXslt run"].append(seconds)
        counts["SchXslt"] = sum(len(re.findall(r"<svrl:(?:failed-assert|successful-report)\b", p.read_text()))
                                for p in out.rglob("*") if p.is_file())
    files = len(list(documents.glob("*.xml")))
    print(f"schema {schema.name}, {files} documents, {args.repeat} rounds (best / median, seconds)")
    for stage in ("compile", "run"):
        ours, theirs = times[f"teikit {stage}"], times[f"SchXslt {stage}"]
        print(f"  {stage:8} teikit {min(ours):6.2f} / {statistics.median(ours):6.2f}   "
              f"SchXslt {min(theirs):6.2f} / {statistics.median(theirs):6.2f}   "
              f"ratio {statistics.median(theirs) / statistics.median(ours):4.2f}x")
    print(f"  findings: teikit {counts.get('teikit')}, SchXslt {counts.get('SchXslt')} "
          f"(SchXslt stopped on {counts.get('SchXslt failed documents')} document(s) with a dynamic error; "
          "teikit reports those errors as findings and goes on)")
    shutil.rmtree(work, ignore_errors=True)
    stylesheet.unlink(missing_ok=True)
    return 0


def check(done: subprocess.CompletedProcess, what: str) -> None:
    if done.returncode != 0:
        print(f"{what} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        raise SystemExit(1)


if __name__ == "__main__":
    raise SystemExit(main())

"""teikit in CI on documents anybody can edit: what a document names as its schemas.

A pull request may change a document's <?xml-model?> and the schemas beside it. The
rules proven here: only RELAX NG's and Schematron's own include elements are followed,
only inside the project; nothing they name can hang a run (FIFOs, /dev/stdin, /dev/zero)
or be read past --max-bytes; a bad declaration is an error of that document alone, at
its line, and the other documents of the batch are still checked and reported; a
missing or remote Schematron is an error, never silently skipped.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from hostile_input import TEI_NS as TEI
from hostile_input import tei

SECRET = "TEIKIT-CI-SECRET-41c9"
ANY = ('<grammar xmlns="http://relaxng.org/ns/structure/1.0">{extra}<start><ref name="any"/></start>'
       '<define name="any"><element><anyName/><zeroOrMore><choice><attribute><anyName/></attribute><text/>'
       '<ref name="any"/></choice></zeroOrMore></element></define></grammar>')


def model(href: str, kind: str = "rng") -> str:
    ns = "http://relaxng.org/ns/structure/1.0" if kind == "rng" else "http://purl.oclc.org/dsdl/schematron"
    return f'<?xml-model href="{href}" schematypens="{ns}"?>\n'


def document(folder: Path, name: str, *models: str) -> Path:
    path = folder / name
    path.write_text(tei("<p>Text.</p>").replace("<TEI ", "".join(models) + "<TEI ", 1), encoding="utf-8")
    return path


def teikit(*args: str, cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "TEIKIT_CI_PROBE": SECRET}
    return subprocess.run([sys.executable, "-m", "teikit", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder (marked by teikit.toml) with a secret file next to it, outside."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "teikit.toml").write_text("", encoding="utf-8")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    return root


def _bag_text(bag: Path) -> str:
    return "".join(p.read_bytes().decode("utf-8", "replace") for p in bag.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- F1: the schema closure


def test_package_follows_no_include_in_a_foreign_namespace(project):
    (project / "g.rng").write_text(ANY.format(extra='<a:include xmlns:a="urn:a" href="/proc/self/environ"/>'),
                                   encoding="utf-8")
    doc = document(project, "doc.xml", model("g.rng"))
    done = teikit("package", str(doc), "-o", "bag", "-q", "--allow-invalid", cwd=project, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (project / "bag" / "data" / "schemas").iterdir()) == ["g.rng"]
    assert SECRET not in _bag_text(project / "bag")


@pytest.mark.parametrize("href", ["../secret.txt", "/proc/self/environ"])
def test_a_relax_ng_include_outside_the_project_is_refused(project, href):
    (project / "g.rng").write_text(ANY.format(extra=f'<include href="{href}"/>'), encoding="utf-8")
    doc = document(project, "doc.xml", model("g.rng"))
    checked = teikit("validate", str(doc), cwd=project)
    assert checked.returncode == 1
    assert "doc.xml:2:1: error: [rng.unusable-schema]" in checked.stdout
    assert "included by g.rng" in checked.stdout and SECRET not in checked.stdout
    packed = teikit("package", str(doc), "-o", "bag", "-q", "--allow-invalid", cwd=project, timeout=300)
    assert SECRET not in packed.stdout + packed.stderr
    if (project / "bag").exists():
        assert SECRET not in _bag_text(project / "bag")


def test_a_schematron_include_outside_the_project_is_refused(project):
    (project / "r.sch").write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">'
        '<include href="../secret.txt"/></schema>', encoding="utf-8")
    doc = document(project, "doc.xml", model("r.sch", "sch"))
    checked = teikit("validate", str(doc), cwd=project)
    assert checked.returncode == 1
    assert "[sch.unusable-rules]" in checked.stdout and "outside the project" in checked.stdout


# --------------------------------------------------------------------------- F3: nothing hangs


@pytest.mark.parametrize("target", ["fifo", "/dev/stdin"])
def test_a_schema_include_naming_a_pipe_does_not_hang(project, target):
    if target == "fifo":
        os.mkfifo(project / "fifo")
    (project / "g.rng").write_text(ANY.format(extra=f'<include href="{target}"/>'), encoding="utf-8")
    doc = document(project, "doc.xml", model("g.rng"))
    proc = subprocess.Popen([sys.executable, "-m", "teikit", "validate", str(doc)], cwd=project,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        proc.wait(timeout=60)  # stdin stays open: reading it would block forever
        out = proc.stdout.read()
    finally:
        proc.kill()
        proc.stdin.close()
    assert proc.returncode == 1
    assert "not a regular file" in out


def test_an_explicit_schema_including_a_fifo_is_a_usage_error(project):
    os.mkfifo(project / "fifo")
    (project / "g.rng").write_text(ANY.format(extra='<include href="fifo"/>'), encoding="utf-8")
    doc = document(project, "doc.xml")
    done = teikit("validate", str(doc), "--schema", "g.rng", cwd=project, timeout=60)
    assert done.returncode == 2
    assert "fifo: included schema is not a regular file" in done.stderr or "not a regular file" in done.stderr


# --------------------------------------------------------------------------- F14, F15: bounded, per document


def test_an_xml_model_naming_dev_zero_says_what_it_is(project):
    doc = document(project, "doc.xml", model("/dev/zero"))
    done = teikit("validate", str(doc), cwd=project, timeout=60)
    assert done.returncode == 1
    assert "not a regular file" in done.stdout and "does not exist" not in done.stdout


def test_a_huge_schema_is_refused_from_its_size(project):
    with open(project / "huge.rng", "wb") as handle:  # sparse: 3 GB on paper, nothing on disk
        handle.truncate(3 * 1024 ** 3)
    doc = document(project, "doc.xml", model("huge.rng"))
    done = teikit("validate", str(doc), "--max-bytes", "1000000", cwd=project, timeout=60)
    assert done.returncode == 1
    assert "over the limit of 1,000,000 (--max-bytes)" in done.stdout


def test_one_bad_declaration_does_not_abort_the_batch(project):
    bad = document(project, "bad.xml", model("/etc/passwd"))
    good = document(project, "good.xml")
    done = teikit("validate", str(bad), str(good), "--format", "json", cwd=project)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert {f["file"]: f["valid"] for f in report["files"]} == {"bad.xml": False, "good.xml": True}
    assert [d["rule"] for d in report["diagnostics"] if d["file"] == "bad.xml"] == ["rng.unusable-schema"]


# --------------------------------------------------------------------------- F6: Schematron never skipped


@pytest.mark.parametrize(("href", "rule"), [("missing.sch", "sch.missing-rules"),
                                            ("https://example.org/rules.sch", "sch.remote-rules")])
def test_an_unusable_schematron_declaration_is_an_error_naming_it(project, href, rule):
    doc = document(project, "doc.xml", model(href, "sch"))
    done = teikit("validate", str(doc), cwd=project)
    assert done.returncode == 1
    assert f"doc.xml:2:1: error: [{rule}]" in done.stdout and href in done.stdout


# ----------------------------------------------------------------- F9: what reaches a terminal or CI log

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_a_file_name_with_escape_sequences_is_shown_escaped(tmp_path):
    name = "x\x1b[2J\x1b]52;c;c2VjcmV0\x07\u009b31m.xml"  # clear screen, OSC 52 clipboard, C1 CSI
    (tmp_path / name).write_text("<TEI", encoding="utf-8")
    for fmt in ("text", "junit"):
        done = teikit("validate", name, "--format", fmt, cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        assert not CONTROLS.search(done.stdout + done.stderr)
        assert "x\\x1b[2J\\x1b]52;c;c2VjcmV0\\x07\\x9b31m.xml" in done.stdout
    junit = teikit("validate", name, "--format", "junit", cwd=tmp_path)
    assert etree.fromstring(junit.stdout.encode()).find(".//testcase") is not None


def test_a_pointer_cannot_start_a_workflow_command_line(tmp_path):
    body = '<p><ref target="#x&#10;::error file=x::injected">a</ref></p>'
    (tmp_path / "doc.xml").write_text(tei(body), encoding="utf-8")
    done = teikit("validate", "doc.xml", cwd=tmp_path)
    assert done.returncode == 1
    assert not [line for line in (done.stdout + done.stderr).splitlines() if line.lstrip().startswith("::")]
    assert "#x\\n::error file=x::injected" in done.stdout


def test_sarif_uris_are_percent_encoded(tmp_path):
    name = "a b%\u00e9.xml"
    (tmp_path / name).write_text("<TEI", encoding="utf-8")
    done = teikit("validate", name, "--format", "sarif", cwd=tmp_path)
    uri = json.loads(done.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"]["uri"]
    assert uri == "a%20b%25%C3%A9.xml"


# --------------------------------------------------------------------------- F8: a closed pipe is no bug


def test_validate_into_head_exits_quietly(tmp_path):
    refs = "".join(f'<ref target="#missing{i}">x</ref>' for i in range(3000))
    (tmp_path / "doc.xml").write_text(tei(f"<p>{refs}</p>"), encoding="utf-8")
    # --group-after 0: all 3,000 findings, more than a pipe holds (grouped, they would fit in it)
    proc = subprocess.Popen([sys.executable, "-m", "teikit", "validate", "doc.xml", "--group-after", "0"],
                            cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().startswith(b"doc.xml:")
    proc.stdout.close()  # what `head -1` does after its line
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 141
    assert err == b""


# --------------------------------------------------------------------------- F16: one output per input


def test_inputs_that_would_write_the_same_outputs_are_refused_before_writing(tmp_path):
    for rel in ("tei/a/ch1.xml", "tei/b/ch1.xml", "tei/a/ch1.tei"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(tei("<p>Text.</p>"), encoding="utf-8")
    done = teikit("build", "tei", "-o", "out", "-f", "txt", cwd=tmp_path)
    assert done.returncode == 2
    assert "3 inputs would write the same outputs ch1.*: tei/a/ch1.tei, tei/a/ch1.xml, tei/b/ch1.xml" \
        in done.stderr
    assert not (tmp_path / "out").exists() and "wrote" not in done.stdout


# --------------------------------------------------------------------------- F12: SIGTERM and leftovers


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigterm_stops_a_build_like_ctrl_c_leaving_no_partial_file(tmp_path, jobs):
    from hostile_input import write_big

    (tmp_path / "tei").mkdir()
    for i in range(30):
        write_big(tmp_path / "tei" / f"doc{i:02}.xml", 2)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "teikit", "build", "tei", "-o", "out", "-f", "txt",
                             "-j", jobs, "--no-cache"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(scratch)})
    deadline = time.monotonic() + 120
    while not list((tmp_path / "out").glob("*.txt")) and time.monotonic() < deadline:
        time.sleep(0.05)  # at least one output written: the build is in full swing
    proc.send_signal(signal.SIGTERM)  # to teikit only, as `timeout` does: it stops its workers itself
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "terminated (SIGTERM); outputs already written are complete" in err
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")] == []
    assert list(scratch.iterdir()) == []


def test_the_next_run_removes_what_a_killed_run_left(tmp_path):
    dead, alive = _dead_pid(), os.getpid()
    out, scratch = tmp_path / "out", tmp_path / "scratch"
    out.mkdir()
    scratch.mkdir()
    stale = [out / f".doc.txt.{dead}-k2j4h1x9.tmp", out / f".bag.{dead}-a8d0q2l1.tmp",
             out / f".bag.old-{dead}", scratch / f"teikit-pdf-{dead}-5rw1d8c0"]
    kept = [out / f".doc.txt.{alive}-k2j4h1x9.tmp", scratch / f"teikit-pdf-{alive}-5rw1d8c0",
            out / ".doc.txt.notours.tmp", scratch / "teikit-pdf-unrelated"]
    for path in stale + kept:
        if path.name.endswith(".tmp") and ".bag." not in path.name:
            path.write_text("partial", encoding="utf-8")
        else:
            path.mkdir()
            (path / "inside").write_text("x", encoding="utf-8")
    (tmp_path / "doc.xml").write_text(tei("<p>Text.</p>"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "teikit", "build", "doc.xml", "-o", "out", "-f", "txt"], cwd=tmp_path,
        capture_output=True, text=True, timeout=120, env={**os.environ, "TMPDIR": str(scratch)})
    assert done.returncode == 0, done.stderr
    assert [p for p in stale if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []


# --------------------------------------------------------------------------- F5: caches are never stale

XI = 'xmlns:xi="http://www.w3.org/2001/XInclude"'


def _cached(doc: Path, cache_dir: Path, **options) -> list:
    from teikit.validate import ValidationOptions, validate_paths

    return validate_paths([doc], ValidationOptions(**options), jobs=1, cache_dir=cache_dir)


def _rules(found: list) -> list[str]:
    return sorted(d.rule for d in found if d.severity >= 2)


def test_a_fixed_xincluded_part_is_validated_again(tmp_path):
    doc = tmp_path / "doc.xml"
    doc.write_text(tei(f'<p><xi:include {XI} href="part.xml"/></p>'), encoding="utf-8")
    (tmp_path / "part.xml").write_text(f'<hi xmlns="{TEI}">broken', encoding="utf-8")
    assert _rules(_cached(doc, tmp_path / "c"))
    (tmp_path / "part.xml").write_text(f'<hi xmlns="{TEI}">fixed</hi>', encoding="utf-8")
    assert _rules(_cached(doc, tmp_path / "c")) == []


@pytest.mark.parametrize("body", [f'<p><xi:include {XI} href="later.xml"/></p>',
                                  f'<p><xi:include {XI} href="gone.xml"><xi:fallback>'
                                  f'<xi:include href="later.xml"/></xi:fallback></xi:include></p>'])
def test_an_include_or_fallback_target_created_later_is_seen(tmp_path, body):
    doc = tmp_path / "doc.xml"
    doc.write_text(tei(body), encoding="utf-8")
    assert _rules(_cached(doc, tmp_path / "c"))
    (tmp_path / "later.xml").write_text(f'<hi xmlns="{TEI}">here now</hi>', encoding="utf-8")
    assert _rules(_cached(doc, tmp_path / "c")) == []


def test_a_schema_included_from_a_subfolder_is_a_dependency(project):
    (project / "sub").mkdir()
    (project / "g.rng").write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0">'
                                   '<include href="sub/part.rng"/></grammar>', encoding="utf-8")
    part = project / "sub" / "part.rng"
    part.write_text(ANY.format(extra=""), encoding="utf-8")
    doc = document(project, "doc.xml", model("g.rng"))
    assert _rules(_cached(doc, project / "c")) == []
    part.write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start>'
                    '<element name="x"><empty/></element></start></grammar>', encoding="utf-8")
    assert _rules(_cached(doc, project / "c")) != []


def test_a_schematron_include_from_a_subfolder_is_a_dependency(project):
    (project / "sub").mkdir()
    (project / "r.sch").write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">'
        '<ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/><include href="sub/p.sch"/></schema>',
        encoding="utf-8")
    pattern = ('<pattern xmlns="http://purl.oclc.org/dsdl/schematron"><rule context="tei:p">'
               '<assert test="{}" id="p-check">paragraph</assert></rule></pattern>')
    (project / "sub" / "p.sch").write_text(pattern.format("true()"), encoding="utf-8")
    doc = document(project, "doc.xml", model("r.sch", "sch"))
    assert _rules(_cached(doc, project / "c", pointers=False)) == []
    (project / "sub" / "p.sch").write_text(pattern.format("false()"), encoding="utf-8")
    assert set(_rules(_cached(doc, project / "c", pointers=False))) == {"p-check"}


def test_a_utf16_document_sees_its_xml_model_schema_change(project):
    (project / "g.rng").write_text(ANY.format(extra=""), encoding="utf-8")
    doc = project / "doc.xml"
    text = tei("<p>Text.</p>").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    doc.write_bytes(text.replace("<TEI ", model("g.rng") + "<TEI ", 1).encode("utf-16"))
    assert _rules(_cached(doc, project / "c")) == []
    (project / "g.rng").write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start>'
                                   '<element name="x"><empty/></element></start></grammar>', encoding="utf-8")
    assert _rules(_cached(doc, project / "c")) != []


def test_a_forged_cache_index_does_not_make_an_invalid_document_pass(tmp_path):
    doc = tmp_path / "doc.xml"
    doc.write_text(tei('<p><ref target="#nowhere">x</ref></p>'), encoding="utf-8")
    cache_dir = tmp_path / "checkout-cache"
    assert _rules(_cached(doc, cache_dir)) == ["pointer.unresolved"]
    index = json.loads((cache_dir / "validate.json").read_text())
    for entry in index["entries"].values():
        entry["result"] = []  # what an author would commit: same key and hashes, no findings
    (cache_dir / "validate.json").write_text(json.dumps(index))
    assert _rules(_cached(doc, cache_dir)) == ["pointer.unresolved"]


def test_source_date_epoch_is_part_of_the_pdf_key(tmp_path, monkeypatch):
    from teikit.write import build_batch, writer

    try:
        writer("pdf")
    except ImportError:
        pytest.skip("the PDF writer is not installed")
    doc = tmp_path / "doc.xml"
    doc.write_text(tei("<p>Text.</p>"), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert [p.name for p in build_batch([doc], tmp_path / "out", ["pdf", "txt"], jobs=1).written] == \
        ["doc.pdf", "doc.txt"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    again = build_batch([doc], tmp_path / "out", ["pdf", "txt"], jobs=1)
    assert [p.name for p in again.written] == ["doc.pdf"]
    assert [p.name for p in again.unchanged] == ["doc.txt"]


# ------------------------------------------------------------- F14: messages that say what is wrong


@pytest.mark.parametrize(("codec", "name"), [("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")])
def test_utf16_without_a_byte_order_mark_is_named(tmp_path, codec, name):
    body = tei("<p>Text.</p>").split("?>", 1)[1]  # no XML declaration; starts with a newline
    (tmp_path / "doc.xml").write_bytes(body.encode(codec))
    done = teikit("validate", "doc.xml", cwd=tmp_path)
    assert done.returncode == 1
    assert f"doc.xml:1:1: error: [xml.encoding] the file is {name} without a byte order mark" in done.stdout
    assert "Document is empty" not in done.stdout and f"iconv -f {name} -t UTF-8" in done.stdout


def test_info_escapes_controls_from_the_document(tmp_path):
    (tmp_path / "doc.xml").write_text(tei("<p>Text.</p>").replace("<title>Hostile</title>",
                                                                  "<title>A&#x9b;2J&#x85;title</title>"),
                                      encoding="utf-8")
    done = teikit("info", "doc.xml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "A\\x9b2J" in done.stdout and not CONTROLS.search(done.stdout)

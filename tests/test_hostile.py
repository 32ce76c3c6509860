"""Hostile and broken input: one clear message each, nothing read from outside, nothing leaked.

Every document here may come from anybody. The rules proven below:
broken files give one located message and the documented exit code (never a
traceback) for `validate`, `build` and `info`; nothing a document names
outside itself (DTDs, entities, XIncludes, URLs) is ever read, which is shown
by planting a secret file and a listening socket that must stay untouched;
expansion attacks stay within bounded memory and time; limits are teikit's
own and can be raised by options; text that looks like markup of an output
format comes out literally. Sources are hashed around every test: none is
ever modified.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from conftest import DATA, ROOT, run_cli
from hostile_input import TEI_NS, tei, write_big
from teikit import transform
from teikit.errors import DocumentError, InputError, TeikitError
from teikit.load import LIBXML2_DEPTH, MAX_SUPPORTED_DEPTH, Limits, load
from teikit.write.characters import FORBIDDEN

HOSTILE = DATA / "hostile"
SECRET = "TEIKIT-PLANTED-SECRET-7f3a9c"


def _digests(folder: Path) -> dict[str, str]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _sources(tmp_path: Path) -> dict[str, str]:
    found = _digests(HOSTILE)
    found.update((k, v) for k, v in _digests(tmp_path).items() if k.endswith((".xml", ".txt", ".dtd")))
    found["minimal.xml"] = hashlib.sha256((DATA / "minimal.xml").read_bytes()).hexdigest()
    return found


@pytest.fixture(autouse=True)
def sources_stay_unmodified(tmp_path):
    """Hash every source before and after each test: teikit never writes to its inputs.

    Documents a test creates later are hashed from their creation by the tests themselves.
    """
    before = _sources(tmp_path)
    yield
    after = _sources(tmp_path)
    assert {k: after.get(k) for k in before} == before


class Listener:
    """A TCP socket on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(1)
            try:
                self.connections.append(conn.recv(4096) or b"(connected)")
            except OSError:
                self.connections.append(b"(connected)")
            finally:
                conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(timeout=2)
        self.server.close()


@pytest.fixture
def listener():
    found = Listener()
    yield found
    found.close()


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file outside the project that no document may get teikit to read."""
    outside = tmp_path / "outside"
    outside.mkdir()
    path = outside / "secret.txt"
    path.write_text(SECRET + "\n")
    (outside / "secret.dtd").write_text(f'<!ENTITY secret "{SECRET}">\n')
    return path


def one_error(result: subprocess.CompletedProcess) -> str:
    """The single error message of a failed run, checked for tracebacks."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    errors = [line for line in output.splitlines() if "error:" in line]
    assert len(errors) == 1, output
    return errors[0]


# --------------------------------------------------------------------------- broken files

BROKEN = [
    # file, exit code, rule or message, location prefix
    ("malformed.xml", 1, "[xml.syntax] Opening and ending tag mismatch", "malformed.xml:3:33:"),
    ("wrong-namespace.xml", 1, "[tei.namespace]", "wrong-namespace.xml:2:1:"),
    ("no-namespace.xml", 1, "[tei.namespace] <TEI> is in no namespace", "no-namespace.xml:2:1:"),
    ("not-tei.xml", 1, "[tei.root] the root element <html>", "not-tei.xml:2:1:"),
    ("empty.xml", 1, "[xml.empty] the file is empty", "empty.xml:1:1:"),
    ("image.xml", 1, "[xml.binary] this is a PNG image, not an XML document", "image.xml:"),
    ("nul-bytes.xml", 1, "[xml.binary] this is a binary file", "nul-bytes.xml:"),
    ("latin1-undeclared.xml", 1, "[xml.encoding] the file is not UTF-8 (byte 0xE9",
     "latin1-undeclared.xml:3:178:"),
    ("undefined-entity.xml", 1, "[xml.entity] entity &mdash; is not defined", "undefined-entity.xml:2:"),
    ("billion-laughs.xml", 1, "[xml.entity-expansion]", "billion-laughs.xml:"),
    ("too-deep.xml", 1, f"[limit.depth] elements nest deeper than {LIBXML2_DEPTH} levels", "too-deep.xml:2:"),
]


def errors_by_file(result: subprocess.CompletedProcess) -> dict[str, list[str]]:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    found: dict[str, list[str]] = {}
    for line in output.splitlines():
        if "error:" in line:
            found.setdefault(line.split(":", 1)[0], []).append(line)
    return found


@pytest.mark.parametrize("command", ["validate", "build", "info"])
def test_each_broken_file_gets_one_located_message_and_exit_1(command, tmp_path):
    """One run over all broken files: each is reported once, by location; none stops the others."""
    out = tmp_path / "out"
    extra = ["-f", "txt", "-o", str(out)] if command == "build" else []
    result = run_cli(command, *extra, *(str(HOSTILE / name) for name, *_ in BROKEN))
    assert result.returncode == 1
    errors = errors_by_file(result)
    for name, _code, says, where in BROKEN:
        lines = errors.get(f"tests/data/hostile/{name}", [])
        assert len(lines) == 1, (name, result.stdout + result.stderr)
        assert lines[0].startswith(f"tests/data/hostile/{where}"), lines[0]
        assert says in lines[0], lines[0]
    assert not out.exists() or not any(out.iterdir())  # nothing written for a broken document


@pytest.mark.parametrize(("name", "code", "says", "where"), BROKEN[:3], ids=[b[0] for b in BROKEN[:3]])
def test_a_single_broken_file_gives_exactly_one_error_line(name, code, says, where):
    result = run_cli("validate", str(HOSTILE / name))
    assert result.returncode == code
    line = one_error(result)
    assert says in line and line.startswith(f"tests/data/hostile/{where}")


def test_windows_1252_quotes_are_recognised_as_such(tmp_path):
    path = tmp_path / "quotes.xml"
    path.write_bytes(tei("<p>\u201cquoted\u201d \u2014 dash</p>").replace('encoding="UTF-8"', "")
                     .encode("cp1252"))
    with pytest.raises(DocumentError) as caught:
        load(path)
    assert "byte 0x93" in caught.value.message and "windows-1252" in caught.value.message
    assert "iconv -f WINDOWS-1252 -t UTF-8" in caught.value.hint


def test_the_encoding_hint_says_how_to_fix_latin1():
    result = run_cli("validate", str(HOSTILE / "latin1-undeclared.xml"))
    assert 'encoding="ISO-8859-1"' in result.stdout
    assert "iconv -f ISO-8859-1 -t UTF-8" in result.stdout


@pytest.mark.parametrize("command", ["validate", "build", "info"])
def test_a_missing_file_is_a_usage_error(command, tmp_path):
    extra = ["-o", str(tmp_path / "o")] if command == "build" else []
    result = run_cli(command, str(tmp_path / "absent.xml"), *extra)
    assert result.returncode == 2
    assert "absent.xml: no such file or directory" in one_error(result)


@pytest.mark.parametrize("command", ["validate", "build", "info"])
def test_a_directory_without_xml_is_a_usage_error(command, tmp_path):
    (tmp_path / "notes.txt").write_text("no XML here")
    result = run_cli(command, str(tmp_path))
    assert result.returncode == 2
    assert "no XML files found" in one_error(result)


@pytest.mark.parametrize("name", ["utf16-bom.xml", "latin1-declared.xml"])
def test_declared_encodings_are_read_correctly(name, tmp_path):
    result = run_cli("build", str(HOSTILE / name), "-f", "txt", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "café naïve" in (tmp_path / name.replace(".xml", ".txt")).read_text(encoding="utf-8")


def test_a_named_pipe_is_refused_instead_of_hanging(tmp_path):
    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        load(fifo)


# --------------------------------------------------------------------------- entities and DTDs

def test_internal_entities_are_expanded_for_every_stage(tmp_path):
    doc = load(HOSTILE / "internal-entity.xml")
    assert "A note \u2014 by the editors." in "".join(doc.root.itertext())
    assert doc.tree.docinfo.doctype == ""  # no later stage meets a DOCTYPE
    result = run_cli("validate", str(HOSTILE / "internal-entity.xml"))
    assert result.returncode == 0, result.stdout + result.stderr
    result = run_cli("build", str(HOSTILE / "internal-entity.xml"), "-f", "txt", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "A note \u2014 by the editors." in (tmp_path / "internal-entity.txt").read_text(encoding="utf-8")


def attacks(secret: Path, listener: Listener) -> dict[str, str]:
    """Documents that try to make teikit read the secret file or call the listener."""
    s, u = secret.as_uri(), listener.url
    dtd = secret.with_name("secret.dtd")
    return {
        "xxe-file": tei("<p>&x;</p>", f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "{s}">]>\n'),
        "xxe-path": tei("<p>&x;</p>", f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "{secret}">]>\n'),
        "xxe-http": tei("<p>&x;</p>", f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "{u}/entity">]>\n'),
        "xxe-unused": tei("<p>x</p>", f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "{u}/unused">]>\n'),
        "parameter-file": tei("<p>&secret;</p>", f'<!DOCTYPE TEI [<!ENTITY % p SYSTEM "{dtd}"> %p;]>\n'),
        "parameter-http": tei("<p>x</p>", f'<!DOCTYPE TEI [<!ENTITY % p SYSTEM "{u}/p.dtd"> %p;]>\n'),
        "dtd-file": tei("<p>&secret;</p>", f'<!DOCTYPE TEI SYSTEM "{dtd}">\n'),
        "dtd-http": tei("<p>&secret;</p>", f'<!DOCTYPE TEI PUBLIC "-//TEI//DTD" "{u}/tei.dtd">\n'),
        "xinclude-relative": tei(f'<p><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                 f'href="../outside/{secret.name}" parse="text"/></p>'),
        "xinclude-absolute": tei(f'<p><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                 f'href="{secret}" parse="text"/></p>'),
        "xinclude-file-uri": tei(f'<p><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                 f'href="{s}" parse="text"/></p>'),
        "xinclude-http": tei(f'<p><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                             f'href="{u}/inc.xml"/></p>'),
        "xinclude-etc-passwd": tei('<p><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                   'href="../../../../../../../../etc/passwd" parse="text"/></p>'),
    }


@pytest.fixture
def attack_files(tmp_path, secret, listener) -> dict[str, Path]:
    project = tmp_path / "project"
    project.mkdir()
    files = {}
    for name, text in attacks(secret, listener).items():
        files[name] = project / f"{name}.xml"
        files[name].write_text(text, encoding="utf-8")
    return files


def test_no_attack_reads_a_file_or_touches_the_network(attack_files, listener, tmp_path):
    project = next(iter(attack_files.values())).parent
    before = _digests(project)
    out = tmp_path / "out"
    runs = [
        run_cli("validate", str(project)),
        run_cli("build", str(project), "-f", "txt", "-o", str(out)),
        run_cli("info", str(project)),
    ]
    outputs = "".join(r.stdout + r.stderr for r in runs)
    outputs += "".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())
    assert SECRET not in outputs
    assert "root:x:0:0" not in outputs
    assert "Traceback" not in outputs
    assert listener.connections == []
    assert _digests(project) == before
    # Each attack is either refused with a message naming the file, or inert (built without the secret).
    for name, path in attack_files.items():
        assert f"{path.name}" in outputs, name


@pytest.mark.parametrize("name", ["xxe-file", "xxe-path", "xxe-http", "xxe-unused", "parameter-file",
                                  "parameter-http"])
def test_external_entities_are_refused_with_a_clear_message(name, attack_files):
    with pytest.raises(DocumentError) as caught:
        load(attack_files[name])
    assert caught.value.diagnostic.rule == "xml.external-entity"
    assert "never reads" in caught.value.message or "not allowed" in caught.value.message
    assert SECRET not in caught.value.message


@pytest.mark.parametrize("name", ["dtd-file", "dtd-http"])
def test_an_external_dtd_is_never_read_so_its_entities_stay_undefined(name, attack_files):
    with pytest.raises(DocumentError) as caught:
        load(attack_files[name])
    assert caught.value.diagnostic.rule == "xml.entity"
    assert "never reads the external DTD" in caught.value.message
    assert SECRET not in caught.value.message


def test_a_document_naming_an_external_dtd_loads_without_it(tmp_path, listener):
    path = tmp_path / "legacy.xml"
    path.write_text(tei("<p>plain</p>", f'<!DOCTYPE TEI SYSTEM "{listener.url}/tei_all.dtd">\n'))
    doc = load(path)
    assert doc.external_dtd == f"{listener.url}/tei_all.dtd"
    # Saxon is handed the tree without the DOCTYPE, so it does not fetch the DTD either.
    assert "plain" in transform.run("text", doc)
    assert listener.connections == []


@pytest.mark.skipif(not shutil.which("jing") or not shutil.which("java"), reason="Jing not installed")
def test_the_jing_engine_does_not_fetch_an_external_dtd(tmp_path, listener):
    path = tmp_path / "legacy.xml"
    path.write_text(tei("<p>plain</p>", f'<!DOCTYPE TEI SYSTEM "{listener.url}/tei_all.dtd">\n'))
    run_cli("validate", "--engine", "jing", str(path))
    assert listener.connections == []


@pytest.mark.parametrize("name", ["xinclude-relative", "xinclude-absolute", "xinclude-file-uri",
                                  "xinclude-http", "xinclude-etc-passwd"])
def test_xinclude_outside_the_project_is_refused(name, attack_files):
    with pytest.raises(DocumentError) as caught:
        load(attack_files[name])
    assert caught.value.diagnostic.rule in ("xinclude.outside", "xinclude.remote")
    assert caught.value.diagnostic.line > 0
    assert SECRET not in caught.value.message


def test_xinclude_cannot_multiply_input_beyond_the_byte_limit(tmp_path):
    """Including the same file many times, at several levels, counts every copy."""
    (tmp_path / "leaf.txt").write_text("x" * 10_000)
    inc = '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{}" parse="{}"/>'
    (tmp_path / "mid.xml").write_text(f'<div xmlns="{TEI_NS}"><p>' + inc.format("leaf.txt", "text") * 100
                                      + "</p></div>")
    (tmp_path / "top.xml").write_text(tei(inc.format("mid.xml", "xml") * 100))
    with pytest.raises(DocumentError) as caught:
        load(tmp_path / "top.xml", limits=Limits(max_bytes=5_000_000))
    assert caught.value.diagnostic.rule == "limit.bytes"
    assert "--max-bytes" in caught.value.hint


MEASURE = textwrap.dedent("""
    import sys, time
    from teikit.errors import DocumentError
    from teikit.load import load
    start = time.monotonic()
    try:
        load(sys.argv[1])
        outcome = "loaded"
    except DocumentError as exc:
        outcome = exc.diagnostic.rule
    # VmHWM: this program's peak; ru_maxrss would include the parent's peak before exec.
    status = open("/proc/self/status").read()
    rss = int(status.split("VmHWM:")[1].split()[0]) // 1024
    print(outcome, rss, round(time.monotonic() - start, 2))
""")


def measure_load(path: Path) -> tuple[str, int, float]:
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    outcome, rss, seconds = proc.stdout.split()
    return outcome, int(rss), float(seconds)


def test_billion_laughs_is_refused_in_bounded_memory_and_time():
    outcome, rss_mb, seconds = measure_load(HOSTILE / "billion-laughs.xml")
    assert outcome == "xml.entity-expansion"
    assert rss_mb < 500 and seconds < 20


def test_raising_max_depth_keeps_the_entity_expansion_limit():
    """--max-depth above 256 switches libxml2 to its huge mode; expansion attacks stay refused."""
    with pytest.raises(DocumentError) as caught:
        load(HOSTILE / "billion-laughs.xml", limits=Limits(max_depth=MAX_SUPPORTED_DEPTH))
    assert caught.value.diagnostic.rule == "xml.entity-expansion"


def test_quadratic_blowup_is_refused_in_bounded_memory_and_time(tmp_path):
    path = tmp_path / "quadratic.xml"
    big = "a" * 200_000
    path.write_text(tei("<p>" + "&big;" * 5_000 + "</p>", f'<!DOCTYPE TEI [<!ENTITY big "{big}">]>\n'))
    outcome, rss_mb, seconds = measure_load(path)
    assert outcome == "xml.entity-expansion"
    assert rss_mb < 500 and seconds < 20


# --------------------------------------------------------------------------- Saxon

def stylesheet(tmp_path: Path, expression: str) -> Path:
    path = tmp_path / "probe.xsl"
    path.write_text(textwrap.dedent(f"""\
        <xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
          <xsl:output method="text"/>
          <xsl:template match="/"><xsl:value-of select="{expression}"/></xsl:template>
        </xsl:stylesheet>
        """))
    return path


@pytest.mark.parametrize("call", [
    "unparsed-text('{file}')", "unparsed-text('{path}')", "string(document('{dtd}'))",
    "string(doc('{file}'))", "count(collection('{dir}'))", "unparsed-text('{url}/x')",
    "string(doc('{url}/x.xml'))", "unparsed-text-available('{file}')",
])
def test_saxon_refuses_every_uri_while_transforming(call, tmp_path, secret, listener):
    expression = call.format(file=secret.as_uri(), path=secret, dtd=secret.with_name("secret.dtd").as_uri(),
                             dir=secret.parent.as_uri(), url=listener.url)
    doc = load(DATA / "minimal.xml")
    try:
        result = transform.run(str(stylesheet(tmp_path, expression)), doc)
    except DocumentError as exc:  # teikit answers file functions itself, from inside the project only
        assert "refusing to read" in exc.message or "no such file in the project" in exc.message
        assert SECRET not in exc.message and "Error at char" not in exc.message
    else:
        assert result in ("false", "")  # unparsed-text-available() answers no: the file is not readable
    assert listener.connections == []


def test_a_document_value_cannot_steer_a_stylesheet_to_a_file(tmp_path, secret):
    """A stylesheet that follows @facs (as an edition's might) still reads nothing."""
    path = tmp_path / "facs.xml"
    path.write_text(tei(f'<pb facs="{secret.as_uri()}"/><p>text</p>'))
    with pytest.raises(DocumentError) as caught:
        transform.run(str(stylesheet(tmp_path, "unparsed-text(//*:pb/@facs)")), load(path))
    assert SECRET not in caught.value.message


def test_stylesheets_still_import_local_modules(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "base.xsl").write_text(
        '<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:template name="greet">imported module</xsl:template></xsl:stylesheet>')
    main = tmp_path / "main.xsl"
    main.write_text(
        '<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:import href="lib/base.xsl"/><xsl:output method="text"/>'
        '<xsl:template match="/"><xsl:call-template name="greet"/></xsl:template></xsl:stylesheet>')
    assert transform.run(str(main), load(DATA / "minimal.xml")) == "imported module"


def test_a_stylesheet_error_is_one_message_naming_the_module_file(tmp_path, capfd):
    (tmp_path / "lib.xsl").write_text(
        '<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:template name="boom"><xsl:value-of select="error((), \'failure in lib\')"/></xsl:template>'
        "</xsl:stylesheet>")
    main = tmp_path / "main.xsl"
    main.write_text(
        '<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:import href="lib.xsl"/><xsl:output method="text"/>'
        '<xsl:template match="/"><xsl:call-template name="boom"/></xsl:template></xsl:stylesheet>')
    with pytest.raises(DocumentError) as caught:
        transform.run(str(main), load(DATA / "minimal.xml"))
    assert "failure in lib" in caught.value.message
    assert f"{tmp_path / 'lib.xsl'}" in caught.value.message
    assert "base64" not in caught.value.message
    printed = capfd.readouterr()
    assert "failure in lib" not in printed.err + printed.out  # reported once, by teikit


def test_a_stylesheet_that_does_not_compile_names_its_file(tmp_path):
    broken = tmp_path / "broken.xsl"
    broken.write_text('<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                      '<xsl:template match="/"><xsl:value-of select="1 +"/></xsl:template></xsl:stylesheet>')
    with pytest.raises(TeikitError) as caught:
        transform.run(str(broken), load(DATA / "minimal.xml"))
    assert "does not compile" in caught.value.message and "broken.xsl" in caught.value.message


def test_to_xdm_never_hands_saxon_a_doctype(listener):
    from lxml import etree

    raw = f'<!DOCTYPE TEI SYSTEM "{listener.url}/tei.dtd"><TEI xmlns="{TEI_NS}"><p>x</p></TEI>'
    tree = etree.ElementTree(etree.fromstring(raw.encode(), etree.XMLParser(no_network=True,
                                                                             load_dtd=False)))
    node = transform.to_xdm(tree)
    assert "<p>x</p>" in str(node)
    assert listener.connections == []


# --------------------------------------------------------------------------- size and depth limits

def nested(depth: int) -> str:
    """A TEI document whose deepest element sits at `depth` (TEI itself is level 1)."""
    inner = depth - 4  # TEI/text/body/.../p
    return tei("<div>" * inner + "<p>deep</p>" + "</div>" * inner)


def test_ten_thousand_nested_elements_are_refused_with_the_option_to_raise(tmp_path):
    path = tmp_path / "deep.xml"
    path.write_text(nested(10_000))
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    line = one_error(result)
    assert f"[limit.depth] elements nest deeper than {LIBXML2_DEPTH} levels" in line
    assert "--max-depth" in result.stdout
    result = run_cli("validate", "--max-depth", str(MAX_SUPPORTED_DEPTH), str(path))
    assert f"elements nest deeper than {MAX_SUPPORTED_DEPTH:,} levels" in one_error(result)


def test_raising_max_depth_accepts_a_deep_document_in_every_stage(tmp_path):
    path = tmp_path / "deep.xml"
    path.write_text(nested(1_000))
    assert run_cli("validate", str(path)).returncode == 1
    result = run_cli("build", "--max-depth", "1000", str(path), "-f", "txt", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "deep" in (tmp_path / "out" / "deep.txt").read_text()
    assert run_cli("validate", "--max-depth", "1000", str(path)).returncode == 0


def test_a_lower_max_depth_is_enforced_by_teikit(tmp_path):
    path = tmp_path / "modest.xml"
    path.write_text(nested(20))
    with pytest.raises(DocumentError, match="deeper than 10 levels"):
        load(path, limits=Limits(max_depth=10))
    assert load(path, limits=Limits(max_depth=20)).root is not None


def test_max_depth_beyond_what_can_be_parsed_is_a_usage_error(tmp_path):
    result = run_cli("validate", "--max-depth", str(MAX_SUPPORTED_DEPTH + 1), str(HOSTILE / "malformed.xml"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    with pytest.raises(TeikitError):
        Limits(max_depth=MAX_SUPPORTED_DEPTH + 1)


def test_a_100_mb_file_is_refused_quickly_by_default_and_the_limit_names_its_option(tmp_path):
    path = tmp_path / "big.xml"
    write_big(path, 100)
    outcome, rss_mb, seconds = measure_load(path)
    assert outcome == "limit.bytes"
    assert rss_mb < 100 and seconds < 5  # refused from the file size, before reading
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    assert "[limit.bytes]" in one_error(result)
    assert "--max-bytes" in result.stdout


def test_raising_max_bytes_accepts_a_larger_file(tmp_path):
    path = tmp_path / "large.xml"
    write_big(path, 1)
    result = run_cli("validate", "--max-bytes", "500000", str(path))
    assert result.returncode == 1 and "[limit.bytes]" in one_error(result)
    result = run_cli("validate", "--max-bytes", "2000000", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- text that looks like markup

INJECTION = [
    "<script>alert('x')</script>", "</style><style>body{display:none}</style>", "]]>", "<!-- not a comment",
    "#set page(width: 1cm)", '#eval("1+1")', "#import \"/etc/passwd\"", "\\input{/etc/passwd}", "\\\\",
    "$x^2$", "[brackets] {braces} *stars* _under_", "@label <label>", "`raw`", "{{template}}",
    "\u202eevil override\u202c", "\u200fRTL mark", "tab\there", "bell\u0085next",
]


def xml_space(text: str) -> str:
    """Whitespace collapsed as XSLT's normalize-space() does: only space, tab, CR and LF."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def injection_document(tmp_path: Path) -> Path:
    from xml.sax.saxutils import escape

    paras = "".join(f"<p>{escape(s)}</p>" for s in INJECTION)
    path = tmp_path / "inject.xml"
    path.write_text(tei(f'<div><head>{escape(INJECTION[0])}</head>{paras}</div>'), encoding="utf-8")
    return path


def test_markup_like_text_comes_out_literally_in_plain_text(tmp_path):
    from teikit.write import build_document

    doc = load(injection_document(tmp_path))
    [out] = build_document(doc, tmp_path / "out", ["txt"])
    text = out.read_text(encoding="utf-8")
    for s in INJECTION:
        # (a C1 control such as NEL is left out of every output: teikit.write.characters)
        assert FORBIDDEN.sub("", xml_space(s)) in text, s


def test_markup_like_text_comes_out_literally_in_html(tmp_path):
    pytest.importorskip("teikit.write.html")
    from lxml import html as lxml_html

    from teikit.write import build_document

    doc = load(injection_document(tmp_path))
    [out] = build_document(doc, tmp_path / "out", ["html"])
    page = out / "index.html" if out.is_dir() else out
    tree = lxml_html.fromstring(page.read_bytes())
    assert not [s for s in tree.iter("script") if "alert" in (s.text or "")]
    assert not [s for s in tree.iter("style") if "display:none" in (s.text or "")]
    text = xml_space(tree.text_content())
    for s in INJECTION:
        if "\u0085" not in s:  # HTML parsers read a C1 control as its Windows-1252 character
            assert xml_space(s) in text, s


def test_markup_like_text_comes_out_literally_in_pdf(tmp_path):
    pytest.importorskip("teikit.write.pdf")
    pypdf = pytest.importorskip("pypdf")
    from teikit.write import build_document

    doc = load(injection_document(tmp_path))
    try:
        [out] = build_document(doc, tmp_path / "out", ["pdf"])
    except TeikitError as exc:
        pytest.fail(f"the PDF writer refused markup-like text: {exc}")
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(out).pages)
    assert SECRET not in text and "root:x:0:0" not in text
    for s in ["<script>alert('x')</script>", "#set page(width: 1cm)", '#eval("1+1")', "\\input{/etc/passwd}",
              "[brackets] {braces} *stars* _under_", "$x^2$"]:
        assert s in text, s


def test_document_values_cannot_put_script_urls_or_handlers_into_html(tmp_path):
    """Pointers and attributes reach HTML attributes: no script URL, no event handler, no local file."""
    pytest.importorskip("teikit.write.html")
    from lxml import html as lxml_html

    from teikit.write import build_document

    path = tmp_path / "links.xml"
    path.write_text(tei(
        '<p><ref target="javascript:alert(1)">a</ref> <ref target=" JaVaScRiPt:alert(2)">b</ref> '
        '<ptr target="data:text/html,&lt;script&gt;alert(3)&lt;/script&gt;"/> '
        '<ref target="vbscript:alert(4)">c</ref> <persName ref="javascript:alert(5)">P</persName> '
        '<hi rend="x&quot; onmouseover=&quot;alert(6)">d</hi> <ref target="file:///etc/passwd">e</ref></p>'
        '<figure><graphic url="javascript:alert(7)"/><graphic url="file:///etc/passwd"/></figure>'
        '<p xml:lang="en&quot; onload=&quot;alert(8)">f</p>'))
    [out] = build_document(load(path), tmp_path / "out", ["html"])
    page = out / "index.html" if out.is_dir() else out
    tree = lxml_html.fromstring(page.read_bytes())
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name, value)
            if name.lower() in ("href", "src", "action", "formaction", "poster", "srcset"):
                scheme = value.strip().split(":", 1)[0].lower() if ":" in value else ""
                assert scheme not in ("javascript", "vbscript", "data", "file"), (element.tag, name, value)
    assert "root:x:0:0" not in page.read_text(encoding="utf-8")

"""The Saxon sandbox: no stylesheet or rule reads the process; files only from inside the project root.

Every refused function is tried in an output stylesheet (teikit build's path) and in a
Schematron rule (teikit validate's path, in the text, JSON and SARIF reports); the
secret environment variable and the Java property must never reach an output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from teikit import transform
from teikit.errors import DocumentError, TeikitError
from teikit.load import load
from teikit.validate import schematron

SECRET = "s3cr3t-value-of-the-environment"
TEI = '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body><p>x</p></body></text></TEI>'

# Expressions that would read process state; each must be refused.
PROCESS_STATE = [
    "environment-variable('TEIKIT_TEST_SECRET')",
    "string-join(available-environment-variables(), ',')",
    "function-lookup(QName('http://www.w3.org/2005/xpath-functions', 'environment-variable'), 1)"
    "('TEIKIT_TEST_SECRET')",
    "(environment-variable#1)('TEIKIT_TEST_SECRET')",
    "Q{http://www.w3.org/2005/xpath-functions}environment-variable('TEIKIT_TEST_SECRET')",
    "fn:environment-variable('TEIKIT_TEST_SECRET')",
]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "doc.xml").write_text(TEI, encoding="utf-8")
    (tmp_path / "lookup.xml").write_text("<list><item>inside</item></list>", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("plain text inside\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.xml").write_text("<a/>", encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.xml"
    outside.write_text(f"<secret>{SECRET}</secret>", encoding="utf-8")
    return tmp_path


def stylesheet(folder: Path, expression: str, name: str = "probe.xsl") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(f"""\
        <xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
            xmlns:fn="http://www.w3.org/2005/xpath-functions">
          <xsl:output method="text"/>
          <xsl:template match="/"><xsl:value-of select="{expression}"/></xsl:template>
        </xsl:stylesheet>
        """), encoding="utf-8")
    return path


def rules(folder: Path, expression: str) -> Path:
    path = folder / "rules.sch"
    path.write_text(textwrap.dedent(f"""\
        <schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt3">
          <ns prefix="fn" uri="http://www.w3.org/2005/xpath-functions"/>
          <pattern>
            <rule context="/">
              <report test="true()" id="probe"><value-of select="{expression}"/></report>
            </rule>
          </pattern>
        </schema>
        """), encoding="utf-8")
    return path


@pytest.mark.parametrize("expression", PROCESS_STATE)
def test_an_output_stylesheet_cannot_read_the_environment(expression, project, monkeypatch):
    monkeypatch.setenv("TEIKIT_TEST_SECRET", SECRET)
    with pytest.raises(TeikitError) as caught:
        transform.run(str(stylesheet(project, expression.replace("'", "&apos;"))), load(project / "doc.xml"))
    assert "is not allowed" in caught.value.message and "probe.xsl:4" in caught.value.message
    assert SECRET not in caught.value.message


@pytest.mark.parametrize("expression", PROCESS_STATE)
@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_schematron_rule_cannot_read_the_environment(expression, fmt, project):
    path = rules(project, expression.replace("'", "&apos;"))
    env = {**os.environ, "TEIKIT_TEST_SECRET": SECRET}
    result = subprocess.run([sys.executable, "-m", "teikit", "validate", str(project / "doc.xml"),
                             "--schematron", str(path), "--format", fmt, "--no-pointers"],
                            cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 2
    assert SECRET not in result.stdout + result.stderr
    if fmt == "json":
        (finding,) = json.loads(result.stdout)["diagnostics"]
        assert finding["rule"] == "schematron.schema" and "is not allowed" in finding["message"]
        assert finding["line"] == 5
    elif fmt == "sarif":
        (found,) = json.loads(result.stdout)["runs"][0]["results"]
        assert "is not allowed" in found["message"]["text"]
    else:
        assert "rules.sch:5" in result.stderr and "is not allowed" in result.stderr


def test_java_system_properties_are_not_answered(project):
    doc = load(project / "doc.xml")
    out = transform.run(str(stylesheet(project, "string-join((system-property('java.version'), "
                                                "system-property('user.home'), system-property('user.dir'), "
                                                "'|', system-property('xsl:version')), ',')")), doc)
    assert out == ",,,|,3.0"


def test_base_uris_show_no_real_path(project):
    doc = load(project / "doc.xml")
    out = transform.run(str(stylesheet(project, "base-uri(), static-base-uri(), document-uri(/)")), doc)
    assert out == "project:/doc.xml project:/probe.xsl project:/doc.xml"
    assert str(project) not in out


def test_a_stylesheet_reads_files_inside_the_project(project):
    doc = load(project / "doc.xml")
    expression = ("doc('lookup.xml')//item, unparsed-text('notes.txt') => normalize-space(), "
                  "doc-available('lookup.xml'), doc-available('missing.xml'), "
                  "unparsed-text-lines('notes.txt'), count(collection('sub')), "
                  "document('lookup.xml')//item")
    out = transform.run(str(stylesheet(project, expression.replace("'", "&apos;"))), doc)
    assert out == "inside plain text inside true false plain text inside 1 inside"


@pytest.mark.parametrize("call", ["doc('{outside}')", "unparsed-text('{outside}')", "doc('../{name}')",
                                  "doc('http://127.0.0.1:9/x.xml')", "collection('file:///etc')"])
def test_nothing_outside_the_project_is_read(call, project):
    outside = project.parent / f"{project.name}-outside.xml"
    expression = call.format(outside=outside.as_uri(), name=outside.name)
    with pytest.raises(DocumentError) as caught:
        transform.run(str(stylesheet(project, expression.replace("'", "&apos;"))), load(project / "doc.xml"))
    assert SECRET not in caught.value.message
    assert "refusing to read" in caught.value.message or "no such" in caught.value.message


def test_documents_read_through_the_sandbox_refuse_entities(project):
    (project / "evil.xml").write_text(f'<!DOCTYPE a [<!ENTITY x SYSTEM "{project.parent.as_uri()}/'
                                      f'{project.name}-outside.xml">]><a>&x;</a>', encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        transform.run(str(stylesheet(project, "string(doc(&apos;evil.xml&apos;))")),
                      load(project / "doc.xml"))
    assert SECRET not in caught.value.message and "external entit" in caught.value.message


def test_schematron_lookup_files_inside_the_project(project):
    path = project / "lookup.sch"
    path.write_text(textwrap.dedent("""\
        <schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt3">
          <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
          <let name="items" value="doc('lookup.xml')//item"/>
          <pattern>
            <rule context="tei:p">
              <report test=". = 'x'" id="seen"><value-of select="$items"/></report>
            </rule>
          </pattern>
        </schema>
        """), encoding="utf-8")
    diags, _svrl = schematron.check(load(project / "doc.xml"), path, root=project)
    assert [(d.rule, d.message) for d in diags] == [("seen", "inside")]


def test_xsl_evaluate_is_refused(project):
    path = project / "eval.xsl"
    path.write_text('<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                    '<xsl:template match="/"><xsl:evaluate xpath="string(.)"/></xsl:template>'
                    '</xsl:stylesheet>', encoding="utf-8")
    with pytest.raises(TeikitError) as caught:
        transform.run(str(path), load(project / "doc.xml"))
    assert "xsl:evaluate is not allowed" in caught.value.message


def test_a_relative_path_cannot_climb_out_of_the_project(project):
    doc = load(project / "doc.xml")
    with pytest.raises(DocumentError) as caught:
        transform.run(str(stylesheet(project, "count(doc(&apos;../../lookup.xml&apos;)//item)")), doc)
    assert "lies outside the project" in caught.value.message


def test_teikit_own_stylesheets_pass_the_sandbox(project):
    doc = load(project / "doc.xml")
    assert transform.run("text", doc).splitlines()[0] == "x"  # compiled and ran: the text comes first


def test_the_validation_cache_notices_an_edited_lookup_file(cli, project):
    (project / "lookup.sch").write_text(textwrap.dedent("""\
        <schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt3">
          <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
          <pattern>
            <rule context="tei:p">
              <assert test=". = doc('lookup.xml')//item" id="known">unknown word</assert>
            </rule>
          </pattern>
        </schema>
        """), encoding="utf-8")
    args = ("validate", str(project / "doc.xml"), "--schematron", str(project / "lookup.sch"),
            "--no-pointers", "--cache-dir", str(project / ".cache"), "--format", "json")
    first = json.loads(cli(*args).stdout)
    assert [d["rule"] for d in first["diagnostics"] if d["source"] == "schematron"] == ["known"]
    (project / "lookup.xml").write_text("<list><item>x</item></list>", encoding="utf-8")
    second = json.loads(cli(*args).stdout)
    assert [d["rule"] for d in second["diagnostics"] if d["source"] == "schematron"] == []


def test_static_expressions_may_ask_only_for_xsl_properties(project):
    ok = project / "static.xsl"
    ok.write_text('<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                  '<xsl:output method="text"/>'
                  '<xsl:template match="/" use-when="system-property(\'xsl:version\') = \'3.0\'">'
                  '3</xsl:template>'
                  '</xsl:stylesheet>', encoding="utf-8")
    assert transform.run(str(ok), load(project / "doc.xml")) == "3"
    bad = project / "static-bad.xsl"
    bad.write_text('<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                   '<xsl:variable name="home" static="yes" select="system-property(\'user.home\')"/>'
                   '<xsl:template match="/"><xsl:value-of select="$home"/></xsl:template>'
                   '</xsl:stylesheet>', encoding="utf-8")
    with pytest.raises(TeikitError) as caught:
        transform.run(str(bad), load(project / "doc.xml"))
    assert "not allowed in a static expression" in caught.value.message

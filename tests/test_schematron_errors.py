"""Schematron errors that say where: schema errors, runtime errors, and the reports that carry them."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from teikit.load import load
from teikit.validate import schematron
from teikit.validate.schematron import SchematronError, compile_rules

TEI = ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body>\n'
       '<p n="one">first</p>\n<p n="2">second</p>\n</body></text></TEI>\n')


def schema(folder: Path, body: str, name: str = "rules.sch", extra: str = "") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(f"""\
        <schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt3"{extra}>
          <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
        """) + textwrap.indent(textwrap.dedent(body), "  ") + "</schema>\n", encoding="utf-8")
    return path


@pytest.fixture
def doc(tmp_path):
    (tmp_path / "doc.xml").write_text(TEI, encoding="utf-8")
    return load(tmp_path / "doc.xml")


def test_a_runtime_error_is_a_finding_at_the_node_and_other_findings_are_kept(tmp_path, doc, capfd):
    path = schema(tmp_path, """\
        <pattern id="numbers">
          <rule context="tei:p" id="p-number">
            <assert test="xs:integer(@n) gt 0">n is positive</assert>
          </rule>
        </pattern>
        <pattern id="other">
          <rule context="tei:p">
            <report test="true()" id="seen">paragraph</report>
          </rule>
        </pattern>
        """)
    diags, _svrl = schematron.check(doc, path)
    found = sorted((d.rule, d.line, d.column) for d in diags)
    assert found == [("schematron.runtime", 2, 1), ("seen", 2, 1), ("seen", 3, 1)]
    (runtime,) = [d for d in diags if d.rule == "schematron.runtime"]
    assert "the assert at " in runtime.message and "rules.sch:5 (rule at line 4) failed on this node" \
        in runtime.message
    assert "FORG0001 (invalid value for a cast)" in runtime.message and '"one"' in runtime.message
    captured = capfd.readouterr()
    assert "Error" not in captured.err and "FORG0001" not in captured.err  # no Saxon printout


def test_an_undefined_variable_has_file_line_column_and_the_expression(tmp_path):
    path = schema(tmp_path, """\
        <pattern>
          <rule context="tei:p">
            <assert test="$nope = 1">x</assert>
          </rule>
        </pattern>
        """)
    with pytest.raises(SchematronError) as caught:
        compile_rules(path)
    message = caught.value.message
    column = path.read_text().splitlines()[4].index("test=") + 1
    assert message.startswith(f"{path}:5:{column}: rules do not compile: in @test {{$nope = 1}}: "
                              "XPST0008 (undeclared variable or name)")
    assert (caught.value.diagnostic.line, caught.value.diagnostic.column) == (5, column)


def test_a_static_type_error_has_a_line(tmp_path):
    path = schema(tmp_path, """\
        <pattern>
          <rule context="tei:p">
            <report test="'a' + 1">x</report>
          </rule>
        </pattern>
        """)
    with pytest.raises(SchematronError) as caught:
        compile_rules(path)
    assert f"{path}:5:" in caught.value.message and "XPTY0004 (type error)" in caught.value.message


def test_an_error_in_an_included_file_names_that_file(tmp_path):
    (tmp_path / "part.sch").write_text(
        '<pattern xmlns="http://purl.oclc.org/dsdl/schematron">\n'
        '  <rule context="tei:p">\n    <assert test="count(">x</assert>\n  </rule>\n</pattern>\n',
        encoding="utf-8")
    path = schema(tmp_path, '<include href="part.sch"/>\n')
    with pytest.raises(SchematronError) as caught:
        compile_rules(path)
    assert caught.value.message.startswith(f"{tmp_path / 'part.sch'}:3:")


@pytest.mark.parametrize("body, expected", [
    ('<pattern><rulez context="*"/></pattern>\n', "<rulez> is not a Schematron element"),
    ('<pattern><rule context="*" contxt="x"><assert test="true()"/></rule></pattern>\n',
     "<rule> has no attribute 'contxt'"),
    ('<pattern><rule context="*"><let name="a" value="1"/><let name="a" value="2"/>'
     '<assert test="true()"/></rule></pattern>\n', "variable $a is defined twice in this rule"),
])
def test_schema_mistakes_are_errors_not_silence(tmp_path, body, expected):
    with pytest.raises(SchematronError) as caught:
        compile_rules(schema(tmp_path, body))
    assert expected in caught.value.message and "rules.sch:3:" in caught.value.message


def test_a_user_xs_prefix_bound_elsewhere_does_not_break_generated_code(tmp_path, doc):
    path = schema(tmp_path, """\
        <ns prefix="xs" uri="https://example.org/not-xml-schema"/>
        <pattern>
          <rule context="tei:p">
            <report test="@n = '2'" id="two">two</report>
          </rule>
        </pattern>
        """)
    diags, _ = schematron.check(doc, path)
    assert [(d.rule, d.line) for d in diags] == [("two", 3)]


def test_braces_and_top_level_xslt(tmp_path, doc):
    path = schema(tmp_path, """\
        <ns prefix="xsl" uri="http://www.w3.org/1999/XSL/Transform"/>
        <xsl:accumulator name="count" initial-value="0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
          <xsl:accumulator-rule match="tei:p" select="$value + 1"/>
        </xsl:accumulator>
        <xsl:mode use-accumulators="count" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>
        <pattern>
          <rule context="tei:p[matches(@n, '^[0-9]{1,3}$')]">
            <report test="map{'a': 1}?a = 1" id="braces">ok</report>
          </rule>
        </pattern>
        """)
    diags, svrl = schematron.check(doc, path)
    assert [(d.rule, d.line) for d in diags] == [("braces", 3)]
    report = ET.fromstring(svrl)
    fired = report.find("{http://purl.oclc.org/dsdl/svrl}fired-rule")
    assert fired.get("context") == "tei:p[matches(@n, '^[0-9]{1,3}$')]"


def test_findings_in_a_subordinate_document_are_reported_there(tmp_path, doc):
    (tmp_path / "register.xml").write_text('<list>\n  <item/>\n  <item id="b"/>\n</list>\n',
                                           encoding="utf-8")
    path = schema(tmp_path, """\
        <pattern documents="'register.xml'">
          <rule context="item">
            <assert test="@id" id="item-id">an item has an id</assert>
          </rule>
        </pattern>
        """)
    diags, svrl = schematron.check(doc, path, root=tmp_path)
    found = [(Path(d.file).name, d.line, d.column, d.rule) for d in diags]
    assert found == [("register.xml", 2, 3, "item-id")]
    assert 'documents="project:/register.xml"' in svrl


def test_a_subordinate_document_outside_the_project_is_a_runtime_finding(tmp_path, doc):
    outside = tmp_path.parent / f"{tmp_path.name}-other.xml"
    outside.write_text("<list/>", encoding="utf-8")
    path = schema(tmp_path, f"""\
        <pattern documents="'{outside.as_uri()}'">
          <rule context="list"><report test="true()">read</report></rule>
        </pattern>
        """)
    diags, _ = schematron.check(doc, path, root=tmp_path)
    assert [d.rule for d in diags] == ["schematron.runtime"]
    assert "refusing to read" in diags[0].message


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit"])
def test_machine_reports_carry_schema_errors_as_findings(cli, tmp_path, fmt):
    (tmp_path / "doc.xml").write_text(TEI, encoding="utf-8")
    path = schema(tmp_path, '<pattern><rulez context="*"/></pattern>\n')
    result = cli("validate", str(tmp_path / "doc.xml"), "--schematron", str(path), "--format", fmt)
    assert result.returncode == 2
    if fmt == "json":
        (finding,) = json.loads(result.stdout)["diagnostics"]
        assert (finding["rule"], finding["line"], finding["column"]) == ("schematron.schema", 3, 12)
        assert finding["file"].endswith("rules.sch") and finding["hint"] == "did you mean <rule>?"
    elif fmt == "sarif":
        (found,) = json.loads(result.stdout)["runs"][0]["results"]
        assert found["ruleId"] == "schematron.schema"
        assert found["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    else:
        assert "schematron.schema" in result.stdout
        assert "&lt;rulez&gt; is not a Schematron element" in result.stdout


def test_schematron_alone_checks_any_xml(cli, tmp_path):
    (tmp_path / "mets.xml").write_text('<mets xmlns="http://www.loc.gov/METS/">\n  <file ID="a"/>\n'
                                       '  <file/>\n</mets>\n', encoding="utf-8")
    (tmp_path / "mets.sch").write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt3">'
        '<ns prefix="m" uri="http://www.loc.gov/METS/"/><pattern><rule context="m:file">'
        '<assert test="@ID" id="file-id">a file has an ID</assert></rule></pattern></schema>',
        encoding="utf-8")
    result = cli("validate", str(tmp_path / "mets.xml"), "--schematron", str(tmp_path / "mets.sch"))
    assert result.returncode == 1
    assert "mets.xml:3:3: error: [file-id] a file has an ID" in result.stdout
    assert "tei.root" not in result.stdout  # no grammar or pointer checks on non-TEI
    without = cli("validate", str(tmp_path / "mets.xml"))
    assert "tei.root" in without.stdout  # a TEI check still wants TEI


def test_a_tei_root_outside_the_tei_namespace_is_still_reported_with_rules_only(cli, tmp_path):
    (tmp_path / "doc.xml").write_text("<TEI><text/></TEI>", encoding="utf-8")
    path = schema(tmp_path, '<pattern><rule context="*"><assert test="true()"/></rule></pattern>\n')
    result = cli("validate", str(tmp_path / "doc.xml"), "--schematron", str(path))
    assert result.returncode == 1 and "tei.namespace" in result.stdout


def test_the_same_runtime_error_on_many_nodes_is_one_finding(tmp_path, doc):
    path = schema(tmp_path, """\
        <pattern>
          <rule context="tei:p">
            <assert test="error(QName('urn:example', 'boom'), 'lookup failed')" id="known">x</assert>
          </rule>
        </pattern>
        """)
    diags, _ = schematron.check(doc, path, root=tmp_path)
    (only,) = diags
    assert only.rule == "schematron.runtime" and (only.line, only.column) == (2, 1)
    assert "boom: lookup failed" in only.message
    assert only.message.endswith("(and on 1 more node after this one)")


def test_a_lookup_file_that_cannot_be_read_is_one_finding_for_the_document(tmp_path, doc):
    path = schema(tmp_path, """\
        <let name="codes" value="doc('missing.xml')//code"/>
        <pattern>
          <rule context="tei:p">
            <assert test="@n = $codes" id="known">unknown n</assert>
          </rule>
        </pattern>
        """)
    diags, _ = schematron.check(doc, path, root=tmp_path)
    (only,) = diags
    assert only.rule == "schematron.runtime" and "failed on this document" in only.message
    assert "project:/missing.xml: no such file in the project" in only.message

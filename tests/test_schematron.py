"""The Schematron compiler: each ISO Schematron feature, run on Saxon, located in the source."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, TEI_ALL, requires_tei_all
from teikit.diagnostics import Severity
from teikit.load import load
from teikit.validate import schematron
from teikit.validate.schematron import SCH, SVRL, SchematronError, compile_rules, severity_of

RULES = DATA / "rules"
FEATURES = RULES / "features.sch"
SAMPLE = RULES / "sample.xml"


@pytest.fixture(scope="module")
def sample():
    return load(SAMPLE)


@pytest.fixture(scope="module")
def found(sample):
    diags, _svrl = schematron.check(sample, FEATURES)
    return {(d.rule, d.line, d.column): d for d in diags}


def by_rule(found, rule):
    return [d for key, d in found.items() if key[0] == rule]


def test_assert_reports_line_column_message_and_rule_id(found):
    d = found[("hi-italic", 12, 22)]
    assert d.message == "hi must be italic, not bold"
    assert d.severity is Severity.ERROR
    assert d.source == "schematron"


def test_included_pattern_and_extended_schema_both_run(found):
    assert by_rule(found, "hi-italic")  # sch:include of included-pattern.sch
    assert [d.line for d in by_rule(found, "title-seen")] == [5]  # sch:extends href="base.sch"


def test_abstract_rule_is_expanded_with_the_rule_lets_in_scope(found):
    d = found[("p-n", 13, 7)]
    # <name/> and <value-of select="$position"/> with the whitespace between them kept
    assert d.message == "p 2 has no @n"
    # @diagnostics -> the diagnostic's text becomes the hint, evaluated in the same context
    assert d.hint == 'add n="2"'
    assert len(by_rule(found, "p-n")) == 1


def test_schema_level_let_and_xslt_function_of_the_schema(found):
    # $paragraphs (schema let) = 3, $expected (pattern let) = ex:double(1) div 2 = 1
    d = found[("last-p", 15, 7)]
    assert d.message == "last of 3 paragraphs"
    assert d.severity is Severity.WARNING  # role="warning" on sch:report


def test_first_matching_rule_of_a_pattern_wins(found):
    person = [d for d in found.values() if d.line == 15 and d.column == 16]
    assert {d.rule for d in person} == {"first-rule", "check-person"}  # never 'second-rule' here
    assert found[("first-rule", 15, 16)].severity is Severity.INFO  # role="info"
    assert found[("second-rule", 15, 55)].severity is Severity.WARNING  # role="warn"
    assert found[("first-rule", 15, 16)].message == "person name matched by the first rule"  # sch:emph text


def test_abstract_pattern_is_instantiated_with_its_parameters(found):
    d = found[("check-person", 15, 16)]
    assert d.message == "a name of the kind given by the parameter: Someone"


def test_attribute_context_is_reported_at_its_element_start_tag(found):
    # <date spans lines 13-14; libxml2 knows only line 14, the report says where the tag starts
    d = found[("when-iso", 13, 48)]
    assert d.message == '@when="20-20" is not a date'


def test_default_phase_leaves_inactive_patterns_out(sample):
    compiled = compile_rules(FEATURES)
    assert compiled.phase == "#DEFAULT" and compiled.patterns == 6


def test_named_phase_runs_only_its_patterns(sample):
    diags, _ = schematron.check(sample, FEATURES, phase="only-numbering")
    assert {d.rule for d in diags} == {"p-n", "last-p"}


def test_all_phase_runs_every_pattern(sample):
    compiled = compile_rules(FEATURES, "#ALL")
    assert compiled.patterns == 6


def test_unknown_phase_is_a_usage_error_naming_the_phases():
    with pytest.raises(SchematronError) as err:
        compile_rules(FEATURES, "nope")
    assert "no phase 'nope'" in err.value.message
    assert "only-numbering" in err.value.hint


def test_svrl_is_standard_with_positional_locations_and_properties(sample):
    _diags, svrl = schematron.check(sample, FEATURES)
    report = etree.fromstring(svrl.encode())
    assert report.tag == f"{{{SVRL}}}schematron-output"
    assert report.get("phase") == "main"
    failed = report.find(f"{{{SVRL}}}failed-assert[@id='p-n']")
    tei = "Q{http://www.tei-c.org/ns/1.0}"
    assert failed.get("location") == f"/{tei}TEI[1]/{tei}text[1]/{tei}body[1]/{tei}p[2]"
    prop = failed.find(f"{{{SVRL}}}property-reference")
    assert prop.get("property") == "severity-note" and prop.get("role") == "note"
    assert [a.get("id") for a in report.iter(f"{{{SVRL}}}active-pattern")] == [
        "numbering", "first-wins", "included", "from-base", "names-person", "attributes"]


def test_compiled_once_per_process():
    assert compile_rules(FEATURES) is compile_rules(FEATURES)


@pytest.mark.parametrize(("role", "flag", "expected"), [
    (None, None, Severity.ERROR), ("error", None, Severity.ERROR), ("fatal", None, Severity.ERROR),
    ("warning", None, Severity.WARNING), ("WARN", None, Severity.WARNING), ("info", None, Severity.INFO),
    ("information", None, Severity.INFO), (None, "warning", Severity.WARNING),
    ("custom", None, Severity.ERROR),
])
def test_role_and_flag_map_to_severity(role, flag, expected):
    assert severity_of(role, flag) is expected


def write(tmp_path: Path, name: str, body: str, binding: str = "xslt2") -> Path:
    path = tmp_path / name
    path.write_text(f'<schema xmlns="{SCH}" queryBinding="{binding}">'
                    f'<ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>{body}</schema>', encoding="utf-8")
    return path


def test_include_outside_the_schema_directory_is_refused(tmp_path):
    inner = tmp_path / "rules"
    inner.mkdir()
    (tmp_path / "secret.sch").write_text(f'<pattern xmlns="{SCH}"/>', encoding="utf-8")
    path = write(inner, "r.sch", '<include href="../secret.sch"/>')
    with pytest.raises(SchematronError, match="outside"):
        compile_rules(path)


def test_remote_include_is_refused(tmp_path):
    path = write(tmp_path, "r.sch", '<include href="https://example.org/rules.sch"/>')
    with pytest.raises(SchematronError, match="only local files"):
        compile_rules(path)


def test_bad_xpath_is_a_usage_error_quoting_the_expression(tmp_path):
    path = write(tmp_path, "r.sch",
                 '<pattern><rule context="tei:p"><assert test="count(">x</assert></rule></pattern>')
    with pytest.raises(SchematronError) as err:
        compile_rules(path)
    text = path.read_text()
    column = text.index('test="count(') + 1  # the attribute at fault
    assert f"r.sch:1:{column}: rules do not compile: in @test {{count(}}" in err.value.message
    assert "count(" in err.value.message


def test_unsupported_query_binding_is_refused(tmp_path):
    path = write(tmp_path, "r.sch", "<pattern/>", binding="xquery")
    with pytest.raises(SchematronError, match="queryBinding 'xquery' is not supported"):
        compile_rules(path)


def test_not_schematron_is_refused(tmp_path):
    path = tmp_path / "r.sch"
    path.write_text("<rules/>", encoding="utf-8")
    with pytest.raises(SchematronError, match="not an ISO Schematron schema"):
        compile_rules(path)


def test_embedded_schematron_in_relax_ng_is_run(tmp_path, sample):
    path = tmp_path / "g.rng"
    path.write_text(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0" xmlns:sch="http://purl.oclc.org/dsdl/schematron">'
        '<sch:ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>'
        '<start><element name="TEI"><sch:pattern><sch:rule context="tei:hi">'
        '<sch:report test="@rend" id="hi-rend">rend <sch:value-of select="@rend"/></sch:report>'
        '</sch:rule></sch:pattern><empty/></element></start></grammar>', encoding="utf-8")
    diags, _ = schematron.check(sample, path)
    assert [(d.rule, d.line, d.column, d.message) for d in diags] == [("hi-rend", 12, 22, "rend bold")]


def test_pattern_lets_with_the_same_name_are_reported(tmp_path):
    path = write(tmp_path, "r.sch", '<pattern><let name="x" value="1"/></pattern>'
                                    '<pattern><let name="x" value="2"/></pattern>')
    with pytest.raises(SchematronError, match=r"variable \$x is defined twice"):
        compile_rules(path)


def test_text_context_rules_visit_text_nodes(tmp_path, sample):
    path = write(tmp_path, "r.sch", '<pattern><rule context="tei:hi/text()">'
                                    '<report test=". = \'bold\'" id="bold-text">bold text</report>'
                                    '</rule></pattern>')
    diags, _ = schematron.check(sample, path)
    assert [(d.rule, d.line, d.column) for d in diags] == [("bold-text", 12, 22)]


@requires_tei_all
def test_the_tei_guidelines_own_constraints_run_from_tei_all(tmp_path):
    # tei_all.rng embeds the Guidelines' Schematron constraints; a date with @calendar must have content.
    text = (DATA / "minimal.xml").read_text(encoding="utf-8").replace(
        '<date when="1994-05-05">May 5, 1994</date>', '<date calendar="#julian" when="1994-05-05"/>')
    (tmp_path / "doc.xml").write_text(text, encoding="utf-8")
    diags, _ = schematron.check(load(tmp_path / "doc.xml"), TEI_ALL)
    assert [(d.rule, d.line, d.column) for d in diags] == [
        ("tei_all-att.datable-calendar-calendar-constraint-rule-4", 17, 62)]
    assert compile_rules(TEI_ALL).patterns > 50


def test_xslt_include_in_a_schema_is_refused(tmp_path):
    xsl = "http://www.w3.org/1999/XSL/Transform"
    path = write(tmp_path, "r.sch", f'<xsl:include xmlns:xsl="{xsl}" href="f.xsl"/>')
    with pytest.raises(SchematronError, match="xsl:include in a Schematron schema is not supported"):
        compile_rules(path)

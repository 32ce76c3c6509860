"""Project configuration: teikit.toml / [tool.teikit], the project root, flags over the file,
the findings policy and the customisation layer, as a user meets them on the command line."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from conftest import DATA, ROOT, run_cli
from teikit.config import find_root
from teikit.config.keys import COMMON, SECTIONS
from teikit.diagnostics import Diagnostic, Severity
from teikit.policy import Policy

SAMPLE = DATA / "rules" / "sample.xml"

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt><title>Test</title></titleStmt>
  <publicationStmt><p>x</p></publicationStmt><sourceDesc><p>born digital</p></sourceDesc>
  </fileDesc></teiHeader>
  <text><body><p>Hello <persName ref="#p1">Anna</persName> and <persName ref="#p2">Ben</persName>.</p>
  <listPerson><person xml:id="p1"><persName>Anna</persName></person>
  <person xml:id="p3"><persName>Cleo</persName></person></listPerson></body></text>
</TEI>
"""


def project(tmp_path: Path, toml: str = "", doc: str = DOC, name: str = "teikit.toml") -> Path:
    (tmp_path / "tei").mkdir(exist_ok=True)
    (tmp_path / "tei" / "doc.xml").write_text(doc, encoding="utf-8")
    if toml:
        (tmp_path / name).write_text(toml, encoding="utf-8")
    return tmp_path


# --------------------------------------------------------------------------- the project root

def test_the_root_is_the_configuration_files_folder_seen_from_any_subfolder(tmp_path):
    project(tmp_path, "[validate]\n")
    (tmp_path / "tei" / "deep").mkdir()
    assert find_root(tmp_path / "tei" / "deep") == (tmp_path, tmp_path / "teikit.toml")


def test_pyproject_counts_only_with_a_tool_teikit_table(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[tool.teikit.validate]\nengine = "lxml"\n')
    assert find_root(sub) == (sub, sub / "pyproject.toml")
    assert find_root(tmp_path) == (tmp_path, None)


def test_without_a_configuration_the_root_is_the_git_work_tree_else_the_current_folder(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
    assert find_root(tmp_path / "repo" / "a" / "b") == (tmp_path / "repo", None)
    (tmp_path / "plain").mkdir()
    root, file = find_root(tmp_path / "plain")
    assert file is None and root in (tmp_path / "plain", *(tmp_path / "plain").parents)


def test_a_configuration_above_the_git_work_tree_belongs_to_another_project(tmp_path):
    (tmp_path / "teikit.toml").write_text('[validate]\nengine = "jing"\n')
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert find_root(tmp_path / "repo") == (tmp_path / "repo", None)


# --------------------------------------------------------------------------- checked keys

def test_unknown_keys_and_bad_values_are_reported_together_with_their_lines(tmp_path):
    project(tmp_path, '[validate]\nshemas = ["x.rng"]\nengine = "saxon"\n\n[build]\nwidth = -1\n'
                      'margin = { top = "2 furlongs" }\n[bulid]\n')
    done = run_cli("validate", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "teikit.toml:2: unknown key 'shemas' in [validate]; did you mean 'schemas'?" in done.stderr
    assert "teikit.toml:3: validate.engine must be one of lxml, jing, not 'saxon'" in done.stderr
    assert "teikit.toml:6: build.width must be at least 0, not -1" in done.stderr
    assert 'teikit.toml:7: build.margin.top must be a length such as "2cm"' in done.stderr
    assert "teikit.toml:8: unknown key 'bulid'; did you mean '[build]'?" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_toml_syntax_error_names_line_and_column(tmp_path):
    project(tmp_path, "[validate]\nengine = lxml\n")
    done = run_cli("validate", cwd=tmp_path)
    assert done.returncode == 2
    assert re.search(r"teikit\.toml:2:\d+: not valid TOML", done.stderr), done.stderr


def test_keys_in_pyproject_are_reported_at_their_lines_there(tmp_path):
    project(tmp_path, '[project]\nname = "ed"\n\n[tool.teikit.validate]\nformat = "xml"\n',
            name="pyproject.toml")
    done = run_cli("validate", cwd=tmp_path)
    assert done.returncode == 2
    assert "pyproject.toml:5: validate.format must be one of text, json, junit, sarif" in done.stderr


def test_every_key_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Configuration"):]
    section = section[:section.index("\n## ", 5)]
    for key in (*COMMON, *(k for keys in SECTIONS.values() for k in keys)):
        assert f"`{key.name}`" in section, key.name


# --------------------------------------------------------------------------- flags and the file

def test_the_file_sets_what_a_flag_sets_and_a_flag_wins(tmp_path):
    project(tmp_path, '[validate]\nformat = "json"\npointers = false\n')
    done = run_cli("validate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["errors"] == 0  # json, and no pointer checks
    done = run_cli("validate", "--format", "text", cwd=tmp_path)
    assert "1 file(s) checked" in done.stdout


def test_paths_and_output_folder_come_from_the_file_relative_to_the_root(tmp_path):
    project(tmp_path, 'paths = ["tei"]\n[build]\nout = "site"\nformats = ["txt"]\n')
    (tmp_path / "tei" / "sub").mkdir()
    done = run_cli("build", cwd=tmp_path / "tei" / "sub")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "doc.txt").is_file() and not (tmp_path / "site" / "doc.html").exists()


ANYTHING_WITH_A_RULE = """<grammar xmlns="http://relaxng.org/ns/structure/1.0"
    xmlns:sch="http://purl.oclc.org/dsdl/schematron">
  <sch:ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
  <sch:pattern id="no-ben">
    <sch:rule context="tei:persName">
      <sch:report id="no-ben" test=". = 'Ben'">no Ben here</sch:report></sch:rule>
  </sch:pattern>
  <start><ref name="any"/></start>
  <define name="any"><element><anyName/><zeroOrMore><choice><attribute><anyName/></attribute><text/>
    <ref name="any"/></choice></zeroOrMore></element></define>
</grammar>
"""


def test_configured_schemas_replace_the_default_and_bring_their_embedded_rules(tmp_path):
    (tmp_path / "any.rng").write_text(ANYTHING_WITH_A_RULE, encoding="utf-8")
    project(tmp_path, '[validate]\nschemas = ["any.rng"]\npointers = false\n')
    done = run_cli("validate", "--format", "json", cwd=tmp_path)
    found = json.loads(done.stdout)["diagnostics"]
    assert [(d["rule"], d["line"]) for d in found] == [("no-ben", 6)]
    (tmp_path / "teikit.toml").write_text("[validate]\npointers = false\n")
    assert json.loads(run_cli("validate", "--format", "json", cwd=tmp_path).stdout)["diagnostics"] == []


# --------------------------------------------------------------------------- findings policy

def finding(rule: str, severity: Severity = Severity.ERROR, line: int = 1) -> Diagnostic:
    return Diagnostic("a.xml", line, 1, severity, rule, "m")


def test_policy_selectors_match_rules_by_name_or_dotted_prefix():
    policy = Policy.of(ignore=["pointer"])
    kept = policy.apply([finding("pointer.unresolved"), finding("pointerless"), finding("rng")])
    assert [d.rule for d in kept] == ["pointerless", "rng"]


def test_the_most_specific_selector_wins_as_in_ruff():
    policy = Policy.of(select=["pointer.duplicate-id", "rng"], ignore=["pointer"])
    rules = ["pointer.duplicate-id", "pointer.unresolved", "rng", "entity-kind"]
    assert [d.rule for d in policy.apply(map(finding, rules))] == ["pointer.duplicate-id", "rng"]
    assert Policy.of(select=["pointer"], ignore=["pointer"]).apply([finding("pointer.x")]) == []


def test_severity_per_rule_and_fatal_findings_are_never_dropped():
    policy = Policy.of(ignore=["xml"], severity={"pointer": "warning", "pointer.duplicate-id": "error"})
    kept = policy.apply([finding("pointer.unresolved"), finding("pointer.duplicate-id"),
                         finding("xml.syntax", Severity.FATAL)])
    assert [(d.rule, d.severity) for d in kept] == [
        ("pointer.unresolved", Severity.WARNING), ("pointer.duplicate-id", Severity.ERROR),
        ("xml.syntax", Severity.FATAL)]


def test_ignore_and_severity_from_the_file_and_the_command_line(tmp_path):
    project(tmp_path, '[validate]\nseverity = { "pointer.unresolved" = "warning" }\n')
    done = run_cli("validate", cwd=tmp_path)
    assert done.returncode == 0, done.stdout  # the one error became a warning
    assert "warning: [pointer.unresolved]" in done.stdout
    done = run_cli("validate", "--ignore", "pointer", cwd=tmp_path)
    assert "pointer" not in done.stdout and done.returncode == 0


def test_repeated_findings_are_grouped_in_text_and_all_listed_in_json(tmp_path):
    body = "".join(f'<p><persName ref="#nobody{i}">X</persName></p>' for i in range(30))
    project(tmp_path, doc=DOC.replace("<p>Hello", body + "<p>Hello"))
    text = run_cli("validate", "--group-after", "5", cwd=tmp_path).stdout
    assert text.count("[pointer.unresolved]") == 6
    assert "… and 26 more finding(s) of this rule in this file" in text
    everything = run_cli("validate", "--group-after", "0", cwd=tmp_path).stdout
    assert everything.count("[pointer.unresolved]") == 31
    found = json.loads(run_cli("validate", "--format", "json", "--group-after", "5", cwd=tmp_path).stdout)
    assert sum(d["rule"] == "pointer.unresolved" for d in found["diagnostics"]) == 31
    sarif = json.loads(run_cli("validate", "--format", "sarif", cwd=tmp_path).stdout)
    assert len(sarif["runs"][0]["results"]) == 32  # + the unreferenced Cleo


# --------------------------------------------------------------------------- customisation

CUSTOM_XSL = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tei="http://www.tei-c.org/ns/1.0" exclude-result-prefixes="tei">
  <xsl:import href="teikit:html.xsl"/>
  <xsl:template match="tei:text//tei:persName" priority="10">
    <b class="project-person"><xsl:apply-templates/></b>
  </xsl:template>
</xsl:stylesheet>
"""

CUSTOM_TOML = """[build]
css = ["style/edition.css"]
html-stylesheet = "style/html.xsl"
paper = "us-letter"
margin = { top = "1in", bottom = "20mm" }
running-heads = false
"""


def customised(tmp_path: Path) -> Path:
    project(tmp_path, CUSTOM_TOML)
    (tmp_path / "style").mkdir()
    (tmp_path / "style" / "html.xsl").write_text(CUSTOM_XSL, encoding="utf-8")
    (tmp_path / "style" / "edition.css").write_text(".project-person { color: rebeccapurple }\n")
    return tmp_path


def test_a_customisation_overrides_persname_in_html_and_the_pdf_paper_size(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    root = customised(tmp_path)
    done = run_cli("build", "-f", "html", "-f", "pdf", cwd=root)
    assert done.returncode == 0, done.stderr
    page = (root / "build" / "doc.html").read_text(encoding="utf-8")
    assert '<b class="project-person">Anna</b>' in page
    assert page.index("rebeccapurple") > page.index(".ent")  # after teikit's CSS
    reader = pypdf.PdfReader(io.BytesIO((root / "build" / "doc.pdf").read_bytes()))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter, not A4


def test_a_changed_customisation_rebuilds_only_what_it_affects(tmp_path):
    root = customised(tmp_path)
    assert run_cli("build", "-f", "html", "-f", "txt", cwd=root).returncode == 0
    again = run_cli("build", "-f", "html", "-f", "txt", cwd=root)
    assert "wrote" not in again.stdout
    css = root / "style" / "edition.css"
    css.write_text(css.read_text() + "p { margin: 0 }\n")
    changed = run_cli("build", "-f", "html", "-f", "txt", cwd=root).stdout
    assert "doc.html" in changed and "doc.txt" not in changed
    xsl = root / "style" / "html.xsl"
    xsl.write_text(xsl.read_text().replace("<b class", "<i class").replace("</b>", "</i>"))
    assert "doc.html" in run_cli("build", "-f", "html", "-f", "txt", cwd=root).stdout
    assert '<i class="project-person">' in (root / "build" / "doc.html").read_text(encoding="utf-8")


def test_customisation_files_must_be_inside_the_project(tmp_path):
    root = tmp_path / "ed"
    root.mkdir()
    (tmp_path / "evil.css").write_text("p{}")
    project(root, '[build]\ncss = ["../evil.css"]\n')
    done = run_cli("build", cwd=root)
    assert done.returncode == 2 and "outside the project root" in done.stderr


def test_a_project_stylesheet_may_import_only_teikits_stylesheets_by_scheme(tmp_path):
    root = customised(tmp_path)
    (root / "style" / "html.xsl").write_text(CUSTOM_XSL.replace("teikit:html.xsl", "teikit:../../etc/x.xsl"))
    done = run_cli("build", "-f", "html", cwd=root)
    assert done.returncode != 0 and "not one of teikit's stylesheets" in done.stderr + done.stdout


def test_a_project_stylesheet_reads_lookup_files_inside_the_project_root_only(tmp_path):
    root = customised(tmp_path)
    (root / "lookup").mkdir()
    (root / "lookup" / "people.xml").write_text('<people><person id="a"/><person id="b"/></people>')
    (tmp_path.parent / f"{tmp_path.name}-secret.xml").write_text("<secret/>")
    xsl = root / "style" / "html.xsl"
    count = "<xsl:value-of select=\"count(doc('../lookup/people.xml')//person)\"/>"
    xsl.write_text(CUSTOM_XSL.replace("<xsl:apply-templates/>", count))
    done = run_cli("build", "-f", "html", cwd=root)
    assert done.returncode == 0, done.stderr
    assert '<b class="project-person">2</b>' in (root / "build" / "doc.html").read_text(encoding="utf-8")
    xsl.write_text(CUSTOM_XSL.replace("<xsl:apply-templates/>", "<xsl:value-of select=\"count(doc("
                                      f"'../../{tmp_path.name}-secret.xml')/*)\"/>"))
    done = run_cli("build", "-f", "html", cwd=root)
    assert done.returncode == 1 and "outside the project" in done.stderr

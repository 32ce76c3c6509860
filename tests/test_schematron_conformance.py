"""The ISO Schematron 2020 conformance suite (queryBinding xslt3), one test per case.

Each case holds schemas, documents, the expected outcome (valid, invalid or error) and
assertions: XPath expressions that must be true of the SVRL report. The cases live in
../shared/schematron-conformance (see its README); without them these tests skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT
from teikit.errors import TeikitError
from teikit.load import load
from teikit.validate import schematron

SUITE = ROOT.parent / "shared" / "schematron-conformance"
TC = "https://doi.org/10.5281/zenodo.5679629#"
BINDING = "xslt3"

# Cases teikit deliberately answers differently, with the reason (also listed in README.md).
DEVIATIONS: dict[str, str] = {}


def _cases(suite: Path, seen: set[Path]) -> list[Path]:
    found: list[Path] = []
    tree = etree.parse(str(suite))
    for element in tree.getroot():
        href = element.get("href")
        if href is None:
            continue
        target = (suite.parent / href).resolve()
        if element.tag == f"{{{TC}}}include":
            found += _cases(target, seen)
        elif element.tag == f"{{{TC}}}testcase" and target not in seen:
            seen.add(target)
            found.append(target)
    return found


def _all_cases() -> list[Path]:
    """The cases the xslt3 suite lists, then the case files of the folder it does not list (5 more)."""
    if not SUITE.is_dir():
        return []
    listed = _cases(SUITE / "testsuites" / "2020-xslt3.xml", set())
    return listed + sorted(set((SUITE / "testcases").resolve().rglob("*.xml")) - set(listed))


CASES = _all_cases()


def test_the_suite_is_complete():
    if not SUITE.is_dir():
        pytest.skip("the shared Schematron conformance suite is absent")
    assert len(CASES) == 87


def _schema(case: etree._Element) -> etree._Element:
    schemas = [s for s in case.find(f"{{{TC}}}schemas") if isinstance(s.tag, str)]
    for schema in schemas:
        if (schema.get("queryBinding") or "").strip() == BINDING:
            return schema
    for schema in schemas:
        if not schema.get("queryBinding"):
            return schema
    return schemas[0]


def _write(case: etree._Element, folder: Path) -> tuple[Path, Path]:
    """Write the case's schema and documents into `folder`: (schema path, first document path)."""
    documents = []
    for document in case.find(f"{{{TC}}}documents"):
        if not isinstance(document.tag, str):
            continue
        content = next(c for c in document if isinstance(c.tag, str))
        path = folder / document.get("filename")
        path.write_bytes(etree.tostring(content, xml_declaration=True, encoding="UTF-8"))
        documents.append(path)
    schema = _schema(case)
    path = folder / "schema.sch"
    path.write_bytes(etree.tostring(schema, xml_declaration=True, encoding="UTF-8"))
    return path, documents[0]


def run_case(case_path: Path, folder: Path) -> tuple[str, etree._Element | None, str]:
    """(outcome, SVRL report, error message) of one case: outcome is valid, invalid or error."""
    case = etree.parse(str(case_path)).getroot()
    schema_path, document_path = _write(case, folder)
    try:
        doc = load(document_path, require_tei=False, project_root=folder)
        diagnostics, svrl = schematron.check(doc, schema_path, root=folder)
    except TeikitError as exc:
        return "error", None, exc.message
    if any(d.rule == "schematron.runtime" for d in diagnostics):
        return "error", None, "; ".join(d.message for d in diagnostics)
    report = etree.fromstring(svrl.encode("utf-8"))
    findings = report.xpath("//svrl:failed-assert | //svrl:successful-report",
                            namespaces={"svrl": schematron.SVRL})
    return ("invalid" if findings else "valid"), report, ""


def _true_of(report: etree._Element, assertion: etree._Element) -> bool:
    """An assertion evaluated on the SVRL with Saxon (they are XPath 2+)."""
    from teikit.transform import processor

    proc = processor()
    xpath = proc.new_xpath_processor()
    for prefix, uri in assertion.nsmap.items():
        if prefix:
            xpath.declare_namespace(prefix, uri)
    xpath.set_context(xdm_item=proc.parse_xml(xml_text=etree.tostring(report, encoding="unicode")))
    return xpath.effective_boolean_value(assertion.get("assert"))


@pytest.mark.parametrize("case_path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_conformance_case(case_path, tmp_path):
    if case_path.stem in DEVIATIONS:
        pytest.skip(DEVIATIONS[case_path.stem])
    case = etree.parse(str(case_path)).getroot()
    expected = case.get("expect")
    outcome, report, error = run_case(case_path, tmp_path)
    label = " ".join("".join(case.find(f"{{{TC}}}label").itertext()).split())
    assert outcome == expected, f"{label}: expected {expected}, got {outcome} {error}"
    if report is None:
        return
    assertions = case.find(f"{{{TC}}}assertions")
    for assertion in ([] if assertions is None else assertions):
        if isinstance(assertion.tag, str):
            assert _true_of(report, assertion), f"{label}: not true of the SVRL: {assertion.get('assert')}"

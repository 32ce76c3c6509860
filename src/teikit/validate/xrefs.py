"""Cross-file pointers: `ref="persons.xml#p1"` and prefixDefs that expand to a file resolve.

`teikit.validate.pointers` checks pointers inside a document and leaves those into
other files alone; this module checks those. A pointer `FILE#ID` (or a bare `FILE`)
in any TEI pointer attribute, written directly or through a `<prefixDef>`
(`bib:X` -> `../alists/bibliography.xml#X`), is resolved against the document's
folder, then against each of the project's register folders (the configuration's
`[validate] pointer-folders`: IOSPE writes `origPlace.xml#p003` and means its
`alists/` folder). The target must be a local file inside the project root; it is
parsed once per process by the safe loader, and its `xml:id`s are looked up.

Findings (all `pointer.*` rules, so `ignore = ["pointer"]` silences them with the rest):
`pointer.file-missing` (no such file anywhere it was looked for), `pointer.unresolved`
(the file exists but has no such id; the message names the file, the hint the
closest id and its line), `pointer.outside` (a target outside the project root: not
read), `pointer.target-unreadable` (the target is not well-formed XML).
"""

from __future__ import annotations

import difflib
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import TeikitError
from teikit.load import DEFAULT_LIMITS, TEI_NS, XML_NS, Document, Limits, display_path, load
from teikit.validate import census
from teikit.validate.locate import Locator
from teikit.validate.pointers import MAY_POINT, pointer_names

XML_ID = f"{{{XML_NS}}}id"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class Target:
    """A file pointed into: its ids with the line of each, or why it could not be read."""

    path: Path
    ids: dict[str, int]
    problem: str = ""


_targets: dict[tuple[Path, int, int], Target] = {}
_lock = threading.Lock()


def read_target(path: Path, limits: Limits = DEFAULT_LIMITS, project_root: Path | None = None) -> Target:
    """The ids of one pointed-to file, read once per process (and again when it changes)."""
    path = path.resolve()
    stat = path.stat()
    key = (path, stat.st_mtime_ns, stat.st_size)
    with _lock:
        found = _targets.get(key)
    if found is not None:
        return found
    try:
        tree = load(path, limits=limits, project_root=project_root, require_tei=False)
        ids = {}
        for element in tree.root.iter(etree.Element):
            ident = element.get(XML_ID)
            if ident is not None and ident not in ids:
                ids[ident] = element.sourceline or 0
        found = Target(path, ids)
    except TeikitError as exc:
        found = Target(path, {}, exc.message.splitlines()[0])
    with _lock:
        _targets[key] = found
    return found


def _prefixes(root: etree._Element) -> dict[str, list[tuple[re.Pattern[str], str]]]:
    """prefixDef ident -> (matchPattern, replacementPattern), in document order."""
    found: dict[str, list[tuple[re.Pattern[str], str]]] = defaultdict(list)
    for node in root.iter(f"{{{TEI_NS}}}prefixDef"):
        try:
            pattern = re.compile(node.get("matchPattern", ""))
        except re.error:
            continue  # pointers.py reports a prefix whose pattern matches nothing
        found[node.get("ident", "")].append((pattern, node.get("replacementPattern", "")))
    return found


def _expand(token: str, prefixes: dict[str, list[tuple[re.Pattern[str], str]]]) -> str | None:
    prefix, _, rest = token.partition(":")
    for pattern, replacement in prefixes.get(prefix, ()):
        match = pattern.fullmatch(rest)
        if match:
            groups = (match.group(0), *match.groups())

            def group(g: re.Match, gs: tuple = groups) -> str:
                return (gs[int(g[1])] or "") if int(g[1]) < len(gs) else ""

            return re.sub(r"\$(\d)", group, replacement)
    return None


def file_pointer(token: str, prefixes: dict[str, list[tuple[re.Pattern[str], str]]]) -> str | None:
    """The `FILE#ID` (or `FILE`) a pointer token stands for, or None when it is local or external."""
    if token.startswith("#"):
        return None
    if _SCHEME.match(token):
        if token[:token.index(":")] in ("http", "https", "ftp", "mailto", "urn", "file", "data"):
            return None
        expanded = _expand(token, prefixes)
        if expanded is None or expanded.startswith("#") or _SCHEME.match(expanded):
            return None
        token = expanded
    url = urlparse(token)
    if url.scheme or url.netloc or not url.path:
        return None
    if not url.path.lower().endswith((".xml", ".tei")):
        return None  # a bare word (ref="putin") is pointers.py's missing-hash case, not a file
    return token


_FILE_VALUES = etree.XPath("//*[@*[contains(., '.xml') or contains(., '.tei')]]")
_PREFIXED_VALUES = etree.XPath("//*[@*[contains(., '.xml') or contains(., '.tei') or contains(., ':')]]")


def _may_point_to_files(root: etree._Element, prefixed: bool) -> list[etree._Element]:
    """The elements with an attribute that could name a file, found by libxml2 in one pass (for
    callers without a census of the document)."""
    return (_PREFIXED_VALUES if prefixed else _FILE_VALUES)(root)


def file_attributes(doc: Document, prefixed: bool) -> list[tuple[etree._Element, str, str]]:
    """(element, name, value) of the pointer attributes whose value could name a file, taken from
    the document's census (the walk the local pointer check makes anyway): most documents point
    into no other file, and pay almost nothing for this check."""
    found = []
    for element, name, value in census.of(doc, MAY_POINT).attributes:
        if value[:1] == "#" and " " not in value:
            continue  # one local pointer: by far the most common value
        lowered = value.lower()
        if (".xml" in lowered or ".tei" in lowered or (prefixed and ":" in value)) and (
                name in pointer_names(element)):
            found.append((element, name, value))
    return found


def candidates(doc: Document, relative: str, folders: tuple[Path, ...]) -> list[Path]:
    """Where a relative file reference may live: beside the document, then in each register folder."""
    name = unquote(relative)
    found = [(doc.path.parent / name).resolve()]
    for folder in folders:
        found.append((Path(folder) / name).resolve())
    return list(dict.fromkeys(found))


def targets_of(doc: Document, folders: tuple[Path, ...] = ()) -> list[Path]:
    """The files a document points into, with the places looked at before each was found (for the
    validation cache: a file that appears where none was must invalidate the result)."""
    prefixes = _prefixes(doc.root)
    seen: dict[Path, None] = {}
    files: dict[str, None] = {}
    for _element, _name, value in file_attributes(doc, bool(prefixes)):
        for token in value.split():
            ref = file_pointer(token, prefixes)
            if ref is not None:
                files[urlparse(ref).path] = None
    for relative in files:
        for path in candidates(doc, relative, folders):
            seen[path] = None
            if path.is_file():
                break
    return list(seen)


def check(doc: Document, locator: Locator | None = None, *, project_root: Path | None = None,
          folders: tuple[Path, ...] = (), limits: Limits = DEFAULT_LIMITS) -> list[Diagnostic]:
    """Every pointer of `doc` into another file of the project, resolved and checked."""
    locator = locator or Locator(doc)
    root_dir = Path(project_root).resolve() if project_root else doc.path.parent.resolve()
    prefixes = _prefixes(doc.root)
    found: list[Diagnostic] = []
    resolved: dict[str, tuple[Path | None, list[Path]]] = {}

    def diag(element: etree._Element, rule: str, message: str, hint: str,
             severity: Severity = Severity.ERROR) -> None:
        line, column = locator.position(element)
        found.append(Diagnostic(doc.display, line, column, severity, rule, message, hint, source="pointers"))

    for element, name, value in file_attributes(doc, bool(prefixes)):
        for token in value.split():
            ref = file_pointer(token, prefixes)
            if ref is None:
                continue
            url = urlparse(ref)
            via = f" (expanded from '{token}')" if ref != token else ""
            if url.path not in resolved:
                looked = candidates(doc, url.path, folders)
                resolved[url.path] = (next((p for p in looked if p.is_file()), None), looked)
            path, looked = resolved[url.path]
            if path is None:
                where = ", ".join(display_path(p.parent) + "/" for p in looked)
                diag(element, "pointer.file-missing",
                     f"@{name} points into '{url.path}'{via}, which does not exist (looked in {where})",
                     "add the file, fix the pointer, or name the folder that holds it in "
                     "[validate] pointer-folders of teikit.toml")
                continue
            if not path.is_relative_to(root_dir):
                diag(element, "pointer.outside",
                     f"@{name} points into {display_path(path)}{via}, outside the project root "
                     f"{display_path(root_dir)}; it was not read",
                     "keep register files inside the project (teikit.toml marks its root)",
                     Severity.WARNING)
                continue
            target = read_target(path, limits, root_dir)
            if target.problem:
                diag(element, "pointer.target-unreadable",
                     f"@{name} points into {display_path(path)}{via}, which cannot be read: "
                     f"{target.problem}",
                     "fix that file first")
                continue
            ident = unquote(url.fragment)
            if not ident or ident in target.ids:
                continue
            close = difflib.get_close_matches(ident, list(target.ids), n=1, cutoff=0.7)
            shown = display_path(path)
            hint = (f"did you mean '{close[0]}' ({shown}:{target.ids[close[0]]})?" if close
                    else f"add a record with xml:id '{ident}' to {shown}, or fix the pointer")
            diag(element, "pointer.unresolved",
                 f"@{name} points to '{ref}'{via}, but {display_path(path)} has no element with "
                 f"xml:id '{ident}'", hint)
    return found

"""Stage 1: read TEI safely. The only place in teikit that turns bytes into a tree.

Every input is untrusted: documents come from CI checkouts anybody can edit and
from the web. So the parser never resolves external entities, never loads a
DTD, never touches the network, keeps libxml2's limits against entity
amplification (billion laughs, quadratic blow-up) and refuses documents
beyond configurable size and depth limits instead of exhausting memory.
XInclude is expanded by teikit itself, not by libxml2, so every included
file goes through this same safe parser and must lie inside the project root.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import DocumentError, InputError

TEI_NS = "http://www.tei-c.org/ns/1.0"
XI_NS = "http://www.w3.org/2001/XInclude"
XML_NS = "http://www.w3.org/XML/1998/namespace"


@dataclass(frozen=True)
class Limits:
    """Resource limits for one document; raise them with the CLI's --max-* options."""

    max_bytes: int = 256 * 1024 * 1024
    max_depth: int = 5_000
    max_xinclude_depth: int = 16


DEFAULT_LIMITS = Limits()


@dataclass
class Document:
    """A parsed, XInclude-expanded TEI document and what later stages need to know of it."""

    path: Path
    tree: etree._ElementTree
    digest: str  # SHA-256 of the raw bytes: the identity used by caches and reports
    display: str = ""  # the path as the user should see it in messages
    includes: list[Path] = field(default_factory=list)

    @property
    def root(self) -> etree._Element:
        return self.tree.getroot()

    @property
    def is_tei(self) -> bool:
        return etree.QName(self.root).namespace == TEI_NS

    def __post_init__(self) -> None:
        if not self.display:
            self.display = display_path(self.path)


def display_path(path: Path) -> str:
    """Paths relative to the working directory read best in compiler-style messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def make_parser() -> etree.XMLParser:
    """The one parser configuration teikit uses for untrusted XML."""
    return etree.XMLParser(
        resolve_entities=False,  # external entities stay unexpanded references, never read
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,  # keep libxml2's amplification and size safeguards
        remove_comments=False,
        remove_pis=False,
        strip_cdata=True,
        collect_ids=False,  # xml:id uniqueness is checked by teikit with better messages
    )


def read_bytes(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    shown = display_path(path)
    try:
        if path.is_dir():
            raise InputError(f"{shown}: is a directory, not an XML file")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise InputError(
                f"{shown}: {size:,} bytes exceeds the limit of {limits.max_bytes:,} bytes",
                hint="raise it with --max-bytes if the file is trusted",
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file", hint="check the path") from None
    except PermissionError:
        raise InputError(f"{shown}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{shown}: is a directory, not an XML file") from None
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from None


def parse_bytes(data: bytes, path: Path, limits: Limits = DEFAULT_LIMITS) -> etree._ElementTree:
    """Parse bytes into a tree or raise DocumentError carrying the first syntax error's location."""
    shown = display_path(path)
    if not data.strip():
        raise DocumentError(
            f"{shown}: the file is empty",
            diagnostic=Diagnostic(shown, 1, 1, Severity.FATAL, "xml.empty", "the file is empty",
                                  hint="a TEI document starts with <TEI xmlns=\"http://www.tei-c.org/ns/1.0\">",
                                  source="xml"),
        )
    parser = make_parser()
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser, base_url=path.resolve().as_uri()))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        message = _clean_libxml2_message(exc.msg or str(exc))
        diag = Diagnostic(shown, line or 0, column or 0, Severity.FATAL, "xml.syntax", message,
                          hint=_syntax_hint(message), source="xml")
        raise DocumentError(diag.format(), diagnostic=diag) from None
    _check_entities(tree, shown)
    _check_depth(tree.getroot(), shown, limits)
    return tree


def load(path: str | Path, *, limits: Limits = DEFAULT_LIMITS, project_root: Path | None = None,
         require_tei: bool = True) -> Document:
    """Read, parse and XInclude-expand one document.

    `project_root` bounds what XInclude may reach; it defaults to the document's directory.
    """
    path = Path(path)
    data = read_bytes(path, limits)
    tree = parse_bytes(data, path, limits)
    root_dir = (project_root or path.parent).resolve()
    includes = _expand_xincludes(tree, path, root_dir, limits, depth=0, seen=(path.resolve(),))
    doc = Document(path=path, tree=tree, digest=hashlib.sha256(data).hexdigest(), includes=includes)
    if require_tei:
        check_is_tei(doc)
    return doc


def check_is_tei(doc: Document) -> None:
    root = doc.root
    qname = etree.QName(root)
    line = root.sourceline or 1
    if qname.namespace != TEI_NS:
        if qname.localname in ("TEI", "teiCorpus"):
            found = f"namespace {qname.namespace!r}" if qname.namespace else "no namespace"
            diag = Diagnostic(doc.display, line, 1, Severity.FATAL, "tei.namespace",
                              f"<{qname.localname}> is in {found}, not the TEI namespace",
                              hint=f'declare xmlns="{TEI_NS}" on the root element', source="xml")
        else:
            diag = Diagnostic(doc.display, line, 1, Severity.FATAL, "tei.root",
                              f"the root element <{root.tag}> is not a TEI document",
                              hint=f'a TEI document has <TEI xmlns="{TEI_NS}"> or <teiCorpus> as root',
                              source="xml")
        raise DocumentError(diag.format(), diagnostic=diag)


def _clean_libxml2_message(message: str) -> str:
    # lxml appends ", line N, column M" which the location already carries.
    head, sep, tail = message.rpartition(", line ")
    return head if sep and tail.replace(", column ", "").replace(" ", "").isdigit() else message


def _syntax_hint(message: str) -> str:
    lower = message.lower()
    if "not proper utf-8" in lower or "encoding" in lower:
        return 'declare the real encoding, e.g. <?xml version="1.0" encoding="ISO-8859-1"?>, or save as UTF-8'
    if "opening and ending tag mismatch" in lower:
        return "close elements in the reverse order of opening them"
    if "entity" in lower and "not defined" in lower:
        return "use a character reference (&#x2014;) or the character itself; TEI has no named entities"
    if "document is empty" in lower or "start tag expected" in lower:
        return 'a TEI document starts with <TEI xmlns="http://www.tei-c.org/ns/1.0">'
    if "extra content at the end" in lower:
        return "an XML document has exactly one root element"
    return ""


def _check_entities(tree: etree._ElementTree, shown: str) -> None:
    """Refuse external entities outright; an unresolved reference must not pass silently."""
    dtd = tree.docinfo.internalDTD
    if dtd is None:
        return
    for entity in dtd.iterentities():
        if entity.system_url or (entity.orig is None and entity.content is None):
            diag = Diagnostic(shown, 1, 1, Severity.FATAL, "xml.external-entity",
                              f"external entity '{entity.name}' ({entity.system_url}) is not allowed",
                              hint="teikit never reads external entities; inline the text instead",
                              source="xml")
            raise DocumentError(diag.format(), diagnostic=diag)


def _check_depth(root: etree._Element, shown: str, limits: Limits) -> None:
    depth_of = {root: 1}
    for element in root.iterdescendants():
        depth = depth_of[element.getparent()] + 1
        if depth > limits.max_depth:
            diag = Diagnostic(shown, element.sourceline or 0, 0, Severity.FATAL, "xml.too-deep",
                              f"elements nest deeper than {limits.max_depth:,} levels",
                              hint="raise the limit with --max-depth if the file is trusted",
                              source="xml")
            raise DocumentError(diag.format(), diagnostic=diag)
        depth_of[element] = depth


def _expand_xincludes(tree: etree._ElementTree, path: Path, root_dir: Path, limits: Limits,
                      depth: int, seen: tuple[Path, ...]) -> list[Path]:
    included: list[Path] = []
    shown = display_path(path)
    for node in list(tree.getroot().iter(f"{{{XI_NS}}}include")):
        line = node.sourceline or 0
        href = node.get("href", "")
        parse = node.get("parse", "xml")

        def fail(rule: str, message: str, hint: str = "", line: int = line) -> DocumentError:
            diag = Diagnostic(shown, line, 0, Severity.FATAL, rule, message, hint=hint, source="xml")
            return DocumentError(diag.format(), diagnostic=diag)

        if depth >= limits.max_xinclude_depth:
            raise fail("xinclude.depth", f"XInclude nesting exceeds {limits.max_xinclude_depth}")
        if not href or node.get("xpointer"):
            raise fail("xinclude.unsupported", "XInclude without href, or with xpointer, is not supported",
                       "include whole files with href")
        url = urlparse(href)
        if url.scheme not in ("", "file") or url.netloc:
            raise fail("xinclude.remote", f"XInclude of {href!r} refused: only local files are read",
                       "copy the file into the project")
        target = (path.parent / unquote(url.path)).resolve()
        if not target.is_relative_to(root_dir):
            raise fail("xinclude.outside", f"XInclude of {href!r} refused: it lies outside {root_dir}",
                       "included files must live inside the project directory")
        if target in seen:
            raise fail("xinclude.cycle", f"XInclude of {href!r} would include itself")
        try:
            data = read_bytes(target, limits)
        except InputError as exc:
            fallback = node.find(f"{{{XI_NS}}}fallback")
            if fallback is None:
                raise fail("xinclude.missing", exc.message) from None
            _replace(node, list(fallback), fallback.text)
            continue
        included.append(target)
        if parse == "text":
            encoding = node.get("encoding", "utf-8")
            try:
                text = data.decode(encoding)
            except (LookupError, UnicodeDecodeError) as exc:
                raise fail("xinclude.encoding", f"cannot decode {href!r} as {encoding}: {exc}") from None
            _replace(node, [], text)
        else:
            sub = parse_bytes(data, target, limits)
            included += _expand_xincludes(sub, target, root_dir, limits, depth + 1, (*seen, target))
            _replace(node, [sub.getroot()], None)
    return included


def _replace(node: etree._Element, elements: list[etree._Element], text: str | None) -> None:
    """Put `text` and `elements` where `node` stood, keeping the surrounding text."""
    parent = node.getparent()
    if parent is None:
        raise DocumentError("XInclude on the root element is not supported")
    tail = node.tail or ""
    prefix = text or ""
    previous = node.getprevious()
    index = parent.index(node)
    parent.remove(node)
    if prefix:
        if previous is not None:
            previous.tail = (previous.tail or "") + prefix
        else:
            parent.text = (parent.text or "") + prefix
    for offset, element in enumerate(elements):
        element.tail = None if offset < len(elements) - 1 else element.tail
        parent.insert(index + offset, element)
    if elements:
        last = elements[-1]
        last.tail = (last.tail or "") + tail
    elif previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail

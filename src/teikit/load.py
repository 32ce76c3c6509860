"""Stage 1: read TEI safely. The only place in teikit that turns bytes into a tree.

Every input is untrusted: documents come from CI checkouts anybody can edit and
from the web. The policy, enforced here for every later stage:

* Nothing outside the document is ever read: no external DTD, no external
  entity (general or parameter), no network. libxml2 asks an entity loader
  for every such resource; teikit's loader answers each request with nothing,
  so a DOCTYPE naming ``http://...`` or ``/etc/passwd`` is inert, and a
  document that *declares* an external entity is refused with a clear message.
* Internal entities (``<!ENTITY mdash "&#x2014;">``) are expanded, under
  libxml2's amplification limit, which stops "billion laughs" and quadratic
  blow-up long before memory runs out. The tree handed to later stages has
  no DOCTYPE and no entity nodes, so no stage (RELAX NG, Saxon, writers)
  ever meets one.
* Size and nesting are bounded by `Limits` (CLI: --max-bytes, --max-depth);
  exceeding one is a document error that names the option raising it.
* XInclude is expanded by teikit itself, not by libxml2, so every included
  file goes through this same parser, must lie inside the project root and
  counts against the same byte budget as the including document.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import DocumentError, InputError

TEI_NS = "http://www.tei-c.org/ns/1.0"
XI_NS = "http://www.w3.org/2001/XInclude"
XML_NS = "http://www.w3.org/XML/1998/namespace"

#: libxml2 refuses elements nested deeper than this unless parsing in "huge" mode.
LIBXML2_DEPTH = 256
#: ... and deeper than this even in huge mode: the largest --max-depth teikit can honour.
MAX_SUPPORTED_DEPTH = 2048


@dataclass(frozen=True)
class Limits:
    """Resource limits for one document; raise them with the CLI's --max-* options.

    `max_bytes` bounds the file and, together, everything it XIncludes: the
    parsed tree takes about ten times the file's size in memory, so the default
    keeps a run well under a gigabyte. `max_depth` above `LIBXML2_DEPTH` switches
    libxml2 to its "huge" mode for that run (entity amplification limits stay on).
    """

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = LIBXML2_DEPTH
    max_xinclude_depth: int = 16

    def __post_init__(self) -> None:
        if not 1 <= self.max_depth <= MAX_SUPPORTED_DEPTH:
            raise InputError(f"--max-depth {self.max_depth} is out of range",
                             hint=f"choose a depth between 1 and {MAX_SUPPORTED_DEPTH}")
        if self.max_bytes < 1:
            raise InputError(f"--max-bytes {self.max_bytes} is out of range", hint="choose a positive size")


DEFAULT_LIMITS = Limits()


@dataclass
class Document:
    """A parsed, XInclude-expanded TEI document and what later stages need to know of it."""

    path: Path
    tree: etree._ElementTree
    digest: str  # SHA-256 of the raw bytes: the identity used by caches and reports
    display: str = ""  # the path as the user should see it in messages
    includes: list[Path] = field(default_factory=list)
    external_dtd: str = ""  # the DOCTYPE's system identifier, if any: named, never read
    # the top element of each XIncluded subtree -> the file it came from (for locating problems)
    origins: dict[etree._Element, Path] = field(default_factory=dict)
    # the folder the document may reach files in (XInclude, stylesheets' doc()): the project root
    # when the document lies inside it, else its own folder
    project_root: Path | None = None

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
        return _display(Path(path), os.getcwd())
    except OSError:
        return str(path)


@functools.lru_cache(maxsize=4096)
def _display(path: Path, cwd: str) -> str:
    """`display_path` for one working directory (asked for several times per document)."""
    try:
        return str(path.resolve().relative_to(Path(cwd).resolve()))
    except (ValueError, OSError):
        return str(path)


class _NothingOutside(etree.Resolver):
    """Answers every request for a DTD or an external entity with an empty document.

    libxml2 consults this for each resource a document names (external subset,
    external general or parameter entity), whatever the parser flags say; an
    empty answer means nothing is opened and no connection is made. Requests
    are recorded so that messages can say what was ignored. Plain local paths
    without a URL scheme are what `etree.parse(path, parser)` requests for the
    document itself; they are let through only when `allow_plain_paths` is set
    (teikit's own files, e.g. schemas), never for documents, which are parsed
    from bytes with a file: base URI so that everything they name has a scheme.
    """

    def __init__(self, allow_plain_paths: bool) -> None:
        super().__init__()
        self.allow_plain_paths = allow_plain_paths
        self.refused: list[str] = []

    def resolve(self, system_url, public_id, context):
        url = system_url or ""
        if self.allow_plain_paths and url and not urlparse(url).scheme:
            return None  # default loading: the file the caller named
        self.refused.append(url or public_id or "")
        return self.resolve_string("", context)


def _configured(huge: bool, allow_plain_paths: bool) -> tuple[etree.XMLParser, _NothingOutside]:
    parser = etree.XMLParser(
        resolve_entities="internal",  # internal entities expanded (amplification-limited), external never
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=huge,  # only when the user raised --max-depth; amplification limits stay on
        remove_comments=False,
        remove_pis=False,
        strip_cdata=True,
        collect_ids=False,  # xml:id uniqueness is checked by teikit with better messages
    )
    resolver = _NothingOutside(allow_plain_paths)
    parser.resolvers.add(resolver)
    return parser, resolver


def make_parser(*, huge: bool = False) -> etree.XMLParser:
    """The parser configuration for teikit's own XML files (schemas, ODD, stylesheets).

    It never reads a DTD, an external entity or the network. Documents go
    through `load` / `parse_bytes` instead, which add limits and clear messages.
    """
    return _configured(huge, allow_plain_paths=True)[0]


def read_bytes(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read a whole input file, refusing what is not a regular file or is over the byte limit.

    Reading at most `max_bytes + 1` bytes keeps the limit honest even for a file
    that grows while it is read; FIFOs and devices are refused so a document
    named /dev/zero or a named pipe cannot hang a run.
    """
    shown = display_path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{shown}: is a directory, not an XML file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{shown}: not a regular file (a device, socket or pipe)",
                             hint="teikit reads documents from ordinary files only")
        if info.st_size > limits.max_bytes:
            raise _too_large(shown, info.st_size, limits)
        with open(path, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)
        if len(data) > limits.max_bytes:
            raise _too_large(shown, len(data), limits)
        return data
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file", hint="check the path") from None
    except PermissionError:
        raise InputError(f"{shown}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{shown}: is a directory, not an XML file") from None
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from None


def _too_large(shown: str, size: int, limits: Limits, what: str = "the file has") -> DocumentError:
    return _error(shown, 0, 0, "limit.bytes",
                  f"{what} {size:,} bytes, more than the limit of {limits.max_bytes:,} bytes",
                  f"if the file is trusted, raise the limit, e.g. --max-bytes {_round_up(size * 2)}")


def _round_up(n: int) -> int:
    step = 1024 * 1024
    return (n + step - 1) // step * step


def _error(shown: str, line: int, column: int, rule: str, message: str, hint: str = "") -> DocumentError:
    diag = Diagnostic(shown, line, column, Severity.FATAL, rule, message, hint=hint, source="xml")
    return DocumentError(diag.format(), hint=hint, diagnostic=diag)


def parse_bytes(data: bytes, path: Path, limits: Limits = DEFAULT_LIMITS) -> etree._ElementTree:
    """Parse bytes into a tree or raise DocumentError carrying the first problem's location.

    The tree has internal entities expanded and no DOCTYPE left.
    """
    return _parse(data, path, limits)[0]


def _parse(data: bytes, path: Path, limits: Limits) -> tuple[etree._ElementTree, str]:
    """`parse_bytes`, also returning the DOCTYPE's external DTD (named, never read) or ''."""
    shown = display_path(path)
    if not data.strip():
        raise _error(shown, 1, 1, "xml.empty", "the file is empty",
                     'a TEI document starts with <TEI xmlns="http://www.tei-c.org/ns/1.0">')
    huge = limits.max_depth > LIBXML2_DEPTH
    parser, resolver = _configured(huge, allow_plain_paths=False)
    base = path.resolve().as_uri()
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser, base_url=base))
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, data, shown, limits, huge, resolver.refused) from None
    _check_entities(tree, shown)
    external_dtd = tree.docinfo.system_url or ""
    tree.docinfo.clear()  # entities are expanded: no later stage sees a DOCTYPE
    if limits.max_depth < (MAX_SUPPORTED_DEPTH if huge else LIBXML2_DEPTH):
        _check_depth(tree.getroot(), shown, limits)
    return tree, external_dtd


def load(path: str | Path, *, limits: Limits = DEFAULT_LIMITS, project_root: Path | None = None,
         require_tei: bool = True) -> Document:
    """Read, parse and XInclude-expand one document.

    `project_root` bounds what XInclude may reach (files above the document's folder
    included); it applies to documents inside it, and a document elsewhere, or without a
    project root, may include only files in and below its own folder.
    """
    path = Path(path)
    data = read_bytes(path, limits)
    tree, external_dtd = _parse(data, path, limits)
    root_dir = include_root(path, project_root)
    budget = _Budget(limits, display_path(path), len(data))
    origins: dict[etree._Element, Path] = {}
    includes = _expand_xincludes(tree, path, root_dir, limits, depth=0, seen=(path.resolve(),),
                                 budget=budget, origins=origins)
    if includes:
        _check_depth(tree.getroot(), display_path(path), limits)
    doc = Document(path=path, tree=tree, digest=hashlib.sha256(data).hexdigest(), includes=includes,
                   external_dtd=external_dtd, origins=origins, project_root=root_dir)
    if require_tei:
        check_is_tei(doc)
    return doc


def include_root(path: Path, project_root: Path | None) -> Path:
    """The folder whose files `path` may XInclude: the project root when the document is inside it."""
    folder = Path(path).parent.resolve()
    if project_root is not None:
        root = Path(project_root).resolve()
        if folder.is_relative_to(root):
            return root
    return folder


def check_is_tei(doc: Document) -> None:
    root = doc.root
    qname = etree.QName(root)
    line = root.sourceline or 1
    if qname.namespace != TEI_NS:
        if qname.localname in ("TEI", "teiCorpus"):
            found = f"namespace {qname.namespace!r}" if qname.namespace else "no namespace"
            raise _error(doc.display, line, 1, "tei.namespace",
                         f"<{qname.localname}> is in {found}, not the TEI namespace",
                         f'declare xmlns="{TEI_NS}" on the root element')
        where = f" (namespace {qname.namespace})" if qname.namespace else ""
        raise _error(doc.display, line, 1, "tei.root",
                     f"the root element <{qname.localname}>{where} is not a TEI document",
                     f'a TEI document has <TEI xmlns="{TEI_NS}"> or <teiCorpus> as root')


# --------------------------------------------------------------------------- messages

_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (e.g. DOCX, ODT, EPUB)"),
    (b"\x1f\x8b", "a gzip archive"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"), (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
)
_ENTITY_NOT_DEFINED = re.compile(r"Entity '([^']+)' not defined")


def _clean_libxml2_message(message: str) -> str:
    # lxml appends ", line N, column M" which the location already carries.
    head, sep, tail = message.rpartition(", line ")
    return head if sep and tail.replace(", column ", "").replace(" ", "").isdigit() else message


def _syntax_error(exc: etree.XMLSyntaxError, data: bytes, shown: str, limits: Limits, huge: bool,
                  refused: list[str]) -> DocumentError:
    """Turn libxml2's first error into teikit's message: what is wrong, where, and how to fix it."""
    line, column = exc.position if exc.position else (0, 0)
    message = _clean_libxml2_message(exc.msg or str(exc))
    lower = message.lower()
    utf16 = _bomless_utf16(data)
    if utf16:
        return _error(shown, 1, 1, "xml.encoding",
                      f"the file is {utf16} without a byte order mark and without an XML declaration "
                      "naming its encoding, so it cannot be read",
                      f'convert it to UTF-8 (iconv -f {utf16} -t UTF-8), or save it with a byte order mark')
    kind = _binary_kind(data)
    if kind:
        return _error(shown, 0, 0, "xml.binary", f"this is {kind}, not an XML document",
                      "pass TEI XML files only; check --include/--exclude when searching directories")
    if "excessive depth" in lower:
        cap = MAX_SUPPORTED_DEPTH if huge else LIBXML2_DEPTH
        if huge:
            hint = f"{MAX_SUPPORTED_DEPTH} levels is the most teikit can parse; flatten the markup"
        else:
            hint = f"if the file is trusted, raise the limit, e.g. --max-depth {MAX_SUPPORTED_DEPTH}"
        return _error(shown, line, column, "limit.depth",
                      f"elements nest deeper than {min(cap, limits.max_depth):,} levels", hint)
    if "amplification" in lower or "entity loop" in lower or "detected an entity reference loop" in lower:
        return _error(shown, line, column, "xml.entity-expansion",
                      "entity references expand to far more text than the document contains "
                      "(an entity expansion attack such as 'billion laughs'); refused",
                      "replace the entities by the text itself or by character references such as &#x2014;")
    if "not proper utf-8" in lower or "invalid bytes in character encoding" in lower:
        return _encoding_error(data, shown, line, column, message)
    match = _ENTITY_NOT_DEFINED.search(message)
    if match:
        return _undefined_entity(match[1], data, shown, line, column, refused)
    if "huge text node" in lower or "huge input lookup" in lower or "resource limit exceeded" in lower:
        return _error(shown, line, column, "limit.text",
                      "a single text node, name or entity value is longer than libxml2 accepts "
                      "(10,000,000 characters)",
                      "split the text into paragraphs or other elements")
    return _error(shown, line, column, "xml.syntax", message, _syntax_hint(message))


def _bomless_utf16(data: bytes) -> str:
    """"UTF-16LE"/"UTF-16BE" when the text looks like UTF-16 without a byte order mark, else ''.

    Markup and most text are ASCII, so in UTF-16 every other byte of the start is NUL.
    """
    head = data[:512]
    if len(head) < 8 or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ""
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "UTF-16LE"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "UTF-16BE"
    return ""


def _binary_kind(data: bytes) -> str:
    """What a non-XML file probably is, or '' when it may be text (UTF-16/32 has NULs too)."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:4096]
    if b"\x00" not in head or head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) \
            or head[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):
        return ""
    if head.startswith((b"<\x00", b"\x00<", b"\x00\x00\x00<", b"<\x00\x00\x00")):
        return ""  # UTF-16/32 without a byte order mark
    if head.lstrip(b" \t\r\n\xef\xbb\xbf").startswith(b"<"):
        return ""  # markup with a stray NUL: libxml2's message has the position
    return "a binary file (it contains NUL bytes)"


def _encoding_error(data: bytes, shown: str, line: int, column: int, message: str) -> DocumentError:
    """Name the offending byte and the likely encoding instead of libxml2's generic complaint."""
    declared = re.match(rb"""\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""", data)
    if declared:
        name = declared[1].decode("ascii")
        return _error(shown, line, column, "xml.encoding",
                      f"the file declares encoding {name!r} but contains bytes that are not {name}",
                      "fix the encoding declaration to match how the file was saved, or save it as UTF-8")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        # Bytes 0x80-0x9F are printable only in Windows-1252 (curly quotes, dashes); in Latin-1
        # they are control characters, so their presence decides which encoding to suggest.
        likely = "windows-1252" if re.search(rb"[\x80-\x9f]", data) else "ISO-8859-1"
        return _error(shown, line, column, "xml.encoding",
                      f"the file is not UTF-8 (byte 0x{data[exc.start]:02X} cannot appear here in UTF-8) "
                      f"and declares no other encoding; it is probably {likely}",
                      f'add <?xml version="1.0" encoding="{likely}"?> as the first line, or convert it: '
                      f"iconv -f {likely.upper()} -t UTF-8")
    return _error(shown, line, column, "xml.encoding", message,
                  "save the file as UTF-8, or declare its encoding in the XML declaration")


def _undefined_entity(name: str, data: bytes, shown: str, line: int, column: int,
                      refused: list[str]) -> DocumentError:
    """An undefined entity is either a typo, a DTD entity teikit never reads, or an external one."""
    declared_external = _external_declaration(data, name)
    if declared_external is not None:
        return _error(shown, line, column, "xml.external-entity",
                      f"entity '{name}' is the external resource {declared_external!r}, "
                      "which teikit never reads",
                      "external entities are refused; put the text into the document instead")
    dtds = [u for u in refused if u]
    if dtds:
        return _error(shown, line, column, "xml.entity",
                      f"entity &{name}; is not defined in the document; teikit never reads the external DTD "
                      f"{dtds[0]!r} that may define it",
                      "use the character itself or a character reference such as &#x2014;, "
                      "or declare the entity in the document's internal subset")
    return _error(shown, line, column, "xml.entity", f"entity &{name}; is not defined",
                  "use the character itself or a character reference (&#x2014;); TEI has no named entities")


def _external_declaration(data: bytes, name: str) -> str | None:
    """The system identifier of an external entity `name`, learnt by re-parsing without expansion."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, recover=True)
    parser.resolvers.add(_NothingOutside(allow_plain_paths=False))
    try:
        root = etree.fromstring(data, parser, base_url="file:///nonexistent/")
    except etree.XMLSyntaxError:
        return None
    dtd = root.getroottree().docinfo.internalDTD if root is not None else None
    for entity in dtd.iterentities() if dtd is not None else ():
        if entity.name == name and entity.system_url:
            return entity.system_url
    return None


def _syntax_hint(message: str) -> str:
    lower = message.lower()
    if "encoding" in lower:
        return 'declare the real encoding, e.g. <?xml version="1.0" encoding="ISO-8859-1"?>, or save as UTF-8'
    if "opening and ending tag mismatch" in lower:
        return "close elements in the reverse order of opening them"
    if "document is empty" in lower or "start tag expected" in lower:
        return 'an XML file starts with markup; a TEI document with <TEI xmlns="http://www.tei-c.org/ns/1.0">'
    if "extra content at the end" in lower:
        return "an XML document has exactly one root element"
    if "xmlparsecharref: invalid xmlchar" in lower:
        return "XML does not allow this control character, not even as a character reference; remove it"
    if "char 0x0 out of allowed range" in lower or "invalid character" in lower:
        return "remove the control character; XML allows only tab, newline and carriage return below 0x20"
    if "entityref: expecting ';'" in lower or "xmlparseentityref" in lower:
        return "write a literal ampersand as &amp;"
    if "startTag: invalid element name".lower() in lower or "less than sign" in lower:
        return "write a literal '<' as &lt;"
    return ""


def _check_entities(tree: etree._ElementTree, shown: str) -> None:
    """Refuse external entity declarations, even unused: teikit never reads them."""
    dtd = tree.docinfo.internalDTD
    if dtd is None:
        return
    for entity in dtd.iterentities():
        if entity.system_url or (entity.orig is None and entity.content is None):
            raise _error(shown, 1, 1, "xml.external-entity",
                         f"external entity '{entity.name}' ({entity.system_url}) is not allowed",
                         "teikit never reads external entities; put the text into the document instead")
    # Expansion leaves no entity nodes behind; if libxml2 ever did, fail loudly rather than drop text.
    leftover = next(tree.getroot().iter(etree.Entity), None)
    if leftover is not None:
        raise _error(shown, leftover.sourceline or 0, 0, "xml.entity",
                     f"entity reference {leftover.text} could not be expanded",
                     "replace it by the text itself or a character reference")


def _check_depth(root: etree._Element, shown: str, limits: Limits) -> None:
    depth_of = {root: 1}
    for element in root.iterdescendants():
        depth = depth_of[element.getparent()] + 1
        if depth > limits.max_depth:
            raise _error(shown, element.sourceline or 0, 0, "limit.depth",
                         f"elements nest deeper than {limits.max_depth:,} levels",
                         "if the file is trusted, raise the limit with --max-depth "
                         f"(up to {MAX_SUPPORTED_DEPTH})")
        depth_of[element] = depth


# --------------------------------------------------------------------------- XInclude


@dataclass
class _Budget:
    """Bytes read for one document and everything it includes: XInclude cannot multiply input."""

    limits: Limits
    shown: str
    used: int

    def spend(self, size: int, line: int) -> None:
        self.used += size
        if self.used > self.limits.max_bytes:
            error = _too_large(self.shown, self.used, self.limits, "with its XIncludes, the document reads")
            assert error.diagnostic is not None
            diag = Diagnostic(self.shown, line, 0, Severity.FATAL, "limit.bytes", error.diagnostic.message,
                              hint=error.hint, source="xml")
            raise DocumentError(diag.format(), hint=error.hint, diagnostic=diag)


def _expand_xincludes(tree: etree._ElementTree, path: Path, root_dir: Path, limits: Limits,
                      depth: int, seen: tuple[Path, ...], budget: _Budget,
                      origins: dict[etree._Element, Path] | None = None) -> list[Path]:
    """Replace each xi:include of `tree` by what it includes; returns the files read.

    Supported as libxml2 does: `parse="xml"` with `xpointer` (a bare id, `element(id)`,
    `element(/1/2)`, `element(id/3)`), `parse="text"` with `encoding`, and `xi:fallback`,
    used whenever the resource cannot be had (missing, remote, outside the project, no
    element for the xpointer). `origins` records the top element of each included
    subtree and its file, so problems inside it are reported at that file's lines.
    """
    included: list[Path] = []
    shown = display_path(path)
    texts = _TextSlots()
    read: dict[Path, bytes] = {}  # a file included many times is read once per document
    for node in list(tree.getroot().iter(f"{{{XI_NS}}}include")):
        line = node.sourceline or 0
        href = node.get("href", "")
        parse = node.get("parse", "xml")
        pointer = node.get("xpointer")
        fallback = node.find(f"{{{XI_NS}}}fallback")

        def fail(rule: str, message: str, hint: str = "", line: int = line) -> DocumentError:
            return _error(shown, line, 0, rule, message, hint)

        if depth >= limits.max_xinclude_depth:
            raise fail("xinclude.depth", f"XInclude nesting exceeds {limits.max_xinclude_depth}")
        if not href:
            raise fail("xinclude.unsupported", "XInclude without href (of the document itself) is not "
                       "supported", "include another file with href")
        if parse not in ("xml", "text"):
            raise fail("xinclude.parse", f"parse={parse!r}: XInclude knows only parse=\"xml\" and \"text\"")
        if pointer is not None and parse == "text":
            raise fail("xinclude.xpointer", "xpointer cannot be used with parse=\"text\"")
        url = urlparse(href)
        problem: DocumentError | None = None
        target = (path.parent / unquote(url.path)).resolve()
        if url.scheme not in ("", "file") or url.netloc:
            problem = fail("xinclude.remote", f"XInclude of {href!r} refused: only local files are read",
                           "copy the file into the project")
        elif not target.is_relative_to(root_dir):
            problem = fail("xinclude.outside", f"XInclude of {href!r} refused: it lies outside the project "
                           f"directory {display_path(root_dir)}",
                           "included files must live inside the project root (the folder of teikit.toml)")
        elif target in seen:
            raise fail("xinclude.cycle", f"XInclude of {href!r} would include itself")
        data = b""
        if problem is None:
            try:
                data = read[target] if target in read else read_bytes(target, limits)
                read[target] = data
            except (InputError, DocumentError) as exc:
                problem = fail("xinclude.missing", exc.message, exc.hint)
        if problem is None and parse == "xml":
            sub, _dtd = _parse(data, target, limits)
            selected = [sub.getroot()]
            if pointer is not None:
                found = _xpointer(sub, pointer)
                if found is None:
                    problem = fail("xinclude.xpointer", f"xpointer {pointer!r} selects nothing in {href!r}",
                                   "XPointer forms supported: a bare id, element(id), element(/1/2), "
                                   "element(id/3)")
                else:
                    selected = [found]
        if problem is not None:
            if fallback is None:
                raise problem
            _replace(node, list(fallback), fallback.text, texts)
            continue
        budget.spend(len(data), line)
        included.append(target)
        if parse == "text":
            encoding = node.get("encoding", "utf-8")
            try:
                text = data.decode(encoding)
            except (LookupError, UnicodeDecodeError) as exc:
                raise fail("xinclude.encoding", f"cannot decode {href!r} as {encoding}: {exc}") from None
            _replace(node, [], text, texts)
        else:
            included += _expand_xincludes(sub, target, root_dir, limits, depth + 1, (*seen, target), budget,
                                          origins)
            element = selected[0]
            if element.getparent() is not None:
                element = _detach(element)
            if origins is not None:
                origins[element] = target
            _replace(node, [element], None, texts)
    texts.flush()
    return included


def _detach(element: etree._Element) -> etree._Element:
    """An element selected by xpointer, taken out of its tree (its tail stays behind)."""
    element.getparent().remove(element)
    element.tail = None
    return element


def _xpointer(tree: etree._ElementTree, pointer: str) -> etree._Element | None:
    """The element an XPointer selects: the first of its parts that selects one (the XPointer
    framework); a part is a bare id (shorthand) or element(id), element(/1/2), element(id/3).
    Other schemes (xpointer(), xmlns()) are skipped, as a processor without them must."""
    for match in re.finditer(r"\s*(?:([\w.-]+)\(((?:[^()^]|\^.)*)\)|([^\s()]+))", pointer):
        scheme, data, shorthand = match.groups()
        if shorthand is not None:
            found = _by_id(tree, shorthand)
        elif scheme == "element":
            found = _element_scheme(tree, data)
        else:
            continue
        if found is not None:
            return found
    return None


def _element_scheme(tree: etree._ElementTree, data: str) -> etree._Element | None:
    """element(id), element(id/2/1) or element(/1/2): an id, then child element numbers."""
    first, *steps = data.split("/")
    if first:
        element = _by_id(tree, first)
    elif steps and steps[0] == "1":  # "/1" is the document's root element
        element, steps = tree.getroot(), steps[1:]
    else:
        return None
    for step in steps:
        if element is None or not step.isdigit():
            return None
        children = [c for c in element if isinstance(c.tag, str)]
        index = int(step)
        element = children[index - 1] if 0 < index <= len(children) else None
    return element


def _by_id(tree: etree._ElementTree, ident: str) -> etree._Element | None:
    for element in tree.getroot().iter(etree.Element):
        if element.get(f"{{{XML_NS}}}id") == ident:
            return element
    return None


class _TextSlots:
    """Text added after an element (or at the start of a parent), joined once at the end.

    Thousands of parse="text" includes in one paragraph would otherwise rebuild one ever
    longer string per include (quadratic: 8,000 includes of 1 KB took minutes).
    """

    def __init__(self) -> None:
        self.pending: dict[tuple[int, int], tuple[etree._Element, etree._Element | None, list[str]]] = {}

    def add(self, parent: etree._Element, previous: etree._Element | None, text: str) -> None:
        if not text:
            return
        key = (id(parent), id(previous) if previous is not None else 0)
        if key not in self.pending:
            self.pending[key] = (parent, previous, [])
        self.pending[key][2].append(text)

    def flush(self) -> None:
        for parent, previous, parts in self.pending.values():
            _append_text(parent, previous, "".join(parts))
        self.pending.clear()


def _replace(node: etree._Element, elements: list[etree._Element], text: str | None,
             texts: _TextSlots | None = None) -> None:
    """Put `text` and `elements` where `node` stood, keeping the surrounding text (added through
    `texts` when given, which the caller flushes)."""
    parent = node.getparent()
    if parent is None:
        raise DocumentError("XInclude on the root element is not supported")
    tail = node.tail or ""
    previous = node.getprevious()
    index = parent.index(node)
    parent.remove(node)
    add = texts.add if texts is not None else _append_text
    add(parent, previous, text or "")
    for offset, element in enumerate(elements):
        element.tail = None if offset < len(elements) - 1 else element.tail
        parent.insert(index + offset, element)
    if elements:
        last = elements[-1]
        last.tail = (last.tail or "") + tail
    else:
        add(parent, previous, tail)


def remove_keeping_text(node: etree._Element) -> None:
    """Take `node` (not the root) out of its tree; the text that followed it stays where it was."""
    _replace(node, [], None)


def _append_text(parent: etree._Element, previous: etree._Element | None, text: str) -> None:
    """Add `text` after `previous` (a child of `parent`), or at the start of `parent` if None."""
    if not text:
        return
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text

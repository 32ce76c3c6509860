"""Stage 3: XSLT 3.0 on Saxon. Each stylesheet is compiled once per process and reused.

Starting a JVM and compiling per file is what makes the usual TEI toolchain slow;
here one SaxonC processor lives for the whole process and compiled executables
are cached by stylesheet path, so a batch of documents pays compilation once.

Documents reach Saxon already parsed by `teikit.load` (safe parser) and
re-serialised without any DOCTYPE, so Saxon never sees a DTD or an entity.
Saxon itself may not read any file or URL (its allowedProtocols is "data"
only): teikit reads the stylesheet modules and hands their xsl:imports over
as data: URIs. Every module passes through `teikit.sandbox`, which refuses the
functions that read the process (environment variables, Java properties) and
answers document(), doc(), unparsed-text(), collection() … with files teikit
reads itself from inside the project root.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lxml import etree
from saxonche import PySaxonApiError, PySaxonProcessor, PyXdmNode, PyXsltExecutable

from teikit import resources, sandbox
from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import DocumentError, TeikitError
from teikit.load import MAX_SUPPORTED_DEPTH, Document, make_parser

_lock = threading.RLock()
_processor: PySaxonProcessor | None = None
_executables: dict[tuple[Path, Path | None], PyXsltExecutable] = {}

ALLOWED_PROTOCOLS = "http://saxon.sf.net/feature/allowedProtocols"
JAXP_MAX_DEPTH = ("http://saxon.sf.net/feature/parserProperty"
                  "?uri=http%3A//www.oracle.com/xml/jaxp/properties/maxElementDepth")
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
TEIKIT_SCHEME = "teikit"  # xsl:import href="teikit:html.xsl" names teikit's own stylesheet
_module_names: dict[str, str] = {}  # data: URI of an inlined stylesheet module -> its file, for messages


def processor() -> PySaxonProcessor:
    global _processor
    with _lock:
        if _processor is None:
            _processor = PySaxonProcessor(license=False)
            # Only data: URIs, whose content is the URI itself: no file, no network, ever.
            # (Saxon can narrow this setting later but never widen it again.)
            _processor.set_configuration_property(ALLOWED_PROTOCOLS, "data")
            # Saxon's parser stops at 100 levels by default; teikit.load has already enforced
            # the user's --max-depth, so let Saxon take whatever it was allowed to accept.
            _processor.set_configuration_property(JAXP_MAX_DEPTH, str(MAX_SUPPORTED_DEPTH))
        return _processor


def _module_text(path: Path, stack: tuple[Path, ...] = (), root: Path | None = None) -> str:
    """A stylesheet module's text with each xsl:import/xsl:include href replaced by a data: URI.

    Saxon may not read files (see `processor`), so teikit reads the modules and
    hands them over inline; only the href values change, so line numbers in
    Saxon's messages stay those of the files.
    """
    try:
        raw = path.read_bytes()
        tree = etree.ElementTree(etree.fromstring(raw, make_parser(), base_url=path.as_uri()))
    except (OSError, etree.XMLSyntaxError) as exc:
        raise TeikitError(f"{path}: cannot read stylesheet: {exc}") from None
    text = raw.decode(tree.docinfo.encoding or "utf-8")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # the text is handed over decoded
    sheet = tree.getroot()
    if sandbox.guard(sheet, str(path)):  # resource functions rewritten: hand over the rewritten tree
        sheet = sandbox.declare(sheet)  # (may be a new root holding the children: imports are there)
        text = etree.tostring(sheet, encoding="unicode")
    text = sandbox.with_base(text, sandbox.virtual_uri(path, root or path.parent))
    for element in sheet.iter(f"{{{XSL_NS}}}import", f"{{{XSL_NS}}}include"):
        href = element.get("href", "")
        url = urlparse(href)
        if url.scheme == TEIKIT_SCHEME:  # a project stylesheet importing teikit's (teikit:html.xsl)
            target = (resources.xslt_dir() / unquote(url.path)).resolve()
            if not target.is_relative_to(resources.xslt_dir().resolve()) or not target.is_file():
                raise TeikitError(f"{path}: imports {href!r}, which is not one of teikit's stylesheets",
                                  hint="teikit:html.xsl, teikit:pdf.xsl and teikit:text.xsl are")
        elif url.scheme not in ("", "file") or url.netloc:
            raise TeikitError(f"{path}: imports {href!r}; stylesheets may import only local files "
                              "and teikit's own (teikit:html.xsl)")
        else:
            target = (path.parent / unquote(url.path)).resolve()
        if target in stack:
            raise TeikitError(f"{path}: imports {href!r} in a cycle")
        inlined = _module_text(target, (*stack, path), root or path.parent)
        uri = "data:application/xml;base64," + base64.b64encode(inlined.encode("utf-8")).decode("ascii")
        _module_names[uri] = str(target)
        text = re.sub(r"""href\s*=\s*(["'])""" + re.escape(href) + r"\1", f'href="{uri}"', text)
    return text


def _readable(message: str, collapse: bool = True) -> str:
    """Saxon names inlined modules by (parts of) their data: URI; name the files instead."""
    for uri, name in _module_names.items():
        payload = uri.partition("base64,")[2]
        message = re.sub(r"(?:data:)?(?:application/)?xml;base64," + re.escape(payload), name, message)
        message = message.replace(payload, name)
    return " ".join(message.split()) if collapse else message


@contextlib.contextmanager
def _saxon_stderr() -> Iterator[list[str]]:
    """Collect what Saxon prints to the process's stderr (it prints each error besides raising it).

    teikit reports every problem once, in its own format; Saxon's printout holds
    the stylesheet location, so it is kept for the message instead of shown raw.
    """
    captured: list[str] = []
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield captured
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            captured.append(sink.read(20_000).decode("utf-8", "replace"))


def _failure(exc: PySaxonApiError, printed: list[str]) -> str:
    message = _readable(str(exc))
    detail = _readable("".join(printed))
    return f"{message} ({detail})" if detail and detail not in message else message


def _compile_file(path: Path, root: Path | None = None) -> PyXsltExecutable | None:
    """Compile a stylesheet file and everything it imports, without Saxon reading a file; its
    relative URIs (doc('lookup.xml')) resolve inside `root` (default: the stylesheet's folder)."""
    compiler = processor().new_xslt30_processor()
    text = sandbox.with_library(_module_text(path, (), root))
    return compiler.compile_stylesheet(stylesheet_text=text, encoding="UTF-8")


def stylesheet_path(name: str) -> Path:
    """`name` is a stylesheet in teikit's xslt/ folder (e.g. 'html') or a path to one."""
    candidate = Path(name)
    if candidate.suffix in (".xsl", ".xslt") and candidate.is_file():
        return candidate.resolve()
    path = resources.xslt_dir() / f"{name}.xsl"
    if not path.is_file():
        raise TeikitError(f"no stylesheet named {name!r} in {resources.xslt_dir()}")
    return path


def compiled(name: str, root: Path | None = None) -> PyXsltExecutable:
    """The compiled executable for a stylesheet, compiling it on first use in this process (per
    project root for a project's own stylesheet inside it, whose file reads resolve there)."""
    path = stylesheet_path(name)
    if root is not None and not path.is_relative_to(Path(root).resolve()):
        root = None  # teikit's own stylesheets: one compilation for every project
    key = (path, Path(root).resolve() if root is not None else None)
    with _lock:
        executable = _executables.get(key)
        if executable is None:
            try:
                with _saxon_stderr() as printed:
                    executable = _compile_file(path, key[1])
            except PySaxonApiError as exc:
                raise TeikitError(f"{path}: stylesheet does not compile: {_failure(exc, printed)}") from None
            except sandbox.SandboxError as exc:
                raise TeikitError(f"stylesheet refused: {exc.message}", hint=exc.hint) from None
            if executable is None:
                raise TeikitError(f"{path}: stylesheet does not compile")
            _executables[key] = executable
    return executable


def forget_compiled() -> None:
    """Drop compiled stylesheets, so the next use compiles the files as they are now.

    For long-lived processes (a library caller, a -j1 batch after an edit of xslt/):
    the batch builder calls it when the stylesheets' content fingerprint changes.
    """
    with _lock:
        _executables.clear()


def to_xdm(doc: Document | etree._ElementTree, base_uri: str | None = None,
           drop: re.Pattern[str] | None = None) -> PyXdmNode:
    """Hand a safely parsed tree to Saxon: root element and top-level comments and PIs, never a DOCTYPE.

    A DOCTYPE would make Saxon's own parser fetch the external DTD it names. The base
    URI is the document's virtual one (`teikit.sandbox`): no real path reaches Saxon.
    `drop` matches characters left out of the tree (the outputs': `teikit.write.characters`).
    """
    if base_uri is None:
        base_uri = (sandbox.virtual_uri(doc.path, doc.path.parent) if isinstance(doc, Document)
                    else f"{sandbox.SCHEME}:/document.xml")
    tree = doc.tree if isinstance(doc, Document) else doc
    if tree.docinfo.doctype:
        root = tree.getroot()
        before = []
        node = root.getprevious()
        while node is not None:
            before.append(node)
            node = node.getprevious()
        parts = [etree.tostring(n, encoding="unicode") for n in reversed(before)]
        parts.append(etree.tostring(root, encoding="unicode", with_tail=False))
        parts += [etree.tostring(n, encoding="unicode") for n in root.itersiblings()]
        text = "".join(parts)
    else:
        text = etree.tostring(tree, encoding="unicode")
    if drop is not None:
        text = drop.sub("", text)
    builder = processor().new_document_builder()
    builder.set_base_uri(base_uri)
    return builder.parse_xml(xml_text=text)


_last_node: tuple[int, str, PyXdmNode] | None = None


def document_node(doc: Document, drop: re.Pattern[str] | None = None) -> PyXdmNode:
    """The document as a Saxon tree, shared by every output of one document.

    The writers run one after the other on the same Document; handing the tree to
    Saxon costs about a third of a text transformation, so the last one is kept
    (keyed by the object and its content digest) and reused.
    """
    global _last_node
    with _lock:
        key = f"{doc.digest} {drop.pattern if drop is not None else ''}"
        if _last_node is not None and _last_node[0] == id(doc) and _last_node[1] == key:
            return _last_node[2]
        node = to_xdm(doc, drop=drop)
        _last_node = (id(doc), key, node)
        return node


def _value(value: Any):
    proc = processor()
    if isinstance(value, bool):
        return proc.make_boolean_value(value)
    if isinstance(value, int):
        return proc.make_integer_value(value)
    return proc.make_string_value(str(value))


def run(name: str, doc: Document, params: dict[str, Any] | None = None,
        node: PyXdmNode | None = None, root: Path | None = None) -> str:
    """Apply stylesheet `name` to `doc` and return the serialised result.

    Pass `node` to reuse one Saxon tree for several stylesheets of the same document;
    `root` is the project root the stylesheet may read files from (default: the document's folder).
    """
    executable = compiled(name, root)
    with _lock:
        executable.clear_parameters()
        for key, value in (params or {}).items():
            executable.set_parameter(key, _value(value))
        source = node or to_xdm(doc)
        last: list[list[str]] = [[]]

        def attempt() -> str:  # Saxon's printout of the final run only (earlier ones stopped for a file)
            with _saxon_stderr() as printed:
                last[0] = printed
                return executable.transform_to_string(xdm_node=source)

        try:
            result = sandbox.run(executable, sandbox.files_for(root or doc.path.parent), attempt)
        except (PySaxonApiError, sandbox.SandboxError) as exc:
            why = exc.message if isinstance(exc, sandbox.SandboxError) else _failure(exc, last[0])
            label = Path(name).stem if name.endswith((".xsl", ".xslt")) else name
            diag = Diagnostic(doc.display, 0, 0, Severity.ERROR, f"transform.{label}",
                              f"the {label} stylesheet failed: {why}", source="xslt")
            raise DocumentError(diag.format(), diagnostic=diag) from None
    printed = last[0]
    if printed and printed[0].strip():  # xsl:message output of a successful run: pass it on
        sys.stderr.write(_readable(printed[0], collapse=False))
    return result or ""

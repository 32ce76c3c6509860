"""Stage 3: XSLT 3.0 on Saxon. Each stylesheet is compiled once per process and reused.

Starting a JVM and compiling per file is what makes the usual TEI toolchain slow;
here one SaxonC processor lives for the whole process and compiled executables
are cached by stylesheet path, so a batch of documents pays compilation once.

Documents reach Saxon already parsed by `teikit.load` (safe parser) and
re-serialised, so Saxon never sees a DTD or an external entity.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from lxml import etree
from saxonche import PySaxonApiError, PySaxonProcessor, PyXdmNode, PyXsltExecutable

from teikit import resources
from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import DocumentError, TeikitError
from teikit.load import Document

_lock = threading.RLock()
_processor: PySaxonProcessor | None = None
_executables: dict[Path, PyXsltExecutable] = {}


def processor() -> PySaxonProcessor:
    global _processor
    with _lock:
        if _processor is None:
            _processor = PySaxonProcessor(license=False)
        return _processor


def stylesheet_path(name: str) -> Path:
    """`name` is a stylesheet in teikit's xslt/ folder (e.g. 'html') or a path to one."""
    candidate = Path(name)
    if candidate.suffix in (".xsl", ".xslt") and candidate.is_file():
        return candidate.resolve()
    path = resources.xslt_dir() / f"{name}.xsl"
    if not path.is_file():
        raise TeikitError(f"no stylesheet named {name!r} in {resources.xslt_dir()}")
    return path


def compiled(name: str) -> PyXsltExecutable:
    """The compiled executable for a stylesheet, compiling it on first use in this process."""
    path = stylesheet_path(name)
    executable = _executables.get(path)
    if executable is None:
        compiler = processor().new_xslt30_processor()
        try:
            executable = compiler.compile_stylesheet(stylesheet_file=str(path))
        except PySaxonApiError as exc:
            raise TeikitError(f"{path}: stylesheet does not compile: {exc}") from None
        if executable is None:
            raise TeikitError(f"{path}: stylesheet does not compile")
        _executables[path] = executable
    return executable


def forget_compiled() -> None:
    """Drop compiled stylesheets, so the next use compiles the files as they are now.

    For long-lived processes (a library caller, a -j1 batch after an edit of xslt/):
    the batch builder calls it when the stylesheets' content fingerprint changes.
    """
    with _lock:
        _executables.clear()


def to_xdm(doc: Document | etree._ElementTree) -> PyXdmNode:
    """Hand a safely parsed tree to Saxon (no DTD, entities already handled by lxml)."""
    tree = doc.tree if isinstance(doc, Document) else doc
    text = etree.tostring(tree, encoding="unicode")
    node = processor().parse_xml(xml_text=text)
    return node


def _value(value: Any):
    proc = processor()
    if isinstance(value, bool):
        return proc.make_boolean_value(value)
    if isinstance(value, int):
        return proc.make_integer_value(value)
    return proc.make_string_value(str(value))


def run(name: str, doc: Document, params: dict[str, Any] | None = None,
        node: PyXdmNode | None = None) -> str:
    """Apply stylesheet `name` to `doc` and return the serialised result.

    Pass `node` to reuse one Saxon tree for several stylesheets of the same document.
    """
    executable = compiled(name)
    with _lock:
        executable.clear_parameters()
        for key, value in (params or {}).items():
            executable.set_parameter(key, _value(value))
        try:
            result = executable.transform_to_string(xdm_node=node or to_xdm(doc))
        except PySaxonApiError as exc:
            diag = Diagnostic(doc.display, 0, 0, Severity.ERROR, f"transform.{name}",
                              f"the {name} stylesheet failed: {exc}", source="xslt")
            raise DocumentError(diag.format(), diagnostic=diag) from None
    return result or ""

"""Register files feed the registers of the documents that point into them.

A letter that writes `<persName ref="persons.xml#p1">` names a person kept in the
project's register file. Before the writers run, the records such a document points
to (person, place, org, event, bibl… in a `list*` of the target file) are copied into
a `<standOff>` of a private copy of the document, under ids of their own, and the
pointers are rewritten to them, so the HTML and PDF index, entity links and
authority links work as for records kept in the document itself. The source is never
changed; the files read are inside the project root and count as the output's
sources in the build cache. Targets are found exactly as validation finds them
(`teikit.validate.xrefs`: beside the document, then in `pointer-folders`).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from teikit.errors import TeikitError
from teikit.load import TEI_NS, XML_NS, Document, load
from teikit.validate import xrefs
from teikit.validate.pointers import REGISTERS, pointer_attributes

XML_ID = f"{{{XML_NS}}}id"
_RECORDS = {f"{{{TEI_NS}}}{kind}" for kinds in REGISTERS.values() for kind in kinds}
_LISTS = {f"{{{TEI_NS}}}{name}" for name in REGISTERS}


def _new_id(path: Path, ident: str) -> str:
    stem = re.sub(r"[^\w.-]", "_", path.stem)
    return f"x.{stem}.{ident}"


def attach(doc: Document, folders: tuple[Path, ...] = (), project_root: Path | None = None) -> tuple[
        Document, list[Path]]:
    """`doc` with the register records it points to in other files (a copy; `doc` itself when it
    points into none), and the files read for them."""
    root_dir = Path(project_root).resolve() if project_root else doc.path.parent.resolve()
    prefixes = xrefs._prefixes(doc.root)
    wanted: dict[tuple[Path, str], list[tuple[etree._Element, str, str]]] = {}
    for element in xrefs._may_point_to_files(doc.root, bool(prefixes)):
        for name, value in pointer_attributes(element):
            for token in value.split():
                ref = xrefs.file_pointer(token, prefixes)
                if ref is None:
                    continue
                url = urlparse(ref)
                target = next((p for p in xrefs.candidates(doc, url.path, folders) if p.is_file()), None)
                if target is None or not target.is_relative_to(root_dir) or not url.fragment:
                    continue
                wanted.setdefault((target, unquote(url.fragment)), []).append((element, name, token))
    if not wanted:
        return doc, []
    trees: dict[Path, etree._Element | None] = {}
    found: dict[tuple[Path, str], etree._Element] = {}
    for path, ident in wanted:
        if path not in trees:
            try:
                trees[path] = load(path, project_root=root_dir, require_tei=False).root
            except TeikitError:
                trees[path] = None  # validation reports the unreadable file
        tree = trees[path]
        if tree is None:
            continue
        record = next((e for e in tree.iter(*_RECORDS) if e.get(XML_ID) == ident), None)
        if record is not None and record.getparent() is not None and record.getparent().tag in _LISTS:
            found[path, ident] = record
    if not found:
        return doc, []
    tree = copy.deepcopy(doc.tree)
    originals = list(doc.root.iter())
    copies = dict(zip(originals, tree.getroot().iter(), strict=True))
    standoff = etree.Element(f"{{{TEI_NS}}}standOff", type="teikit-registers")
    lists: dict[tuple[Path, str], etree._Element] = {}
    for (path, ident), record in found.items():
        key = (path, record.getparent().tag)
        if key not in lists:
            lists[key] = etree.SubElement(standoff, record.getparent().tag)
        entry = copy.deepcopy(record)
        entry.tail = None
        for inner in entry.iter():
            if inner.get(XML_ID) is not None:
                inner.set(XML_ID, _new_id(path, inner.get(XML_ID)))
        lists[key].append(entry)
        for element, name, token in wanted[path, ident]:
            mine = copies[element]
            tokens = mine.get(name, "").split()
            mine.set(name, " ".join(f"#{_new_id(path, ident)}" if t == token else t for t in tokens))
    header = tree.getroot().find(f"{{{TEI_NS}}}teiHeader")
    if header is not None:
        header.addnext(standoff)
    else:
        tree.getroot().insert(0, standoff)
    enriched = Document(path=doc.path, tree=tree, digest=doc.digest, display=doc.display,
                        includes=doc.includes, external_dtd=doc.external_dtd, project_root=doc.project_root)
    return enriched, sorted({path for path, _ident in found})

"""A simplified copy of a grammar that libxml2 compiles fast and that accepts the same documents.

`simplified` makes it once per schema and machine and keeps it in the cache directory, keyed by
the schema's SHA-256 (see schemas/README.md for why the language accepted is unchanged).
"""

from __future__ import annotations

import contextlib
import copy
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from teikit.errors import InputError, TeikitError
from teikit.load import display_path, make_parser
from teikit.validate.grammar.analysis import ORIGINAL_START, element_defines
from teikit.validate.grammar.rng_syntax import R as _R
from teikit.validate.grammar.rng_syntax import element_name
from teikit.validate.grammar.rng_syntax import local as _local
from teikit.validate.grammar.rng_syntax import rng as _rng

SIMPLIFY_VERSION = "3"  # bump when `simplify` changes, so cached copies are rebuilt


# --------------------------------------------------------------------------- simplification


# Elements whose mixed content keeps its original form, which libxml2 compiles into an automaton:
# validating with an automaton is several times faster than libxml2's interpreter for interleave, and
# these elements carry most of the running text of any TEI document (prose, verse, drama, phrases),
# so they are most of what is validated. Each one costs ~30 ms of compile time per process (TEI's
# mixed content), too much for elements that are rare, which get the interleave form (see `simplify`).
COMPILED_MIXED = frozenset({"p", "l", "ab", "seg", "hi", "head", "speaker", "stage"})
_INTERLEAVED = ".teikit-interleaved"  # suffix of the copies of defines with mixed content rewritten


def simplify(tree: etree._ElementTree) -> etree._ElementTree:
    """A copy of a grammar that libxml2 compiles fast and that accepts exactly the same documents.

    Why compiling tei_all.rng takes libxml2 ~10 s: for every element whose content model it can turn
    into a finite automaton, it builds one and checks it for determinism, pairwise over the transitions
    leaving each state. TEI's mixed content (`zeroOrMore(choice(text, ...hundreds of elements...))`)
    makes states with hundreds of transitions, in hundreds of elements. Two rewrites, both equalities
    of the RELAX NG semantics, avoid that:

    1. `zeroOrMore(choice(text, p1, ..., pn))` becomes `interleave(text, zeroOrMore(choice(p1, ..., pn)))`.
       This is how the specification itself defines `<mixed>` (section 4.13): `text` matches any run
       of text nodes, and interleaving it with a pattern allows text anywhere between what that
       pattern matches, which is what `text` as one more alternative of the repetition allows.
       libxml2 does not compile interleaves into automata; it validates them ~6x slower, so the
       rewrite applies to every element except those named in `COMPILED_MIXED`. Defines shared by
       both kinds (TEI's macro.paraContent) are copied: the copy, named with `_INTERLEAVED`, is
       rewritten and referenced from the other elements' content.
    2. Defines that no `start` reaches are dropped (they cannot change what is valid).

    A third change serves error reporting: `start` also offers every element that is the sole content
    of a define, so subtrees can be validated on their own (`LxmlChecker` checks the root against
    the original start names, so validity of whole documents is unchanged).
    Grammars with include/externalRef are returned unchanged (their parts live in other files).
    """
    tree = copy.deepcopy(tree)
    root = tree.getroot()
    if _local(root) != "grammar" or any(True for _ in root.iter(_rng("include"), _rng("externalRef"),
                                                                   _rng("parentRef"))):
        return tree
    _interleave_mixed(root)
    defines: dict[str, list[etree._Element]] = {}
    for d in root.iter(_rng("define")):
        defines.setdefault(d.get("name"), []).append(d)
    element_defs = element_defines(root, defines)
    starts = list(root.iter(_rng("start")))
    if len(starts) == 1 and starts[0].get("combine") is None:
        start = starts[0]
        content = [k for k in start if isinstance(k.tag, str)]
        refs = [r for r in start.iter(_rng("ref"))]
        if all(_local(n) in ("choice", "ref") for k in content for n in k.iter(etree.Element)):
            # remember what the original start allowed (a foreign attribute, ignored by RELAX NG)
            start.set(ORIGINAL_START, " ".join(r.get("name") for r in refs))
        choice = etree.SubElement(start, _rng("choice"))
        for k in content:
            choice.append(k)
        for name in sorted(element_defs):
            etree.SubElement(choice, _rng("ref"), name=name)
    reachable: set[str] = set()
    todo = [r.get("name") for s in root.iter(_rng("start")) for r in s.iter(_rng("ref"))]
    while todo:
        name = todo.pop()
        if name in reachable:
            continue
        reachable.add(name)
        for d in defines.get(name, []):
            todo.extend(r.get("name") for r in d.iter(_rng("ref")))
    for name, nodes in defines.items():
        if name not in reachable:
            for d in nodes:
                d.getparent().remove(d)
    return tree


def _as_interleave(rep: etree._Element) -> bool:
    """Rewrite one `zeroOrMore(choice(text, ...))` in place (see `simplify`); False if it is not one."""
    kids = [k for k in rep if isinstance(k.tag, str)]
    if len(kids) != 1 or _local(kids[0]) != "choice":
        return False
    choice = kids[0]
    texts = [k for k in choice if _local(k) == "text"]
    others = [k for k in choice if isinstance(k.tag, str) and _local(k) != "text"]
    if not texts or not others:
        return False
    for t in texts:
        choice.remove(t)
    inter = etree.Element(_rng("interleave"))
    rep.addprevious(inter)
    inter.tail, rep.tail = rep.tail, None
    etree.SubElement(inter, _rng("text"))
    inter.append(rep)
    return True


def _interleave_mixed(root: etree._Element) -> None:
    """Rewrite the mixed content of every element not in `COMPILED_MIXED`, copying shared defines."""
    defines: dict[str, list[etree._Element]] = {}
    for d in root.iter(_rng("define")):
        defines.setdefault(d.get("name"), []).append(d)
    copies: dict[str, str] = {}  # define name -> the name its content's rewritten copy goes by

    def own_patterns(node: etree._Element) -> Iterable[etree._Element]:
        """The patterns of `node`'s content, not descending into nested elements."""
        for child in node:
            if isinstance(child.tag, str) and child.tag.startswith(_R):
                yield child
                if _local(child) != "element":
                    yield from own_patterns(child)

    def rewrite(body: etree._Element) -> bool:
        changed = False
        for node in list(own_patterns(body)):
            kind = _local(node)
            if kind == "zeroOrMore" and _as_interleave(node):
                changed = True
            elif kind == "ref":
                renamed = rewritten(node.get("name"))
                if renamed != node.get("name"):
                    node.set("name", renamed)
                    changed = True
        return changed

    def rewritten(name: str) -> str:
        if name in copies:
            return copies[name]
        copies[name] = name  # recursion passes through elements only, which are rewritten on their own
        nodes = defines.get(name, [])
        duplicates = [copy.deepcopy(d) for d in nodes]
        if any([rewrite(d) for d in duplicates]):
            for original, duplicate in zip(nodes, duplicates, strict=True):
                duplicate.set("name", name + _INTERLEAVED)
                original.addnext(duplicate)
            copies[name] = name + _INTERLEAVED
        return copies[name]

    for el in list(root.iter(_rng("element"))):
        name = element_name(el)
        if name is None or etree.QName(name).localname not in COMPILED_MIXED:
            rewrite(el)


def cache_dir() -> Path:
    """Where simplified schemas are kept: $TEIKIT_CACHE_DIR, $XDG_CACHE_HOME/teikit or ~/.cache/teikit."""
    env = os.environ.get("TEIKIT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "teikit"


def schema_key(data: bytes) -> str:
    """The name of a schema's simplified copy: its bytes' SHA-256 and what `simplify` does to them."""
    import hashlib

    recipe = SIMPLIFY_VERSION + " " + " ".join(sorted(COMPILED_MIXED))
    return hashlib.sha256(data + recipe.encode()).hexdigest()


def simplified(schema: Path) -> Path:
    """The simplified copy of `schema`, made once and kept on disk keyed by the schema's SHA-256.

    Making it includes compiling the whole grammar once, so that errors in the schema are reported
    even where no document's vocabulary reaches (see `LxmlChecker`).
    """
    from teikit import fsutil

    try:
        data = schema.read_bytes()
    except OSError as exc:
        raise InputError(f"{display_path(schema)}: cannot read the schema: {exc.strerror or exc}",
                         hint="check the --schema path") from None
    key = schema_key(data)
    target = cache_dir() / "rng" / f"{key}.rng"
    if target.is_file():
        return target
    from teikit.validate.grammar import prepared

    shipped = prepared.lookup(key)
    if shipped is not None:  # the bundled tei_all.rng: simplified, analysed and proved by teikit's tests
        simple_bytes, analysis = shipped
        try:
            fsutil.write_bytes(target, simple_bytes)
        except (OSError, TeikitError):
            return _private_copy(simple_bytes, key)
        with contextlib.suppress(OSError, TeikitError):
            fsutil.write_bytes(target.with_suffix(".json"), analysis)
        return target
    try:
        tree = etree.ElementTree(etree.fromstring(data, make_parser(), base_url=schema.resolve().as_uri()))
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{display_path(schema)}: the schema is not well-formed XML: {exc}") from None
    if any(True for _ in tree.getroot().iter(_rng("include"), _rng("externalRef"))):
        return schema  # relative references must resolve next to the original
    simple = simplify(tree)
    try:  # once per schema: the whole grammar must compile, though checks use specialised copies
        etree.RelaxNG(simple)
    except etree.RelaxNGParseError as exc:
        raise InputError(f"{display_path(schema)}: not a usable RELAX NG schema: {exc}",
                         hint="check the --schema path; teikit reads RELAX NG's XML syntax") from None
    out = etree.tostring(simple, xml_declaration=True, encoding="utf-8")
    try:
        fsutil.write_bytes(target, out)
    except (OSError, TeikitError):
        return _private_copy(out, key)
    return target


def _private_copy(data: bytes, key: str) -> Path:
    """An unwritable cache is no error: keep the simplified schema in a temporary file instead."""

    path = Path(tempfile.gettempdir()) / f"teikit-{os.getuid()}-{key}.rng"
    path.write_bytes(data)
    return path


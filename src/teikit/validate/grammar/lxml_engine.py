"""The default grammar engine: libxml2 through lxml, from the simplified, specialised schema.

A valid document costs one validation; an invalid one is handed to `Diagnosis`, which finds
every error. `compile_count` counts the grammars this process compiled (what the caches save).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from teikit.diagnostics import Diagnostic
from teikit.errors import InputError, TeikitError
from teikit.load import Document, display_path, make_parser
from teikit.validate import census
from teikit.validate.grammar.analysis import SchemaInfo, analyse, load_analysis, store_analysis
from teikit.validate.grammar.checker import GrammarChecker
from teikit.validate.grammar.diagnosis import Diagnosis, shallow
from teikit.validate.grammar.models import ContentModels
from teikit.validate.grammar.rng_syntax import XML_NS, attribute_name, element_name
from teikit.validate.grammar.rng_syntax import local as _local
from teikit.validate.grammar.rng_syntax import rng as _rng
from teikit.validate.grammar.simplification import simplified
from teikit.validate.grammar.specialise import Specialiser, specialisable, without_unused_attributes

compile_count = 0  # how many schemas this process compiled: the cache's observable effect
XML_ID = f"{{{XML_NS}}}id"
# In a vocabulary, "@" + the Clark name of an attribute the documents use; ALL_ATTRIBUTES: a
# document whose attributes were not counted, for which every attribute pattern stays.
ALL_ATTRIBUTES = "@*"
SPECIALISE_VERSION = "2"  # bump when the specialiser's output changes, so kept grammars are remade


@dataclass
class LxmlChecker(GrammarChecker):
    """libxml2 through lxml, from the simplified schema; reports every error it can find.

    The schema is compiled specialised to the element names of the documents checked so far
    (`teikit.validate.grammar.specialise`): a new document whose names are all known reuses the compiled
    grammar, one with new names widens it and compiles again (milliseconds, not the ~0.8 s that
    the whole of tei_all.rng costs). Grammars the specialiser cannot handle are compiled whole.
    Once the attribute names the documents use are remembered (a run that starts without them
    keeps every attribute and writes them down), the optional attributes none of them uses are
    cut too (`without_unused_attributes`).

    A valid document costs one validation. For an invalid one, a private copy of the tree is
    examined bottom-up: a subtree that validates on its own is fine; otherwise its children are
    examined first, then the element itself, whose offending child or attribute is removed from
    the copy so validation can go on and find the next error (up to MAX_ERRORS).
    """

    info: SchemaInfo = field(init=False, repr=False)
    _whole: etree.RelaxNG | None = field(init=False, repr=False, default=None)
    _simple_path: Path = field(init=False, repr=False)
    _simple: etree._ElementTree | None = field(init=False, repr=False, default=None)
    _models: ContentModels | None = field(init=False, repr=False, default=None)
    _specialisable: bool = field(init=False, repr=False, default=False)
    _analysis: dict | None = field(init=False, repr=False, default=None)  # the specialiser's, from disk
    _element_names: frozenset[str] = field(init=False, repr=False, default=frozenset())
    _specialiser: Specialiser | None = field(init=False, repr=False, default=None)
    _vocabulary: frozenset[str] = field(init=False, repr=False, default=frozenset())
    _compiled: etree.RelaxNG | None = field(init=False, repr=False, default=None)
    _names_file: Path | None = field(init=False, repr=False, default=None)
    _grammar: etree._ElementTree | None = field(init=False, repr=False, default=None)  # specialised
    _grammar_file: Path | None = field(init=False, repr=False, default=None)  # ... as kept on disk
    _hollow: dict[str, etree.RelaxNG] = field(init=False, repr=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)
    _ids: bool | None = field(init=False, repr=False, default=None)  # see `_ids_typed`
    _defined_names: frozenset[str] | None = field(init=False, repr=False, default=None)
    _learning_attributes: bool = field(init=False, repr=False, default=False)
    _attributes_seen: frozenset[str] = field(init=False, repr=False, default=frozenset())

    def __post_init__(self) -> None:
        compiled_path = self._simple_path = simplified(self.schema)
        cached = load_analysis(compiled_path) if compiled_path != self.schema else None
        if cached is not None:
            # Everything a run needs is on disk: the analysis, the names met before and the grammar
            # specialised to them. The simplified schema itself is read only when a document brings
            # new names or has errors to explain.
            self.info, self._analysis = cached
            self._element_names = frozenset(self._analysis["element_names"])
            self._specialisable = True
        else:
            tree = self._simple_tree()
            self.info = analyse(tree)
            self._specialisable = specialisable(tree)
            if self._specialisable:
                self._specialiser = Specialiser(tree)
                self._element_names = self._specialiser.element_names
                if compiled_path != self.schema:
                    store_analysis(compiled_path, self.info, self._specialiser)
            else:
                self._compiled = self._compile(tree)
        if self._specialisable and compiled_path != self.schema:
            # a cached simplified copy: what is learnt is kept beside it
            self._names_file = compiled_path.with_suffix(".names")
            self._vocabulary = self._remembered()
            # no attribute names remembered yet: this run keeps every attribute pattern and only
            # writes down the names it meets (a first run would otherwise compile again for each)
            self._learning_attributes = not any(n[:1] == "@" for n in self._vocabulary)
            if self._learning_attributes:
                self._vocabulary |= {ALL_ATTRIBUTES}
            if self._vocabulary:  # compiled now, so that workers forked from here inherit it
                self._specialise()
        if compiled_path != self.schema and not self.info.exact_start:
            # the root cannot be judged by name alone: keep the original start for the verdict
            self._whole = self._compile(etree.parse(str(self.schema), make_parser()))

    def prepare(self) -> None:
        """What each process would make on its first document, made once before workers are forked:
        the simplified schema parsed (whether xml:id is an ID), the content models the diagnosis of
        an invalid document needs and, on a first run, with no grammar compiled yet, the
        specialiser (then only the compilations are left to each worker)."""
        self._ids_typed()
        _ = self.models
        if self._specialisable and self._compiled is None:
            _ = self.specialiser

    @property
    def _defined(self) -> frozenset[str]:
        """The names a vocabulary may hold for this grammar: its elements, "@" and its attributes."""
        if self._defined_names is None:
            attributes = {"@" + a for names in self.info.attributes.values() for a in names}
            self._defined_names = self._element_names | attributes | {ALL_ATTRIBUTES}
        return self._defined_names

    def _simple_tree(self) -> etree._ElementTree:
        """The simplified schema, parsed when first needed."""
        if self._simple is None:
            try:
                self._simple = etree.parse(str(self._simple_path), make_parser())
            except (etree.XMLSyntaxError, OSError) as exc:
                raise self._unusable(exc) from None
        return self._simple

    @property
    def models(self) -> ContentModels:
        """The content models, for hints; built on the first invalid document."""
        if self._models is None:
            self._models = ContentModels(self._simple_tree())
        return self._models

    @property
    def specialiser(self) -> Specialiser:
        if self._specialiser is None:
            self._specialiser = Specialiser(self._simple_tree(), self._analysis)
        return self._specialiser

    def _unusable(self, exc: Exception) -> InputError:
        return InputError(f"{display_path(self.schema)}: not a usable RELAX NG schema: {exc}",
                          hint="check the --schema path; teikit reads RELAX NG's XML syntax")

    def _compile(self, tree: etree._ElementTree, count: bool = True) -> etree.RelaxNG:
        """Compile a grammar; `count` it in `compile_count` unless it is a by-product (hollow)."""
        global compile_count
        try:
            compiled = etree.RelaxNG(tree)
        except etree.RelaxNGParseError as exc:
            raise self._unusable(exc) from None
        compile_count += count
        return compiled

    def relaxng_for(self, doc: Document) -> etree.RelaxNG:
        """The compiled grammar for `doc`: specialised to a set of names that includes all of its own."""
        if not self._specialisable:
            assert self._compiled is not None
            return self._compiled
        # xml:ids typed as ID: the by-parts verdict and the diagnosis need the duplicates, which the
        # same walk gathers (one walk of the document, not two)
        scan = census.of(doc, frozenset() if self._ids_typed() else None)
        if scan.attribute_names is None:
            attributes = frozenset({ALL_ATTRIBUTES})
        else:
            attributes = frozenset("@" + a for a in scan.attribute_names)
        # names the grammar does not define (a foreign element) cannot change its specialisation
        names = (scan.tags | ({ALL_ATTRIBUTES} if self._learning_attributes else attributes)) & self._defined
        with self._lock:
            save = False
            attributes &= self._defined
            if self._learning_attributes and not attributes <= self._attributes_seen:
                self._attributes_seen |= attributes  # written down for the next run, not compiled for
                save = True
            if self._compiled is None or not names <= self._vocabulary:
                known = self._vocabulary
                # with the names other processes learnt meanwhile (workers of a machine's first run
                # learn side by side): one widening then serves them too
                learnt = self._remembered() if self._names_file is not None else frozenset()
                self._vocabulary = known | names | learnt
                self._specialise()
                save = save or not self._vocabulary <= known | learnt
            if save and self._names_file is not None:
                self._remember()
            return self._compiled

    def _specialise(self) -> None:
        """Compile the grammar specialised to the vocabulary, made once per vocabulary and machine."""
        names = self._vocabulary & self._defined
        self._grammar_file = None
        self._grammar = None
        if self._names_file is not None:
            digest = hashlib.sha256((SPECIALISE_VERSION + " " + " ".join(sorted(names))).encode()).hexdigest()
            self._grammar_file = self._simple_path.with_name(f"{self._simple_path.stem}.{digest[:24]}.rng")
            with contextlib.suppress(OSError, etree.XMLSyntaxError):
                self._grammar = etree.parse(str(self._grammar_file), make_parser())
        if self._grammar is None:
            elements = frozenset(n for n in names if n[:1] != "@")
            self._grammar = self.specialiser.grammar(elements)
            if ALL_ATTRIBUTES not in names:
                used = frozenset(n[1:] for n in names if n[:1] == "@")
                self._grammar = without_unused_attributes(self._grammar, used)
            if self._grammar_file is not None:
                _keep(self._grammar_file, self._grammar)
        self._compiled = self._compile(self._grammar)
        self._hollow = {}

    def _by_parts(self, root: etree._Element) -> bool:
        """Whether `root` can be judged as its children, each alone, plus itself with them hollow.

        That needs a unique definition for the root and for each child (so that the child's
        pattern in the root's content is the one it is validated against alone), and no child
        named like the root (whose definition stays whole in the hollow grammar).
        """
        if self._grammar is None or self._whole is not None or root.tag not in self.info.rootable:
            return False
        rootable = self.info.rootable
        return all(c.tag in rootable and c.tag != root.tag for c in root.iterchildren(etree.Element))

    def hollow_for(self, root_name: str) -> etree.RelaxNG:
        """The specialised grammar with every element but `root_name` reduced to an empty element:
        it checks the root's attributes and the sequence of its children, not what they contain."""
        found = self._hollow.get(root_name)
        if found is None:
            assert self._grammar is not None
            kept = None
            if self._grammar_file is not None:
                digest = hashlib.sha256(root_name.encode()).hexdigest()[:12]
                kept = self._grammar_file.with_suffix(f".hollow-{digest}.rng")
            grammar = None
            if kept is not None:
                with contextlib.suppress(OSError, etree.XMLSyntaxError):
                    grammar = etree.parse(str(kept), make_parser())
            if grammar is None:
                grammar = _hollowed(self._grammar, root_name)
                if kept is not None:
                    _keep(kept, grammar)
            found = self._hollow[root_name] = self._compile(grammar, count=False)
        return found

    def _remembered(self) -> frozenset[str]:
        """The element names of the documents checked against this schema before, in any process.

        Starting from them, one compilation usually serves a whole run (each new name costs one).
        Only names the grammar defines are kept, so the file cannot make the grammar any larger
        than the whole schema.
        """
        assert self._names_file is not None
        try:
            text = self._names_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return frozenset()
        return (frozenset(text.split()) & self._defined) - {ALL_ATTRIBUTES}

    def _remember(self) -> None:
        """Add this process's vocabulary to the file (an unwritable cache is no error)."""
        from teikit import fsutil

        assert self._names_file is not None
        names = ((self._vocabulary | self._attributes_seen) & self._defined) - {ALL_ATTRIBUTES}
        with contextlib.suppress(OSError, TeikitError):
            fsutil.write_text(self._names_file, "\n".join(sorted(names | self._remembered())) + "\n",
                              durable=False)

    def check(self, doc: Document) -> list[Diagnostic]:
        relaxng = self.relaxng_for(doc)
        root = doc.root
        invalid: list[etree._Element] | None = None
        with self._lock:
            by_parts = self._by_parts(root)
            hollow = self.hollow_for(root.tag) if by_parts else None
        if hollow is not None:
            # The root's children one by one, then the root with them hollow: the same work as one
            # validation of the whole, but it says which children are invalid, so that an error in
            # the header never costs a second validation of the whole text.
            invalid = [c for c in root.iterchildren(etree.Element) if not relaxng.validate(c)]
            root_ok = not invalid and hollow.validate(shallow(root))
        else:
            root_ok = relaxng.validate(doc.tree)
        if self._whole is not None:
            whole_ok = self._whole.validate(doc.tree)
        else:
            whole_ok = root_ok and (not self.info.start or root.tag in self.info.start)
        if whole_ok:
            if hollow is not None and self._ids_typed() and census.of(doc, frozenset()).duplicates:
                # each part alone has unique IDs, the whole has not: what one validation would say
                return Diagnosis(self, relaxng, doc, hollow, invalid).duplicate_ids()
            return []
        return Diagnosis(self, relaxng, doc, hollow, invalid).run(root_ok)

    def _ids_typed(self) -> bool:
        """Whether the grammar types xml:id as an ID, so that libxml2 and Jing require it unique."""
        if self._ids is None:
            self._ids = any(
                attribute_name(a) == XML_ID and any(d.get("type") == "ID" for d in a.iter(_rng("data")))
                for a in self._simple_tree().getroot().iter(_rng("attribute")))
        return self._ids


def _hollowed(grammar: etree._ElementTree, root_name: str) -> etree._ElementTree:
    """A copy of `grammar` in which every element but `root_name` is an empty element."""
    grammar = copy.deepcopy(grammar)
    for define in grammar.getroot().iter(_rng("define")):
        parts = [c for c in define if isinstance(c.tag, str)]
        if len(parts) != 1 or _local(parts[0]) != "element" or parts[0].get("name") is None:
            continue
        element = parts[0]
        if element_name(element) in (root_name, None):
            continue
        for part in list(element):
            element.remove(part)
        etree.SubElement(element, _rng("empty"))
    return grammar


def _keep(path: Path, grammar: etree._ElementTree) -> None:
    """Keep a derived grammar in the cache (an unwritable cache is no error)."""
    from teikit import fsutil

    with contextlib.suppress(OSError, TeikitError):
        # not synced to disk: a file damaged by a crash fails to parse and is made again
        fsutil.write_bytes(path, etree.tostring(grammar, xml_declaration=True, encoding="utf-8"),
                           durable=False)

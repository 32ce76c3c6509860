"""Every error of an invalid document, each explained and located, found in a private copy.

libxml2 stops at the first error of an element and gives no column. `Diagnosis` examines a copy
of the tree bottom-up, reports the offending child, attribute or text of each invalid element in
words a reader can act on, removes it from the copy and validates again, up to `MAX_ERRORS`.
"""

from __future__ import annotations

import bisect
import copy
import itertools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lxml import etree

from teikit.diagnostics import Diagnostic, Severity
from teikit.load import Document, remove_keeping_text
from teikit.validate.grammar.checker import MAX_ERRORS
from teikit.validate.grammar.models import NONE
from teikit.validate.grammar.rng_syntax import XML_NS
from teikit.validate.grammar.source import SourceLines, same_line_before
from teikit.validate.grammar.wording import att_name, closest, datatype_hint, lacking, name_list

if TYPE_CHECKING:
    from teikit.validate.grammar.lxml_engine import LxmlChecker


LIBXML2_MESSAGES = [  # libxml2's wording -> (kind, groups)
    ("unexpected", re.compile(r"Did not expect element (\S+) there")),
    ("extra", re.compile(r"Element (\S+) has extra content: (\S+)")),
    ("expecting", re.compile(r"Expecting element (\S+), got (\S+)")),
    ("missing", re.compile(r"Expecting an element (\S*) ?, got nothing")),
    ("text", re.compile(r"Expecting an element got text")),
    ("badattr", re.compile(r"Invalid attribute (\S+) for element (\S+)")),
    ("attrs", re.compile(r"Element (\S+) failed to validate attributes")),
    ("interleave", re.compile(r"Extra element (\S+) in interleave")),
    ("ns", re.compile(r"Expecting (?:no namespace for element|element) (\S+)(?: to be in namespace)?")),
]



XML_ID = f"{{{XML_NS}}}id"


class Diagnosis:
    """One invalid document: finds, explains and repairs errors in a private copy of its tree."""

    def __init__(self, checker: LxmlChecker, relaxng: etree.RelaxNG, doc: Document,
                 hollow: etree.RelaxNG | None = None, invalid: list[etree._Element] | None = None):
        """`hollow` and `invalid`: the root was checked by parts (see `LxmlChecker.check`), and these
        of its children are invalid; the others are valid and need no examination."""
        from teikit.validate.locate import Locator

        self.rng = relaxng
        self.hollow = hollow
        self.invalid_children = invalid
        self.info = checker.info
        self.models = checker.models
        self._missing: set[tuple[etree._Element, str]] = set()  # reported as "not allowed yet; missing X"
        self.doc = doc
        # for a root judged by parts, only its invalid children are copied; the valid ones stand as
        # empty placeholders (a novel's text is not copied for an error in its header) until the
        # root itself must be validated whole
        self._placeholders: dict[etree._Element, etree._Element] = {}  # placeholder -> source child
        if hollow is not None and invalid is not None:
            self.tree = self._partial_copy(invalid)
        else:
            self.tree = copy.deepcopy(doc.tree)
        # copy node -> source node, found when a position is needed (mapping every node of a novel
        # up front costs more than the few reports need); _gone keeps the source indices of removals
        self.original: dict[etree._Element, etree._Element] = {self.tree.getroot(): doc.root}
        self._gone: dict[etree._Element, list[int]] = {}
        self.locator = Locator(doc)
        self.found: list[Diagnostic] = []
        self._lines: Sequence[str] | None = None

    def _partial_copy(self, invalid: list[etree._Element]) -> etree._ElementTree:
        source = self.doc.root
        examined = {id(c) for c in invalid}
        root = etree.Element(source.tag, attrib=dict(source.attrib), nsmap=source.nsmap)
        root.text = source.text
        for child in source:
            if isinstance(child.tag, str) and id(child) not in examined:
                placeholder = etree.SubElement(root, child.tag)
                placeholder.tail = child.tail
                self._placeholders[placeholder] = child
            else:
                root.append(copy.deepcopy(child))
        return etree.ElementTree(root)

    def _whole(self) -> etree._Element:
        """The copy's root, with every placeholder replaced by a copy of its source: ready to be
        validated whole."""
        for placeholder, source in self._placeholders.items():
            parent = placeholder.getparent()
            if parent is not None:
                parent.replace(placeholder, copy.deepcopy(source))
        self._placeholders = {}
        return self.tree.getroot()

    # -- driving

    def run(self, root_ok: bool) -> list[Diagnostic]:
        root = self.tree.getroot()
        if root_ok:  # every subtree fits some definition, but the root is not a start element
            self._report(root, f"element {self._show(root.tag)} is not allowed as the document element",
                         "expected " + name_list(self.info.start, "element"))
            return self.found
        self._duplicate_ids()
        examined = self._examine_by_parts(root) if self.hollow is not None else \
            self._examine(root, known_invalid=True)
        if not examined and not self.found:
            root = self._whole()
            self.rng.validate(root)
            self._report(root, self._first_message() or "the document does not match the schema", "")
        return self.found[:MAX_ERRORS]

    def duplicate_ids(self) -> list[Diagnostic]:
        """Only the duplicate IDs, for a document whose parts are each valid."""
        self._duplicate_ids()
        return self.found

    def _duplicate_ids(self) -> None:
        """Report each xml:id used a second time, and remove it from the copy.

        libxml2 checks that IDs are unique while validating, but then reports only that the
        attributes of some ancestor do not match; Jing says "ID ... has already been defined".
        """
        from teikit.validate import census

        source = self.doc.tree
        duplicates = census.of(self.doc, frozenset()).duplicates
        if duplicates:
            self._whole()
        for again, first in duplicates[:MAX_ERRORS]:
            found = self.tree.xpath(source.getpath(again))
            if len(found) != 1:
                continue
            value = again.get(XML_ID)
            line, column = self.locator.position(first)
            where = f"line {line}" + (f", column {column}" if column else "")
            self._report(found[0], f"ID \"{value}\" of attribute \"xml:id\" is already defined",
                         f"first defined on element {self._show(first.tag)} at {where}; "
                         "an xml:id must be unique in a document", attribute=XML_ID)
            del found[0].attrib[XML_ID]

    def _full(self) -> bool:
        return len(self.found) >= MAX_ERRORS

    def _examine(self, el: etree._Element, known_invalid: bool = False) -> bool:
        """Examine a subtree; True when the copy of it is now valid (after repairs).

        `known_invalid` spares a validation whose answer is known (the whole document's).
        """
        rootable = el.tag in self.info.rootable
        if rootable and not known_invalid and self.rng.validate(el):
            return True
        children = list(el.iterchildren(etree.Element))
        children_ok = True
        if rootable and len(children) > 1:
            # Examine first the children libxml2 reported errors in; if `el` is valid once they are
            # repaired, so is every other child, which then costs no validation of its own (in a
            # TEI document with an error in its header, that spares validating the whole <text>).
            suspects = self._suspects(el, children)
            if suspects:
                for child in suspects:
                    children.remove(child)
                    if self._full():
                        return False
                    children_ok = self._examine_child(el, child) and children_ok
                if children_ok and not self._full() and self.rng.validate(el):
                    return True
        for child in children:
            if self._full():
                return False
            children_ok = self._examine_child(el, child) and children_ok
        if not rootable:
            return children_ok  # its own content is judged with its parent
        if not children_ok:
            return False  # an unrepairable descendant would only cause consequential errors here
        for _ in range(MAX_ERRORS):
            if self._full():
                return False
            if self.rng.validate(el):
                return True
            if not self._explain(el):
                return False
        return False

    def _examine_by_parts(self, root: etree._Element) -> bool:
        """`_examine` for a root checked by parts: only its invalid children are examined, and the
        root itself is judged with its children hollow (no validation of the valid ones again)."""
        assert self.hollow is not None and self.invalid_children is not None
        invalid = {id(c) for c in self.invalid_children}
        children_ok = True
        for child, source in zip(root.iterchildren(etree.Element), self.doc.root.iterchildren(etree.Element),
                                 strict=True):
            if id(source) in invalid:
                if self._full():
                    return False
                children_ok = self._examine_child(root, child) and children_ok
        if not children_ok:
            return False
        for _ in range(MAX_ERRORS):
            if self._full():
                return False
            if self.hollow.validate(shallow(root)):
                return True
            root = self._whole()
            self.rng.validate(root)  # the root's own error, in the words of the whole grammar
            if not self._explain(root):
                return False
        return False

    def _examine_child(self, el: etree._Element, child: etree._Element) -> bool:
        if child.tag not in self.info.children:  # no definition at all: misspelt or foreign
            self._not_allowed(el, child)
            self._remove(child)
            return True
        return self._examine(child)

    def _suspects(self, el: etree._Element, children: list[etree._Element]) -> list[etree._Element]:
        """The children of `el` whose lines hold the errors of the validation of `el` that just failed.

        Only an order of examination: any answer is correct, a wrong one merely costs time.
        Empty when lines cannot tell (libxml2 caps them at 65535, XIncluded content, no errors).
        """
        starts = [c.sourceline or 0 for c in children]
        if not all(0 < a < b < 65535 for a, b in itertools.pairwise(starts)) or self.doc.includes:
            return []
        lines = {e.line for e in self.rng.error_log if 0 < e.line < 65535}
        found = {bisect.bisect_right(starts, line) - 1 for line in lines}
        found.discard(-1)  # on the start tag of `el`
        if len(found) >= len(children):
            return []
        return [children[i] for i in sorted(found)]

    # -- explaining one error of `el` itself (its children are valid on their own)

    def _explain(self, el: etree._Element) -> bool:
        """Report the first error libxml2 found in `el`; repair it in the copy if possible."""
        if self._unknown_attribute(el):
            return True
        sequence = self._sequence(el)
        if sequence is not None:
            return sequence
        entry, kind, groups = None, "", ()
        own = etree.QName(el).localname
        for candidate in self.rng.error_log:
            for name, pattern in LIBXML2_MESSAGES:  # noqa: B007 - the loop finds which pattern matched
                m = pattern.search(candidate.message)
                if m:
                    break
            else:
                name, m = "", None
            got = m.groups()[-1] if m and m.groups() else ""
            if name in ("unexpected", "expecting", "ns") and got == own and candidate.line == el.sourceline:
                continue  # libxml2 saying that the subtree's root did not match: the cause comes later
            entry, kind, groups = candidate, name, m.groups() if m else ()
            break
        message = entry.message if entry else ""
        line = entry.line if entry else 0
        if kind in ("unexpected", "extra", "expecting", "interleave"):
            got = groups[-1]
            if got in ("text", "#text"):
                return self._stray_text(el)
            child = self._child(el, got, line)
            if child is not None:
                self._not_allowed(el, child, expected=groups[0] if kind == "expecting" else "")
                self._remove(child)
                return True
        if kind == "text":
            return self._stray_text(el)
        if kind in ("badattr", "attrs"):
            return self._attributes(el)
        if kind == "ns":
            child = self._child(el, groups[0], line)
            if child is not None:
                self._not_allowed(el, child)
                self._remove(child)
                return True
        # libxml2's message for interleaves (mixed content) may name a wrong cause: rule out attributes
        if self._attributes(el, quiet=True):
            return True
        if self._stray_text(el, only_if_disallowed=True):
            return True
        if kind == "missing" or (kind == "" and not message.strip()):
            if self._missing_children(el):
                return False
            missing = f"missing required element {self._show_local(groups[0], el)}" if groups else \
                "a required element is missing"
            self._report(el, f"element {self._show(el.tag)} incomplete; {missing}",
                         self._allowed_children(el))
            return False
        self._report(el, f"element {self._show(el.tag)}: " + (message or "content does not match the schema"),
                     self._allowed_children(el))
        return False

    def _sequence(self, el: etree._Element) -> bool | None:
        """Check the order of `el`'s children with the content models, which are never stricter than
        the schema (they ignore attributes and text), so an error found here is certain.

        True: an out-of-place child was reported and removed; False: a missing child was reported;
        None: the sequence of child names is fine, the error lies elsewhere.
        """
        pattern = self.models.content(el.tag)
        if pattern is None:
            return None
        for child in el.iterchildren(etree.Element):
            following = self.models.deriv(pattern, child.tag)
            if following == NONE:
                self._not_allowed(el, child)
                self._remove(child)
                return True
            pattern = following
        if not self.models.nullable(pattern) and self._missing_children(el):
            return False
        return None

    def _unknown_attribute(self, el: etree._Element) -> bool:
        allowed = self.info.attributes.get(el.tag)
        if allowed is None:
            return False
        for att in el.attrib:
            if att not in allowed:
                shown = att_name(att)
                close = closest(shown, [att_name(a) for a in allowed])
                self._report(el, f"attribute \"{shown}\" not allowed on element {self._show(el.tag)}",
                             (f"did you mean \"{close}\"? " if close else "")
                             + "expected " + name_list(allowed, "attribute"), attribute=att)
                del el.attrib[att]
                return True
        return False

    def _attributes(self, el: etree._Element, quiet: bool = False) -> bool:
        """Find the attribute that makes `el` invalid: unknown names first, then by trying without each."""
        allowed = self.info.attributes.get(el.tag, frozenset())
        if self._unknown_attribute(el):
            return True
        for att, value in list(el.attrib.items()):
            del el.attrib[att]
            ok = self.rng.validate(el)
            el.set(att, value)
            if ok:
                values = self.info.values.get((el.tag, att))
                hint = ("allowed values: " + ", ".join(f'"{v}"' for v in values)) if values else \
                    datatype_hint(att)
                self._report(el, f"value \"{value}\" of attribute \"{att_name(att)}\" is invalid",
                             hint, attribute=att)
                del el.attrib[att]
                return True
        missing = sorted(a for a in self.models.required_attributes(el.tag) if a not in el.attrib)
        if missing:
            self._report(el, f"element {self._show(el.tag)} missing required "
                             + name_list(missing, "attribute"), f"add {att_name(missing[0])}=\"…\"")
            return False
        if quiet:
            return False
        self._report(el, f"element {self._show(el.tag)}: its attributes do not match the schema",
                     "allowed attributes: " + name_list(allowed, "attribute"))
        return False

    def _stray_text(self, el: etree._Element, only_if_disallowed: bool = False) -> bool:
        if only_if_disallowed and el.tag in self.info.text:
            return False
        holder, text = None, el.text
        if text is None or not text.strip():
            for child in el.iterchildren():
                if child.tail and child.tail.strip():
                    holder, text = child, child.tail
                    break
            else:
                return False
        snippet = " ".join(text.split())[:40]
        self._report(holder if holder is not None else el,
                     f"text not allowed here (in element {self._show(el.tag)}): \"{snippet}\"",
                     "move the text into an element that allows it, e.g. <p>, or delete it; "
                     + self._allowed_children(el), text=text.strip())
        if holder is None:
            el.text = None
        else:
            holder.tail = None
        return True

    def _not_allowed(self, parent: etree._Element, child: etree._Element, expected: str = "") -> None:
        known = child.tag in self.info.children
        allowed = self.info.children.get(parent.tag, frozenset())
        local = etree.QName(child).localname
        close = closest(local, [etree.QName(a).localname for a in allowed])
        hint = f"did you mean \"{close}\"? " if close and not known else ""
        same_name = [a for a in allowed if etree.QName(a).localname == local]
        if same_name and not known:  # right name, wrong namespace
            ns = etree.QName(same_name[0]).namespace
            hint = f'"{local}" is defined in namespace {ns}: declare it with xmlns="{ns}"; '
        before = [c.tag for c in child.itersiblings(etree.Element, preceding=True)][::-1]
        position = self.models.expected(parent.tag, before)
        message = f"element {self._show(child.tag)} not allowed {'here' if known else 'anywhere'}"
        if position is not None:
            names, end_ok = position
            if child.tag in allowed and not end_ok and names and child.tag not in names:
                # allowed later: what is missing first is the real error (as Jing says it)
                message = f"element {self._show(child.tag)} not allowed yet; " + lacking(names)
                self._missing.update((parent, n) for n in names)
            hint += self._expected(names, end_ok)
        else:
            if expected:
                hint += f"expected element {self._show_local(expected, parent)} at this position; "
            hint += self._allowed_children(parent)
        self._report(child, f"{message} (in element {self._show(parent.tag)})", hint)

    def _expected(self, names: frozenset[str], end_ok: bool) -> str:
        """Jing's wording: 'expected the element end-tag, text or element "a" or "b"'."""
        parts = []
        if end_ok:
            parts.append("the element end-tag")
        if names:
            parts.append(name_list(names, "element"))
        return "expected " + (" or ".join(parts) if parts else "nothing more: the content is complete")

    def _missing_children(self, el: etree._Element) -> bool:
        """Report what `el` lacks at its end, unless already said; False when the model cannot tell."""
        children = [c.tag for c in el.iterchildren(etree.Element)]
        position = self.models.expected(el.tag, children)
        if position is None or position[1] or not position[0]:
            return False
        names = position[0]
        if all((el, n) in self._missing for n in names):
            return True  # reported with the element that came too early
        self._report(el, f"element {self._show(el.tag)} incomplete; " + lacking(names),
                     self._expected(names, False))
        return True

    # -- helpers

    def _allowed_children(self, el: etree._Element) -> str:
        allowed = self.info.children.get(el.tag)
        if allowed is None:
            return ""
        text = "text and " if el.tag in self.info.text else ""
        if not allowed:
            return f"{self._show(el.tag)} allows " + ("text, no child elements" if text else "no content")
        return f"{self._show(el.tag)} may contain {text}" + name_list(allowed, "element")

    def _child(self, el: etree._Element, name: str, line: int) -> etree._Element | None:
        local = name.rpartition(":")[2]
        same = [c for c in el.iterchildren(etree.Element) if etree.QName(c).localname == local]
        return next((c for c in same if c.sourceline == line), same[0] if same else None)

    def _first_message(self) -> str:
        return self.rng.error_log[0].message if len(self.rng.error_log) else ""

    def _show(self, tag: str) -> str:
        q = etree.QName(tag)
        if q.namespace is None and self.doc.is_tei:
            return f'"{q.localname}" (in no namespace)'
        if q.namespace in (None, self._tei_ns()):
            return f'"{q.localname}"'
        return f'"{q.localname}" ({q.namespace})'

    def _show_local(self, name: str, context: etree._Element) -> str:
        return f'"{name.rpartition(":")[2]}"'

    @staticmethod
    def _tei_ns() -> str:
        return "http://www.tei-c.org/ns/1.0"

    def _source_lines(self) -> Sequence[str]:
        if self._lines is None:
            encoding = self.doc.tree.docinfo.encoding or "utf-8"
            try:
                data = self.doc.path.read_bytes()
                self._lines = SourceLines.of(data, encoding)
            except (OSError, LookupError):
                self._lines = []
        return self._lines

    def _remove(self, node: etree._Element) -> None:
        """Remove `node` from the copy, remembering where it was in the source."""
        parent = node.getparent()
        if parent is not None and self._source_of(node) is not None:
            self._gone.setdefault(parent, []).append(self._source_index(node))
        remove_keeping_text(node)

    def _source_index(self, node: etree._Element) -> int:
        """`node`'s index among its parent's children in the source (removed siblings counted)."""
        parent = node.getparent()
        assert parent is not None
        index = parent.index(node)
        for gone in sorted(self._gone.get(parent, ())):
            if gone <= index:
                index += 1
        return index

    def _source_of(self, node: etree._Element) -> etree._Element | None:
        """The source node of a node of the copy (None if the two trees do not correspond)."""
        found = self.original.get(node)
        if found is not None:
            return found
        parent = node.getparent()
        source_parent = self._source_of(parent) if parent is not None else None
        if source_parent is None:
            return None
        index = self._source_index(node)
        if index >= len(source_parent):
            return None
        found = self.original[node] = source_parent[index]
        return found

    def _position(self, node: etree._Element, attribute: str = "", text: str = "") -> tuple[int, int]:
        original = self._source_of(node)
        if original is None:
            line, column = node.sourceline or 0, 0
        else:
            line, column = self._start_tag(original) or self.locator.position(original)
        if text and line and column:  # the text itself: the first place after the start tag it occurs
            return self._find_text(line, column, text.splitlines()[0].strip()) or (line, column)
        if attribute and line and column:
            att = att_name(attribute)
            lines = self._source_lines()
            pattern = re.compile(r"\s" + re.escape(att) + r"\s*=")
            for offset in range(0, 50):
                index = line - 1 + offset
                if index >= len(lines):
                    break
                text = lines[index]
                start = column - 1 if offset == 0 else 0
                m = pattern.search(" " + text[start:] if offset else text[start:])
                if m:
                    col = (start + m.start() + 2) if offset == 0 else m.start() + 1
                    return index + 1, col
                if ">" in text[start:]:
                    break
        return line, column

    def _start_tag(self, el: etree._Element) -> tuple[int, int] | None:
        """Where `el`'s start tag begins, found near libxml2's line without scanning the whole file.

        libxml2 gives the line of the start tag's end; the tag is the k-th `<name` there (k counting
        earlier siblings of the same name on that line), or the last one on an earlier line when the
        tag spans lines. None when unsure (XIncluded content, no match): then `Locator` decides.
        """
        line = el.sourceline or 0
        lines = self._source_lines()
        if self.doc.includes or not line or line > len(lines):
            return None
        local = etree.QName(el).localname
        tag = re.compile(r"<(?:[\w.\-]+:)?" + re.escape(local) + r"(?=[\s/>]|$)")
        earlier = same_line_before(el, line)
        found = [m.start() for m in tag.finditer(lines[line - 1])]
        if len(found) > earlier:
            return line, found[earlier] + 1
        if found:
            return None
        for index in range(line - 2, max(-1, line - 30), -1):
            found = [m.start() for m in tag.finditer(lines[index])]
            if found:
                return index + 1, found[-1] + 1
        return None

    def _find_text(self, line: int, column: int, needle: str) -> tuple[int, int] | None:
        lines = self._source_lines()
        for index in range(line - 1, min(len(lines), line + 200)):
            start = column - 1 if index == line - 1 else 0
            found = lines[index].find(needle, start)
            if found >= 0:
                return index + 1, found + 1
        return None

    def _report(self, node: etree._Element, message: str, hint: str, attribute: str = "",
                text: str = "") -> None:
        line, column = self._position(node, attribute, text)
        self.found.append(Diagnostic(self.doc.display, line, column, Severity.ERROR, "rng", message,
                                     hint=hint, source="relaxng"))


def shallow(el: etree._Element) -> etree._Element:
    """`el` with its attributes, text and children, but the children empty and without attributes."""
    shallow = etree.Element(el.tag, attrib=dict(el.attrib), nsmap=el.nsmap)
    shallow.text = el.text
    last: etree._Element | None = None
    for child in el:
        if isinstance(child.tag, str):
            last = etree.SubElement(shallow, child.tag)
            last.tail = child.tail
        elif child.tail:  # a comment or processing instruction: only the text after it counts
            if last is None:
                shallow.text = (shallow.text or "") + child.tail
            else:
                last.tail = (last.tail or "") + child.tail
    return shallow

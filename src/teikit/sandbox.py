"""The Saxon sandbox: what an XSLT stylesheet or a Schematron rule may read.

Saxon (SaxonC-HE) has no setting that limits file access by path, none that hides
the process environment (`environment-variable()` reads the real one, and
`system-property()` answers Java's system properties such as `user.home`), and
saxonche cannot plug in a URI resolver written in Python. So teikit does it in two
steps, on every stylesheet it compiles (its own output stylesheets, a project's,
and the XSLT generated from Schematron):

1. **Check**: `guard` reads every XPath expression of the stylesheet (attributes
   holding XPath, attribute value templates, text value templates) and refuses, with
   the file and line, the functions that read process state or evaluate code built
   at run time: `environment-variable`, `available-environment-variables`,
   `function-lookup`, `load-xquery-module`, `transform`, Saxon extension functions,
   and the `xsl:evaluate` instruction. `system-property` is rewritten to answer only
   the standard `xsl:` properties.
2. **Files through teikit**: calls of `doc`, `document`, `doc-available`,
   `unparsed-text`, `unparsed-text-lines`, `unparsed-text-available`, `json-doc`,
   `collection` and `uri-collection` are rewritten to functions of the `tks:`
   namespace that look the resource up in a map handed to the stylesheet as a
   parameter. A resource not in the map stops the run with a request (`tks:need`);
   `run` then reads it with teikit's own loader — inside the project root only, no
   DTD, no entities, the document size limit — adds it to the map and runs again.
   Saxon itself still reads nothing (its allowed protocols are `data:` only).

Documents and stylesheets get virtual base URIs, `project:/` followed by their path
inside the project root, so `base-uri()`, `static-base-uri()` and `document-uri()`
show no real path of the machine, and a relative reference resolves inside the root.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

from lxml import etree

from teikit.errors import DocumentError, TeikitError

XSL = "http://www.w3.org/1999/XSL/Transform"
FN = "http://www.w3.org/2005/xpath-functions"
XS = "http://www.w3.org/2001/XMLSchema"
TKS = "urn:teikit:sandbox"
SAXON = "http://saxon.sf.net/"
SCHEME = "project"

# Functions that read the process (its environment, Java's properties) or run code built at run time.
REFUSED = {
    "environment-variable": "reads the process environment",
    "available-environment-variables": "reads the process environment",
    "function-lookup": "calls a function chosen at run time, which could read the process environment",
    "load-xquery-module": "loads and runs code from elsewhere",
    "transform": "runs another stylesheet from elsewhere",
}
# Functions that read resources: answered by teikit from inside the project root.
REWRITTEN = frozenset({"doc", "document", "doc-available", "unparsed-text", "unparsed-text-lines",
                       "unparsed-text-available", "json-doc", "collection", "uri-collection",
                       "system-property"})

# XSLT attributes whose whole value is an XPath expression (or pattern).
XPATH_ATTRIBUTES = frozenset({"select", "test", "match", "use", "group-by", "group-adjacent",
                              "group-starting-with", "group-ending-with", "value", "from", "count",
                              "initial-value", "context-item", "with-params", "xpath", "namespace-context",
                              "for-each-item", "for-each-source", "key", "array", "map"})

STANDARD_PROPERTIES = {  # system-property() answers these, and nothing of the process
    "version": "3.0", "vendor": "Saxonica", "vendor-url": "http://www.saxonica.com/",
    "product-name": "SAXON", "product-version": "", "is-schema-aware": "no",
    "supports-serialization": "yes", "supports-backwards-compatibility": "yes",
    "supports-namespace-axis": "yes", "supports-streaming": "no",
    "supports-dynamic-evaluation": "no", "supports-higher-order-functions": "yes",
    "xpath-version": "3.1", "xsd-version": "1.1",
}


class SandboxError(TeikitError):
    """A stylesheet or rule uses something the sandbox refuses."""


# --------------------------------------------------------------------------- checking expressions

_STRING_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\(:.*?:\)", re.S)
_CALL = re.compile(r"(?<![\w.\-$@}:/])(Q\{[^}]*\}|[A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)(\s*)(\(|#\d)")


def _mask(expr: str) -> str:
    """The expression with string literals and comments blanked (same length): calls are seen in code only."""
    return _STRING_OR_COMMENT.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1]
                                  if m.group(0)[0] in "'\"" else " " * len(m.group(0)), expr)


def _namespace(prefix: str | None, nsmap: dict) -> str | None:
    """The namespace of a function name's prefix ('' for none: the default function namespace, fn)."""
    if not prefix:
        return FN
    if prefix.startswith("Q{"):
        return prefix[2:-1]
    return nsmap.get(prefix[:-1])


def rewrite_expression(expr: str, nsmap: dict, where, static: bool = False) -> str:
    """The expression with resource functions sent to tks:, or SandboxError for a refused function.

    `where` (a string, or a function giving one) says where the expression is, for the error.
    """
    if "(" not in expr and "#" not in expr:
        return expr  # no call, no function reference
    masked = _mask(expr)
    out, last = [], 0
    for match in _CALL.finditer(masked):
        prefix, name = match.group(1), match.group(2)
        if not prefix and name in ("if", "for", "let", "some", "every", "return", "then", "else",
                                   "function", "map", "array", "element", "attribute", "node", "text",
                                   "comment", "document-node", "processing-instruction", "item",
                                   "empty-sequence", "schema-element", "schema-attribute", "namespace-node",
                                   "switch", "typeswitch"):
            continue
        namespace = _namespace(prefix, nsmap)
        if namespace in (SAXON, FN) and (namespace == SAXON or name in REFUSED) and callable(where):
            where = where()
        if namespace == SAXON:
            raise SandboxError(f"{where}: {prefix}{name}() is a Saxon extension function; teikit allows none",
                               hint="use standard XPath 3.1 functions")
        if namespace != FN:
            continue
        if name in REFUSED:
            raise SandboxError(f"{where}: {name}() is not allowed: it {REFUSED[name]}",
                               hint="pass the value in the document or as a rule variable instead")
        if name in REWRITTEN and static:
            # A static expression (use-when, static variables) runs at compile time, where the tks:
            # functions do not exist: only system-property('xsl:…') is left as it is.
            if name == "system-property" and re.match(r"""\s*\(\s*(['"])xsl:[\w.\-]+\1\s*\)""",
                                                       expr[match.end() - 1:]):
                continue
            where = where() if callable(where) else where
            raise SandboxError(f"{where}: {name}() is not allowed in a static expression",
                               hint="only system-property('xsl:…') may be used at compile time")
        if name in REWRITTEN:
            out.append(expr[last:match.start()])
            out.append(f"tks:{name}{match.group(3)}{match.group(4)}")
            last = match.end()
    out.append(expr[last:])
    return "".join(out)


def _rewrite_avt(value: str, nsmap: dict, where: str) -> str:
    """Rewrite the {expressions} of an attribute or text value template ({{ and }} are literal braces)."""
    if "{" not in value:
        return value
    out, i = [], 0
    while i < len(value):
        if value.startswith("{{", i) or value.startswith("}}", i):
            out.append(value[i:i + 2])
            i += 2
            continue
        if value[i] == "{":
            end = _closing_brace(value, i + 1)
            if end < 0:
                return value  # not a value template after all: Saxon reports it
            out.append("{" + rewrite_expression(value[i + 1:end], nsmap, where) + "}")
            i = end + 1
            continue
        out.append(value[i])
        i += 1
    return "".join(out)


def _closing_brace(value: str, start: int) -> int:
    masked = _mask(value[start:])
    depth = 0
    for offset, ch in enumerate(masked):
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return start + offset
            depth -= 1
    return -1


def guard(root: etree._Element, shown: str, expressions: dict[str, frozenset[str]] | None = None,
          where_of=None, prefixes: dict[str, str] | None = None) -> bool:
    """Check and rewrite a stylesheet tree in place (see the module docstring); True if anything changed.

    `expressions` names, per namespace, attributes holding XPath in other languages that
    embed it (Schematron's @context, @test …); their other attributes are taken as literal.
    `where_of(element)` says where an element is, for messages (default: shown:line);
    `prefixes` are bindings declared otherwise than by xmlns (Schematron's sch:ns).
    """
    changed = False
    expressions = expressions or {}
    for element in root.iter(etree.Element):
        if where_of is not None:
            where = where_of(element)  # computed only for an error
        else:
            where = f"{shown}:{element.sourceline}" if element.sourceline else shown
        namespace = etree.QName(element).namespace
        nsmap = {**element.nsmap, **(prefixes or {})}
        if namespace in expressions:
            for name, value in element.attrib.items():
                if name in expressions[namespace]:
                    new = rewrite_expression(value, nsmap, where)
                    if new != value:
                        element.set(name, new)
                        changed = True
            continue
        in_xsl = namespace == XSL
        if in_xsl and etree.QName(element).localname == "evaluate":
            where = where() if callable(where) else where
            raise SandboxError(f"{where}: xsl:evaluate is not allowed: it runs XPath built at run time",
                               hint="write the expression in the stylesheet or rule itself")
        for name, value in element.attrib.items():
            local = etree.QName(name).localname if name.startswith("{") else name
            static = (local == "use-when" and (in_xsl or name == f"{{{XSL}}}use-when")) or (
                in_xsl and local == "select" and element.get("static") in ("yes", "true", "1"))
            if (in_xsl and not name.startswith("{") and local in (*XPATH_ATTRIBUTES, "use-when")) \
                    or name == f"{{{XSL}}}use-when":
                new = rewrite_expression(value, nsmap, where, static)
            else:
                new = _rewrite_avt(value, nsmap, where)
            if new != value:
                element.set(name, new)
                changed = True
        if _expands_text(element) and element.text and "{" in element.text:
            new = _rewrite_avt(element.text, nsmap, where)
            if new != element.text:
                element.text, changed = new, True
    return changed


def _expands_text(element: etree._Element) -> bool:
    for node in (element, *element.iterancestors()):
        key = "expand-text" if etree.QName(node).namespace == XSL else f"{{{XSL}}}expand-text"
        value = node.get(key)
        if value is not None:
            return value.strip() in ("yes", "true", "1")
    return False


# --------------------------------------------------------------------------- the tks: functions

def _eqnames(text: str) -> str:
    """The library with xs: types written as EQNames: a stylesheet's own xs prefix cannot change them."""
    return text.replace("xs:", "Q{" + XS + "}").replace('xmlns:Q{' + XS + '}', "xmlns:xs")


def _properties_map() -> str:
    return "map{" + ", ".join(f"'{k}': '{v}'" for k, v in STANDARD_PROPERTIES.items()) + "}"



_LIBRARY = f"""<xsl:stylesheet version="3.0" xmlns:xsl="{XSL}" xmlns:xs="{XS}" xmlns:tks="{TKS}"
>
  <xsl:param name="tks:files" as="map(xs:string, map(*))" select="map{{}}"/>
  <xsl:param name="tks:base" as="xs:string?" select="()"/>
  <xsl:function name="tks:get" as="item()*">
    <xsl:param name="kind" as="xs:string"/>
    <xsl:param name="uri" as="xs:string"/>
    <xsl:param name="must" as="xs:boolean"/>
    <xsl:variable name="entry" select="$tks:files($kind || ' ' || $uri)"/>
    <xsl:choose>
      <xsl:when test="empty($entry)">
        <xsl:sequence select="error(QName('{TKS}', 'tks:need'), 'tks:need ' || $kind || ' ' || $uri)"/>
      </xsl:when>
      <xsl:when test="$must and Q{{http://www.w3.org/2005/xpath-functions/map}}contains($entry, 'error')">
        <xsl:sequence select="error(QName('{TKS}',
            if ($kind = 'doc') then 'tks:FODC0002' else 'tks:FOUT1170'), string($entry?error))"/>
      </xsl:when>
      <xsl:otherwise><xsl:sequence select="$entry?value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:function>
  <xsl:function name="tks:absolute" as="xs:string">
    <xsl:param name="uri" as="xs:string"/>
    <xsl:param name="base" as="xs:string?"/>
    <xsl:sequence select="string(resolve-uri($uri, ($base, $tks:base, static-base-uri())[1]))"/>
  </xsl:function>
  <xsl:function name="tks:doc" as="document-node()?">
    <xsl:param name="uri" as="xs:string?"/>
    <xsl:sequence select="if (empty($uri)) then () else tks:get('doc', tks:absolute($uri, ()), true())"/>
  </xsl:function>
  <xsl:function name="tks:doc-available" as="xs:boolean">
    <xsl:param name="uri" as="xs:string?"/>
    <xsl:sequence select="exists($uri) and exists(tks:get('doc', tks:absolute($uri, ()), false()))"/>
  </xsl:function>
  <xsl:function name="tks:document" as="node()*">
    <xsl:param name="uris" as="item()*"/>
    <xsl:sequence select="for $u in $uris return tks:get('doc', tks:absolute(string($u),
        if ($u instance of node()) then string(base-uri($u)) else ()), true())"/>
  </xsl:function>
  <xsl:function name="tks:document" as="node()*">
    <xsl:param name="uris" as="item()*"/>
    <xsl:param name="base" as="node()"/>
    <xsl:sequence select="for $u in $uris return tks:get('doc', tks:absolute(string($u),
        string(base-uri($base))), true())"/>
  </xsl:function>
  <xsl:function name="tks:unparsed-text" as="xs:string?">
    <xsl:param name="uri" as="xs:string?"/>
    <xsl:sequence select="if (empty($uri)) then () else tks:get('text', tks:absolute($uri, ()), true())"/>
  </xsl:function>
  <xsl:function name="tks:unparsed-text" as="xs:string?">
    <xsl:param name="uri" as="xs:string?"/>
    <xsl:param name="encoding" as="xs:string"/>
    <xsl:sequence select="tks:unparsed-text($uri)"/>
  </xsl:function>
  <xsl:function name="tks:unparsed-text-available" as="xs:boolean">
    <xsl:param name="uri" as="xs:string?"/>
    <xsl:sequence select="exists($uri) and exists(tks:get('text', tks:absolute($uri, ()), false()))"/>
  </xsl:function>
  <xsl:function name="tks:unparsed-text-available" as="xs:boolean">
    <xsl:param name="uri" as="xs:string?"/>
    <xsl:param name="encoding" as="xs:string"/>
    <xsl:sequence select="tks:unparsed-text-available($uri)"/>
  </xsl:function>
  <xsl:function name="tks:unparsed-text-lines" as="xs:string*">
    <xsl:param name="uri" as="xs:string?"/>
    <xsl:sequence select="let $t := tks:unparsed-text($uri) return
        if (empty($t) or $t = '') then ()
        else tokenize(replace($t, '(\\r\\n|\\r|\\n)$', ''), '\\r\\n|\\r|\\n')"/>
  </xsl:function>
  <xsl:function name="tks:unparsed-text-lines" as="xs:string*">
    <xsl:param name="uri" as="xs:string?"/>
    <xsl:param name="encoding" as="xs:string"/>
    <xsl:sequence select="tks:unparsed-text-lines($uri)"/>
  </xsl:function>
  <xsl:function name="tks:json-doc" as="item()?">
    <xsl:param name="uri" as="xs:string?"/>
    <xsl:sequence select="if (empty($uri)) then () else parse-json(tks:unparsed-text($uri))"/>
  </xsl:function>
  <xsl:function name="tks:json-doc" as="item()?">
    <xsl:param name="uri" as="xs:string?"/>
    <xsl:param name="options" as="map(*)"/>
    <xsl:sequence select="if (empty($uri)) then () else parse-json(tks:unparsed-text($uri), $options)"/>
  </xsl:function>
  <xsl:function name="tks:collection" as="item()*">
    <xsl:sequence select="()"/>
  </xsl:function>
  <xsl:function name="tks:collection" as="item()*">
    <xsl:param name="uri" as="xs:string?"/>
    <xsl:sequence select="if (empty($uri)) then () else
        for $u in tks:get('dir', tks:absolute($uri, ()), true())?* return tks:doc($u)"/>
  </xsl:function>
  <xsl:function name="tks:uri-collection" as="xs:anyURI*">
    <xsl:sequence select="()"/>
  </xsl:function>
  <xsl:function name="tks:uri-collection" as="xs:anyURI*">
    <xsl:param name="uri" as="xs:string?"/>
    <xsl:sequence select="if (empty($uri)) then () else
        for $u in tks:get('dir', tks:absolute($uri, ()), true())?* return xs:anyURI($u)"/>
  </xsl:function>
  <xsl:function name="tks:system-property" as="xs:string">
    <xsl:param name="name" as="xs:string"/>
    <xsl:variable name="q" select="resolve-QName(normalize-space($name), $tks:xsl-context)"/>
    <xsl:sequence select="if (namespace-uri-from-QName($q) = '{XSL}')
        then ({_properties_map()}(local-name-from-QName($q)), '')[1] else ''"/>
  </xsl:function>
  <xsl:variable name="tks:xsl-context" as="element()"><xsl:element name="xsl:context"/></xsl:variable>
</xsl:stylesheet>"""


def add_library(sheet: etree._Element) -> None:
    """Append the tks: functions and parameter to a stylesheet root (declares the tks prefix)."""
    library = etree.fromstring(_eqnames(_LIBRARY))
    for child in library:
        sheet.append(child)


def declare(sheet: etree._Element) -> etree._Element:
    """The stylesheet root with the tks: prefix in scope (a copy when it must be added)."""
    if sheet.nsmap.get("tks") == TKS:
        return sheet
    nsmap = {**{k: v for k, v in sheet.nsmap.items() if k != "tks"}, "tks": TKS}
    new = etree.Element(sheet.tag, sheet.attrib, nsmap=nsmap)
    excluded = (new.get("exclude-result-prefixes") or "").split()
    new.set("exclude-result-prefixes", " ".join(dict.fromkeys([*excluded, "tks"])))
    new.text = sheet.text
    new.sourceline = sheet.sourceline
    for child in list(sheet):
        new.append(child)
    return new


# --------------------------------------------------------------------------- virtual URIs

def virtual_uri(path: Path, root: Path) -> str:
    """`project:/` + the path inside the root (a file outside the root gets its name only)."""
    path = Path(path).resolve()
    root = Path(root).resolve()
    relative = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    return f"{SCHEME}:/" + quote(relative)


def real_path(uri: str, root: Path) -> Path:
    """The file a virtual URI names, or SandboxError when it names anything outside the project."""
    url = urlparse(uri)
    if url.scheme != SCHEME:
        what = "the network" if url.scheme in ("http", "https", "ftp") else f"{uri!r}"
        raise SandboxError(f"refusing to read {what}: only files inside the project ({root}) can be read"
                           if url.scheme not in ("http", "https", "ftp") else
                           f"refusing to read {uri}: teikit never reads the network")
    target = (Path(root) / unquote(url.path).lstrip("/")).resolve()
    if not target.is_relative_to(Path(root).resolve()):
        raise SandboxError(f"refusing to read {uri}: it lies outside the project")
    return target


# --------------------------------------------------------------------------- running

_NEED = re.compile(r"tks:need (doc|text|dir) (\S+)")


@dataclass
class Files:
    """The resources one run may read, as teikit loaded them: a map handed to the stylesheet."""

    root: Path
    max_bytes: int = 64 * 1024 * 1024
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    read: dict[str, str] = field(default_factory=dict)  # {path: SHA-256 of the bytes read}, for caches

    def fetch(self, kind: str, uri: str) -> None:
        """Read one resource into the map: its value, or the reason it cannot be read."""
        from teikit.load import load

        key = f"{kind} {uri}"
        try:
            path = real_path(uri, self.root)
            if kind == "dir":
                if not path.is_dir():
                    raise SandboxError(f"{uri}: no such folder in the project")
                value: Any = [virtual_uri(p, self.root) for p in sorted(path.glob("*.xml")) if p.is_file()]
            elif not path.is_file():
                raise SandboxError(f"{uri}: no such file in the project")
            elif kind == "doc":
                from teikit.load import Limits

                value = load(path, require_tei=False, project_root=self.root,
                             limits=Limits(max_bytes=self.max_bytes))
                self.read[str(path)] = value.digest
            else:
                if path.stat().st_size > self.max_bytes:
                    raise SandboxError(f"{uri}: larger than {self.max_bytes} bytes")
                data = path.read_bytes()
                value = data.decode("utf-8-sig")
                self.read[str(path)] = hashlib.sha256(data).hexdigest()
            self.entries[key] = {"value": value}
        except (SandboxError, DocumentError, OSError, UnicodeDecodeError) as exc:
            self.entries[key] = {"error": getattr(exc, "message", None) or str(exc)}

    def as_xdm(self):
        """The map as Saxon values (documents parsed with their virtual base URIs)."""
        from teikit.load import Document
        from teikit.transform import processor, to_xdm

        proc = processor()
        outer = {}
        for key, entry in self.entries.items():
            if "error" in entry:
                inner = {proc.make_string_value("error"): proc.make_string_value(entry["error"])}
            else:
                value = entry["value"]
                if isinstance(value, Document):
                    if "xdm" not in entry:
                        entry["xdm"] = to_xdm(value, base_uri=virtual_uri(value.path, self.root))
                    xdm = entry["xdm"]
                elif isinstance(value, list):
                    xdm = proc.make_array([proc.make_string_value(v) for v in value])
                else:
                    xdm = proc.make_string_value(value)
                inner = {proc.make_string_value("value"): xdm}
            outer[proc.make_string_value(key)] = proc.make_map(inner)
        return proc.make_map(outer)


MAX_RESOURCES = 1000  # files one run may ask for: each costs a new run, so endless requests stop


_files: dict[Path, Files] = {}


def files_for(root: Path) -> Files:
    """The resources read so far from one project root, in this process."""
    root = Path(root).resolve()
    found = _files.get(root)
    if found is None:
        found = _files[root] = Files(root)
    return found


def files_read() -> dict[str, str]:
    """{path: SHA-256} of every file stylesheets and rules read in this process (what results depend on)."""
    found: dict[str, str] = {}
    for files in _files.values():
        found.update(files.read)
    return found


def run(executable, files: Files, transform) -> str:
    """Run `transform()` (a call of `executable` on `node`) until it asks for nothing more.

    Each run that stops at a resource not yet read has it read by teikit and added to
    the map; the documents read stay in `files`, so the next document of a batch pays nothing.
    """
    from saxonche import PySaxonApiError

    while True:
        executable.set_parameter(f"{{{TKS}}}files", files.as_xdm())
        try:
            return transform()
        except PySaxonApiError as exc:
            refused = str(exc).strip()
            if any(entry.get("error") == refused for entry in files.entries.values()):
                raise SandboxError(refused) from None  # teikit's own message, without Saxon's trace
            need = needed(str(exc))
            if need is None or len(files.entries) >= MAX_RESOURCES or f"{need[0]} {need[1]}" in files.entries:
                raise
            files.fetch(*need)


def with_base(text: str, base: str) -> str:
    """Stylesheet text whose root element carries xml:base (its static base URI), lines unchanged."""
    return re.sub(r"<((?:[\w.\-]+:)?(?:stylesheet|transform|package))(?=[\s>/])",
                  lambda m: f'<{m.group(1)} xml:base="{base}"', text, count=1)


def library_text() -> str:
    """The tks: functions and parameter, as top-level declarations to append to a principal module."""
    library = etree.fromstring(_eqnames(_LIBRARY))
    return "".join(etree.tostring(child, encoding="unicode") for child in library)


def with_library(text: str) -> str:
    """A principal module's text with the tks: declarations added before its end tag (lines unchanged)."""
    end = text.rstrip().rfind("</")
    return text[:end] + library_text() + text[end:]


def needed(message: str) -> tuple[str, str] | None:
    """The resource a run stopped for (kind, uri), if that is why it stopped."""
    match = _NEED.search(message)
    return (match.group(1), match.group(2)) if match else None

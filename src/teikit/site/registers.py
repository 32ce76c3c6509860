"""The corpus summary: every document's summary merged, entities identified across documents.

A mention names its entity by pointers (`@ref`, `@key`). Two mentions are the same entity
when they share an identifier, directly or through register entries:
- an absolute URI (an authority record: GND, GeoNames, Wikidata, a project's own URIs),
  compared without the differences that do not matter (http/https, www., a final /);
- a register entry of the same document (`#id`) is identified by its authority URIs
  (`@ref`, `@sameAs`, `idno`), else by the document and id;
- an entry of a register file (`persons.xml#p1`, or any file given as a register), by
  that file and id, and then by the authority URIs the entry has there;
- a bare id that the document does not hold (`#p1` kept in a project register teikit was
  not given) is taken as an id of the folder's project: the same in all its documents.
Several identifiers on one mention join their entities (union-find), so a letter naming
Humboldt by his edition URI and his GND number and another naming him by the GND number
alone give one entry. Data only: the pages are made from this by xslt/site/pages.xsl.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from lxml import etree

SITE_NS = "urn:teikit:site"
S = f"{{{SITE_NS}}}"
KINDS = ("person", "place", "org", "event", "work")
ROLES = {"sender": "sender", "addressee": "addressee"}
AUTHORITIES = {"d-nb.info": "GND", "www.wikidata.org": "Wikidata", "wikidata.org": "Wikidata",
               "www.geonames.org": "GeoNames", "geonames.org": "GeoNames", "sws.geonames.org": "GeoNames",
               "viaf.org": "VIAF", "orcid.org": "ORCID", "isni.org": "ISNI", "doi.org": "DOI"}


def normal_uri(uri: str) -> str:
    """The form in which two spellings of one URI compare equal."""
    parts = urlsplit(uri.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"uri:{host}{path}" + (f"?{parts.query}" if parts.query else "")


def authority_label(uri: str) -> str:
    host = urlsplit(uri).netloc.lower()
    return AUTHORITIES.get(host, host.removeprefix("www."))


@dataclass
class Register:
    """Entries of one register file: id -> (kind, name, authority URIs)."""

    path: Path
    entries: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, keys: list[str]) -> None:
        roots = [self.find(k) for k in keys]
        for other in roots[1:]:
            if other != roots[0]:
                self.parent[other] = roots[0]


@dataclass
class _Mention:
    keys: list[str]
    kind: str
    name: str
    named_by_entry: bool
    doc: int
    anchor: str | None
    section: str
    words: str
    role: str = ""


def _uris(tokens: Iterable[str]) -> list[str]:
    return [t for t in tokens if re.match(r"^https?://\S+$", t)]


class _Resolver:
    """The identifiers of a pointer made in one document."""

    def __init__(self, path: Path, base: Path, entries: Mapping[str, tuple[str, str, list[str]]],
                 registers: Mapping[Path, Register], spellings: dict[str, str]) -> None:
        self.path = path
        self.base = base
        self.name = self._relative(path)
        self.folder = self._relative(path.parent)
        self.entries = entries
        self.registers = registers
        self.spellings = spellings

    def _relative(self, path: Path) -> str:
        """Paths as identifiers relative to the corpus, so entity ids do not depend on where it lies."""
        return os.path.relpath(path, self.base).replace(os.sep, "/")

    def _uri(self, uri: str) -> str:
        normal = normal_uri(uri)
        self.spellings.setdefault(normal, uri)
        return normal

    def keys(self, ref: str) -> tuple[list[str], tuple[str, str] | None]:
        """Identifiers of `ref`, and the (kind, name) of the register entry it names, if any."""
        keys: list[str] = []
        named: tuple[str, str] | None = None
        for token in ref.split():
            if re.match(r"^https?://", token):
                keys.append(self._uri(token))
            elif token.startswith("#") and len(token) > 1:
                entry = self.entries.get(token[1:])
                if entry:
                    named = named or (entry[0], entry[1])
                    keys += [self._uri(u) for u in entry[2]] or [f"doc:{self.name}#{token[1:]}"]
                else:
                    keys.append(f"local:{self.folder}#{token[1:]}")
            elif "#" in token and not re.match(r"^[A-Za-z][\w+.-]*:", token):
                file, _, ident = token.partition("#")
                target = (self.path.parent / file).resolve()
                register = self.registers.get(target)
                entry = register.entries.get(ident) if register else None
                if entry:
                    named = named or (entry[0], entry[1])
                    keys += [self._uri(u) for u in entry[2]]
                keys.append(f"file:{self._relative(target)}#{ident}")
            elif token:
                keys.append(f"key:{self.folder}:{token}")
        return keys, named


def read_register(path: Path, tree: etree._ElementTree) -> Register:
    """Entries of a register file (person, place, org, event, bibl… with an xml:id)."""
    tei = "{http://www.tei-c.org/ns/1.0}"
    kinds = {"person": "person", "personGrp": "person", "place": "place", "org": "org", "event": "event",
             "bibl": "work", "biblStruct": "work", "object": "work"}
    register = Register(path.resolve())
    xml_id = "{http://www.w3.org/XML/1998/namespace}id"
    for element in tree.iter(*(tei + k for k in kinds)):
        ident = element.get(xml_id)
        if not ident:
            continue
        kind = kinds[etree.QName(element).localname]
        name_el = next((c for c in element if etree.QName(c).localname in
                        ("persName", "placeName", "orgName", "name", "title", "label")), None)
        if name_el is not None and any(etree.QName(c).localname in ("forename", "surname") for c in name_el):
            name = " ".join(" ".join("".join(c.itertext()).split()) for c in name_el
                            if etree.QName(c).localname in ("forename", "surname"))
        else:
            name = " ".join("".join(name_el.itertext()).split()) if name_el is not None else ident
        uris = _uris(" ".join(filter(None, (element.get("ref"), element.get("sameAs")))).split())
        uris += [" ".join(i.itertext()).strip() for i in element.iter(tei + "idno")
                 if re.match(r"^https?://\S+$", " ".join(i.itertext()).strip())]
        register.entries[ident] = (kind, name, uris)
    return register


def merge(summaries: Mapping[Path, Path], pages: Mapping[Path, PurePosixPath],
          registers: Mapping[Path, Register],
          about: Mapping[str, str], language: str) -> etree._ElementTree:
    """The corpus summary: <corpus> with <about>, one <document> per page, one <entity> per entity."""
    corpus = etree.Element(S + "corpus", nsmap={None: SITE_NS})
    corpus.set("title", about.get("title", ""))
    corpus.set("lang", language)
    about_el = etree.SubElement(corpus, S + "about")
    for key in ("description", "publisher", "licence"):
        etree.SubElement(about_el, S + key).text = about.get(key, "")

    union = _Union()
    mentions: list[_Mention] = []
    docs: list[etree._Element] = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    spellings: dict[str, str] = {}
    base = Path(os.path.commonpath([str(p.resolve().parent) for p in summaries] or ["/"]))
    for path in sorted(summaries, key=lambda p: str(pages[p])):
        document = etree.parse(str(summaries[path]), parser).getroot()
        document.set("href", str(pages[path]))
        index = len(docs)
        docs.append(document)
        entries = {e.get("id"): (e.get("kind"), e.get("name"),
                                 [a.get("href") for a in e.findall(S + "authority")])
                   for e in document.findall(S + "entry") if e.get("id")}
        resolver = _Resolver(path.resolve(), base, entries, registers, spellings)
        for e in document.findall(S + "entry"):
            keys, _ = resolver.keys(f"#{e.get('id')}")
            union.join(keys)
        roles: dict[str, str] = {}
        for tag, role in ROLES.items():
            for el in document.findall(S + tag):
                roles.setdefault(el.get("ref", ""), role)
        for m in document.findall(S + "mention"):
            keys, named = resolver.keys(m.get("ref", ""))
            if not keys:
                continue
            union.join(keys)
            where_header = m.get("where") == "header"
            mentions.append(_Mention(
                keys=keys, kind=named[0] if named and named[0] in KINDS else m.get("kind", "person"),
                name=named[1] if named else m.get("name", ""), named_by_entry=bool(named) or where_header,
                doc=index, anchor=None if where_header else m.get("anchor"), section=m.get("section", ""),
                words=m.get("words", ""), role=roles.get(m.get("ref", ""), "") if where_header else ""))
        for tag in (*ROLES, "place"):
            for el in document.findall(S + tag):
                keys, _ = resolver.keys(el.get("ref", ""))
                if keys:
                    el.set("key", keys[0])
        for e in document.findall(S + "entry"):
            document.remove(e)
        for m in document.findall(S + "mention"):
            document.remove(m)

    groups: dict[str, list[_Mention]] = defaultdict(list)
    for m in mentions:
        groups[union.find(m.keys[0])].append(m)
    entity_of: dict[str, str] = {}
    entities = []
    for root, members in groups.items():
        kind = Counter(m.kind for m in members).most_common(1)[0][0]
        preferred = ([m.name for m in members if m.named_by_entry and m.name]
                     or [m.name for m in members if m.name])
        name = Counter(preferred).most_common(1)[0][0] if preferred else "?"
        first = min(k for m in members for k in m.keys)
        ident = kind[0] + "-" + hashlib.sha1(first.encode()).hexdigest()[:10]
        entity_of[root] = ident
        entities.append((kind, name, ident, members))
    for document in docs:
        for el in document:
            if el.get("key"):
                el.set("entity", entity_of.get(union.find(el.get("key")), ""))
                del el.attrib["key"]
        corpus.append(document)

    for kind, name, ident, members in sorted(entities, key=lambda e: (e[0], _sort_key(e[1]), e[2])):
        entity = etree.SubElement(corpus, S + "entity", kind=kind, id=ident, name=name, sort=_sort_key(name))
        uris = sorted({k for m in members for k in m.keys if k.startswith("uri:")})
        for uri in uris:
            original = spellings.get(uri, "https://" + uri.removeprefix("uri:"))
            etree.SubElement(entity, S + "authority", href=original, label=authority_label(original))
        by_doc: dict[int, list[_Mention]] = defaultdict(list)
        for m in members:
            by_doc[m.doc].append(m)
        for index in sorted(by_doc, key=lambda i: (docs[i].get("date") or "9999", docs[i].get("title"))):
            doc = docs[index]
            inside = etree.SubElement(entity, S + "in", href=doc.get("href"), title=doc.get("title", ""))
            if doc.get("date-label"):
                inside.set("date-label", doc.get("date-label"))
            for role in sorted({m.role for m in by_doc[index] if m.role}):
                etree.SubElement(inside, S + "role").text = role
            seen = set()
            for m in by_doc[index]:
                if m.anchor and m.anchor not in seen:
                    seen.add(m.anchor)
                    etree.SubElement(inside, S + "at", anchor=m.anchor, section=m.section, words=m.words)
    return etree.ElementTree(corpus)


def _sort_key(name: str) -> str:
    return re.sub(r"^[^\w]+", "", name).casefold()

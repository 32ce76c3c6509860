"""`teikit info`: what a document contains, at a glance."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from teikit.load import TEI_NS, Document

_NS = {"tei": TEI_NS}


@dataclass(frozen=True)
class DocumentInfo:
    file: str
    title: str
    words: int
    divisions: int
    paragraphs: int
    notes: int
    persons: int
    places: int
    organisations: int
    dates: int
    events: int
    register_persons: int
    register_places: int
    register_orgs: int
    register_events: int
    register_works: int
    schemas: tuple[str, ...]

    def to_dict(self) -> dict:
        return asdict(self)


def _count(doc: Document, xpath: str) -> int:
    return int(doc.root.xpath(f"count({xpath})", namespaces=_NS))


def describe(doc: Document) -> DocumentInfo:
    title = doc.root.xpath("string((//tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title)[1])",
                           namespaces=_NS)
    text = doc.root.find(f"{{{TEI_NS}}}text")
    words = len(" ".join(text.itertext()).split()) if text is not None else 0
    schemas = tuple(
        pi.get("href") or "" for pi in doc.tree.xpath("/processing-instruction('xml-model')")
    )
    return DocumentInfo(
        file=doc.display,
        title=" ".join(title.split()),
        words=words,
        divisions=_count(doc, "//tei:text//tei:div"),
        paragraphs=_count(doc, "//tei:text//tei:p"),
        notes=_count(doc, "//tei:text//tei:note"),
        persons=_count(doc, "//tei:text//tei:persName"),
        places=_count(doc, "//tei:text//tei:placeName"),
        organisations=_count(doc, "//tei:text//tei:orgName"),
        dates=_count(doc, "//tei:text//tei:date"),
        events=_count(doc, "//tei:text//tei:rs[@type='event'] | //tei:text//tei:name[@type='event']"),
        register_persons=_count(doc, "//tei:listPerson//tei:person"),
        register_places=_count(doc, "//tei:listPlace//tei:place"),
        register_orgs=_count(doc, "//tei:listOrg//tei:org"),
        register_events=_count(doc, "//tei:listEvent//tei:event"),
        register_works=_count(doc, "(//tei:standOff | //tei:back)//tei:listBibl//tei:bibl"),
        schemas=schemas,
    )


def format_info(info: DocumentInfo) -> str:
    rows = [
        ("title", info.title or "(none)"),
        ("words in text", f"{info.words:,}"),
        ("divisions / paragraphs", f"{info.divisions} / {info.paragraphs}"),
        ("notes", info.notes),
        ("persons / places / orgs tagged", f"{info.persons} / {info.places} / {info.organisations}"),
        ("dates / events tagged", f"{info.dates} / {info.events}"),
        ("register: persons / places / orgs / events",
         f"{info.register_persons} / {info.register_places} / {info.register_orgs} / {info.register_events}"),
        ("register: works and treaties (listBibl)", info.register_works),
        ("schema (xml-model)", ", ".join(info.schemas) or "(none declared)"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join([info.file] + [f"  {k.ljust(width)}  {v}" for k, v in rows])

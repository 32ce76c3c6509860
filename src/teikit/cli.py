"""The `teikit` command: a thin shell over the library's stages.

Exit codes (also in the README): 0 success; 1 a document has errors (not well
formed, invalid, could not be built); 2 usage or I/O problem (missing file, no
XML in a directory, unwritable output, missing optional tool); 3 internal error;
141 the reader of stdout went away (`teikit validate | head`), which is not reported.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from teikit import __version__, report
from teikit.diagnostics import Diagnostic, Severity, has_errors, printable
from teikit.errors import EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_INVALID, EXIT_OK, EXIT_USAGE, TeikitError
from teikit.inputs import discover
from teikit.load import DEFAULT_LIMITS, MAX_SUPPORTED_DEPTH, Limits
from teikit.resources import default_edition_dir

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(message: str, hint: str = "", code: int = EXIT_USAGE) -> None:
    click.echo(f"teikit: error: {printable(message)}", err=True)
    if hint:
        click.echo(f"    hint: {printable(hint)}", err=True)
    sys.exit(code)


def _reader_gone() -> None:
    """stdout's reader closed the pipe (`teikit validate | head`): stop quietly, as Unix tools do.

    Further writes (and Python's own flush at exit) go to /dev/null, so no second error appears.
    """
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(EXIT_BROKEN_PIPE)


def guarded(func: Callable) -> Callable:
    """Turn every failure into a message and an exit code: users never see a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from teikit.fsutil import terminate_like_interrupt

        terminate_like_interrupt()
        try:
            try:
                return func(*args, **kwargs)
            finally:
                sys.stdout.flush()  # inside the guard: a reader that went away is seen here
        except BrokenPipeError:
            _reader_gone()
        except TeikitError as exc:
            _fail(exc.message, exc.hint, exc.exit_code)
        except KeyboardInterrupt as exc:
            from teikit.fsutil import Terminated

            terminated = isinstance(exc, Terminated)
            what, code = ("terminated (SIGTERM)", 143) if terminated else ("interrupted", 130)
            _fail(f"{what}; outputs already written are complete, none is partial", code=code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug in teikit: say so plainly
            if os.environ.get("TEIKIT_DEBUG"):
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc}",
                  "this is a bug in teikit; rerun with TEIKIT_DEBUG=1 for the traceback and report it",
                  EXIT_INTERNAL)

    return wrapper


def _config():
    """The project configuration (see `teikit.config`), read once per command."""
    from teikit.config import load_config

    meta = click.get_current_context().find_root().meta
    if "teikit.config" not in meta:
        meta["teikit.config"] = load_config()
    return meta["teikit.config"]


def configured(section: str) -> Callable:
    """Fill the parameters the command line left at their defaults from the project configuration
    (its top-level keys and its [SECTION] table): a flag given always wins."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            from teikit.config import command_values

            ctx = click.get_current_context()
            try:
                values = command_values(_config(), section)
            except TeikitError as exc:
                _fail(exc.message, exc.hint, exc.exit_code)
            for name, value in values.items():
                source = ctx.get_parameter_source(name)
                if name in kwargs and source in (None, click.core.ParameterSource.DEFAULT):
                    kwargs[name] = value
            return func(*args, **kwargs)

        return wrapper

    return decorate


def _default_paths() -> tuple[Path, ...]:
    """`tei/` of the project root, else of the current folder or of teikit's checkout."""
    ctx = click.get_current_context(silent=True)
    config = ctx.find_root().meta.get("teikit.config") if ctx else None
    if config is not None and (config.root / "tei").is_dir():
        return (config.root / "tei",)
    return (default_edition_dir(),)


def _paths(paths: tuple[str, ...], include: tuple[str, ...] = (),
           exclude: tuple[str, ...] = ()) -> list[Path]:
    files = discover(paths or _default_paths(), include, exclude)
    ctx = click.get_current_context(silent=True)
    meta = ctx.meta if ctx else {}
    if meta.get("teikit.changed_since"):
        from teikit.selection import select_changed

        files = select_changed(files, meta["teikit.changed_since"])
        if not files:
            click.echo(f"teikit: no files changed since {meta['teikit.changed_since']}", err=True)
    if meta.get("teikit.shard"):
        from teikit.selection import select_shard

        index, count = meta["teikit.shard"]
        total = len(files)
        files = select_shard(files, index, count)
        if not files:
            click.echo(f"teikit: shard {index}/{count} holds none of the {total} file(s)", err=True)
    return files


def _shard_option(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    from teikit.selection import parse_shard

    try:
        return parse_shard(value) if value else None
    except TeikitError as exc:
        raise click.BadParameter(f"{exc.message} ({exc.hint})" if exc.hint else exc.message) from None


def validation_cache_options(func: Callable) -> Callable:
    """--cache-dir and --force for validate, kept in the context for `_validation_batch`."""
    inner = func

    @functools.wraps(inner)
    def stash(*args, cache_dir=None, use_cache=False, force=False, **kwargs):
        meta = click.get_current_context().meta
        if use_cache and not cache_dir:
            from teikit.cache import default_validation_cache_dir

            cache_dir = str(default_validation_cache_dir())
        meta["teikit.cache_dir"], meta["teikit.force"] = cache_dir, force
        return inner(*args, **kwargs)

    func = click.option("--force", is_flag=True,
                        help="With --cache-dir: validate every document again and refresh the cache.")(stash)
    func = click.option("--cache", "use_cache", is_flag=True,
                        help="Remember results in the user's cache (~/.cache/teikit/validate, or "
                             "$TEIKIT_CACHE_DIR/validate), outside the sources.")(func)
    func = click.option("--cache-dir", type=click.Path(file_okay=False), metavar="DIR",
                        help="Remember results in DIR (e.g. .teikit-cache): unchanged documents, with "
                             "unchanged schemas and options, are not validated again.")(func)
    return func


def build_cache_options(func: Callable) -> Callable:
    """--force, --no-cache and --cache-dir for build, kept in the context for `build`'s body."""
    inner = func

    @functools.wraps(inner)
    def stash(*args, cache_dir=None, force=False, no_cache=False, **kwargs):
        meta = click.get_current_context().meta
        meta["teikit.cache_dir"], meta["teikit.force"], meta["teikit.no_cache"] = cache_dir, force, no_cache
        return inner(*args, **kwargs)

    func = click.option("--no-cache", is_flag=True,
                        help="Neither read nor write the build cache: build everything.")(stash)
    func = click.option("--force", is_flag=True,
                        help="Rebuild every output, even those the cache knows are current.")(func)
    func = click.option("--cache-dir", type=click.Path(file_okay=False), metavar="DIR",
                        help="Where the build cache lives.  [default: OUT/.teikit-cache]")(func)
    return func


def _validation_batch(quiet: bool) -> dict:
    """The batch settings of `validate_paths`: cache (--cache-dir, --force) and progress bar."""
    meta = click.get_current_context().meta
    cache_dir = meta.get("teikit.cache_dir")
    return {"cache_dir": Path(cache_dir) if cache_dir else None, "force": bool(meta.get("teikit.force")),
            "progress": _progress("validate", quiet)}


def _progress(label: str, quiet: bool) -> Callable[[int], Callable[[int], None]] | None:
    """A progress bar on stderr when it is a terminal; none with --quiet."""
    from teikit.runner import ProgressBar

    return None if quiet else ProgressBar.factory(label)


def limit_options(func: Callable) -> Callable:
    func = click.option("--max-depth", type=click.IntRange(min=1, max=MAX_SUPPORTED_DEPTH),
                        default=DEFAULT_LIMITS.max_depth,
                        show_default=True, help="Refuse documents nested deeper than this.")(func)
    func = click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_LIMITS.max_bytes,
                        show_default=True, help="Refuse files larger than this many bytes.")(func)
    return func


def selection_options(func: Callable) -> Callable:
    func = click.option("--exclude", multiple=True, metavar="GLOB",
                        help="Skip files matching GLOB when searching directories.")(func)
    func = click.option("--include", multiple=True, metavar="GLOB",
                        help="Only take files matching GLOB when searching directories.")(func)
    func = click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
                        help="Processes working at once, this one included (0 = all cores).")(func)
    inner = func

    @functools.wraps(inner)
    def stash(*args, shard=None, changed_since=None, **kwargs):
        # Kept in the context, so every command gets them through _paths without new parameters.
        meta = click.get_current_context().meta
        meta["teikit.shard"], meta["teikit.changed_since"] = shard, changed_since
        return inner(*args, **kwargs)

    func = click.option("--changed-since", metavar="GIT_REF",
                        help="Only files changed since GIT_REF (committed since the merge base, staged, "
                             "unstaged or untracked), or that XInclude a changed file.")(stash)
    func = click.option("--shard", metavar="I/N", callback=_shard_option,
                        help="Only part I of N (1-based) of the files, balanced by size: give each job "
                             "of a CI matrix its own I.")(func)
    return func


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="teikit")
def main() -> None:
    """teikit: validate, transform and package TEI P5 scholarly editions.

    Every command takes files or directories (searched recursively for *.xml)
    and defaults to the edition in ./tei/.

    Settings come from teikit.toml (or [tool.teikit] in pyproject.toml) of the
    project; flags override them. `teikit init` starts a project.

    \b
    Exit codes: 0 success, 1 a document has errors,
                2 usage or I/O problem, 3 internal error.
    """


# --------------------------------------------------------------------------- validate

@main.command(context_settings=CONTEXT)
@configured("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--schema", "schemas", multiple=True, type=click.Path(dir_okay=False),
              help="RELAX NG schema (.rng) to validate against; repeatable (its embedded Schematron "
                   "runs too). Default: the document's <?xml-model?>, else TEI P5 tei_all.")
@click.option("--schematron", multiple=True, type=click.Path(dir_okay=False),
              help="Schematron rules (.sch); repeatable. Default: the document's <?xml-model?>, "
                   "else the project rules.")
@click.option("--engine", type=click.Choice(["lxml", "jing"]), default="lxml", show_default=True,
              help="RELAX NG engine.")
@click.option("--phase", default="#DEFAULT", show_default=True,
              help="Schematron phase to run (#ALL for every pattern).")
@click.option("--svrl", "svrl_dir", type=click.Path(file_okay=False),
              help="Also write each document's Schematron report (SVRL) into this directory.")
@click.option("--no-pointers", is_flag=True, help="Skip the built-in pointer integrity checks.")
@click.option("--ignore", multiple=True, metavar="RULE",
              help="Do not report RULE (or every rule under a prefix, e.g. pointer); repeatable.")
@click.option("--group-after", type=click.IntRange(min=0), default=report.GROUP_AFTER, show_default=True,
              help="Text report: past N findings of one rule in one file, give the rest as a count "
                   "(0 = list all).")
@click.option("--format", "fmt", type=click.Choice(report.FORMATS), default="text", show_default=True,
              help="Report format: text for people, json, junit or sarif for CI.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to a file.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and warnings, no summary.")
@selection_options
@validation_cache_options
@limit_options
@guarded
def validate(paths, schemas, schematron, engine, phase, svrl_dir, no_pointers, ignore, group_after, fmt,
             output, quiet, jobs, include, exclude, max_bytes, max_depth):
    """Check documents: well-formedness, RELAX NG grammar, Schematron rules and pointers.

    Problems are reported together, sorted by file and line, as
    FILE:LINE:COL: SEVERITY: [RULE] MESSAGE.

    \b
    Examples:
      teikit validate                          # the edition in ./tei/
      teikit validate tei/ --format sarif -o teikit.sarif
      teikit validate corpus/ --schema tei_all.rng -j 8
    """
    from teikit.policy import Policy
    from teikit.validate import ValidationOptions, validate_paths

    config = _config()
    files = _paths(paths, include, exclude)
    policy = Policy.of(config.get("validate", "select", ()), ignore, config.get("validate", "severity"))
    options = ValidationOptions(
        schemas=tuple(Path(s) for s in schemas),
        schematron=tuple(Path(s) for s in schematron),
        engine=engine,
        phase=phase,
        svrl_dir=Path(svrl_dir).resolve() if svrl_dir else None,
        pointers=not no_pointers,
        limits=Limits(max_bytes=max_bytes, max_depth=max_depth),
        project_root=config.root,
        pointer_folders=tuple(Path(p) for p in config.get("validate", "pointer-folders", ())),
    )
    try:
        diagnostics = policy.apply(validate_paths(files, options, jobs=jobs, **_validation_batch(quiet)))
    except TeikitError as exc:  # unusable rules: machine-readable reports carry them as findings
        if fmt == "text" or exc.diagnostic is None:
            raise
        _emit_report([exc.diagnostic], [Path(exc.diagnostic.file), *files], fmt, output, quiet)
        sys.exit(exc.exit_code)
    _emit_report(diagnostics, files, fmt, output, quiet, group_after)
    sys.exit(EXIT_INVALID if has_errors(diagnostics) else EXIT_OK)


def _emit_report(diagnostics: list[Diagnostic], files: list[Path], fmt: str, output: str | None,
                 quiet: bool, group_after: int = report.GROUP_AFTER) -> None:
    from teikit.load import display_path

    names = [display_path(f) for f in files]
    text = report.render(diagnostics, names, fmt, group_after)
    if output:
        from teikit import fsutil
        fsutil.write_text(Path(output), text + "\n")
    elif text:
        click.echo(text)
    if not quiet and (fmt == "text" or output):
        click.echo(report.summary(diagnostics, names), err=fmt != "text")


# --------------------------------------------------------------------------- build

@main.command(context_settings=CONTEXT)
@configured("build")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False), default="build",
              show_default=True, help="Output directory.")
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(["html", "pdf", "txt", "all"]),
              default=("all",), show_default=True, help="Output format; repeatable.")
@click.option("--width", type=click.IntRange(min=0), default=78, show_default=True,
              help="Wrap plain text at this many columns (0 = one line per paragraph).")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@selection_options
@build_cache_options
@limit_options
@guarded
def build(paths, out_dir, formats, width, quiet, jobs, include, exclude, max_bytes, max_depth):
    """Transform documents into HTML, PDF/A and plain text.

    Each output is written atomically: a failed build never leaves a partial
    file, and sources are never modified.

    \b
    Examples:
      teikit build                             # ./tei/ -> ./build/ (html, pdf, txt)
      teikit build tei/edition.xml -f html -o site/
      teikit build corpus/ -f txt --width 72 -j 4
    """
    from teikit.config.customise import build_options
    from teikit.write import FORMATS, build_batch

    config = _config()
    chosen = FORMATS if "all" in formats else tuple(dict.fromkeys(formats))
    files = _paths(paths, include, exclude)
    options = build_options(config, width)
    limits = Limits(max_bytes=max_bytes, max_depth=max_depth)
    meta = click.get_current_context().meta
    done = build_batch(files, Path(out_dir), chosen, options, limits, jobs=jobs,
                       use_cache=not meta["teikit.no_cache"], force=meta["teikit.force"],
                       cache_dir=Path(meta["teikit.cache_dir"]) if meta["teikit.cache_dir"] else None,
                       progress=_progress("build", quiet), project_root=config.root)
    diagnostics = done.diagnostics
    for d in sorted(diagnostics):
        click.echo(d.format(), err=True)
    if not quiet:
        for path in done.written:
            click.echo(f"wrote {printable(str(path))}")
        if done.unchanged:
            click.echo(f"{len(done.unchanged)} output(s) of {done.skipped_documents} unchanged document(s) "
                       f"already up to date (cache: {done.cache_dir}; --force rebuilds them)")
    sys.exit(EXIT_INVALID if any(d.severity >= Severity.ERROR for d in diagnostics) else EXIT_OK)


# --------------------------------------------------------------------------- init

@main.command(context_settings=CONTEXT)
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
@guarded
def init(directory):
    """Start an edition project in DIRECTORY (default: here).

    Writes a sample TEI document in tei/, teikit.toml, a GitHub Actions workflow,
    a pre-commit configuration, a README and a .gitignore. Files that exist are
    kept, never overwritten. The project validates and builds as it is.

    \b
    Example:
      teikit init my-edition && cd my-edition && teikit validate && teikit build
    """
    from teikit.init import init_project

    done = init_project(Path(directory))
    for path in done.written:
        click.echo(f"wrote {path}")
    for path in done.kept:
        click.echo(f"kept {path} (exists; not overwritten)")
    where = "" if Path(directory) == Path(".") else f"cd {directory} && "
    click.echo(f"next: {where}teikit validate && teikit build")
    sys.exit(EXIT_OK)


# --------------------------------------------------------------------------- site

@main.command(context_settings=CONTEXT)
@configured("site")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False), default="site", show_default=True,
              help="Output folder of the site.")
@click.option("--title", default="TEI edition", show_default=True, help="The site's title.")
@click.option("--description", default="", help="A sentence or two about the edition (index and about page).")
@click.option("--publisher", default="", help="Who publishes the edition (about page).")
@click.option("--licence", default="", help="The licence of the edition (about page and every footer).")
@click.option("--lang", "language", default="en", show_default=True,
              help="Language of the site's pages and of its search index (ISO 639-1).")
@click.option("--register", "registers", multiple=True, type=click.Path(dir_okay=False),
              help="A register file (TEI lists of persons, places, …) that documents point into; repeatable.")
@click.option("--no-search", is_flag=True, help="Leave out the full-text search (no Pagefind needed).")
@click.option("--serve", is_flag=True,
              help="After building, serve the site on http://127.0.0.1 for a preview.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port for --serve (0: any free port).")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@selection_options
@build_cache_options
@limit_options
@guarded
def site(paths, out_dir, title, description, publisher, licence, language, registers, no_search, serve, port,
         quiet, jobs, include, exclude, max_bytes, max_depth):
    """Build a static website of a corpus: pages, index, registers, timeline, search.

    Document pages come from the HTML writer; the index of documents, the registers
    of persons, places, organisations, events and works across all documents, the
    timeline and the about page need no server and work from disk; the full-text
    search (Pagefind, with facets) needs the site served over HTTP (--serve).
    A second run rebuilds only the pages of changed documents, then the registers
    and the search index.

    \b
    Examples:
      teikit site letters/ tei/ -o site --title "Letters"
      teikit site corpus/ --register corpus/persons.xml --serve
    """
    from teikit.site import SiteOptions, build_site
    from teikit.site.build import failed

    files = _paths(paths, include, exclude)
    meta = click.get_current_context().meta
    options = SiteOptions(
        title=title, description=description, publisher=publisher, licence=licence, language=language,
        registers=tuple(Path(r) for r in registers), search=not no_search,
        limits=Limits(max_bytes=max_bytes, max_depth=max_depth), jobs=jobs,
        use_cache=not meta["teikit.no_cache"], force=meta["teikit.force"],
        cache_dir=Path(meta["teikit.cache_dir"]) if meta["teikit.cache_dir"] else None)
    out = Path(out_dir)
    done = build_site(files, out, options, progress=_progress("site", quiet))
    for d in done.diagnostics:
        click.echo(d.format(), err=True)
    if not quiet:
        click.echo(f"wrote {out}/: {done.documents} document page(s) ({done.built_documents} built, "
                   f"{done.skipped_documents} unchanged), {done.entities} register entries, "
                   f"{len(done.pages)} corpus pages"
                   + (f", search index {done.search_files} files, {done.search_bytes / 1e6:.1f} MB"
                      if options.search else ", no search"))
    if serve:
        from teikit.site.serve import make_server

        try:
            server = make_server(out, port)
        except OSError as exc:
            _fail(f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}",
                  "choose another port with --port, or --port 0 for any free one")
        click.echo(f"serving {out}/ on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    sys.exit(EXIT_INVALID if failed(done) else EXIT_OK)


# --------------------------------------------------------------------------- info

@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@limit_options
@guarded
def info(paths, as_json, max_bytes, max_depth):
    """Summarise documents: words, divisions, notes, tagged entities, registers, schema.

    \b
    Example:
      teikit info tei/karabakh-war.xml
    """
    from teikit.errors import DocumentError
    from teikit.info import describe, format_info
    from teikit.load import load

    results, failed = [], False
    for path in _paths(paths):
        try:
            results.append(describe(load(path, limits=Limits(max_bytes=max_bytes, max_depth=max_depth))))
        except DocumentError as exc:
            failed = True
            click.echo(printable(exc.message), err=True)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        click.echo("\n\n".join("\n".join(printable(line) for line in format_info(r).splitlines())
                               for r in results))
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


# --------------------------------------------------------------------------- package

@main.command(context_settings=CONTEXT)
@configured("package")
@click.argument("path", required=False, type=click.Path())
@click.option("-o", "--out", type=click.Path(), help="Bag directory (or archive) to write. "
              "Default: build/NAME-bag (.zip/.tar with --zip/--tar).")
@click.option("--zip", "archive", flag_value="zip", help="Write one .zip file instead of a directory.")
@click.option("--tar", "archive", flag_value="tar",
              help="Write one uncompressed .tar file instead of a directory.")
@click.option("--force", is_flag=True, help="Replace an existing bag at the output path.")
@click.option("--allow-invalid", is_flag=True,
              help="Package an edition with validation errors; recorded in bag-info.txt and the report.")
@click.option("--verify", "verify_path", metavar="BAG", type=click.Path(),
              help="Check a bag (directory, .zip or .tar) instead of making one: completeness, "
                   "checksums, METS, and the TEI against the schemas inside the bag.")
@click.option("--schema", "schemas", multiple=True, type=click.Path(dir_okay=False),
              help="RELAX NG schema to validate with (and store in the bag); repeatable.")
@click.option("--schematron", multiple=True, type=click.Path(dir_okay=False),
              help="Schematron rules to validate with (and store in the bag); repeatable.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@limit_options
@guarded
def package(path, out, archive, force, allow_invalid, verify_path, schemas, schematron, quiet,
            max_bytes, max_depth):
    """Package an edition as a BagIt 1.0 deposit, or verify one.

    The bag holds the TEI source, the schemas it was validated with, its HTML,
    PDF/A and text outputs, the validation report, and Dublin Core, DataCite
    and METS records made from the teiHeader, with SHA-256 and SHA-512
    manifests. An invalid edition is refused (exit 1) unless --allow-invalid.
    Dates come from SOURCE_DATE_EPOCH, else from the TEI, so the same inputs
    give byte-identical packages.

    \b
    Examples:
      teikit package                           # tei/*.xml -> build/NAME-bag/
      teikit package tei/karabakh-war.xml --zip -o deposit.zip
      teikit package --verify deposit.zip
    """
    from teikit.package import (
        InvalidEditionError,
        PackageOptions,
        default_target,
        summarise,
        verify_bag,
    )
    from teikit.package import package as make_package

    limits = Limits(max_bytes=max_bytes, max_depth=max_depth)
    if verify_path:
        if path:
            _fail("give either an edition to package or --verify BAG, not both")
        checked = verify_bag(Path(verify_path), limits)
        for d in sorted(checked.diagnostics):
            click.echo(d.format(), err=d.severity >= Severity.ERROR)
        if not checked.intact:
            click.echo(checked.summary(printable(verify_path)), err=True)
            sys.exit(EXIT_INVALID)
        if not quiet:
            click.echo(checked.summary(printable(verify_path)))
        sys.exit(EXIT_OK)

    files = _paths((path,) if path else ())
    if len(files) != 1:
        _fail(f"package takes one edition file; found {len(files)}",
              "name the TEI file to package, e.g. teikit package tei/edition.xml")
    source = files[0]
    options = PackageOptions(
        schemas=tuple(Path(s) for s in schemas), schematron=tuple(Path(s) for s in schematron),
        limits=limits, allow_invalid=allow_invalid, force=force, archive=archive)
    target = default_target(source, Path(out) if out else None, archive)
    try:
        result = make_package(source, target, options)
    except InvalidEditionError as exc:
        for d in sorted(exc.diagnostics):
            click.echo(d.format(), err=True)
        _fail(exc.message, exc.hint, exc.exit_code)
    for d in sorted(result.diagnostics):
        click.echo(d.format(), err=True)
    if not quiet:
        click.echo(printable(summarise(result)))
    sys.exit(EXIT_OK)

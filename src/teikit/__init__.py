"""teikit: validate, transform and package TEI P5 scholarly editions.

The package is a pipeline with one module per stage, so each stage can be
called, tested and replaced on its own:

    load       safe parsing (no external entities, no network), XInclude
    validate   RELAX NG grammar, Schematron rules, pointer integrity
    transform  XSLT 3.0 on Saxon, each stylesheet compiled once per process
    write      HTML, PDF and plain text outputs, written atomically
    package    BagIt deposits with descriptive metadata

The command line (``teikit.cli``) is a thin shell over these modules.
"""

__version__ = "0.1.0"

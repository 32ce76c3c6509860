"""ISO Schematron on Saxon: compile a .sch once into XSLT 3.0, run it per document, read its SVRL.

Why a compiler of our own: TEI rules (and most projects' rules) use XPath 2+, which
only an XSLT 2/3 processor evaluates; lxml's built-in ISO Schematron is XPath 1.0.
The compilation is done in Python on lxml trees (never by pasting strings of markup),
one module per step:

1. `read.assemble` reads the schema with teikit's safe parser and resolves `sch:include`
   and `sch:extends/@href` (only files inside the schema's directory), abstract rules
   (`sch:extends/@rule`) and abstract patterns (`@is-a` with `sch:param` substitution);
2. `generate.generate` writes the XSLT 3.0 stylesheet;
3. `run` compiles it once per process with teikit's single Saxon processor, runs it per
   document and turns the SVRL into `Diagnostic`s located in the document.

Assert and report messages become `Diagnostic`s whose rule id is the assert's @id, else the
rule's, else the pattern's; @role/@flag give the severity (error by default).
"""

from teikit.validate.schematron.common import SCH, SVRL, TKV, XSL, SchematronError, severity_of
from teikit.validate.schematron.generate import Compiled, generate
from teikit.validate.schematron.read import assemble
from teikit.validate.schematron.run import _compiled, check, compile_rules, run_svrl, svrl_diagnostics

__all__ = ["SCH", "SVRL", "TKV", "XSL", "Compiled", "SchematronError", "_compiled", "assemble", "check",
           "compile_rules", "generate", "run_svrl", "severity_of", "svrl_diagnostics"]

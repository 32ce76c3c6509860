"""Exceptions that cross stage boundaries, and the exit codes the CLI maps them to.

Problems *in a document* are `Diagnostic` values, not exceptions. Exceptions are
for problems that stop a run: the user asked for something impossible (a missing
file, an unwritable directory) or the environment lacks a tool.
"""

from __future__ import annotations

from teikit.diagnostics import Diagnostic

EXIT_OK = 0  # everything valid / built
EXIT_INVALID = 1  # at least one document has errors (not well-formed, invalid, failed to build)
EXIT_USAGE = 2  # usage or I/O problem: bad option, missing file, unwritable output, missing tool
EXIT_INTERNAL = 3  # a bug in teikit; reported without a traceback unless TEIKIT_DEBUG=1
EXIT_BROKEN_PIPE = 141  # stdout's reader went away (128 + SIGPIPE, what a shell shows for `cat`)


class TeikitError(Exception):
    """A run-stopping problem with a message a user can act on."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, hint: str = "", diagnostic: Diagnostic | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.diagnostic = diagnostic

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        # Errors cross process boundaries (parallel workers): keep the hint and diagnostic.
        return (_rebuild, (type(self), self.message, self.hint, self.diagnostic))


def _rebuild(cls: type[TeikitError], message: str, hint: str, diagnostic: Diagnostic | None) -> TeikitError:
    return cls(message, hint=hint, diagnostic=diagnostic)


class InputError(TeikitError):
    """An input cannot be read at all (missing, a directory without XML, unreadable)."""


class OutputError(TeikitError):
    """An output cannot be written (read-only or full directory); previous outputs are intact."""


class DocumentError(TeikitError):
    """A document is unusable for the requested stage (e.g. not well-formed XML)."""

    exit_code = EXIT_INVALID


class ToolMissingError(TeikitError):
    """An optional external tool (e.g. Jing) was requested but is not installed."""

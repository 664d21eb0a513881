"""Errors as data: problems found in input files, and the exceptions dealweb raises on bad input.

Following Beancount, problems are collected and reported together, each naming the file, line and column
a person must fix, with a hint on how to fix it; the command's exit code says whether there were any.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DealwebError", "InputError", "NotAssessed", "Problem"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in an input file. ``severity`` is ``error``, ``warning`` or ``note``.

    A ``note`` is listed but never fails a run, not even ``--strict`` (a conflict the ledger has already
    resolved by flagging a claim).
    """

    file: str
    line: int
    col: int
    message: str
    hint: str = ""
    severity: str = "error"
    field: str = ""

    def __str__(self) -> str:
        tail = f" ({self.hint})" if self.hint else ""
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.file}:{self.line}:{self.col}: {tag}{self.message}{tail}"

    def as_dict(self) -> dict[str, object]:
        """Stable JSON keys: file, line, col, severity, field, message, hint."""
        return {"file": self.file, "line": self.line, "col": self.col, "severity": self.severity,
                "field": self.field, "message": self.message, "hint": self.hint}


class DealwebError(Exception):
    """Base of dealweb's exceptions: a message a user can act on, and a hint."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message + (f" (hint: {self.hint})" if self.hint else "")


class InputError(DealwebError):
    """Bad input from a user: a missing file, an unknown entity, a malformed option value."""


class NotAssessed(DealwebError):
    """An expected gap in the data: the ledger lacks what an analysis needs (no loops, no facts for a test).

    The faces show it as a note ("not assessed: ...") and go on; any other exception is a bug and stops the
    command with a one-line error and a non-zero exit.
    """

"""Check results are data: a :class:`Finding` per problem, collected, never raised."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    """Fails the check (exit 1): a page would break or publish something wrong."""
    WARNING = "warning"
    """Shown to people; does not fail the check unless ``--strict``."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one file (and, for entry checks, one entry)."""

    check: str
    """The check's id, such as ``raw-html``; what ``translatio-ignore`` names."""
    severity: Severity
    path: Path
    line: int | None
    """Line of the entry or header in ``path``; ``None`` for a whole file or locale."""
    message: str
    """One line saying what is wrong (and, where useful, what to do)."""
    locale: str | None = None
    domain: str | None = None
    msgid: str | None = None
    """The entry's source text, for reports that link to it."""

    def location(self, relative: str) -> str:
        return f"{relative}:{self.line}" if self.line else relative

"""Provenance: for each segment of a published page, in what state it went out and where its
translation came from — what a medical publisher must be able to show afterwards.

Principles:

- Nothing is guessed from outside the catalogue. Where a translation came from is what
  ``update`` wrote beside it: an entry the translation memory filled carries a ``#. translation
  memory: …`` comment (:data:`pipeline.merge.PROVENANCE`), which every merge keeps. An exact
  match was published as the memory gave it (a translator may have edited it since: the comment
  cannot tell); a fuzzy match or a choice between translations was published only after a
  person edited or confirmed it (the fuzzy flag had to go). Any other entry is a translator's.
- The state and the reason are :func:`pipeline.policy.verdict`'s, the rule the page followed;
  the reviewers are the entry's valid approvals.
- The records go to ``build/translatio-build.json``, one list per page, in document order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalogs.model import Message
from .merge import PROVENANCE
from .policy import Verdict

TRANSLATOR = "translator"
MEMORY_EXACT = "memory exact"
MEMORY_FUZZY_EDITED = "memory fuzzy, then edited"


def origin_of(message: Message) -> str:
    """``translator``, ``memory exact`` or ``memory fuzzy, then edited``, from ``update``'s comments."""
    comment = next((c for c in message.extracted_comments if c.startswith(PROVENANCE)), None)
    if comment is None:
        return TRANSLATOR
    if comment.endswith("choose one") or "% match" in comment:
        return MEMORY_FUZZY_EDITED
    return MEMORY_EXACT


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    """How one segment of a page was published."""

    line: int
    """Line of the segment in its source file."""
    kind: str
    """The block it is (``title``, ``heading``, ``paragraph``…)."""
    state: str
    """``reviewed``, ``translated``, ``fallback`` (the English shown), or ``source`` (the
    source-language page)."""
    reason: str = ""
    """Why the English is shown, for a fallback."""
    origin: str | None = None
    """Where the published translation came from (see :func:`origin_of`); ``None`` when the
    English is shown."""
    reviewers: tuple[tuple[str, str], ...] = ()
    """``(name, date)`` of each valid approval of the published translation."""
    digest: str = ""
    """The entry's short hash (what an approval binds to and ``translatio review`` names)."""
    required: bool = False
    """Part of the disclaimer."""

    @classmethod
    def of(cls, line: int, kind: str, result: Verdict, message: Message | None, required: bool = False) -> SegmentRecord:
        published = result.usable and message is not None
        return cls(
            line,
            kind,
            result.state,
            result.reason,
            origin_of(message) if published and message is not None else None,
            tuple((a.reviewer, a.date) for a in result.approvals) if published else (),
            result.digest,
            required,
        )

    def as_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {"line": self.line, "kind": self.kind, "state": self.state}
        if self.required:
            row["required"] = True
        if self.reason:
            row["reason"] = self.reason
        if self.origin is not None:
            row["origin"] = self.origin
        if self.reviewers:
            row["reviewers"] = [{"name": name, "date": day} for name, day in self.reviewers]
        if self.digest:
            row["sha256"] = self.digest
        return row

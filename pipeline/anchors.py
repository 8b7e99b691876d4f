"""Heading anchors: one ``id`` per heading, derived from the English text, the same in every locale.

Principles:

- A link to ``valium.html#withdrawal-symptoms`` must work on every locale's page, so the id
  comes from the source heading, never from its translation.
- An author can set it: ``## Withdrawal symptoms {#withdrawal}`` (the attribute is removed from
  the heading's text, so translators never see it).
- Otherwise it is GitHub's rule, which authors know: lower case, punctuation removed, spaces to
  ``-``; letters of any script are kept. Repeated ids get ``-1``, ``-2``… in document order.
- The page's own ids are reserved (:data:`RESERVED`): a heading "Disclaimer" gets
  ``disclaimer-1``, so the notice at the top of every page always links to the disclaimer.
"""

from __future__ import annotations

import re
import unicodedata

_EXPLICIT = re.compile(r"\s*\{#([A-Za-z][\w:.-]*)\}\s*$")
_DROP = re.compile(r"[^\w\- ]", re.UNICODE)
RESERVED = ("disclaimer",)
"""Ids the page templates give their own elements (the disclaimer's container)."""


def explicit_anchor(text: str) -> tuple[str, str]:
    """``(text without the attribute, id)`` for ``Heading {#id}``; ``(text, "")`` without one."""
    match = _EXPLICIT.search(text)
    if not match:
        return text, ""
    return text[: match.start()], match.group(1)


def slugify(plain: str) -> str:
    """GitHub's heading slug of a heading's plain text (``Withdrawal Symptoms?`` → ``withdrawal-symptoms``)."""
    text = unicodedata.normalize("NFC", plain).strip().lower()
    text = _DROP.sub("", text)
    return text.replace(" ", "-") or "section"


class AnchorSet:
    """Unique ids within one page, assigned in document order."""

    def __init__(self) -> None:
        self.used: set[str] = set(RESERVED)

    def claim(self, wanted: str) -> str:
        anchor, number = wanted, 0
        while anchor in self.used:
            number += 1
            anchor = f"{wanted}-{number}"
        self.used.add(anchor)
        return anchor

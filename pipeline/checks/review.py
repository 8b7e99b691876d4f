"""Review checks: approvals that no longer hold, and approvals that cannot be read.

An approval is bound to the text it signed (:mod:`pipeline.approval`); once the English or the
translation changes it is stale by itself. ``check`` names the reviewer whose approval lapsed,
so the team knows whom to ask, and ``translatio review`` lists the entry again. Both checks are
warnings: a stale approval publishes nothing wrong by itself — under ``publish = "reviewed"``
the page shows the English, and the completeness and disclaimer gates count that.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from ..approval import MARK, entry_digest, review_state
from ..catalogs import Message
from .findings import Severity
from .registry import CatalogueContext, catalogue_check


def stale_approvals(context: CatalogueContext) -> Iterator[tuple[Message, str]]:
    """An approval of another text than the entry's: the English or the translation changed since."""
    for message in context.catalog.active:
        state = review_state(message)
        for approval in state.stale:
            changed = "the English changed" if _made_for_previous(message, approval.digest) else "the text changed"
            again = f"; run 'translatio review -l {context.locale.code}' to review it again" if message.translated else ""
            yield message, f"the approval by {approval.describe()} is stale: {changed} since it was signed{again}"


def malformed_approvals(context: CatalogueContext) -> Iterator[tuple[Message, str]]:
    """A ``translatio-approved:`` comment that does not read as an approval (it counts as none)."""
    for message in context.catalog.active:
        for text in review_state(message).malformed:
            yield message, f"cannot read {text!r}: an approval reads '# {MARK} YYYY-MM-DD by NAME [sha256:…]' (it counts as none)"


def _made_for_previous(message: Message, digest: str) -> bool:
    """Whether the approval signed this translation for the entry's previous English (``#|``)."""
    if message.previous_msgid is None:
        return False
    plural = message.previous_msgid_plural if message.msgid_plural is not None else None
    context = message.previous_msgctxt if message.previous_msgctxt is not None else message.msgctxt
    previous = replace(message, msgid=message.previous_msgid, msgid_plural=plural or message.msgid_plural, msgctxt=context)
    return entry_digest(previous) == digest


catalogue_check("review-stale", Severity.WARNING, "An approval that no longer matches its entry's text: the English or the translation changed since it was signed.", stale_approvals)
catalogue_check("review-format", Severity.WARNING, "A translatio-approved comment that cannot be read as an approval.", malformed_approvals)

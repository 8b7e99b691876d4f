"""What may be published: the one rule that the build, its verification and ``check`` share.

A segment's translation is shown only when :func:`verdict` says so; otherwise the page shows the
English source (``lang="en"``). The rule, in order:

1. the catalogue has the entry, translated (every form) and not fuzzy;
2. where the English holds the author's HTML, the translation keeps exactly its tags;
3. a required segment (the disclaimer) is complete: as many sentences as the English, its
   links and its numbers (:mod:`pipeline.required`);
4. where the locale's policy asks for review (``publish = "reviewed"``, or ``required_review``
   for the disclaimer), the entry carries a valid approval (:mod:`pipeline.approval`): an
   unreviewed or stale one is shown in English like a fuzzy one.

The page renderer (:mod:`pipeline.render`), the read-back of every page (:mod:`pipeline.verify`),
the templates' own strings (:mod:`pipeline.ui`) and ``check`` (completeness, the disclaimer)
all call :func:`verdict`, so what CI accepts is exactly what a page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from .approval import Approval, entry_digest, review_state
from .catalogs.model import Message
from .config import PublishPolicy
from .rawhtml import has_html, tags_of
from .required import required_status

REVIEWED = "reviewed"
TRANSLATED = "translated"
FALLBACK = "fallback"
TAGS_CHANGED = "its translation changes the source's HTML tags"
"""The reason a translation is *withheld*: it exists and is approved, but would change the page."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether one segment's translation is published, in which state, and if not, why."""

    state: str
    """``reviewed`` or ``translated`` (published), or ``fallback`` (the English is shown)."""
    reason: str = ""
    """Why the English is shown (``not translated``, ``the translation is fuzzy``, ``not
    reviewed``, ``the approval by X on D is stale``…); empty when published."""
    approvals: tuple[Approval, ...] = ()
    """The valid approvals, whatever the policy (a reviewed entry is reported as such)."""
    digest: str = ""
    """:func:`pipeline.approval.entry_digest` of the entry (empty without a translation)."""

    @property
    def usable(self) -> bool:
        return self.state != FALLBACK


def verdict(source: str, message: Message | None, policy: PublishPolicy = PublishPolicy(), required: bool = False) -> Verdict:
    """Apply the publish rule to the catalogue entry for ``source`` (``None``: there is none)."""
    if message is None or message.obsolete:
        return Verdict(FALLBACK, "not in the catalogue")
    if message.fuzzy:
        return Verdict(FALLBACK, "the translation is fuzzy")
    if not message.translated:
        return Verdict(FALLBACK, "not translated")
    digest = entry_digest(message)
    if has_html(source) and tags_of(message.msgstr[0]) != tags_of(source):
        return Verdict(FALLBACK, TAGS_CHANGED, digest=digest)
    if required:
        complete = required_status(source, message)
        if not complete.usable:
            return Verdict(FALLBACK, complete.reason, digest=digest)
    state = review_state(message)
    if state.valid:
        return Verdict(REVIEWED, approvals=state.valid, digest=digest)
    if policy.needs_review(required):
        if state.stale:
            return Verdict(FALLBACK, f"not reviewed: the approval by {state.stale[-1].describe()} is stale (the text changed since)", digest=digest)
        return Verdict(FALLBACK, "not reviewed", digest=digest)
    return Verdict(TRANSLATED, digest=digest)

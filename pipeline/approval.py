"""A reviewer's approval, recorded in the catalogue entry it approves, in a form every PO tool keeps.

One translator comment per approval::

    # translatio-approved: 2026-12-01 by translatio translation team [sha256:3f1c0a9e5b27]

Principles:

- A translator comment (``# ``), not a ``#,`` flag: GNU ``msgcat``, ``msgmerge``, ``msgattrib``
  and ``msguniq`` (and so Poedit, which saves through ``msgcat``, and libgettextpo) drop flags
  they do not know and keep translator comments; Translate Toolkit (Weblate's PO storage),
  polib, Babel and Lokalize keep them too. The README says which was verified how.
- Bound to the exact text: the hash covers the entry's msgctxt, msgid, msgid_plural and every
  msgstr form (:func:`entry_digest`). Any later change of the English or of the translation
  makes the approval *stale* by itself, wherever the comment travels (``msgmerge`` carries it to
  a fuzzy entry, an editor may copy it to another entry). Nothing re-computes a hash but
  signing again (:func:`with_approval`): ``update`` and every merge carry the comment as it
  is, so a stale approval is never silently made valid for a new text. The same text coming
  back (a reverted edit) is what the reviewer signed, and counts again.
- No clock that moves: the date is written once, when the reviewer signs.
- Wrapped comments are read back: polib and Babel wrap long comments at 76–78 columns, so an
  approval may arrive split over several ``#`` lines. It ends with its hash in brackets, and
  the lines are joined until that end.
- Not a cryptographic signature: whoever can edit the file can write one. It guards against
  the accidental — a changed text keeping an old approval; git's history says who committed it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date

from .catalogs.model import Message

MARK = "translatio-approved:"
DIGEST_LENGTH = 12
"""Hex digits of SHA-256 kept: 48 bits, ample to tell an edited text from the signed one."""
_MAX_LINES = 6
"""A wrapped approval is joined over at most this many comment lines."""
_APPROVAL = re.compile(
    r"translatio-approved:\s*(?P<date>\d{4}-\d{2}-\d{2})\s+by\s+(?P<reviewer>.+?)\s+\[sha256:(?P<digest>[0-9a-f]{12})\]\s*"
)
_END = re.compile(r"\[sha256:[^\]]*\]\s*$")
_SPACE = re.compile(r"\s+")
_FUZZY = re.compile(r",\s*fuzzy")


@dataclass(frozen=True, slots=True)
class Approval:
    """One reviewer's approval of one entry, as read from (or written to) its comment."""

    reviewer: str
    """Who signed: a name, optionally with an address (``Jane Doe <jane@example.org>``)."""
    date: str
    """When, ``YYYY-MM-DD``: written once at signing, never re-computed."""
    digest: str
    """:func:`entry_digest` of the entry as it was signed."""

    def comment(self) -> str:
        """The translator comment's text (without the leading ``# ``)."""
        return f"{MARK} {self.date} by {self.reviewer} [sha256:{self.digest}]"

    def describe(self) -> str:
        """``Jane Doe on 2026-12-01``, for reports."""
        return f"{self.reviewer} on {self.date}"


@dataclass(frozen=True, slots=True)
class ReviewState:
    """The approvals an entry carries, judged against its current text."""

    valid: tuple[Approval, ...] = ()
    """Approvals whose hash is the entry's own: the text is what they signed."""
    stale: tuple[Approval, ...] = ()
    """Approvals of another text: the English or the translation changed since."""
    malformed: tuple[str, ...] = ()
    """``translatio-approved:`` comments that cannot be read (never counted as approvals)."""
    lines: tuple[int, ...] = ()
    """Indexes in ``translator_comments`` of every approval line (wrapped pieces included)."""


def entry_digest(message: Message) -> str:
    """The short hash an approval binds to: the first :data:`DIGEST_LENGTH` hex digits of
    SHA-256 over the UTF-8 bytes of ``[msgctxt EOT] msgid [NUL msgid_plural] NUL NUL msgstr[0]
    [NUL msgstr[1] …]`` (the key and value as a compiled MO file holds them, joined by two NULs,
    which no PO string can contain)."""
    key = message.msgid if message.msgctxt is None else f"{message.msgctxt}\x04{message.msgid}"
    if message.msgid_plural is not None:
        key += f"\x00{message.msgid_plural}"
    data = f"{key}\x00\x00{chr(0).join(message.msgstr)}".encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]


def parse_approval(text: str) -> Approval | None:
    """An approval from its comment text (pieces of a wrapped one joined by spaces), or ``None``."""
    found = _APPROVAL.fullmatch(text.strip())
    if found is None:
        return None
    try:
        date.fromisoformat(found["date"])
    except ValueError:
        return None
    return Approval(_SPACE.sub(" ", found["reviewer"]), found["date"], found["digest"])


def review_state(message: Message) -> ReviewState:
    """Read the approvals of ``message`` and judge each against its current text."""
    comments = message.translator_comments
    if not any(MARK in c for c in comments):
        return ReviewState()
    digest = entry_digest(message)
    valid: list[Approval] = []
    stale: list[Approval] = []
    malformed: list[str] = []
    lines: list[int] = []
    index = 0
    while index < len(comments):
        if not comments[index].strip().startswith(MARK):
            index += 1
            continue
        end, text = index, comments[index].strip()
        while not _END.search(text) and end + 1 < len(comments) and end + 1 - index < _MAX_LINES:
            following = comments[end + 1].strip()
            if following.startswith(MARK):
                break
            end, text = end + 1, f"{text} {following}"
        approval = parse_approval(text)
        if approval is None:
            malformed.append(text)
            end = index  # an unreadable approval claims no other line
        elif approval.digest == digest:
            valid.append(approval)
        else:
            stale.append(approval)
        lines.extend(range(index, end + 1))
        index = end + 1
    return ReviewState(tuple(valid), tuple(stale), tuple(malformed), tuple(lines))


def is_reviewed(message: Message) -> bool:
    """Translated (every form, not fuzzy) and carrying a valid approval."""
    return message.translated and bool(review_state(message).valid)


def awaits_review(message: Message) -> bool:
    """A translation waiting for a reviewer: translated, active, and not (or no longer) approved."""
    return not message.obsolete and not message.is_header and message.translated and not review_state(message).valid


def clean_reviewer(name: str) -> str:
    """The reviewer's name as an approval records it: one line, spaces collapsed; ``ValueError``
    if it is empty or could not be read back."""
    cleaned = _SPACE.sub(" ", name).strip()
    if not cleaned:
        raise ValueError("the reviewer's name is empty")
    if "[sha256:" in cleaned:
        raise ValueError("the reviewer's name must not contain '[sha256:'")
    if _FUZZY.search(cleaned):  # Lokalize deletes ", fuzzy" anywhere in an entry's comments when it clears the flag
        raise ValueError("the reviewer's name must not contain ', fuzzy' (Lokalize would remove it from the comment)")
    return cleaned


def with_approval(message: Message, reviewer: str, day: date) -> Message:
    """``message`` signed by ``reviewer`` on ``day``: only its translator comments change.

    An approval by the same reviewer that is still valid is kept as it is (its date does not
    move); stale and unreadable approvals are replaced by the new one (git keeps the history),
    valid ones by other reviewers stay. Approvals go after the translator's own comments."""
    if not message.translated:
        raise ValueError("only a translated entry (every form, not fuzzy) can be approved")
    name = clean_reviewer(reviewer)
    state = review_state(message)
    if any(a.reviewer == name for a in state.valid):
        return message
    approval = Approval(name, day.isoformat(), entry_digest(message))
    others = [c for i, c in enumerate(message.translator_comments) if i not in set(state.lines)]
    signed = (*(a.comment() for a in state.valid), approval.comment())  # a wrapped one is written whole again
    return replace(message, translator_comments=(*others, *signed))

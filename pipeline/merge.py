"""Merging a new template into a translator's catalogue without losing a word of their work.

The semantics are GNU ``msgmerge --previous``'s, so that translators and their tools see what
they expect:

- A message whose text is unchanged keeps its translation, flags and translator comments; its
  extracted comments and references come from the template. A fuzzy one stays fuzzy with its
  ``#| msgid``.
- A message whose text is new but close to an old one (similarity ≥ ``fuzzy_threshold``, 0–100,
  edit-distance based like gettext's ``fstrcmp``) gets the closest old translation as a
  ``#, fuzzy`` suggestion with ``#| msgid`` saying which text it was made for. Obsolete entries
  and fuzzy ones are candidates too; a fuzzy candidate passes on its own previous msgid, since
  that is the text its translation was made for.
- An old message no longer in the template becomes obsolete (``#~``) when it has a translation,
  with its translator comments and flags; untranslated ones are dropped, as they hold no work,
  and so are those whose translation now lives on as a fuzzy suggestion (msgmerge does the same).
- An obsolete message whose text returns is revived with its translation (not fuzzy).
- A message the translation memory fills (``suggest``) takes the place of the catalogue's
  closest entry when that entry is leaving the catalogue (its text is no longer in the
  template): the translation comes from the memory, but the translator's comments and
  non-format flags come from that entry, as they would on a fuzzy match from it — they are the
  translator's work on this message, not the memory's. The entry itself is dropped when the
  memory's translation is the same as its own (nothing is lost), else kept obsolete.

Where we differ from msgmerge on purpose: we keep the catalogue's own header and only refresh
``POT-Creation-Date`` (msgmerge also reorders header fields); and obsolete entries keep their
translator comments but drop references, which point at lines that no longer hold the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from rapidfuzz import fuzz, process

from .catalogs.model import FUZZY, Catalog, Message
from .catalogs.reader import plural_forms

_FORMAT_FLAG = re.compile(r"(?:no-)?[a-z0-9+-]*-format")


@dataclass(frozen=True, slots=True)
class MergeSummary:
    """What a merge did to one catalogue, for the line printed per locale and domain."""

    new: int = 0
    """Messages with no translation (no old text close enough)."""
    changed: int = 0
    """Messages that became fuzzy with the closest old translation as a suggestion."""
    obsolete: int = 0
    """Translated messages whose text left the sources in this merge."""
    revived: int = 0
    """Obsolete messages whose text came back, translation and all."""
    unchanged: int = 0
    """Messages found as they were."""
    memory: int = 0
    """Messages filled from the translation memory (exact matches) or suggested by it."""

    def as_dict(self) -> dict[str, int]:
        return {
            "new": self.new,
            "changed": self.changed,
            "obsolete": self.obsolete,
            "revived": self.revived,
            "unchanged": self.unchanged,
            "memory": self.memory,
        }

    @property
    def touched(self) -> bool:
        return bool(self.new or self.changed or self.obsolete or self.revived or self.memory)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A message filled in by another source (the translation memory), with its match score."""

    message: Message
    """The template's message with a translation: approved for an exact match, fuzzy otherwise."""
    score: int
    """101 / 100 for exact matches, the fuzzy score (0–99) otherwise."""


Suggest = Callable[[Message, str, str, float], "Suggestion | None"]
"""A source of suggestions for a message the old catalogue has no exact entry for; it is given
the message, the source texts of its neighbours (for in-context matches), and the score of the
catalogue's own closest entry, which a fuzzy suggestion must beat to be worth looking for."""

PROVENANCE = "translation memory:"
"""Extracted comments that say where a pre-filled translation came from; merges keep them."""


def merge_catalog(
    old: Catalog,
    template: Catalog,
    fuzzy_threshold: int = 60,
    suggest: Suggest | None = None,
) -> tuple[Catalog, MergeSummary]:
    """Bring ``old`` up to date with ``template``; returns the new catalogue and what changed."""
    by_key: dict[tuple[str | None, str], Message] = {}
    for message in old.messages:
        # An active entry wins over an obsolete one with the same text.
        if message.key not in by_key or by_key[message.key].obsolete:
            by_key[message.key] = message
    candidates = [m for m in old.messages if any(m.msgstr)]
    nplurals = catalog_nplurals(old)
    matcher = _FuzzyMatcher(candidates, fuzzy_threshold)

    used: set[tuple[str | None, str]] = set()
    merged: list[Message] = []
    counts = dict.fromkeys(("new", "changed", "obsolete", "revived", "unchanged", "memory"), 0)
    active = template.active
    staying = {message.key for message in active}
    for index, fresh in enumerate(active):
        previous = by_key.get(fresh.key)
        if previous is not None:
            used.add(fresh.key)
            merged.append(_carry_over(previous, fresh, nplurals))
            counts["revived" if previous.obsolete and any(previous.msgstr) else "unchanged"] += 1
            continue
        close, score = matcher.closest(fresh.msgid)
        offered = None
        if suggest is not None:
            before = active[index - 1].msgid if index else ""
            after = active[index + 1].msgid if index + 1 < len(active) else ""
            offered = suggest(fresh, before, after, score)
        if offered is not None and (offered.score >= 100 or close is None or score < offered.score):
            # The memory's match (an exact one beats any fuzzy one) takes the place of the closest entry.
            replaced = close if close is not None and close.key not in staying else None
            merged.append(_filled_in_place_of(offered.message, replaced, fresh))
            if replaced is not None and _sized(replaced.msgstr, fresh, nplurals) == offered.message.msgstr:
                used.add(replaced.key)  # the same translation lives on, comments and flags with it
            counts["memory"] += 1
            continue
        if close is not None:
            used.add(close.key)  # its translation lives on in the fuzzy entry, as in msgmerge
            merged.append(_suggest_from(close, fresh, nplurals))
            counts["changed"] += 1
        else:
            merged.append(_blank(fresh, nplurals))
            counts["new"] += 1

    for message in old.messages:
        if message.key in used or message.is_header or not any(message.msgstr):
            continue
        if not message.obsolete:
            counts["obsolete"] += 1
        merged.append(replace(message, obsolete=True, references=(), extracted_comments=(), line=0))

    header_fields = old.header_fields
    pot_date = template.header_fields.get("POT-Creation-Date")
    if pot_date is not None:
        header_fields["POT-Creation-Date"] = pot_date
    result = replace(old, messages=tuple(merged)).with_header_fields(header_fields)
    return result, MergeSummary(**counts)


def _flags(previous: Message, fresh: Message, fuzzy: bool) -> tuple[str, ...]:
    """Format flags come from the template where it states the format; the translator's other
    flags stay, and so does a translator's ``no-c-format`` (or ``python-format``) for a format the
    template says nothing about — GNU msgmerge would drop it; a translator who wrote it meant it."""
    stated = {_format_name(f) for f in fresh.flags if _FORMAT_FLAG.fullmatch(f)}
    own = [f for f in previous.flags if f != FUZZY and (not _FORMAT_FLAG.fullmatch(f) or _format_name(f) not in stated)]
    flags = [*fresh.flags, *(f for f in own if f not in fresh.flags)]
    return ((FUZZY,) if fuzzy else ()) + tuple(dict.fromkeys(flags))


def _format_name(flag: str) -> str:
    """``c`` for ``c-format`` and ``no-c-format``."""
    return flag.removeprefix("no-").removesuffix("-format")


def _sized(msgstr: tuple[str, ...], fresh: Message, nplurals: int) -> tuple[str, ...]:
    """Fit the translation to the template's plurality (singular ↔ plural changes are rare)."""
    if fresh.msgid_plural is None:
        return (msgstr[0],)
    if len(msgstr) >= nplurals:
        return msgstr[:nplurals]
    return msgstr + (msgstr[-1],) * (nplurals - len(msgstr))


def _carry_over(previous: Message, fresh: Message, nplurals: int) -> Message:
    plural_changed = (previous.msgid_plural is None) != (fresh.msgid_plural is None) or (
        previous.msgid_plural != fresh.msgid_plural
    )
    fuzzy = previous.fuzzy or (plural_changed and any(previous.msgstr))
    provenance = tuple(c for c in previous.extracted_comments if c.startswith(PROVENANCE))
    return replace(
        fresh,
        extracted_comments=fresh.extracted_comments + provenance,
        msgstr=_sized(previous.msgstr, fresh, nplurals),
        translator_comments=previous.translator_comments,
        flags=_flags(previous, fresh, fuzzy),
        previous_msgctxt=previous.previous_msgctxt if previous.fuzzy else None,
        previous_msgid=(previous.previous_msgid if previous.fuzzy else previous.msgid) if fuzzy else None,
        previous_msgid_plural=(previous.previous_msgid_plural if previous.fuzzy else previous.msgid_plural)
        if fuzzy
        else None,
        obsolete=False,
        line=0,
    )


def _suggest_from(close: Message, fresh: Message, nplurals: int) -> Message:
    """``fresh`` with the translation of a close old message, fuzzy, and the text it was made for."""
    made_for = close.previous_msgid if close.fuzzy and close.previous_msgid else close.msgid
    made_for_plural = close.previous_msgid_plural if close.fuzzy and close.previous_msgid else close.msgid_plural
    made_for_ctxt = close.previous_msgctxt if close.fuzzy and close.previous_msgid else close.msgctxt
    return replace(
        fresh,
        msgstr=_sized(close.msgstr, fresh, nplurals),
        translator_comments=close.translator_comments,
        flags=_flags(close, fresh, fuzzy=True),
        previous_msgctxt=made_for_ctxt if made_for_ctxt != fresh.msgctxt else None,
        previous_msgid=made_for,
        previous_msgid_plural=made_for_plural,
        obsolete=False,
        line=0,
    )


def _filled_in_place_of(filled: Message, replaced: Message | None, fresh: Message) -> Message:
    """A message the memory filled, with the translator comments and non-format flags of the
    catalogue entry it replaces (format flags come from the template, as everywhere)."""
    if replaced is None:
        return filled
    comments = filled.translator_comments or replaced.translator_comments
    return replace(filled, translator_comments=comments, flags=_flags(replaced, fresh, filled.fuzzy))


def _blank(fresh: Message, nplurals: int) -> Message:
    return replace(fresh, msgstr=("",) * (nplurals if fresh.msgid_plural is not None else 1), line=0)


def catalog_nplurals(catalog: Catalog) -> int:
    """The number of plural forms the catalogue's header declares (2, gettext's default, if none)."""
    declared = plural_forms(catalog)
    return declared.nplurals if declared else 2


class _FuzzyMatcher:
    """Closest old message by edit-distance similarity, searched only among plausible lengths."""

    def __init__(self, candidates: list[Message], threshold: int) -> None:
        self._candidates = candidates
        self._texts = [m.msgid for m in candidates]
        self._threshold = threshold

    def closest(self, text: str) -> tuple[Message | None, float]:
        if not self._texts or self._threshold > 100:
            return None, 0.0
        found = process.extractOne(text, self._texts, scorer=fuzz.ratio, score_cutoff=self._threshold)
        if found is None:
            return None, 0.0
        return self._candidates[found[2]], found[1]

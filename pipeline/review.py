"""``translatio review``: what waits for a reviewer in one locale, and signing it.

Principles:

- What waits: every active entry that is translated (every form, not fuzzy) and carries no
  valid approval — never approved, or approved for a text that has changed since (stale).
  Fuzzy and untranslated entries wait for a translator first.
- A reviewer sees what changed. Where the English changed since the translation (or its last
  approval) was made, the item shows the previous English and a word-level diff; where the
  translation changed since a reviewer signed it, the previous translation too. The previous
  text comes from the entry's ``#| msgid`` when an editor kept it, else from what the stale
  approval signed: its hash is matched against the catalogue's obsolete entries and the
  translation memory's units (every translation the project had), so only a text the
  reviewer really signed is shown as "approved before".
- An item's id is its entry's hash (:func:`pipeline.approval.entry_digest`): signing by id signs
  exactly the text that was listed. An entry changed after the listing has another id, and
  signing it is refused with nothing written.
- Signing adds approvals and never changes a translation: only translator comments change
  (:func:`pipeline.approval.with_approval`). Files are written under the project's lock, each
  staged first and replaced only while it still holds what was read (an editor's save in
  between is never overwritten).
- The date is given (``--date``) or today's, taken once when signing; it is never re-computed.
"""

from __future__ import annotations

import difflib
import re
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from .approval import Approval, awaits_review, entry_digest, review_state, with_approval
from .catalogs import Catalog, Message, format_po, read_po
from .config import Config
from .errors import ChangedError, LocaleError, ReviewError
from .files import FileState, stage
from .locales import normalize_locale
from .lock import project_lock
from .segments import REQUIRED_KIND
from .update import read_catalogue

_TOKEN = re.compile(r"\s+|\w+(?:[’'\-]\w+)*|[^\w\s]")


def word_diff(old: str, new: str) -> str:
    """``old`` → ``new`` word by word, as ``git diff --word-diff=plain`` shows it:
    ``[-removed-]{+added+}``, unchanged words as they are."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append(f"[-{''.join(a[i1:i2])}-]")
        if j2 > j1:
            out.append(f"{{+{''.join(b[j1:j2])}+}}")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One translation waiting for review."""

    locale: str
    domain: str
    path: Path
    line: int
    id: str
    """The entry's hash: what ``review --approve ID`` names, and what an approval binds to."""
    message: Message
    stale: tuple[Approval, ...] = ()
    """Approvals the entry had for an earlier text."""
    previous_source: str | None = None
    """The English the translation (or its last approval) was made for, where it differs."""
    previous_translation: str | None = None
    """The translation a stale approval signed, where it differs from today's."""

    @property
    def required(self) -> bool:
        """Part of the disclaimer."""
        return REQUIRED_KIND in self.message.extracted_comments

    @property
    def status(self) -> str:
        """``stale`` (approved once, for another text) or ``unreviewed``."""
        return "stale" if self.stale else "unreviewed"

    def as_dict(self, relative: Callable[[Path], str]) -> dict[str, Any]:
        m = self.message
        return {
            "id": self.id,
            "locale": self.locale,
            "domain": self.domain,
            "path": relative(self.path),
            "line": self.line,
            "status": self.status,
            "required": self.required,
            "msgctxt": m.msgctxt,
            "source": m.msgid,
            "source_plural": m.msgid_plural,
            "translation": list(m.msgstr),
            "stale_approvals": [{"reviewer": a.reviewer, "date": a.date} for a in self.stale],
            "previous_source": self.previous_source,
            "source_diff": word_diff(self.previous_source, m.msgid) if self.previous_source is not None else None,
            "previous_translation": self.previous_translation,
            "translation_diff": word_diff(self.previous_translation, m.msgstr[0]) if self.previous_translation is not None else None,
        }


@dataclass(frozen=True, slots=True)
class Signed:
    """What signing did to one catalogue."""

    path: Path
    domain: str
    ids: tuple[str, ...]
    """The entries signed (their hashes before signing, which signing does not change)."""


Lookup = Callable[[str, str], Iterable[tuple[str, str]]]
"""Earlier (source, translation) pairs a text may have had: the translation memory's."""


def catalogues(config: Config, locale: str, domains: Iterable[str] = ()) -> list[Path]:
    """The catalogues of ``locale`` (only ``domains`` when given), sorted."""
    code = normalize_locale(locale)
    folder = config.folder("locale_dir") / code / "LC_MESSAGES"
    if not folder.is_dir():
        raise LocaleError(f"locale {code!r} has no catalogues yet: run 'translatio init {code}' first")
    wanted = set(domains)
    found = [p for p in sorted(folder.glob("*.po")) if not wanted or p.stem in wanted]
    missing = wanted - {p.stem for p in found}
    if missing:
        raise LocaleError(f"{config.relative(folder)}: no catalogue for domain {sorted(missing)[0]!r}")
    return found


def pending(config: Config, locale: str, domains: Iterable[str] = (), use_memory: bool = True) -> list[ReviewItem]:
    """Every entry of ``locale`` waiting for review, catalogue by catalogue, in file order."""
    code = normalize_locale(locale)
    with ExitStack() as stack:
        memory: list[Lookup] = []

        def lookup(text: str, target: str) -> Iterable[tuple[str, str]]:
            if not use_memory:
                return ()
            if not memory:  # opened only when a stale approval needs it
                memory.append(_memory_lookup(stack, config))
            return memory[0](text, target)

        items: list[ReviewItem] = []
        for path in catalogues(config, code, domains):
            catalog = read_po(path)
            for message in catalog.active:
                if awaits_review(message):
                    items.append(_item(code, path, catalog, message, lookup))
    return items


def _item(locale: str, path: Path, catalog: Catalog, message: Message, lookup: Lookup) -> ReviewItem:
    stale = review_state(message).stale
    previous_source = message.previous_msgid if message.previous_msgid not in (None, message.msgid) else None
    previous_translation = None
    signed = _signed_text(message, catalog, stale, lambda text: lookup(text, locale)) if stale else None
    if signed is not None:
        source, translation = signed
        previous_source = source if source != message.msgid else previous_source
        previous_translation = translation if translation != message.msgstr[0] else None
    return ReviewItem(locale, path.stem, path, message.line, entry_digest(message), message, stale, previous_source, previous_translation)


def _signed_text(
    message: Message, catalog: Catalog, stale: tuple[Approval, ...], lookup: Callable[[str], Iterable[tuple[str, str]]]
) -> tuple[str, str] | None:
    """The (English, translation) a stale approval signed, if it can be found and proven by its
    hash: the entry's ``#| msgid``, the catalogue's obsolete entries, then the memory."""
    digests = {a.digest for a in stale}

    def signed(pairs: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
        for source, translation in pairs:
            candidate = replace(message, msgid=source, msgstr=(translation, *message.msgstr[1:]))
            if entry_digest(candidate) in digests:
                return source, translation
        return None

    local = [(message.msgid, o.msgstr[0]) for o in catalog.obsolete if o.msgid == message.msgid]
    local += [(o.msgid, o.msgstr[0]) for o in catalog.obsolete if o.msgctxt == message.msgctxt]
    if message.previous_msgid is not None:
        local.insert(0, (message.previous_msgid, message.msgstr[0]))
    found = signed(local)
    if found is not None or message.msgid_plural is not None:
        return found  # the memory holds singular texts only
    return signed(lookup(message.msgid))


def _memory_lookup(stack: ExitStack, config: Config) -> Lookup:
    """Earlier translations of a text and of similar texts, from the project's memory (every
    status: a superseded translation is exactly what a stale approval may have signed)."""
    from .memory.project import read_memory

    memory = stack.enter_context(read_memory(config))

    def lookup(text: str, locale: str) -> list[tuple[str, str]]:
        units = list(memory.lookup_exact(text, locale))
        units += [c.unit for c in memory.lookup_fuzzy(text, locale, 50, 20)]
        return [(u.source, u.target) for u in units]

    return lookup


def approve(
    config: Config, locale: str, ids: Iterable[str], reviewer: str, day: date, domains: Iterable[str] = ()
) -> list[Signed]:
    """Sign the waiting entries whose ids are given; raises :class:`ReviewError` (and writes
    nothing) if one of them is not waiting for review in ``locale``."""
    wanted = set(ids)
    code = normalize_locale(locale)
    with project_lock(config):
        plans: list[tuple[Path, str, FileState, list[str]]] = []
        found: set[str] = set()
        for path in catalogues(config, code, domains):
            catalog, state = read_catalogue(path)
            assert catalog is not None
            signed: list[str] = []
            messages = []
            for message in catalog.messages:
                digest = entry_digest(message)
                if digest in wanted and awaits_review(message):
                    message = with_approval(message, reviewer, day)
                    signed.append(digest)
                messages.append(message)
            found.update(signed)
            if signed:
                plans.append((path, format_po(replace(catalog, messages=tuple(messages))), state, signed))
        missing = sorted(wanted - found)
        if missing:
            raise ReviewError(
                f"{code}: no entry waiting for review has the id {missing[0]}"
                f"{f' (nor {len(missing) - 1} other)' if len(missing) > 1 else ''}; it may have changed since it was listed: "
                f"list again with 'translatio review -l {code}'; nothing was signed"
            )
        staged = [(path, stage(path, text.encode("utf-8")), state, signed) for path, text, state, signed in plans]
        results = []
        for path, staging, state, signed in staged:
            if staging is not None:
                try:
                    staging.swap(state)
                except ChangedError as exc:
                    for _, other, _, _ in staged:
                        if other is not None:
                            other.discard()
                    raise ChangedError(path, "review") from exc
            results.append(Signed(path, path.stem, tuple(signed)))
        return results

"""Moving a catalogue from one plural rule to another without losing a translated form.

Principles:

- Forms move by the numbers they serve: each new form takes the old form that served most of
  its numbers (French ``(n > 1)`` → CLDR: "other" takes the old plural form; Arabic's old Babel
  order → gettext's: forms 4 and 5 trade places).
- A form the new rule *adds* — it splits numbers off an old form that another new form
  inherits, as CLDR's French "many" (1000000, 2000000…) splits off "other" — is left empty and
  the entry marked fuzzy, with a translator comment naming the numbers that need it: the old
  text may be grammatically wrong for them ("1 000 000 de minutes"), so it is a translator's call.
- A form the new rule *merges away* is never dropped silently: if its text differs from the one
  kept, it is kept in a translator comment (which every PO tool preserves) and comes back if the
  catalogue moves back to a rule that has the form again.
- Undoing a move is exact: the comments and the fuzzy flag a move added are removed by the
  move back while the added form is still empty, so gettext → CLDR → gettext gives back the
  same bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from ..catalogs import Catalog, Message
from ..catalogs.model import FUZZY
from .expression import PluralRule
from .rules import KnownRule

NOTE = "translatio-plurals:"
"""Translator comments written by a move start with this."""
_FILL = re.compile(rf"{re.escape(NOTE)} fill (\S+(?: \d+)?) \(([0-9, ]+)…\)( — marked fuzzy)?$")
_KEPT = re.compile(rf"{re.escape(NOTE)} (\S+(?: \d+)?) \(([0-9, ]+)…\) was: (.*)$")


@dataclass(frozen=True, slots=True)
class FormPlan:
    """The whole move between two rules, computed once per catalogue."""

    old: KnownRule
    new: KnownRule
    sources: tuple[int | None, ...]
    """Per new form: the old form it takes, or ``None`` where the new rule adds a form."""
    merged: tuple[tuple[int, int], ...]
    """``(old form, new form)``: old forms no new form takes, with the new form their numbers go to."""

    @property
    def added(self) -> tuple[int, ...]:
        return tuple(index for index, source in enumerate(self.sources) if source is None)

    @property
    def identity(self) -> bool:
        """Nothing moves: only the header's wording of the rule changes."""
        return self.sources == tuple(range(self.old.rule.nplurals)) and self.old.rule.nplurals == self.new.rule.nplurals


def plan_forms(old: KnownRule, new: KnownRule) -> FormPlan:
    """Which old form each new form takes, by the numbers both rules send to them."""
    pairs = Counter(zip(old.rule.signature(), new.rule.signature()))
    heirs: dict[int, int] = {}  # the new form taking most of each old form's numbers
    for (source, target), _ in sorted(pairs.items(), key=lambda item: (-item[1], item[0])):
        heirs.setdefault(source, target)
    sources: list[int | None] = []
    for target in range(new.rule.nplurals):
        feeding = sorted((-count, source) for (source, t), count in pairs.items() if t == target)
        main = feeding[0][1] if feeding else None
        sources.append(main if main is not None and heirs[main] == target else None)
    kept = {source for source in sources if source is not None}
    merged = tuple(sorted((source, target) for source, target in heirs.items() if source not in kept))
    return FormPlan(old, new, tuple(sources), merged)


def _numbers(rule: PluralRule, index: int) -> str:
    return ", ".join(str(n) for n in rule.numbers(index))


@dataclass(frozen=True, slots=True)
class MessageMove:
    """What a move did to one entry."""

    message: Message
    added: int = 0
    """Forms left empty for a translator to fill."""
    kept: int = 0
    """Texts of merged-away forms kept in a comment."""
    restored: int = 0
    """Forms filled back from such a comment."""
    marked_fuzzy: bool = False


def move_message(message: Message, plan: FormPlan) -> MessageMove:
    """Re-index one plural entry's forms for the new rule (other entries are returned as they are)."""
    if message.msgid_plural is None or message.is_header:
        return MessageMove(message)
    old_forms = message.msgstr + ("",) * max(0, plan.old.rule.nplurals - len(message.msgstr))
    ours = [c for c in message.translator_comments if c.startswith(NOTE)]
    comments = [c for c in message.translator_comments if not c.startswith(NOTE)]
    kept_notes = _kept_notes(ours)
    we_made_fuzzy = any((match := _FILL.match(c)) and match.group(3) for c in ours)
    translated = any(old_forms)

    forms: list[str] = []
    notes: list[str] = []
    added = restored = 0
    for target, source in enumerate(plan.sources):
        if source is not None:
            forms.append(old_forms[source])
            continue
        numbers = _numbers(plan.new.rule, target)
        back = kept_notes.pop(numbers, None)
        if back is not None:
            forms.append(back)
            restored += 1
        else:
            forms.append("")
            if translated:
                added += 1
                notes.append(f"{NOTE} fill {plan.new.form_name(target)} ({numbers}…)")
    kept = 0
    for source, target in plan.merged:
        text = old_forms[source]
        if text and text != forms[target]:
            notes.append(f"{NOTE} {plan.old.form_name(source)} ({_numbers(plan.old.rule, source)}…) was: {text}")
            kept += 1
    notes += [f"{NOTE} form ({numbers}…) was: {text}" for numbers, text in kept_notes.items()]

    own_fuzzy = message.fuzzy and not we_made_fuzzy  # the translator's (or a merge's), not a move's
    fuzzy, marked = own_fuzzy, False
    if added and not message.obsolete:
        fuzzy = True
        if not own_fuzzy:
            marked = True
            notes = [f"{note} — marked fuzzy" if _FILL.match(note) else note for note in notes]
    moved = replace(message, msgstr=tuple(forms), translator_comments=tuple(comments + notes))
    if fuzzy != message.fuzzy:
        moved = moved.with_flag(FUZZY, fuzzy)
    return MessageMove(moved, added, kept, restored, marked)


def _kept_notes(comments: list[str]) -> dict[str, str]:
    """Texts of merged-away forms, by the numbers they served."""
    found: dict[str, str] = {}
    for comment in comments:
        match = _KEPT.match(comment)
        if match:
            found[match.group(2)] = match.group(3)
    return found


@dataclass(frozen=True, slots=True)
class CatalogMove:
    """What a move did to one catalogue."""

    catalog: Catalog
    plan: FormPlan
    entries: int
    """Plural entries re-indexed."""
    added: int
    kept: int
    restored: int
    fuzzy: int
    """Entries the move marked fuzzy."""


def move_catalog(catalog: Catalog, plan: FormPlan) -> CatalogMove:
    """The catalogue under the new rule: every plural entry re-indexed, the header rewritten."""
    messages: list[Message] = []
    entries = added = kept = restored = fuzzy = 0
    for message in catalog.messages:
        moved = move_message(message, plan)
        if message.msgid_plural is not None:
            entries += 1
        added, kept, restored = added + moved.added, kept + moved.kept, restored + moved.restored
        fuzzy += moved.marked_fuzzy
        messages.append(moved.message)
    header = with_plural_forms(catalog.header, plan.new.rule)
    moved_catalog = replace(catalog, header=header, messages=tuple(messages))
    return CatalogMove(moved_catalog, plan, entries, added, kept, restored, fuzzy)


def with_plural_forms(header: Message, rule: PluralRule) -> Message:
    """The header with its Plural-Forms line replaced (added if missing), every other line as it was."""
    lines = (header.msgstr[0] if header.msgstr else "").split("\n")
    value = f"Plural-Forms: {rule.header}"
    for index, line in enumerate(lines):
        name, colon, _ = line.partition(":")
        if colon and name.strip() == "Plural-Forms":
            lines[index] = value
            break
    else:
        lines.insert(len(lines) - 1 if lines and lines[-1] == "" else len(lines), value)
    return replace(header, msgstr=("\n".join(lines),))



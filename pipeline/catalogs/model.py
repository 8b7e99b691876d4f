"""Gettext catalogues as immutable values.

A catalogue is what a translator edits, so the model keeps everything a PO file can say —
comments of each kind, flags, previous msgid, obsolete entries, their order — and nothing that
a PO file cannot say. Stages never mutate a catalogue: they build a new one with
``dataclasses.replace``, which keeps merges easy to reason about and to test.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

FUZZY = "fuzzy"


@dataclass(frozen=True, slots=True)
class Message:
    """One entry of a PO file (the header too: its msgid is the empty string)."""

    msgid: str
    """The source text, unescaped."""
    msgstr: tuple[str, ...] = ("",)
    """The translation: one string, or one per plural form when ``msgid_plural`` is set."""
    msgid_plural: str | None = None
    """The plural source text, for messages translated with ``ngettext``."""
    msgctxt: str | None = None
    """Disambiguating context; ``None`` means no ``msgctxt`` line (not the same as ``""``)."""
    translator_comments: tuple[str, ...] = ()
    """``# `` lines, the translator's own: kept by every merge."""
    extracted_comments: tuple[str, ...] = ()
    """``#.`` lines: what the segment is, written by extract, replaced on every update."""
    references: tuple[str, ...] = ()
    """``#:`` items such as ``source/valium.md:12``."""
    flags: tuple[str, ...] = ()
    """``#,`` flags such as ``fuzzy`` or ``python-format``, in file order."""
    previous_msgctxt: str | None = None
    """``#| msgctxt``: the context this entry had before it became fuzzy."""
    previous_msgid: str | None = None
    """``#| msgid``: the source text the fuzzy translation was made for."""
    previous_msgid_plural: str | None = None
    """``#| msgid_plural``: likewise for the plural source text."""
    obsolete: bool = False
    """``#~`` entries: no longer in the sources, kept so that the work comes back with the text."""
    line: int = 0
    """Line of the entry's first line in the file it was read from; 0 when built in memory."""

    @property
    def key(self) -> tuple[str | None, str]:
        """Identity within a catalogue, as gettext defines it."""
        return (self.msgctxt, self.msgid)

    def __reduce__(self) -> tuple[type[Message], tuple[object, ...]]:
        """Pickle as one tuple: catalogues cross to worker processes by the thousand, and the
        generic dataclass pickling (a ``fields()`` call per object) dominated that cost."""
        return (
            Message,
            (
                self.msgid, self.msgstr, self.msgid_plural, self.msgctxt, self.translator_comments,
                self.extracted_comments, self.references, self.flags, self.previous_msgctxt,
                self.previous_msgid, self.previous_msgid_plural, self.obsolete, self.line,
            ),
        )  # fmt: skip

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return FUZZY in self.flags

    @property
    def translated(self) -> bool:
        """Approved: every form translated and not fuzzy (what gettext and msgfmt count)."""
        return not self.fuzzy and all(self.msgstr)

    @property
    def untranslated(self) -> bool:
        return not any(self.msgstr)

    def with_flag(self, flag: str, present: bool = True) -> Message:
        """A copy with ``flag`` added (at the front, where gettext puts ``fuzzy``) or removed."""
        flags = tuple(f for f in self.flags if f != flag)
        if present:
            flags = (flag, *flags)
        return replace(self, flags=flags)


@dataclass(frozen=True, slots=True)
class Catalog:
    """A PO or POT file: its header entry and its messages in file order."""

    header: Message = field(default_factory=lambda: Message(""))
    """The entry with the empty msgid; its msgstr holds the ``Key: value`` header lines."""
    messages: tuple[Message, ...] = ()
    """Every other entry, obsolete ones included, in the order they are written."""
    path: Path | None = None
    """Where it was read from, for error messages; not part of the content."""

    def __reduce__(self) -> tuple[type[Catalog], tuple[object, ...]]:
        return (Catalog, (self.header, self.messages, self.path))

    @property
    def active(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if not m.obsolete)

    @property
    def obsolete(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if m.obsolete)

    @property
    def header_fields(self) -> dict[str, str]:
        """The header's ``Key: value`` lines, in order (later duplicates win, as in gettext)."""
        return parse_header(self.header.msgstr[0])

    def with_header_fields(self, fields: dict[str, str]) -> Catalog:
        """A copy whose header holds exactly ``fields``, in their order."""
        return replace(self, header=replace(self.header, msgstr=(format_header(fields),)))


def parse_header(text: str) -> dict[str, str]:
    """Split a header msgstr into its fields; lines without a colon are ignored, as msgfmt does."""
    fields: dict[str, str] = {}
    for line in text.split("\n"):
        name, sep, value = line.partition(":")
        if sep and name.strip():
            fields[name.strip()] = value.strip()
    return fields


def format_header(fields: dict[str, str]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in fields.items())

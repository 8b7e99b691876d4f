"""The rule for required segments (the disclaimer), shared by ``build`` and ``check``.

A required segment's translation is published only when it is approved and *complete*:
translated, not fuzzy, with as many sentences as the English (each script's own sentence ends:
``. ! ?``, ``。！？``, ``؟``, ``।``), every link target of the English, and every number of the
English. Otherwise the English text is published. Build and check call the same function, so
what CI accepts is exactly what the page shows.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .catalogs.model import Message

_SENTENCE_END = re.compile(r"[.!?]+(?=[\"'’”»)\]]*(?:\s|$))|[。！？]+|؟|[।॥]")
_LINK = re.compile(r"\]\(\s*<?([^)\s>\[\]]{1,2048})>?(?:\s+[\"'(][^)]{0,512}[\"')])?\s*\)")
"""A link's ``](target "title")``. A target stops at a bracket and both are bounded, so that a
hostile text of many ``](`` and no ``)`` costs time in proportion to its length, not its square."""
_CODE_SPAN = re.compile(r"`[^`]*`")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def without_link_targets(text: str) -> str:
    """The text with ``[label](target)`` reduced to ``[label]``: a URL is neither words nor
    sentences nor numbers of the segment."""
    return _LINK.sub("]", text) if "](" in text else text


def sentence_count(text: str) -> int:
    """Sentences in a segment, by its script's sentence ends; an unterminated tail counts as one."""
    plain = _CODE_SPAN.sub(" ", without_link_targets(text)).strip()
    count, last_end = 0, 0
    for match in _SENTENCE_END.finditer(plain):
        count, last_end = count + 1, match.end()
    if plain[last_end:].strip("\"'’”»)] \n"):
        count += 1
    return count


def link_targets(text: str) -> list[str]:
    """The URLs of the Markdown links in a segment, in order."""
    return _LINK.findall(text)


def links_with_ends(text: str) -> list[tuple[str, int]]:
    """Each Markdown link of a segment as (URL, offset just after its closing parenthesis), in
    order: what follows a link (a note such as "(in English)") starts there."""
    return [(m.group(1), m.end()) for m in _LINK.finditer(text)]


@lru_cache(maxsize=1)
def _digits() -> dict[int, str]:
    """Every decimal digit of Unicode (Arabic-Indic ٥, full-width ５…) → its ASCII digit; built
    on first use, as only non-ASCII text needs it."""
    return {c: str(unicodedata.digit(chr(c))) for c in range(0x80, 0x1FC00) if unicodedata.category(chr(c)) == "Nd"}


def numbers(text: str) -> Counter[str]:
    """The numbers in a segment, in ASCII digits (Arabic-Indic ٥ counts as 5)."""
    text = without_link_targets(text)
    if not text.isascii():
        text = text.translate(_digits())
    return Counter(n.replace(",", ".") for n in _NUMBER.findall(text))


@dataclass(frozen=True, slots=True)
class RequiredStatus:
    """Whether a required segment's translation may be published, and if not, why."""

    usable: bool
    reason: str = ""
    """Empty when usable; otherwise one phrase such as ``fuzzy`` or ``2 sentences, the English has 3``."""


def required_status(source: str, message: Message | None) -> RequiredStatus:
    """Apply the required-segment rule to the catalogue entry for ``source`` (or its absence)."""
    if message is None or message.obsolete:
        return RequiredStatus(False, "not in the catalogue")
    if message.fuzzy:
        return RequiredStatus(False, "the translation is fuzzy")
    if not message.translated:
        return RequiredStatus(False, "not translated")
    translation = message.msgstr[0]
    want, got = sentence_count(source), sentence_count(translation)
    if got != want:
        return RequiredStatus(False, f"incomplete: {got} sentence{'s' * (got != 1)}, the English has {want}")
    missing_links = [url for url in link_targets(source) if url not in link_targets(translation)]
    if missing_links:
        return RequiredStatus(False, f"incomplete: link {missing_links[0]} missing")
    missing_numbers = numbers(source) - numbers(translation)
    if missing_numbers:
        return RequiredStatus(False, f"incomplete: number {next(iter(missing_numbers))} missing")
    return RequiredStatus(True)

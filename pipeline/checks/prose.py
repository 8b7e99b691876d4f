"""Checks of a translation as prose: punctuation, brackets, quotation marks, capitals, doubled
words, and what must pass through unchanged (e-mail addresses, plain URLs, acronyms).

These are the text checks Translate Toolkit's ``pofilter`` runs by default (``brackets``,
``doublequoting``, ``puncspacing``, ``startpunc``, ``startcaps``, ``purepunc``, ``doublewords``,
``emails``, ``urls``, ``acronyms``), made to know what a translation may legitimately do:

- they look at the words of a segment, not its Markdown: a link's target, a code span and an
  e-mail address or URL are neither punctuation nor capitals;
- a translation may *add* a parenthesis or a quotation (an explanation for its readers); it may
  not lose one the source has, or leave one open;
- quotation marks are counted by kind, not by character, so „…“, « … », 「…」 and “…” are
  each one quotation; Spanish ¿ and ¡ open a sentence as the language requires;
- a check about letter case runs only where both texts are written in a script with case, and
  one about word spacing only where the language separates words with spaces.

Source-side work is cached per text: a source is checked against its translation in every locale.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Iterator

from ..required import without_link_targets
from .findings import Severity
from .quality import PLACEHOLDER, both_ways
from .registry import EntryContext, check

_CODE_SPAN = re.compile(r"`+[^`]*`+")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'`]*[^\s<>()\[\]\"'`.,;:!?]", re.I)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
"""An address, begun where a word begins (else a long run of letters and no address would be
scanned once from each of its letters)."""
_UNSPACED = ("ja", "zh", "ko", "th", "lo", "km", "my")
"""Languages that do not separate words (or sentences) with spaces."""


@lru_cache(maxsize=65536)
def _prose(text: str) -> str:
    """The words of a segment: link targets, code spans, placeholders, URLs and e-mail
    addresses blanked."""
    plain = without_link_targets(text)
    if "%" in plain or "{" in plain:
        plain = PLACEHOLDER.sub(" ", plain)
    if "`" in plain:
        plain = _CODE_SPAN.sub(" ", plain)
    if "://" in plain or "www." in plain.lower():
        plain = _URL.sub(" ", plain)
    if "@" in plain:
        plain = _EMAIL.sub(" ", plain)
    return plain


def _language(ctx: EntryContext) -> str:
    return ctx.locale.code.split("_")[0]


# --- what must pass through unchanged ----------------------------------------------------------


@lru_cache(maxsize=65536)
def _emails(text: str) -> Counter[str]:
    return Counter(_EMAIL.findall(without_link_targets(text))) if "@" in text else Counter()


@check("email", Severity.ERROR)
def email(ctx: EntryContext) -> Iterator[str]:
    """An e-mail address of the source missing or changed, or one the source does not have."""
    if "@" in ctx.source or "@" in ctx.translation:
        yield from both_ways(_emails(ctx.source), _emails(ctx.translation), "e-mail address {}")


@lru_cache(maxsize=65536)
def _urls(text: str) -> Counter[str]:
    plain = without_link_targets(text)
    if "://" not in plain and "www." not in plain.lower():
        return Counter()
    return Counter(_URL.findall(_CODE_SPAN.sub(" ", plain)))


@check("url", Severity.ERROR)
def url(ctx: EntryContext) -> Iterator[str]:
    """A URL written out in the text (not a link's target) missing or changed, or a new one."""
    yield from both_ways(_urls(ctx.source), _urls(ctx.translation), "URL {}")


_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]*[A-Z](?:s\b)?(?![\w-])")


_SHOUTED = re.compile(r"(?<![\w-])[A-Z]+(?:[ \u00a0]+[A-Z]+)+(?![\w-])|(?<![\w-])[A-Z]+(?=:)")
"""Capitals that are words, not acronyms: a run of them ("DO NOT take") or a label ("NOTE:")."""


@lru_cache(maxsize=65536)
def _acronyms(text: str) -> frozenset[str]:
    """Acronyms of two to six capitals ("NSAIDs" counts as NSAID; a longer run, several in a
    row or one before a colon is a shouted word or a label, translated like any other)."""
    plain = _SHOUTED.sub(" ", _prose(text))
    return frozenset(a for a in (m.removesuffix("s") for m in _ACRONYM.findall(plain)) if len(a) <= 6)


def _latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c < "\u0250" for c in letters) / len(letters) if letters else 0.0


@check("acronym", Severity.WARNING)
def acronym(ctx: EntryContext) -> Iterator[str]:
    """An acronym of the source (FDA, GABA) missing from a translation in Latin script.

    Languages in other scripts often write the local form (ВОЗ for WHO), so only a translation
    mostly in Latin letters is held to the source's acronyms; an acronym the glossary translates
    is the glossary's to check."""
    if not any("A" <= c <= "Z" for c in ctx.source):
        return
    wanted = _acronyms(ctx.source)
    if not wanted or _latin_share(ctx.translation) < 0.5:
        return
    glossed = {g.term for g in ctx.glossary if not g.keep}
    plain = _prose(ctx.translation)
    for item in sorted(wanted - glossed):
        if not re.search(rf"(?<![\w-]){re.escape(item)}", plain):
            yield f"acronym {item} of the source is not in the translation (if the language writes it otherwise, say so in the glossary)"


# --- punctuation, brackets and quotation marks -------------------------------------------------

_OPEN, _CLOSE = "(（", ")）"


@lru_cache(maxsize=65536)
def _parentheses(text: str) -> tuple[int, bool]:
    """How many parenthetical remarks a text has, and whether its parentheses balance."""
    depth, pairs, balanced = 0, 0, True
    for char in _prose(text):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            if depth == 0:
                balanced = False
            else:
                depth, pairs = depth - 1, pairs + 1
    return pairs, balanced and depth == 0


@check("brackets", Severity.WARNING)
def brackets(ctx: EntryContext) -> Iterator[str]:
    """Parentheses left open or closing nothing, or fewer parenthetical remarks than the source's."""
    if not any(c in ctx.source or c in ctx.translation for c in "()（）"):
        return
    (want, source_balanced), (got, balanced) = _parentheses(ctx.source), _parentheses(ctx.translation)
    if source_balanced and not balanced:
        yield "the parentheses do not balance: one is left open or closes nothing"
    elif got < want:
        yield f"{got} parenthetical remark{'s' * (got != 1)}, the source has {want}: something in parentheses may be missing"


_QUOTES = {
    '"': '"', "“": "”", "„": "“", "«": "»", "»": "«", "「": "」", "『": "』", "‹": "›", "《": "》", "〝": "〞", "＂": "＂",
}  # fmt: skip
"""Each opening double quotation mark (in some language) and the mark that closes it there."""
_QUOTE_CHARS = frozenset(_QUOTES) | frozenset(_QUOTES.values()) | {"‟"}


@lru_cache(maxsize=65536)
def _quotations(text: str) -> int:
    """How many double quotation marks a text has (a quotation has two, in every language)."""
    return sum(1 for c in _prose(text) if c in _QUOTE_CHARS)


@check("quotes", Severity.WARNING)
def quotes(ctx: EntryContext) -> Iterator[str]:
    """A quotation of the source missing, or a quotation mark left unpaired."""
    want, got = _quotations(ctx.source), _quotations(ctx.translation)
    if not want and not got:
        return
    if got < want:
        yield f"{got // 2} quotation{'s' * (got // 2 != 1)}, the source has {want // 2}: a quoted passage may have lost its marks"
    elif got % 2 and not want % 2:
        yield "an odd number of quotation marks: one is unpaired"


_LEADING_MARKUP = "*_[`~<>#\\ \u00a0"
_SPANISH_OPENERS = "¿¡"


def _opening(text: str) -> str:
    """The kind of punctuation a text begins with (after its leading Markdown), or ``""``."""
    first = _prose(text).lstrip(_LEADING_MARKUP).lstrip(_SPANISH_OPENERS)[:1]
    if not first:
        return ""
    if first in _QUOTE_CHARS or first in "'‘‚":
        return "a quotation mark"
    if first in _OPEN:
        return "a parenthesis"
    if first in "-–—":
        return "a dash"
    if first in "…." or first == "⋯":
        return "an ellipsis or full stop"
    return "punctuation" if unicodedata.category(first).startswith("P") else ""


@check("start-punctuation", Severity.WARNING)
def start_punctuation(ctx: EntryContext) -> Iterator[str]:
    """The translation begins with punctuation the source does not begin with, or the reverse
    (Spanish ¿ and ¡ aside)."""
    want, got = _opening(ctx.source), _opening(ctx.translation)
    if want != got:
        yield f"begins with {got or 'no punctuation'}, the source with {want or 'none'}"


def _first_letter(text: str) -> str:
    for char in _prose(text):
        if char.isalpha():
            return char
        if char.isdigit():
            return ""
    return ""


@check("start-capital", Severity.WARNING)
def start_capital(ctx: EntryContext) -> Iterator[str]:
    """The source begins with a capital letter and the translation with a small one (where both
    scripts have case)."""
    want, got = _first_letter(ctx.source), _first_letter(ctx.translation)
    if not (want.isupper() and got.islower()):
        return
    start = _prose(ctx.translation).lstrip()
    if any(start.lstrip(_LEADING_MARKUP + _SPANISH_OPENERS).startswith(g.term) for g in ctx.glossary if g.keep):
        return  # a name the glossary keeps as it is, such as "iPhone"
    yield f"begins with a small letter ({got!r}), the source with a capital"


_PUNCTUATION_SPACE = re.compile(r"[,;:!?،؛؟](?=[^\W\d_])")


@lru_cache(maxsize=65536)
def _unspaced(text: str) -> int:
    return len(_PUNCTUATION_SPACE.findall(_prose(text)))


@check("punctuation-spacing", Severity.WARNING)
def punctuation_spacing(ctx: EntryContext) -> Iterator[str]:
    """A comma, semicolon, colon, question or exclamation mark directly followed by a letter,
    where the language separates words with spaces and the source has no such place."""
    if _language(ctx) in _UNSPACED:
        return
    got = _unspaced(ctx.translation)
    if got > _unspaced(ctx.source):
        yield f"no space after punctuation ({got} place{'s' * (got != 1)}), as in 'word,word'"


@check("pure-punctuation", Severity.WARNING)
def pure_punctuation(ctx: EntryContext) -> Iterator[str]:
    """A source of punctuation or symbols only (a separator) translated with words or digits."""
    if any(c.isalnum() for c in ctx.source) or not ctx.source.strip():
        return
    if any(c.isalnum() for c in ctx.translation):
        yield "the source is punctuation only; the translation has words or digits"


_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")


@check("escapes", Severity.WARNING)
def escapes(ctx: EntryContext) -> Iterator[str]:
    """A Markdown backslash escape of the source (\\* or \\[) missing from the translation:
    without it the character may become markup."""
    if ctx.markup != "markdown" or "\\" not in ctx.source:
        return
    missing = Counter(_ESCAPE.findall(ctx.source)) - Counter(_ESCAPE.findall(ctx.translation))
    for escape in sorted(missing):
        yield f"the source's escape {escape} is missing: the character {escape[1]!r} may be read as markup"


# --- words -----------------------------------------------------------------------------------

_DOUBLED = re.compile(r"(?<!\w)([^\W\d_]{2,})(?:[ \u00a0]+|\n)\1(?!\w)", re.I)
_GRAMMATICAL_DOUBLES = {
    "fr": {"nous", "vous"},
    "de": {"die", "das", "der", "sie"},
    "nl": {"die", "dat"},
    "es": {"que"},
    "it": {"che"},
    "pt": {"que"},
}
"""Words that follow themselves in good grammar ("nous nous sommes", "die die Ärztin ...")."""


@check("doubled-word", Severity.WARNING)
def doubled_word(ctx: EntryContext) -> Iterator[str]:
    """The same word twice in a row ("the the"), where the source repeats none (an emphatic
    "very, very" may be rendered by one in the translation's words)."""
    found = _DOUBLED.findall(_prose(ctx.translation))
    if not found or _DOUBLED.search(_prose(ctx.source)):
        return
    allowed = _GRAMMATICAL_DOUBLES.get(_language(ctx), set())
    for word in dict.fromkeys(w.lower() for w in found):
        if word not in allowed:
            yield f"the word {word!r} twice in a row"

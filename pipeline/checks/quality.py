"""Quality checks of translated entries, one function per check.

Principles:

- A check compares the translation with its source and says, in one line, what differs and
  why it matters; it never changes anything.
- Script-aware: sentence ends and end punctuation know ``。！？`` and ``؟``; length ratios expect
  CJK text to be shorter; French spacing before ``: ; ? !`` is not a difference.
- Errors are what breaks a page or misinforms a reader (links, markup, raw HTML, bidi controls,
  placeholders, a ``keep`` term missing); warnings are what a reviewer should look at.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Iterator

from markdown_it import MarkdownIt

from ..glossary import unmet
from ..inline import has_markup
from ..rawhtml import has_html, tags_of
from ..required import numbers, sentence_count, without_link_targets
from ..ui import python_placeholders
from .findings import Severity
from .registry import EntryContext, check

_MD = MarkdownIt("commonmark", {"html": False})


_NO_MARKUP: tuple[Counter[str], Counter[str], Counter[str]] = (Counter(), Counter(), Counter())
"""What plain text holds (shared: the counters are only read)."""


@lru_cache(maxsize=65536)
def _markup(text: str) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Links (by target), emphasis kinds and code spans of an inline Markdown text (cached: a
    source text is compared with its translation in every locale, and a site of a thousand
    articles has some 8,000 distinct source texts, which a smaller cache would keep evicting)."""
    if not has_markup(text):
        return _NO_MARKUP
    tokens = _MD.parseInline(text)[0].children or []
    links = Counter(str(t.attrGet("href")) for t in tokens if t.type == "link_open")
    links.update(f"image {t.attrGet('src')}" for t in tokens if t.type == "image")
    emphasis = Counter(t.type.removesuffix("_open") for t in tokens if t.type in ("em_open", "strong_open"))
    code = Counter(t.content for t in tokens if t.type == "code_inline")
    return links, emphasis, code


@check("markup-mismatch", Severity.ERROR)
def markup_mismatch(ctx: EntryContext) -> Iterator[str]:
    """Links, their URLs, emphasis and code spans must be those of the source."""
    if ctx.markup != "markdown":
        return
    wanted, got = _markup(ctx.source), _markup(ctx.translation)
    links, emphasis, code = wanted
    got_links, got_emphasis, got_code = got
    if wanted != got:
        yield from _markup_differences(links, emphasis, code, got_links, got_emphasis, got_code)
    if "[^" not in ctx.source and "[^" not in ctx.translation:
        return
    yield from both_ways(_footnotes(ctx.source), _footnotes(ctx.translation), "footnote reference [^{}]")


def both_ways(want: Counter[str], got: Counter[str], what: str) -> Iterator[str]:
    """What the source has and the translation lacks, then what the translation adds (``what``
    names one, with ``{}`` for it)."""
    for item in want - got:
        yield f"{what.format(item)} of the source is missing"
    for item in got - want:
        yield f"{what.format(item)} is not in the source"


def _markup_differences(
    links: Counter[str], emphasis: Counter[str], code: Counter[str], got_links: Counter[str], got_emphasis: Counter[str], got_code: Counter[str]
) -> Iterator[str]:
    for url in links - got_links:
        yield f"link {url} of the source is missing (the page would link the source's URL anyway)"
    for url in got_links - links:
        yield f"link {url} is not in the source"
    for kind in (emphasis - got_emphasis) + (got_emphasis - emphasis):
        yield f"{'emphasis' if kind == 'em' else 'strong emphasis'}: the source has {emphasis[kind]}, the translation {got_emphasis[kind]}"
    for span in code - got_code:
        yield f"code span `{span}` is missing or changed (code is not translated)"


_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s\[]+)\]")


def _footnotes(text: str) -> Counter[str]:
    return Counter(_FOOTNOTE_REF.findall(text)) if "[^" in text else Counter()


@check("html-mismatch", Severity.ERROR)
def html_mismatch(ctx: EntryContext) -> Iterator[str]:
    """The author's HTML tags must be kept exactly: same tags, attributes and order."""
    if ctx.markup != "markdown" or not has_html(ctx.source):
        return
    wanted, got = tags_of(ctx.source), tags_of(ctx.translation)
    if wanted != got:
        difference = next((f"{w} → {g}" for w, g in zip(wanted, got) if w != g), f"{len(wanted)} tags → {len(got)}")
        yield f"the source's HTML tags are changed ({difference}); the page shows this segment in English"


_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")


def _raw_tags(text: str) -> list[str]:
    """Tags and comments of a text. Comments are found with ``str.find``: a pattern such as
    ``<!--.*?-->`` scans to the end from every ``<!--`` that is never closed."""
    found = _TAG.findall(text)
    start = text.find("<!--")
    while start != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break
        found.append(text[start : end + 3])
        start = text.find("<!--", end + 3)
    return found
_DANGER = re.compile(r"javascript:|\bon[a-z]+\s*=", re.I)


@check("raw-html", Severity.ERROR)
def raw_html(ctx: EntryContext) -> Iterator[str]:
    """Markup in a translation that the source does not have (it is shown as text, never run)."""
    if has_html(ctx.source):
        return  # the author's own HTML: html-mismatch holds the translation to it
    if "<" in ctx.translation:  # a tag or comment begins with "<"
        extra = Counter(_raw_tags(ctx.translation)) - Counter(_raw_tags(ctx.source))
        for tag in extra:
            yield f"raw HTML {tag[:40]!r} is not in the source; it is shown as text on the page"
    if ":" not in ctx.translation and "=" not in ctx.translation:  # each pattern ends with one
        return
    extra_danger = Counter(m.lower() for m in _DANGER.findall(ctx.translation)) - Counter(
        m.lower() for m in _DANGER.findall(ctx.source)
    )
    for pattern in extra_danger:
        yield f"{pattern!r} looks like an attempt at script injection; it is shown as text"


_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_INVISIBLE = {"\u200b", "\u2060", "\ufeff", "\u180e", "\u200e", "\u200f", "\u00ad"}


def _names(chars: set[str]) -> str:
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in sorted(chars))


@check("bidi-control", Severity.ERROR)
def bidi_control(ctx: EntryContext) -> Iterator[str]:
    """Bidirectional embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069)."""
    found = (set(ctx.translation) & _BIDI) - set(ctx.source)
    if found:
        yield f"bidi control character {_names(found)}: it can reorder what readers see; remove it"


@check("invisible-character", Severity.WARNING)
def invisible_character(ctx: EntryContext) -> Iterator[str]:
    """Zero-width and other invisible characters (U+200B, U+2060, U+FEFF, U+200E/U+200F, soft hyphen)."""
    found = (set(ctx.translation) & _INVISIBLE) - set(ctx.source)
    if found:
        yield f"invisible character {_names(found)}"


PLACEHOLDER = re.compile(r"%\([^()]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdif]|\{[A-Za-z_][A-Za-z0-9_]*\}")


@check("placeholders", Severity.ERROR)
def placeholders(ctx: EntryContext) -> Iterator[str]:
    """Placeholders such as %(count)s or {name} must be the source's, unchanged."""
    if "python-format" in ctx.message.flags:
        wanted = python_placeholders(ctx.message.msgid) | python_placeholders(ctx.message.msgid_plural or "")
        got = python_placeholders(ctx.translation)
        plural = ctx.message.msgid_plural is not None
    else:
        wanted, got, plural = set(PLACEHOLDER.findall(ctx.source)), set(PLACEHOLDER.findall(ctx.translation)), False
    for item in sorted(got - wanted):
        yield f"placeholder {item} is not in the source; the page would show it or fail"
    if not plural:  # a plural form may leave the number out ("one minute")
        for item in sorted(wanted - got):
            yield f"placeholder {item} of the source is missing"


@check("numbers", Severity.WARNING)
def numbers_differ(ctx: EntryContext) -> Iterator[str]:
    """Numbers of the source missing from the translation, or new ones (in medical text, a dose)."""
    if ctx.markup != "markdown":
        return
    yield from both_ways(numbers(ctx.source), numbers(ctx.translation), "number {}")


@check("whitespace", Severity.WARNING)
def whitespace(ctx: EntryContext) -> Iterator[str]:
    """Leading or trailing whitespace that differs from the source's."""
    for side, strip in (("leading", str.lstrip), ("trailing", str.rstrip)):
        source_pad = len(ctx.source) - len(strip(ctx.source))
        translation_pad = len(ctx.translation) - len(strip(ctx.translation))
        if source_pad != translation_pad:
            yield f"{side} whitespace differs from the source's"


@check("blank", Severity.ERROR)
def blank(ctx: EntryContext) -> Iterator[str]:
    """A translation of whitespace only: it counts as translated and would publish nothing."""
    if not ctx.translation.strip() and ctx.source.strip():
        yield "the translation is blank (whitespace only); the page would show an empty segment"


@check("tabs", Severity.WARNING)
def tabs(ctx: EntryContext) -> Iterator[str]:
    """A tab character the source does not have (Markdown may read it as the start of code)."""
    if "\t" in ctx.translation and ctx.translation.count("\t") > ctx.source.count("\t"):
        yield "a tab character that is not in the source"


_CONFLICT = "#-#-#-#-#"


@check("merge-conflict", Severity.ERROR)
def merge_conflict(ctx: EntryContext) -> Iterator[str]:
    """msgcat's conflict marker (#-#-#-#-#): two catalogues' translations were joined into one."""
    if _CONFLICT in ctx.translation and _CONFLICT not in ctx.source:
        yield "msgcat joined two translations here (#-#-#-#-# lines): keep one and delete the rest"


@check("doubled-spaces", Severity.WARNING)
def doubled_spaces(ctx: EntryContext) -> Iterator[str]:
    """Two spaces in a row, where the source has none."""
    if "  " in ctx.translation and "  " not in ctx.source:
        yield "doubled space"


_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@check("untranslated-looking", Severity.WARNING)
def untranslated_looking(ctx: EntryContext) -> Iterator[str]:
    """A translation identical to the source, unless the glossary keeps that text as it is."""
    if ctx.translation != ctx.source or not _LETTER.search(ctx.source):
        return
    kept = {g.term.lower() for g in ctx.glossary if g.keep}
    remainder = ctx.source.lower()
    for term in sorted(kept, key=len, reverse=True):
        remainder = remainder.replace(term, " ")
    if _LETTER.search(without_link_targets(remainder)):
        yield "the translation is identical to the source"


@check("sentence-count", Severity.WARNING)
def sentence_count_differs(ctx: EntryContext) -> Iterator[str]:
    """A different number of sentences than the source (something may be missing)."""
    if ctx.markup != "markdown":
        return
    want, got = sentence_count(ctx.source), sentence_count(ctx.translation)
    if want != got:
        yield f"{got} sentence{'s' * (got != 1)}, the source has {want}"


_COMPACT_SCRIPTS = ("ja", "zh", "ko")


@check("length-ratio", Severity.WARNING)
def length_ratio(ctx: EntryContext) -> Iterator[str]:
    """A translation much shorter or longer than usual for the language (omission, addition)."""
    if len(ctx.source) < 20:
        return
    low, high = (0.15, 1.5) if ctx.locale.code.split("_")[0] in _COMPACT_SCRIPTS else (0.5, 2.5)
    ratio = len(ctx.translation) / len(ctx.source)
    if not low <= ratio <= high:
        yield f"length is {ratio:.0%} of the source's (expected {low:.0%}–{high:.0%} for this language)"


_END_CLASS = {
    ".": "full stop", "。": "full stop", "۔": "full stop", "।": "full stop",
    "?": "question mark", "？": "question mark", "؟": "question mark",
    "!": "exclamation mark", "！": "exclamation mark",
    ":": "colon", "：": "colon",
}  # fmt: skip
_CLOSERS = "\"'’”»)]）」』 \u00a0\u202f"


def _ending(text: str) -> str:
    stripped = without_link_targets(text).rstrip(_CLOSERS)
    return _END_CLASS.get(stripped[-1:], "none") if stripped else "none"


@check("end-punctuation", Severity.WARNING)
def end_punctuation(ctx: EntryContext) -> Iterator[str]:
    """The translation ends with another kind of punctuation than the source (。 counts as .)."""
    want, got = _ending(ctx.source), _ending(ctx.translation)
    if want != got:
        yield f"ends with {got if got != 'none' else 'no punctuation'}, the source with {want if want != 'none' else 'none'}"


def _missing_terms(ctx: EntryContext, keep: bool) -> Iterator[str]:
    entries = (entry for entry in ctx.glossary if entry.keep == keep)
    for entry in unmet(entries, ctx.source, ctx.translation):
        where = f"(glossary line {entry.line})"
        if keep:
            yield f"glossary: {entry.term!r} must stay as it is {where}"
        elif entry.link:
            yield f"glossary: the link to {entry.term} should be followed by {entry.translation!r} {where}"
        else:
            yield f"glossary: {entry.term!r} should be translated as {' or '.join(map(repr, entry.forms))} {where}"


@check("glossary", Severity.ERROR)
def glossary_keep(ctx: EntryContext) -> Iterator[str]:
    """A name the glossary keeps as it is (brand, institution) is missing from the translation."""
    yield from _missing_terms(ctx, keep=True)


@check("glossary-term", Severity.WARNING)
def glossary_term(ctx: EntryContext) -> Iterator[str]:
    """A term the glossary translates in a set way is not translated that way.

    A link row of the glossary is checked here too: a link to a site the glossary marks (one in
    English, say) must be followed by its note, "(englischsprachig)"."""
    yield from _missing_terms(ctx, keep=False)

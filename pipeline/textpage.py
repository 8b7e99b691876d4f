"""Plain-text pages: the article wrapped at 72 columns, links as numbered references.

Principles:

- Wrapping is by display width. Text in scripts that put spaces between words breaks at spaces;
  text with CJK or other scripts that do not uses the Unicode line-breaking rules (the tables
  gettext uses, from :mod:`pipeline.catalogs.wrapping`): Japanese breaks between characters but
  never before 。、」. Wide characters count two columns; URLs are never cut.
- Headings are underlined (``=`` for the title, ``-`` for level 2, ``~`` below), lists get a
  hanging indent (tight lists stay without blank lines), quotes a ``> `` prefix, code is
  indented and never wrapped, tables are aligned columns by display width (a table too wide
  for the page becomes one line per row), an image is its alt text, an admonition its label
  and an indented body, an HTML block its prose.
- Footnote references read ``[^1]``; the footnotes are listed after the body, before the
  disclaimer.
- Links become ``[n]`` after their text and are listed under the article; their targets come
  from the source, as in HTML.
- The disclaimer is the last block of the article, after a rule line (:data:`DISCLAIMER_RULE`),
  so a reader — and :mod:`pipeline.verify` — finds it in one place; a short notice under the
  byline (:data:`DISCLAIMER_NOTICE`) says it is there.
- Readable wherever the file goes: the page starts with a UTF-8 byte order mark (:data:`BOM`),
  the one encoding signal browsers honour for ``text/plain`` served without a charset (as
  ``python -m http.server`` and most servers serve ``.txt``); terminals show it as nothing.
  The rule line is ASCII, so it is 72 columns also where ambiguous-width characters are wide.
  On a right-to-left page every line holding right-to-left text starts with U+200F (RLM), so a
  terminal that picks each line's direction from its first strong character shows the line
  right to left even when it begins with a Latin name ("Clinic [2] …").
- Line breaks follow each language's typography: never after a hyphen inside a word
  ("Informez-/vous"), and, in languages whose typography forbids it (:data:`GLUED_ONE_LETTER`:
  Russian, Czech, Polish…), never after a one-letter word ("и", "в", "z").
- A page that shows segments in English says how many under its byline, as the HTML page does.
- This module's own words go through the ``ui`` catalogue (Babel extracts the ``_()`` calls).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import partial
from typing import Callable

from .catalogs.wrapping import POSSIBLE, possible_breaks, single_width, text_width
from .blockhtml import ADMONITION_LABELS
from .inline import LinkList
from .page import ArticlePage, PageBlock
from .ui import CatalogTranslations

WIDTH = 72
DISCLAIMER_RULE = "_" * WIDTH
"""ASCII: a box-drawing line (U+2500) is ambiguous-width, 144 columns in a CJK terminal."""
BOM = "\ufeff"
RLM = "\u200f"
GLUED_ONE_LETTER = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "cs", "sk", "pl", "sl", "hr", "bs"})
"""Languages whose typography keeps a one-letter word (a preposition or conjunction) with the
next word: Russian и, в, к, с, у, о, а, я; Polish i, w, z, o, u, a; Czech and Slovak k, s, v, z…"""


def N_(message: str) -> str:
    """Marks a message for extraction into the ``ui`` domain without translating it here."""
    return message


DISCLAIMER_NOTICE = N_("Before relying on this article, read the disclaimer at its end.")
"""The notice near the top of every page that has a disclaimer (the HTML template says the same
words, as a link to it); :mod:`pipeline.verify` checks it is there."""
_UNDERLINE = {1: "=", 2: "-"}


_NEEDS_UAX14 = re.compile(r"[^\u0000-\u10ff]")
"""Scripts from U+1100 on (Hangul, CJK, kana, South-East Asian…) break without spaces; text
below it (Latin, Greek, Cyrillic, Arabic, Hebrew…) breaks at spaces, which is much faster."""
_AFTER_SPACES = re.compile(r"(?<= )(?=[^ ])")


def wrap(text: str, width: int = WIDTH, first: str = "", rest: str = "", language: str = "") -> list[str]:
    """Lines of at most ``width`` columns (a longer unbreakable piece stands alone); ``language``
    (``ru``, ``pt_BR``) chooses its typography's rules (see :data:`GLUED_ONE_LETTER`)."""
    lines: list[str] = []
    glue = language.split("_")[0] in GLUED_ONE_LETTER
    for paragraph in text.split("\n"):
        prefix, line = first if not lines else rest, ""
        if _NEEDS_UAX14.search(paragraph):
            breaks = possible_breaks(paragraph)
            found = [i for i in range(1, len(paragraph)) if breaks[i] == POSSIBLE and not _in_hyphenated_word(paragraph, i)]
        else:
            found = [m.start() for m in _AFTER_SPACES.finditer(paragraph)]
        if glue:
            found = [i for i in found if not _after_one_letter_word(paragraph, i)]
        starts = [0, *found, len(paragraph)]
        measure: Callable[[str], int] = text_width
        if single_width(paragraph):
            measure = len
        used = text_width(prefix)  # columns of prefix + line: widths add up, so no line is measured twice
        for start, end in zip(starts, starts[1:]):
            piece = paragraph[start:end]
            if line and used + measure(piece.rstrip()) > width:
                lines.append((prefix + line).rstrip())
                prefix, line = rest, ""
                used = text_width(prefix)
            line += piece
            used += measure(piece)
        lines.append((prefix + line).rstrip())
    return lines


_HYPHENS = frozenset("-\u2010")


def _in_hyphenated_word(text: str, index: int) -> bool:
    """A break before ``text[index]`` would split a hyphenated word after its hyphen."""
    return index >= 2 and text[index - 1] in _HYPHENS and text[index - 2].isalnum() and text[index].isalnum()


def _after_one_letter_word(text: str, index: int) -> bool:
    """A break before ``text[index]`` would leave a one-letter word at the end of the line."""
    word = text[:index].rstrip().rsplit(" ", 1)[-1].lstrip("([«„\"'")
    return len(word) == 1 and word.isalpha()


def _right_to_left(line: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in line)


def render_article_text(page: ArticlePage, translations: CatalogTranslations) -> str:
    """The text page of one article in one locale."""
    _ = translations.gettext
    ngettext = translations.ngettext
    pgettext = translations.pgettext
    links = LinkList()

    def plain(block: PageBlock) -> str:
        assert block.content is not None
        return block.content.plain(links)

    language = page.locale.code
    lines = partial(wrap, language=language)
    title = page.title.plain(links)
    out: list[str] = [*_heading(title, 1, lines), ""]
    byline = []
    if page.date_text:
        byline.append(_("Published on %(date)s") % {"date": page.date_text})
    byline.append(ngettext("%(count)s minute read", "%(count)s minutes read", page.minutes) % {"count": page.minutes})
    # Translators: between the date and the reading time, spaces included (Japanese: 「・」 without).
    separator = pgettext("byline", " · ")
    out += [*lines(separator.join(byline)), ""]
    if page.disclaimer:
        out += [*lines(_(DISCLAIMER_NOTICE)), ""]
    if page.in_english:
        # one line: Babel releases differ on which line of a call they name in the reference
        notice = ngettext("%(num)s part of this page is not yet translated and is shown in English.", "%(num)s parts of this page are not yet translated and are shown in English.", page.in_english)  # fmt: skip
        out += [*lines(notice % {"num": page.in_english}), ""]
    context = _Context(plain, translations.pgettext, lines)
    for block in page.body:
        out += _block(block, context, "", "")
    if page.disclaimer:  # an article may have none (require_disclaimer = false)
        out += [DISCLAIMER_RULE]
    for block in page.disclaimer:
        out += _block(block, context, "", "")
    if links.urls:
        out += [_("Links:")]
        out += [f"[{number}] {url}" for number, url in enumerate(links.urls, start=1)]
        out.append("")
    while out and out[-1] == "":
        out.pop()
    if page.locale.direction == "rtl":
        out = [RLM + line if _right_to_left(line) else line for line in out]
    return BOM + "\n".join(out) + "\n"


Wrap = Callable[..., list[str]]


def _heading(text: str, level: int, lines: Wrap = wrap) -> list[str]:
    wrapped = lines(text)
    mark = _UNDERLINE.get(level, "~")
    return [*wrapped, mark * max(text_width(line) for line in wrapped)]


@dataclass(frozen=True, slots=True)
class _Context:
    plain: Callable[[PageBlock], str]
    pgettext: Callable[[str, str], str]
    wrap: Wrap = wrap
    """:func:`wrap` with the page's language."""


BlockLines = Callable[[PageBlock, "_Context", str, str], list[str]]
_RENDERERS: dict[str, BlockLines] = {}


def _renders(*kinds: str) -> Callable[[BlockLines], BlockLines]:
    def register(function: BlockLines) -> BlockLines:
        for kind in kinds:
            _RENDERERS[kind] = function
        return function

    return register


def _block(block: PageBlock, context: _Context, first: str, rest: str) -> list[str]:
    """One block as lines, followed by a blank line (lists and quotes nest their children)."""
    renderer = _RENDERERS.get(block.kind)
    return renderer(block, context, first, rest) if renderer is not None else []


@_renders("heading")
def _heading_block(block: PageBlock, context: _Context, first: str, rest: str) -> list[str]:
    return [*_heading(context.plain(block), block.level, context.wrap), ""]


@_renders("paragraph")
def _paragraph(block: PageBlock, context: _Context, first: str, rest: str) -> list[str]:
    return [*context.wrap(context.plain(block), WIDTH, first, rest), ""]


@_renders("code")
def _code(block: PageBlock, context: _Context, first: str, rest: str) -> list[str]:
    return [*(f"{first if index == 0 else rest}    {line}".rstrip() for index, line in enumerate(block.text.rstrip("\n").split("\n"))), ""]


@_renders("rule")
def _rule(block: PageBlock, context: _Context, first: str, rest: str) -> list[str]:
    return [f"{first}* * *".rstrip(), ""]


@_renders("bullet_list", "ordered_list")
def _list(block: PageBlock, context: _Context, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    start = int(block.info) if block.info.isdigit() else 1
    for number, item in enumerate(block.children, start=start):
        marker = "- " if block.kind == "bullet_list" else f"{number}. "
        lead = (first if number == start else rest) + marker
        item_lines: list[str] = []
        for index, child in enumerate(item.children):
            item_lines += _block(child, context, lead if index == 0 else rest + " " * len(marker), rest + " " * len(marker))
        lines += [line for line in item_lines if line] if block.tight else item_lines
    return [*lines, ""] if lines and lines[-1] else lines


@_renders("quote")
def _quote(block: PageBlock, context: _Context, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    for child in block.children:
        lines += _block(child, context, first + "> ", rest + "> ")
    return lines


@_renders("table")
def _table(block: PageBlock, context: _Context, first: str, rest: str) -> list[str]:
    sections = [(section.kind == "table_head", row) for section in block.children for row in section.children]
    rows = [(head, [context.plain(cell) for cell in row.children], [cell.info for cell in row.children]) for head, row in sections]
    if not rows:
        return []
    columns = max(len(cells) for _, cells, _ in rows)
    widths = [max((text_width(cells[i]) for _, cells, _ in rows if i < len(cells)), default=0) for i in range(columns)]
    if text_width(rest) + sum(widths) + 3 * (columns - 1) > WIDTH or any("\n" in c for _, cells, _ in rows for c in cells):
        return [*(line for _, cells, _ in rows for line in context.wrap(" | ".join(cells), WIDTH, first, rest)), ""]
    lines = []
    for index, (head, cells, aligns) in enumerate(rows):
        padded = [_aligned(cells[i] if i < len(cells) else "", widths[i], aligns[i] if i < len(aligns) else "") for i in range(columns)]
        lines.append(((first if index == 0 else rest) + " | ".join(padded)).rstrip())
        if head and (index + 1 == len(rows) or not rows[index + 1][0]):
            lines.append((rest + "-+-".join("-" * w for w in widths)).rstrip())
    return [*lines, ""]


def _aligned(text: str, width: int, align: str) -> str:
    room = width - text_width(text)
    if align == "right":
        return " " * room + text
    if align == "center":
        return " " * (room // 2) + text + " " * (room - room // 2)
    return text + " " * room


@_renders("image")
def _image(block: PageBlock, context: _Context, first: str, rest: str) -> list[str]:
    texts = [context.plain(child) for child in block.children if child.content is not None]
    described = texts[0] + (f" ({texts[1]})" if len(texts) > 1 else "") if texts else ""
    return [*context.wrap(described, WIDTH, first, rest), ""] if described else []


@_renders("html")
def _html(block: PageBlock, context: _Context, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    for part in block.children:
        if part.kind == "html_text" and part.content is not None:
            lines += [*context.wrap(_TAGS.sub("", context.plain(part)), WIDTH, first if not lines else rest, rest), ""]
    return lines


_TAGS = re.compile(r"<[^<>]*>")


@_renders("admonition")
def _admonition(block: PageBlock, context: _Context, first: str, rest: str) -> list[str]:
    titled = [c for c in block.children if c.kind == "admonition_title" and c.content is not None]
    if titled:
        label = context.plain(titled[0])
    else:
        label = ADMONITION_LABELS[block.info](context.pgettext) if block.info in ADMONITION_LABELS else block.info
    lines = [*context.wrap(label, WIDTH, first, rest)]
    for child in block.children:
        if child.kind != "admonition_title":
            lines += _block(child, context, rest + "  ", rest + "  ")
    return lines if lines[-1] == "" else [*lines, ""]


@_renders("footnotes")
def _footnotes(block: PageBlock, context: _Context, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    for note in block.children:
        marker = f"[^{note.level}] "
        for index, child in enumerate(note.children):
            lines += _block(child, context, marker if index == 0 else " " * len(marker), " " * len(marker))
    return lines

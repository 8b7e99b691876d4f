"""Plain-text pages: the article wrapped at 72 columns, links as numbered references.

Principles:

- Wrapping is by display width. Text in scripts that put spaces between words breaks at spaces;
  text with CJK or other scripts that do not uses the Unicode line-breaking rules (the tables
  gettext uses, from :mod:`pipeline.catalogs.wrapping`): Japanese breaks between characters but
  never before 。、」. Wide characters count two columns; URLs are never cut.
- Headings are underlined (``=`` for the title, ``-`` for level 2, ``~`` below), lists get a
  hanging indent, quotes a ``> `` prefix, code is indented and never wrapped.
- Links become ``[n]`` after their text and are listed under the article; their targets come
  from the source, as in HTML.
- The disclaimer is the last block of the article, after a rule line (:data:`DISCLAIMER_RULE`),
  so a reader — and :mod:`pipeline.verify` — finds it in one place.
- This module's own words go through the ``ui`` catalogue (Babel extracts the ``_()`` calls).
"""

from __future__ import annotations

import re
from typing import Callable

from .catalogs.wrapping import POSSIBLE, possible_breaks, text_width
from .inline import LinkList
from .render import ArticlePage, PageBlock
from .ui import CatalogTranslations

WIDTH = 72
DISCLAIMER_RULE = "─" * WIDTH
_UNDERLINE = {1: "=", 2: "-"}


_NEEDS_UAX14 = re.compile(r"[^\u0000-\u10ff]")
"""Scripts from U+1100 on (Hangul, CJK, kana, South-East Asian…) break without spaces; text
below it (Latin, Greek, Cyrillic, Arabic, Hebrew…) breaks at spaces, which is much faster."""
_AFTER_SPACES = re.compile(r"(?<= )(?=[^ ])")


def wrap(text: str, width: int = WIDTH, first: str = "", rest: str = "") -> list[str]:
    """Lines of at most ``width`` columns (a longer unbreakable piece stands alone)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        prefix, line = first if not lines else rest, ""
        if _NEEDS_UAX14.search(paragraph):
            breaks = possible_breaks(paragraph)
            starts = [0, *(i for i in range(1, len(paragraph)) if breaks[i] == POSSIBLE), len(paragraph)]
        else:
            starts = [0, *(m.start() for m in _AFTER_SPACES.finditer(paragraph)), len(paragraph)]
        for start, end in zip(starts, starts[1:]):
            piece = paragraph[start:end]
            if line and text_width(prefix + line + piece.rstrip()) > width:
                lines.append((prefix + line).rstrip())
                prefix, line = rest, ""
            line += piece
        lines.append((prefix + line).rstrip())
    return lines


def render_article_text(page: ArticlePage, translations: CatalogTranslations) -> str:
    """The text page of one article in one locale."""
    _ = translations.gettext
    ngettext = translations.ngettext
    pgettext = translations.pgettext
    links = LinkList()

    def plain(block: PageBlock) -> str:
        assert block.content is not None
        return block.content.plain(links)

    title = page.title.plain(links)
    out: list[str] = [*_heading(title, 1), ""]
    byline = []
    if page.date_text:
        byline.append(_("Published on %(date)s") % {"date": page.date_text})
    byline.append(ngettext("%(count)s minute read", "%(count)s minutes read", page.minutes) % {"count": page.minutes})
    # Translators: between the date and the reading time, spaces included (Japanese: 「・」 without).
    separator = pgettext("byline", " · ")
    out += [*wrap(separator.join(byline)), ""]
    for block in page.body:
        out += _block(block, plain, "", "")
    out += [DISCLAIMER_RULE]
    for block in page.disclaimer:
        out += _block(block, plain, "", "")
    if links.urls:
        out += [_("Links:")]
        out += [f"[{number}] {url}" for number, url in enumerate(links.urls, start=1)]
        out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _heading(text: str, level: int) -> list[str]:
    lines = wrap(text)
    mark = _UNDERLINE.get(level, "~")
    return [*lines, mark * max(text_width(line) for line in lines)]


def _block(block: PageBlock, plain: Callable[[PageBlock], str], first: str, rest: str) -> list[str]:
    """One block as lines, followed by a blank line (lists and quotes nest their children)."""
    if block.kind == "heading":
        return [*_heading(plain(block), block.level), ""]
    if block.kind == "paragraph":
        return [*wrap(plain(block), WIDTH, first, rest), ""]
    if block.kind == "code":
        return [*(f"{first}    {line}".rstrip() for line in block.text.rstrip("\n").split("\n")), ""]
    if block.kind == "rule":
        return ["* * *", ""]
    if block.kind in ("bullet_list", "ordered_list"):
        lines: list[str] = []
        start = int(block.info) if block.info.isdigit() else 1
        for number, item in enumerate(block.children, start=start):
            marker = "- " if block.kind == "bullet_list" else f"{number}. "
            item_lines: list[str] = []
            for index, child in enumerate(item.children):
                lead = rest + marker if index == 0 else rest + " " * len(marker)
                item_lines += _block(child, plain, lead, rest + " " * len(marker))
            lines += [line for line in item_lines if line] if _tight(item) else item_lines
        return [*lines, ""] if lines and lines[-1] else lines
    if block.kind == "quote":
        lines = []
        for child in block.children:
            lines += _block(child, plain, first + "> ", rest + "> ")
        return lines
    if block.kind == "table":
        rows = [" | ".join(plain(cell) for cell in row.children) for row in block.children]
        return [*(line for row in rows for line in wrap(row, WIDTH, first, rest)), ""]
    return []


def _tight(item: PageBlock) -> bool:
    return all(child.kind == "paragraph" for child in item.children) and len(item.children) == 1

"""An article's localized blocks → HTML, as CommonMark (markdown-it-py) renders the source.

Principles:

- What an author writes is what every locale publishes: each block kind is rendered the way
  markdown-it-py renders it (tight lists without ``<p>``, ``<thead>``/``<tbody>``, a fence's
  language as ``language-…``, footnotes with their back-references), so an identity
  translation gives markdown-it's HTML. ``tests/test_markdown_fidelity.py`` holds us to it.
- What we add is small and documented: an ``id`` on each heading (the same in every locale),
  ``lang``/``dir`` on text shown in English, admonitions as ``<aside>`` with a translated
  label, and HTML5 void tags (``<hr>``, ``<img>``).
- Inline HTML was escaped (or checked, for the author's own tags) by :mod:`pipeline.inline`;
  everything else that reaches the page is escaped here. A page whose source holds raw HTML
  is then sanitized as a whole (:func:`pipeline.rawhtml.sanitize`).
- One function per block kind, in a registry, as the segmentation rules are.
- The admonition labels are this module's own words, in the ``ui`` catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from markdown_it.common.utils import escapeHtml

from .page import PageBlock, PageText

Renderer = Callable[[PageBlock, "HtmlContext"], str]
RENDERERS: dict[str, Renderer] = {}


@dataclass(slots=True)
class HtmlContext:
    """What rendering a page's blocks needs besides the blocks."""

    pgettext: Callable[[str, str], str]
    """The ``ui`` catalogue's translations (admonition labels)."""
    footnote_references: Callable[[int], int] = lambda number: 1
    """How many times footnote ``number`` (1-based) is referenced on the page."""
    out: list[str] = field(default_factory=list)


def renders(*kinds: str) -> Callable[[Renderer], Renderer]:
    def register(function: Renderer) -> Renderer:
        for kind in kinds:
            RENDERERS[kind] = function
        return function

    return register


def render_blocks(blocks: tuple[PageBlock, ...], context: HtmlContext) -> str:
    return "".join(_block(block, context) for block in blocks)


def _block(block: PageBlock, context: HtmlContext) -> str:
    renderer = RENDERERS.get(block.kind)
    return renderer(block, context) if renderer is not None else ""


def _lang(text: PageText | None) -> str:
    if text is None or text.lang is None:
        return ""
    return f' lang="{escapeHtml(text.lang)}" dir="{escapeHtml(text.dir or "ltr")}"'


def _inline(block: PageBlock) -> str:
    return str(block.html)


@renders("heading")
def _heading(block: PageBlock, context: HtmlContext) -> str:
    anchor = f' id="{escapeHtml(block.anchor)}"' if block.anchor else ""
    return f"<h{block.level}{anchor}{_lang(block.content)}>{_inline(block)}</h{block.level}>\n"


@renders("paragraph")
def _paragraph(block: PageBlock, context: HtmlContext) -> str:
    return _paragraph_html(block)


def _paragraph_html(block: PageBlock, backrefs: str = "") -> str:
    if block.tight:  # a paragraph of a tight list: no <p>, as markdown-it renders it
        lang = _lang(block.content)
        return f"<span{lang}>{_inline(block)}</span>{backrefs}" if lang else f"{_inline(block)}{backrefs}"
    return f"<p{_lang(block.content)}>{_inline(block)}{backrefs}</p>\n"


@renders("bullet_list", "ordered_list")
def _list(block: PageBlock, context: HtmlContext) -> str:
    tag = "ul" if block.kind == "bullet_list" else "ol"
    start = f' start="{escapeHtml(block.info)}"' if tag == "ol" and block.info and block.info != "1" else ""
    return f"<{tag}{start}>\n{render_blocks(block.children, context)}</{tag}>\n"


@renders("list_item")
def _list_item(block: PageBlock, context: HtmlContext) -> str:
    parts = []
    for index, child in enumerate(block.children):
        after_tight = index > 0 and block.children[index - 1].tight
        parts.append(("\n" if after_tight else "") + _block(child, context))
    inner = "".join(parts)
    opening = "<li>" if not block.children or block.children[0].tight else "<li>\n"
    return f"{opening}{inner}</li>\n"


@renders("quote")
def _quote(block: PageBlock, context: HtmlContext) -> str:
    return f"<blockquote>\n{render_blocks(block.children, context)}</blockquote>\n"


@renders("table")
def _table(block: PageBlock, context: HtmlContext) -> str:
    return f"<table>\n{render_blocks(block.children, context)}</table>\n"


@renders("table_head", "table_body")
def _table_section(block: PageBlock, context: HtmlContext) -> str:
    tag = "thead" if block.kind == "table_head" else "tbody"
    return f"<{tag}>\n{render_blocks(block.children, context)}</{tag}>\n"


@renders("table_row")
def _table_row(block: PageBlock, context: HtmlContext) -> str:
    return f"<tr>\n{render_blocks(block.children, context)}</tr>\n"


@renders("table_cell")
def _table_cell(block: PageBlock, context: HtmlContext) -> str:
    tag = "th" if block.level else "td"
    align = f' style="text-align:{escapeHtml(block.info)}"' if block.info else ""
    return f"<{tag}{align}{_lang(block.content)}>{_inline(block)}</{tag}>\n"


@renders("code")
def _code(block: PageBlock, context: HtmlContext) -> str:
    language = f' class="language-{escapeHtml(block.info)}"' if block.info else ""
    return f"<pre><code{language}>{escapeHtml(block.text)}</code></pre>\n"


@renders("rule")
def _rule(block: PageBlock, context: HtmlContext) -> str:
    return "<hr>\n"


@renders("html")
def _html(block: PageBlock, context: HtmlContext) -> str:
    return "".join(_html_part(part) for part in block.children)


def _html_part(part: PageBlock) -> str:
    if part.kind == "html_markup":
        return part.text
    lang = _lang(part.content)
    return f"<span{lang}>{_inline(part)}</span>" if lang else _inline(part)


@renders("image")
def _image(block: PageBlock, context: HtmlContext) -> str:
    alt = next((c for c in block.children if c.kind == "image_alt"), None)
    title = next((c for c in block.children if c.kind == "image_title"), None)
    alt_text = alt.content.plain() if alt is not None and alt.content is not None else ""
    title_attr = f' title="{escapeHtml(title.content.plain())}"' if title is not None and title.content is not None else ""
    lang = _lang(alt.content if alt is not None else None)
    image = f'<img src="{escapeHtml(block.info)}" alt="{escapeHtml(alt_text)}"{title_attr}{lang}>'
    return image if block.tight else f"<p>{image}</p>\n"


ADMONITION_LABELS: dict[str, Callable[[Callable[[str, str], str]], str]] = {
    # Translators: the title of a "::: note" box in an article (a side remark).
    "note": lambda pgettext: pgettext("admonition", "Note"),
    # Translators: the title of a "::: tip" box in an article (practical advice).
    "tip": lambda pgettext: pgettext("admonition", "Tip"),
    # Translators: the title of a "::: important" box in an article.
    "important": lambda pgettext: pgettext("admonition", "Important"),
    # Translators: the title of a "::: warning" box in an article (a risk to the reader's health).
    "warning": lambda pgettext: pgettext("admonition", "Warning"),
    # Translators: the title of a "::: caution" box in an article (take care).
    "caution": lambda pgettext: pgettext("admonition", "Caution"),
}
"""The default title of each admonition kind, written out so that Babel extracts them."""


@renders("admonition")
def _admonition(block: PageBlock, context: HtmlContext) -> str:
    titled = [c for c in block.children if c.kind == "admonition_title"]
    body = tuple(c for c in block.children if c.kind != "admonition_title")
    if titled and titled[0].content is not None:
        title = f'<p class="admonition-title"{_lang(titled[0].content)}>{_inline(titled[0])}</p>\n'
    else:
        label = ADMONITION_LABELS[block.info](context.pgettext) if block.info in ADMONITION_LABELS else block.info
        title = f'<p class="admonition-title">{escapeHtml(label)}</p>\n'
    return f'<aside class="admonition {escapeHtml(block.info)}">\n{title}{render_blocks(body, context)}</aside>\n'


@renders("footnotes")
def _footnotes(block: PageBlock, context: HtmlContext) -> str:
    items = render_blocks(block.children, context)
    return f'<hr class="footnotes-sep">\n<section class="footnotes">\n<ol class="footnotes-list">\n{items}</ol>\n</section>\n'


@renders("footnote")
def _footnote(block: PageBlock, context: HtmlContext) -> str:
    number = block.level
    count = context.footnote_references(number)
    backrefs = "".join(
        f' <a href="#fnref{number}{f":{sub}" if sub else ""}" class="footnote-backref">\u21a9\ufe0e</a>' for sub in range(max(count, 1))
    )
    children = block.children
    if children and children[-1].kind == "paragraph":
        inner = render_blocks(children[:-1], context) + _paragraph_html(children[-1], backrefs)
    else:
        inner = render_blocks(children, context) + backrefs
    return f'<li id="fn{number}" class="footnote-item">{inner}</li>\n'

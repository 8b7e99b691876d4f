"""Segmentation: an article's block tree → the units a translator translates.

Rules, in order of precedence:

- A segment is the inline text of a title, description, heading, paragraph or table cell, an
  image's alt text and title, an admonition's title, a footnote's paragraphs, and each run of
  prose in an HTML block. Lists, quotes, footnotes, admonitions and the disclaimer are
  containers: the paragraphs inside them are the segments, and the container names what they
  are ("list item", "quote", "footnote", "disclaimer: required").
- Code blocks, thematic breaks and the markup of HTML blocks carry nothing to translate.
- The segment's text is the block's normalized inline Markdown, unchanged: the msgid at extract
  time and the lookup key at build time are the same string.
- A segment inside the disclaimer is *required*: the build publishes its translation only when
  it is approved and complete, and otherwise the English text.

The rules are a small registry keyed by block kind (like markdown-it's ``Ruler``), so a new
block kind is one function, not a branch in a long chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from .sources import Article, Block, BlockKind


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable unit of an article."""

    text: str
    """The source text (normalized inline Markdown); the msgid of its message."""
    kind: str
    """What it is, for translators: ``title``, ``heading level 2``, ``list item``…"""
    line: int
    """1-based line in the source file, for the ``#:`` reference."""
    required: bool = False
    """Part of the disclaimer: never published stale, fuzzy or incomplete."""


REQUIRED_KIND = "disclaimer: required"

Rule = Callable[[Block, str | None], Iterator[Segment]]
"""A rule turns one block, inside a container described by the second argument, into segments."""

RULES: dict[BlockKind, Rule] = {}


def rule(*kinds: BlockKind) -> Callable[[Rule], Rule]:
    """Register a segmentation rule for the given block kinds."""

    def register(function: Rule) -> Rule:
        for kind in kinds:
            RULES[kind] = function
        return function

    return register


def _children(block: Block, container: str | None) -> Iterator[Segment]:
    for child in block.children:
        yield from segments_of(child, container)


def segments_of(block: Block, container: str | None = None) -> Iterator[Segment]:
    """The segments of one block, in document order."""
    handler = RULES.get(block.kind)
    if handler is not None:
        yield from handler(block, container)


@rule(BlockKind.HEADING)
def _heading(block: Block, container: str | None) -> Iterator[Segment]:
    if block.text:
        kind = container or f"heading level {block.level}"
        yield Segment(block.text, kind, block.line, required=container == REQUIRED_KIND)


@rule(BlockKind.PARAGRAPH)
def _paragraph(block: Block, container: str | None) -> Iterator[Segment]:
    if block.text:
        yield Segment(block.text, container or "paragraph", block.line, required=container == REQUIRED_KIND)


@rule(BlockKind.TABLE_CELL)
def _cell(block: Block, container: str | None) -> Iterator[Segment]:
    if block.text:
        kind = "table header cell" if block.level else "table cell"
        yield Segment(block.text, kind, block.line, required=container == REQUIRED_KIND)


def _text_rule(kind: str) -> Rule:
    def segment(block: Block, container: str | None) -> Iterator[Segment]:
        if block.text:
            yield Segment(block.text, container if container == REQUIRED_KIND else kind, block.line, required=container == REQUIRED_KIND)

    return segment


rule(BlockKind.HTML_TEXT)(_text_rule("html text"))
rule(BlockKind.IMAGE_ALT)(_text_rule("image alt"))
rule(BlockKind.IMAGE_TITLE)(_text_rule("image title"))
rule(BlockKind.ADMONITION_TITLE)(_text_rule("admonition title"))


@rule(BlockKind.FOOTNOTE)
def _footnote(block: Block, container: str | None) -> Iterator[Segment]:
    yield from _children(block, container if container == REQUIRED_KIND else f"footnote [^{block.info}]")


@rule(BlockKind.ADMONITION)
def _admonition(block: Block, container: str | None) -> Iterator[Segment]:
    yield from _children(block, container if container == REQUIRED_KIND else f"{block.info} (admonition)")


@rule(
    BlockKind.BULLET_LIST, BlockKind.ORDERED_LIST, BlockKind.TABLE, BlockKind.TABLE_HEAD, BlockKind.TABLE_BODY,
    BlockKind.TABLE_ROW, BlockKind.HTML, BlockKind.IMAGE, BlockKind.FOOTNOTES,
)  # fmt: skip
def _transparent(block: Block, container: str | None) -> Iterator[Segment]:
    yield from _children(block, container)


@rule(BlockKind.LIST_ITEM)
def _list_item(block: Block, container: str | None) -> Iterator[Segment]:
    yield from _children(block, container if container == REQUIRED_KIND else "list item")


@rule(BlockKind.QUOTE)
def _quote(block: Block, container: str | None) -> Iterator[Segment]:
    yield from _children(block, container if container == REQUIRED_KIND else "quote")


@rule(BlockKind.DISCLAIMER)
def _disclaimer(block: Block, container: str | None) -> Iterator[Segment]:
    yield from _children(block, REQUIRED_KIND)


def extract_segments(article: Article) -> tuple[Segment, ...]:
    """Every segment of an article: title, description, then the body in document order."""
    found = [Segment(article.title, "title", article.title_line)]
    if article.description:
        found.append(Segment(article.description, "description", article.description_line))
    for block in article.blocks:
        found.extend(segments_of(block))
    return tuple(found)


def required_texts(article: Article) -> frozenset[str]:
    """The source texts that make up the article's disclaimer."""
    return frozenset(s.text for s in extract_segments(article) if s.required)
